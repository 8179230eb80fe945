/*
 * gazetteer.c - place facts from the generated gazetteer (countries,
 * regions, cities of 15,000 people or more).
 */
#include <string.h>

#include "entities.h"
#include "entities_words.h"

/*
 * Look up a place by name ("Paris", "U.S.", "Paris, Texas"); the most
 * likely place of that name wins. Returns a pointer to thread-local
 * storage valid until the next call in the same thread, or NULL when the
 * name is unknown.
 */
const idx_place_info_t *idx_gazetteer_lookup(const char *name)
{
    static _Thread_local idx_place_info_t info;
    if (!name)
        return NULL;
    const idx_gaz_key_t *k = idx_gazetteer_key(name, strlen(name));
    if (!k || k->count == 0)
        return NULL;
    const idx_gaz_place_t *p = &idx_gaz_places[idx_gaz_refs[k->first]];
    info.country = p->cc;
    info.lat = p->lat;
    info.lon = p->lon;
    info.population = (long)p->population;
    return &info;
}
