/*
 * enrich.c - the enrichment stage: entities (entities.c) and dated events
 * (dates.c, events.c) of an article, stored through the archive.
 */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "enrich.h"
#include "entities.h"

arc_status_t
idx_enrich_article(arc_db_t *db, int64_t id, const char *title,
                   const char *body, int64_t published)
{
    idx_entity_hit_t *hits = NULL;
    arc_mention_t *mentions = NULL;
    arc_event_t *events = NULL;
    size_t n_hits, n_mentions = 0, n_events = 0;
    arc_status_t st;

    n_hits = idx_entities_find(title ? title : "", body ? body : "", &hits);
    if (n_hits)
        n_mentions = idx_entities_mentions(hits, n_hits, &mentions);
    if (body && *body)
        n_events = idx_events_build(body, strlen(body), published, &events);
    st = arc_article_enrich(db, id, mentions, n_mentions, events, n_events);
    free(mentions);
    idx_entity_hits_free(hits, n_hits);
    idx_events_free(events, n_events);
    return st;
}
