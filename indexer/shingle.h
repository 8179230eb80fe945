/*
 * shingle.h - near-duplicate detection by shingling: an article body's
 * word 4-grams are hashed and the K smallest distinct hashes kept (a
 * bottom-k sketch). Two sketches estimate the Jaccard resemblance of the
 * two texts' shingle sets, so syndicated copies (the same wire text with a
 * retouched headline or first sentence) are recognised cheaply.
 */
#ifndef IDX_SHINGLE_H
#define IDX_SHINGLE_H

#include <stddef.h>
#include <stdint.h>

#define IDX_SKETCH_K 32     /* hashes kept per text */
#define IDX_SHINGLE_WORDS 4 /* words per shingle */

/*
 * Compute the bottom-k sketch of text[0..len): words are runs of letters
 * and digits (bytes >= 0x80 count as letters), lower-cased; each shingle of
 * IDX_SHINGLE_WORDS consecutive words is hashed (64-bit).
 *   out IN/OUT room for IDX_SKETCH_K hashes; receives them ascending
 * Returns how many were written (fewer than K for short texts; 0 for a text
 * with fewer words than a shingle).
 */
size_t idx_shingle_sketch(const char *text, size_t len, uint64_t out[IDX_SKETCH_K]);

/*
 * Estimated Jaccard resemblance (0..1) of two texts from their ascending
 * sketches: among the k smallest hashes of the union, the share present in
 * both. 0 when either sketch is empty.
 */
double idx_shingle_resemblance(const uint64_t *a, size_t na,
                               const uint64_t *b, size_t nb);

#endif
