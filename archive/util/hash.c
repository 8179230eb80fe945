/*
 * hash.c - the content hash used to recognise the same article under
 * different URLs.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>

#include "../archive-private.h"

static void
feed(uint64_t *h1, uint64_t *h2, const char *s, int *space)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isspace(c)) {
            *space = 1;
            continue;
        }
        if (*space) {
            *h1 = (*h1 ^ ' ') * 0x100000001b3ULL;
            *h2 = (*h2 ^ ' ') * 0x100000001b3ULL;
            *space = 0;
        }
        c = (unsigned char)tolower(c);
        *h1 = (*h1 ^ c) * 0x100000001b3ULL;
        *h2 = (*h2 ^ c) * 0x100000001b3ULL;
        *h2 ^= *h2 >> 29;
    }
}

void
Arc_hash_text(const char *title, const char *body, char out[33])
{
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    int space = 0;

    feed(&h1, &h2, title, &space);
    h1 = (h1 ^ 0x1f) * 0x100000001b3ULL;
    h2 = (h2 ^ 0x1f) * 0x100000001b3ULL;
    space = 0;
    feed(&h1, &h2, body, &space);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1,
             (unsigned long long)h2);
}
