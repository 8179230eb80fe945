/*
 * timeline.c - merged, cited timeline entries (see timeline.h).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sentsim.h"
#include "timeline.h"

typedef struct tl_source {
    int64_t article;
    int n;
    char *source, *url, *title;
} tl_source_t;

/* One event read from the archive (copied). */
typedef struct tl_event {
    int64_t date;
    arc_granularity_t gran;
    int from_published;
    char *text;
    int64_t article;
    int start, end;
    qry_sig_t sig;
    int entry;            /* index of the entry it belongs to */
} tl_event_t;

/* One merged entry of the current date. */
typedef struct tl_entry {
    int first;            /* its first (representative) event */
    int n_cites;          /* distinct citation numbers */
    double importance;
    int keep;
} tl_entry_t;

struct qry_tl {
    arc_timeline_t *t;
    arc_entity_timeline_t *et;
    tl_source_t *src;
    size_t n_src, cap_src;
    size_t *slots;        /* open addressing: article -> 1 + index in src */
    size_t cap_slots;
    int next_n;
    tl_event_t *ev;       /* events of the current date */
    size_t n_ev, cap_ev;
    tl_entry_t *ent;
    size_t n_ent, cap_ent, next_ent;
    /* word index of the current date's entries (representatives):
     * open addressing word -> 1 + first posting; postings chain entries */
    uint32_t *wkey;
    uint32_t *whead;
    size_t cap_w, n_w;
    uint32_t *pent, *pnext;
    size_t n_post, cap_post;
    uint32_t *common;     /* per entry: words shared with the event */
    uint32_t *touched;    /* entries with common > 0 */
    size_t cap_common;
    tl_event_t pending;   /* first event of the next date */
    int have_pending;
    int done;
    int max_per_day;
};

static qry_tl_t *
tl_new(void)
{
    return calloc(1, sizeof(qry_tl_t));
}

qry_tl_t *
qry_tl_create(arc_timeline_t *t)
{
    qry_tl_t *tl = tl_new();

    if (tl)
        tl->t = t;
    else
        arc_timeline_destroy(t);
    return tl;
}

qry_tl_t *
qry_tl_create_entity(arc_entity_timeline_t *t)
{
    qry_tl_t *tl = tl_new();

    if (tl)
        tl->et = t;
    else
        arc_entity_timeline_destroy(t);
    return tl;
}

void
qry_tl_set_max_per_day(qry_tl_t *tl, int n)
{
    tl->max_per_day = n > 0 ? n : 0;
}

static size_t
slot_of(int64_t article, size_t cap)
{
    uint64_t x = (uint64_t)article * 0x9e3779b97f4a7c15ULL;
    return (size_t)(x >> 17) & (cap - 1);
}

static tl_source_t *
find_source(const qry_tl_t *tl, int64_t article)
{
    if (!tl->cap_slots)
        return NULL;
    for (size_t j = slot_of(article, tl->cap_slots); tl->slots[j];
         j = (j + 1) & (tl->cap_slots - 1))
        if (tl->src[tl->slots[j] - 1].article == article)
            return &tl->src[tl->slots[j] - 1];
    return NULL;
}

/* Index src[i] by its article (growing the table). */
static int
index_source(qry_tl_t *tl, size_t i)
{
    if ((tl->n_src + 1) * 2 > tl->cap_slots) {
        size_t cap = tl->cap_slots ? tl->cap_slots * 2 : 64;
        size_t *p = calloc(cap, sizeof *p);
        if (!p)
            return -1;
        free(tl->slots);
        tl->slots = p;
        tl->cap_slots = cap;
        for (size_t k = 0; k < tl->n_src; k++) {
            size_t j = slot_of(tl->src[k].article, cap);
            while (p[j])
                j = (j + 1) & (cap - 1);
            p[j] = k + 1;
        }
        return 0;   /* src[i] was among them */
    }
    {
        size_t j = slot_of(tl->src[i].article, tl->cap_slots);
        while (tl->slots[j])
            j = (j + 1) & (tl->cap_slots - 1);
        tl->slots[j] = i + 1;
    }
    return 0;
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
    if (n > tl->next_n)
        tl->next_n = n;
    if (index_source(tl, tl->n_src - 1) < 0)
        return NULL;
    return s;
}

void
qry_tl_number(qry_tl_t *tl, int64_t article, int n, const char *source,
              const char *url, const char *title)
{
    if (!find_source(tl, article))
        add_source(tl, article, n, source, url, title);
}

static void
event_free(tl_event_t *e)
{
    free(e->text);
    qry_sig_free(&e->sig);
    e->text = NULL;
}

static void
clear_group(qry_tl_t *tl)
{
    for (size_t i = 0; i < tl->n_ev; i++)
        event_free(&tl->ev[i]);
    tl->n_ev = 0;
    tl->n_ent = 0;
    tl->next_ent = 0;
    if (tl->n_w)
        memset(tl->wkey, 0, tl->cap_w * sizeof *tl->wkey);
    tl->n_w = 0;
    tl->n_post = 0;
}

static size_t
word_slot(const qry_tl_t *tl, uint32_t w)
{
    size_t j = (size_t)(w * 2654435761u) & (tl->cap_w - 1);
    while (tl->wkey[j] && tl->wkey[j] != w)
        j = (j + 1) & (tl->cap_w - 1);
    return j;
}

/* Index entry e under each word of sig (word hash 0 is stored as 1). */
static int
index_entry(qry_tl_t *tl, uint32_t e, const qry_sig_t *sig)
{
    if ((tl->n_w + sig->n + 1) * 2 > tl->cap_w) {
        size_t cap = tl->cap_w ? tl->cap_w : 1024;
        uint32_t *k, *h, *ok = tl->wkey, *oh = tl->whead;
        size_t ocap = tl->cap_w;
        while ((tl->n_w + sig->n + 1) * 2 > cap)
            cap *= 2;
        k = calloc(cap, sizeof *k);
        h = malloc(cap * sizeof *h);
        if (!k || !h) {
            free(k);
            free(h);
            return -1;
        }
        tl->wkey = k;
        tl->whead = h;
        tl->cap_w = cap;
        for (size_t i = 0; i < ocap; i++)
            if (ok[i]) {
                size_t j = word_slot(tl, ok[i]);
                k[j] = ok[i];
                h[j] = oh[i];
            }
        free(ok);
        free(oh);
    }
    if (tl->n_post + sig->n > tl->cap_post) {
        size_t cap = tl->cap_post ? tl->cap_post * 2 : 4096;
        uint32_t *a, *b;
        while (cap < tl->n_post + sig->n)
            cap *= 2;
        a = realloc(tl->pent, cap * sizeof *a);
        if (a)
            tl->pent = a;
        b = realloc(tl->pnext, cap * sizeof *b);
        if (!a || !b)
            return -1;
        tl->pnext = b;
        tl->cap_post = cap;
    }
    for (size_t i = 0; i < sig->n; i++) {
        uint32_t w = sig->h[i] ? sig->h[i] : 1;
        size_t j = word_slot(tl, w);
        if (!tl->wkey[j]) {
            tl->wkey[j] = w;
            tl->whead[j] = 0;
            tl->n_w++;
        }
        tl->pent[tl->n_post] = e;
        tl->pnext[tl->n_post] = tl->whead[j];
        tl->whead[j] = (uint32_t)++tl->n_post;
    }
    return 0;
}

/* The first entry (lowest index) whose representative states the same
 * thing as ev, found through the shared words; n_ent when none. */
static size_t
find_entry(qry_tl_t *tl, const tl_event_t *ev)
{
    size_t n_touched = 0, best = tl->n_ent;

    if (tl->cap_common < tl->n_ent + 1) {
        size_t cap = tl->cap_common ? tl->cap_common * 2 : 64;
        uint32_t *a, *b;
        while (cap < tl->n_ent + 1)
            cap *= 2;
        a = realloc(tl->common, cap * sizeof *a);
        if (a)
            tl->common = a;
        b = realloc(tl->touched, cap * sizeof *b);
        if (!a || !b)
            return tl->n_ent;
        tl->touched = b;
        memset(tl->common + tl->cap_common, 0, (cap - tl->cap_common) * sizeof *a);
        tl->cap_common = cap;
    }
    if (!tl->cap_w)
        return tl->n_ent;
    for (size_t i = 0; i < ev->sig.n; i++) {
        uint32_t w = ev->sig.h[i] ? ev->sig.h[i] : 1;
        size_t j = word_slot(tl, w);
        if (!tl->wkey[j])
            continue;
        for (uint32_t p = tl->whead[j]; p; p = tl->pnext[p - 1]) {
            uint32_t e = tl->pent[p - 1];
            if (!tl->common[e]++)
                tl->touched[n_touched++] = e;
        }
    }
    for (size_t i = 0; i < n_touched; i++) {
        uint32_t e = tl->touched[i];
        const tl_event_t *rep = &tl->ev[tl->ent[e].first];
        size_t c = tl->common[e], small = rep->sig.n < ev->sig.n ? rep->sig.n : ev->sig.n;
        int same = 2.0 * (double)c >= 0.6 * (double)(rep->sig.n + ev->sig.n) ||
                   (small >= 6 && (double)c >= 0.9 * (double)small);
        if (same && rep->gran == ev->gran && e < best)
            best = e;
        tl->common[e] = 0;
    }
    return best;
}

/* Copy an archive entry into *out (and number its source). */
static int
copy_event(qry_tl_t *tl, const arc_timeline_entry_t *e, tl_event_t *out)
{
    const char *text = e->text ? e->text : "";

    if (!find_source(tl, e->article) &&
        !add_source(tl, e->article, tl->next_n + 1, e->source, e->url, e->title))
        return -1;
    memset(out, 0, sizeof *out);
    out->date = e->date;
    out->gran = e->granularity;
    out->from_published = e->from_published;
    out->article = e->article;
    out->start = e->start;
    out->end = e->end;
    out->text = strdup(text);
    if (!out->text || qry_sig_make(text, strlen(text), &out->sig) < 0) {
        event_free(out);
        return -1;
    }
    return 0;
}

static int
cite_number(const qry_tl_t *tl, int64_t article)
{
    const tl_source_t *s = find_source(tl, article);
    return s ? s->n : 0;
}

/* Add the (copied) event to the group, merging it into an entry. */
static int
group_add(qry_tl_t *tl, tl_event_t *ev)
{
    size_t i;

    if (tl->n_ev == tl->cap_ev) {
        size_t cap = tl->cap_ev ? tl->cap_ev * 2 : 16;
        tl_event_t *p = realloc(tl->ev, cap * sizeof *p);
        if (!p)
            return -1;
        tl->ev = p;
        tl->cap_ev = cap;
    }
    /* the same test as qry_sig_same_statement(), on counts gathered
     * through the word index instead of comparing with every entry */
    i = find_entry(tl, ev);
    if (i == tl->n_ent) {
        if (tl->n_ent == tl->cap_ent) {
            size_t cap = tl->cap_ent ? tl->cap_ent * 2 : 16;
            tl_entry_t *p = realloc(tl->ent, cap * sizeof *p);
            if (!p)
                return -1;
            tl->ent = p;
            tl->cap_ent = cap;
        }
        memset(&tl->ent[i], 0, sizeof tl->ent[i]);
        tl->ent[i].first = (int)tl->n_ev;
        tl->n_ent++;
        if (index_entry(tl, (uint32_t)i, &ev->sig) < 0)
            return -1;
    }
    ev->entry = (int)i;
    tl->ev[tl->n_ev++] = *ev;
    return 0;
}

static int
by_importance(const void *a, const void *b, const tl_entry_t *ent)
{
    const tl_entry_t *x = &ent[*(const int *)a], *y = &ent[*(const int *)b];
    if (x->importance != y->importance)
        return x->importance > y->importance ? -1 : 1;
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Score the entries of the group and mark the ones to keep. */
static void
rank_group(qry_tl_t *tl)
{
    int *order;

    for (size_t i = 0; i < tl->n_ent; i++) {
        tl_entry_t *en = &tl->ent[i];
        const tl_event_t *rep = &tl->ev[en->first];
        int seen[64], n_seen = 0;
        for (size_t j = 0; j < tl->n_ev; j++) {
            int n, dup = 0;
            if (tl->ev[j].entry != (int)i)
                continue;
            n = cite_number(tl, tl->ev[j].article);
            for (int k = 0; k < n_seen; k++)
                dup |= seen[k] == n;
            if (!dup && n_seen < 64)
                seen[n_seen++] = n;
        }
        en->n_cites = n_seen;
        en->importance = 10.0 * n_seen + (rep->from_published ? 0.0 : 3.0) +
                         (rep->start == 0 ? 1.0 : 0.0);
        en->keep = 1;
    }
    if (!tl->max_per_day || tl->n_ent <= (size_t)tl->max_per_day)
        return;
    order = malloc(tl->n_ent * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < tl->n_ent; i++)
        order[i] = (int)i;
    /* insertion sort: groups are small and the order must be stable */
    for (size_t i = 1; i < tl->n_ent; i++) {
        int x = order[i];
        size_t j = i;
        while (j > 0 && by_importance(&x, &order[j - 1], tl->ent) < 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
    for (size_t i = 0; i < tl->n_ent; i++)
        tl->ent[order[i]].keep = (int)i < tl->max_per_day;
    free(order);
}

static arc_status_t
source_next(qry_tl_t *tl, const arc_timeline_entry_t **e)
{
    if (tl->et)
        return arc_entity_timeline_next(tl->et, e);
    return arc_timeline_next(tl->t, e);
}

/* Read the next date's events into the group. Returns 0, or -1 on error. */
static int
fill_group(qry_tl_t *tl, arc_status_t *st)
{
    const arc_timeline_entry_t *e;
    tl_event_t ev;

    clear_group(tl);
    if (tl->have_pending) {
        tl->have_pending = 0;
        if (group_add(tl, &tl->pending) < 0) {
            event_free(&tl->pending);
            *st = ARC_E_NOMEM;
            return -1;
        }
    }
    for (;;) {
        *st = source_next(tl, &e);
        if (*st)
            return -1;
        if (!e) {
            tl->done = 1;
            break;
        }
        if (copy_event(tl, e, &ev) < 0) {
            *st = ARC_E_NOMEM;
            return -1;
        }
        if (tl->n_ev && ev.date != tl->ev[0].date) {
            tl->pending = ev;
            tl->have_pending = 1;
            break;
        }
        if (group_add(tl, &ev) < 0) {
            event_free(&ev);
            *st = ARC_E_NOMEM;
            return -1;
        }
    }
    rank_group(tl);
    return 0;
}

static cJSON *
cite(const qry_tl_t *tl, const tl_event_t *ev)
{
    const tl_source_t *s = find_source(tl, ev->article);
    cJSON *c = cJSON_CreateObject();

    cJSON_AddNumberToObject(c, "n", s ? s->n : 0);
    qry_json_int(c, "article", ev->article);
    qry_json_str(c, "source", s ? s->source : NULL);
    qry_json_str(c, "url", s ? s->url : NULL);
    qry_json_str(c, "title", s ? s->title : NULL);
    cJSON_AddNumberToObject(c, "start", ev->start);
    cJSON_AddNumberToObject(c, "end", ev->end);
    return c;
}

static cJSON *
entry_json(const qry_tl_t *tl, size_t k)
{
    const tl_entry_t *en = &tl->ent[k];
    const tl_event_t *rep = &tl->ev[en->first];
    cJSON *o = cJSON_CreateObject(), *srcs;
    char buf[32];
    int seen[64], n_seen = 0;

    arc_time_format(rep->date, buf, sizeof buf);
    buf[10] = '\0';      /* a date, not a time */
    cJSON_AddStringToObject(o, "date", buf);
    cJSON_AddStringToObject(o, "granularity", arc_granularity_name(rep->gran));
    cJSON_AddStringToObject(o, "text", rep->text);
    cJSON_AddBoolToObject(o, "from_published", rep->from_published);
    srcs = cJSON_AddArrayToObject(o, "sources");
    for (size_t j = 0; j < tl->n_ev; j++) {
        int n, dup = 0;
        if (tl->ev[j].entry != (int)k)
            continue;
        /* one citation per source number (a copy cites as its original) */
        n = cite_number(tl, tl->ev[j].article);
        for (int i = 0; i < n_seen; i++)
            dup |= seen[i] == n;
        if (dup)
            continue;
        if (n_seen < 64)
            seen[n_seen++] = n;
        cJSON_AddItemToArray(srcs, cite(tl, &tl->ev[j]));
    }
    return o;
}

cJSON *
qry_tl_next(qry_tl_t *tl, arc_status_t *st)
{
    *st = ARC_OK;
    for (;;) {
        while (tl->next_ent < tl->n_ent) {
            size_t k = tl->next_ent++;
            if (tl->ent[k].keep)
                return entry_json(tl, k);
        }
        if (tl->done && !tl->have_pending)
            return NULL;
        if (fill_group(tl, st) < 0)
            return NULL;
        if (tl->n_ent == 0 && tl->done && !tl->have_pending)
            return NULL;
    }
}

int
qry_tl_source_count(const qry_tl_t *tl)
{
    int n = 0;
    for (size_t i = 0; i < tl->n_src; i++)
        if (tl->src[i].n > n)
            n = tl->src[i].n;
    return n;
}

static int
by_n(const void *a, const void *b)
{
    const tl_source_t *x = a, *y = b;
    if (x->n != y->n)
        return (x->n > y->n) - (x->n < y->n);
    return (x->article > y->article) - (x->article < y->article);
}

cJSON *
qry_tl_sources(const qry_tl_t *tl)
{
    cJSON *a = cJSON_CreateArray();
    tl_source_t *v = malloc((tl->n_src ? tl->n_src : 1) * sizeof *v);
    int last = 0;

    if (!v)
        return a;
    if (tl->n_src)
        memcpy(v, tl->src, tl->n_src * sizeof *v);
    qsort(v, tl->n_src, sizeof *v, by_n);
    for (size_t i = 0; i < tl->n_src; i++) {
        cJSON *s;
        if (v[i].n == last)
            continue;      /* a copy listed under its original */
        last = v[i].n;
        s = cJSON_CreateObject();
        cJSON_AddNumberToObject(s, "n", v[i].n);
        qry_json_int(s, "article", v[i].article);
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
    if (tl->have_pending)
        event_free(&tl->pending);
    free(tl->ev);
    free(tl->ent);
    for (size_t i = 0; i < tl->n_src; i++) {
        free(tl->src[i].source);
        free(tl->src[i].url);
        free(tl->src[i].title);
    }
    free(tl->src);
    free(tl->slots);
    free(tl->wkey);
    free(tl->whead);
    free(tl->pent);
    free(tl->pnext);
    free(tl->common);
    free(tl->touched);
    arc_timeline_destroy(tl->t);
    arc_entity_timeline_destroy(tl->et);
    free(tl);
}
