/*
 * cmd_story.c - newsquery story ID: one story in the shape of an
 * aggregator's story page: title, "Updated (N articles)", summary
 * paragraphs whose sentences cite their sources, the numbered sources, and
 * the dated timeline.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "timeline.h"

#define SUMMARY_MAX 4

void qry_timeline_entry_text(FILE *out, const cJSON *o, int index, void *ctx);

static const char *
jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
story_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    const cJSON *e, *c;
    int count = cJSON_GetObjectItemCaseSensitive(o, "article_count")->valueint;
    int k = 0;

    (void)index;
    (void)ctx;
    fprintf(out, "%s\n\nUpdated (%d article%s) · story %.0f · %.10s .. %.10s\n\n",
            jstr(o, "title"), count, count == 1 ? "" : "s",
            cJSON_GetObjectItemCaseSensitive(o, "id")->valuedouble,
            jstr(o, "first_date") ? jstr(o, "first_date") : "?",
            jstr(o, "last_date") ? jstr(o, "last_date") : "?");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "summary")) {
        fprintf(out, "%s", jstr(e, "text"));
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "citations"))
            fprintf(out, "[%d]", c->valueint);
        fputs("\n\n", out);
    }
    fprintf(out, "Sources (%d articles)\n\n", count);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "sources"))
        fprintf(out, "[%.0f] %s – %s (%.10s)\n    %s\n",
                cJSON_GetObjectItemCaseSensitive(e, "n")->valuedouble,
                jstr(e, "source") ? jstr(e, "source") : "?", jstr(e, "title"),
                jstr(e, "published") ? jstr(e, "published") : "undated", jstr(e, "url"));
    fputs("\nTimeline\n\n", out);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "timeline"))
        qry_timeline_entry_text(out, e, k++, NULL);
}

int
qry_cmd_story(const qry_opts_t *o, int64_t id)
{
    arc_db_t *db = qry_open(o);
    arc_story_t *s = NULL;
    arc_cursor_t *cur = NULL;
    arc_timeline_t *t = NULL;
    qry_tl_t *tl = NULL;
    const arc_hit_t *h;
    arc_status_t st;
    cJSON *r = NULL, *sources, *summary, *timeline, *e;
    qry_printer_t *pr;
    int n = 0, rc = 0;
    arc_search_opts_t so;

    st = arc_story_get(db, id, &s);
    if (st == ARC_E_NOT_FOUND) {
        fprintf(stderr, "newsquery: no story with id %lld\n", (long long)id);
        arc_db_close(db);
        return EXIT_EMPTY;
    }
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "id", (double)s->id);
    qry_json_str(r, "title", s->title);
    qry_json_time(r, "updated", s->updated);
    cJSON_AddNumberToObject(r, "article_count", s->article_count);
    qry_json_time(r, "first_date", s->first_date);
    qry_json_time(r, "last_date", s->last_date);
    summary = cJSON_AddArrayToObject(r, "summary");
    sources = cJSON_AddArrayToObject(r, "sources");
    timeline = cJSON_AddArrayToObject(r, "timeline");

    memset(&so, 0, sizeof so);
    qry_search_opts(o, &so);
    so.limit = so.offset = 0;
    if ((st = arc_story_articles(db, id, &cur)) ||
        (st = arc_timeline_open(db, NULL, id, &so, &t))) {
        rc = qry_fail(db, st);
        goto done;
    }
    tl = qry_tl_create(t);
    while ((st = arc_cursor_next(cur, &h)) == ARC_OK && h) {
        cJSON *src = cJSON_CreateObject();
        n++;
        cJSON_AddNumberToObject(src, "n", n);
        cJSON_AddNumberToObject(src, "article", (double)h->id);
        qry_json_str(src, "source", h->source);
        qry_json_str(src, "title", h->title);
        qry_json_time(src, "published", h->published);
        qry_json_str(src, "url", h->url);
        cJSON_AddItemToArray(sources, src);
        qry_tl_number(tl, h->id, n, h->source, h->url, h->title);
    }
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    /* Summary (first version): the lead statement of each of the story's
     * first SUMMARY_MAX articles, one a paragraph, citing every source that
     * states the same thing on that date. */
    {
        const cJSON *lead[SUMMARY_MAX + 1] = { NULL };
        int lead_start[SUMMARY_MAX + 1];

        while ((e = qry_tl_next(tl, &st))) {
            const cJSON *c;
            cJSON_AddItemToArray(timeline, e);
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "sources")) {
                int k = cJSON_GetObjectItemCaseSensitive(c, "n")->valueint;
                int start = cJSON_GetObjectItemCaseSensitive(c, "start")->valueint;
                if (k >= 1 && k <= SUMMARY_MAX && (!lead[k] || start < lead_start[k])) {
                    lead[k] = e;
                    lead_start[k] = start;
                }
            }
        }
        for (int k = 1; k <= SUMMARY_MAX; k++) {
            cJSON *para, *cites;
            const cJSON *c;
            int dup = 0;
            if (!lead[k])
                continue;
            for (int j = 1; j < k; j++)
                if (lead[j] == lead[k])
                    dup = 1;
            if (dup)
                continue;
            para = cJSON_CreateObject();
            cJSON_AddStringToObject(para, "text", jstr(lead[k], "text"));
            cites = cJSON_AddArrayToObject(para, "citations");
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(lead[k], "sources"))
                cJSON_AddItemToArray(cites, cJSON_CreateNumber(
                    cJSON_GetObjectItemCaseSensitive(c, "n")->valuedouble));
            cJSON_AddItemToArray(summary, para);
        }
    }
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    pr = qry_printer_create(o->format, stdout, NULL, story_text, NULL);
    qry_printer_single(pr, r);
    r = NULL;
    qry_printer_finish(pr);
done:
    cJSON_Delete(r);
    qry_tl_destroy(tl);
    arc_cursor_destroy(cur);
    arc_story_destroy(s);
    arc_db_close(db);
    return rc;
}
