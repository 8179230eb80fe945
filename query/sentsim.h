/*
 * sentsim.h - sentence signatures: the set of a sentence's content words
 * (lower-cased, plural endings stripped, function words dropped) as sorted
 * 32-bit hashes, and set similarities between them. Used to recognise the
 * same statement in several sources (timeline merging, summary citations)
 * and to measure how central a sentence is to a story.
 */
#ifndef QRY_SENTSIM_H
#define QRY_SENTSIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct qry_sig {
    uint32_t *h;    /* ascending, distinct (malloc'd) */
    size_t n;
} qry_sig_t;

/* Build the signature of text[0..len). Returns 0, or -1 without memory
 * (then out is empty). Free with qry_sig_free. */
int qry_sig_make(const char *text, size_t len, qry_sig_t *out);
void qry_sig_free(qry_sig_t *s);

/* Number of words two signatures share. */
size_t qry_sig_common(const qry_sig_t *a, const qry_sig_t *b);

/* Dice coefficient 2|A∩B|/(|A|+|B|) in [0, 1]; 0 when both are empty. */
double qry_sig_dice(const qry_sig_t *a, const qry_sig_t *b);

/*
 * Whether two sentences state the same thing in near-identical words: Dice
 * at least 0.6, or one (of at least 6 words) nearly contained in the other
 * (90% of its words).
 */
int qry_sig_same_statement(const qry_sig_t *a, const qry_sig_t *b);

#endif
