/*
 * dates.h - temporal expressions in article text, resolved against the
 * publication date, and the dated events built from them.
 */
#ifndef IDX_DATES_H
#define IDX_DATES_H

#include <stddef.h>
#include <stdint.h>
#include "newsarc.h"
#include "text.h"

/* One temporal expression found in text. */
typedef struct idx_timex {
    int start, end;             /* byte range of the expression */
    int64_t value;              /* UTC seconds of the first day of the period */
    arc_granularity_t granularity;
} idx_timex_t;

/*
 * Find and resolve temporal expressions: absolute dates ("Dec 2, 2025",
 * "2 December", "December 2nd", "2025-12-02", "Dec. 2"), weekdays resolved by
 * tense ("on Tuesday", "later on Tuesday", "will meet on Tuesday"),
 * "yesterday", "today", "last week", "earlier this month", "next month",
 * "in March", "on 10 December" in future tense, years ("in 2024").
 *   published IN the reference time (UTC seconds); ARC_TIME_NONE resolves
 *                only fully specified dates
 *   out       OUT malloc'd array (free()), NULL when none
 * Returns the count. Linear time, no allocation per byte.
 */
size_t idx_timex_find(const char *text, size_t len, int64_t published,
                      idx_timex_t **out);

/*
 * Build the dated events of an article body: each sentence with a resolved
 * temporal expression becomes an event with that date (day granularity
 * preferred); the lead sentence (first of the body) without one takes the
 * publication date with from_published = 1.
 *   out OUT malloc'd array of events whose text pointers are malloc'd
 *       copies; free with idx_events_free().
 * Returns the count.
 */
size_t idx_events_build(const char *body, size_t len, int64_t published,
                        arc_event_t **out);
void idx_events_free(arc_event_t *ev, size_t n);

/*
 * idx_events_build() on sentences already found (idx_sentences of the same
 * body). With copy_text 0 the events' text is NULL: the sentence is the
 * body's bytes [start, end) (arc_article_enrich_all stores it so).
 */
size_t idx_events_from_sentences(const char *body, size_t len, int64_t published,
                                 const idx_span_t *sent, size_t ns, int copy_text,
                                 arc_event_t **out);

#endif
