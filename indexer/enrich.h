/*
 * enrich.h - the enrichment stage: entities, dates and events of one
 * stored article, written to the archive.
 *
 * The work has two halves so that an import can run them on two threads:
 * idx_enrich_compute() (pure text work, no archive, thread-safe) and
 * idx_enrich_store() (writes through the archive handle).
 */
#ifndef IDX_ENRICH_H
#define IDX_ENRICH_H

#include <stddef.h>
#include "newsarc.h"
#include "entities.h"
#include "text.h"

/* What the text work found for one article. All arrays are owned by the
 * struct (idx_enrich_clear); mentions point into hits. */
typedef struct idx_enrichment {
    idx_entity_hit_t *hits;
    size_t n_hits;
    arc_mention_t *mentions;
    size_t n_mentions;
    arc_occurrence_t *occ;      /* every hit: its mention, offsets, sentence */
    size_t n_occ;
    arc_event_t *events;        /* text NULL: the body's bytes [start, end) */
    size_t n_events;
    const char *body;           /* the body given to idx_enrich_compute (not
                                   owned: keep it alive until stored) */
    idx_span_t *sent;           /* the body's sentences (idx_sentences), kept
                                   for the clustering's text work */
    size_t n_sent;
} idx_enrichment_t;

/* Find the entities and dated events of an article (title and body may be
 * NULL). Fills *out (zeroed first); never touches the archive, so it may run
 * on any thread. Free with idx_enrich_clear(). */
void idx_enrich_compute(const char *title, const char *body, int64_t published,
                        idx_enrichment_t *out);

/* Store what idx_enrich_compute found for article id (replacing earlier
 * mentions and events). Returns ARC_OK or the storage status. */
arc_status_t idx_enrich_store(arc_db_t *db, int64_t id, const idx_enrichment_t *e);

/* As idx_enrich_store(); is_new says the article was created just now
 * (arc_article_put gave ARC_PUT_NEW), which skips clearing earlier rows. */
arc_status_t idx_enrich_store_new(arc_db_t *db, int64_t id, const idx_enrichment_t *e,
                                  int is_new);

/* Free the arrays of *e and zero it. Safe on a zeroed struct. */
void idx_enrich_clear(idx_enrichment_t *e);

/* Both halves at once: find the article's entities and dated events and
 * store them. Returns ARC_OK or the storage status. */
arc_status_t idx_enrich_article(arc_db_t *db, int64_t id, const char *title,
                                const char *body, int64_t published);

#endif
