/*
 * test_checkpoint.c - archive.db's log copied back by a thread of its own
 * during a bulk import (archive/checkpoint.c): the copy happens while the
 * writer's connection stays open, and the log starts again once long;
 * the import's statement journals are kept in memory (article.c).
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
#include <sys/stat.h>

#include "archive-private.h"
#include "newsarc.h"
#include "test_archive_util.h"
#include "test_dir.h"

static long long
file_size(const arc_db_t *db, const char *name)
{
    char path[760];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", arc_db_path((arc_db_t *)db), name);
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* A batch of n articles of some 3 KB each, article i unique. */
static void
import_batch(arc_db_t *db, int from, int n)
{
    char url[80], title[80], body[3200];

    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = from; i < from + n; i++) {
        arc_article_t a;
        size_t len = 0;
        memset(&a, 0, sizeof a);
        snprintf(url, sizeof url, "https://x.example/c%d", i);
        snprintf(title, sizeof title, "Harbour ledger %d", i);
        /* words that differ per article, so bodies do not compress away */
        while (len + 40 < sizeof body)
            len += (size_t)snprintf(body + len, sizeof body - len, "cargo%d tide%d ",
                                    (int)((i * 7919 + len) % 100003), (int)(len * 31 + i));
        a.url = url;
        a.title = title;
        a.body = body;
        a.published = 1764547200 + 60 * (int64_t)i;
        assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    }
    assert_int_equal(arc_article_index_pending(db), ARC_OK);
    assert_int_equal(arc_db_commit(db), ARC_OK);
}

/* While the import's connection stays open, its commits reach
 * archive.db itself: the thread copies them. */
static void
the_thread_should_copy_the_log_while_the_writer_stays_open(void **state)
{
    arc_db_t *db = test_open_dir(test_fresh_dir("test_checkpoint", "copy"), ARC_OPEN_CREATE);
    long long db_before;
    (void)state;

    arc_article_defer_index(db, 1);
    assert_non_null(db->ckpt);
    /* the import's statement journals in memory, not in temp files */
    assert_int_equal(test_sql_int(db, "PRAGMA temp_store"), 2);
    db_before = file_size(db, "archive.db");
    for (int b = 0; b < 20; b++)
        import_batch(db, b * 20, 20);
    /* 400 articles of 3 KB: the writer's connection checkpoints nothing
     * itself any more, so only the thread can have put them there */
    assert_true(file_size(db, "archive.db") > db_before + 256 * 1024);
    arc_article_defer_index(db, 0);
    assert_null(db->ckpt);
    assert_int_equal(test_sql_int(db, "PRAGMA temp_store"), 0);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM article"), 400);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* A reader's snapshot keeps the thread from copying the whole log, which
 * grows past the limit; once the reader is gone, the writer waits at a
 * begin for the copy and the log starts again. */
static void
a_long_log_should_start_again_at_a_begin(void **state)
{
    arc_db_t *db = test_open_dir(test_fresh_dir("test_checkpoint", "restart"), ARC_OPEN_CREATE);
    char path[760];
    sqlite3 *reader;
    int grown;
    (void)state;

    arc_article_defer_index(db, 1);
    assert_non_null(db->ckpt);
    Arc_ckpt_set_restart(db, 64);
    import_batch(db, 0, 20);
    snprintf(path, sizeof path, "%s/archive.db", arc_db_path(db));
    assert_int_equal(sqlite3_open_v2(path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM article", NULL, NULL,
                                  NULL), SQLITE_OK);
    for (int b = 1; b < 12; b++)
        import_batch(db, b * 20, 20);
    grown = Arc_ckpt_log_pages(db);
    assert_true(grown > 64);
    assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(reader);
    /* this batch begins with all of the log copied: it is written at the
     * log's start */
    import_batch(db, 240, 20);
    assert_true(Arc_ckpt_log_pages(db) < grown / 2);
    arc_article_defer_index(db, 0);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM article"), 260);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_thread_should_copy_the_log_while_the_writer_stays_open),
        cmocka_unit_test(a_long_log_should_start_again_at_a_begin),
    };
    arc_global_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
