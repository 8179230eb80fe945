/*
 * enrich.h - the enrichment stage: entities, dates and events of one
 * stored article, written to the archive.
 */
#ifndef IDX_ENRICH_H
#define IDX_ENRICH_H

#include "newsarc.h"

/* Find the article's entities and dated events and store them (replacing
 * earlier ones). Returns ARC_OK or the storage status. */
arc_status_t idx_enrich_article(arc_db_t *db, int64_t id, const char *title,
                                const char *body, int64_t published);

#endif
