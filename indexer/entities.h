/*
 * entities.h - find persons, places and organisations in news text, with
 * canonical names resolved within the article ("Putin", "President Putin"
 * and "Vladimir Putin" are one person). Rule-based, no model download:
 * capitalised sequences, context words, shipped name lists and gazetteer.
 */
#ifndef IDX_ENTITIES_H
#define IDX_ENTITIES_H

#include <stddef.h>
#include "newsarc.h"

/* One occurrence of an entity in the text. */
typedef struct idx_entity_hit {
    arc_entity_kind_t kind;
    int start, end;       /* byte range in the text searched */
    char *surface;        /* the text as written (malloc'd) */
    char *canonical;      /* canonical name after in-article resolution (malloc'd) */
    int in_title;         /* found in the title rather than the body */
} idx_entity_hit_t;

/* Gazetteer place facts, when known. */
typedef struct idx_place_info {
    const char *country;  /* ISO 3166-1 alpha-2, static */
    double lat, lon;
    long population;
} idx_place_info_t;

/*
 * Find entities in an article. Offsets of body hits are into body; title
 * hits have in_title = 1 and offsets into title.
 *   out OUT malloc'd array, free with idx_entity_hits_free()
 * Returns the count. Linear time in the input size.
 */
size_t idx_entities_find(const char *title, const char *body,
                         idx_entity_hit_t **out);
void idx_entity_hits_free(idx_entity_hit_t *h, size_t n);

/*
 * Aggregate hits into one arc_mention_t per canonical entity (count,
 * first body offset, the most frequent surface form as alias).
 *   out OUT malloc'd array; names point into the hits (keep the hits alive)
 * Returns the count.
 */
size_t idx_entities_mentions(const idx_entity_hit_t *h, size_t n,
                             arc_mention_t **out);
/* The same, and hit_mention[i] (n slots, may be NULL) = index in *out of
 * the mention hit i belongs to. */
size_t idx_entities_mentions_map(const idx_entity_hit_t *h, size_t n,
                                 arc_mention_t **out, int *hit_mention);

/* Look up a place in the gazetteer by name; NULL when unknown. */
const idx_place_info_t *idx_gazetteer_lookup(const char *name);

#endif
