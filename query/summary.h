/*
 * summary.h - the extractive summary of a story page: 3-5 short paragraphs
 * of sentences taken verbatim from the story's articles, each sentence
 * citing every source that states it in near-identical words, each
 * paragraph led by a headline-like phrase (a real headline of one of the
 * articles, or the opening clause of its first sentence).
 *
 * Selection: sentences of the same statement in several sources are
 * grouped; each group is scored by its centrality (sum of its IDF-weighted
 * word similarity to the other groups), its support (number of sources)
 * and its position (leads first); groups are picked greedily with a
 * redundancy penalty (maximal marginal relevance), the first picks seed
 * the paragraphs and later ones join the paragraph they are closest to.
 * Deterministic: ties go to the earlier article and sentence.
 */
#ifndef QRY_SUMMARY_H
#define QRY_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* One source article as the summary sees it (all borrowed). */
typedef struct qry_sum_article {
    int n;                  /* citation number [n] */
    int64_t id;             /* article id */
    const char *title, *source, *url;
    const char *body;       /* may be NULL */
    const int *spans;       /* sentence spans in body: 2*n_spans offsets */
    size_t n_spans;
} qry_sum_article_t;

/*
 * Build the summary of articles[0..n) (given oldest first).
 * @p max_paragraphs caps the paragraphs (5 for a story page); no headline
 * equal to @p avoid_heading (the page title; may be NULL) leads a paragraph.
 * Returns a JSON array of paragraphs
 *   {heading, heading_article (id or null), sentences: [{text,
 *    citations: [{n, article, source, url, start, end}]}]}
 * (empty when there is nothing to summarise), owned by the caller; NULL
 * only without memory.
 */
cJSON *qry_summary_build(const qry_sum_article_t *articles, size_t n,
                         int max_paragraphs, const char *avoid_heading);

#endif
