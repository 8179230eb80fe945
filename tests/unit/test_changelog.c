/*
 * test_changelog.c - what schemas v13 and v14 write without triggers: the
 * change log row of a new article, and of one whose mentions or events
 * were written again, or whose mentions moved in an entity merge (shards
 * re-send it); the mark of a late article for the phrase lists; and URLs:
 * an article's own URL only in article.url, its other URLs in article_url,
 * each still finding the article.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "enrich.h"
#include "newsarc.h"
#include "test_dir.h"

static char dbfile[800];

static arc_db_t *
open_new(const char *name)
{
    const char *dir = test_fresh_dir("test_changelog", name);
    arc_db_t *db = NULL;
    char *err = NULL;

    snprintf(dbfile, sizeof dbfile, "%s/archive.db", dir);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_null(err);
    return db;
}

/* One integer from a query with an optional ?1, on a connection of its own. */
static int64_t
scalar(const char *sql, int64_t p1)
{
    sqlite3 *raw = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_open_v2(dbfile, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, p1);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return v;
}

static int64_t
newest_seq(void)
{
    return scalar("SELECT coalesce(max(seq), 0) FROM change_log", 0);
}

/* Rows logging article id after seq. */
static int64_t
rows_after(int64_t id, int64_t seq)
{
    char sql[160];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM change_log WHERE kind = 0 AND id = ?1"
             " AND seq > %lld", (long long)seq);
    return scalar(sql, id);
}

static int
logged_after(int64_t id, int64_t seq)
{
    return rows_after(id, seq) > 0;
}

static int64_t
put(arc_db_t *db, const char *url, const char *guid, const char *title, const char *body,
    arc_put_result_t *res)
{
    arc_article_t a;
    int64_t id = 0, s, end;

    memset(&a, 0, sizeof a);
    assert_int_equal(arc_time_parse_user("2025-11-30", &s, &end), ARC_OK);
    a.url = url;
    a.guid = guid;
    a.title = title;
    a.body = body;
    a.source = "Test Wire";
    a.published = s + 3600;
    assert_int_equal(arc_article_put(db, &a, &id, res), ARC_OK);
    return id;
}

/* Store and enrich as an import does (is_new: the article is new). */
static int64_t
put_enriched(arc_db_t *db, const char *url, const char *title, const char *body)
{
    arc_put_result_t res;
    idx_enrichment_t e;
    int64_t id = put(db, url, NULL, title, body, &res);

    idx_enrich_compute(title, body, ARC_TIME_NONE, &e);
    assert_int_equal(idx_enrich_store_new(db, id, &e, res == ARC_PUT_NEW), ARC_OK);
    idx_enrich_clear(&e);
    return id;
}

static const char *const body_a =
    "President Vladimir Putin met envoy Steve Witkoff in Moscow on Tuesday. "
    "Witkoff said the talks in Moscow would continue on December 4, 2025.";
static const char *const body_b =
    "Steve Witkoff flew to Berlin on Wednesday. Witkoff will meet officials "
    "in Berlin on December 5, 2025, and return to Washington.";

static void
enrichment_written_again_should_log_the_article_once_more(void **state)
{
    arc_db_t *db = open_new("again");
    int64_t a, b, seq;
    idx_enrichment_t e;

    (void)state;
    a = put_enriched(db, "https://news.example/a", "Putin meets Witkoff", body_a);
    b = put_enriched(db, "https://news.example/b", "Witkoff in Berlin", body_b);
    assert_true(logged_after(a, 0));
    seq = newest_seq();
    assert_false(logged_after(a, seq));
    /* an update of the text re-enriches: old rows deleted, new ones written */
    idx_enrich_compute("Putin meets Witkoff", body_a, ARC_TIME_NONE, &e);
    assert_int_equal(idx_enrich_store(db, a, &e), ARC_OK);
    idx_enrich_clear(&e);
    assert_true(logged_after(a, seq));
    assert_false(logged_after(b, seq));
    /* one row for all its mentions and events, not one per row */
    assert_int_equal(rows_after(a, seq), 1);
    arc_db_close(db);
}

/* A stored article published at the given day (YYYY-MM-DD). */
static int64_t
put_dated(arc_db_t *db, const char *url, const char *day)
{
    arc_article_t a;
    int64_t id = 0, s, end;

    memset(&a, 0, sizeof a);
    assert_int_equal(arc_time_parse_user(day, &s, &end), ARC_OK);
    a.url = url;
    a.title = "Harbour cranes idle as the dock strike enters its second week";
    a.body = "The cranes of the harbour stood idle on Monday as the dock strike entered "
             "its second week, and the harbour master said ships were waiting offshore.";
    a.source = "Test Wire";
    a.published = s + 3600;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    return id;
}

static void
new_article_should_be_logged_even_without_entities(void **state)
{
    arc_db_t *db = open_new("new");
    arc_put_result_t res;
    int64_t a;

    (void)state;
    /* no enrichment: only the insert itself can log it */
    a = put(db, "https://news.example/plain", NULL, "Plain", "Nothing to find here.", &res);
    assert_int_equal(res, ARC_PUT_NEW);
    assert_int_equal(rows_after(a, 0), 1);
    arc_db_close(db);
}

static void
late_import_should_be_marked_for_the_phrase_lists(void **state)
{
    arc_db_t *db = open_new("late");
    arc_optimize_report_t rep;
    int64_t older, newer;
    const char *stale = "SELECT count(*) FROM phrase_pair_stale WHERE id = ?1";

    (void)state;
    put_dated(db, "https://news.example/d1", "2025-03-10");
    put_dated(db, "https://news.example/d2", "2025-03-11");
    assert_int_equal(arc_rank_optimize(db, 1, &rep), ARC_OK);
    /* the lists cover up to the newest id: an older article arriving now
     * must be confirmed one by one, a newer one is searched above them */
    older = put_dated(db, "https://news.example/late", "2025-03-09");
    newer = put_dated(db, "https://news.example/next", "2025-03-12");
    assert_int_equal(scalar(stale, older), 1);
    assert_int_equal(scalar(stale, newer), 0);
    arc_db_close(db);
}

static void
entity_merge_should_log_every_article_that_mentions_the_merged_entity(void **state)
{
    arc_db_t *db = open_new("merge");
    int64_t a, b, from, into, seq;
    int merged = 0;

    (void)state;
    a = put_enriched(db, "https://news.example/a", "Putin meets Witkoff", body_a);
    b = put_enriched(db, "https://news.example/b", "Witkoff in Berlin", body_b);
    from = scalar("SELECT id FROM entity WHERE name = 'Berlin'", 0);
    into = scalar("SELECT id FROM entity WHERE name = 'Moscow'", 0);
    assert_true(from > 0 && into > 0);
    seq = newest_seq();
    assert_int_equal(arc_entity_merge(db, from, into, &merged), ARC_OK);
    assert_int_equal(merged, 1);
    assert_true(logged_after(b, seq));   /* mentioned Berlin */
    assert_false(logged_after(a, seq));  /* only Moscow: its mentions did not move */
    arc_db_close(db);
}

static void
urls_should_keep_only_other_forms_and_find_the_article_by_each(void **state)
{
    arc_db_t *db = open_new("urls");
    arc_put_result_t res;
    int64_t id, again;
    static const struct {
        const char *url, *guid, *title;
        arc_put_result_t want;
        int64_t url_rows;           /* article_url rows after the put */
    } steps[] = {
        { "https://news.example/one", "g1", "One", ARC_PUT_NEW, 0 },
        { "https://news.example/one?utm_source=x", NULL, "One", ARC_PUT_DUPLICATE, 0 },
        { "https://news.example/one-renamed", "g1", "One, updated", ARC_PUT_UPDATED, 1 },
        { "https://news.example/one-renamed", NULL, "One, updated", ARC_PUT_DUPLICATE, 1 },
        { "https://news.example/one", NULL, "One, updated", ARC_PUT_DUPLICATE, 1 },
    };

    (void)state;
    id = put(db, steps[0].url, steps[0].guid, steps[0].title, "Body of one.", &res);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        again = i ? put(db, steps[i].url, steps[i].guid, steps[i].title, "Body of one.", &res)
                  : id;
        assert_int_equal(again, id);
        assert_int_equal(res, steps[i].want);
        assert_int_equal(scalar("SELECT count(*) FROM article_url", 0), steps[i].url_rows);
    }
    assert_int_equal(scalar("SELECT count(*) FROM article_url WHERE article_id = ?1"
                            " AND url = 'https://news.example/one-renamed'", id), 1);
    assert_int_equal(arc_article_set_capture(db, "https://news.example/one-renamed",
                                             "warc/x.warc.gz#0", 1, &again), ARC_OK);
    assert_int_equal(again, id);
    assert_int_equal(arc_article_set_capture(db, "https://news.example/one",
                                             "warc/x.warc.gz#1", 1, &again), ARC_OK);
    assert_int_equal(again, id);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enrichment_written_again_should_log_the_article_once_more),
        cmocka_unit_test(new_article_should_be_logged_even_without_entities),
        cmocka_unit_test(late_import_should_be_marked_for_the_phrase_lists),
        cmocka_unit_test(entity_merge_should_log_every_article_that_mentions_the_merged_entity),
        cmocka_unit_test(urls_should_keep_only_other_forms_and_find_the_article_by_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
