/*
 * cmd_entities.c - newsquery entities [QUERY] [--kind K] [--with E]: the
 * entities most mentioned by the matching articles, or those mentioned
 * together with entity E.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const entities_csv_fields[] = { "id", "kind", "name", "count", NULL };

static int
kind_parse(const char *s, size_t len)
{
    static const char *const names[] = { "person", "place", "org" };
    for (int k = 0; k < 3; k++)
        if (strlen(names[k]) == len && strncmp(names[k], s, len) == 0)
            return k;
    return -1;
}

static void
entity_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(o, "count");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");

    (void)index;
    (void)ctx;
    fprintf(out, "%7.0f  %-6s  %s  #%.0f\n", count->valuedouble, kind->valuestring,
            name->valuestring, id->valuedouble);
}

int
qry_cmd_entities(const qry_opts_t *o)
{
    arc_db_t *db = qry_open(o);
    arc_query_t *q = qry_parse(o);
    arc_search_opts_t so;
    arc_entity_ref_t *refs = NULL, with = { 0, ARC_ENTITY_PERSON, NULL, 0 };
    size_t n = 0;
    arc_status_t st;
    qry_printer_t *pr;
    char unq[512];
    int rc = 0, kind = o->kind_arg ? kind_parse(o->kind_arg, strlen(o->kind_arg)) : -1;

    qry_search_opts(o, &so);
    if (o->with_arg) {
        /* "person:Putin", "Vladimir Putin" or an entity id */
        const char *name = o->with_arg, *colon = strchr(name, ':');
        int wkind = -1;
        if (colon && (wkind = kind_parse(name, (size_t)(colon - name))) >= 0)
            name = colon + 1;
        if (*name == '"' && strlen(name) >= 2 && name[strlen(name) - 1] == '"') {
            snprintf(unq, sizeof unq, "%.*s", (int)strlen(name) - 2, name + 1);
            name = unq;
        }
        st = arc_entity_find(db, wkind, name, &with);
        if (st) {
            fprintf(stderr, "newsquery: --with: %s\n", arc_db_errmsg(db));
            rc = st == ARC_E_NOT_FOUND ? EXIT_USAGE : qry_fail(NULL, st);
            goto done;
        }
    }
    st = arc_facets(db, q, &so, kind, with.id, o->limit_set ? o->limit : 20, &refs, &n);
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    pr = qry_printer_create(o->format, stdout, entities_csv_fields, entity_text, NULL);
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "id", (double)refs[i].id);
        cJSON_AddStringToObject(r, "kind", arc_entity_kind_name(refs[i].kind));
        cJSON_AddStringToObject(r, "name", refs[i].name);
        cJSON_AddNumberToObject(r, "count", (double)refs[i].count);
        qry_printer_record(pr, r);
    }
    qry_printer_finish(pr);
    if (o->fail_empty && n == 0)
        rc = EXIT_EMPTY;
done:
    arc_entity_refs_free(refs, n);
    arc_free(with.name);
    arc_query_destroy(q);
    arc_db_close(db);
    return rc;
}
