/*
 * entity_timeline.c - the dated events of the articles that mention one
 * entity, driven by the mention index (entity_id, article_id) so that a
 * busy entity's year is read without scanning other articles' events.
 *
 * A busy entity's year is large (issue 5: about 230,000 entries for the
 * busiest person at 1M articles), so arc_entity_timeline_open() works in
 * the order the data is stored and sorts at the end:
 *  1. one statement walks the entity's mentions in article order and,
 *     per article, only its events within the date bounds (the index
 *     event_row_article_date, schema v12, seeks them); a busy entity's
 *     articles are cut into ranges of ids that several walkers, each a
 *     thread on a connection of its own, take one at a time (walk());
 *  2. per article, in C, once its events are gathered (walk_flush): the
 *     entity rule (see open), which reads the article's other events only
 *     when none within the bounds names the entity; then the article's
 *     url, title, source and story, and its body when a kept event has no
 *     stored text, by one statement, the body decoded once, in C;
 *  3. the entries are sorted by (date, article, start, event id) with a
 *     bounded-memory merge sort: entries gather in a run of at most
 *     RUN_BYTES; a timeline that fits one run is sorted and read from
 *     memory, a larger one writes its sorted runs to an unlinked
 *     temporary file (tmpfile()) and arc_entity_timeline_next() merges
 *     them (each walker sorts its own runs, and the caller's handle
 *     takes them all over). Memory: one run per walker (RUN_BYTES of
 *     entries, a 48-byte key each) while walking; READ_BYTES per written
 *     run while merging, i.e. 1/64 of the timeline's size (1.4 MB for the
 *     busiest year at 1M).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "archive-private.h"

/* Follow entity_redirect (merged entities) to the surviving id. */
static arc_status_t
resolve(arc_db_t *db, int64_t id, int64_t *out)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT to_id FROM entity_redirect WHERE from_id = ?1");
    int rc;

    *out = id;
    if (!st)
        return ARC_E_DB;
    for (int hops = 0; hops < 16; hops++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, *out);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            sqlite3_finalize(st);
            return Arc_db_sqlerr(db, "following an entity merge");
        }
        *out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return ARC_OK;
}

arc_status_t
arc_entity_lookup(arc_db_t *db, int64_t id, arc_entity_kind_t *kind, char **name)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_status_t s;
    int rc;

    *name = NULL;
    if ((s = resolve(db, id, &id)))
        return s;
    st = Arc_db_prepare(db, "SELECT kind, name FROM entity WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *kind = (arc_entity_kind_t)sqlite3_column_int(st, 0);
        *name = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        s = *name ? ARC_OK : Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        s = Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld", (long long)id);
    } else {
        s = Arc_db_sqlerr(db, "reading an entity");
    }
    sqlite3_finalize(st);
    return s;
}

/* Bytes of entries gathered before a run is sorted and written out
 * (run_bytes: tests make it small), bytes read at a time from each written
 * run while merging, bytes written at a time. */
#define RUN_BYTES ((size_t)4 << 20)
static size_t run_bytes = RUN_BYTES;
#define READ_BYTES (64u << 10)
#define WRITE_BYTES (1u << 20)

/* One entry as stored in a run: this header, then the text, source, url
 * and title, each NUL-terminated when present, padded to 8 bytes. */
typedef struct rec {
    int64_t date, article, start, event, end, story;
    int32_t granularity, from_published;
    uint32_t len[4];            /* text, source, url, title: bytes + 1; 0 = NULL */
    uint8_t start_null, pad[7];
} rec_t;

enum { S_TEXT, S_SOURCE, S_URL, S_TITLE };

/* An entry of the current run: its sort key and where it is in `arena`. */
typedef struct key {
    int64_t date, article, start, event;
    size_t off;
    int start_null;
} tl_key_t;

/* A written run while merging: bytes [pos, end) of the file are still to
 * be read; buf[at, have) holds what was read and not yet consumed. */
typedef struct run {
    int fd;                     /* the temporary file it is in */
    int64_t pos, end;
    char *buf;
    size_t cap, at, have;
    rec_t cur;                  /* header of the record at buf + at */
} run_t;

struct arc_entity_timeline {
    arc_db_t *db;
    arc_timeline_entry_t e;
    /* the run being gathered, then (no spill) the whole timeline */
    char *arena;
    size_t used, cap;
    tl_key_t *keys;
    size_t n_keys, cap_keys, next_key;
    /* spilled runs */
    FILE *tmp;
    FILE **adopted;             /* other walkers' files holding some of runs */
    size_t n_adopted;
    int merging;                /* finish() left the entries in runs */
    int64_t file_end;           /* bytes written to tmp */
    char *wbuf;                 /* WRITE_BYTES, gathering a run's records */
    run_t *runs;
    size_t n_runs, cap_runs;
    size_t *heap;               /* indices of runs with records, min first */
    size_t n_heap;
    int advance;                /* the top run's record was handed out */
};

/* SQL's ORDER BY ev.date, a.id, ev.start (NULL first), then the event id
 * so that the order is total. */
static int
key_cmp3(int64_t d1, int64_t a1, int n1, int64_t s1, int64_t e1,
         int64_t d2, int64_t a2, int n2, int64_t s2, int64_t e2)
{
    if (d1 != d2)
        return d1 < d2 ? -1 : 1;
    if (a1 != a2)
        return a1 < a2 ? -1 : 1;
    if (n1 != n2)
        return n1 ? -1 : 1;
    if (!n1 && s1 != s2)
        return s1 < s2 ? -1 : 1;
    if (e1 != e2)
        return e1 < e2 ? -1 : 1;
    return 0;
}

static int
key_cmp(const void *a, const void *b)
{
    const tl_key_t *x = a, *y = b;
    return key_cmp3(x->date, x->article, x->start_null, x->start, x->event,
                    y->date, y->article, y->start_null, y->start, y->event);
}

static int
rec_cmp(const rec_t *x, const rec_t *y)
{
    return key_cmp3(x->date, x->article, x->start_null, x->start, x->event,
                    y->date, y->article, y->start_null, y->start, y->event);
}

static size_t
rec_size(const rec_t *r)
{
    size_t n = sizeof *r;
    for (int i = 0; i < 4; i++)
        n += r->len[i];
    return (n + 7) & ~(size_t)7;
}

/* Point t->e at the record whose header is *r and whose strings follow at p. */
static const arc_timeline_entry_t *
entry_from(arc_entity_timeline_t *t, const rec_t *r, const char *p)
{
    const char *s[4];

    for (int i = 0; i < 4; i++) {
        s[i] = r->len[i] ? p : NULL;
        p += r->len[i];
    }
    t->e.date = r->date;
    t->e.granularity = (arc_granularity_t)r->granularity;
    t->e.text = s[S_TEXT];
    t->e.from_published = r->from_published;
    t->e.article = r->article;
    t->e.source = s[S_SOURCE];
    t->e.url = s[S_URL];
    t->e.title = s[S_TITLE];
    /* as sqlite3_column_int() reads them */
    t->e.start = r->start_null ? 0 : (int)r->start;
    t->e.end = (int)r->end;
    t->e.story = r->story;
    return &t->e;
}

/* Write buf[0, n) at the end of the temporary file. */
static arc_status_t
write_out(arc_entity_timeline_t *t, const char *buf, size_t n)
{
    int fd = fileno(t->tmp);

    while (n > 0) {
        ssize_t k = pwrite(fd, buf, n, (off_t)t->file_end);
        if (k <= 0)
            return Arc_db_error(t->db, ARC_E_IO, "cannot write the timeline's temporary file");
        buf += k;
        n -= (size_t)k;
        t->file_end += k;
    }
    return ARC_OK;
}

/* The record of the current run's key i, its size in *n. */
static const char *
key_rec(const arc_entity_timeline_t *t, size_t i, size_t *n)
{
    const char *p = t->arena + t->keys[i].off;
    rec_t h;

    memcpy(&h, p, sizeof h);
    *n = rec_size(&h);
    return p;
}

/* Room for k more runs in t->runs. */
static arc_status_t
more_runs(arc_entity_timeline_t *t, size_t k)
{
    if (t->n_runs + k > t->cap_runs) {
        size_t cap = t->cap_runs ? t->cap_runs : 16;
        run_t *n;
        while (cap < t->n_runs + k)
            cap *= 2;
        if (!(n = realloc(t->runs, cap * sizeof *n)))
            return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
        t->runs = n;
        t->cap_runs = cap;
    }
    return ARC_OK;
}

/* Sort the current run and append it to the temporary file. */
static arc_status_t
spill(arc_entity_timeline_t *t)
{
    arc_status_t s;
    size_t fill = 0;
    run_t *r;

    if (!t->tmp) {
        t->tmp = tmpfile();
        if (!t->tmp)
            return Arc_db_error(t->db, ARC_E_IO, "cannot create a temporary file for the timeline");
        if (!(t->wbuf = malloc(WRITE_BYTES)))
            return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
    }
    if ((s = more_runs(t, 1)))
        return s;
    qsort(t->keys, t->n_keys, sizeof *t->keys, key_cmp);
    r = &t->runs[t->n_runs];
    memset(r, 0, sizeof *r);
    r->fd = fileno(t->tmp);
    r->pos = t->file_end;
    for (size_t i = 0; i < t->n_keys; i++) {
        size_t n;
        const char *p = key_rec(t, i, &n);
        if (fill + n > WRITE_BYTES && fill > 0) {
            if ((s = write_out(t, t->wbuf, fill)))
                return s;
            fill = 0;
        }
        if (n > WRITE_BYTES) {
            if ((s = write_out(t, p, n)))
                return s;
        } else {
            memcpy(t->wbuf + fill, p, n);
            fill += n;
        }
    }
    if (fill > 0 && (s = write_out(t, t->wbuf, fill)))
        return s;
    r->end = t->file_end;
    t->n_runs++;
    t->n_keys = 0;
    t->used = 0;
    return ARC_OK;
}

/* Contract in archive-private.h. */
void
Arc_entity_timeline_set_run_bytes(size_t n)
{
    run_bytes = n ? n : RUN_BYTES;
}

/* Make room for a record of `need` bytes at t->arena + t->used and for
 * its key (spilling the current run first when it is full). */
static arc_status_t
room(arc_entity_timeline_t *t, size_t need)
{
    arc_status_t s;

    if (t->used + need > run_bytes && t->n_keys > 0 && (s = spill(t)))
        return s;
    if (t->used + need > t->cap) {
        size_t cap = t->cap ? t->cap : 64 << 10;
        char *n;
        while (cap < t->used + need)
            cap *= 2;
        if (!(n = realloc(t->arena, cap)))
            return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
        t->arena = n;
        t->cap = cap;
    }
    if (t->n_keys == t->cap_keys) {
        size_t cap = t->cap_keys ? 2 * t->cap_keys : 1024;
        tl_key_t *n = realloc(t->keys, cap * sizeof *n);
        if (!n)
            return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
        t->keys = n;
        t->cap_keys = cap;
    }
    return ARC_OK;
}

/* Append one entry to the current run. */
static arc_status_t
add_entry(arc_entity_timeline_t *t, rec_t *h, const char *const *str, const size_t *len)
{
    arc_status_t s;
    size_t need;
    char *p;

    for (int i = 0; i < 4; i++)
        h->len[i] = str[i] ? (uint32_t)len[i] + 1 : 0;
    need = rec_size(h);
    if ((s = room(t, need)))
        return s;
    p = t->arena + t->used;
    memcpy(p, h, sizeof *h);
    p += sizeof *h;
    for (int i = 0; i < 4; i++) {
        if (!str[i])
            continue;
        memcpy(p, str[i], len[i]);
        p[len[i]] = '\0';
        p += len[i] + 1;
    }
    memset(p, 0, need - (size_t)(p - (t->arena + t->used)));
    t->keys[t->n_keys++] = (tl_key_t){ h->date, h->article, h->start, h->event, t->used,
                                     h->start_null };
    t->used += need;
    return ARC_OK;
}

/* Make buf[at, at + need) of run r readable, reading from fd; 1 when it
 * is, 0 at the run's end, -1 on a read error or out of memory. */
static int
run_fill(run_t *r, size_t need)
{
    if (r->have - r->at >= need)
        return 1;
    if (r->at > 0) {
        memmove(r->buf, r->buf + r->at, r->have - r->at);
        r->have -= r->at;
        r->at = 0;
    }
    if (need > r->cap || r->cap < READ_BYTES) {
        size_t cap = need > READ_BYTES ? need : READ_BYTES;
        char *n = realloc(r->buf, cap);
        if (!n)
            return -1;
        r->buf = n;
        r->cap = cap;
    }
    while (r->have < need && r->pos < r->end) {
        int64_t want = r->end - r->pos;
        ssize_t got;
        if (want > (int64_t)(r->cap - r->have))
            want = (int64_t)(r->cap - r->have);
        got = pread(r->fd, r->buf + r->have, (size_t)want, (off_t)r->pos);
        if (got <= 0)
            return -1;
        r->have += (size_t)got;
        r->pos += got;
    }
    return r->have >= need ? 1 : 0;
}

/* Load the header of run r's next record into r->cur; 1, 0 at the end,
 * -1 on error. */
static int
run_load(run_t *r)
{
    int k = run_fill(r, sizeof r->cur);
    if (k <= 0)
        return k;
    memcpy(&r->cur, r->buf + r->at, sizeof r->cur);
    return run_fill(r, rec_size(&r->cur)) > 0 ? 1 : -1;
}

static int
heap_less(const arc_entity_timeline_t *t, size_t a, size_t b)
{
    return rec_cmp(&t->runs[t->heap[a]].cur, &t->runs[t->heap[b]].cur) < 0;
}

static void
heap_down(arc_entity_timeline_t *t, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < t->n_heap && heap_less(t, l, m))
            m = l;
        if (l + 1 < t->n_heap && heap_less(t, l + 1, m))
            m = l + 1;
        if (m == i)
            return;
        size_t x = t->heap[i];
        t->heap[i] = t->heap[m];
        t->heap[m] = x;
        i = m;
    }
}

/* After the walk: sort a timeline that fits one run in memory, or write
 * the last run and start merging all of them. */
static arc_status_t
finish(arc_entity_timeline_t *t)
{
    arc_status_t s;

    if (t->n_runs == 0) {
        if (t->n_keys > 1)
            qsort(t->keys, t->n_keys, sizeof *t->keys, key_cmp);
        return ARC_OK;
    }
    if (t->n_keys > 0 && (s = spill(t)))
        return s;
    free(t->arena);
    free(t->keys);
    free(t->wbuf);
    t->arena = t->wbuf = NULL;
    t->keys = NULL;
    t->cap = t->cap_keys = t->used = t->n_keys = 0;
    t->merging = 1;
    if (!(t->heap = malloc(t->n_runs * sizeof *t->heap)))
        return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < t->n_runs; i++) {
        int k = run_load(&t->runs[i]);
        if (k < 0)
            return Arc_db_error(t->db, ARC_E_IO, "cannot read the timeline's temporary file");
        if (k > 0)
            t->heap[t->n_heap++] = i;
    }
    for (size_t i = t->n_heap / 2; i-- > 0;)
        heap_down(t, i);
    return ARC_OK;
}

/* Facts about an event of the walk, as bits (walk_gather). EV_NAMES: its
 * sentence names the entity, or it carries no entity list (events
 * stored before schema v6). */
enum { EV_START_NULL = 1, EV_END_NULL = 2, EV_TEXT_NULL = 4, EV_NAMES = 8 };

/* The walk statement's columns. */
#define EV_COLUMNS \
    " e.article_id, e.id, e.date, e.start, e.end, e.granularity, e.from_published," \
    " e.text, e.entities"
enum { EVC_ARTICLE, EVC_ID, EVC_DATE, EVC_START, EVC_END, EVC_GRANULARITY,
       EVC_FROM_PUBLISHED, EVC_TEXT, EVC_ENTITIES };

/* The sources a source filter (?4) names, as search's source: does. */
#define SOURCE_IDS \
    "(SELECT id FROM source WHERE name = ?4 OR site = ?4" \
    " OR substr('.' || site, -1 - length(?4)) = '.' || ?4)"

/* The walk over the entity's articles. One article's events come
 * together (the walk statement is ordered by the mention key, then per
 * article by event_row_article_date), so they are gathered first and the
 * article decided once (walk_flush):
 *  - the entity rule needs the article's other events only when none of
 *    its events within the bounds names the entity (else every event that
 *    does not name it is dropped anyway);
 *  - the article's row (source, url, title, story) and, when a kept event
 *    carries no stored text, its body are read by one statement, the body
 *    decoded once, as far as the furthest sentence end it is cut for. */
typedef struct pend {
    int64_t event, date, start, end;
    int flags, granularity, from_published;
    int keep;
    size_t text_off, text_len;  /* a stored text in walk.text; len SIZE_MAX: none */
} pend_t;

typedef struct walk {
    arc_entity_timeline_t *t;
    int64_t entity;
    sqlite3_stmt *art, *art_body, *body, *rule, *slice;
    arc_body_reader_t *rd;      /* decodes the bodies of art_body */
    int started;                /* article is set */
    int64_t article;            /* the article being gathered */
    pend_t *pend;               /* its events within the bounds */
    size_t n_pend, cap_pend;
    char *text;                 /* their stored texts */
    size_t text_used, text_cap;
} walk_t;

/* Append bytes to w->text; their offset in *off. */
static arc_status_t
keep_text(walk_t *w, const char *p, size_t n, size_t *off)
{
    if (w->text_used + n > w->text_cap) {
        size_t cap = w->text_cap ? w->text_cap : 4096;
        char *x;
        while (cap < w->text_used + n)
            cap *= 2;
        if (!(x = realloc(w->text, cap)))
            return Arc_db_error(w->t->db, ARC_E_NOMEM, "out of memory");
        w->text = x;
        w->text_cap = cap;
    }
    memcpy(w->text + w->text_used, p, n);
    *off = w->text_used;
    w->text_used += n;
    return ARC_OK;
}

/* Gather one event of the walk statement (its columns: see walk_entity). */
static arc_status_t
walk_gather(walk_t *w, sqlite3_stmt *ev)
{
    pend_t *p;

    if (w->n_pend == w->cap_pend) {
        size_t cap = w->cap_pend ? 2 * w->cap_pend : 16;
        pend_t *x = realloc(w->pend, cap * sizeof *x);
        if (!x)
            return Arc_db_error(w->t->db, ARC_E_NOMEM, "out of memory");
        w->pend = x;
        w->cap_pend = cap;
    }
    p = &w->pend[w->n_pend];
    p->event = sqlite3_column_int64(ev, EVC_ID);
    p->date = sqlite3_column_int64(ev, EVC_DATE);
    p->start = sqlite3_column_int64(ev, EVC_START);
    p->end = sqlite3_column_int64(ev, EVC_END);
    p->flags = 0;
    if (sqlite3_column_type(ev, EVC_START) == SQLITE_NULL)
        p->flags |= EV_START_NULL;
    if (sqlite3_column_type(ev, EVC_END) == SQLITE_NULL)
        p->flags |= EV_END_NULL;
    if (sqlite3_column_type(ev, EVC_TEXT) == SQLITE_NULL)
        p->flags |= EV_TEXT_NULL;
    if (sqlite3_column_type(ev, EVC_ENTITIES) == SQLITE_NULL ||
        Arc_ids_has(sqlite3_column_blob(ev, EVC_ENTITIES),
                    (size_t)sqlite3_column_bytes(ev, EVC_ENTITIES), w->entity))
        p->flags |= EV_NAMES;
    p->granularity = sqlite3_column_int(ev, EVC_GRANULARITY);
    p->from_published = sqlite3_column_int(ev, EVC_FROM_PUBLISHED);
    p->keep = 0;
    p->text_len = SIZE_MAX;
    if (!(p->flags & EV_TEXT_NULL)) {
        /* entries hold C strings: what follows a NUL byte is never seen */
        const char *s = (const char *)sqlite3_column_text(ev, EVC_TEXT);
        size_t n = s ? strlen(s) : 0;
        arc_status_t st;
        if (s) {
            if ((st = keep_text(w, s, n, &p->text_off)))
                return st;
            p->text_len = n;
        }
    }
    w->n_pend++;
    return ARC_OK;
}

/* Decide which gathered events the entity rule keeps; *any: some are. */
static arc_status_t
walk_rule(walk_t *w, int *any)
{
    int names = 0, min_null = 1, any_names = 0, rc;
    int64_t min_start = 0;

    *any = 0;
    for (size_t i = 0; i < w->n_pend; i++)
        if (w->pend[i].flags & EV_NAMES)
            w->pend[i].keep = names = *any = 1;
    if (names || w->n_pend == 0)
        return ARC_OK;
    /* no event within the bounds names the entity: the article's first
     * event (smallest start of all its events) counts, unless one of its
     * events outside the bounds names it */
    sqlite3_reset(w->rule);
    sqlite3_bind_int64(w->rule, 1, w->article);
    while ((rc = sqlite3_step(w->rule)) == SQLITE_ROW) {
        /* min(start) and whether an entity list names the entity */
        if (sqlite3_column_type(w->rule, 0) != SQLITE_NULL) {
            int64_t v = sqlite3_column_int64(w->rule, 0);
            if (min_null || v < min_start)
                min_start = v;
            min_null = 0;
        }
        if (sqlite3_column_type(w->rule, 1) != SQLITE_NULL &&
            Arc_ids_has(sqlite3_column_blob(w->rule, 1),
                        (size_t)sqlite3_column_bytes(w->rule, 1), w->entity))
            any_names = 1;
    }
    sqlite3_reset(w->rule);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(w->t->db, "reading a timeline's article events");
    if (any_names || min_null)
        return ARC_OK;
    for (size_t i = 0; i < w->n_pend; i++) {
        pend_t *p = &w->pend[i];
        if (!(p->flags & EV_START_NULL) && p->start == min_start)
            p->keep = *any = 1;
    }
    return ARC_OK;
}

/* A kept event's sentence is cut from the body: its text is not stored
 * and its bounds are not NULL. Plain bounds are cut in C, odd ones by
 * SQL's substr() (see walk_entry). */
static int
needs_body(const pend_t *p)
{
    return (p->flags & EV_TEXT_NULL) && !(p->flags & (EV_START_NULL | EV_END_NULL));
}

static int
plain_bounds(const pend_t *p)
{
    return p->start >= 0 && p->end >= p->start;
}

/* Store one kept event's entry; the article's row is on st (columns:
 * source, url, title, story[, body]), its body b[0, n) (b NULL: none). */
static arc_status_t
walk_entry(walk_t *w, const pend_t *p, sqlite3_stmt *st, const char *b, size_t n)
{
    const char *str[4];
    size_t len[4];
    rec_t h;
    arc_status_t s;
    int sliced = 0;

    memset(&h, 0, sizeof h);
    h.start_null = (p->flags & EV_START_NULL) != 0;
    h.start = p->start;
    h.date = p->date;
    h.article = w->article;
    h.event = p->event;
    h.end = p->end;
    h.granularity = p->granularity;
    h.from_published = p->from_published;
    h.story = sqlite3_column_int64(st, 3);
    for (int i = S_SOURCE; i <= S_TITLE; i++) {
        str[i] = (const char *)sqlite3_column_text(st, i - S_SOURCE);
        len[i] = str[i] ? strlen(str[i]) : 0;
    }
    if (!(p->flags & EV_TEXT_NULL)) {
        str[S_TEXT] = p->text_len == SIZE_MAX ? NULL : w->text + p->text_off;
        len[S_TEXT] = p->text_len == SIZE_MAX ? 0 : p->text_len;
    } else if (!needs_body(p)) {
        str[S_TEXT] = NULL;     /* substr() of NULL bounds */
        len[S_TEXT] = 0;
    } else if (!b) {
        str[S_TEXT] = NULL;     /* no body */
        len[S_TEXT] = 0;
    } else if (plain_bounds(p)) {
        /* the sentence is the body's bytes [start, end), as the event
         * view cuts it: CAST(substr(CAST(body AS BLOB), start + 1,
         * end - start) AS TEXT) */
        uint64_t from = (uint64_t)p->start, k = (uint64_t)(p->end - p->start);
        if (from >= n)
            from = n, k = 0;
        else if (k > n - from)
            k = n - from;
        str[S_TEXT] = b + from;
        len[S_TEXT] = (size_t)k;
    } else {
        /* odd bounds: SQL's own substr() of the body as the view decodes
         * it for this event (as far as its end) */
        const char *ob;
        size_t on;
        int rc;
        sqlite3_reset(w->body);
        sqlite3_bind_int64(w->body, 1, w->article);
        sqlite3_bind_int64(w->body, 2, p->end > 0 ? p->end : 0);
        rc = sqlite3_step(w->body);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return Arc_db_sqlerr(w->t->db, "reading a timeline's article body");
        ob = rc == SQLITE_ROW ? (const char *)sqlite3_column_blob(w->body, 0) : NULL;
        on = ob ? (size_t)sqlite3_column_bytes(w->body, 0) : 0;
        sqlite3_reset(w->slice);
        sqlite3_bind_blob(w->slice, 1, ob ? ob : "", (int)on, SQLITE_TRANSIENT);
        sqlite3_bind_int64(w->slice, 2, p->start);
        sqlite3_bind_int64(w->slice, 3, p->end);
        sqlite3_reset(w->body);
        if (sqlite3_step(w->slice) != SQLITE_ROW)
            return Arc_db_sqlerr(w->t->db, "cutting a timeline's sentence");
        str[S_TEXT] = (const char *)sqlite3_column_text(w->slice, 0);
        len[S_TEXT] = (size_t)sqlite3_column_bytes(w->slice, 0);
        sliced = 1;
    }
    s = add_entry(w->t, &h, str, len);
    if (sliced)
        sqlite3_reset(w->slice);
    return s;
}

/* The article's events are all gathered: keep what the rule keeps, read
 * the article once and store the entries, in the order walked. */
static arc_status_t
walk_flush(walk_t *w)
{
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    const char *b = NULL;
    size_t n = 0;
    int any, body = 0, rc;
    int64_t want = 0;

    if ((s = walk_rule(w, &any)) || !any)
        goto out;
    /* as the view, decode a compressed body only as far as the sentences
     * end (0: all of it); an event with odd bounds reads the body again
     * (walk_entry), but this read tells whether there is one */
    for (size_t i = 0; i < w->n_pend; i++) {
        const pend_t *p = &w->pend[i];
        if (!p->keep || !needs_body(p))
            continue;
        if (!body || (want > 0 && (p->end <= 0 || p->end > want)))
            want = p->end > 0 ? p->end : 0;
        body = 1;
    }
    st = body ? w->art_body : w->art;
    sqlite3_bind_int64(st, 1, w->article);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int type = body ? sqlite3_column_type(st, 4) : SQLITE_NULL;
        if (type == SQLITE_BLOB) {
            /* compressed (body.c): decoded here rather than by arc_body()
             * in SQL, into one buffer with one context, and not copied */
            const char *why;
            arc_status_t ds = Arc_body_read(w->rd, sqlite3_column_blob(st, 4),
                                            (size_t)sqlite3_column_bytes(st, 4),
                                            want > 0 ? (size_t)want : SIZE_MAX, &b, &n, &why);
            if (ds) {
                s = Arc_db_error(w->t->db, ds, "article %lld: its stored body is corrupt (%s)",
                                 (long long)w->article, why);
                goto reset;
            }
        } else if (type != SQLITE_NULL) {
            b = (const char *)sqlite3_column_blob(st, 4);
            n = (size_t)sqlite3_column_bytes(st, 4);
            if (!b)
                b = "";
        }
        for (size_t i = 0; i < w->n_pend && !s; i++)
            if (w->pend[i].keep)
                s = walk_entry(w, &w->pend[i], st, b, n);
    } else if (rc != SQLITE_DONE) {
        s = Arc_db_sqlerr(w->t->db, "reading a timeline's article");
    }
reset:
    sqlite3_reset(st);
out:
    w->n_pend = 0;
    w->text_used = 0;
    return s;
}

/* The entity's articles cut into ranges of ids for several walkers to
 * take one at a time (see walk()): range k is [bound[k], bound[k + 1]),
 * the last one open-ended. */
typedef struct chunks {
    int64_t *bound;
    size_t n;
    size_t next;                /* the next range to take (atomic) */
    int dealt;                  /* tests: walker k of n takes k, k + n, ... */
    int walkers;
} chunks_t;

/* Take walker `me`'s next range of article ids into [*lo, *hi]; 0 when
 * all are taken. *taken counts the ranges it took. Without chunks (one
 * walker), one range of all ids. */
static int
next_chunk(chunks_t *c, int me, size_t *taken, int64_t *lo, int64_t *hi)
{
    size_t k;

    if (!c) {
        *lo = INT64_MIN;
        *hi = INT64_MAX;
        return (*taken)++ == 0;
    }
    k = c->dealt ? me + (*taken)++ * (size_t)c->walkers
                 : __atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED);
    if (k >= c->n)
        return 0;
    *lo = c->bound[k];
    *hi = k + 1 < c->n ? c->bound[k + 1] - 1 : INT64_MAX;
    return 1;
}

/* Walk the entity's events into t's runs: those of the articles in the
 * ranges walker `me` takes from `chunks` (NULL: all of them). */
static arc_status_t
walk_entity(arc_entity_timeline_t *t, int64_t entity, const arc_search_opts_t *o,
            chunks_t *chunks, int me)
{
    arc_db_t *db = t->db;
    sqlite3_stmt *ev = NULL;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    arc_status_t s = ARC_OK;
    int64_t a_lo, a_hi;
    walk_t w;
    int rc;
    size_t taken = 0;

    memset(&w, 0, sizeof w);
    w.t = t;
    w.entity = entity;
    if (o && o->since)
        lo = o->since;
    if (o && o->until) {
        if (o->until == INT64_MIN)
            lo = 1, hi = 0;     /* date < INT64_MIN: nothing */
        else
            hi = o->until - 1;
    }
    /* The mention key drives, and per article the index
     * event_row_article_date (schema v12) seeks the events within the
     * bounds; a source filter then reads the article of those only (or,
     * without bounds, of every article first). */
    if (o && o->source)
        ev = Arc_db_prepare(db, (o->since || o->until)
            ? "SELECT" EV_COLUMNS
              " FROM mention m CROSS JOIN event_row e ON e.article_id = m.article_id"
              " CROSS JOIN article a ON a.id = m.article_id"
              " WHERE m.entity_id = ?1 AND m.article_id BETWEEN ?5 AND ?6"
              " AND e.date BETWEEN ?2 AND ?3 AND a.source_id IN " SOURCE_IDS
            : "SELECT" EV_COLUMNS
              " FROM mention m CROSS JOIN article a ON a.id = m.article_id"
              " CROSS JOIN event_row e ON e.article_id = m.article_id"
              " WHERE m.entity_id = ?1 AND m.article_id BETWEEN ?5 AND ?6"
              " AND e.date BETWEEN ?2 AND ?3 AND a.source_id IN " SOURCE_IDS);
    else
        ev = Arc_db_prepare(db,
            "SELECT" EV_COLUMNS
            " FROM mention m CROSS JOIN event_row e ON e.article_id = m.article_id"
            " WHERE m.entity_id = ?1 AND m.article_id BETWEEN ?5 AND ?6"
            " AND e.date BETWEEN ?2 AND ?3");
    w.art = Arc_db_prepare(db,
        "SELECT s.name, a.url, a.title, a.story_id"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id WHERE a.id = ?1");
    w.rule = Arc_db_prepare(db, "SELECT start, entities FROM event_row WHERE article_id = ?1");
    w.slice = Arc_db_prepare(db, "SELECT CAST(substr(CAST(?1 AS BLOB), ?2 + 1, ?3 - ?2) AS TEXT)");
    /* the article's body as stored (walk_flush decodes it); an event
     * with odd bounds reads it again through arc_body() (walk_entry) */
    w.art_body = Arc_db_prepare(db,
        "SELECT s.name, a.url, a.title, a.story_id, a.body"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id WHERE a.id = ?1");
    w.body = Arc_db_prepare(db, "SELECT arc_body(a.body, a.id, ?2) FROM article a WHERE a.id = ?1");
    if (!ev || !w.art || !w.art_body || !w.rule || !w.slice || !w.body) {
        s = ARC_E_DB;
        goto out;
    }
    if (!(w.rd = Arc_body_reader_new(db->sql))) {
        s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto out;
    }
    sqlite3_bind_int64(ev, 1, entity);
    sqlite3_bind_int64(ev, 2, lo);
    sqlite3_bind_int64(ev, 3, hi);
    if (o && o->source)
        Arc_bind_text(ev, 4, o->source);
    rc = SQLITE_DONE;
    while (rc == SQLITE_DONE && next_chunk(chunks, me, &taken, &a_lo, &a_hi)) {
        sqlite3_reset(ev);
        sqlite3_bind_int64(ev, 5, a_lo);
        sqlite3_bind_int64(ev, 6, a_hi);
        while ((rc = sqlite3_step(ev)) == SQLITE_ROW) {
            int64_t article = sqlite3_column_int64(ev, EVC_ARTICLE);
            if (w.started && article != w.article && (s = walk_flush(&w)))
                goto out;
            w.started = 1;
            w.article = article;
            if ((s = walk_gather(&w, ev)))
                goto out;
        }
    }
    if (rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "reading the timeline");
    else if (w.started)
        s = walk_flush(&w);
out:
    sqlite3_finalize(ev);
    sqlite3_finalize(w.art);
    sqlite3_finalize(w.art_body);
    sqlite3_finalize(w.body);
    sqlite3_finalize(w.rule);
    sqlite3_finalize(w.slice);
    Arc_body_reader_free(w.rd);
    free(w.pend);
    free(w.text);
    return s;
}

/*
 * Several walkers (issue 5). A busy entity's year is mostly reading:
 * the article rows and their bodies, decoded (1.5 s of CPU for the
 * busiest year at 1M articles). The entity's articles are cut into
 * ranges of ids of PAR_CHUNK mentions each; each walker, on a read-only
 * connection of its own, takes the next range not yet taken until none
 * is left, into entries of its own; the calling thread is one of them.
 * The walkers' connections keep a small page cache (PAR_CACHE_KIB): a
 * walk reads most pages once, and a large cache costs CPU in cache
 * misses on its page buffers, more than reading a page again from the
 * operating system costs (the busiest year at 1M: 8 KiB pages, 64 MiB
 * about 10% slower than 4 MiB, 4 MiB 7% slower than 512 KiB; 128 KiB
 * starts to re-read too much). Ranges of neighbouring ids keep the pages
 * a walker reads mostly its own (an article row, its events and the index
 * entries that lead to them sit near those of the ids next to it), and
 * taking them one at a time keeps the walkers equally busy however the
 * articles spread. The sort makes the result independent of who read
 * what: the entries come out exactly as one walker would give them.
 *
 * All walkers must read the same state of the archive while a writer
 * commits. Debian's SQLite has no shared snapshots (SQLITE_ENABLE_SNAPSHOT),
 * so each connection opens a read transaction and reads the change log's
 * last sequence number; the walkers go ahead only when all agree (tried
 * PAR_TRIES times, else one walker reads everything). The writes a
 * timeline reads (articles, mentions, events, stories, entities and their
 * merges) add change-log rows, except a change to an article whose row is
 * the newest already (the triggers' WHEN clauses, schema.c); even then
 * each article is read whole from one state, by one walker.
 */
#define PAR_MIN_MENTIONS 4096   /* fewer mentions: one walker */
#define PAR_MAX 4
#define PAR_TRIES 3
#define PAR_CHUNK 1024          /* mentions per range of ids */
#define PAR_CACHE_KIB "512"     /* page cache of a walker's connection */
static int forced_walkers;      /* test hook: 0 = decide */
static size_t chunk_mentions = PAR_CHUNK;
/* (forced walkers deal the ranges in turn rather than race for them, so
 * that a test knows every walker reads some) */

/* Contract in archive-private.h. */
void
Arc_entity_timeline_set_walkers(int n, size_t chunk)
{
    forced_walkers = n > 0 ? n : 0;
    chunk_mentions = chunk ? chunk : PAR_CHUNK;
}

typedef struct walker {
    arc_entity_timeline_t *t;   /* its entries; t->db its connection */
    int64_t entity;
    chunks_t *chunks;
    int me;
    const arc_search_opts_t *o;
    arc_status_t s;
    pthread_t th;
    int threaded;
} walker_t;

static void *
walker_main(void *arg)
{
    walker_t *w = arg;

    w->s = walk_entity(w->t, w->entity, w->o, w->chunks, w->me);
    /* a walker that wrote runs writes the rest too, so that adopt() takes
     * runs only */
    if (!w->s && w->t->n_runs > 0 && w->t->n_keys > 0)
        w->s = spill(w->t);
    return NULL;
}

/* Move f's entries into t: its runs (and the file they are in), or the
 * records it kept in memory. */
static arc_status_t
adopt(arc_entity_timeline_t *t, arc_entity_timeline_t *f)
{
    arc_status_t s;

    if (f->n_runs == 0) {
        for (size_t i = 0; i < f->n_keys; i++) {
            size_t n;
            const char *p = key_rec(f, i, &n);
            if ((s = room(t, n)))
                return s;
            memcpy(t->arena + t->used, p, n);
            t->keys[t->n_keys] = f->keys[i];
            t->keys[t->n_keys++].off = t->used;
            t->used += n;
        }
        return ARC_OK;
    }
    if ((s = more_runs(t, f->n_runs)))
        return s;
    FILE **a = realloc(t->adopted, (t->n_adopted + 1) * sizeof *a);
    if (!a)
        return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
    t->adopted = a;
    t->adopted[t->n_adopted++] = f->tmp;
    f->tmp = NULL;
    memcpy(t->runs + t->n_runs, f->runs, f->n_runs * sizeof *f->runs);
    t->n_runs += f->n_runs;
    f->n_runs = 0;              /* their buffers are NULL until merging */
    return ARC_OK;
}

/* The change log's last sequence number as db's read transaction sees it;
 * -1 when it cannot be read. */
static int64_t
state_mark(arc_db_t *db)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT coalesce(max(seq), 0) FROM change_log");
    int64_t v = -1;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* How many walkers for this entity: 1 unless its mentions are many, the
 * machine has cores to spare and db is not inside a transaction (whose
 * state other connections cannot see). */
static int
walkers_for(arc_db_t *db, int64_t entity)
{
    sqlite3_stmt *st;
    long cpus;
    int n, busy = 0;

    if (!sqlite3_get_autocommit(db->sql))
        return 1;
    if (forced_walkers)
        return forced_walkers;
    cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus > PAR_MAX ? PAR_MAX : cpus < 1 ? 1 : (int)cpus;
    if (n < 2)
        return 1;
    st = Arc_db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM mention"
                            " WHERE entity_id = ?1 LIMIT ?2)");
    if (st) {
        sqlite3_bind_int64(st, 1, entity);
        sqlite3_bind_int(st, 2, PAR_MIN_MENTIONS);
        busy = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= PAR_MIN_MENTIONS;
    }
    sqlite3_finalize(st);
    return busy ? n : 1;
}

/* Open n connections reading the state db reads, in read transactions
 * (db's own is open too); the number opened, 0 when they could not be
 * brought to one state. */
static int
open_walkers(arc_db_t *db, arc_db_t **w, int n)
{
    int k = 0;

    for (int i = 0; i < n; i++) {
        char *err = NULL;
        if (arc_db_open(db->dir, ARC_OPEN_READONLY | ARC_OPEN_ONE_THREAD, &w[k], &err)
            != ARC_OK) {
            free(err);
            break;
        }
        /* a walk reads each page about once: a small page cache keeps
         * the walkers' memory down and costs less CPU (see above) */
        sqlite3_exec(w[k]->sql, "PRAGMA cache_size = -" PAR_CACHE_KIB, NULL, NULL, NULL);
        k++;
    }
    for (int tries = 0; k > 0 && tries < PAR_TRIES; tries++) {
        int64_t mark = state_mark(db);
        int same = mark >= 0;
        for (int i = 0; i < k && same; i++)
            same = sqlite3_exec(w[i]->sql, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
                   state_mark(w[i]) == mark;
        if (same)
            return k;
        /* a writer committed in between: everyone moves to the newest state */
        for (int i = 0; i < k; i++)
            if (!sqlite3_get_autocommit(w[i]->sql))
                sqlite3_exec(w[i]->sql, "COMMIT", NULL, NULL, NULL);
        sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
        if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            break;
    }
    for (int i = 0; i < k; i++)
        arc_db_close(w[i]);
    return 0;
}

/* Cut the entity's articles into ranges of PAR_CHUNK mentions
 * (chunk_mentions; c->bound: the first id of each). */
static arc_status_t
cut_chunks(arc_db_t *db, int64_t entity, chunks_t *c)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT article_id FROM mention WHERE entity_id = ?1"
                                          " ORDER BY article_id");
    size_t cap = 0, k = 0;
    int rc;

    memset(c, 0, sizeof *c);
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, entity);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k++ % chunk_mentions)
            continue;
        if (c->n == cap) {
            int64_t *b = realloc(c->bound, (cap = cap ? 2 * cap : 64) * sizeof *b);
            if (!b) {
                sqlite3_finalize(st);
                return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            }
            c->bound = b;
        }
        /* the first range starts at the smallest id of all */
        c->bound[c->n] = c->n == 0 ? INT64_MIN : sqlite3_column_int64(st, 0);
        c->n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "reading an entity's articles");
}

/* Walk the entity's events into t's entries, with several walkers when
 * it is busy (see above). */
static arc_status_t
walk(arc_entity_timeline_t *t, int64_t entity, const arc_search_opts_t *o)
{
    arc_db_t *db = t->db, *wdb[PAR_MAX];
    walker_t w[PAR_MAX];
    chunks_t chunks;
    arc_status_t s = ARC_OK;
    int n = walkers_for(db, entity), k;

    if (n < 2)
        return walk_entity(t, entity, o, NULL, 0);
    if (n > PAR_MAX)
        n = PAR_MAX;
    if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return walk_entity(t, entity, o, NULL, 0);
    if ((k = open_walkers(db, wdb, n)) < 2) {
        if (k)
            arc_db_close(wdb[0]);
        s = walk_entity(t, entity, o, NULL, 0);
        sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
        return s;
    }
    if ((s = cut_chunks(db, entity, &chunks))) {
        sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
        for (int i = 0; i < k; i++)
            arc_db_close(wdb[i]);
        free(chunks.bound);
        return s;
    }
    n = k;
    chunks.walkers = n;
    chunks.dealt = forced_walkers > 0;
    memset(w, 0, sizeof w);
    for (int i = 1; i < n; i++) {
        w[i] = (walker_t){ .entity = entity, .chunks = &chunks, .me = i, .o = o };
        if (!(w[i].t = calloc(1, sizeof *w[i].t))) {
            w[i].s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            continue;
        }
        w[i].t->db = wdb[i];
        w[i].threaded = pthread_create(&w[i].th, NULL, walker_main, &w[i]) == 0;
    }
    /* this thread is walker 0, on a connection of its own too, with the
     * small page cache; the caller's keeps its large one, and its pages,
     * for its other queries */
    t->db = wdb[0];
    s = walk_entity(t, entity, o, &chunks, 0);
    t->db = db;
    if (s)
        s = Arc_db_error(db, s, "%s", arc_db_errmsg(wdb[0]));
    for (int i = 1; i < n; i++) {
        if (w[i].threaded)
            pthread_join(w[i].th, NULL);
        else if (w[i].t)
            walker_main(&w[i]);    /* no thread: this one reads it */
    }
    sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
    for (int i = 1; i < n; i++) {
        if (!s && w[i].s)
            s = w[i].t ? Arc_db_error(db, w[i].s, "%s", arc_db_errmsg(wdb[i])) : w[i].s;
        if (!s)
            s = adopt(t, w[i].t);
        arc_entity_timeline_destroy(w[i].t);
        arc_db_close(wdb[i]);
    }
    arc_db_close(wdb[0]);
    free(chunks.bound);
    return s;
}

arc_status_t
arc_entity_timeline_open(arc_db_t *db, int64_t entity, const arc_search_opts_t *o,
                         arc_entity_timeline_t **out)
{
    ARC_NO_SHARDS(db);
    arc_entity_timeline_t *t;
    arc_entity_kind_t kind;
    char *name = NULL;
    arc_status_t s;

    *out = NULL;
    if ((s = arc_entity_lookup(db, entity, &kind, &name)))
        return s;
    free(name);
    if ((s = resolve(db, entity, &entity)))
        return s;
    t = calloc(1, sizeof *t);
    if (!t)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    t->db = db;
    /* An article contributes the events whose sentence names the entity;
     * one whose events never name it (the entity is in the title, or
     * named only by a pronoun) contributes its first event (smallest
     * start). Events stored before schema v6 carry no entity list and all
     * count. The date bounds apply to events. */
    if ((s = walk(t, entity, o)) || (s = finish(t))) {
        arc_entity_timeline_destroy(t);
        return s;
    }
    *out = t;
    return ARC_OK;
}

arc_status_t
arc_entity_timeline_next(arc_entity_timeline_t *t, const arc_timeline_entry_t **out)
{
    run_t *r;
    rec_t h;

    *out = NULL;
    if (!t->merging) {
        if (t->next_key >= t->n_keys)
            return ARC_OK;
        const char *p = t->arena + t->keys[t->next_key++].off;
        memcpy(&h, p, sizeof h);
        *out = entry_from(t, &h, p + sizeof h);
        return ARC_OK;
    }
    if (t->advance && t->n_heap > 0) {
        int k;
        t->advance = 0;
        r = &t->runs[t->heap[0]];
        r->at += rec_size(&r->cur);
        k = run_load(r);
        if (k < 0)
            return Arc_db_error(t->db, ARC_E_IO, "cannot read the timeline's temporary file");
        if (k == 0)
            t->heap[0] = t->heap[--t->n_heap];
        if (t->n_heap > 0)
            heap_down(t, 0);
    }
    if (t->n_heap == 0)
        return ARC_OK;
    r = &t->runs[t->heap[0]];
    *out = entry_from(t, &r->cur, r->buf + r->at + sizeof r->cur);
    t->advance = 1;
    return ARC_OK;
}

void
arc_entity_timeline_destroy(arc_entity_timeline_t *t)
{
    if (!t)
        return;
    if (t->tmp)
        fclose(t->tmp);
    for (size_t i = 0; i < t->n_adopted; i++)
        fclose(t->adopted[i]);
    free(t->adopted);
    for (size_t i = 0; i < t->n_runs; i++)
        free(t->runs[i].buf);
    free(t->runs);
    free(t->heap);
    free(t->arena);
    free(t->keys);
    free(t->wbuf);
    free(t);
}
