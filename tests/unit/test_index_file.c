/*
 * test_index_file.c - the full-text index in index.db (schema 17,
 * archive/index_file.c): an import's index thread, the batches archive.db
 * owes the index after a killed import, a missing or foreign index file,
 * and the writer's transaction leaving index.db to the thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive-private.h"
#include "newsarc.h"
#include "test_archive_util.h"
#include "test_dir.h"

static arc_db_t *
open_new(const char *name)
{
    return test_open_dir(test_fresh_dir("test_index_file", name), ARC_OPEN_CREATE);
}

/* Article i of a batch: every one says "lighthouse", article i also
 * "marker<i>". */
static void
put_article(arc_db_t *db, int i, const char *extra)
{
    char url[80], title[80], body[400];
    arc_article_t a;

    memset(&a, 0, sizeof a);
    snprintf(url, sizeof url, "https://x.example/a%d", i);
    snprintf(title, sizeof title, "Harbour note %d", i);
    snprintf(body, sizeof body, "The lighthouse keeper logged marker%d at dawn. %s", i,
             extra ? extra : "Nothing else happened.");
    a.url = url;
    a.title = title;
    a.body = body;
    a.published = 1764547200 + 60 * (int64_t)i;   /* 2025-12-01, a minute apart */
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
}

/* n articles in one transaction of a bulk import (index thread on). */
static void
import_batch(arc_db_t *db, int from, int n)
{
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = from; i < from + n; i++)
        put_article(db, i, NULL);
    assert_int_equal(arc_article_index_pending(db), ARC_OK);
    assert_int_equal(arc_db_commit(db), ARC_OK);
}

static void
exec_ok(arc_db_t *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

/* An import's batches reach the index through its thread: searchable
 * once it wrote them (defer off waits), and archive.db owes nothing after
 * the next open. */
static void
import_batches_should_be_indexed_by_the_thread(void **state)
{
    arc_db_t *db = open_new("thread");
    char dir[700];
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    arc_article_defer_index(db, 1);
    assert_non_null(db->ixw);
    import_batch(db, 0, 40);
    import_batch(db, 40, 40);
    import_batch(db, 80, 40);
    arc_article_defer_index(db, 0);
    assert_null(db->ixw);
    assert_int_equal(test_count(db, "lighthouse"), 120);
    assert_int_equal(test_count(db, "marker77"), 1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM ix.index_done"), 3);
    test_assert_consistent(db);
    arc_db_close(db);
    /* nothing is owed that the index lacks; the batches it has are
     * forgotten by the next import's first commit, not by an open */
    db = test_open_dir(dir, 0);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM main.fts_owed WHERE batch NOT IN"
                                 " (SELECT batch FROM ix.index_done)"), 0);
    arc_article_defer_index(db, 1);
    import_batch(db, 120, 5);
    arc_article_defer_index(db, 0);
    assert_true(test_sql_int(db, "SELECT count(*) FROM main.fts_owed") <= 1);
    assert_int_equal(test_count(db, "lighthouse"), 125);
    arc_db_close(db);
}

/* A rolled-back batch leaves nothing for the thread; a text update inside
 * a batch indexes the batch's new articles first, then replaces the text. */
static void
rollback_and_update_should_leave_the_index_exact(void **state)
{
    arc_db_t *db = open_new("update");
    (void)state;

    arc_article_defer_index(db, 1);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 10; i++)
        put_article(db, i, "A walrus was seen.");
    arc_db_rollback(db);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 10; i++)
        put_article(db, i, NULL);
    put_article(db, 3, "A pelican landed on the pier.");   /* same URL, new text */
    assert_int_equal(arc_article_index_pending(db), ARC_OK);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    arc_article_defer_index(db, 0);
    assert_int_equal(test_count(db, "walrus"), 0);
    assert_int_equal(test_count(db, "pelican"), 1);
    assert_int_equal(test_count(db, "lighthouse"), 10);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* Articles put after arc_article_index_pending() in the same transaction
 * are owed and indexed too; a text update after it writes the batch in
 * the writer's own transaction. */
static void
puts_after_index_pending_should_be_owed_and_indexed(void **state)
{
    arc_db_t *db = open_new("resealed");
    char dir[700];
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    arc_article_defer_index(db, 1);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 5; i++)
        put_article(db, i, NULL);
    assert_int_equal(arc_article_index_pending(db), ARC_OK);
    for (int i = 5; i < 10; i++)
        put_article(db, i, NULL);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    arc_article_defer_index(db, 0);
    assert_int_equal(test_sql_int(db, "SELECT length(ids) FROM main.fts_owed ORDER BY batch DESC"
                                 " LIMIT 1"), 10 * 8);
    assert_int_equal(test_count(db, "lighthouse"), 10);

    arc_article_defer_index(db, 1);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 10; i < 15; i++)
        put_article(db, i, NULL);
    assert_int_equal(arc_article_index_pending(db), ARC_OK);
    put_article(db, 12, "A cormorant dived.");   /* same URL, new text */
    assert_int_equal(arc_db_commit(db), ARC_OK);
    arc_article_defer_index(db, 0);
    assert_int_equal(test_count(db, "lighthouse"), 15);
    assert_int_equal(test_count(db, "cormorant"), 1);
    test_assert_consistent(db);
    arc_db_close(db);
    db = test_open_dir(dir, 0);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM main.fts_owed WHERE batch NOT IN"
                                 " (SELECT batch FROM ix.index_done)"), 0);
    assert_int_equal(test_count(db, "lighthouse"), 15);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* A killed import: archive.db committed batches whose index rows were never
 * written. The next read-write open indexes them, and only those its index
 * lacks (an owed article already indexed is not indexed twice). */
static void
owed_batches_should_be_indexed_when_the_archive_is_opened(void **state)
{
    arc_db_t *db = open_new("owed");
    char dir[700];
    unsigned char ids[8 * 15];
    sqlite3_stmt *st;
    int n = 0;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    arc_article_defer_index(db, 1);
    import_batch(db, 0, 30);
    arc_article_defer_index(db, 0);
    /* what the kill leaves: 10 articles not in the index, their batch owed
     * (with 5 that are indexed) and not done */
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT id, title, summary, arc_body(body, id)"
                                        " FROM main.article ORDER BY id LIMIT 15", -1, &st,
                                        NULL), SQLITE_OK);
    exec_ok(db, "BEGIN");
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        for (int b = 0; b < 8; b++)
            ids[8 * n + b] = (unsigned char)((uint64_t)id >> (8 * b));
        if (n++ < 10) {
            sqlite3_stmt *del;
            assert_int_equal(sqlite3_prepare_v2(db->sql, "INSERT INTO ix.article_fts(article_fts,"
                                                " rowid, title, summary, body)"
                                                " VALUES ('delete', ?1, ?2, ?3, ?4)", -1, &del,
                                                NULL), SQLITE_OK);
            for (int c = 0; c < 4; c++)
                sqlite3_bind_value(del, c + 1, sqlite3_column_value(st, c));
            assert_int_equal(sqlite3_step(del), SQLITE_DONE);
            sqlite3_finalize(del);
        }
    }
    sqlite3_finalize(st);
    assert_int_equal(n, 15);
    exec_ok(db, "DELETE FROM ix.index_done; DELETE FROM main.fts_owed");
    assert_int_equal(sqlite3_prepare_v2(db->sql, "INSERT INTO main.fts_owed(ids) VALUES (?1)",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_blob(st, 1, ids, (int)sizeof ids, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    exec_ok(db, "COMMIT");
    assert_int_equal(test_count(db, "lighthouse"), 20);
    arc_db_close(db);

    /* a reader cannot mend it, and finds what the index has */
    db = test_open_dir(dir, ARC_OPEN_READONLY);
    assert_int_equal(test_count(db, "lighthouse"), 20);
    arc_db_close(db);
    /* nor a writer while another connection writes (it may be the import
     * whose thread writes them): the open neither waits nor fails */
    {
        sqlite3 *raw;
        char path[760];
        snprintf(path, sizeof path, "%s/archive.db", dir);
        assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
        assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
        db = test_open_dir(dir, 0);
        assert_int_equal(test_count(db, "lighthouse"), 20);
        arc_db_close(db);
        sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(raw);
    }
    /* a writer does */
    db = test_open_dir(dir, 0);
    assert_int_equal(test_count(db, "lighthouse"), 30);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM ix.article_fts_docsize"), 30);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM main.fts_owed"), 0);
    for (int i = 0; i < 30; i++) {
        char word[32];
        snprintf(word, sizeof word, "marker%d", i);
        assert_int_equal(test_count(db, word), 1);
    }
    test_assert_consistent(db);
    arc_db_close(db);
}

/* index.db removed (or an archive copied without it): a reader's open
 * builds it from the records where the archive is writable. */
static void
a_missing_index_file_should_be_built_from_the_records(void **state)
{
    arc_db_t *db = open_new("missing");
    char dir[700];
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    for (int i = 0; i < 12; i++)
        put_article(db, i, NULL);
    arc_db_close(db);
    test_remove_index_file(dir);
    db = test_open_dir(dir, ARC_OPEN_READONLY);
    assert_int_equal(test_count(db, "lighthouse"), 12);
    assert_int_equal(test_count(db, "marker11"), 1);
    arc_db_close(db);
    db = test_open_dir(dir, 0);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* A SQLite file of something else where index.db belongs is refused. */
static void
a_foreign_index_file_should_be_refused(void **state)
{
    arc_db_t *db = open_new("foreign");
    char dir[700], path[760], *err = NULL;
    sqlite3 *raw;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    arc_db_close(db);
    snprintf(path, sizeof path, "%s/index.db", dir);
    unlink(path);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "CREATE TABLE article_fts(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(arc_db_open(dir, 0, &db, &err), ARC_E_CORRUPT);
    assert_non_null(err);
    assert_non_null(strstr(err, "index.db"));
    assert_non_null(strstr(err, "not a newsarchive index"));
    arc_free(err);
}

/* The writer's transaction holds archive.db, not index.db, which the
 * import's index thread writes meanwhile. */
static void
a_writer_transaction_should_leave_the_index_file_free(void **state)
{
    arc_db_t *db = open_new("locks");
    char path[760];
    sqlite3 *raw;
    (void)state;

    assert_int_equal(arc_db_begin(db), ARC_OK);
    snprintf(path, sizeof path, "%s/index.db", arc_db_path(db));
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 50);
    assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    snprintf(path, sizeof path, "%s/archive.db", arc_db_path(db));
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 50);
    assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_BUSY);
    sqlite3_close(raw);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_batches_should_be_indexed_by_the_thread),
        cmocka_unit_test(rollback_and_update_should_leave_the_index_exact),
        cmocka_unit_test(puts_after_index_pending_should_be_owed_and_indexed),
        cmocka_unit_test(owed_batches_should_be_indexed_when_the_archive_is_opened),
        cmocka_unit_test(a_missing_index_file_should_be_built_from_the_records),
        cmocka_unit_test(a_foreign_index_file_should_be_refused),
        cmocka_unit_test(a_writer_transaction_should_leave_the_index_file_free),
    };
    arc_global_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
