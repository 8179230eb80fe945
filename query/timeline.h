/*
 * timeline.h - turning the archive's dated events into timeline entries:
 * events of the same date that state the same thing are merged into one
 * entry citing every source; sources are numbered [n] in order of first
 * citation (or in a fixed order given up front, for a story page).
 */
#ifndef QRY_TIMELINE_H
#define QRY_TIMELINE_H

#include <cjson/cJSON.h>
#include "newsarc.h"

typedef struct qry_tl qry_tl_t;

/* Wrap an open archive timeline (the builder takes ownership of @p t). */
qry_tl_t *qry_tl_create(arc_timeline_t *t);

/* Give article @p article the citation number @p n (for story pages,
 * whose sources are listed before the timeline). */
void qry_tl_number(qry_tl_t *tl, int64_t article, int n, const char *source,
                   const char *url, const char *title);

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
