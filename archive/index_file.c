/*
 * index_file.c - the full-text index in a database file of its own
 * (schema 17, issue 6; docs/internals/index-file.md).
 *
 * archive.db keeps the records; index.db beside it keeps the FTS5 index
 * of their text, attached to every connection of the archive as "ix", so
 * every statement that names article_fts (unqualified) finds it there.
 * Two files so that an import can write the index on a connection and a
 * thread of its own while the writer stores the next batch: SQLite lets
 * one connection at a time write a file, and FTS5 was about half of the
 * import's writer thread.
 *
 * The index is EXTERNAL-CONTENT still: its content table is the virtual
 * table ix.article_content (module arc_content, below), which reads
 * main.article through the same connection, with bodies decoded by
 * arc_body(). So snippet() and highlight() work as they did with the index
 * in archive.db. FTS5 (3.40) does not scan a virtual content table,
 * though: 'rebuild' is 'delete-all' and an INSERT ... SELECT of the
 * records (ARC_INDEX_FILL), and `check` compares the index's rows with
 * the records itself (arc_db_check) next to FTS5's 'integrity-check' of
 * the index's own structure. Deletes and
 * text updates of articles reach the index through TEMP triggers that
 * every read-write connection creates (a trigger in archive.db may not
 * name a table of another file).
 *
 * Between the two files: a statement or transaction of one connection
 * that writes both commits them one after the other, so a crash between
 * the two commits can leave the index without the last change (`newsindex
 * check` reports it, `newsindex repair` rebuilds). The import's thread
 * writes a batch only after archive.db committed it, and archive.db
 * remembers each such batch until the index has it: main.fts_owed holds
 * the ids of the batch, ix.index_done the batches written. Opening an
 * archive read-write indexes the owed batches the index has not done (a
 * killed import), article by article unless the index has it already.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "archive-private.h"

/* ---- the content table: main.article's text, read through arc_body() ---- */

typedef struct {
    sqlite3_vtab base;
    sqlite3 *db;
} content_vtab_t;

typedef struct {
    sqlite3_vtab_cursor base;
    sqlite3_stmt *st;
    int eof;
} content_cursor_t;

static int
content_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                sqlite3_vtab **out, char **err)
{
    content_vtab_t *v;
    int rc;

    (void)aux, (void)argc, (void)argv, (void)err;
    rc = sqlite3_declare_vtab(db, "CREATE TABLE x(title, summary, body)");
    if (rc != SQLITE_OK)
        return rc;
    if (!(v = sqlite3_malloc(sizeof *v)))
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->db = db;
    *out = &v->base;
    return SQLITE_OK;
}

static int
content_disconnect(sqlite3_vtab *vt)
{
    sqlite3_free(vt);
    return SQLITE_OK;
}

/* idxNum bits: 1 rowid =, 2 rowid > or >=, 4 rowid < or <=; idxStr none.
 * The bounds come as arguments in that order; > and < are made inclusive
 * in content_filter (idxNum bit 8: the lower bound is >, 16: upper is <). */
static int
content_best_index(sqlite3_vtab *vt, sqlite3_index_info *ii)
{
    int eq = -1, lo = -1, hi = -1, bits = 0, arg = 0;

    (void)vt;
    for (int i = 0; i < ii->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &ii->aConstraint[i];
        if (!c->usable || c->iColumn != -1)
            continue;
        if (c->op == SQLITE_INDEX_CONSTRAINT_EQ && eq < 0)
            eq = i;
        else if ((c->op == SQLITE_INDEX_CONSTRAINT_GT || c->op == SQLITE_INDEX_CONSTRAINT_GE) && lo < 0)
            lo = i;
        else if ((c->op == SQLITE_INDEX_CONSTRAINT_LT || c->op == SQLITE_INDEX_CONSTRAINT_LE) && hi < 0)
            hi = i;
    }
    if (eq >= 0) {
        bits = 1;
        ii->aConstraintUsage[eq].argvIndex = ++arg;
        ii->aConstraintUsage[eq].omit = 1;
        ii->estimatedCost = 10;
        ii->estimatedRows = 1;
        ii->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
    } else {
        double cost = 1e7;
        if (lo >= 0) {
            bits |= 2 | (ii->aConstraint[lo].op == SQLITE_INDEX_CONSTRAINT_GT ? 8 : 0);
            ii->aConstraintUsage[lo].argvIndex = ++arg;
            ii->aConstraintUsage[lo].omit = 1;
            cost /= 4;
        }
        if (hi >= 0) {
            bits |= 4 | (ii->aConstraint[hi].op == SQLITE_INDEX_CONSTRAINT_LT ? 16 : 0);
            ii->aConstraintUsage[hi].argvIndex = ++arg;
            ii->aConstraintUsage[hi].omit = 1;
            cost /= 4;
        }
        ii->estimatedCost = cost;
    }
    /* rows come in rowid order */
    if (ii->nOrderBy == 1 && ii->aOrderBy[0].iColumn == -1 && !ii->aOrderBy[0].desc)
        ii->orderByConsumed = 1;
    ii->idxNum = bits;
    return SQLITE_OK;
}

static int
content_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    content_cursor_t *c = sqlite3_malloc(sizeof *c);

    (void)vt;
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static int
content_close(sqlite3_vtab_cursor *cur)
{
    content_cursor_t *c = (content_cursor_t *)cur;

    sqlite3_finalize(c->st);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int
content_step(content_cursor_t *c)
{
    int rc = sqlite3_step(c->st);

    if (rc == SQLITE_ROW) {
        c->eof = 0;
        return SQLITE_OK;
    }
    c->eof = 1;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
content_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
               sqlite3_value **argv)
{
    content_cursor_t *c = (content_cursor_t *)cur;
    content_vtab_t *v = (content_vtab_t *)cur->pVtab;
    sqlite3_int64 lo = INT64_MIN, hi = INT64_MAX;
    int arg = 0, rc;

    (void)idx_str;
    if (!c->st) {
        rc = sqlite3_prepare_v2(v->db, "SELECT id, title, summary, arc_body(body, id)"
                                       " FROM main.article WHERE id >= ?1 AND id <= ?2"
                                       " ORDER BY id", -1, &c->st, NULL);
        if (rc != SQLITE_OK) {
            sqlite3_free(v->base.zErrMsg);
            v->base.zErrMsg = sqlite3_mprintf("%s", sqlite3_errmsg(v->db));
            return rc;
        }
    } else {
        sqlite3_reset(c->st);
    }
    if ((idx & 1) && arg < argc) {
        lo = hi = sqlite3_value_int64(argv[arg++]);
    } else {
        if ((idx & 2) && arg < argc) {
            lo = sqlite3_value_int64(argv[arg++]);
            if ((idx & 8) && lo < INT64_MAX)
                lo++;
            else if (idx & 8)
                lo = INT64_MAX, hi = INT64_MIN;   /* > the largest: nothing */
        }
        if ((idx & 4) && arg < argc) {
            sqlite3_int64 h = sqlite3_value_int64(argv[arg++]);
            if ((idx & 16) && h > INT64_MIN)
                h--;
            else if (idx & 16)
                lo = INT64_MAX, h = INT64_MIN;
            if (h < hi)
                hi = h;
        }
    }
    sqlite3_bind_int64(c->st, 1, lo);
    sqlite3_bind_int64(c->st, 2, hi);
    return content_step(c);
}

static int
content_next(sqlite3_vtab_cursor *cur)
{
    return content_step((content_cursor_t *)cur);
}

static int
content_eof(sqlite3_vtab_cursor *cur)
{
    return ((content_cursor_t *)cur)->eof;
}

static int
content_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    sqlite3_result_value(ctx, sqlite3_column_value(((content_cursor_t *)cur)->st, i + 1));
    return SQLITE_OK;
}

static int
content_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = sqlite3_column_int64(((content_cursor_t *)cur)->st, 0);
    return SQLITE_OK;
}

static const sqlite3_module content_module = {
    .iVersion = 0,
    .xCreate = content_connect,
    .xConnect = content_connect,
    .xBestIndex = content_best_index,
    .xDisconnect = content_disconnect,
    .xDestroy = content_disconnect,
    .xOpen = content_open,
    .xClose = content_close,
    .xFilter = content_filter,
    .xNext = content_next,
    .xEof = content_eof,
    .xColumn = content_column,
    .xRowid = content_rowid,
};

/* ---- attaching index.db ---- */

/* index.db's pages: 32 KB, against archive.db's 8 KB (db.c). FTS5 writes
 * the index as whole segments, leaf after leaf, appended to its %_data
 * table, and rewrites them whole when it merges them: nothing of it is
 * a small change inside a page, where a larger page would cost a larger
 * write. Each page written, though, costs the writer a log frame (two
 * pwrite calls), the log index an entry, and the checkpoint a copy; with
 * 4 times fewer pages, and the automatic checkpoint (1,000 pages) 4 times
 * rarer, the index thread of an import of the first 400,000 articles of
 * the 1M corpus took 71.4 and 76.5 s on a core against 79.0 and 83.3 s,
 * alternated, and of the whole million 176.6 s against 207.4 s (the
 * import 353.6 s against 381.4 s; BENCHMARKS.md, "Thirteenth pass"); the
 * index the same size, the query classes of query_driver the same within
 * noise. */
#define IX_PAGE_SIZE "32768"

/* The index file's schema; article_fts as schema 1 made it (columns,
 * tokenizer, BM25 weights), its content now the virtual table. */
static const char *const ix_schema[] = {
    "CREATE VIRTUAL TABLE ix.article_content USING arc_content",
    "CREATE VIRTUAL TABLE ix.article_fts USING fts5("
    " title, summary, body,"
    " content='article_content',"
    " tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO ix.article_fts(article_fts, rank) VALUES('rank', 'bm25(10.0, 3.0, 1.0)')",
    /* batches of an import's index thread that are written */
    "CREATE TABLE ix.index_done(batch INTEGER PRIMARY KEY)",
    NULL
};

/* Deletes and text updates of articles, on read-write connections. */
static const char *const ix_triggers[] = {
    "CREATE TEMP TRIGGER IF NOT EXISTS arc_fts_ad AFTER DELETE ON main.article BEGIN"
    " INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.id, old.title, old.summary, arc_body(old.body, old.id)); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS arc_fts_au AFTER UPDATE OF title, summary, body"
    " ON main.article BEGIN"
    " INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.id, old.title, old.summary, arc_body(old.body, old.id));"
    " INSERT INTO article_fts(rowid, title, summary, body)"
    " VALUES (new.id, new.title, new.summary, arc_body(new.body, new.id)); END",
    NULL
};

#define IX_APPLICATION_ID 0x4E415249 /* "NARI" */

/* <archive>/index.db, malloc'd */
static char *
index_path(const arc_db_t *db)
{
    size_t n = strlen(db->dir) + sizeof "/index.db";
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/index.db", db->dir);
    return p;
}

static arc_status_t
exec_all(arc_db_t *db, const char *const *sql, const char *what)
{
    for (size_t i = 0; sql[i]; i++)
        if (sqlite3_exec(db->sql, sql[i], NULL, NULL, NULL) != SQLITE_OK) {
            return Arc_db_sqlerr(db, what);
        }
    return ARC_OK;
}

static int
ix_has_index(arc_db_t *db, int *has, int *app_id)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT count(*) FROM ix.sqlite_schema"
                                          " WHERE name = 'article_fts'");
    int rc;

    if (!st)
        return -1;
    rc = sqlite3_step(st);
    *has = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return -1;
    if (!(st = Arc_db_prepare(db, "PRAGMA ix.application_id")))
        return -1;
    rc = sqlite3_step(st);
    *app_id = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Build a missing index (a new archive, one migrated from schema 16, or
 * a removed index.db) from the records, in one transaction. */
static arc_status_t
ix_create(arc_db_t *db)
{
    arc_status_t st;
    char buf[64];

    if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "creating the full-text index");
    {
        /* another connection may have built it meanwhile */
        int has = 0, app = 0;
        if (ix_has_index(db, &has, &app)) {
            st = Arc_db_sqlerr(db, "creating the full-text index");
            goto fail;
        }
        if (has) {
            sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
            return ARC_OK;
        }
    }
    if ((st = exec_all(db, ix_schema, "building the full-text index")))
        goto fail;
    /* what archive.db already holds (a migrated archive: all of it), with
     * an import's settings: the fill is one */
    Arc_fts_tune(db);
    if (sqlite3_exec(db->sql, ARC_INDEX_FILL, NULL, NULL, NULL) != SQLITE_OK) {
        st = Arc_db_sqlerr(db, "building the full-text index from the records");
        goto fail;
    }
    snprintf(buf, sizeof buf, "PRAGMA ix.application_id = %d", IX_APPLICATION_ID);
    if (sqlite3_exec(db->sql, buf, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = Arc_db_sqlerr(db, "building the full-text index");
        goto fail;
    }
    return ARC_OK;
fail:
    sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

arc_status_t
Arc_index_attach(arc_db_t *db, int flags)
{
    char *path = NULL;
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int has = 0, app = 0;
    struct stat sb;

    if (sqlite3_create_module_v2(db->sql, "arc_content", &content_module, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "registering the index's content table");
    if (!(path = index_path(db)))
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    if (db->readonly && stat(path, &sb) != 0) {
        s = Arc_db_error(db, ARC_E_CORRUPT, "%s: the full-text index is missing; opening "
                         "the archive writable once (e.g. 'newsindex check') rebuilds it",
                         path);
        free(path);
        return s;
    }
    st = Arc_db_prepare(db, "ATTACH DATABASE ?1 AS ix");
    if (!st) {
        free(path);
        return ARC_E_DB;
    }
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        char ctx[600];
        snprintf(ctx, sizeof ctx, "%s: attaching the full-text index", path);
        s = Arc_db_sqlerr(db, ctx);
    }
    sqlite3_finalize(st);
    if (s) {
        free(path);
        return s;
    }
    if (!db->readonly) {
        /* page_size only takes on a new file (an older index keeps its 8 KB) */
        sqlite3_exec(db->sql, "PRAGMA ix.page_size = " IX_PAGE_SIZE, NULL, NULL, NULL);
        if (sqlite3_exec(db->sql, "PRAGMA ix.journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
            s = Arc_db_sqlerr(db, "enabling WAL on the full-text index");
            free(path);
            return s;
        }
        sqlite3_exec(db->sql, "PRAGMA ix.synchronous=NORMAL", NULL, NULL, NULL);
    }
    sqlite3_exec(db->sql, (flags & ARC_OPEN_SCAN) ? "PRAGMA ix.cache_size=-2048"
                                                  : "PRAGMA ix.cache_size=-65536", NULL, NULL, NULL);
    if (ix_has_index(db, &has, &app)) {
        s = Arc_db_sqlerr(db, "reading the full-text index");
    } else if (has && app != IX_APPLICATION_ID) {
        s = Arc_db_error(db, ARC_E_CORRUPT, "%s: not a newsarchive index (application id %d)",
                         path, app);
    } else if (!has && db->readonly) {
        s = Arc_db_error(db, ARC_E_CORRUPT, "%s: the full-text index is empty; opening "
                         "the archive writable once (e.g. 'newsindex check') rebuilds it",
                         path);
    } else if (!has) {
        s = ix_create(db);
    }
    if (!s && !db->readonly)
        s = exec_all(db, ix_triggers, "creating the full-text index's triggers");
    if (!s && !db->readonly)
        s = Arc_index_recover(db);
    free(path);
    return s;
}

/* ---- batches an import wrote to archive.db and the index not yet ---- */

static void
put_le64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(u >> (8 * i));
}

static int64_t
get_le64(const unsigned char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)p[i] << (8 * i);
    return (int64_t)u;
}

/* Index one owed article unless the index has it (idempotent). */
static arc_status_t
recover_one(arc_db_t *db, sqlite3_stmt *has, sqlite3_stmt *ins, int64_t id)
{
    int rc;

    sqlite3_bind_int64(has, 1, id);
    rc = sqlite3_step(has);
    sqlite3_reset(has);
    if (rc == SQLITE_ROW)
        return ARC_OK;
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "reading the full-text index");
    sqlite3_bind_int64(ins, 1, id);
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "indexing an owed article");
}

arc_status_t
Arc_index_recover(arc_db_t *db)
{
    sqlite3_stmt *q, *has = NULL, *ins = NULL, *done = NULL;
    arc_status_t s = ARC_OK;
    int n_open = 0, rc = SQLITE_OK;

    q = Arc_db_prepare(db, "SELECT count(*) FROM main.fts_owed WHERE batch NOT IN"
                           " (SELECT batch FROM ix.index_done)");
    if (!q)
        return ARC_E_DB;
    if (sqlite3_step(q) == SQLITE_ROW)
        n_open = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    /* batches done but still listed: the next import's first commit
     * forgets them (an open takes no write lock for that) */
    if (n_open == 0)
        return ARC_OK;
    /* Not done: a killed import's, or those an import running now has
     * committed and its thread not yet written. Only when no one else
     * writes: an open must not wait for (or fail on) a running import;
     * the next open tries again. */
    sqlite3_busy_timeout(db->sql, 0);
    rc = sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_busy_timeout(db->sql, ARC_BUSY_TIMEOUT_MS);
    if ((rc & 0xff) == SQLITE_BUSY)
        return ARC_OK;
    if (rc != SQLITE_OK)
        return Arc_db_sqlerr(db, "indexing owed articles");
    q = Arc_db_prepare(db, "SELECT batch, ids FROM main.fts_owed WHERE batch NOT IN"
                           " (SELECT batch FROM ix.index_done) ORDER BY batch");
    has = Arc_db_prepare(db, "SELECT 1 FROM ix.article_fts_docsize WHERE id = ?1");
    ins = Arc_db_prepare(db, "INSERT INTO ix.article_fts(rowid, title, summary, body)"
                             " SELECT id, title, summary, arc_body(body, id)"
                             " FROM main.article WHERE id = ?1");
    done = Arc_db_prepare(db, "INSERT OR IGNORE INTO ix.index_done(batch) VALUES (?1)");
    if (!q || !has || !ins || !done)
        s = ARC_E_DB;
    while (!s && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *ids = sqlite3_column_blob(q, 1);
        int n = sqlite3_column_bytes(q, 1) / 8;
        for (int i = 0; i < n && !s; i++)
            s = recover_one(db, has, ins, get_le64(ids + 8 * i));
        if (!s) {
            sqlite3_bind_int64(done, 1, sqlite3_column_int64(q, 0));
            if (sqlite3_step(done) != SQLITE_DONE)
                s = Arc_db_sqlerr(db, "indexing owed articles");
            sqlite3_reset(done);
        }
    }
    if (!s && rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "reading owed articles");
    sqlite3_finalize(q);
    sqlite3_finalize(has);
    sqlite3_finalize(ins);
    sqlite3_finalize(done);
    if (!s && sqlite3_exec(db->sql, "DELETE FROM main.fts_owed WHERE batch IN"
                                    " (SELECT batch FROM ix.index_done)", NULL, NULL, NULL) != SQLITE_OK)
        s = Arc_db_sqlerr(db, "indexing owed articles");
    if (!s && sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        s = Arc_db_sqlerr(db, "indexing owed articles");
    if (s)
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    return s;
}

/* ---- the import's index thread ---- */

/* One article's text: title and summary, each NUL-terminated (a missing
 * one is an empty string flagged in `nulls`), then the body: its plain
 * text, NUL-terminated, or (IX_BODY_BLOB) the compressed form archive.db
 * stores, blob_len bytes, decoded only when written. Compressed, a batch
 * of the generated corpus holds about 3 MB instead of 9. */
typedef struct {
    int64_t id;
    char *text;
    size_t blob_len;
    unsigned nulls;     /* bit 0 title, 1 summary, 2 body; IX_BODY_BLOB */
} ix_doc_t;

#define IX_BODY_BLOB 8u

typedef struct ix_batch {
    int64_t seq;        /* main.fts_owed.batch, 0 until sealed */
    ix_doc_t *docs;
    int n, cap;
    int n_sealed;       /* docs[0, n_sealed) are in its fts_owed row */
    struct ix_batch *next;
} ix_batch_t;

/* Batches handed to the thread and not yet written: at most this many
 * (each ~3 MB at 2,000 articles of the generated corpus, bodies
 * compressed; ~9 MB when they held the text). With 2 instead of 1, and a
 * 16 MB page cache for the thread instead of 8, the first 400,000 articles
 * of the 1M corpus (texts held) peaked at 293 MB instead of 282 (KB /
 * 1024), in 170 s instead of 166. */
#define IX_QUEUE_MAX 1
/* ix.index_done keeps the last batches written (a crashed import's owed
 * batches far older are indexed article by article, checked first). */
#define IX_DONE_KEEP 4096

struct arc_ixw {
    sqlite3 *sql;                 /* the thread's own connection to index.db */
    sqlite3 *arc;                 /* and a read-only one to archive.db: the
                                     body dictionaries, read when first met */
    arc_body_reader_t *rd;        /* decodes compressed bodies */
    sqlite3_stmt *ins, *has_done, *add_done, *trim_done;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ix_batch_t *head, *tail;      /* handed, not yet written (head: now) */
    int queued;
    int stop;
    int failed;                   /* the thread failed: err says why */
    char err[512];
    ix_batch_t *open;             /* the open transaction's new articles */
};

static void
batch_free(ix_batch_t *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->n; i++)
        free(b->docs[i].text);
    free(b->docs);
    free(b);
}

static int
cmp_doc(const void *a, const void *b)
{
    int64_t x = ((const ix_doc_t *)a)->id, y = ((const ix_doc_t *)b)->id;
    return x < y ? -1 : x > y;
}

/* Bind a document to INSERT INTO article_fts(rowid, title, summary,
 * body). A compressed body is decoded by rd (valid until its next use) or,
 * without one, into *owned (the caller frees it after the step); on
 * failure *why says what went wrong. */
static arc_status_t
doc_bind(sqlite3_stmt *st, const ix_doc_t *d, arc_body_reader_t *rd, arc_db_t *db,
         char **owned, const char **why)
{
    const char *p = d->text;

    *owned = NULL;
    sqlite3_bind_int64(st, 1, d->id);
    for (int c = 0; c < 3; c++) {
        if (d->nulls & (1u << c)) {
            sqlite3_bind_null(st, 2 + c);
        } else if (c == 2 && (d->nulls & IX_BODY_BLOB)) {
            const char *txt = NULL;
            size_t len = 0;
            arc_status_t s = rd ? Arc_body_read(rd, p, d->blob_len, SIZE_MAX, &txt, &len, why)
                                : Arc_body_decode(db, p, d->blob_len, SIZE_MAX, owned, &len, why);
            if (s)
                return s;
            sqlite3_bind_text(st, 2 + c, rd ? txt : *owned, (int)len, SQLITE_STATIC);
        } else {
            sqlite3_bind_text(st, 2 + c, p, -1, SQLITE_STATIC);
        }
        p += strlen(p) + 1;
    }
    return ARC_OK;
}

/* Write one batch in a transaction of its own, unless written already
 * (by the recovery of another connection). */
static int
ixw_write(struct arc_ixw *w, ix_batch_t *b)
{
    int rc, done;

    qsort(b->docs, (size_t)b->n, sizeof b->docs[0], cmp_doc);
    if ((rc = sqlite3_exec(w->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(w->has_done, 1, b->seq);
    rc = sqlite3_step(w->has_done);
    done = rc == SQLITE_ROW;
    sqlite3_reset(w->has_done);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        goto fail;
    for (int i = 0; i < b->n && !done; i++) {
        char *owned;
        const char *why = NULL;
        if (doc_bind(w->ins, &b->docs[i], w->rd, NULL, &owned, &why)) {
            snprintf(w->err, sizeof w->err, "writing the full-text index: article %lld: %s",
                     (long long)b->docs[i].id, why ? why : "cannot decode its body");
            rc = SQLITE_CORRUPT;
            goto fail;
        }
        rc = sqlite3_step(w->ins);
        sqlite3_reset(w->ins);
        if (rc != SQLITE_DONE)
            goto fail;
    }
    sqlite3_bind_int64(w->add_done, 1, b->seq);
    rc = sqlite3_step(w->add_done);
    sqlite3_reset(w->add_done);
    if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_bind_int64(w->trim_done, 1, b->seq - IX_DONE_KEEP);
    rc = sqlite3_step(w->trim_done);
    sqlite3_reset(w->trim_done);
    if (rc != SQLITE_DONE)
        goto fail;
    if ((rc = sqlite3_exec(w->sql, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
        goto fail;
    return SQLITE_OK;
fail:
    sqlite3_exec(w->sql, "ROLLBACK", NULL, NULL, NULL);
    return rc ? rc : SQLITE_ERROR;
}

static void *
ixw_main(void *arg)
{
    struct arc_ixw *w = arg;

    prctl(PR_SET_NAME, "ni-index");   /* as top -H and perf name it */
    for (;;) {
        ix_batch_t *b;

        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        b = w->head;
        pthread_mutex_unlock(&w->mu);
        if (!b)
            break;
        if (!w->failed && ixw_write(w, b) != SQLITE_OK) {
            pthread_mutex_lock(&w->mu);
            if (!w->err[0])
                snprintf(w->err, sizeof w->err, "writing the full-text index: %s",
                         sqlite3_errmsg(w->sql));
            w->failed = 1;
            pthread_mutex_unlock(&w->mu);
        }
        /* after a failure the batches stay owed in archive.db and are
         * indexed when the archive is next opened */
        pthread_mutex_lock(&w->mu);
        w->head = b->next;
        if (!w->head)
            w->tail = NULL;
        w->queued--;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        batch_free(b);
    }
    return NULL;
}

static arc_status_t
ixw_failed(arc_db_t *db)
{
    struct arc_ixw *w = db->ixw;
    arc_status_t s = ARC_OK;

    pthread_mutex_lock(&w->mu);
    if (w->failed)
        s = Arc_db_error(db, ARC_E_DB, "%s", w->err);
    pthread_mutex_unlock(&w->mu);
    return s;
}

static void
ixw_close_sql(struct arc_ixw *w)
{
    sqlite3_finalize(w->ins);
    sqlite3_finalize(w->has_done);
    sqlite3_finalize(w->add_done);
    sqlite3_finalize(w->trim_done);
    sqlite3_close_v2(w->sql);
    Arc_body_reader_free(w->rd);
    sqlite3_close_v2(w->arc);
}

arc_status_t
Arc_ixw_start(arc_db_t *db)
{
    struct arc_ixw *w;
    char *path;
    int rc;

    if (db->ixw)
        return ARC_OK;
    if (!(w = calloc(1, sizeof *w)) || !(path = index_path(db))) {
        free(w);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    rc = sqlite3_open_v2(path, &w->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    free(path);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(w->sql, 1);
        sqlite3_busy_timeout(w->sql, ARC_BUSY_TIMEOUT_MS);
        /* the arc_content table is only read by 'rebuild' and checks,
         * never here, but FTS5 may look the module up */
        sqlite3_create_module_v2(w->sql, "arc_content", &content_module, NULL, NULL);
        rc = sqlite3_exec(w->sql, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                  " PRAGMA cache_size=-8192", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) {
        char *ap = malloc(strlen(db->dir) + sizeof "/archive.db");
        if (!ap)
            rc = SQLITE_NOMEM;
        else {
            snprintf(ap, strlen(db->dir) + sizeof "/archive.db", "%s/archive.db", db->dir);
            rc = sqlite3_open_v2(ap, &w->arc, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
            free(ap);
        }
        if (rc == SQLITE_OK) {
            sqlite3_busy_timeout(w->arc, ARC_BUSY_TIMEOUT_MS);
            if (!(w->rd = Arc_body_reader_new(w->arc)))
                rc = SQLITE_NOMEM;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(w->sql, "INSERT INTO article_fts(rowid, title, summary, body)"
                                        " VALUES (?1, ?2, ?3, ?4)", -1, &w->ins, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(w->sql, "SELECT 1 FROM index_done WHERE batch = ?1", -1,
                                &w->has_done, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(w->sql, "INSERT OR IGNORE INTO index_done(batch) VALUES (?1)",
                                -1, &w->add_done, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(w->sql, "DELETE FROM index_done WHERE batch < ?1", -1,
                                &w->trim_done, NULL);
    if (rc != SQLITE_OK) {
        arc_status_t s = Arc_db_error(db, ARC_E_DB, "opening the full-text index's writer: %s",
                                      w->sql ? sqlite3_errmsg(w->sql) : "out of memory");
        ixw_close_sql(w);
        free(w);
        return s;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->th, NULL, ixw_main, w) != 0) {
        ixw_close_sql(w);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return Arc_db_error(db, ARC_E_NOMEM, "cannot start the full-text index's thread");
    }
    db->ixw = w;
    return ARC_OK;
}

/* Wait until the thread has written every batch handed to it. */
static void
ixw_drain(struct arc_ixw *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->head)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

/* d->text, d->blob_len and d->nulls of an article (body: as stored). */
static int
doc_text(ix_doc_t *d, const arc_article_t *a, const arc_body_packed_t *body)
{
    const char *f[3] = { a->title, a->summary, a->body };
    size_t len[3], total = 0;
    char *p;

    d->nulls = 0;
    d->blob_len = 0;
    for (int c = 0; c < 3; c++) {
        /* as fts_insert binds them (article.c): empty summary and body
         * are NULL, an empty title is '' */
        if (!f[c] || (c > 0 && !*f[c])) {
            d->nulls |= 1u << c;
            f[c] = "";
        }
        if (c == 2 && !(d->nulls & 4u) && body && body->blob) {
            d->nulls |= IX_BODY_BLOB;
            f[c] = body->blob;
            len[c] = d->blob_len = body->blob_len;
            total += len[c];
            continue;
        }
        len[c] = strlen(f[c]);
        total += len[c] + 1;
    }
    if (!(d->text = malloc(total)))
        return -1;
    p = d->text;
    for (int c = 0; c < 3; c++) {
        size_t n = c == 2 && (d->nulls & IX_BODY_BLOB) ? len[c] : len[c] + 1;
        memcpy(p, f[c], n);
        p += n;
    }
    return 0;
}

arc_status_t
Arc_ixw_add(arc_db_t *db, int64_t id, const arc_article_t *a, const arc_body_packed_t *body)
{
    struct arc_ixw *w = db->ixw;
    ix_batch_t *b = w->open;
    ix_doc_t *d;

    if (!b) {
        if (!(b = calloc(1, sizeof *b)))
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        w->open = b;
    }
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 256;
        ix_doc_t *nd = realloc(b->docs, (size_t)cap * sizeof *nd);
        if (!nd)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        b->docs = nd;
        b->cap = cap;
    }
    d = &b->docs[b->n];
    d->id = id;
    if (doc_text(d, a, body))
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    b->n++;
    return ARC_OK;
}

arc_status_t
Arc_ixw_seal(arc_db_t *db)
{
    struct arc_ixw *w = db->ixw;
    ix_batch_t *b = w->open;
    sqlite3_stmt *st;
    unsigned char *ids;
    arc_status_t s;
    int rc;

    if ((s = ixw_failed(db)))
        return s;
    if (!b || b->n == b->n_sealed)
        return ARC_OK;
    /* batches the index has written are owed no longer */
    if (!b->seq) {
        st = Arc_db_cached(db, ARC_ST_OWED_DEL, "DELETE FROM main.fts_owed WHERE batch IN"
                                               " (SELECT batch FROM ix.index_done)");
        if (!st)
            return ARC_E_DB;
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "forgetting indexed batches");
    }
    if (!(ids = malloc((size_t)b->n * 8)))
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    for (int i = 0; i < b->n; i++)
        put_le64(ids + 8 * i, b->docs[i].id);
    /* sealed again (articles put after arc_article_index_pending()): the
     * batch's row lists them all */
    st = b->seq ? Arc_db_cached(db, ARC_ST_OWED_UPD, "UPDATE main.fts_owed SET ids = ?1"
                                                    " WHERE batch = ?2")
                : Arc_db_cached(db, ARC_ST_OWED_INS, "INSERT INTO main.fts_owed(ids) VALUES (?1)");
    if (!st) {
        free(ids);
        return ARC_E_DB;
    }
    sqlite3_bind_blob(st, 1, ids, b->n * 8, free);
    if (b->seq)
        sqlite3_bind_int64(st, 2, b->seq);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "noting a batch to index");
    if (!b->seq)
        b->seq = sqlite3_last_insert_rowid(db->sql);
    b->n_sealed = b->n;
    return ARC_OK;
}

void
Arc_ixw_committed(arc_db_t *db)
{
    struct arc_ixw *w = db->ixw;
    ix_batch_t *b = w ? w->open : NULL;

    if (!b)
        return;
    w->open = NULL;
    if (!b->seq) {          /* not sealed: nothing of it is owed */
        batch_free(b);
        return;
    }
    pthread_mutex_lock(&w->mu);
    while (w->queued >= IX_QUEUE_MAX)
        pthread_cond_wait(&w->cv, &w->mu);
    if (w->tail)
        w->tail->next = b;
    else
        w->head = b;
    w->tail = b;
    w->queued++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void
Arc_ixw_rolled_back(arc_db_t *db)
{
    if (db->ixw) {
        batch_free(db->ixw->open);
        db->ixw->open = NULL;
    }
}

/* Before the connection itself writes the index (a text update, a
 * delete): every batch handed over written, and the open transaction's
 * new articles indexed here, in it. */
arc_status_t
Arc_ixw_settle(arc_db_t *db)
{
    struct arc_ixw *w = db->ixw;
    ix_batch_t *b;
    sqlite3_stmt *st;
    arc_status_t s;

    if (!w)
        return ARC_OK;
    ixw_drain(w);
    if ((s = ixw_failed(db)))
        return s;
    if (!(b = w->open) || b->n == 0)
        return ARC_OK;
    /* (a sealed batch keeps its fts_owed row: the next open finds its
     * articles indexed and forgets it) */
    qsort(b->docs, (size_t)b->n, sizeof b->docs[0], cmp_doc);
    st = Arc_db_cached(db, ARC_ST_FTS_INS,
        "INSERT INTO article_fts(rowid, title, summary, body) VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return ARC_E_DB;
    for (int i = 0; i < b->n; i++) {
        int rc;
        char *owned;
        const char *why = NULL;
        if ((s = doc_bind(st, &b->docs[i], NULL, db, &owned, &why))) {
            sqlite3_clear_bindings(st);
            return Arc_db_error(db, s, "indexing article %lld: %s",
                                (long long)b->docs[i].id, why ? why : "cannot decode its body");
        }
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        free(owned);
        if (rc != SQLITE_DONE) {
            sqlite3_clear_bindings(st);
            return Arc_db_sqlerr(db, "indexing an article");
        }
    }
    sqlite3_clear_bindings(st);
    batch_free(b);
    w->open = NULL;
    return ARC_OK;
}

arc_status_t
Arc_ixw_stop(arc_db_t *db)
{
    struct arc_ixw *w = db->ixw;
    arc_status_t s;

    if (!w)
        return ARC_OK;
    ixw_drain(w);
    s = ixw_failed(db);
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    batch_free(w->open);
    ixw_close_sql(w);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
    db->ixw = NULL;
    return s;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_temp_store(arc_db_t *db, int memory)
{
    if (sqlite3_exec(db->sql, memory ? "PRAGMA temp_store=MEMORY" : "PRAGMA temp_store=DEFAULT",
                     NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "setting where temporary data is kept");
    /* a change drops every TEMP object, the index's triggers among them */
    return db->readonly ? ARC_OK
                        : exec_all(db, ix_triggers, "creating the full-text index's triggers");
}
