/*
 * cmd_timeline.c - newsquery timeline: dated events across any range,
 * merged across sources, each entry citing them.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "timeline.h"

static const char *const timeline_csv_fields[] = {
    "date", "granularity", "text", NULL
};

static const char *
jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "Dec 2, 2025 – text [1][2]" */
void qry_timeline_entry_text(FILE *out, const cJSON *o, int index, void *ctx);

void
qry_timeline_entry_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const cJSON *srcs = cJSON_GetObjectItemCaseSensitive(o, "sources"), *s;
    const char *d = jstr(o, "date"), *g = jstr(o, "granularity");
    int64_t start = 0, end = 0;
    arc_granularity_t gran = ARC_GRAN_DAY;
    char buf[32];

    (void)ctx;
    if (d)
        arc_time_parse_user(d, &start, &end);
    if (g && strcmp(g, "month") == 0)
        gran = ARC_GRAN_MONTH;
    else if (g && strcmp(g, "year") == 0)
        gran = ARC_GRAN_YEAR;
    fprintf(out, "%s%s – %s", index ? "\n" : "", qry_human_date(start, gran, buf, sizeof buf),
            jstr(o, "text"));
    cJSON_ArrayForEach(s, srcs)
        fprintf(out, "[%.0f]", cJSON_GetObjectItemCaseSensitive(s, "n")->valuedouble);
    fputc('\n', out);
}

int
qry_cmd_timeline(const qry_opts_t *o)
{
    arc_db_t *db = qry_open(o);
    arc_query_t *q = qry_parse(o);
    arc_search_opts_t so;
    arc_timeline_t *t = NULL;
    qry_tl_t *tl;
    qry_printer_t *pr;
    arc_status_t st;
    cJSON *e;
    long n;
    int rc = 0;

    qry_search_opts(o, &so);
    if (o->entity) {
        arc_entity_timeline_t *et = NULL;
        if (q && o->query && *o->query) {
            fprintf(stderr, "newsquery: timeline --entity takes no QUERY\n");
            rc = EXIT_USAGE;
            goto done;
        }
        st = arc_entity_timeline_open(db, o->entity, &so, &et);
        if (st == ARC_E_NOT_FOUND) {
            fprintf(stderr, "newsquery: no entity with id %lld\n", (long long)o->entity);
            rc = EXIT_EMPTY;
            goto done;
        }
        tl = st ? NULL : qry_tl_create_entity(et);
    } else {
        st = arc_timeline_open(db, q, o->story, &so, &t);
        tl = st ? NULL : qry_tl_create(t);
    }
    if (st || !tl) {
        rc = qry_fail(db, st ? st : ARC_E_NOMEM);
        goto done;
    }
    qry_tl_set_max_per_day(tl, o->max_per_day);
    pr = qry_printer_create(o->format, stdout, timeline_csv_fields,
                            qry_timeline_entry_text, NULL);
    while ((e = qry_tl_next(tl, &st)))
        qry_printer_record(pr, e);
    if (o->format == QRY_FORMAT_TEXT && qry_tl_source_count(tl) > 0) {
        cJSON *srcs = qry_tl_sources(tl), *s;
        printf("\nSources (%d articles)\n", qry_tl_source_count(tl));
        cJSON_ArrayForEach(s, srcs)
            printf("[%.0f] %s – %s\n    %s\n",
                   cJSON_GetObjectItemCaseSensitive(s, "n")->valuedouble,
                   jstr(s, "source") ? jstr(s, "source") : "?", jstr(s, "title"),
                   jstr(s, "url"));
        cJSON_Delete(srcs);
    }
    n = qry_printer_finish(pr);
    qry_tl_destroy(tl);
    if (st)
        rc = qry_fail(db, st);
    else if (o->fail_empty && n == 0)
        rc = EXIT_EMPTY;
done:
    arc_query_destroy(q);
    arc_db_close(db);
    return rc;
}
