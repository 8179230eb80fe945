/*
 * sentsim.c - sentence signatures and similarities (see sentsim.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sentsim.h"

#define WORD_MAX 32

static int
is_function_word(const char *w)
{
    static const char *const stop[] = {
        "the", "and", "for", "that", "with", "was", "were", "has", "have", "had",
        "this", "from", "but", "not", "are", "its", "his", "her", "their", "they",
        "said", "says", "who", "which", "will", "would", "been", "after", "into",
        "about", "than", "also", "on", "at", "by", "of", "to", "in", "an", "as",
        "is", "it", "be", "he", "she", "we", "or", "a", NULL
    };
    for (size_t i = 0; stop[i]; i++)
        if (stop[i][0] == w[0] && strcmp(stop[i], w) == 0)
            return 1;
    return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int
qry_sig_make(const char *text, size_t len, qry_sig_t *out)
{
    char w[WORD_MAX + 1];
    size_t n = 0, k = 0;
    uint32_t *h;

    out->h = NULL;
    out->n = 0;
    h = malloc((len / 2 + 1) * sizeof *h);
    if (!h)
        return -1;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)text[i] : 0;
        if (c && (isalnum(c) || c >= 0x80)) {
            if (n < WORD_MAX)
                w[n++] = (char)tolower(c);
            continue;
        }
        if (n >= 2) {
            uint32_t x = 2166136261u;
            w[n] = '\0';
            if (!is_function_word(w)) {
                if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's')
                    n--;
                for (size_t j = 0; j < n; j++)
                    x = (x ^ (unsigned char)w[j]) * 16777619u;
                h[k++] = x;
            }
        }
        n = 0;
    }
    qsort(h, k, sizeof *h, cmp_u32);
    n = 0;
    for (size_t i = 0; i < k; i++)
        if (!n || h[n - 1] != h[i])
            h[n++] = h[i];
    out->h = h;
    out->n = n;
    return 0;
}

void
qry_sig_free(qry_sig_t *s)
{
    free(s->h);
    s->h = NULL;
    s->n = 0;
}

size_t
qry_sig_common(const qry_sig_t *a, const qry_sig_t *b)
{
    size_t i = 0, j = 0, k = 0;

    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j]) {
            k++;
            i++;
            j++;
        } else if (a->h[i] < b->h[j]) {
            i++;
        } else {
            j++;
        }
    }
    return k;
}

double
qry_sig_dice(const qry_sig_t *a, const qry_sig_t *b)
{
    if (!a->n && !b->n)
        return 0.0;
    return 2.0 * (double)qry_sig_common(a, b) / (double)(a->n + b->n);
}

int
qry_sig_same_statement(const qry_sig_t *a, const qry_sig_t *b)
{
    size_t common, small;

    if (!a->n || !b->n)
        return 0;
    common = qry_sig_common(a, b);
    if (2.0 * (double)common >= 0.6 * (double)(a->n + b->n))
        return 1;
    small = a->n < b->n ? a->n : b->n;
    return small >= 6 && (double)common >= 0.9 * (double)small;
}
