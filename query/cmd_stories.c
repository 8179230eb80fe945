/*
 * cmd_stories.c - newsquery stories QUERY: the stories holding matching
 * articles, with how many match and when, most matches first.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const stories_csv_fields[] = {
    "id", "title", "matches", "article_count", "first_match", "last_match",
    "first_date", "last_date", NULL
};

static const char *
jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
jnum(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void
story_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const char *f = jstr(o, "first_match"), *l = jstr(o, "last_match");

    (void)index;
    (void)ctx;
    fprintf(out, "%5.0f of %-5.0f story %-6.0f %.10s..%.10s  %s\n",
            jnum(o, "matches"), jnum(o, "article_count"), jnum(o, "id"),
            f ? f : "?", l ? l : "?", jstr(o, "title") ? jstr(o, "title") : "(untitled)");
}

int
qry_cmd_stories(const qry_opts_t *o)
{
    arc_db_t *db = qry_open(o);
    arc_query_t *q = qry_parse(o);
    arc_search_opts_t so;
    arc_story_match_t *m = NULL;
    size_t n = 0;
    arc_status_t st;
    qry_printer_t *pr;
    int rc = 0;

    qry_search_opts(o, &so);
    if (!o->limit_set)
        so.limit = 0;
    st = arc_story_matches(db, q, &so, &m, &n);
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    pr = qry_printer_create(o->format, stdout, stories_csv_fields, story_text, NULL);
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "id", (double)m[i].id);
        qry_json_str(r, "title", m[i].title);
        cJSON_AddNumberToObject(r, "matches", (double)m[i].matches);
        cJSON_AddNumberToObject(r, "article_count", (double)m[i].article_count);
        qry_json_time(r, "first_match", m[i].first_match);
        qry_json_time(r, "last_match", m[i].last_match);
        qry_json_time(r, "first_date", m[i].first_date);
        qry_json_time(r, "last_date", m[i].last_date);
        qry_printer_record(pr, r);
    }
    qry_printer_finish(pr);
    if (o->fail_empty && n == 0)
        rc = EXIT_EMPTY;
done:
    arc_story_matches_free(m, n);
    arc_query_destroy(q);
    arc_db_close(db);
    return rc;
}
