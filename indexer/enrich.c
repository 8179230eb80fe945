/*
 * enrich.c - the enrichment stage: entities (entities.c) and dated events
 * (dates.c, events.c) of an article, with every entity occurrence and its
 * sentence, stored through the archive.
 */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "enrich.h"
#include "text.h"

/* The index of the sentence holding byte offset off (sentences ascend and
 * do not overlap); the last one starting at or before off, 0 when none. */
static int sentence_of(const idx_span_t *s, size_t n, int off)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {               /* first sentence starting after off */
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? (int)lo - 1 : 0;
}

void
idx_enrich_compute(const char *title, const char *body, int64_t published,
                   idx_enrichment_t *out)
{
    idx_span_t *sent = NULL;
    size_t ns = 0, blen = body ? strlen(body) : 0;
    int *hit_mention = NULL;

    memset(out, 0, sizeof *out);
    out->body = body;
    if (blen)
        ns = idx_sentences(body, blen, &sent);
    out->n_hits = idx_entities_find(title ? title : "", body ? body : "", &out->hits);
    if (out->n_hits) {
        hit_mention = malloc(out->n_hits * sizeof *hit_mention);
        out->n_mentions = idx_entities_mentions_map(out->hits, out->n_hits, &out->mentions,
                                                    hit_mention);
    }
    if (out->n_mentions && hit_mention &&
        (out->occ = malloc(out->n_hits * sizeof *out->occ))) {
        for (size_t i = 0; i < out->n_hits; i++) {
            const idx_entity_hit_t *h = &out->hits[i];
            arc_occurrence_t *o = &out->occ[i];

            o->mention = hit_mention[i];
            o->in_title = h->in_title;
            o->start = h->start;
            o->end = h->end;
            o->sentence = h->in_title ? -1 : sentence_of(sent, ns, h->start);
        }
        out->n_occ = out->n_hits;
    }
    free(hit_mention);
    if (blen)
        out->n_events = idx_events_from_sentences(body, blen, published, sent, ns, 0,
                                                  &out->events);
    out->sent = sent;
    out->n_sent = ns;
}

arc_status_t
idx_enrich_store_new(arc_db_t *db, int64_t id, const idx_enrichment_t *e, int is_new)
{
    arc_enrichment_t en;

    memset(&en, 0, sizeof en);
    en.mentions = e->mentions;
    en.n_mentions = e->n_mentions;
    en.occurrences = e->occ;
    en.n_occurrences = e->n_occ;
    en.events = e->events;
    en.n_events = e->n_events;
    en.body = e->body;
    return arc_article_enrich_all(db, id, &en, is_new ? ARC_ENRICH_NEW : 0);
}

arc_status_t
idx_enrich_store(arc_db_t *db, int64_t id, const idx_enrichment_t *e)
{
    return idx_enrich_store_new(db, id, e, 0);
}

void
idx_enrich_clear(idx_enrichment_t *e)
{
    free(e->mentions);
    free(e->occ);
    idx_entity_hits_free(e->hits, e->n_hits);
    idx_events_free(e->events, e->n_events);
    free(e->sent);
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
