/*
 * cmd_show.c - newsquery show ID: one article with its text and entities.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const show_csv_fields[] = {
    "id", "published", "source", "title", "url", "story", "byline", "body", NULL
};

static const char *
jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
show_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const cJSON *ents = cJSON_GetObjectItemCaseSensitive(o, "entities"), *e;
    const cJSON *story = cJSON_GetObjectItemCaseSensitive(o, "story");
    const cJSON *vers;
    const char *v;

    (void)index;
    (void)ctx;
    fprintf(out, "%s\n", jstr(o, "title"));
    fprintf(out, "%s", jstr(o, "source") ? jstr(o, "source") : "?");
    if ((v = jstr(o, "byline")))
        fprintf(out, " · %s", v);
    fprintf(out, " · %s", (v = jstr(o, "published")) ? v : "undated");
    if (cJSON_IsNumber(story))
        fprintf(out, " · story %.0f", story->valuedouble);
    fprintf(out, "\n%s\n", jstr(o, "url"));
    if (cJSON_GetArraySize(ents) > 0) {
        int n = 0;
        fputs("Entities: ", out);
        cJSON_ArrayForEach(e, ents) {
            fprintf(out, "%s%s (%s #%.0f)", n++ ? ", " : "", jstr(e, "name"),
                    jstr(e, "kind"), cJSON_GetObjectItemCaseSensitive(e, "id")->valuedouble);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    if ((v = jstr(o, "body")) || (v = jstr(o, "summary")))
        fprintf(out, "%s\n", v);
    vers = cJSON_GetObjectItemCaseSensitive(o, "versions");
    if (cJSON_IsArray(vers)) {
        if (cJSON_GetArraySize(vers) == 0)
            fputs("\n(no earlier versions)\n", out);
        cJSON_ArrayForEach(e, vers) {
            const cJSON *num = cJSON_GetObjectItemCaseSensitive(e, "version");
            const char *seen = jstr(e, "seen"), *title = jstr(e, "title");
            fprintf(out, "\n--- version %.0f, current until %s ---\n%s\n",
                    cJSON_IsNumber(num) ? num->valuedouble : 0,
                    seen ? seen : "?", title ? title : "");
            if ((v = jstr(e, "body")) || (v = jstr(e, "summary")))
                fprintf(out, "\n%s\n", v);
        }
    }
}

/* The earlier versions of an article as the documented array, or NULL
 * (with *rc set) on failure. */
static cJSON *
versions_json(arc_db_t *db, int64_t id, int *rc)
{
    arc_version_t *v = NULL;
    size_t n = 0;
    arc_status_t st = arc_article_versions(db, id, &v, &n);
    cJSON *arr;

    if (st) {
        *rc = qry_fail(db, st);
        return NULL;
    }
    arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "version", v[i].version);
        qry_json_time(e, "seen", v[i].seen);
        qry_json_str(e, "title", v[i].title);
        qry_json_str(e, "summary", v[i].summary);
        qry_json_str(e, "body", v[i].body);
        qry_json_str(e, "content_hash", v[i].content_hash);
        qry_json_str(e, "capture", v[i].capture);
        cJSON_AddItemToArray(arr, e);
    }
    arc_versions_free(v, n);
    return arr;
}

int
qry_cmd_show(const qry_opts_t *o, int64_t id)
{
    arc_db_t *db = qry_open(o);
    arc_article_t *a = NULL;
    arc_entity_ref_t *ents = NULL;
    size_t n_ents = 0;
    arc_status_t st;
    cJSON *r, *arr, *persons, *places, *orgs;
    qry_printer_t *pr;

    st = arc_article_get(db, id, &a);
    if (st == ARC_E_NOT_FOUND) {
        fprintf(stderr, "newsquery: no article with id %lld\n", (long long)id);
        arc_db_close(db);
        return EXIT_EMPTY;
    }
    if (st || (st = arc_article_entities(db, id, &ents, &n_ents))) {
        int rc = qry_fail(db, st);
        arc_article_destroy(a);
        arc_db_close(db);
        return rc;
    }
    r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "id", (double)a->id);
    qry_json_str(r, "url", a->url);
    qry_json_str(r, "source", a->source);
    qry_json_str(r, "site", a->source_site);
    qry_json_str(r, "title", a->title);
    qry_json_str(r, "byline", a->byline);
    qry_json_time(r, "published", a->published);
    qry_json_str(r, "published_src", a->published_src);
    qry_json_str(r, "published_raw", a->published_raw);
    qry_json_time(r, "first_seen", a->first_seen);
    qry_json_time(r, "updated", a->updated);
    qry_json_str(r, "lang", a->lang);
    qry_json_str(r, "guid", a->guid);
    if (a->story)
        cJSON_AddNumberToObject(r, "story", (double)a->story);
    else
        cJSON_AddNullToObject(r, "story");
    cJSON_AddNumberToObject(r, "version", a->version);
    qry_json_str(r, "capture", a->capture);
    persons = cJSON_AddArrayToObject(r, "persons");
    places = cJSON_AddArrayToObject(r, "places");
    orgs = cJSON_AddArrayToObject(r, "orgs");
    arr = cJSON_AddArrayToObject(r, "entities");
    for (size_t i = 0; i < n_ents; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON *list = ents[i].kind == ARC_ENTITY_PERSON ? persons
                    : ents[i].kind == ARC_ENTITY_PLACE ? places : orgs;
        cJSON_AddItemToArray(list, cJSON_CreateString(ents[i].name));
        cJSON_AddNumberToObject(e, "id", (double)ents[i].id);
        cJSON_AddStringToObject(e, "kind", arc_entity_kind_name(ents[i].kind));
        cJSON_AddStringToObject(e, "name", ents[i].name);
        cJSON_AddNumberToObject(e, "count", (double)ents[i].count);
        cJSON_AddItemToArray(arr, e);
    }
    {
        /* every occurrence (issue 3): entity id, field, byte range, sentence */
        arc_article_mention_t *m = NULL;
        size_t nm = 0;
        arc_status_t ms = arc_article_mentions(db, id, &m, &nm);

        if (ms == ARC_OK) {
            cJSON *occ = cJSON_AddArrayToObject(r, "mentions");
            for (size_t i = 0; i < nm; i++) {
                cJSON *e = cJSON_CreateObject();
                cJSON_AddNumberToObject(e, "entity", (double)m[i].entity);
                cJSON_AddStringToObject(e, "field", m[i].in_title ? "title" : "body");
                cJSON_AddNumberToObject(e, "start", m[i].start);
                cJSON_AddNumberToObject(e, "end", m[i].end);
                if (m[i].in_title)
                    cJSON_AddNullToObject(e, "sentence");
                else
                    cJSON_AddNumberToObject(e, "sentence", m[i].sentence);
                cJSON_AddItemToArray(occ, e);
            }
            arc_article_mentions_free(m, nm);
        } else {
            cJSON_AddNullToObject(r, "mentions");   /* not kept by this handle */
        }
    }
    qry_json_str(r, "summary", a->summary);
    qry_json_str(r, "body", a->body);
    if (o->versions) {
        int rc = 0;
        cJSON *vers = versions_json(db, id, &rc);
        if (!vers) {
            cJSON_Delete(r);
            arc_entity_refs_free(ents, n_ents);
            arc_article_destroy(a);
            arc_db_close(db);
            return rc;
        }
        cJSON_AddItemToObject(r, "versions", vers);
    } else {
        cJSON_AddNullToObject(r, "versions");
    }
    pr = qry_printer_create(o->format, stdout, show_csv_fields, show_text, NULL);
    qry_printer_single(pr, r);
    qry_printer_finish(pr);
    arc_entity_refs_free(ents, n_ents);
    arc_article_destroy(a);
    arc_db_close(db);
    return 0;
}
