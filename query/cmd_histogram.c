/*
 * cmd_histogram.c - newsquery histogram QUERY --by day|week|month: how
 * many matching articles each period holds; a bar chart in text.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char *const histogram_csv_fields[] = { "start", "end", "count", NULL };

#define BAR_WIDTH 50

typedef struct hist_ctx {
    int64_t max;          /* largest count: the full bar */
    int unicode;          /* draw with a block character (a terminal) */
} hist_ctx_t;

static void
bucket_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const hist_ctx_t *h = ctx;
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(o, "count");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(o, "start");
    int64_t c = (int64_t)count->valuedouble;
    int w = h->max > 0 ? (int)((c * BAR_WIDTH + h->max - 1) / h->max) : 0;

    (void)index;
    fprintf(out, "%s %7lld", start->valuestring, (long long)c);
    if (w > 0)
        fputc(' ', out);
    for (int i = 0; i < w; i++)
        fputs(h->unicode ? "\xe2\x96\x88" : "#", out);
    fputc('\n', out);
}

static void
day_string(int64_t t, char *buf, size_t n)
{
    int y, m, d;
    arc_civil_from_days(t / 86400, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

int
qry_cmd_histogram(const qry_opts_t *o)
{
    arc_db_t *db = qry_open(o);
    arc_query_t *q = qry_parse(o);
    arc_search_opts_t so;
    arc_hist_bucket_t *b = NULL;
    size_t n = 0;
    arc_status_t st;
    qry_printer_t *pr;
    hist_ctx_t hc = { 0, 0 };
    arc_bucket_t by = ARC_BUCKET_DAY;
    int rc = 0;

    if (o->by_arg && strcmp(o->by_arg, "week") == 0)
        by = ARC_BUCKET_WEEK;
    else if (o->by_arg && strcmp(o->by_arg, "month") == 0)
        by = ARC_BUCKET_MONTH;
    qry_search_opts(o, &so);
    st = arc_histogram(db, q, &so, by, &b, &n);
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (b[i].count > hc.max)
            hc.max = b[i].count;
    hc.unicode = o->color;
    pr = qry_printer_create(o->format, stdout, histogram_csv_fields, bucket_text, &hc);
    for (size_t i = 0; i < n; i++) {
        char d1[16], d2[16];
        cJSON *r = cJSON_CreateObject();
        day_string(b[i].start, d1, sizeof d1);
        day_string(b[i].end, d2, sizeof d2);
        cJSON_AddStringToObject(r, "start", d1);
        cJSON_AddStringToObject(r, "end", d2);
        cJSON_AddNumberToObject(r, "count", (double)b[i].count);
        qry_printer_record(pr, r);
    }
    qry_printer_finish(pr);
    if (o->fail_empty && n == 0)
        rc = EXIT_EMPTY;
done:
    arc_free(b);
    arc_query_destroy(q);
    arc_db_close(db);
    return rc;
}
