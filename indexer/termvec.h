/*
 * termvec.h - the words of news text as terms, and sparse weighted term
 * vectors (sorted by term id) with dot products and cosines: the text side
 * of story clustering.
 */
#ifndef IDX_TERMVEC_H
#define IDX_TERMVEC_H

#include <stddef.h>
#include <stdint.h>

/* Called for each term: w is lower-cased, crudely stemmed, NUL-terminated
 * and valid only during the call. */
typedef void (*idx_term_fn)(const char *w, size_t n, void *ctx);

/*
 * Split text[0..len) into terms: runs of letters and digits (bytes >= 0x80
 * count as letters), lower-cased, plural/-ing/-ed endings stripped, at
 * least 3 bytes, English function words and newsroom filler dropped.
 * Returns how many terms were passed to fn.
 */
size_t idx_terms(const char *text, size_t len, idx_term_fn fn, void *ctx);

typedef struct idx_tv_entry {
    uint32_t term;
    float w;
} idx_tv_entry_t;

/* A sparse vector: entries sorted by term, no duplicates. Zero-initialise
 * (or idx_tv_init) before use; free with idx_tv_free. */
typedef struct idx_tv {
    idx_tv_entry_t *v;
    size_t n, cap;
} idx_tv_t;

void idx_tv_init(idx_tv_t *t);
void idx_tv_free(idx_tv_t *t);
/* Add w to the term's weight (inserting it). Returns 0, or -1 without memory. */
int idx_tv_add(idx_tv_t *t, uint32_t term, float w);
/* Weight of a term (0 when absent). */
float idx_tv_get(const idx_tv_t *t, uint32_t term);
/* Sum of squared weights. */
double idx_tv_norm2(const idx_tv_t *t);
/* Dot product of two vectors (merge of the sorted entries). */
double idx_tv_dot(const idx_tv_t *a, const idx_tv_t *b);
/* Cosine similarity in [0, 1] for non-negative weights; 0 when either is empty. */
double idx_tv_cosine(const idx_tv_t *a, const idx_tv_t *b);
/* Scale every weight so the vector has unit length (no-op when empty). */
void idx_tv_normalise(idx_tv_t *t);

/*
 * Sum over the entries of @p a (in order) of a.w * b[a.term]: the same sum,
 * in the same order, as calling idx_tv_get(b, ...) for each entry of a, but
 * found by one forward galloping search through b (a few entries against a
 * long b, as an article against a story centroid).
 */
double idx_tv_dot_into(const idx_tv_t *a, const idx_tv_t *b);

/*
 * t += add, term by term (the same float sums as idx_tv_add of each entry
 * of add in order), in one merge of the two sorted lists.
 *   old OUT (may be NULL) room for add->n weights: old[j] receives the
 *       weight add's j-th term had in t before (0 when it was absent)
 * Returns 0, or -1 without memory (t unchanged).
 */
int idx_tv_merge_add(idx_tv_t *t, const idx_tv_t *add, float *old);

#endif
