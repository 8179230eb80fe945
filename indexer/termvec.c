/*
 * termvec.c - terms of news text and sparse term vectors (see termvec.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "termvec.h"

#define TERM_MAX 40

static int
is_stopword(const char *w)
{
    static const char *const stop[] = {
        "about", "after", "again", "against", "all", "also", "amid", "and", "any",
        "are", "because", "been", "before", "being", "between", "both", "but",
        "can", "could", "day", "did", "doe", "does", "down", "dur", "during", "each",
        "for", "from", "had", "has", "have", "her", "here", "him", "his", "how",
        "into", "its", "just", "last", "like", "made", "make", "many", "may",
        "more", "most", "much", "must", "new", "news", "next", "not", "now",
        "off", "one", "only", "other", "our", "out", "over", "own", "per",
        "report", "said", "say", "says", "she", "should", "since", "some",
        "such", "than", "that", "the", "their", "them", "then", "there",
        "these", "they", "this", "those", "through", "time", "told", "too",
        "two", "under", "until", "upon", "very", "was", "way", "week", "were",
        "what", "when", "where", "which", "while", "who", "whom", "why", "will",
        "with", "would", "year", "yet", "you", "your", "today", "live",
        "update", "latest", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri",
        "sat", "sun", "first", "three", "four", "five", "expect", "people",
        "ago", "around", "another", "among", "across", "within", "without",
        NULL
    };
    /* the list is short: a linear scan of first-letter matches is enough */
    for (size_t i = 0; stop[i]; i++)
        if (stop[i][0] == w[0] && strcmp(stop[i], w) == 0)
            return 1;
    return 0;
}

static size_t
ends(const char *w, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n > m && memcmp(w + n - m, suf, m) == 0 ? m : 0;
}

/* Crude English stemming, enough to make "talks"/"talk", "sanctions"/
 * "sanction", "meeting"/"meet" one term. */
static size_t
stem(char *w, size_t n)
{
    if (n > 5 && ends(w, n, "ies")) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (n > 5 && ends(w, n, "ing"))
        return n - 3;
    if (n > 4 && ends(w, n, "ed") && !ends(w, n, "eed"))
        return n - 2;
    if (n > 4 && (ends(w, n, "ches") || ends(w, n, "shes") || ends(w, n, "sses") || ends(w, n, "xes")))
        return n - 2;
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
        return n - 1;
    return n;
}

size_t
idx_terms(const char *text, size_t len, idx_term_fn fn, void *ctx)
{
    char w[TERM_MAX + 1];
    size_t n = 0, count = 0;
    int all_digits = 1;

    if (!text)
        return 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)text[i] : 0;
        if (c && (isalnum(c) || c >= 0x80)) {
            if (n < TERM_MAX)
                w[n++] = (char)tolower(c);
            if (!isdigit(c))
                all_digits = 0;
            continue;
        }
        /* keep "U.S."-like and hyphenated words apart: each part is a term */
        if (n >= 3 && !(all_digits && n < 4)) {
            size_t m;
            w[n] = '\0';
            if (!is_stopword(w)) {
                m = stem(w, n);
                w[m] = '\0';
                if (m >= 3 && !is_stopword(w)) {
                    fn(w, m, ctx);
                    count++;
                }
            }
        }
        n = 0;
        all_digits = 1;
    }
    return count;
}

void
idx_tv_init(idx_tv_t *t)
{
    t->v = NULL;
    t->n = t->cap = 0;
}

void
idx_tv_free(idx_tv_t *t)
{
    free(t->v);
    idx_tv_init(t);
}

static size_t
lower_bound(const idx_tv_t *t, uint32_t term)
{
    size_t lo = 0, hi = t->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->v[mid].term < term)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int
idx_tv_add(idx_tv_t *t, uint32_t term, float w)
{
    size_t i = lower_bound(t, term);

    if (i < t->n && t->v[i].term == term) {
        t->v[i].w += w;
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        idx_tv_entry_t *p = realloc(t->v, cap * sizeof *p);
        if (!p)
            return -1;
        t->v = p;
        t->cap = cap;
    }
    memmove(t->v + i + 1, t->v + i, (t->n - i) * sizeof *t->v);
    t->v[i].term = term;
    t->v[i].w = w;
    t->n++;
    return 0;
}

float
idx_tv_get(const idx_tv_t *t, uint32_t term)
{
    size_t i = lower_bound(t, term);
    return i < t->n && t->v[i].term == term ? t->v[i].w : 0.0f;
}

double
idx_tv_norm2(const idx_tv_t *t)
{
    double s = 0;
    for (size_t i = 0; i < t->n; i++)
        s += (double)t->v[i].w * t->v[i].w;
    return s;
}

double
idx_tv_dot(const idx_tv_t *a, const idx_tv_t *b)
{
    size_t i = 0, j = 0;
    double s = 0;

    while (i < a->n && j < b->n) {
        if (a->v[i].term == b->v[j].term)
            s += (double)a->v[i++].w * b->v[j++].w;
        else if (a->v[i].term < b->v[j].term)
            i++;
        else
            j++;
    }
    return s;
}

double
idx_tv_cosine(const idx_tv_t *a, const idx_tv_t *b)
{
    double na = idx_tv_norm2(a), nb = idx_tv_norm2(b);

    if (na <= 0 || nb <= 0)
        return 0.0;
    return idx_tv_dot(a, b) / sqrt(na * nb);
}

void
idx_tv_normalise(idx_tv_t *t)
{
    double n = sqrt(idx_tv_norm2(t));

    if (n <= 0)
        return;
    for (size_t i = 0; i < t->n; i++)
        t->v[i].w = (float)(t->v[i].w / n);
}

double
idx_tv_dot_into(const idx_tv_t *a, const idx_tv_t *b)
{
    size_t j = 0;
    double s = 0;

    /* b not much longer than a: one merge walk, the compare outcomes
     * turned into index steps rather than branches the CPU must guess */
    if (b->n <= 8 * a->n) {
        size_t i = 0;
        while (i < a->n && j < b->n) {
            uint32_t x = a->v[i].term, y = b->v[j].term;
            if (x == y)
                s += (double)a->v[i].w * b->v[j].w;
            i += x <= y;
            j += y <= x;
        }
        return s;
    }
    for (size_t i = 0; i < a->n && j < b->n; i++) {
        uint32_t term = a->v[i].term;
        size_t lo = j, hi, step = 1;

        /* gallop from j to bracket the term, then binary search */
        if (b->v[lo].term < term) {
            hi = lo + 1;
            while (hi < b->n && b->v[hi].term < term) {
                lo = hi;
                step *= 2;
                hi = lo + step;
            }
            if (hi > b->n)
                hi = b->n;
            lo++;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (b->v[mid].term < term)
                    lo = mid + 1;
                else
                    hi = mid;
            }
        }
        j = lo;
        if (j < b->n && b->v[j].term == term)
            s += (double)a->v[i].w * b->v[j].w;
    }
    return s;
}

int
idx_tv_merge_add(idx_tv_t *t, const idx_tv_t *add, float *old)
{
    size_t i, j, k, n_new = 0, need;
    idx_tv_entry_t *v;

    if (!add->n)
        return 0;
    /* count the terms that are new to t */
    for (i = 0, j = 0; j < add->n; j++) {
        while (i < t->n && t->v[i].term < add->v[j].term)
            i++;
        if (i == t->n || t->v[i].term != add->v[j].term)
            n_new++;
    }
    need = t->n + n_new;
    if (need > t->cap) {
        size_t cap = t->cap ? t->cap : 16;
        while (cap < need)
            cap *= 2;
        v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    /* merge from the back, in place */
    i = t->n;
    j = add->n;
    k = need;
    while (j > 0) {
        if (i > 0 && t->v[i - 1].term > add->v[j - 1].term) {
            t->v[--k] = t->v[--i];
        } else if (i > 0 && t->v[i - 1].term == add->v[j - 1].term) {
            t->v[--k] = t->v[--i];
            if (old)
                old[j - 1] = t->v[k].w;
            t->v[k].w += add->v[--j].w;
        } else {
            if (old)
                old[j - 1] = 0.0f;
            t->v[--k].term = add->v[--j].term;
            t->v[k].w = add->v[j].w;
        }
    }
    t->n = need;
    return 0;
}
