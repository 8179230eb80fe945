/*
 * test_archive.c - the storage library: opening, schema safety, storing
 * with deduplication, version history, ids that follow publication day,
 * date ranges, search, entities, stories and timelines. arc_db_check()
 * runs after mutations so the FTS index is proven consistent.
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
#include <unistd.h>

#include "archive-private.h"
#include "newsarc.h"
#include "test_archive_util.h"

static char tmpdir[512];

static const char *
fresh_dir(const char *name)
{
    static char path[700];
    char cmd[800];
    const char *base = getenv("TEST_TMPDIR");

    snprintf(tmpdir, sizeof tmpdir, "%s/test_archive.%d", base ? base : "/tmp", (int)getpid());
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot clean %s", path);
    return path;
}

static arc_db_t *
open_new(const char *name)
{
    arc_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(arc_db_open(fresh_dir(name), ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_null(err);
    return db;
}

static int64_t
T(const char *iso)
{
    int64_t s, e;
    assert_int_equal(arc_time_parse_user(iso, &s, &e), ARC_OK);
    return s;
}

static arc_article_t
article(const char *url, const char *title, const char *body, const char *published)
{
    arc_article_t a;
    memset(&a, 0, sizeof a);
    a.url = url;
    a.title = title;
    a.body = body;
    a.source = "Test Wire";
    a.published = published ? T(published) : ARC_TIME_NONE;
    return a;
}

static const char long_body[] =
    "Envoys met in Miami on Sunday to discuss a framework for ending the war. "
    "The talks lasted several hours and officials from both delegations said "
    "the atmosphere was businesslike, though no document was signed. A second "
    "round is expected later in the week, according to people familiar with it.";

/* ---- URL canonicalisation ---- */

static void
url_should_canonicalise_tracking_and_case(void **state)
{
    static const struct { const char *in, *out; } cases[] = {
        { "HTTPS://Example.COM/a/b?utm_source=rss&id=3#frag", "https://example.com/a/b?id=3" },
        { "http://example.com:80/x", "http://example.com/x" },
        { "https://example.com:443", "https://example.com/" },
        { "https://example.com:8443/x", "https://example.com:8443/x" },
        { "https://ex.com/p?fbclid=1&gclid=2", "https://ex.com/p" },
        { "https://ex.com/p?a=1&utm_medium=feed&b=2", "https://ex.com/p?a=1&b=2" },
        { "  https://ex.com/Case/Kept  ", "https://ex.com/Case/Kept" },
        { "https://user:pw@ex.com/x", "https://ex.com/x" },
        { "https://ex.com./x", "https://ex.com/x" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        assert_int_equal(arc_url_canonicalize(cases[i].in, &out), ARC_OK);
        assert_string_equal(out, cases[i].out);
        arc_free(out);
    }
}

static void
url_should_reject_non_http(void **state)
{
    static const char *const bad[] = { "ftp://x/y", "example.com/x", "", "https://", "javascript:alert(1)" };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out = (char *)1;
        assert_int_equal(arc_url_canonicalize(bad[i], &out), ARC_E_BAD_ARG);
        assert_null(out);
    }
}

/* ---- opening ---- */

static void
open_should_refuse_missing_archive_without_create(void **state)
{
    arc_db_t *db = (arc_db_t *)1;
    char *err = NULL;
    (void)state;
    assert_int_equal(arc_db_open(fresh_dir("missing"), ARC_OPEN_READONLY, &db, &err),
                     ARC_E_NOT_FOUND);
    assert_null(db);
    assert_non_null(strstr(err, "missing"));
    arc_free(err);
}

static void
open_should_refuse_foreign_database_unchanged(void **state)
{
    const char *dir = fresh_dir("foreign");
    char path[800], cmd[900];
    sqlite3 *s;
    struct stat before, after;
    arc_db_t *db = NULL;
    char *err = NULL;
    (void)state;

    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/archive.db", dir);
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, "CREATE TABLE notes(x); INSERT INTO notes VALUES (1)", 0, 0, 0), SQLITE_OK);
    sqlite3_close(s);
    assert_int_equal(stat(path, &before), 0);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_CREATE, &db, &err), ARC_E_CORRUPT);
    assert_non_null(strstr(err, "not a newsarchive archive"));
    arc_free(err);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_mtime, after.st_mtime);
    snprintf(cmd, sizeof cmd, "%s/archive.db-wal", dir);
    assert_int_not_equal(access(cmd, F_OK), 0); /* not switched to WAL */
}

static void
open_should_refuse_newer_schema(void **state)
{
    const char *dir = fresh_dir("newer");
    char path[800];
    arc_db_t *db = open_new("newer");
    sqlite3 *s;
    char *err = NULL;
    (void)state;
    (void)dir;
    arc_db_close(db);
    snprintf(path, sizeof path, "%s/archive.db", dir);
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, "PRAGMA user_version = 999", 0, 0, 0), SQLITE_OK);
    sqlite3_close(s);
    db = NULL;
    assert_int_equal(arc_db_open(dir, 0, &db, &err), ARC_E_VERSION);
    assert_non_null(strstr(err, "newer"));
    arc_free(err);
}

/* The first column of the first row of sql on db's connection, with arg
 * bound to ?1 when not NULL; none is -1. */
static int64_t
sql_int(arc_db_t *db, const char *sql, const char *arg)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL), SQLITE_OK);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int64_t
cache_kib(arc_db_t *db)
{
    return sql_int(db, "PRAGMA cache_size", NULL);
}

/* A handle opened for a scan (an export) keeps a small page cache and
 * gives the same rows as any other. */
static void
open_for_a_scan_should_keep_a_small_page_cache(void **state)
{
    const char *dir = fresh_dir("scan");
    arc_db_t *db = open_new("scan"), *a = NULL, *b = NULL;
    char url[64], *err = NULL;
    arc_article_t art;
    int64_t ids[2][40];
    size_t n[2] = { 0, 0 };
    (void)state;

    for (int i = 0; i < 30; i++) {
        memset(&art, 0, sizeof art);
        snprintf(url, sizeof url, "https://scan.example/%d", i);
        art.url = url;
        art.title = "Harbour scan";
        art.body = "The harbour council met on Monday.";
        art.source = "Scan Post";
        art.published = 1700000000 + i * 3600;
        assert_int_equal(arc_article_put(db, &art, NULL, NULL), ARC_OK);
    }
    arc_db_close(db);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_READONLY, &a, &err), ARC_OK);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_READONLY | ARC_OPEN_SCAN, &b, &err), ARC_OK);
    assert_int_equal(cache_kib(a), -65536);
    assert_int_equal(cache_kib(b), -2048);
    for (int k = 0; k < 2; k++) {
        arc_query_t *q = NULL;
        arc_search_opts_t o;
        arc_cursor_t *c = NULL;
        const arc_hit_t *h;
        assert_int_equal(arc_query_parse("harbour", &q, NULL), ARC_OK);
        memset(&o, 0, sizeof o);
        o.sort = ARC_SORT_NEWEST;
        assert_int_equal(arc_search(k ? b : a, q, &o, &c), ARC_OK);
        while (arc_cursor_next(c, &h) == ARC_OK && h && n[k] < 40)
            ids[k][n[k]++] = h->id;
        arc_cursor_destroy(c);
        arc_query_destroy(q);
    }
    assert_int_equal(n[0], 30);
    assert_int_equal(n[1], 30);
    assert_memory_equal(ids[0], ids[1], 30 * sizeof ids[0][0]);
    arc_db_close(a);
    arc_db_close(b);
}

/* The FTS5 value of key k in the archive's index configuration, or -1. */
static int64_t
fts_config(arc_db_t *db, const char *k)
{
    return sql_int(db, "SELECT v FROM article_fts_config WHERE k = ?1", k);
}

/* A bulk import tunes the full-text index once, for good: a 16 MB hash
 * of pending terms (one segment a batch) and merges of 8 segments. A new
 * index.db is made with them (it is filled from the records at once); an
 * index without them gets them at the first import. */
static void
bulk_import_should_tune_the_index_once(void **state)
{
    arc_db_t *db = open_new("tune");
    char dir[800];
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    assert_int_equal(fts_config(db, "automerge"), 8);
    assert_int_equal(sqlite3_exec(db->sql, "DELETE FROM ix.article_fts_config"
                                           " WHERE k IN ('hashsize', 'automerge')",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(fts_config(db, "automerge"), -1);    /* FTS5's default */
    arc_article_defer_index(db, 1);
    assert_int_equal(fts_config(db, "hashsize"), 16 * 1024 * 1024);
    assert_int_equal(fts_config(db, "automerge"), 8);
    arc_article_defer_index(db, 0);
    arc_article_defer_index(db, 1);
    arc_db_close(db);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_READONLY, &db, NULL), ARC_OK);
    assert_int_equal(fts_config(db, "automerge"), 8);
    arc_db_close(db);
}

/* A new archive's index.db has 32 KB pages, archive.db 8 KB (index_file.c
 * says why). An index.db of 8 KB pages, as older archives have, keeps
 * them: it is built from the records, searched and written as before. */
static void
index_file_should_work_with_old_and_new_page_sizes(void **state)
{
    arc_db_t *db = open_new("pages");
    arc_article_t a = article("https://x.example/p1", "Harbour pilots strike", long_body,
                              "2025-12-03");
    arc_article_t b = article("https://x.example/p2", "Harbour reopens",
                              "Ships moved again on Monday after the pilots went back.",
                              "2025-12-04");
    char dir[800], path[900];
    const char *const ends[] = { "", "-wal", "-shm" };
    sqlite3 *s = NULL;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    assert_int_equal(sql_int(db, "PRAGMA ix.page_size", NULL), 32768);
    assert_int_equal(sql_int(db, "PRAGMA main.page_size", NULL), 8192);
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    arc_db_close(db);

    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        snprintf(path, sizeof path, "%s/index.db%s", dir, ends[i]);
        (void)unlink(path);
    }
    snprintf(path, sizeof path, "%s/index.db", dir);
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, "PRAGMA page_size = 8192; CREATE TABLE t(x); DROP TABLE t",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);

    assert_int_equal(arc_db_open(dir, 0, &db, NULL), ARC_OK);
    assert_int_equal(sql_int(db, "PRAGMA ix.page_size", NULL), 8192);
    assert_int_equal(test_count_range(db, "harbour", 0, 0), 1);
    assert_int_equal(arc_article_put(db, &b, NULL, NULL), ARC_OK);
    assert_int_equal(test_count_range(db, "harbour", 0, 0), 2);
    assert_int_equal(test_count_range(db, "pilots", 0, 0), 2);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
open_should_refuse_a_file_that_is_not_sqlite(void **state)
{
    const char *dir = fresh_dir("garbage");
    char path[800], cmd[900];
    FILE *f;
    arc_db_t *db = NULL;
    char *err = NULL;
    (void)state;
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/archive.db", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database at all. ", f);
    fclose(f);
    assert_int_not_equal(arc_db_open(dir, 0, &db, &err), ARC_OK);
    assert_null(db);
    assert_non_null(err);
    arc_free(err);
}

static void
readonly_handle_should_refuse_writes(void **state)
{
    arc_db_t *db = open_new("ro");
    arc_article_t a = article("https://x.example/1", "One", NULL, "2025-12-01");
    char dir[800];
    (void)state;
    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    arc_db_close(db);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_READONLY, &db, NULL), ARC_OK);
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_E_READONLY);
    arc_db_close(db);
}

/* ---- storing and deduplication ---- */

/* A hash computed beforehand (arc_article_hash, as an import's reader
 * thread does) is the one arc_article_put() matches by: the same as its
 * own for the same text, and taken as given. */
static void
put_should_match_by_a_precomputed_hash(void **state)
{
    arc_db_t *db = open_new("prehash");
    arc_put_result_t r;
    int64_t id1, id2;
    char h[33], h2[33], other[33];
    arc_article_t a = article("https://news.example/h1", "Talks in Miami", long_body, "2025-11-30T12:00:00Z");
    arc_article_t b;
    char *loud = strdup(long_body);
    (void)state;

    assert_non_null(loud);
    for (char *p = loud; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    arc_article_hash(a.title, long_body, h);
    arc_article_hash("TALKS  IN\tMIAMI", loud, h2);
    assert_int_equal(strlen(h), 32);
    assert_string_equal(h, h2);     /* case and runs of space do not count */
    arc_article_hash(a.title, "Another text altogether, long enough to be hashed by the"
                              " archive: two hundred bytes or more of it, which takes a"
                              " sentence or two of padding, and then some more words to"
                              " be quite sure of it.", other);
    assert_string_not_equal(h, other);
    a.body_hash = h;
    assert_int_equal(arc_article_put(db, &a, &id1, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_NEW);
    /* the same text elsewhere, hashed by the archive: the same article */
    b = article("https://copy.example/1", "Talks in Miami", long_body, "2025-11-30T12:00:00Z");
    b.source = "Copy Desk";
    assert_int_equal(arc_article_put(db, &b, &id2, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_DUPLICATE);
    assert_true(id1 == id2);
    /* another text with that hash given: matched by the hash as given */
    b = article("https://copy.example/2", "Talks in Miami", loud, "2025-11-30T12:00:00Z");
    b.title = "Something else";
    b.source = "Copy Desk";
    b.body_hash = h;
    assert_int_equal(arc_article_put(db, &b, &id2, &r), ARC_OK);
    assert_int_not_equal(r, ARC_PUT_NEW);
    assert_true(id1 == id2);
    /* and with its own hash, a new article */
    b.url = "https://copy.example/3";
    b.body_hash = other;
    assert_int_equal(arc_article_put(db, &b, &id2, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_NEW);
    free(loud);
    arc_db_close(db);
}

static void
put_should_dedupe_by_url_guid_and_content(void **state)
{
    arc_db_t *db = open_new("dedupe");
    arc_put_result_t r;
    int64_t id1, id2;
    arc_stats_t s;
    arc_article_t a = article("https://news.example/a?utm_source=rss", "Talks in Miami", long_body, "2025-11-30T12:00:00Z");
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id1, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_NEW);
    /* same canonical URL */
    a.url = "HTTPS://NEWS.example/a#top";
    assert_int_equal(arc_article_put(db, &a, &id2, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_DUPLICATE);
    assert_true(id1 == id2);
    /* same text under another URL (a syndicated copy) */
    a.url = "https://other.example/copy";
    a.source = "Other Paper";
    assert_int_equal(arc_article_put(db, &a, &id2, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_DUPLICATE);
    assert_true(id1 == id2);
    /* same GUID within a source, new URL and text */
    a = article("https://news.example/guid-1", "First", "short", "2025-11-30");
    a.guid = "tag:news.example,2025:1";
    assert_int_equal(arc_article_put(db, &a, &id1, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_NEW);
    a.url = "https://news.example/guid-1-renamed";
    assert_int_equal(arc_article_put(db, &a, &id2, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_DUPLICATE);
    assert_true(id1 == id2);
    /* the same GUID in another source is another article */
    a.source = "Elsewhere";
    a.url = "https://elsewhere.example/x";
    assert_int_equal(arc_article_put(db, &a, &id2, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_NEW);
    assert_true(id1 != id2);
    assert_int_equal(arc_db_stats(db, &s), ARC_OK);
    assert_int_equal(s.articles, 3);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
put_should_keep_history_when_text_changes(void **state)
{
    arc_db_t *db = open_new("versions");
    arc_article_t a = article("https://news.example/v", "Old headline", "old body text", "2025-12-01");
    arc_article_t *got = NULL;
    arc_put_result_t r;
    int64_t id;
    arc_stats_t s;
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id, &r), ARC_OK);
    a.title = "New headline";
    a.body = "new body text about a ceasefire";
    assert_int_equal(arc_article_put(db, &a, &id, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_UPDATED);
    /* an empty body never erases stored text */
    a.body = NULL;
    assert_int_equal(arc_article_put(db, &a, &id, &r), ARC_OK);
    assert_int_equal(r, ARC_PUT_DUPLICATE);
    assert_int_equal(arc_article_get(db, id, &got), ARC_OK);
    assert_string_equal(got->title, "New headline");
    assert_string_equal(got->body, "new body text about a ceasefire");
    assert_int_equal(got->version, 2);
    arc_article_destroy(got);
    assert_int_equal(arc_db_stats(db, &s), ARC_OK);
    assert_int_equal(s.versions, 1);
    /* the index follows the update: the new word is found, the old is gone */
    assert_int_equal(test_count_range(db, "ceasefire", 0, 0), 1);
    assert_int_equal(test_count_range(db, "old", 0, 0), 0);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
put_should_reject_missing_url_or_title(void **state)
{
    arc_db_t *db = open_new("reject");
    arc_article_t a = article(NULL, "Title", NULL, NULL);
    (void)state;
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_E_BAD_ARG);
    assert_non_null(strstr(arc_db_errmsg(db), "URL"));
    a = article("https://x.example/", "", NULL, NULL);
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_E_BAD_ARG);
    assert_non_null(strstr(arc_db_errmsg(db), "title"));
    a = article("not a url", "T", NULL, NULL);
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_E_BAD_ARG);
    arc_db_close(db);
}

/* ---- ids follow publication day; date ranges ---- */

static void
ids_should_follow_publication_day_even_out_of_order(void **state)
{
    arc_db_t *db = open_new("ids");
    static const char *const dates[] = {
        "2025-12-05T10:00:00Z", "2025-11-01T10:00:00Z", "2025-12-05T23:59:59Z",
        "2024-02-29T00:00:00Z", "2025-11-15T08:00:00Z", "1999-01-01T00:00:00Z"
    };
    int64_t ids[6];
    char url[64];
    (void)state;

    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 6; i++) {
        arc_article_t a;
        snprintf(url, sizeof url, "https://x.example/%d", i);
        a = article(url, "Headline about talks", NULL, dates[i]);
        assert_int_equal(arc_article_put(db, &a, &ids[i], NULL), ARC_OK);
    }
    assert_int_equal(arc_db_commit(db), ARC_OK);
    /* order of ids = order of dates, whatever the import order */
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            if (T(dates[i]) < T(dates[j]))
                assert_true(ids[i] < ids[j]);
    /* date windows are exact at the edges */
    assert_int_equal(test_count_range(db, "talks", T("2025-12-05"), T("2025-12-06")), 2);
    assert_int_equal(test_count_range(db, "talks", T("2025-11-01"), T("2025-12-01")), 2);
    assert_int_equal(test_count_range(db, "talks", T("2025-12-05T12:00:00Z"), 0), 1);
    assert_int_equal(test_count_range(db, "talks", 0, T("2000-01-01")), 1);
    assert_int_equal(test_count_range(db, "date:2025-11", 0, 0), 2);
    assert_int_equal(test_count_range(db, "talks date:2024", 0, 0), 1);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* ---- search ---- */

static void
search_should_rank_title_above_body_and_sort_by_date(void **state)
{
    arc_db_t *db = open_new("rank");
    arc_article_t a;
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    int64_t body_id, title_id;
    (void)state;

    a = article("https://x.example/body", "Markets close higher",
                "Traders mentioned the ceasefire only in passing late in the day.", "2025-12-03");
    assert_int_equal(arc_article_put(db, &a, &body_id, NULL), ARC_OK);
    a = article("https://x.example/title", "Ceasefire holds in the east",
                "Officials said the line was quiet overnight.", "2025-12-01");
    assert_int_equal(arc_article_put(db, &a, &title_id, NULL), ARC_OK);

    memset(&o, 0, sizeof o);
    o.want_snippet = 1;
    assert_int_equal(arc_query_parse("ceasefire", &q, NULL), ARC_OK);
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
    assert_non_null(h);
    assert_true(h->id == title_id);
    assert_true(h->score > 0);
    assert_non_null(strstr(h->snippet, "[Ceasefire]"));
    assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
    assert_true(h->id == body_id);
    assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
    assert_null(h);
    arc_cursor_destroy(c);

    o.sort = ARC_SORT_NEWEST;
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
    assert_true(h->id == body_id);
    arc_cursor_destroy(c);

    o.sort = ARC_SORT_OLDEST;
    o.limit = 1;
    o.offset = 1;
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
    assert_true(h->id == body_id);
    assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
    assert_null(h);
    arc_cursor_destroy(c);
    arc_query_destroy(q);

    assert_int_equal(test_count_range(db, "ceasefire -markets", 0, 0), 1);
    assert_int_equal(test_count_range(db, "quiet OR traders", 0, 0), 2);
    assert_int_equal(test_count_range(db, "\"line was quiet\"", 0, 0), 1);
    assert_int_equal(test_count_range(db, "\"quiet was line\"", 0, 0), 0);
    assert_int_equal(test_count_range(db, "title:ceasefire", 0, 0), 1);
    assert_int_equal(test_count_range(db, "cease*", 0, 0), 2);
    assert_int_equal(test_count_range(db, "source:\"Test Wire\" ceasefire", 0, 0), 2);
    assert_int_equal(test_count_range(db, "source:nobody ceasefire", 0, 0), 0);
    arc_db_close(db);
}

static void
search_should_treat_fts_syntax_as_literal_text(void **state)
{
    arc_db_t *db = open_new("literal");
    arc_article_t a = article("https://x.example/s", "NEAR the border", "A column: text", "2025-12-03");
    static const char *const hostile[] = {
        "NEAR", "near(", "\"a\" AND \"b", "column:", "^border", "a*b", "x\"y",
        "'; DROP TABLE article; --", "{title}", "border\"", "AND", "NOT",
    };
    (void)state;
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        arc_query_t *q = NULL;
        arc_query_error_t err;
        arc_status_t st = arc_query_parse(hostile[i], &q, &err);
        if (st == ARC_OK) {
            int64_t n = -1;
            arc_search_opts_t o;
            memset(&o, 0, sizeof o);
            st = arc_search_count(db, q, &o, &n);
            /* either an answer or a query error; never an SQL error */
            assert_true(st == ARC_OK || st == ARC_E_BAD_QUERY);
            arc_query_destroy(q);
        } else {
            assert_int_equal(st, ARC_E_BAD_QUERY);
            assert_true(err.column >= 1);
        }
    }
    assert_int_equal(test_count_range(db, "NEAR border", 0, 0), 1);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* ---- entities, stories, timelines ---- */

static void
enrich_should_link_surname_to_full_name(void **state)
{
    arc_db_t *db = open_new("entities");
    arc_article_t a;
    int64_t id1, id2;
    arc_mention_t m1[] = { { ARC_ENTITY_PERSON, "Vladimir Putin", "Putin", 3, 10, NULL, 0, 0 },
                           { ARC_ENTITY_PLACE, "Moscow", NULL, 1, 40, NULL, 0, 0 } };
    arc_mention_t m2[] = { { ARC_ENTITY_PERSON, "Putin", NULL, 1, 0, NULL, 0, 0 } };
    arc_entity_ref_t *r1 = NULL, *r2 = NULL;
    size_t n1, n2;
    (void)state;

    a = article("https://x.example/p1", "Putin meets envoy", "Vladimir Putin met...", "2025-12-02");
    assert_int_equal(arc_article_put(db, &a, &id1, NULL), ARC_OK);
    a = article("https://x.example/p2", "Kremlin statement", "Putin said...", "2025-12-03");
    assert_int_equal(arc_article_put(db, &a, &id2, NULL), ARC_OK);
    assert_int_equal(arc_article_enrich(db, id1, m1, 2, NULL, 0), ARC_OK);
    assert_int_equal(arc_article_enrich(db, id2, m2, 1, NULL, 0), ARC_OK);
    /* re-enriching replaces, never doubles */
    assert_int_equal(arc_article_enrich(db, id1, m1, 2, NULL, 0), ARC_OK);
    assert_int_equal(arc_article_entities(db, id1, &r1, &n1), ARC_OK);
    assert_int_equal(arc_article_entities(db, id2, &r2, &n2), ARC_OK);
    assert_int_equal(n1, 2);
    assert_int_equal(n2, 1);
    assert_string_equal(r1[0].name, "Vladimir Putin");
    assert_int_equal(r1[0].count, 3);
    assert_true(r1[0].id == r2[0].id);
    assert_string_equal(r2[0].name, "Vladimir Putin");
    arc_entity_refs_free(r1, n1);
    arc_entity_refs_free(r2, n2);
    assert_int_equal(test_count_range(db, "person:Putin", 0, 0), 2);
    assert_int_equal(test_count_range(db, "person:\"Vladimir Putin\"", 0, 0), 2);
    assert_int_equal(test_count_range(db, "place:Moscow", 0, 0), 1);
    assert_int_equal(test_count_range(db, "person:Moscow", 0, 0), 0);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
story_and_timeline_should_order_events_by_event_date(void **state)
{
    arc_db_t *db = open_new("story");
    arc_article_t a;
    int64_t id1, id2, story = 0, s2 = 0;
    arc_event_t ev1[] = { { T("2025-12-02"), ARC_GRAN_DAY, "Envoy flies to Moscow.", 0, 22, 0 },
                          { T("2025-11-30"), ARC_GRAN_DAY, "Talks were held in Miami.", 23, 48, 0 } };
    arc_event_t ev2[] = { { T("2025-12-01"), ARC_GRAN_MONTH, "Leaders speak.", 0, 14, 1 } };
    arc_story_t *s = NULL;
    arc_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    arc_search_opts_t o;
    int64_t dates[4];
    int n = 0;
    (void)state;

    a = article("https://x.example/t1", "Envoy to Moscow", "Envoy flies to Moscow. Talks were held in Miami.", "2025-12-02");
    assert_int_equal(arc_article_put(db, &a, &id1, NULL), ARC_OK);
    a = article("https://x.example/t2", "Leaders speak", "Leaders speak.", "2025-12-03");
    assert_int_equal(arc_article_put(db, &a, &id2, NULL), ARC_OK);
    assert_int_equal(arc_article_enrich(db, id1, NULL, 0, ev1, 2), ARC_OK);
    assert_int_equal(arc_article_enrich(db, id2, NULL, 0, ev2, 1), ARC_OK);
    assert_int_equal(arc_story_assign(db, id1, 0, &story), ARC_OK);
    assert_int_equal(arc_story_assign(db, id2, story, &s2), ARC_OK);
    assert_true(story == s2);
    assert_int_equal(arc_story_get(db, story, &s), ARC_OK);
    assert_int_equal(s->article_count, 2);
    assert_string_equal(s->title, "Envoy to Moscow");
    assert_true(s->first_date == T("2025-12-02"));
    arc_story_destroy(s);

    memset(&o, 0, sizeof o);
    assert_int_equal(arc_timeline_open(db, NULL, story, &o, &t), ARC_OK);
    while (arc_timeline_next(t, &e) == ARC_OK && e && n < 4)
        dates[n++] = e->date;
    arc_timeline_destroy(t);
    assert_int_equal(n, 3);
    assert_true(dates[0] == T("2025-11-30"));
    assert_true(dates[1] == T("2025-12-01"));
    assert_true(dates[2] == T("2025-12-02"));

    /* the range bounds event dates, not publication dates */
    o.since = T("2025-11-29");
    o.until = T("2025-12-01");
    n = 0;
    assert_int_equal(arc_timeline_open(db, NULL, 0, &o, &t), ARC_OK);
    while (arc_timeline_next(t, &e) == ARC_OK && e)
        n++;
    arc_timeline_destroy(t);
    assert_int_equal(n, 1);

    /* moving an article refreshes both stories */
    assert_int_equal(arc_story_assign(db, id2, 0, &s2), ARC_OK);
    assert_true(s2 != story);
    assert_int_equal(arc_story_get(db, story, &s), ARC_OK);
    assert_int_equal(s->article_count, 1);
    arc_story_destroy(s);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
rollback_should_leave_nothing_behind(void **state)
{
    arc_db_t *db = open_new("rollback");
    arc_article_t a = article("https://x.example/r", "Rolled back", "text", "2025-12-01");
    arc_stats_t s;
    (void)state;
    assert_int_equal(arc_db_begin(db), ARC_OK);
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    arc_db_rollback(db);
    assert_int_equal(arc_db_stats(db, &s), ARC_OK);
    assert_int_equal(s.articles, 0);
    assert_int_equal(test_count_range(db, "rolled", 0, 0), 0);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
second_writer_should_get_busy_not_corruption(void **state)
{
    arc_db_t *w1 = open_new("busy"), *w2 = NULL;
    char dir[800];
    (void)state;
    snprintf(dir, sizeof dir, "%s", arc_db_path(w1));
    assert_int_equal(arc_db_open(dir, 0, &w2, NULL), ARC_OK);
    assert_int_equal(arc_db_begin(w1), ARC_OK);
    /* keep the test fast: w2 would wait for its busy timeout */
    {
        sqlite3 *s;
        char path[900];
        snprintf(path, sizeof path, "%s/archive.db", dir);
        assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
        sqlite3_busy_timeout(s, 50);
        assert_int_equal(sqlite3_exec(s, "BEGIN IMMEDIATE", 0, 0, 0), SQLITE_BUSY);
        sqlite3_close(s);
    }
    assert_int_equal(arc_db_commit(w1), ARC_OK);
    assert_int_equal(arc_db_begin(w2), ARC_OK);
    assert_int_equal(arc_db_commit(w2), ARC_OK);
    arc_db_close(w1);
    arc_db_close(w2);
}


static void
readonly_open_should_upgrade_an_older_schema(void **state)
{
    arc_db_t *db = open_new("older");
    arc_article_t a = article("https://x.example/old", "Old layout", "text of an article", "2025-12-01");
    arc_article_t *got = NULL;
    char dir[800], path[900];
    int64_t id;
    sqlite3 *s;
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    arc_db_close(db);
    /* turn it into a version-4 archive: no published_raw column */
    snprintf(path, sizeof path, "%s/archive.db", dir);
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, "ALTER TABLE article DROP COLUMN published_raw;"
                                     " PRAGMA user_version = 4", 0, 0, 0), SQLITE_OK);
    sqlite3_close(s);
    /* a reader opens it, the schema is brought forward, the article reads */
    assert_int_equal(arc_db_open(dir, ARC_OPEN_READONLY, &db, NULL), ARC_OK);
    assert_int_equal(arc_article_get(db, id, &got), ARC_OK);
    assert_string_equal(got->title, "Old layout");
    arc_article_destroy(got);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_should_canonicalise_tracking_and_case),
        cmocka_unit_test(url_should_reject_non_http),
        cmocka_unit_test(open_should_refuse_missing_archive_without_create),
        cmocka_unit_test(open_should_refuse_foreign_database_unchanged),
        cmocka_unit_test(open_should_refuse_newer_schema),
        cmocka_unit_test(open_for_a_scan_should_keep_a_small_page_cache),
        cmocka_unit_test(open_should_refuse_a_file_that_is_not_sqlite),
        cmocka_unit_test(readonly_handle_should_refuse_writes),
        cmocka_unit_test(readonly_open_should_upgrade_an_older_schema),
        cmocka_unit_test(put_should_dedupe_by_url_guid_and_content),
        cmocka_unit_test(put_should_match_by_a_precomputed_hash),
        cmocka_unit_test(put_should_keep_history_when_text_changes),
        cmocka_unit_test(put_should_reject_missing_url_or_title),
        cmocka_unit_test(ids_should_follow_publication_day_even_out_of_order),
        cmocka_unit_test(search_should_rank_title_above_body_and_sort_by_date),
        cmocka_unit_test(search_should_treat_fts_syntax_as_literal_text),
        cmocka_unit_test(enrich_should_link_surname_to_full_name),
        cmocka_unit_test(story_and_timeline_should_order_events_by_event_date),
        cmocka_unit_test(rollback_should_leave_nothing_behind),
        cmocka_unit_test(second_writer_should_get_busy_not_corruption),
        cmocka_unit_test(bulk_import_should_tune_the_index_once),
        cmocka_unit_test(index_file_should_work_with_old_and_new_page_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
