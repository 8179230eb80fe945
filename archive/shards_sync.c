/*
 * shards_sync.c - pushing the archive to its Xapian shards (issue 8):
 * shard documents built from the SQLite records, and arc_shards_sync().
 *
 * The change log (schema v8, schema.c) names every article, story and
 * entity whose shard document changed. A sync first appends a barrier
 * row (its seq is the head this sync brings every shard to), then for
 * each shard, in one read transaction: a shard that never synced (or
 * ARC_SHARDS_REBUILD) gets every document that belongs to it; any other
 * gets the objects logged after the seq stored in its metadata. An
 * article lives in shard month_index mod N (publication month, first-seen
 * when undated); when the log says an article left this shard's month
 * (its `prev`), its document here is deleted. Stories and entities live
 * in shard id mod N. Documents are written with replace_document on
 * their unique term, so sending one twice is harmless: a shard that
 * failed half-way keeps its old seq and gets the rest next time.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shards.h"

#define COMMIT_EVERY 2000     /* documents per shard commit */
#define PROGRESS_EVERY 500

typedef struct syncer {
    arc_db_t *db;
    arc_tok_t *tok;
    xap_wdb_t *w;
    const arc_shard_spec_t *spec;
    size_t k, n;               /* this shard's position and the count */
    arc_shard_status_t *ss;
    arc_shard_sync_report_t *tot;
    int64_t pending;           /* writes since the last commit */
    int64_t done, total;
    arc_shard_progress_fn progress;
    void *ud;
    arc_buf_t scratch;
} syncer_t;

/* ---- documents ---- */

typedef struct post_ctx {
    xap_doc_t *doc;
    unsigned pos;
    unsigned wdf;
    int title;
    int failed;
} post_ctx_t;

static int
post_cb(void *p, const char *tok, int n, int start, int end)
{
    post_ctx_t *c = p;
    char term[XAPIAN_MAX_TERM + 2];

    (void)start;
    (void)end;
    c->pos++;
    if (Xap_doc_posting(c->doc, tok, (size_t)n, c->pos, c->wdf))
        c->failed = 1;
    if (c->title && (size_t)n + 1 <= XAPIAN_MAX_TERM) {
        term[0] = 'S';
        memcpy(term + 1, tok, (size_t)n);
        if (Xap_doc_posting(c->doc, term, (size_t)n + 1, c->pos, 1))
            c->failed = 1;
    }
    return c->failed;
}

static void
add_term(xap_doc_t *d, const char *prefix, const char *v, size_t len, int lower)
{
    char term[XAPIAN_MAX_TERM + 1];
    size_t pl = strlen(prefix);

    if (pl + len > XAPIAN_MAX_TERM)
        return;
    memcpy(term, prefix, pl);
    for (size_t i = 0; i < len; i++) {
        char c = v[i];
        term[pl + i] = lower && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    Xap_doc_term(d, term, pl + len);
}

static void
add_term_int(xap_doc_t *d, const char *prefix, int64_t v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", (long long)v);
    add_term(d, prefix, num, (size_t)n, 0);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static arc_status_t
step_error(arc_db_t *db, const char *what)
{
    return Arc_db_sqlerr(db, what);
}

static arc_status_t
write_doc(syncer_t *s, const char *uterm, xap_doc_t *d)
{
    arc_status_t st;

    if (Xap_doc_failed(d))
        return Arc_db_error(s->db, ARC_E_NOMEM, "out of memory");
    if ((st = Xap_wdb_replace(s->w, uterm, d)))
        return st;
    s->ss->written++;
    s->pending++;
    return ARC_OK;
}

static arc_status_t
delete_doc(syncer_t *s, const char *uterm)
{
    arc_status_t st = Xap_wdb_delete(s->w, uterm);
    if (!st) {
        s->ss->deleted++;
        s->tot->deleted++;
        s->pending++;
    }
    return st;
}

/* Build and write the document of article id (which exists). */
static arc_status_t
put_article(syncer_t *s, int64_t id)
{
    arc_db_t *db = s->db;
    sqlite3_stmt *st = NULL, *ents = NULL, *evs = NULL;
    xap_doc_t *d = NULL;
    arc_buf_t data = { NULL, 0, 0, 0 }, ev = { NULL, 0, 0, 0 }, en = { NULL, 0, 0, 0 };
    arc_buf_t *sc = &s->scratch;
    post_ctx_t pc;
    arc_status_t rs = ARC_OK;
    int64_t published, first_seen, story, date;
    const char *site, *lang, *src;
    char uterm[40];
    int rc, n_events = 0;

    st = Arc_db_prepare(db,
        "SELECT a.id, a.url, a.guid, s.name, s.site, a.title, a.byline, a.published,"
        " a.published_src, a.first_seen, a.updated, a.lang, a.summary, arc_body(a.body, a.id),"
        " a.content_hash, a.capture, a.story_id, a.version, a.published_raw"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id WHERE a.id = ?1");
    ents = Arc_db_prepare(db,
        "SELECT e.id, e.kind, e.name FROM mention m"
        " LEFT JOIN entity_redirect r ON r.from_id = m.entity_id"
        " JOIN entity e ON e.id = coalesce(r.to_id, m.entity_id)"
        " WHERE m.article_id = ?1 ORDER BY m.count DESC, e.name");
    evs = Arc_db_prepare(db,
        "SELECT date, granularity, from_published, start, end, text FROM event"
        " WHERE article_id = ?1 ORDER BY date, start");
    if (!st || !ents || !evs) {
        rs = ARC_E_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
        rs = rc == SQLITE_DONE ? ARC_OK : step_error(db, "reading an article for its shard");
        goto done;
    }
    if (!(d = Xap_doc_new())) {
        rs = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    published = sqlite3_column_type(st, 7) == SQLITE_NULL ? ARC_TIME_NONE
                                                          : sqlite3_column_int64(st, 7);
    first_seen = sqlite3_column_int64(st, 9);
    story = sqlite3_column_int64(st, 16);
    date = published != ARC_TIME_NONE ? published : first_seen;
    src = col_text(st, 3);
    site = col_text(st, 4);
    lang = col_text(st, 11);

    snprintf(uterm, sizeof uterm, XAPIAN_Q_ARTICLE "%lld", (long long)id);
    Xap_doc_term(d, XAPIAN_T_ARTICLE, strlen(XAPIAN_T_ARTICLE));
    Xap_doc_term(d, uterm, strlen(uterm));

    /* text: title (BM25 weight 10), summary (3), body (1), columns apart */
    memset(&pc, 0, sizeof pc);
    pc.doc = d;
    pc.wdf = 10;
    pc.title = 1;
    if (Arc_tok_run(s->tok, 0, 0, col_text(st, 5), (size_t)sqlite3_column_bytes(st, 5),
                    post_cb, &pc))
        goto tokfail;
    pc.pos += XAPIAN_COLUMN_GAP;
    pc.wdf = 3;
    pc.title = 0;
    if (Arc_tok_run(s->tok, 0, 0, col_text(st, 12), (size_t)sqlite3_column_bytes(st, 12),
                    post_cb, &pc))
        goto tokfail;
    pc.pos += XAPIAN_COLUMN_GAP;
    pc.wdf = 1;
    if (Arc_tok_run(s->tok, 0, 0, col_text(st, 13), (size_t)sqlite3_column_bytes(st, 13),
                    post_cb, &pc))
        goto tokfail;

    /* filters */
    if (src)
        add_term(d, "XSN", src, strlen(src), 1);
    if (site && *site) {
        size_t len = strlen(site);
        add_term(d, "XSS", site, len, 0);
        for (size_t i = 0; i < len; i++)
            if (site[i] == '.' && i + 1 < len)
                add_term(d, "XSS", site + i + 1, len - i - 1, 0);
    }
    if (lang)
        for (size_t l = 2; l <= strlen(lang); l++)
            add_term(d, "XL", lang, l, 1);
    if (story)
        add_term_int(d, "XT", story);

    /* entities: terms, the facet value and the hit data */
    sqlite3_bind_int64(ents, 1, id);
    while ((rc = sqlite3_step(ents)) == SQLITE_ROW) {
        char num[64];
        int64_t eid = sqlite3_column_int64(ents, 0);
        add_term_int(d, "XE", eid);
        snprintf(num, sizeof num, "%d\x1f%lld\x1f", sqlite3_column_int(ents, 1), (long long)eid);
        sc->len = 0;
        Arc_buf_add(sc, num);
        Arc_buf_add(sc, col_text(ents, 2) ? col_text(ents, 2) : "");
        if (!sc->failed)
            Arc_tlv_add(&en, 'e', sc->data, sc->len);
    }
    if (rc != SQLITE_DONE) {
        rs = step_error(db, "reading an article's entities");
        goto done;
    }

    /* events, with what a timeline entry needs of the article */
    Arc_tlv_int(&ev, 'i', id);
    Arc_tlv_str(&ev, 's', src);
    Arc_tlv_str(&ev, 'u', col_text(st, 1));
    Arc_tlv_str(&ev, 't', col_text(st, 5));
    Arc_tlv_int(&ev, 'T', story);
    sqlite3_bind_int64(evs, 1, id);
    while ((rc = sqlite3_step(evs)) == SQLITE_ROW) {
        char head[128];
        snprintf(head, sizeof head, "%lld\x1f%d\x1f%d\x1f%d\x1f%d\x1f",
                 (long long)sqlite3_column_int64(evs, 0), sqlite3_column_int(evs, 1),
                 sqlite3_column_int(evs, 2), sqlite3_column_int(evs, 3),
                 sqlite3_column_int(evs, 4));
        sc->len = 0;
        Arc_buf_add(sc, head);
        Arc_buf_add(sc, col_text(evs, 5) ? col_text(evs, 5) : "");
        if (!sc->failed)
            Arc_tlv_add(&ev, 'v', sc->data, sc->len);
        n_events++;
    }
    if (rc != SQLITE_DONE) {
        rs = step_error(db, "reading an article's events");
        goto done;
    }

    /* values */
    Xap_doc_value_num(d, XAPIAN_SLOT_DATE, (double)date);
    Xap_doc_value_num(d, XAPIAN_SLOT_ID, (double)id);
    {
        char num[64];
        int len = story ? snprintf(num, sizeof num, "%lld", (long long)story) : 0;
        Xap_doc_value(d, XAPIAN_SLOT_STORY, num, (size_t)len);
        len = snprintf(num, sizeof num, "%lld",
                       (long long)((id >> ARC_ID_SEQ_BITS) - ARC_ID_DAY_BIAS));
        Xap_doc_value(d, XAPIAN_SLOT_DAY, num, (size_t)len);
        if (story) {
            len = snprintf(num, sizeof num, "%lld\x1f%lld", (long long)story, (long long)date);
            Xap_doc_value(d, XAPIAN_SLOT_STORYDATE, num, (size_t)len);
        }
    }
    if (en.len)
        Xap_doc_value(d, XAPIAN_SLOT_ENTS, en.data, en.len);
    if (n_events)
        Xap_doc_value(d, XAPIAN_SLOT_EVENTS, ev.data, ev.len);

    /* the record (hits, arc_article_get, export --with-body) */
    Arc_tlv_int(&data, 'i', id);
    Arc_tlv_str(&data, 'u', col_text(st, 1));
    Arc_tlv_str(&data, 'g', col_text(st, 2));
    Arc_tlv_str(&data, 's', src);
    Arc_tlv_str(&data, 'S', site);
    Arc_tlv_str(&data, 't', col_text(st, 5));
    Arc_tlv_str(&data, 'y', col_text(st, 6));
    if (published != ARC_TIME_NONE)
        Arc_tlv_int(&data, 'p', published);
    Arc_tlv_str(&data, 'P', col_text(st, 8));
    Arc_tlv_int(&data, 'f', first_seen);
    Arc_tlv_int(&data, 'U', sqlite3_column_int64(st, 10));
    Arc_tlv_str(&data, 'l', lang);
    Arc_tlv_str(&data, 'm', col_text(st, 12));
    Arc_tlv_str(&data, 'b', col_text(st, 13));
    Arc_tlv_str(&data, 'h', col_text(st, 14));
    Arc_tlv_str(&data, 'c', col_text(st, 15));
    if (story)
        Arc_tlv_int(&data, 'T', story);
    Arc_tlv_int(&data, 'v', sqlite3_column_int64(st, 17));
    Arc_tlv_str(&data, 'r', col_text(st, 18));
    if (en.len)
        Arc_buf_addn(&data, en.data, en.len);
    if (data.failed || ev.failed || en.failed || sc->failed) {
        sc->failed = 0;
        rs = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    Xap_doc_data(d, data.data, data.len);
    if ((rs = write_doc(s, uterm, d)) == ARC_OK) {
        s->tot->articles++;
        s->tot->events += n_events;
    }
    goto done;
tokfail:
    rs = Arc_db_error(db, pc.failed ? ARC_E_NOMEM : ARC_E_DB, "tokenizing article %lld failed",
                      (long long)id);
done:
    Xap_doc_free(d);
    sqlite3_finalize(st);
    sqlite3_finalize(ents);
    sqlite3_finalize(evs);
    Arc_buf_free(&data);
    Arc_buf_free(&ev);
    Arc_buf_free(&en);
    return rs;
}

/* Write (or delete, when gone) the document of story id. */
static arc_status_t
put_story(syncer_t *s, int64_t id)
{
    arc_db_t *db = s->db;
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT title, first_date, last_date, article_count, updated FROM story WHERE id = ?1");
    arc_buf_t data = { NULL, 0, 0, 0 };
    xap_doc_t *d = NULL;
    char uterm[40];
    arc_status_t rs = ARC_OK;
    int rc;

    if (!st)
        return ARC_E_DB;
    snprintf(uterm, sizeof uterm, XAPIAN_Q_STORY "%lld", (long long)id);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        rs = delete_doc(s, uterm);
    } else if (rc != SQLITE_ROW) {
        rs = step_error(db, "reading a story for its shard");
    } else if (!(d = Xap_doc_new())) {
        rs = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } else {
        Xap_doc_term(d, XAPIAN_T_STORY, strlen(XAPIAN_T_STORY));
        Xap_doc_term(d, uterm, strlen(uterm));
        Arc_tlv_int(&data, 'i', id);
        Arc_tlv_str(&data, 't', col_text(st, 0));
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            Arc_tlv_int(&data, 'f', sqlite3_column_int64(st, 1));
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            Arc_tlv_int(&data, 'l', sqlite3_column_int64(st, 2));
        Arc_tlv_int(&data, 'c', sqlite3_column_int64(st, 3));
        Arc_tlv_int(&data, 'U', sqlite3_column_int64(st, 4));
        if (data.failed)
            rs = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        else {
            Xap_doc_data(d, data.data, data.len);
            if ((rs = write_doc(s, uterm, d)) == ARC_OK)
                s->tot->stories++;
        }
    }
    Xap_doc_free(d);
    Arc_buf_free(&data);
    sqlite3_finalize(st);
    return rs;
}

/* Write the document of entity id, or delete it when the entity is gone
 * or was merged into another (whose document then names it, "XM"). */
static arc_status_t
put_entity(syncer_t *s, int64_t id)
{
    arc_db_t *db = s->db;
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT e.kind, e.name FROM entity e WHERE e.id = ?1"
        " AND NOT EXISTS (SELECT 1 FROM entity_redirect r WHERE r.from_id = e.id)");
    sqlite3_stmt *al = Arc_db_prepare(db,
        "SELECT kind, alias FROM entity_alias WHERE entity_id = ?1 ORDER BY alias");
    sqlite3_stmt *mg = Arc_db_prepare(db,
        "SELECT from_id FROM entity_redirect WHERE to_id = ?1");
    arc_buf_t data = { NULL, 0, 0, 0 };
    xap_doc_t *d = NULL;
    char uterm[40], pfx[16];
    arc_status_t rs = ARC_OK;
    int rc, kind;

    if (!st || !al || !mg) {
        rs = ARC_E_DB;
        goto done;
    }
    snprintf(uterm, sizeof uterm, XAPIAN_Q_ENTITY "%lld", (long long)id);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        rs = delete_doc(s, uterm);
        goto done;
    }
    if (rc != SQLITE_ROW) {
        rs = step_error(db, "reading an entity for its shard");
        goto done;
    }
    if (!(d = Xap_doc_new())) {
        rs = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    kind = sqlite3_column_int(st, 0);
    Xap_doc_term(d, XAPIAN_T_ENTITY, strlen(XAPIAN_T_ENTITY));
    Xap_doc_term(d, uterm, strlen(uterm));
    snprintf(pfx, sizeof pfx, "XK%d", kind);
    Xap_doc_term(d, pfx, strlen(pfx));
    snprintf(pfx, sizeof pfx, "XN%d:", kind);
    if (col_text(st, 1))
        add_term(d, pfx, col_text(st, 1), strlen(col_text(st, 1)), 1);
    Arc_tlv_int(&data, 'i', id);
    Arc_tlv_int(&data, 'k', kind);
    Arc_tlv_str(&data, 'n', col_text(st, 1));
    sqlite3_bind_int64(al, 1, id);
    while ((rc = sqlite3_step(al)) == SQLITE_ROW) {
        const char *a = col_text(al, 1);
        if (!a)
            continue;
        snprintf(pfx, sizeof pfx, "XN%d:", sqlite3_column_int(al, 0));
        add_term(d, pfx, a, strlen(a), 1);
        Arc_tlv_str(&data, 'a', a);
    }
    if (rc != SQLITE_DONE) {
        rs = step_error(db, "reading an entity's aliases");
        goto done;
    }
    sqlite3_bind_int64(mg, 1, id);
    while ((rc = sqlite3_step(mg)) == SQLITE_ROW)
        add_term_int(d, "XM", sqlite3_column_int64(mg, 0));
    if (rc != SQLITE_DONE) {
        rs = step_error(db, "reading an entity's merges");
        goto done;
    }
    if (data.failed) {
        rs = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    Xap_doc_data(d, data.data, data.len);
    if ((rs = write_doc(s, uterm, d)) == ARC_OK)
        s->tot->entities++;
done:
    Xap_doc_free(d);
    Arc_buf_free(&data);
    sqlite3_finalize(st);
    sqlite3_finalize(al);
    sqlite3_finalize(mg);
    return rs;
}

/* ---- one shard ---- */

/* *out = a malloc'd printf-style message (NULL out of memory). */
static void
set_msg(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_msg(char **out, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(*out);
    *out = strdup(buf);
}

/* Commit when a batch is full; report progress. */
static arc_status_t
tick(syncer_t *s)
{
    arc_status_t st;

    s->done++;
    if (s->pending >= COMMIT_EVERY) {
        if ((st = Xap_wdb_commit(s->w)))
            return st;
        s->pending = 0;
    }
    if (s->progress && s->done % PROGRESS_EVERY == 0)
        s->progress(s->ud, s->spec->name, s->done, s->total);
    return ARC_OK;
}

static int64_t
count_of(arc_db_t *db, const char *sql, int64_t a, int64_t b, int64_t c, int64_t d)
{
    sqlite3_stmt *st = Arc_db_prepare(db, sql);
    int64_t n = 0;

    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    sqlite3_bind_int64(st, 3, c);
    sqlite3_bind_int64(st, 4, d);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Send stories or entities (kind 1 or 2): all of this shard's, or those
 * logged in (last, head]. */
static arc_status_t
sync_others(syncer_t *s, int kind, int full, int64_t last, int64_t head)
{
    sqlite3_stmt *st;
    arc_status_t rs = ARC_OK, xs;
    int rc;

    st = Arc_db_prepare(s->db, full
        ? (kind == 1 ? "SELECT id FROM story WHERE id % ?1 = ?2"
                     : "SELECT id FROM entity WHERE id % ?1 = ?2")
        : "SELECT DISTINCT id FROM change_log WHERE kind = ?3 AND seq > ?4 AND seq <= ?5"
          " AND id % ?1 = ?2");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, (int64_t)s->n);
    sqlite3_bind_int64(st, 2, (int64_t)s->k);
    if (!full) {
        sqlite3_bind_int(st, 3, kind);
        sqlite3_bind_int64(st, 4, last);
        sqlite3_bind_int64(st, 5, head);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        xs = kind == 1 ? put_story(s, id) : put_entity(s, id);
        if (!xs)
            xs = tick(s);
        if (xs) {
            rs = xs;
            break;
        }
    }
    if (!rs && rc != SQLITE_DONE)
        rs = step_error(s->db, "reading the change log");
    sqlite3_finalize(st);
    return rs;
}

/* Send this shard's articles: all, or those logged in (last, head]. */
static arc_status_t
sync_articles(syncer_t *s, int full, int64_t last, int64_t head)
{
    sqlite3_stmt *st;
    arc_status_t rs = ARC_OK, xs;
    int rc;

    st = Arc_db_prepare(s->db, full
        ? "SELECT id, 0, 1, published, first_seen FROM article"
        : "SELECT c.id, max(c.prev IS NOT NULL AND c.prev % ?1 = ?2), a.id IS NOT NULL,"
          " a.published, a.first_seen FROM change_log c LEFT JOIN article a ON a.id = c.id"
          " WHERE c.kind = 0 AND c.seq > ?3 AND c.seq <= ?4 GROUP BY c.id");
    if (!st)
        return ARC_E_DB;
    if (!full) {
        sqlite3_bind_int64(st, 1, (int64_t)s->n);
        sqlite3_bind_int64(st, 2, (int64_t)s->k);
        sqlite3_bind_int64(st, 3, last);
        sqlite3_bind_int64(st, 4, head);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int was_here = sqlite3_column_int(st, 1), alive = sqlite3_column_int(st, 2);
        int64_t t = sqlite3_column_type(st, 3) != SQLITE_NULL ? sqlite3_column_int64(st, 3)
                                                              : sqlite3_column_int64(st, 4);
        int64_t m = Arc_month_index(t) % (int64_t)s->n;
        if (m < 0)
            m += (int64_t)s->n;
        xs = ARC_OK;
        if (alive && (size_t)m == s->k) {
            xs = put_article(s, id);
        } else if (was_here) {
            char uterm[40];
            snprintf(uterm, sizeof uterm, XAPIAN_Q_ARTICLE "%lld", (long long)id);
            xs = delete_doc(s, uterm);
        }
        if (!xs)
            xs = tick(s);
        if (xs) {
            rs = xs;
            break;
        }
    }
    if (!rs && rc != SQLITE_DONE)
        rs = step_error(s->db, "reading the change log");
    sqlite3_finalize(st);
    return rs;
}

/* Bring one shard to head. On failure ss->status/message say why. */
static void
sync_one(syncer_t *s, int flags, int64_t head)
{
    arc_shard_status_t *ss = s->ss;
    const arc_shard_spec_t *spec = s->spec;
    char *msg = NULL, *seq = NULL, *layout = NULL, want[64], num[32];
    int64_t last = 0;
    int full, rebuild = (flags & ARC_SHARDS_REBUILD) != 0;
    arc_status_t st;

    snprintf(want, sizeof want, "%zu/%zu", s->k, s->n);
    ss->from_seq = ss->to_seq = -1;   /* unknown until the shard is read */
    st = Xap_wdb_open(spec, rebuild && spec->path, &s->w, &msg);
    if (st) {
        ss->status = st;
        set_msg(&ss->message, "shard %s: %s", spec->name,
                     msg ? msg : arc_status_string(st));
        free(msg);
        return;
    }
    if ((st = Xap_wdb_meta_get(s->w, XAPIAN_META_SEQ, &seq))
        || (st = Xap_wdb_meta_get(s->w, XAPIAN_META_LAYOUT, &layout)))
        goto xfail;
    last = *seq ? strtoll(seq, NULL, 10) : 0;
    ss->from_seq = ss->to_seq = last;
    if (*layout && strcmp(layout, want) != 0 && !rebuild) {
        ss->status = ARC_E_BAD_ARG;
        set_msg(&ss->message, "shard %s holds part %s of a different stub layout (now"
                     " %s); sync it again with a rebuild", spec->name, layout, want);
        goto out;
    }
    if (rebuild && spec->host && (st = Xap_wdb_clear(s->w)))
        goto xfail;
    /* mark the shard ours before its first batch is committed */
    if ((st = Xap_wdb_meta_set(s->w, XAPIAN_META_LAYOUT, want)))
        goto xfail;
    full = rebuild || last <= 0 || !*layout;
    if (rebuild && (st = Xap_wdb_meta_set(s->w, XAPIAN_META_SEQ, "0")))
        goto xfail;
    if (full)
        s->total = count_of(s->db, "SELECT (SELECT count(*) FROM article)"
                            " + (SELECT count(*) FROM story WHERE id % ?1 = ?2)"
                            " + (SELECT count(*) FROM entity WHERE id % ?1 = ?2) + 0 * ?3 * ?4",
                            (int64_t)s->n, (int64_t)s->k, 0, 0);
    else
        s->total = count_of(s->db, "SELECT count(DISTINCT kind || ':' || id) FROM change_log"
                            " WHERE seq > ?1 AND seq <= ?2 AND kind < 9 + 0 * ?3 * ?4",
                            last, head, 0, 0);
    if ((st = sync_articles(s, full, last, head)) || (st = sync_others(s, 1, full, last, head))
        || (st = sync_others(s, 2, full, last, head)))
        goto fail;
    snprintf(num, sizeof num, "%lld", (long long)head);
    if ((st = Xap_wdb_meta_set(s->w, XAPIAN_META_SEQ, num))
        || (st = Xap_wdb_meta_set(s->w, XAPIAN_META_LAYOUT, want))
        || (st = Xap_wdb_commit(s->w)))
        goto xfail;
    ss->to_seq = head;
    ss->status = ARC_OK;
    if (s->progress)
        s->progress(s->ud, spec->name, s->done, s->total);
    goto out;
fail:
    /* an archive-side failure has its message on db; a shard one on w */
    if (st == ARC_E_NET || st == ARC_E_IO || st == ARC_E_BUSY)
        goto xfail;
    ss->status = st;
    set_msg(&ss->message, "shard %s: %s", spec->name, arc_db_errmsg(s->db));
    goto out;
xfail:
    ss->status = st;
    set_msg(&ss->message, "shard %s: %s", spec->name, Xap_wdb_errmsg(s->w));
out:
    free(seq);
    free(layout);
    Xap_wdb_close(s->w);
    s->w = NULL;
}

/* The seq every shard is brought to: the newest row when it is already a
 * barrier, else a new barrier row. */
static arc_status_t
barrier(arc_db_t *db, int64_t *head)
{
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT seq, kind FROM change_log ORDER BY seq DESC LIMIT 1");
    int rc;

    if (!st)
        return ARC_E_DB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int(st, 1) == 9) {
        *head = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return ARC_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "reading the change log");
    if (sqlite3_exec(db->sql, "INSERT INTO change_log(kind, id) VALUES (9, 0)", NULL, NULL,
                     NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "marking the change log");
    *head = sqlite3_last_insert_rowid(db->sql);
    return ARC_OK;
}

/* ---- the shards in parallel ---- */

#define MAX_WORKERS 4          /* shards synced at once */

/* What the workers share. Each shard is synced by one worker on its own
 * read-only connection to the archive (the barrier makes every snapshot
 * taken after it good enough: a change it misses has a later seq). */
typedef struct pool {
    const char *dir;
    const arc_shard_spec_t *specs;
    size_t n, next;
    int flags;
    int64_t head;
    arc_shard_sync_report_t *rep;
    arc_shard_progress_fn progress;
    void *ud;
    pthread_mutex_t mu;
} pool_t;

/* The caller's progress callback, one call at a time. */
static void
locked_progress(void *p, const char *shard, int64_t done, int64_t total)
{
    pool_t *pl = p;
    pthread_mutex_lock(&pl->mu);
    pl->progress(pl->ud, shard, done, total);
    pthread_mutex_unlock(&pl->mu);
}

static void *
worker(void *p)
{
    pool_t *pl = p;

    for (;;) {
        arc_shard_sync_report_t tot;
        arc_shard_status_t *ss;
        arc_db_t *rdb = NULL;
        arc_tok_t *tok = NULL;
        char *err = NULL;
        size_t i;
        syncer_t s;

        pthread_mutex_lock(&pl->mu);
        i = pl->next < pl->n ? pl->next++ : pl->n;
        pthread_mutex_unlock(&pl->mu);
        if (i >= pl->n)
            return NULL;
        ss = &pl->rep->shards[i];
        memset(&tot, 0, sizeof tot);
        if (arc_db_open(pl->dir, ARC_OPEN_READONLY, &rdb, &err) != ARC_OK) {
            ss->status = ARC_E_IO;
            set_msg(&ss->message, "shard %s: cannot read the archive: %s", pl->specs[i].name,
                    err ? err : "?");
            arc_free(err);
            continue;
        }
        if (Arc_tok_open(&tok)) {
            ss->status = ARC_E_DB;
            set_msg(&ss->message, "shard %s: SQLite's FTS5 tokenizer is not available",
                    pl->specs[i].name);
            arc_db_close(rdb);
            continue;
        }
        memset(&s, 0, sizeof s);
        s.db = rdb;
        s.tok = tok;
        s.spec = &pl->specs[i];
        s.k = i;
        s.n = pl->n;
        s.ss = ss;
        s.tot = &tot;
        s.progress = pl->progress ? locked_progress : NULL;
        s.ud = pl;
        /* one snapshot for the whole shard */
        sqlite3_exec(rdb->sql, "BEGIN", NULL, NULL, NULL);
        sync_one(&s, pl->flags, pl->head);
        sqlite3_exec(rdb->sql, "COMMIT", NULL, NULL, NULL);
        Arc_buf_free(&s.scratch);
        Arc_tok_close(tok);
        arc_db_close(rdb);
        pthread_mutex_lock(&pl->mu);
        pl->rep->articles += tot.articles;
        pl->rep->events += tot.events;
        pl->rep->stories += tot.stories;
        pl->rep->entities += tot.entities;
        pl->rep->deleted += tot.deleted;
        pthread_mutex_unlock(&pl->mu);
    }
}

/* Contract in newsarc.h. */
arc_status_t
arc_shards_sync(arc_db_t *db, const char *stub, int flags, arc_shard_progress_fn progress,
                void *ud, arc_shard_sync_report_t *rep)
{
    arc_shard_sync_report_t local;
    arc_shard_sync_report_t *r = rep ? rep : &local;
    arc_shard_spec_t *specs = NULL;
    size_t n = 0, nw, started = 0;
    char msg[1024];
    int64_t head = 0;
    arc_status_t st;
    const char *first_fail = NULL;
    pthread_t th[MAX_WORKERS];
    pool_t pl;

    memset(r, 0, sizeof *r);
    if (!db)
        return ARC_E_BAD_ARG;
    ARC_NO_SHARDS(db);
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "syncing shards needs the archive opened read-write");
    if (db->in_txn)
        return Arc_db_error(db, ARC_E_BAD_ARG, "syncing shards inside a transaction");
    msg[0] = '\0';
    if ((st = Arc_shard_specs_read(stub, &specs, &n, msg, sizeof msg)))
        return Arc_db_error(db, st, "%s", msg);
    if (!(r->shards = calloc(n, sizeof *r->shards))) {
        Arc_shard_specs_free(specs, n);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    r->n_shards = n;
    for (size_t i = 0; i < n; i++)
        if (!(r->shards[i].name = strdup(specs[i].name))) {
            st = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            goto done;
        }
    if ((st = barrier(db, &head)))
        goto done;
    r->head_seq = head;

    memset(&pl, 0, sizeof pl);
    pl.dir = db->dir;
    pl.specs = specs;
    pl.n = n;
    pl.flags = flags;
    pl.head = head;
    pl.rep = r;
    pl.progress = progress;
    pl.ud = ud;
    pthread_mutex_init(&pl.mu, NULL);
    nw = n < MAX_WORKERS ? n : MAX_WORKERS;
    for (size_t i = 0; i < nw; i++)
        if (pthread_create(&th[started], NULL, worker, &pl) == 0)
            started++;
    if (!started)
        worker(&pl);           /* no thread: do it here */
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&pl.mu);

    for (size_t i = 0; i < n; i++)
        if (r->shards[i].status) {
            r->n_failed++;
            if (!first_fail)
                first_fail = r->shards[i].message;
        }
    if (r->n_failed)
        st = Arc_db_error(db, ARC_E_NET, "%zu of %zu shards failed to sync; %s", r->n_failed, n,
                          first_fail ? first_fail : "");
done:
    Arc_shard_specs_free(specs, n);
    if (!rep)
        arc_shard_sync_report_clear(&local);
    return st;
}
