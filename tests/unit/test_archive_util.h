/*
 * test_archive_util.h - what several unit tests ask of an archive: how many
 * articles a query matches, and that the archive's own check passes.
 * Header only (every test_*.c is its own program); include it after
 * <cmocka.h> and "newsarc.h". The functions are static inline so that a
 * test using only some of them builds without warnings.
 */
#ifndef NEWSARCHIVE_TEST_ARCHIVE_UTIL_H
#define NEWSARCHIVE_TEST_ARCHIVE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The archive in dir, opened with arc_db_open's flags, or the test fails
 * with the open's message. */
static inline arc_db_t *
test_open_dir(const char *dir, int flags)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    if (arc_db_open(dir, flags, &db, &err) != ARC_OK)
        fail_msg("open %s: %s", dir, err ? err : "?");
    return db;
}

#ifdef ARCHIVE_PRIVATE_H
/* The first column of the one row a statement of the test returns (tests
 * that see the connection: archive-private.h included first). */
static inline int64_t
test_sql_int(arc_db_t *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v;

    assert_int_equal(sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
#endif

/* Remove the archive's full-text index file and its logs (schema 17), as
 * an archive copied without them. */
static inline void
test_remove_index_file(const char *dir)
{
    static const char *const f[] = { "index.db", "index.db-wal", "index.db-shm" };
    char path[1024];

    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, f[i]);
        unlink(path);
    }
}

/* The number of articles `query` matches within [since, until) (0: no
 * bound), as `newsquery search --count` gives it. */
static inline int64_t
test_count_range(arc_db_t *db, const char *query, int64_t since, int64_t until)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    int64_t n = -1;

    memset(&o, 0, sizeof o);
    o.since = since;
    o.until = until;
    assert_int_equal(arc_query_parse(query, &q, NULL), ARC_OK);
    assert_int_equal(arc_search_count(db, q, &o, &n), ARC_OK);
    arc_query_destroy(q);
    return n;
}

static inline int64_t
test_count(arc_db_t *db, const char *query)
{
    return test_count_range(db, query, 0, 0);
}

/* Fail the test unless arc_db_check() finds the archive consistent. */
static inline void
test_assert_consistent(arc_db_t *db)
{
    char *problems = NULL;

    if (arc_db_check(db, &problems) != ARC_OK)
        fail_msg("archive check failed: %s", problems ? problems : arc_db_errmsg(db));
    arc_free(problems);
}

#endif
