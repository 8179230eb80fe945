/*
 * timeline.c - merged, cited timeline entries (see timeline.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "timeline.h"

typedef struct tl_source {
    int64_t article;
    int n;
    char *source, *url, *title;
} tl_source_t;

typedef struct tl_event {
    int64_t date;
    arc_granularity_t gran;
    int from_published;
    char *text;
    char *key;            /* normalised text for merging */
    int64_t article;
    int start, end;
    int merged_into;      /* -1, or the index of the entry that absorbed it */
} tl_event_t;

struct qry_tl {
    arc_timeline_t *t;
    tl_source_t *src;
    size_t n_src, cap_src;
    tl_event_t *grp;      /* events of the current date */
    size_t n_grp, cap_grp, next_grp;
    int have_pending;     /* t's current entry belongs to the next group */
    const arc_timeline_entry_t *pending;
    int done;
};

qry_tl_t *
qry_tl_create(arc_timeline_t *t)
{
    qry_tl_t *tl = calloc(1, sizeof *tl);

    if (tl)
        tl->t = t;
    return tl;
}

static tl_source_t *
find_source(qry_tl_t *tl, int64_t article)
{
    for (size_t i = 0; i < tl->n_src; i++)
        if (tl->src[i].article == article)
            return &tl->src[i];
    return NULL;
}

static tl_source_t *
add_source(qry_tl_t *tl, int64_t article, int n, const char *source,
           const char *url, const char *title)
{
    tl_source_t *s;

    if (tl->n_src == tl->cap_src) {
        size_t cap = tl->cap_src ? tl->cap_src * 2 : 16;
        tl_source_t *p = realloc(tl->src, cap * sizeof *p);
        if (!p)
            return NULL;
        tl->src = p;
        tl->cap_src = cap;
    }
    s = &tl->src[tl->n_src++];
    s->article = article;
    s->n = n;
    s->source = source ? strdup(source) : NULL;
    s->url = url ? strdup(url) : NULL;
    s->title = title ? strdup(title) : NULL;
    return s;
}

void
qry_tl_number(qry_tl_t *tl, int64_t article, int n, const char *source,
              const char *url, const char *title)
{
    if (!find_source(tl, article))
        add_source(tl, article, n, source, url, title);
}

static char *
normalise(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out = malloc(n + 1);

    if (!out)
        return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c >= 0x80)
            out[k++] = (char)tolower(c);
    }
    out[k] = '\0';
    return out;
}

static void
clear_group(qry_tl_t *tl)
{
    for (size_t i = 0; i < tl->n_grp; i++) {
        free(tl->grp[i].text);
        free(tl->grp[i].key);
    }
    tl->n_grp = 0;
    tl->next_grp = 0;
}

static int
push_event(qry_tl_t *tl, const arc_timeline_entry_t *e)
{
    tl_event_t *ev;

    if (!find_source(tl, e->article)) {
        int n = 0;
        for (size_t i = 0; i < tl->n_src; i++)
            if (tl->src[i].n > n)
                n = tl->src[i].n;
        if (!add_source(tl, e->article, n + 1, e->source, e->url, e->title))
            return -1;
    }
    if (tl->n_grp == tl->cap_grp) {
        size_t cap = tl->cap_grp ? tl->cap_grp * 2 : 16;
        tl_event_t *p = realloc(tl->grp, cap * sizeof *p);
        if (!p)
            return -1;
        tl->grp = p;
        tl->cap_grp = cap;
    }
    ev = &tl->grp[tl->n_grp];
    ev->date = e->date;
    ev->gran = e->granularity;
    ev->from_published = e->from_published;
    ev->text = strdup(e->text ? e->text : "");
    ev->key = normalise(e->text ? e->text : "");
    ev->article = e->article;
    ev->start = e->start;
    ev->end = e->end;
    ev->merged_into = -1;
    if (!ev->text || !ev->key) {
        free(ev->text);
        free(ev->key);
        return -1;
    }
    /* the same statement on the same date from another article */
    for (size_t i = 0; i < tl->n_grp; i++)
        if (tl->grp[i].merged_into < 0 && strcmp(tl->grp[i].key, ev->key) == 0) {
            ev->merged_into = (int)i;
            break;
        }
    tl->n_grp++;
    return 0;
}

/* Read the next date's events into the group. Returns 0, or -1 on error. */
static int
fill_group(qry_tl_t *tl, arc_status_t *st)
{
    const arc_timeline_entry_t *e;

    clear_group(tl);
    if (tl->have_pending) {
        if (push_event(tl, tl->pending) < 0) {
            *st = ARC_E_NOMEM;
            return -1;
        }
        tl->have_pending = 0;
    }
    for (;;) {
        *st = arc_timeline_next(tl->t, &e);
        if (*st)
            return -1;
        if (!e) {
            tl->done = 1;
            return 0;
        }
        if (tl->n_grp && (e->date != tl->grp[0].date)) {
            tl->pending = e;   /* valid until the next arc_timeline_next() */
            tl->have_pending = 1;
            return 0;
        }
        if (push_event(tl, e) < 0) {
            *st = ARC_E_NOMEM;
            return -1;
        }
    }
}

static cJSON *
cite(const qry_tl_t *tl, const tl_event_t *ev)
{
    const tl_source_t *s = NULL;
    cJSON *c = cJSON_CreateObject();

    for (size_t i = 0; i < tl->n_src; i++)
        if (tl->src[i].article == ev->article)
            s = &tl->src[i];
    cJSON_AddNumberToObject(c, "n", s ? s->n : 0);
    cJSON_AddNumberToObject(c, "article", (double)ev->article);
    qry_json_str(c, "source", s ? s->source : NULL);
    qry_json_str(c, "url", s ? s->url : NULL);
    qry_json_str(c, "title", s ? s->title : NULL);
    cJSON_AddNumberToObject(c, "start", ev->start);
    cJSON_AddNumberToObject(c, "end", ev->end);
    return c;
}

cJSON *
qry_tl_next(qry_tl_t *tl, arc_status_t *st)
{
    *st = ARC_OK;
    for (;;) {
        while (tl->next_grp < tl->n_grp) {
            tl_event_t *ev = &tl->grp[tl->next_grp++];
            cJSON *o, *srcs;
            char buf[32];

            if (ev->merged_into >= 0)
                continue;
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "date", arc_time_format(ev->date, buf, sizeof buf));
            /* a date, not a time: keep the YYYY-MM-DD part */
            cJSON_GetObjectItemCaseSensitive(o, "date")->valuestring[10] = '\0';
            cJSON_AddStringToObject(o, "granularity", arc_granularity_name(ev->gran));
            cJSON_AddStringToObject(o, "text", ev->text);
            cJSON_AddBoolToObject(o, "from_published", ev->from_published);
            srcs = cJSON_AddArrayToObject(o, "sources");
            cJSON_AddItemToArray(srcs, cite(tl, ev));
            for (size_t j = 0; j < tl->n_grp; j++)
                if (tl->grp[j].merged_into == (int)(ev - tl->grp))
                    cJSON_AddItemToArray(srcs, cite(tl, &tl->grp[j]));
            return o;
        }
        if (tl->done && !tl->have_pending)
            return NULL;
        if (fill_group(tl, st) < 0)
            return NULL;
        if (tl->n_grp == 0 && tl->done)
            return NULL;
    }
}

int
qry_tl_source_count(const qry_tl_t *tl)
{
    return (int)tl->n_src;
}

static int
by_n(const void *a, const void *b)
{
    const tl_source_t *x = a, *y = b;
    return (x->n > y->n) - (x->n < y->n);
}

cJSON *
qry_tl_sources(const qry_tl_t *tl)
{
    cJSON *a = cJSON_CreateArray();
    tl_source_t *v = malloc((tl->n_src ? tl->n_src : 1) * sizeof *v);

    if (!v)
        return a;
    memcpy(v, tl->src, tl->n_src * sizeof *v);
    qsort(v, tl->n_src, sizeof *v, by_n);
    for (size_t i = 0; i < tl->n_src; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddNumberToObject(s, "n", v[i].n);
        cJSON_AddNumberToObject(s, "article", (double)v[i].article);
        qry_json_str(s, "source", v[i].source);
        qry_json_str(s, "url", v[i].url);
        qry_json_str(s, "title", v[i].title);
        cJSON_AddItemToArray(a, s);
    }
    free(v);
    return a;
}

void
qry_tl_destroy(qry_tl_t *tl)
{
    if (!tl)
        return;
    clear_group(tl);
    free(tl->grp);
    for (size_t i = 0; i < tl->n_src; i++) {
        free(tl->src[i].source);
        free(tl->src[i].url);
        free(tl->src[i].title);
    }
    free(tl->src);
    arc_timeline_destroy(tl->t);
    free(tl);
}
