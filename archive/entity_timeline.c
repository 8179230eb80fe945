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
 *     event_row_article_date, schema v12, seeks them);
 *  2. per article, in C, once its events are gathered (walk_flush): the
 *     entity rule (see open), which reads the article's other events only
 *     when none within the bounds names the entity; then the article's
 *     url, title, source and story, and its body when a kept event has no
 *     stored text, by one statement, the sentences cut from the body
 *     decoded once;
 *  3. the entries are sorted by (date, article, start, event id) with a
 *     bounded-memory merge sort: entries gather in a run of at most
 *     RUN_BYTES; a timeline that fits one run is sorted and read from
 *     memory, a larger one writes its sorted runs to an unlinked
 *     temporary file (tmpfile()) and arc_entity_timeline_next() merges
 *     them. Memory: one run (RUN_BYTES of entries, a 48-byte key each)
 *     while walking; READ_BYTES per written run while merging, i.e. 1/64
 *     of the timeline's size (1.4 MB for the busiest year at 1M).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    if (t->n_runs == t->cap_runs) {
        size_t cap = t->cap_runs ? 2 * t->cap_runs : 16;
        run_t *n = realloc(t->runs, cap * sizeof *n);
        if (!n)
            return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
        t->runs = n;
        t->cap_runs = cap;
    }
    qsort(t->keys, t->n_keys, sizeof *t->keys, key_cmp);
    r = &t->runs[t->n_runs];
    memset(r, 0, sizeof *r);
    r->pos = t->file_end;
    for (size_t i = 0; i < t->n_keys; i++) {
        const char *p = t->arena + t->keys[i].off;
        size_t n;
        rec_t h;
        memcpy(&h, p, sizeof h);
        n = rec_size(&h);
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

/* Append one entry to the current run (spilling it first when full). */
static arc_status_t
add_entry(arc_entity_timeline_t *t, rec_t *h, const char *const *str, const size_t *len)
{
    arc_status_t s;
    size_t need;
    char *p;

    for (int i = 0; i < 4; i++)
        h->len[i] = str[i] ? (uint32_t)len[i] + 1 : 0;
    need = rec_size(h);
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
run_fill(run_t *r, int fd, size_t need)
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
        got = pread(fd, r->buf + r->have, (size_t)want, (off_t)r->pos);
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
run_load(run_t *r, int fd)
{
    int k = run_fill(r, fd, sizeof r->cur);
    if (k <= 0)
        return k;
    memcpy(&r->cur, r->buf + r->at, sizeof r->cur);
    return run_fill(r, fd, rec_size(&r->cur)) > 0 ? 1 : -1;
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
    int fd;

    if (!t->tmp) {
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
    fd = fileno(t->tmp);
    if (!(t->heap = malloc(t->n_runs * sizeof *t->heap)))
        return Arc_db_error(t->db, ARC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < t->n_runs; i++) {
        int k = run_load(&t->runs[i], fd);
        if (k < 0)
            return Arc_db_error(t->db, ARC_E_IO, "cannot read the timeline's temporary file");
        if (k > 0)
            t->heap[t->n_heap++] = i;
    }
    for (size_t i = t->n_heap / 2; i-- > 0;)
        heap_down(t, i);
    return ARC_OK;
}

/* Column 5 of the walk statement: facts about the event as bits. */
enum { EV_START_NULL = 1, EV_END_NULL = 2, EV_TEXT_NULL = 4, EV_NAMES = 8 };
#define EV_FLAGS \
    " (e.start IS NULL) + 2 * (e.end IS NULL) + 4 * (e.text IS NULL)" \
    " + 8 * (CASE WHEN e.entities IS NULL THEN 1" \
    " ELSE coalesce(arc_ids_has(e.entities, ?1), 0) != 0 END)"

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
    p->event = sqlite3_column_int64(ev, 1);
    p->date = sqlite3_column_int64(ev, 2);
    p->start = sqlite3_column_int64(ev, 3);
    p->end = sqlite3_column_int64(ev, 4);
    p->flags = sqlite3_column_int(ev, 5);
    p->granularity = sqlite3_column_int(ev, 6);
    p->from_published = sqlite3_column_int(ev, 7);
    p->keep = 0;
    p->text_len = SIZE_MAX;
    if (!(p->flags & EV_TEXT_NULL)) {
        /* entries hold C strings: what follows a NUL byte is never seen */
        const char *s = (const char *)sqlite3_column_text(ev, 8);
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
    int names = 0, min_null, any_names;
    int64_t min_start;

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
    sqlite3_bind_int64(w->rule, 2, w->entity);
    if (sqlite3_step(w->rule) != SQLITE_ROW)
        return Arc_db_sqlerr(w->t->db, "reading a timeline's article events");
    min_null = sqlite3_column_type(w->rule, 0) == SQLITE_NULL;
    min_start = sqlite3_column_int64(w->rule, 0);
    any_names = sqlite3_column_int(w->rule, 1) != 0;
    sqlite3_reset(w->rule);
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
    if (body)
        sqlite3_bind_int64(st, 2, want);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (body && sqlite3_column_type(st, 4) != SQLITE_NULL) {
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
    sqlite3_reset(st);
out:
    w->n_pend = 0;
    w->text_used = 0;
    return s;
}

/* Walk the entity's events into t's runs. */
static arc_status_t
walk_entity(arc_entity_timeline_t *t, int64_t entity, const arc_search_opts_t *o)
{
    arc_db_t *db = t->db;
    sqlite3_stmt *ev = NULL;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    arc_status_t s = ARC_OK;
    walk_t w;
    int rc;

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
    if ((s = Arc_mentions_sql_functions(db)))
        return s;
    /* The mention key drives, and per article the index
     * event_row_article_date (schema v12) seeks the events within the
     * bounds; a source filter then reads the article of those only (or,
     * without bounds, of every article first). */
    if (o && o->source)
        ev = Arc_db_prepare(db, (o->since || o->until)
            ? "SELECT e.article_id, e.id, e.date, e.start, e.end," EV_FLAGS ","
              " e.granularity, e.from_published, e.text"
              " FROM mention m CROSS JOIN event_row e ON e.article_id = m.article_id"
              " CROSS JOIN article a ON a.id = m.article_id"
              " WHERE m.entity_id = ?1 AND e.date BETWEEN ?2 AND ?3 AND a.source_id IN " SOURCE_IDS
            : "SELECT e.article_id, e.id, e.date, e.start, e.end," EV_FLAGS ","
              " e.granularity, e.from_published, e.text"
              " FROM mention m CROSS JOIN article a ON a.id = m.article_id"
              " CROSS JOIN event_row e ON e.article_id = m.article_id"
              " WHERE m.entity_id = ?1 AND e.date BETWEEN ?2 AND ?3 AND a.source_id IN " SOURCE_IDS);
    else
        ev = Arc_db_prepare(db,
            "SELECT e.article_id, e.id, e.date, e.start, e.end," EV_FLAGS ","
            " e.granularity, e.from_published, e.text"
            " FROM mention m CROSS JOIN event_row e ON e.article_id = m.article_id"
            " WHERE m.entity_id = ?1 AND e.date BETWEEN ?2 AND ?3");
    w.art = Arc_db_prepare(db,
        "SELECT s.name, a.url, a.title, a.story_id"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id WHERE a.id = ?1");
    w.rule = Arc_db_prepare(db,
        "SELECT min(start), max(arc_ids_has(entities, ?2)) FROM event_row WHERE article_id = ?1");
    w.slice = Arc_db_prepare(db, "SELECT CAST(substr(CAST(?1 AS BLOB), ?2 + 1, ?3 - ?2) AS TEXT)");
    /* bodies are read through arc_body() (compressed bodies, schema 11)
     * when the connection has it */
    if (sqlite3_prepare_v2(db->sql,
                           "SELECT s.name, a.url, a.title, a.story_id, arc_body(a.body, a.id, ?2)"
                           " FROM article a LEFT JOIN source s ON s.id = a.source_id"
                           " WHERE a.id = ?1", -1, &w.art_body, NULL) == SQLITE_OK) {
        w.body = Arc_db_prepare(db, "SELECT arc_body(a.body, a.id, ?2) FROM article a WHERE a.id = ?1");
    } else {
        sqlite3_finalize(w.art_body);
        w.art_body = Arc_db_prepare(db,
            "SELECT s.name, a.url, a.title, a.story_id, a.body, ?2"
            " FROM article a LEFT JOIN source s ON s.id = a.source_id WHERE a.id = ?1");
        w.body = Arc_db_prepare(db, "SELECT a.body, ?2 FROM article a WHERE a.id = ?1");
    }
    if (!ev || !w.art || !w.art_body || !w.rule || !w.slice || !w.body) {
        s = ARC_E_DB;
        goto out;
    }
    sqlite3_bind_int64(ev, 1, entity);
    sqlite3_bind_int64(ev, 2, lo);
    sqlite3_bind_int64(ev, 3, hi);
    if (o && o->source)
        Arc_bind_text(ev, 4, o->source);
    while ((rc = sqlite3_step(ev)) == SQLITE_ROW) {
        int64_t article = sqlite3_column_int64(ev, 0);
        if (w.started && article != w.article && (s = walk_flush(&w)))
            goto out;
        w.started = 1;
        w.article = article;
        if ((s = walk_gather(&w, ev)))
            goto out;
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
    free(w.pend);
    free(w.text);
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
    if ((s = walk_entity(t, entity, o)) || (s = finish(t))) {
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
    if (!t->tmp) {
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
        k = run_load(r, fileno(t->tmp));
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
    for (size_t i = 0; i < t->n_runs; i++)
        free(t->runs[i].buf);
    free(t->runs);
    free(t->heap);
    free(t->arena);
    free(t->keys);
    free(t->wbuf);
    free(t);
}
