/*
 * enrich.c - the enrichment stage: entities (entities.c) and dated events
 * (dates.c, events.c) of an article, stored through the archive.
 */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "enrich.h"

void
idx_enrich_compute(const char *title, const char *body, int64_t published,
                   idx_enrichment_t *out)
{
    memset(out, 0, sizeof *out);
    out->n_hits = idx_entities_find(title ? title : "", body ? body : "", &out->hits);
    if (out->n_hits)
        out->n_mentions = idx_entities_mentions(out->hits, out->n_hits, &out->mentions);
    if (body && *body)
        out->n_events = idx_events_build(body, strlen(body), published, &out->events);
}

arc_status_t
idx_enrich_store(arc_db_t *db, int64_t id, const idx_enrichment_t *e)
{
    return arc_article_enrich(db, id, e->mentions, e->n_mentions,
                              e->events, e->n_events);
}

void
idx_enrich_clear(idx_enrichment_t *e)
{
    free(e->mentions);
    idx_entity_hits_free(e->hits, e->n_hits);
    idx_events_free(e->events, e->n_events);
    memset(e, 0, sizeof *e);
}

arc_status_t
idx_enrich_article(arc_db_t *db, int64_t id, const char *title,
                   const char *body, int64_t published)
{
    idx_enrichment_t e;
    arc_status_t st;

    idx_enrich_compute(title, body, published, &e);
    st = idx_enrich_store(db, id, &e);
    idx_enrich_clear(&e);
    return st;
}
