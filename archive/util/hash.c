/*
 * hash.c - the content hash used to recognise the same article under
 * different URLs.
 */
#include <stdint.h>
#include <stdio.h>

#include "../archive-private.h"

/* isspace() and tolower() of the C locale, inline: the hash runs over
 * every stored body on the import's writer thread, and must not depend on
 * the caller's locale. */
static int
c_space(unsigned c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static unsigned
c_lower(unsigned c)
{
    return c - 'A' < 26u ? c + ('a' - 'A') : c;
}

static void
feed(uint64_t *h1, uint64_t *h2, const char *s, int *space)
{
    uint64_t a = *h1, b = *h2;
    int sp = *space;

    for (; s && *s; s++) {
        unsigned c = (unsigned char)*s;
        if (c_space(c)) {
            sp = 1;
            continue;
        }
        if (sp) {
            a = (a ^ ' ') * 0x100000001b3ULL;
            b = (b ^ ' ') * 0x100000001b3ULL;
            sp = 0;
        }
        c = c_lower(c);
        a = (a ^ c) * 0x100000001b3ULL;
        b = (b ^ c) * 0x100000001b3ULL;
        b ^= b >> 29;
    }
    *h1 = a;
    *h2 = b;
    *space = sp;
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

void
arc_article_hash(const char *title, const char *body, char out[33])
{
    Arc_hash_text(title, body, out);
}
