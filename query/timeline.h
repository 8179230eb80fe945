/*
 * timeline.h - turning the archive's dated events into timeline entries.
 *
 * Events of the same date (and granularity) that state the same thing in
 * near-identical words (sentsim.h) are merged into one entry citing every
 * source; the entry's text is the first source's sentence and its date the
 * event's date. Sources are numbered [n] in order of first citation, or in
 * a fixed order given up front (story pages), where a syndicated copy may
 * be cited under its original's number. With a per-day limit, only the
 * most important entries of each date are kept: those stated by the most
 * sources, then those with an explicit date, then lead sentences, then the
 * earliest. Output depends only on the events read: reproducible.
 */
#ifndef QRY_TIMELINE_H
#define QRY_TIMELINE_H

#include <cjson/cJSON.h>
#include "newsarc.h"

typedef struct qry_tl qry_tl_t;

/* Wrap an open archive timeline (the builder takes ownership of @p t). */
qry_tl_t *qry_tl_create(arc_timeline_t *t);
/* Wrap an entity's timeline (ownership of @p t passes to the builder). */
qry_tl_t *qry_tl_create_entity(arc_entity_timeline_t *t);

/* Give article @p article the citation number @p n (for story pages,
 * whose sources are listed before the timeline). A second article given
 * the same n is cited as that source (a copy of it). */
void qry_tl_number(qry_tl_t *tl, int64_t article, int n, const char *source,
                   const char *url, const char *title);

/* Keep at most @p n entries per date (0 = all). */
void qry_tl_set_max_per_day(qry_tl_t *tl, int n);

/* Next merged entry as a JSON record ({date, granularity, text,
 * from_published, sources: [{n, article, source, url, title, start, end}]}),
 * or NULL at the end. *st receives the archive status. Caller owns it. */
cJSON *qry_tl_next(qry_tl_t *tl, arc_status_t *st);

/* Number of distinct sources cited so far, and the JSON list of them
 * ([{n, article, source, url, title}]) in citation order. */
int qry_tl_source_count(const qry_tl_t *tl);
cJSON *qry_tl_sources(const qry_tl_t *tl);

void qry_tl_destroy(qry_tl_t *tl);

#endif
