/*
 * buf.c - a growing string with a sticky failure flag.
 */
#include <stdlib.h>
#include <string.h>

#include "../archive-private.h"

void
Arc_buf_addn(arc_buf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->data, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
Arc_buf_add(arc_buf_t *b, const char *s)
{
    Arc_buf_addn(b, s, strlen(s));
}

void
Arc_buf_free(arc_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
