/*
 * entities_mentions.c - fold entity hits into one mention per canonical
 * entity, the input of arc_article_enrich().
 */
#include <stdlib.h>
#include <string.h>

#include "entities.h"
#include "entities_data.h"

typedef struct slot {
    int hit;      /* first hit of the entity + 1, 0 empty */
    int out;      /* index in the output */
} slot_t;

static uint32_t hit_hash(const idx_entity_hit_t *h)
{
    return idx_data_hash(h->canonical, strlen(h->canonical)) * 31u + (uint32_t)h->kind;
}

static int same_entity(const idx_entity_hit_t *a, const idx_entity_hit_t *b)
{
    return a->kind == b->kind && strcmp(a->canonical, b->canonical) == 0;
}

/*
 * Aggregate hits into one arc_mention_t per (kind, canonical name): the
 * number of hits, the first body offset (-1 when only the title has it)
 * and the most frequent surface form as alias (ties: the first seen);
 * places also get country and coordinates from the gazetteer.
 *   out OUT malloc'd array (free()); name and alias point into the hits,
 *       which must outlive it; NULL when n is 0
 * Returns the number of mentions; 0 on allocation failure too.
 */
size_t idx_entities_mentions(const idx_entity_hit_t *h, size_t n, arc_mention_t **out)
{
    return idx_entities_mentions_map(h, n, out, NULL);
}

/* As idx_entities_mentions(); also hit_mention[i] = the index in *out of
 * hit i's mention (hit_mention may be NULL; else it has n slots). */
size_t idx_entities_mentions_map(const idx_entity_hit_t *h, size_t n, arc_mention_t **out,
                                 int *hit_mention)
{
    *out = NULL;
    if (!h || n == 0)
        return 0;
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    slot_t *tab = calloc(cap, sizeof *tab);
    arc_mention_t *m = calloc(n, sizeof *m);
    int *alias_count = calloc(n, sizeof *alias_count);
    int *entity_of = calloc(n, sizeof *entity_of);
    if (!tab || !m || !alias_count || !entity_of) {
        free(tab);
        free(m);
        free(alias_count);
        free(entity_of);
        return 0;
    }
    size_t nm = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = hit_hash(&h[i]) & (cap - 1);
        while (tab[j].hit && !same_entity(&h[tab[j].hit - 1], &h[i]))
            j = (j + 1) & (cap - 1);
        if (!tab[j].hit) {
            tab[j].hit = (int)i + 1;
            tab[j].out = (int)nm;
            m[nm].kind = h[i].kind;
            m[nm].name = h[i].canonical;
            m[nm].alias = NULL;
            m[nm].count = 0;
            m[nm].first_offset = -1;
            nm++;
        }
        arc_mention_t *x = &m[tab[j].out];
        entity_of[i] = tab[j].out;
        x->count++;
        if (!h[i].in_title && (x->first_offset < 0 || h[i].start < x->first_offset))
            x->first_offset = h[i].start;
    }
    /* most frequent surface per entity: count equal surfaces with a second
     * table keyed by (entity, surface) */
    memset(tab, 0, cap * sizeof *tab);
    int *best = calloc(nm, sizeof *best);
    if (!best) {
        free(tab);
        free(m);
        free(alias_count);
        free(entity_of);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t hv = idx_data_hash(h[i].surface, strlen(h[i].surface)) ^
                      ((uint32_t)entity_of[i] * 2654435761u);
        size_t j = hv & (cap - 1);
        while (tab[j].hit) {
            size_t k = (size_t)tab[j].hit - 1;
            if (entity_of[k] == entity_of[i] && strcmp(h[k].surface, h[i].surface) == 0)
                break;
            j = (j + 1) & (cap - 1);
        }
        if (!tab[j].hit)
            tab[j].hit = (int)i + 1;
        size_t first = (size_t)tab[j].hit - 1;
        int c = ++alias_count[first];
        int e = entity_of[i];
        if (!m[e].alias || c > best[e]) {
            if (!m[e].alias || c > best[e]) {
                m[e].alias = h[first].surface;
                best[e] = c;
            }
        }
    }
    free(best);
    free(tab);
    free(alias_count);
    if (hit_mention)
        memcpy(hit_mention, entity_of, n * sizeof *entity_of);
    free(entity_of);
    /* places carry their gazetteer facts (country is static data) */
    for (size_t e = 0; e < nm; e++) {
        const idx_place_info_t *p;

        if (m[e].kind != ARC_ENTITY_PLACE || !(p = idx_gazetteer_lookup(m[e].name)))
            continue;
        m[e].country = p->country;
        m[e].lat = p->lat;
        m[e].lon = p->lon;
    }
    *out = m;
    return nm;
}
