/*
 * db.c - opening and closing an archive, transactions, checks, statistics.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "archive-private.h"

/* mkdir -p: returns 0 or -1 with errno set. */
static int
make_dirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    struct stat sb;

    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    if (stat(path, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static char *
join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void
set_errmsg(char **errmsg, const char *msg)
{
    if (errmsg)
        *errmsg = strdup(msg);
}

/* index.db is there and not empty (index_file.c builds it otherwise). */
static int
index_file_ready(const char *dir)
{
    char *p = join_path(dir, "index.db");
    struct stat sb;
    int ok = p && stat(p, &sb) == 0 && sb.st_size > 0;

    free(p);
    return ok;
}

/* Migrate the schema on a separate read-write connection; the reader's
 * own connection stays read-only. */
static arc_status_t
migrate_for_reader(arc_db_t *db, const char *path)
{
    arc_db_t rw;
    arc_status_t st;

    memset(&rw, 0, sizeof rw);
    rw.dir = db->dir;
    /* CREATE: an attached file takes the connection's flags, and
     * index.db may be missing (archive.db is there: the caller found it) */
    if (sqlite3_open_v2(path, &rw.sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close_v2(rw.sql);
        return Arc_db_error(db, ARC_E_VERSION,
                            "%s: the archive has an older schema or no full-text index "
                            "(index.db) and cannot be brought up to date here (read-only); "
                            "run 'newsindex stats' where it is writable", db->dir);
    }
    sqlite3_busy_timeout(rw.sql, ARC_BUSY_TIMEOUT_MS);
    sqlite3_exec(rw.sql, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    /* schema 11's views and triggers call arc_body() (body.c) */
    if (Arc_body_sql_register(rw.sql) != SQLITE_OK)
        st = Arc_db_sqlerr(&rw, "registering arc_body()");
    else
        st = Arc_schema_migrate(&rw);
    /* and index.db (schema 17), built here when missing */
    if (!st)
        st = Arc_index_attach(&rw, 0);
    if (st)
        Arc_db_error(db, st, "%s", rw.errmsg);
    for (int i = 0; i < ARC_ST_COUNT; i++)
        sqlite3_finalize(rw.cache[i]);
    sqlite3_close_v2(rw.sql);
    return st;
}

/* Contract in newsarc.h. sqlite3_config() refuses (SQLITE_MISUSE, nothing
 * changed) once SQLite is initialised. */
void
arc_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

arc_status_t
arc_db_open(const char *dir, int flags, arc_db_t **out, char **errmsg)
{
    arc_db_t *db = NULL;
    char *path = NULL;
    char msg[1024];
    struct stat sb;
    arc_status_t st = ARC_OK;
    int oflags;

    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!dir || !*dir) {
        set_errmsg(errmsg, "no archive directory given");
        return ARC_E_BAD_ARG;
    }
    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT || !(flags & ARC_OPEN_CREATE)) {
            snprintf(msg, sizeof msg, "%s: %s%s", dir, strerror(errno),
                     errno == ENOENT ? " (create it with 'newsindex init')" : "");
            set_errmsg(errmsg, msg);
            return errno == ENOENT ? ARC_E_NOT_FOUND : ARC_E_IO;
        }
        if (make_dirs(dir) != 0) {
            snprintf(msg, sizeof msg, "%s: cannot create directory: %s", dir,
                     strerror(errno));
            set_errmsg(errmsg, msg);
            return ARC_E_IO;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        snprintf(msg, sizeof msg, "%s: not a directory", dir);
        set_errmsg(errmsg, msg);
        return ARC_E_IO;
    }

    db = calloc(1, sizeof *db);
    path = join_path(dir, "archive.db");
    if (!db || !path || !(db->dir = strdup(dir))) {
        st = ARC_E_NOMEM;
        set_errmsg(errmsg, "out of memory");
        goto fail;
    }
    db->readonly = (flags & ARC_OPEN_READONLY) != 0;

    if (stat(path, &sb) != 0 && !(flags & ARC_OPEN_CREATE)) {
        snprintf(msg, sizeof msg, "%s: no archive here (create it with 'newsindex init')", dir);
        set_errmsg(errmsg, msg);
        st = ARC_E_NOT_FOUND;
        goto fail;
    }
    if (flags & ARC_OPEN_CREATE) {
        char *warc = join_path(dir, "warc");
        int r = warc ? make_dirs(warc) : -1;
        free(warc);
        if (r != 0 && !db->readonly) {
            snprintf(msg, sizeof msg, "%s/warc: cannot create directory: %s",
                     dir, strerror(errno));
            set_errmsg(errmsg, msg);
            st = ARC_E_IO;
            goto fail;
        }
    }

    oflags = db->readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    /* a connection one thread keeps to itself: without SQLite's mutex on
     * every call (~6% of a busy timeline's walk) */
    if (flags & ARC_OPEN_ONE_THREAD)
        oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db->sql, oflags, NULL) != SQLITE_OK) {
        snprintf(msg, sizeof msg, "%s: cannot open: %s", path,
                 db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
        set_errmsg(errmsg, msg);
        st = ARC_E_IO;
        goto fail;
    }
    sqlite3_extended_result_codes(db->sql, 1);
    sqlite3_busy_timeout(db->sql, ARC_BUSY_TIMEOUT_MS);
    /* every read of a body, the FTS5 content view, its triggers and the
     * event view go through arc_body() (body.c, schema 11) */
    if (Arc_body_sql_register(db->sql) != SQLITE_OK) {
        st = Arc_db_sqlerr(db, "registering arc_body()");
        goto fail_msg;
    }

    /* Recognise the file before anything writes to it. */
    if ((st = Arc_schema_check(db)))
        goto fail_msg;
    if (!db->readonly) {
        /* a new archive gets 8 KB pages (a no-op on an existing one):
         * with compressed bodies (body.c) an article row is 2-3 KB, and a
         * 4 KB page holds only one. 16 KB pages save another 2% of the
         * size for 5% more import CPU (docs/internals/bodies.md) */
        sqlite3_exec(db->sql, "PRAGMA page_size = 8192", NULL, NULL, NULL);
        if (sqlite3_exec(db->sql, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
            st = Arc_db_sqlerr(db, "enabling WAL");
            goto fail_msg;
        }
        sqlite3_exec(db->sql, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    } else {
        sqlite3_exec(db->sql, "PRAGMA query_only=1", NULL, NULL, NULL);
    }
    if (sqlite3_exec(db->sql, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK) {
        st = Arc_db_sqlerr(db, "enabling foreign keys");
        goto fail_msg;
    }
    /* an export reads each page about once: with 64 MB the cache only
     * grows (10,000 rows at 1M: 37 MB of RSS, 88 ms; with 2 MB, 9 MB and
     * 64 ms: the kernel's faults on fresh memory were a third of it) */
    sqlite3_exec(db->sql, (flags & ARC_OPEN_SCAN) ? "PRAGMA cache_size=-2048"
                                                  : "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    if (db->readonly) {
        int ver = 0;
        sqlite3_stmt *s = Arc_db_prepare(db, "PRAGMA user_version");
        if (s && sqlite3_step(s) == SQLITE_ROW)
            ver = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
        if (ver == 0) {
            snprintf(db->errmsg, sizeof db->errmsg,
                     "%s: the archive is empty (create it with 'newsindex init')", dir);
            st = ARC_E_NOT_FOUND;
            goto fail_msg;
        }
        /* An archive of an older schema is brought forward once through a
         * short read-write connection (the migrations are transactional
         * and only add), so that readers never see a half-known layout. */
        if ((ver < arc_schema_version() || !index_file_ready(dir)) &&
            (st = migrate_for_reader(db, path)))
            goto fail_msg;
    } else if ((st = Arc_schema_migrate(db))) {
        goto fail_msg;
    }
    if ((st = Arc_index_attach(db, flags)))
        goto fail_msg;
    free(path);
    *out = db;
    return ARC_OK;

fail_msg:
    set_errmsg(errmsg, db->errmsg);
fail:
    free(path);
    arc_db_close(db);
    return st;
}

void
arc_db_close(arc_db_t *db)
{
    if (!db)
        return;
    if (db->sql) {
        if (db->in_txn) {
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
            Arc_ixw_rolled_back(db);
        }
        /* every batch handed to the index thread written (a failure
         * leaves them owed: the next open indexes them) */
        Arc_ixw_stop(db);
        Arc_ckpt_stop(db);
        for (int i = 0; i < ARC_ST_COUNT; i++)
            sqlite3_finalize(db->cache[i]);
        sqlite3_close_v2(db->sql);
    }
    if (db->xap)
        Arc_xap_close(db);   /* a shards handle (issue 8) */
    Arc_body_kept_free(db);
    arc_body_dict_free(db->body_dict);
    free(db->dir);
    free(db);
}

const char *
arc_db_errmsg(const arc_db_t *db)
{
    return db ? db->errmsg : "no archive handle";
}

const char *
arc_db_path(const arc_db_t *db)
{
    return db->dir;
}

arc_status_t
arc_db_begin(arc_db_t *db)
{
    ARC_NO_SHARDS(db);
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (db->in_txn)
        return Arc_db_error(db, ARC_E_BAD_ARG, "a transaction is already open");
    /* archive.db's write lock at once, as BEGIN IMMEDIATE would take it,
     * but not index.db's (BEGIN IMMEDIATE locks every attached file): an
     * import's index thread writes index.db meanwhile (index_file.c) */
    Arc_ckpt_before_begin(db);
    if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "starting a transaction");
    if (sqlite3_exec(db->sql, "DELETE FROM main.fts_owed WHERE 0", NULL, NULL, NULL) != SQLITE_OK) {
        arc_status_t st = Arc_db_sqlerr(db, "starting a transaction");
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    db->in_txn = 1;
    return ARC_OK;
}

arc_status_t
arc_db_commit(arc_db_t *db)
{
    ARC_NO_SHARDS(db);
    if (!db->in_txn)
        return ARC_OK;
    /* new articles for the index thread are owed before they commit */
    if (db->ixw) {
        arc_status_t st = Arc_ixw_seal(db);
        if (st) {
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
            Arc_ixw_rolled_back(db);
            db->in_txn = 0;
            return st;
        }
    }
    if (sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        arc_status_t st = Arc_db_sqlerr(db, "committing");
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        Arc_ixw_rolled_back(db);
        db->in_txn = 0;
        return st;
    }
    db->in_txn = 0;
    Arc_ixw_committed(db);
    return ARC_OK;
}

void
arc_db_rollback(arc_db_t *db)
{
    if (db && db->in_txn) {
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        Arc_ixw_rolled_back(db);
        db->in_txn = 0;
    }
}

/* Append a line to a growing malloc'd buffer. */
static void
add_problem(char **buf, size_t *len, const char *line)
{
    size_t n = strlen(line);
    char *p = realloc(*buf, *len + n + 2);

    if (!p)
        return;
    memcpy(p + *len, line, n);
    p[*len + n] = '\n';
    p[*len + n + 1] = '\0';
    *buf = p;
    *len += n + 1;
}

/* Arc_body_check's report callback: a line into the problem list. */
typedef struct {
    char **buf;
    size_t *len;
} problem_list_t;

static void
add_problem_cb(void *ctx, const char *line)
{
    problem_list_t *p = ctx;
    add_problem(p->buf, p->len, line);
}

static int64_t scalar(arc_db_t *db, const char *sql, int64_t dflt);

arc_status_t
arc_db_check(arc_db_t *db, char **problems)
{
    ARC_NO_SHARDS(db);
    char *buf = NULL;
    size_t len = 0;
    sqlite3_stmt *st;
    int rc;

    *problems = NULL;
    st = Arc_db_prepare(db, "PRAGMA integrity_check");
    if (!st)
        return ARC_E_DB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        if (r && strcmp(r, "ok") != 0)
            add_problem(&buf, &len, r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        add_problem(&buf, &len, sqlite3_errmsg(db->sql));

    st = Arc_db_prepare(db, "PRAGMA foreign_key_check");
    if (!st) {
        free(buf);
        return ARC_E_DB;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        char line[256];
        snprintf(line, sizeof line, "foreign key violation in %s row %lld",
                 (const char *)sqlite3_column_text(st, 0),
                 (long long)sqlite3_column_int64(st, 1));
        add_problem(&buf, &len, line);
    }
    sqlite3_finalize(st);

    /* every compressed body decodes (body.c): a damaged one is named
     * here, where the FTS check below only fails */
    {
        problem_list_t pl = { &buf, &len };
        arc_status_t bs = Arc_body_check(db, add_problem_cb, &pl);
        if (bs) {
            free(buf);
            return bs;
        }
    }

    /* the index's rows are the records' (index_file.c: FTS5 cannot scan
     * its content table to compare them itself) */
    {
        static const struct { const char *sql, *what; } rows[] = {
            { "SELECT count(*) FROM main.article a WHERE NOT EXISTS"
              " (SELECT 1 FROM ix.article_fts_docsize d WHERE d.id = a.id)",
              "articles missing from the full-text index" },
            { "SELECT count(*) FROM ix.article_fts_docsize d WHERE NOT EXISTS"
              " (SELECT 1 FROM main.article a WHERE a.id = d.id)",
              "rows of the full-text index without an article" },
        };
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            int64_t n = scalar(db, rows[i].sql, -1);
            char line[160];
            if (n == 0)
                continue;
            if (n < 0)
                snprintf(line, sizeof line, "full-text index: cannot count %s: %s",
                         rows[i].what, sqlite3_errmsg(db->sql));
            else
                snprintf(line, sizeof line, "full-text index: %lld %s", (long long)n,
                         rows[i].what);
            add_problem(&buf, &len, line);
        }
    }
    /* FTS5 checks the index's own structure */
    if (!db->readonly) {
        st = Arc_db_prepare(db, "INSERT INTO article_fts(article_fts, rank) VALUES('integrity-check', 0)");
        if (!st) {
            free(buf);
            return ARC_E_DB;
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            char line[512];
            snprintf(line, sizeof line, "full-text index: %s", sqlite3_errmsg(db->sql));
            add_problem(&buf, &len, line);
        }
        sqlite3_finalize(st);
    }
    *problems = buf;
    return buf ? ARC_E_CORRUPT : ARC_OK;
}

static int64_t
scalar(arc_db_t *db, const char *sql, int64_t dflt)
{
    sqlite3_stmt *st = Arc_db_prepare(db, sql);
    int64_t v = dflt;

    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

arc_status_t
arc_db_stats(arc_db_t *db, arc_stats_t *s)
{
    ARC_NO_SHARDS(db);
    memset(s, 0, sizeof *s);
    s->articles = scalar(db, "SELECT count(*) FROM article", 0);
    s->sources = scalar(db, "SELECT count(*) FROM source", 0);
    s->stories = scalar(db, "SELECT count(*) FROM story WHERE article_count > 0", 0);
    s->entities = scalar(db, "SELECT count(*) FROM entity", 0);
    s->mentions = scalar(db, "SELECT count(*) FROM mention", 0);
    s->events = scalar(db, "SELECT count(*) FROM event", 0);
    s->versions = scalar(db, "SELECT count(*) FROM article_version", 0);
    s->first_published = scalar(db, "SELECT min(published) FROM article", ARC_TIME_NONE);
    s->last_published = scalar(db, "SELECT max(published) FROM article", ARC_TIME_NONE);
    /* the records and, from schema 17, the full-text index (index.db) */
    s->db_bytes = scalar(db, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", 0)
        + scalar(db, "SELECT page_count * page_size FROM pragma_page_count('ix'), pragma_page_size('ix')", 0);
    s->schema_version = (int)scalar(db, "PRAGMA user_version", 0);
    return ARC_OK;
}

char *
arc_dir_resolve(const char *given, const char *env_dir,
                const char *xdg_data_home, const char *home)
{
    if (given && *given)
        return strdup(given);
    if (env_dir && *env_dir)
        return strdup(env_dir);
    if (xdg_data_home && *xdg_data_home)
        return join_path(xdg_data_home, "newsarchive");
    if (home && *home)
        return join_path(home, ".local/share/newsarchive");
    return NULL;
}
