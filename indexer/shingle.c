/*
 * shingle.c - bottom-k sketches of word shingles (see shingle.h).
 */
#include <stdlib.h>
#include <string.h>

#include "shingle.h"

static uint64_t
mix64(uint64_t z)
{
    z ^= z >> 33;
    z *= 0xff51afd7ed558ccdULL;
    z ^= z >> 33;
    z *= 0xc4ceb9fe1a85ec53ULL;
    z ^= z >> 33;
    return z;
}

/* Whether *c belongs to a word: isalnum() in the C locale (the programs
 * never set another) or any byte of a UTF-8 sequence; *c is lowered as
 * tolower() would. Inline, not two library calls a byte: sketching 20,000
 * generated articles three times took 1.73 s with them and 1.03 s so, with
 * the same sketches (BENCHMARKS.md, "Ninth pass"). */
static inline int
word_byte(unsigned char *c)
{
    unsigned char b = *c;

    if (b >= 'A' && b <= 'Z') {
        *c = (unsigned char)(b + ('a' - 'A'));
        return 1;
    }
    return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Insert h into the ascending array v of n (<= K) smallest distinct values. */
static size_t
keep_smallest(uint64_t *v, size_t n, uint64_t h)
{
    size_t i;

    if (n == IDX_SKETCH_K && h >= v[n - 1])
        return n;
    for (i = 0; i < n && v[i] < h; i++)
        ;
    if (i < n && v[i] == h)
        return n;
    if (n < IDX_SKETCH_K)
        n++;
    memmove(v + i + 1, v + i, (n - 1 - i) * sizeof *v);
    v[i] = h;
    return n;
}

size_t
idx_shingle_sketch(const char *text, size_t len, uint64_t out[IDX_SKETCH_K])
{
    uint64_t ring[IDX_SHINGLE_WORDS], w = 0xcbf29ce484222325ULL;
    size_t words = 0, n = 0, wl = 0;

    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)text[i] : 0;
        if (word_byte(&c)) {
            w = (w ^ (uint64_t)c) * 0x100000001b3ULL;
            wl++;
            continue;
        }
        if (wl) {
            uint64_t h = 0;
            ring[words % IDX_SHINGLE_WORDS] = w;
            words++;
            if (words >= IDX_SHINGLE_WORDS) {
                for (size_t k = 0; k < IDX_SHINGLE_WORDS; k++)
                    h = mix64(h * 31 + ring[(words + k) % IDX_SHINGLE_WORDS]);
                n = keep_smallest(out, n, h);
            }
        }
        w = 0xcbf29ce484222325ULL;
        wl = 0;
    }
    qsort(out, n, sizeof *out, cmp_u64);
    return n;
}

double
idx_shingle_resemblance(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, taken = 0, both = 0, k;

    if (!na || !nb)
        return 0.0;
    k = na > nb ? na : nb;
    while (taken < k && (i < na || j < nb)) {
        if (i < na && j < nb && a[i] == b[j]) {
            both++;
            i++;
            j++;
        } else if (j >= nb || (i < na && a[i] < b[j])) {
            i++;
        } else {
            j++;
        }
        taken++;
    }
    return taken ? (double)both / (double)taken : 0.0;
}
