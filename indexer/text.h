/*
 * text.h - sentence segmentation of news prose.
 */
#ifndef IDX_TEXT_H
#define IDX_TEXT_H

#include <stddef.h>

/* A byte range [start, end) of a text. */
typedef struct idx_span {
    int start, end;
} idx_span_t;

/*
 * Split text into sentences, surviving abbreviations (U.S., Mr., Dec.,
 * No. 10), initials, quotations that end sentences, decimal numbers and
 * ellipses. Paragraph breaks ("\n\n") always end a sentence. Spans exclude
 * surrounding whitespace. Linear time.
 *   out OUT a malloc'd array of spans (free()), NULL when there are none
 * Returns the number of sentences.
 */
size_t idx_sentences(const char *text, size_t len, idx_span_t **out);

/*
 * Copy len bytes of s as valid UTF-8: every byte that does not belong to a
 * well-formed sequence (and every NUL) becomes U+FFFD.
 *   n_replaced OUT (may be NULL) how many bytes were replaced
 * Returns a malloc'd NUL-terminated string (free()), NULL when out of memory.
 */
char *idx_text_copy_utf8(const char *s, size_t len, size_t *n_replaced);

#endif
