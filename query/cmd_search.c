/*
 * cmd_search.c - newsquery search: ranked articles with snippets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "common.h"

static const char *const search_csv_fields[] = {
    "id", "published", "source", "title", "url", "story", "score",
    "persons", "places", "orgs", NULL
};

/* The documented search-result record (docs/output-schema.md). */
static cJSON *
hit_json(const arc_hit_t *h)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "id", (double)h->id);
    qry_json_str(o, "url", h->url);
    qry_json_str(o, "source", h->source);
    qry_json_str(o, "title", h->title);
    qry_json_time(o, "published", h->published);
    qry_json_str(o, "snippet", h->snippet);
    cJSON_AddNumberToObject(o, "score", h->score);
    if (h->story)
        cJSON_AddNumberToObject(o, "story", (double)h->story);
    else
        cJSON_AddNullToObject(o, "story");
    cJSON_AddItemToObject(o, "persons", qry_json_strings(h->persons, h->n_persons));
    cJSON_AddItemToObject(o, "places", qry_json_strings(h->places, h->n_places));
    cJSON_AddItemToObject(o, "orgs", qry_json_strings(h->orgs, h->n_orgs));
    return o;
}

static const char *
jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
print_names(FILE *out, const cJSON *o, const char *key, const char *label, int *first)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *e;
    int n = 0;

    cJSON_ArrayForEach(e, a) {
        if (n >= 4)
            break;
        fprintf(out, "%s%s%s", *first ? "    " : (n ? ", " : "; "),
                n ? "" : label, e->valuestring);
        *first = 0;
        n++;
    }
}

static void
hit_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const qry_opts_t *opt = ctx;
    const char *pub = jstr(o, "published");
    const cJSON *story = cJSON_GetObjectItemCaseSensitive(o, "story");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const char *snip = jstr(o, "snippet");
    int first = 1;

    fprintf(out, "%s%3lld. %s%s\n", index ? "\n" : "",
            (long long)(opt->offset + index + 1), jstr(o, "title"),
            "");
    fprintf(out, "     %s · %.10s · article %.0f", jstr(o, "source") ? jstr(o, "source") : "?",
            pub ? pub : "undated", id ? id->valuedouble : 0);
    if (cJSON_IsNumber(story))
        fprintf(out, " · story %.0f", story->valuedouble);
    fputc('\n', out);
    if (snip) {
        fputs("     ", out);
        for (const char *p = snip; *p; p++)
            fputc(*p == '\n' ? ' ' : *p, out);
        fputc('\n', out);
    }
    print_names(out, o, "persons", "persons: ", &first);
    print_names(out, o, "places", "places: ", &first);
    print_names(out, o, "orgs", "orgs: ", &first);
    if (!first)
        fputc('\n', out);
    fprintf(out, "     %s\n", jstr(o, "url"));
}

int
qry_cmd_search(const qry_opts_t *o)
{
    arc_db_t *db = qry_open(o);
    arc_query_t *q = qry_parse(o);
    arc_search_opts_t so;
    arc_cursor_t *cur = NULL;
    qry_printer_t *pr;
    const arc_hit_t *h;
    arc_status_t st;
    long n;
    int rc = 0;

    qry_search_opts(o, &so);
    so.collapse_story = o->collapse_story;
    so.exact_rank = o->exact_rank;
    if (o->count_only) {
        int64_t count = 0;
        so.limit = so.offset = 0;
        st = arc_search_count(db, q, &so, &count);
        if (st) {
            rc = qry_fail(db, st);
        } else if (o->format == QRY_FORMAT_JSON || o->format == QRY_FORMAT_JSONL) {
            /* {"count":N}, with --allow-partial also "partial" and
             * "unreachable_shards" (issue 8) */
            cJSON *r = cJSON_CreateObject();
            char *txt;
            cJSON_AddNumberToObject(r, "count", (double)count);
            qry_backend_status_into(r);
            txt = cJSON_PrintUnformatted(r);
            printf("%s\n", txt ? txt : "{}");
            cJSON_free(txt);
            cJSON_Delete(r);
        } else {
            printf("%lld\n", (long long)count);
            qry_backend_status_into(NULL);   /* warns when partial */
        }
        if (!rc && o->fail_empty && count == 0)
            rc = EXIT_EMPTY;
        goto done;
    }
    if (!o->limit_set)
        so.limit = 20;
    so.want_snippet = 1;
    so.want_entities = 1;
    if (o->format == QRY_FORMAT_TEXT) {
        so.mark_open = o->color ? "\033[1m" : "[";
        so.mark_close = o->color ? "\033[0m" : "]";
    } else {
        so.mark_open = "<mark>";
        so.mark_close = "</mark>";
    }
    st = arc_search(db, q, &so, &cur);
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    pr = qry_printer_create(o->format, stdout, search_csv_fields, hit_text, (void *)o);
    while ((st = arc_cursor_next(cur, &h)) == ARC_OK && h)
        qry_printer_record(pr, hit_json(h));
    n = qry_printer_finish(pr);
    if (st)
        rc = qry_fail(db, st);
    else if (n == 0 && o->format == QRY_FORMAT_TEXT && isatty(1))
        fprintf(stderr, "newsquery: no articles match\n");
    if (!rc && o->fail_empty && n == 0)
        rc = EXIT_EMPTY;
done:
    arc_cursor_destroy(cur);
    arc_query_destroy(q);
    arc_db_close(db);
    return rc;
}
