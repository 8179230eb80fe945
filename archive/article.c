/*
 * article.c - storing and reading articles: deduplication by canonical URL,
 * GUID within a source and content hash; version history on change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive-private.h"

/* Bodies shorter than this are not trusted to identify an article by their
 * content alone (a feed item with only a title, "Live updates", ...). */
#define HASH_MIN_BODY 200

static int64_t
now_utc(void)
{
    return (int64_t)time(NULL);
}

static int
empty(const char *s)
{
    return !s || !*s;
}

/* Host part of a canonical http(s) URL, copied into buf. */
static const char *
url_host(const char *canon, char *buf, size_t n)
{
    const char *h = strstr(canon, "://");
    size_t i = 0;

    if (!h)
        return NULL;
    h += 3;
    while (h[i] && h[i] != '/' && h[i] != ':' && i + 1 < n) {
        buf[i] = h[i];
        i++;
    }
    buf[i] = '\0';
    if (strncmp(buf, "www.", 4) == 0)
        memmove(buf, buf + 4, i - 3);
    return buf;
}

/* Find or create the source; sets *id. */
static arc_status_t
source_id(arc_db_t *db, const char *name, const char *site, int64_t *id)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_SOURCE_FIND,
                                     "SELECT id FROM source WHERE name = ?1");
    int rc;

    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return ARC_OK;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "looking up a source");
    st = Arc_db_cached(db, ARC_ST_SOURCE_ADD,
                       "INSERT INTO source(name, site, added) VALUES (?1, ?2, ?3)");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, name);
    Arc_bind_text(st, 2, site);
    sqlite3_bind_int64(st, 3, now_utc());
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "adding a source");
    *id = sqlite3_last_insert_rowid(db->sql);
    return ARC_OK;
}

/* Run a one-column lookup; *id = 0 when no row. */
static arc_status_t
lookup_id(arc_db_t *db, sqlite3_stmt *st, int64_t *id)
{
    int rc = sqlite3_step(st);

    *id = 0;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "looking up an article");
    return ARC_OK;
}

static arc_status_t
find_existing(arc_db_t *db, const char *canon, const char *orig, int64_t src,
              const char *guid, const char *hash, int64_t *id)
{
    sqlite3_stmt *st;
    arc_status_t s;

    /* an article's own (canonical) URL is in article.url only; article_url
     * holds its other URLs (and, in archives before schema 13, that one) */
    st = Arc_db_cached(db, ARC_ST_URL_OWN, "SELECT id FROM article WHERE url = ?1");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, canon);
    if ((s = lookup_id(db, st, id)) || *id)
        return s;
    st = Arc_db_cached(db, ARC_ST_URL_LOOKUP,
                       "SELECT article_id FROM article_url WHERE url = ?1");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, canon);
    if ((s = lookup_id(db, st, id)) || *id)
        return s;
    if (orig && strcmp(orig, canon) != 0) {
        st = Arc_db_cached(db, ARC_ST_URL_LOOKUP,
                           "SELECT article_id FROM article_url WHERE url = ?1");
        Arc_bind_text(st, 1, orig);
        if ((s = lookup_id(db, st, id)) || *id)
            return s;
    }
    if (!empty(guid)) {
        st = Arc_db_cached(db, ARC_ST_GUID_LOOKUP,
                           "SELECT id FROM article WHERE source_id = ?1 AND guid = ?2");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int64(st, 1, src);
        Arc_bind_text(st, 2, guid);
        if ((s = lookup_id(db, st, id)) || *id)
            return s;
    }
    if (hash) {
        st = Arc_db_cached(db, ARC_ST_HASH_LOOKUP,
                           "SELECT id FROM article WHERE content_hash = ?1 ORDER BY id LIMIT 1");
        if (!st)
            return ARC_E_DB;
        Arc_bind_text(st, 1, hash);
        if ((s = lookup_id(db, st, id)) || *id)
            return s;
    }
    return ARC_OK;
}

/* Record another URL of article id (none when it is the article's own). */
static arc_status_t
add_url(arc_db_t *db, const char *url, int64_t id)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_URL_INS,
        "INSERT OR IGNORE INTO article_url(url, article_id) SELECT ?1, ?2"
        " WHERE NOT EXISTS (SELECT 1 FROM article WHERE id = ?2 AND url = ?1)");
    int rc;

    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, url);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "recording a URL");
}

static int
differs(const char *stored, const char *given)
{
    if (empty(given))
        return 0; /* an empty field never erases stored text */
    return !stored || strcmp(stored, given) != 0;
}

/* The existing article changed: keep its current text as a version, then
 * update. Returns ARC_OK and sets *changed. */
static arc_status_t
update_existing(arc_db_t *db, int64_t id, const arc_article_t *a,
                const char *hash, arc_body_packed_t *body, int *changed)
{
    /* column 2 the plain body to compare (not decoded when the stored
     * one is the given compressed body ?2, i.e. the text ?3), 6 the stored
     * one to keep */
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_ARTICLE_OLD,
        "SELECT title, summary, CASE WHEN body = ?2 THEN ?3 ELSE arc_body(body, id) END,"
        " content_hash, capture, version, body FROM article WHERE id = ?1");
    sqlite3_stmt *ins, *upd;
    int rc;

    *changed = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    if (body->blob) {   /* the caller's, checked against the text */
        sqlite3_bind_blob(st, 2, body->blob, (int)body->blob_len, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, body->text, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, 2);
        sqlite3_bind_null(st, 3);
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return Arc_db_sqlerr(db, "reading an article");
    }
    if (!differs((const char *)sqlite3_column_text(st, 0), a->title) &&
        !differs((const char *)sqlite3_column_text(st, 1), a->summary) &&
        !differs((const char *)sqlite3_column_text(st, 2), a->body)) {
        sqlite3_reset(st);
        return ARC_OK;
    }
    /* a text stored before and replaced since, compared on the fields the
     * incoming copy carries: an older copy seen again (two feeds carrying
     * different forms of one item, or a rebuild replaying captures in
     * order) is not a new version */
    {
        sqlite3_stmt *seen = Arc_db_cached(db, ARC_ST_VERSION_SEEN,
            "SELECT 1 FROM article_version WHERE article_id = ?1 AND title = ?2"
            " AND (?3 IS NULL OR summary = ?3)"
            " AND (?4 IS NULL OR arc_body(body, article_id) = ?4)");
        int was_seen;
        if (!seen) {
            sqlite3_reset(st);
            return ARC_E_DB;
        }
        sqlite3_bind_int64(seen, 1, id);
        Arc_bind_text(seen, 2, a->title);
        Arc_bind_text(seen, 3, empty(a->summary) ? NULL : a->summary);
        Arc_bind_text(seen, 4, empty(a->body) ? NULL : a->body);
        rc = sqlite3_step(seen);
        was_seen = rc == SQLITE_ROW;
        sqlite3_reset(seen);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            sqlite3_reset(st);
            return Arc_db_sqlerr(db, "reading article versions");
        }
        if (was_seen) {
            sqlite3_reset(st);
            return ARC_OK;
        }
    }
    *changed = 1;
    sqlite3_reset(st);
    /* the update trigger removes the old FTS row: it must exist */
    if (db->ixw) {
        arc_status_t s = Arc_ixw_settle(db);
        if (s)
            return s;
    } else if (db->n_fts_pending) {
        arc_status_t s = arc_article_index_pending(db);
        if (s)
            return s;
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return Arc_db_sqlerr(db, "reading an article");
    }
    ins = Arc_db_cached(db, ARC_ST_VERSION_INS,
        "INSERT OR REPLACE INTO article_version(article_id, version, seen, title, summary,"
        " body, content_hash, capture) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!ins) {
        sqlite3_reset(st);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_int64(ins, 2, sqlite3_column_int64(st, 5));
    sqlite3_bind_int64(ins, 3, now_utc());
    for (int i = 0; i < 5; i++)
        sqlite3_bind_value(ins, 4 + i, sqlite3_column_value(st, i == 2 ? 6 : i));
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "keeping an article version");

    /* compressed (body.c) only now that it is stored */
    {
        arc_status_t ps = Arc_body_pack(db, a->body, a->body_z, a->body_z_len, body);
        if (ps)
            return ps;
    }
    upd = Arc_db_cached(db, ARC_ST_ARTICLE_UPD,
        "UPDATE article SET title = ?2, summary = coalesce(?3, summary),"
        " body = coalesce(?4, body), content_hash = coalesce(?5, content_hash),"
        " capture = coalesce(?6, capture), byline = coalesce(?7, byline),"
        " updated = ?9,"
        " version = version + 1 WHERE id = ?1");
    if (!upd)
        return ARC_E_DB;
    sqlite3_bind_int64(upd, 1, id);
    Arc_bind_text(upd, 2, a->title);
    Arc_bind_text(upd, 3, empty(a->summary) ? NULL : a->summary);
    Arc_body_bind(upd, 4, body);
    Arc_bind_text(upd, 5, hash);
    Arc_bind_text(upd, 6, a->capture);
    Arc_bind_text(upd, 7, empty(a->byline) ? NULL : a->byline);
    /* published is never changed: the id encodes its day (ids.c) */
    sqlite3_bind_int64(upd, 9, now_utc());
    rc = sqlite3_step(upd);
    sqlite3_reset(upd);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "updating an article");
}

/*
 * Full-text rows of new articles (schema v4: no insert trigger). Written at
 * once by default; in a bulk import (arc_article_defer_index) the ids wait
 * in db->fts_pending and arc_article_index_pending() writes them sorted,
 * one single-row INSERT each, so FTS5 keeps one growing pending list for
 * the whole batch instead of flushing a tiny segment per article.
 */
static arc_status_t
fts_insert(arc_db_t *db, int64_t id, sqlite3_stmt *text, const arc_article_t *a)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_FTS_INS,
        "INSERT INTO article_fts(rowid, title, summary, body) VALUES (?1, ?2, ?3, ?4)");
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    if (text) {
        for (int i = 0; i < 3; i++)
            sqlite3_bind_value(st, 2 + i, sqlite3_column_value(text, i));
    } else {
        Arc_bind_text(st, 2, a->title);
        Arc_bind_text(st, 3, empty(a->summary) ? NULL : a->summary);
        Arc_bind_text(st, 4, empty(a->body) ? NULL : a->body);
    }
    rc = sqlite3_step(st);
    sqlite3_clear_bindings(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "indexing an article");
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* FTS5 keeps up to this many bytes of pending terms in memory before it
 * writes a segment (its default is 1 MB, a few dozen articles): with one
 * segment per import batch instead, far fewer small segments are written
 * and merged again (bare FTS5 insert of 20,000 articles: 6.8 -> 4.8 s CPU). */
#define FTS_HASHSIZE (16 * 1024 * 1024)
/* FTS5 merges segments of one size once this many have gathered (its
 * default is 4). Each merge rewrites the merged segments, so the index is
 * rewritten log_automerge(n) times over n articles; with 8 it is rewritten
 * about a third fewer times. Bare FTS5 insert of 100,000 generated
 * articles with a 16 MB hashsize: 17.1 s CPU with 4, 13.6 with 8, 12.5
 * with 16. A search reads every segment a word is in: at most 7 a level
 * over two thirds as many levels, about 1.5 times as many as with 4. */
#define FTS_AUTOMERGE 8

/* Persistent FTS5 settings an import writes once (checked first). */
static const struct { const char *key; int value; } fts_tuning[] = {
    { "hashsize", FTS_HASHSIZE },
    { "automerge", FTS_AUTOMERGE },
};

/* Contract in archive-private.h. Each setting is checked by a read first,
 * so an import does not wait for the write lock of another writer just
 * for them. */
void
Arc_fts_tune(arc_db_t *db)
{
    for (size_t i = 0; i < sizeof fts_tuning / sizeof fts_tuning[0]; i++) {
        sqlite3_stmt *st = Arc_db_prepare(db, "SELECT 1 FROM article_fts_config"
                                              " WHERE k = ?1 AND v = ?2");
        int set = 0;
        if (st) {
            sqlite3_bind_text(st, 1, fts_tuning[i].key, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, fts_tuning[i].value);
            set = sqlite3_step(st) == SQLITE_ROW;
            sqlite3_finalize(st);
        }
        if (!set && (st = Arc_db_prepare(db, "INSERT INTO article_fts(article_fts, rank)"
                                             " VALUES (?1, ?2)"))) {
            sqlite3_bind_text(st, 1, fts_tuning[i].key, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, fts_tuning[i].value);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
    }
}

/* SQLite's page cache while a bulk import writes (db.c gives every
 * connection 64 MB): the import writes mostly at the ends of its b-trees,
 * and at 1M articles its peak RSS was 322 MB (target: under 300 MB at any
 * size). Importing 80,000 articles: 213.6 -> 181.1 MB peak, CPU 103.5 ->
 * 98.8 s (no loss; BENCHMARKS.md, "Fourth pass"). With the index in its
 * own file (schema 17) these pages are archive.db's only: 24 MB instead
 * of 32 cost nothing (import.c, QUEUE_CAP; BENCHMARKS.md, "Ninth pass").
 * Statement journals in memory: SQLite copies the pages a statement that
 * may write several rows touches (a trigger, an upsert) into a journal
 * of the statement first, a temp file in /var/tmp rewritten from its
 * start by each statement: 1.5 of the writer's 2.1 million pwrite calls
 * at 80,000 articles. In memory (Arc_temp_store, below), the import's
 * system time fell by a quarter (BENCHMARKS.md, "Tenth pass"); each
 * journal holds one statement's pages. */
#define BULK_CACHE "PRAGMA cache_size=-24576"
#define DEFAULT_CACHE "PRAGMA cache_size=-65536"   /* as db.c sets it */

void
arc_article_defer_index(arc_db_t *db, int on)
{
    if (db->xap)
        return;
    db->fts_defer = on != 0;
    sqlite3_exec(db->sql, on ? BULK_CACHE : DEFAULT_CACHE, NULL, NULL, NULL);
    /* statement journals in memory (above); the triggers made again can
     * fail only without memory, the error then stays on db */
    (void)Arc_temp_store(db, on);
    /* persistent FTS5 settings, each written once (only tunings, so a
     * failure, read-only or busy, is ignored) */
    if (on && !db->readonly)
        Arc_fts_tune(db);
    /* the index written by a thread of its own (index_file.c); if it
     * cannot start, this connection indexes each batch before its commit */
    if (on && !db->readonly && !db->ixw && !db->in_txn)
        (void)Arc_ixw_start(db);
    else if (!on && db->ixw) {
        if (db->in_txn)
            (void)Arc_ixw_settle(db);
        (void)Arc_ixw_stop(db);
    }
    /* archive.db's log copied back by a thread of its own (checkpoint.c);
     * if it cannot start, this connection checkpoints as SQLite does */
    if (on && !db->readonly)
        (void)Arc_ckpt_start(db);
    else if (!on)
        Arc_ckpt_stop(db);
}

arc_status_t
arc_article_index_pending(arc_db_t *db)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *text;
    arc_status_t s = ARC_OK;
    int n = db->n_fts_pending, rc;

    if (db->ixw)
        return Arc_ixw_seal(db);
    if (n == 0)
        return ARC_OK;
    /* the plain body kept at put time when the row still holds that
     * body (?2 its compressed form, ?3 its text), else decoded */
    text = Arc_db_cached(db, ARC_ST_FTS_TEXT,
                         "SELECT title, summary, CASE WHEN body = ?2 THEN ?3"
                         " ELSE arc_body(body, id) END FROM article WHERE id = ?1");
    if (!text)
        return ARC_E_DB;
    qsort(db->fts_pending, (size_t)n, sizeof db->fts_pending[0], cmp_id);
    for (int i = 0; i < n && !s; i++) {
        /* an id twice: rolled back, then given to a later article */
        if (i > 0 && db->fts_pending[i] == db->fts_pending[i - 1])
            continue;
        sqlite3_bind_int64(text, 1, db->fts_pending[i]);
        {
            const void *kb = NULL;
            const char *kt = NULL;
            size_t kn = 0;
            if (Arc_body_kept_find(db, db->fts_pending[i], &kb, &kn, &kt)) {
                sqlite3_bind_blob(text, 2, kb, (int)kn, SQLITE_STATIC);
                sqlite3_bind_text(text, 3, kt, -1, SQLITE_STATIC);
            } else {
                sqlite3_bind_null(text, 2);
                sqlite3_bind_null(text, 3);
            }
        }
        rc = sqlite3_step(text);
        if (rc == SQLITE_ROW)
            s = fts_insert(db, db->fts_pending[i], text, NULL);
        else if (rc != SQLITE_DONE) /* DONE: rolled back, nothing to index */
            s = Arc_db_sqlerr(db, "reading an article to index");
        sqlite3_reset(text);
    }
    if (!s) {
        db->n_fts_pending = 0;
        Arc_body_kept_clear(db);
    }
    return s;
}

/* Index a just-inserted article now or (bulk import, inside a transaction)
 * at arc_article_index_pending(). */
static arc_status_t
fts_new(arc_db_t *db, int64_t id, const arc_article_t *a, const arc_body_packed_t *body)
{
    arc_status_t s;

    if (!db->fts_defer || sqlite3_get_autocommit(db->sql))
        return fts_insert(db, id, NULL, a);
    if (db->ixw) {
        Arc_body_keep_last(db, id, body);
        return Arc_ixw_add(db, id, a, body);
    }
    if (db->n_fts_pending == ARC_FTS_PENDING_MAX &&
        (s = arc_article_index_pending(db)))
        return s;
    db->fts_pending[db->n_fts_pending++] = id;
    Arc_body_keep(db, id, body);
    return ARC_OK;
}

/*
 * A new article's id: its day in the high bits (ids.c), and within the day
 * second_of_day * SLOTS_PER_SECOND, so that id order is publication-time
 * order and "newest first" is a walk down the rowids. Articles of the same
 * second take the next free slots; if a minute's slots are all taken the
 * article goes after the day's last id (order within that day is then
 * approximate, never wrong across days).
 */
#define SLOTS_PER_SECOND 48   /* 86400 * 48 < 2^22 */
#define SLOT_WINDOW (SLOTS_PER_SECOND * 60)

static arc_status_t
max_id_between(arc_db_t *db, int64_t lo, int64_t hi, int64_t *max)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_MAX_ID,
        "SELECT max(id) FROM article WHERE id BETWEEN ?1 AND ?2");
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return Arc_db_sqlerr(db, "allocating an article id");
    }
    *max = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return ARC_OK;
}

static arc_status_t
next_id(arc_db_t *db, int64_t t, int64_t *id)
{
    int64_t day = Arc_id_first_of_time(t);
    int64_t end = day + ((int64_t)1 << ARC_ID_SEQ_BITS) - 1;
    int64_t sec = t - (t >= 0 ? t / 86400 : -((-t + 86399) / 86400)) * 86400;
    int64_t target = day + 1 + sec * SLOTS_PER_SECOND;
    int64_t max;
    arc_status_t s;

    if (target > end)
        target = end;
    if ((s = max_id_between(db, target, target + SLOT_WINDOW - 1, &max)))
        return s;
    if (!max) {
        *id = target;
        return ARC_OK;
    }
    if (max + 1 < target + SLOT_WINDOW && max + 1 <= end) {
        *id = max + 1;
        return ARC_OK;
    }
    if ((s = max_id_between(db, day, end, &max)))
        return s;
    *id = max + 1;
    if (*id > end)
        return Arc_db_error(db, ARC_E_INTERNAL,
                            "more than %lld articles on one day",
                            (long long)(end - day));
    return ARC_OK;
}

/*
 * What the insert triggers wrote before schema v14 (see schema.c): the
 * change-log row of new article id (unless the newest row names that id
 * already: the delete of an earlier article with the same id, which
 * makes shards look at it again all the same) and, when the phrase lists
 * already cover its id (a late import), its phrase_pair_stale row. Each
 * is a one-row INSERT ... VALUES, so no statement journal.
 */
static arc_status_t
logged_new(arc_db_t *db, int64_t id)
{
    sqlite3_stmt *st;
    int rc, covered = 0;
    arc_status_t s;

    if ((s = Arc_change_log_article(db, id)))
        return s;
    if (!(st = Arc_db_cached(db, ARC_ST_PP_COVERS,
                             "SELECT ?1 <= upto FROM phrase_pair_meta WHERE id = 1")))
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        covered = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "reading the phrase lists' extent");
    if (!covered)
        return ARC_OK;
    if (!(st = Arc_db_cached(db, ARC_ST_PP_STALE,
                             "INSERT OR IGNORE INTO phrase_pair_stale(id) VALUES (?1)")))
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "marking an article for the phrase lists");
}

arc_status_t
arc_article_put(arc_db_t *db, const arc_article_t *a, int64_t *id_out,
                arc_put_result_t *res)
{
    ARC_NO_SHARDS(db);
    char *canon = NULL;
    char host[256];
    char hash_buf[33];
    const char *hash = NULL, *name, *site;
    int64_t src = 0, id = 0, t, seen;
    arc_status_t s;
    sqlite3_stmt *st;
    int rc, changed;
    arc_body_packed_t body = { NULL, NULL, 0, NULL };

    if (id_out)
        *id_out = 0;
    if (res)
        *res = ARC_PUT_DUPLICATE;
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (empty(a->url))
        return Arc_db_error(db, ARC_E_BAD_ARG, "article has no URL");
    if (empty(a->title))
        return Arc_db_error(db, ARC_E_BAD_ARG, "article has no title");
    s = arc_url_canonicalize(a->url, &canon);
    if (s == ARC_E_NOMEM)
        return Arc_db_error(db, s, "out of memory");
    if (s)
        return Arc_db_error(db, ARC_E_BAD_ARG, "not an absolute http(s) URL: %.200s", a->url);

    site = !empty(a->source_site) ? a->source_site : url_host(canon, host, sizeof host);
    name = !empty(a->source) ? a->source : site;
    if ((s = source_id(db, name, site, &src)))
        goto done;
    if (!empty(a->body) && strlen(a->body) >= HASH_MIN_BODY) {
        if (a->body_hash && strlen(a->body_hash) == 32)
            hash = a->body_hash;    /* computed by the caller */
        else {
            Arc_hash_text(a->title, a->body, hash_buf);
            hash = hash_buf;
        }
    }
    /* a precompressed body is checked against the text at once (cheap);
     * otherwise the body is compressed only when it is stored */
    if (a->body_z && (s = Arc_body_pack(db, a->body, a->body_z, a->body_z_len, &body)))
        goto done;
    if ((s = find_existing(db, canon, a->url, src, a->guid, hash, &id)))
        goto done;

    if (id) {
        if ((s = update_existing(db, id, a, hash, &body, &changed)))
            goto done;
        if ((s = add_url(db, canon, id)))
            goto done;
        if (res)
            *res = changed ? ARC_PUT_UPDATED : ARC_PUT_DUPLICATE;
        goto done;
    }

    seen = a->first_seen > 0 ? a->first_seen : now_utc();
    t = a->published != ARC_TIME_NONE ? a->published : seen;
    if ((s = next_id(db, t, &id)))
        goto done;
    /* stored compressed when that pays (body.c), compressed here only if
     * the caller did not; the plain text is what is hashed and indexed */
    if ((s = Arc_body_pack(db, a->body, a->body_z, a->body_z_len, &body)))
        goto done;
    st = Arc_db_cached(db, ARC_ST_ARTICLE_INS,
        "INSERT INTO article(id, url, source_id, guid, title, byline, published,"
        " published_src, first_seen, updated, lang, summary, body, content_hash, capture,"
        " published_raw)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!st) {
        s = ARC_E_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    Arc_bind_text(st, 2, canon);
    sqlite3_bind_int64(st, 3, src);
    Arc_bind_text(st, 4, empty(a->guid) ? NULL : a->guid);
    Arc_bind_text(st, 5, a->title);
    Arc_bind_text(st, 6, empty(a->byline) ? NULL : a->byline);
    if (a->published != ARC_TIME_NONE)
        sqlite3_bind_int64(st, 7, a->published);
    Arc_bind_text(st, 8, a->published != ARC_TIME_NONE
                             ? (a->published_src ? a->published_src : "given")
                             : "first-seen");
    sqlite3_bind_int64(st, 9, seen);
    Arc_bind_text(st, 10, empty(a->lang) ? NULL : a->lang);
    Arc_bind_text(st, 11, empty(a->summary) ? NULL : a->summary);
    Arc_body_bind(st, 12, &body);
    Arc_bind_text(st, 13, hash);
    Arc_bind_text(st, 14, a->capture);
    Arc_bind_text(st, 15, empty(a->published_raw) ? NULL : a->published_raw);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        s = Arc_db_sqlerr(db, "storing an article");
        goto done;
    }
    if ((s = logged_new(db, id)))
        goto done;
    if ((s = fts_new(db, id, a, &body)))
        goto done;
    /* its URL is article.url: article_url only keeps other ones */
    if (res)
        *res = ARC_PUT_NEW;
done:
    if (s == ARC_OK && id_out)
        *id_out = id;
    Arc_body_packed_free(&body);
    free(canon);
    return s;
}

static const char *
col_dup(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? strdup(t) : NULL;
}

arc_status_t
arc_article_get(arc_db_t *db, int64_t id, arc_article_t **out)
{
    if (db->xap)
        return Arc_xap_article_get(db, id, out);
    sqlite3_stmt *st;
    arc_article_t *a;
    int rc;

    *out = NULL;
    st = Arc_db_prepare(db,
        "SELECT a.id, a.url, a.guid, s.name, s.site, a.title, a.byline, a.published,"
        " a.published_src, a.first_seen, a.updated, a.lang, a.summary, arc_body(a.body, a.id),"
        " a.content_hash, a.capture, a.story_id, a.version, a.published_raw"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id WHERE a.id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no article with id %lld", (long long)id);
    }
    if (rc != SQLITE_ROW) {
        arc_status_t s = Arc_db_sqlerr(db, "reading an article");
        sqlite3_finalize(st);
        return s;
    }
    a = calloc(1, sizeof *a);
    if (!a) {
        sqlite3_finalize(st);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    a->id = sqlite3_column_int64(st, 0);
    a->url = col_dup(st, 1);
    a->guid = col_dup(st, 2);
    a->source = col_dup(st, 3);
    a->source_site = col_dup(st, 4);
    a->title = col_dup(st, 5);
    a->byline = col_dup(st, 6);
    a->published = sqlite3_column_type(st, 7) == SQLITE_NULL ? ARC_TIME_NONE
                                                             : sqlite3_column_int64(st, 7);
    a->published_src = col_dup(st, 8);
    a->published_raw = col_dup(st, 18);
    a->first_seen = sqlite3_column_int64(st, 9);
    a->updated = sqlite3_column_int64(st, 10);
    a->lang = col_dup(st, 11);
    a->summary = col_dup(st, 12);
    a->body = col_dup(st, 13);
    a->content_hash = col_dup(st, 14);
    a->capture = col_dup(st, 15);
    a->story = sqlite3_column_int64(st, 16);
    a->version = sqlite3_column_int(st, 17);
    sqlite3_finalize(st);
    *out = a;
    return ARC_OK;
}

void
arc_article_destroy(arc_article_t *a)
{
    if (!a)
        return;
    free((char *)a->url);
    free((char *)a->guid);
    free((char *)a->source);
    free((char *)a->source_site);
    free((char *)a->title);
    free((char *)a->byline);
    free((char *)a->published_src);
    free((char *)a->published_raw);
    free((char *)a->lang);
    free((char *)a->summary);
    free((char *)a->body);
    free((char *)a->content_hash);
    free((char *)a->capture);
    free(a);
}
