/*
 * ner_driver.c - run the entity finder over JSON lines {"id","title","body"}
 * on stdin; print one JSON line per article:
 *   {"id":..., "entities":[{"kind","name","mentions":[surface...]}...]}
 * Used by score.py. Build (see tools/eval/entities/README.md):
 *   gcc -std=c11 -O2 -Iarchive -Iindexer tools/eval/entities/ner_driver.c \
 *     indexer/entities.c indexer/entities_words.c indexer/entities_mentions.c \
 *     indexer/gazetteer.c indexer/gazetteer_data.c indexer/names_data.c \
 *     $(pkg-config --cflags --libs libcjson) -o /tmp/ner_driver
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "entities.h"

static const char *kind_name(arc_entity_kind_t k)
{
    return k == ARC_ENTITY_PERSON ? "person" : k == ARC_ENTITY_PLACE ? "place" : "org";
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) > 0) {
        cJSON *in = cJSON_Parse(line);
        if (!in)
            continue;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(in, "id");
        const cJSON *ti = cJSON_GetObjectItemCaseSensitive(in, "title");
        const cJSON *bo = cJSON_GetObjectItemCaseSensitive(in, "body");
        idx_entity_hit_t *h = NULL;
        size_t n = idx_entities_find(cJSON_IsString(ti) ? ti->valuestring : "",
                                     cJSON_IsString(bo) ? bo->valuestring : "", &h);
        cJSON *out = cJSON_CreateObject();
        cJSON_AddItemToObject(out, "id", cJSON_Duplicate(id, 1));
        cJSON *ents = cJSON_AddArrayToObject(out, "entities");
        cJSON *hits = cJSON_AddArrayToObject(out, "hits");
        for (size_t i = 0; i < n; i++) {
            cJSON *e = NULL;
            cJSON *it;
            cJSON_ArrayForEach(it, ents) {
                if (strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, kind_name(h[i].kind)) == 0 &&
                    strcmp(cJSON_GetObjectItem(it, "name")->valuestring, h[i].canonical) == 0)
                    e = it;
            }
            if (!e) {
                e = cJSON_CreateObject();
                cJSON_AddStringToObject(e, "kind", kind_name(h[i].kind));
                cJSON_AddStringToObject(e, "name", h[i].canonical);
                cJSON_AddArrayToObject(e, "mentions");
                cJSON_AddItemToArray(ents, e);
            }
            cJSON *ms = cJSON_GetObjectItem(e, "mentions");
            int dup = 0;
            cJSON_ArrayForEach(it, ms) if (strcmp(it->valuestring, h[i].surface) == 0) dup = 1;
            if (!dup)
                cJSON_AddItemToArray(ms, cJSON_CreateString(h[i].surface));
            cJSON *hj = cJSON_CreateObject();
            cJSON_AddStringToObject(hj, "kind", kind_name(h[i].kind));
            cJSON_AddStringToObject(hj, "surface", h[i].surface);
            cJSON_AddNumberToObject(hj, "start", h[i].start);
            cJSON_AddNumberToObject(hj, "end", h[i].end);
            cJSON_AddBoolToObject(hj, "title", h[i].in_title);
            cJSON_AddItemToArray(hits, hj);
        }
        char *s = cJSON_PrintUnformatted(out);
        puts(s);
        free(s);
        cJSON_Delete(out);
        cJSON_Delete(in);
        idx_entity_hits_free(h, n);
    }
    free(line);
    return 0;
}
