/*
 * cmd_story.c - newsquery story ID: one story in the shape of an
 * aggregator's story page: title (the most representative headline),
 * "Updated (N articles)", a summary of 3-5 paragraphs of sentences from the
 * articles, each citing every source that states it, the numbered sources
 * (a syndicated copy is listed with its original and counted once), and
 * the dated timeline citing the same numbers.
 *
 * Everything is derived on demand from the stored articles, their sentence
 * spans and events, so the page is always current with the story's
 * articles (see BENCHMARKS.md for its cost).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "summary.h"
#include "timeline.h"

#define SUMMARY_PARAGRAPHS 5
#define SUMMARY_ARTICLES 60   /* the newest this many articles feed the summary */

void qry_timeline_entry_text(FILE *out, const cJSON *o, int index, void *ctx);

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
    const cJSON *e, *c, *s;
    int count = (int)jnum(o, "article_count"), k = 0;

    (void)index;
    (void)ctx;
    fprintf(out, "%s\n\nUpdated (%d article%s) · story %.0f · %.10s .. %.10s\n\n",
            jstr(o, "title") ? jstr(o, "title") : "", count, count == 1 ? "" : "s",
            jnum(o, "id"),
            jstr(o, "first_date") ? jstr(o, "first_date") : "?",
            jstr(o, "last_date") ? jstr(o, "last_date") : "?");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "summary")) {
        int first = 1;
        fprintf(out, "%s\n", jstr(e, "heading") ? jstr(e, "heading") : "");
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(e, "sentences")) {
            fprintf(out, "%s%s ", first ? "" : " ", jstr(s, "text"));
            first = 0;
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s, "citations"))
                fprintf(out, "[%.0f]", jnum(c, "n"));
        }
        fputs("\n\n", out);
    }
    fprintf(out, "Sources (%d article%s)\n\n", count, count == 1 ? "" : "s");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "sources")) {
        fprintf(out, "[%.0f] %s – %s (%.10s)\n    %s\n", jnum(e, "n"),
                jstr(e, "source") ? jstr(e, "source") : "?", jstr(e, "title"),
                jstr(e, "published") ? jstr(e, "published") : "undated", jstr(e, "url"));
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "copies"))
            fprintf(out, "    also: %s %s\n", jstr(c, "source") ? jstr(c, "source") : "?",
                    jstr(c, "url"));
    }
    fputs("\nTimeline\n\n", out);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "timeline"))
        qry_timeline_entry_text(out, e, k++, NULL);
}

/* Citation number of each member: originals numbered 1.. in publication
 * (id) order, a copy takes its original's number. */
static int *
number_members(const arc_story_member_t *m, size_t n)
{
    int *num = calloc(n ? n : 1, sizeof *num), next = 0;

    if (!num)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!m[i].duplicate_of)
            num[i] = ++next;
    for (size_t i = 0; i < n; i++) {
        if (!m[i].duplicate_of)
            continue;
        for (size_t j = 0; j < n; j++)
            if (m[j].id == m[i].duplicate_of)
                num[i] = num[j];
        if (!num[i])       /* its original is in another story */
            num[i] = ++next;
    }
    return num;
}

static cJSON *
sources_json(const arc_story_member_t *m, size_t n, const int *num)
{
    cJSON *a = cJSON_CreateArray();
    int max = 0;

    for (size_t i = 0; i < n; i++)
        if (num[i] > max)
            max = num[i];
    for (int k = 1; k <= max; k++) {
        cJSON *src = NULL, *copies = NULL;
        for (size_t i = 0; i < n; i++) {
            if (num[i] != k)
                continue;
            if (!src) {
                src = cJSON_CreateObject();
                cJSON_AddNumberToObject(src, "n", k);
                qry_json_int(src, "article", m[i].id);
                qry_json_str(src, "source", m[i].source);
                qry_json_str(src, "title", m[i].title);
                qry_json_time(src, "published", m[i].published);
                qry_json_str(src, "url", m[i].url);
                copies = cJSON_AddArrayToObject(src, "copies");
            } else {
                cJSON *c = cJSON_CreateObject();
                qry_json_int(c, "article", m[i].id);
                qry_json_str(c, "source", m[i].source);
                qry_json_str(c, "url", m[i].url);
                qry_json_time(c, "published", m[i].published);
                cJSON_AddItemToArray(copies, c);
            }
        }
        if (src)
            cJSON_AddItemToArray(a, src);
    }
    return a;
}

static cJSON *
summary_json(const arc_story_member_t *m, size_t n, const int *num, const char *title)
{
    qry_sum_article_t *sa = calloc(n ? n : 1, sizeof *sa);
    size_t k = 0, first = 0, originals = 0;
    cJSON *r;

    if (!sa)
        return NULL;
    for (size_t i = 0; i < n; i++)
        originals += !m[i].duplicate_of;
    /* the newest SUMMARY_ARTICLES originals */
    for (size_t i = 0; i < n && originals > SUMMARY_ARTICLES; i++)
        if (!m[i].duplicate_of) {
            originals--;
            first = i + 1;
        }
    for (size_t i = first; i < n; i++) {
        if (m[i].duplicate_of)
            continue;
        sa[k].n = num[i];
        sa[k].id = m[i].id;
        sa[k].title = m[i].title;
        sa[k].source = m[i].source;
        sa[k].url = m[i].url;
        sa[k].body = m[i].body;
        sa[k].spans = m[i].spans;
        sa[k].n_spans = m[i].n_spans;
        k++;
    }
    r = qry_summary_build(sa, k, SUMMARY_PARAGRAPHS, title);
    free(sa);
    return r;
}

int
qry_cmd_story(const qry_opts_t *o, int64_t id)
{
    arc_db_t *db = qry_open(o);
    arc_story_t *s = NULL;
    arc_story_member_t *m = NULL;
    size_t n = 0;
    int *num = NULL, rc = 0;
    arc_timeline_t *t = NULL;
    qry_tl_t *tl = NULL;
    arc_status_t st;
    cJSON *r = NULL, *summary, *timeline, *e;
    qry_printer_t *pr;
    arc_search_opts_t so;

    st = arc_story_get(db, id, &s);
    if (st == ARC_E_NOT_FOUND) {
        fprintf(stderr, "newsquery: no story with id %lld\n", (long long)id);
        arc_db_close(db);
        return EXIT_EMPTY;
    }
    if (st || (st = arc_story_members(db, id, 1, &m, &n))) {
        rc = qry_fail(db, st);
        goto done;
    }
    num = number_members(m, n);
    if (!num) {
        rc = qry_fail(db, ARC_E_NOMEM);
        goto done;
    }
    r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "id", (double)s->id);
    qry_json_str(r, "title", s->title);
    qry_json_time(r, "updated", s->updated);
    cJSON_AddNumberToObject(r, "article_count", s->article_count);
    qry_json_time(r, "first_date", s->first_date);
    qry_json_time(r, "last_date", s->last_date);
    summary = summary_json(m, n, num, s->title);
    if (!summary) {
        rc = qry_fail(db, ARC_E_NOMEM);
        goto done;
    }
    cJSON_AddItemToObject(r, "summary", summary);
    cJSON_AddItemToObject(r, "sources", sources_json(m, n, num));
    timeline = cJSON_AddArrayToObject(r, "timeline");

    memset(&so, 0, sizeof so);
    qry_search_opts(o, &so);
    so.limit = so.offset = 0;
    if ((st = arc_timeline_open(db, NULL, id, &so, &t))) {
        rc = qry_fail(db, st);
        goto done;
    }
    tl = qry_tl_create(t);
    if (!tl) {
        rc = qry_fail(db, ARC_E_NOMEM);
        goto done;
    }
    qry_tl_set_max_per_day(tl, o->max_per_day);
    for (size_t i = 0; i < n; i++)
        qry_tl_number(tl, m[i].id, num[i], m[i].source, m[i].url, m[i].title);
    while ((e = qry_tl_next(tl, &st)))
        cJSON_AddItemToArray(timeline, e);
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
    free(num);
    arc_story_members_free(m, n);
    arc_story_destroy(s);
    arc_db_close(db);
    return rc;
}
