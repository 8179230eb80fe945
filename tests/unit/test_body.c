/*
 * test_body.c - article bodies stored compressed (archive/body.c, schema
 * 11): round trips of compressed and plain (TEXT) bodies, precompressed
 * bodies from arc_body_compress(), the event view's sentences, the FTS
 * index across updates, deletes and a rebuild (checked by arc_db_check,
 * which runs FTS5's integrity-check against the content), snippets, an
 * archive of schema 10 brought forward, damaged bodies failing with the
 * article named, and bodies compressed with the archive's dictionary
 * (schema 16): made by an import, by arc_body_dict_ensure(), read back by
 * any connection, refused or reported when the dictionary is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive-private.h"
#include "import.h"
#include "newsarc.h"
#include "test_archive_util.h"
#include "test_dir.h"

static arc_db_t *
open_new(const char *name)
{
    return test_open_dir(test_fresh_dir("test_body", name), ARC_OPEN_CREATE);
}

/* A long body made of varied sentences around `word` (compresses well,
 * like prose). Static buffer, overwritten by the next call. */
static const char *
long_body(const char *word, int sentences)
{
    static char buf[16384];
    static const char *const subj[] = { "The council", "A spokesperson", "The ferry operator",
                                        "Residents", "The harbour master" };
    static const char *const verb[] = { "said", "reported", "confirmed", "denied", "noted" };
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; i < sentences && n + 200 < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "%s %s on day %d that the %s plan for the quay was %s. ",
                              subj[i % 5], verb[(i / 5) % 5], i, i == sentences / 2 ? word : "new",
                              i % 3 ? "delayed" : "approved");
    return buf;
}

/* What SQL expression expr (a constant of the test) says of article id's
 * stored body. Static buffer. */
static const char *
body_fact(arc_db_t *db, int64_t id, const char *expr)
{
    static char out[16];
    char sql[200];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT %s FROM article WHERE id = ?1", expr);
    assert_int_equal(sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* "text" or "blob" */
static const char *
storage_class(arc_db_t *db, int64_t id)
{
    return body_fact(db, id, "typeof(body)");
}

static arc_article_t
article(const char *url, const char *title, const char *body)
{
    arc_article_t a;
    memset(&a, 0, sizeof a);
    a.url = url;
    a.title = title;
    a.body = body;
    a.source = "Test Wire";
    a.published = 1764547200; /* 2025-12-01 */
    return a;
}

/* ---- round trips ---- */

/* A compressed body is allocated for zstd's worst case while it is made,
 * and given its size when done (it may wait in an import's queue). */
static void
compressed_body_should_keep_no_more_room_than_it_needs(void **state)
{
    const char *text = long_body("ferry", 60);
    void *z = NULL;
    size_t zn = 0, n = strlen(text);
    (void)state;

    assert_int_equal(arc_body_compress(text, n, &z, &zn), ARC_OK);
    assert_non_null(z);
    assert_true(zn < n);
    assert_true(malloc_usable_size(z) < zn + 64);
    arc_free(z);
}

static void
bodies_should_read_back_exactly_whatever_their_storage(void **state)
{
    static const struct {
        const char *name;
        const char *body;       /* NULL: long_body() */
        const char *cls;        /* expected storage class */
    } cases[] = {
        { "short body stays text", "Officials said the line was quiet overnight.", "text" },
        { "long prose is compressed", NULL, "blob" },
        { "long UTF-8 is compressed",
          "Émilie Müller a déclaré à Zürich que la réunion était reportée. "
          "Émilie Müller a déclaré à Zürich que la réunion était reportée. "
          "Émilie Müller a déclaré à Zürich que la réunion était reportée. "
          "Émilie Müller a déclaré à Zürich que la réunion était reportée. "
          "Слово за словом, the talks went on — «ceasefire» 停火 again.", "blob" },
        { "text too short to gain stays text", NULL, "text" },
    };
    arc_db_t *db = open_new("roundtrip");
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[100];
        const char *body = cases[i].body ? cases[i].body
                         : long_body("lantern", strcmp(cases[i].cls, "blob") == 0 ? 40 : 2);
        char *want = strdup(body);
        arc_article_t a;
        arc_article_t *got = NULL;
        int64_t id = 0;
        snprintf(url, sizeof url, "https://x.example/round/%zu", i);
        a = article(url, "Round trip", want);
        assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
        if (strcmp(storage_class(db, id), cases[i].cls) != 0)
            fail_msg("%s: stored as %s", cases[i].name, storage_class(db, id));
        assert_int_equal(arc_article_get(db, id, &got), ARC_OK);
        if (strcmp(got->body, want) != 0)
            fail_msg("%s: body differs", cases[i].name);
        arc_article_destroy(got);
        free(want);
    }
    assert_int_equal(test_count(db, "lantern"), 2);
    assert_int_equal(test_count(db, "Zürich"), 1);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
precompressed_body_should_be_stored_as_given_and_checked(void **state)
{
    arc_db_t *db = open_new("given");
    char *body = strdup(long_body("glacier", 30));
    void *z = NULL, *z_other = NULL;
    size_t zn = 0, zn_other = 0;
    arc_article_t a = article("https://x.example/given", "Given", body);
    arc_article_t *got = NULL;
    arc_put_result_t res;
    sqlite3_stmt *st;
    int64_t id = 0;
    (void)state;

    assert_int_equal(arc_body_compress(body, strlen(body), &z, &zn), ARC_OK);
    assert_non_null(z);
    assert_true(zn < strlen(body));
    /* too short to gain: no compressed form */
    assert_int_equal(arc_body_compress("Short.", 6, &z_other, &zn_other), ARC_OK);
    assert_null(z_other);
    assert_int_equal(zn_other, 0);

    /* a compressed form of another text is refused, nothing stored */
    assert_int_equal(arc_body_compress(long_body("other", 30), strlen(long_body("other", 30)),
                                       &z_other, &zn_other), ARC_OK);
    a.body_z = z_other;
    a.body_z_len = zn_other;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_E_BAD_ARG);
    assert_non_null(strstr(arc_db_errmsg(db), "does not match"));
    assert_int_equal(test_count(db, "glacier"), 0);

    a.body_z = z;
    a.body_z_len = zn;
    assert_int_equal(arc_article_put(db, &a, &id, &res), ARC_OK);
    assert_int_equal(res, ARC_PUT_NEW);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT body FROM article WHERE id = ?1", -1,
                                        &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(st, 0), SQLITE_BLOB);
    assert_int_equal((size_t)sqlite3_column_bytes(st, 0), zn);
    assert_memory_equal(sqlite3_column_blob(st, 0), z, zn);
    sqlite3_finalize(st);
    /* the same again is a duplicate, with or without the compressed form */
    assert_int_equal(arc_article_put(db, &a, NULL, &res), ARC_OK);
    assert_int_equal(res, ARC_PUT_DUPLICATE);
    a.body_z = NULL;
    a.body_z_len = 0;
    assert_int_equal(arc_article_put(db, &a, NULL, &res), ARC_OK);
    assert_int_equal(res, ARC_PUT_DUPLICATE);
    assert_int_equal(arc_article_get(db, id, &got), ARC_OK);
    assert_string_equal(got->body, body);
    arc_article_destroy(got);
    assert_int_equal(test_count(db, "glacier"), 1);
    test_assert_consistent(db);
    arc_free(z);
    arc_free(z_other);
    free(body);
    arc_db_close(db);
}

/* ---- events ---- */

static void
event_text_should_be_the_sentence_of_the_compressed_body(void **state)
{
    arc_db_t *db = open_new("events");
    char *body = strdup(long_body("lighthouse", 40));
    arc_article_t a = article("https://x.example/events", "Events", body);
    arc_event_t ev[3];
    arc_enrichment_t en;
    arc_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    const char *want[3];
    int64_t id = 0;
    size_t n = 0;
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    assert_string_equal(storage_class(db, id), "blob");
    /* the first sentence, one in the middle, the last (ends at the end) */
    {
        const char *mid = strstr(body, "lighthouse");
        const char *ms = mid, *me = strstr(mid, ". ") + 1;
        const char *first_end = strstr(body, ". ") + 1;
        size_t blen = strlen(body);
        const char *last = body + blen - 2;
        while (ms > body && !(ms[-1] == ' ' && ms[-2] == '.'))
            ms--;
        while (last > body && !(last[-1] == ' ' && last[-2] == '.'))
            last--;
        memset(ev, 0, sizeof ev);
        ev[0].start = 0;
        ev[0].end = (int)(first_end - body);
        ev[1].start = (int)(ms - body);
        ev[1].end = (int)(me - body);
        ev[2].start = (int)(last - body);
        ev[2].end = (int)blen;
        for (int i = 0; i < 3; i++) {
            ev[i].date = 1764547200 + 86400 * i;
            ev[i].granularity = ARC_GRAN_DAY;
            want[i] = strndup(body + ev[i].start, (size_t)(ev[i].end - ev[i].start));
        }
    }
    memset(&en, 0, sizeof en);
    en.events = ev;
    en.n_events = 3;
    en.body = body;  /* equals the stored body: text is not stored */
    assert_int_equal(arc_article_enrich_all(db, id, &en, ARC_ENRICH_NEW), ARC_OK);
    {
        sqlite3_stmt *st;
        int stored = -1;
        assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT count(text) FROM event_row"
                                            " WHERE article_id = ?1", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        stored = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        assert_int_equal(stored, 0);
    }
    assert_int_equal(arc_timeline_open(db, NULL, 0, NULL, &t), ARC_OK);
    while (arc_timeline_next(t, &e) == ARC_OK && e) {
        assert_true(n < 3);
        assert_string_equal(e->text, want[n]);
        n++;
    }
    arc_timeline_destroy(t);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++)
        free((char *)want[i]);
    free(body);
    arc_db_close(db);
}

/* ---- the FTS index across changes ---- */

static void
update_delete_and_rebuild_should_keep_the_index_on_the_plain_text(void **state)
{
    arc_db_t *db = open_new("fts");
    char *v1 = strdup(long_body("lantern", 30));
    char *v2 = strdup(long_body("glacier", 30));
    arc_article_t a = article("https://x.example/fts", "Quay works", v1);
    arc_version_t *vs = NULL;
    arc_put_result_t res;
    char *report = NULL;
    size_t nv = 0;
    int64_t id = 0, id2 = 0;
    char sql[100];
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    a.url = "https://x.example/fts-other";
    a.title = "Another";
    a.body = long_body("orchard", 20);
    assert_int_equal(arc_article_put(db, &a, &id2, NULL), ARC_OK);
    assert_int_equal(test_count(db, "lantern"), 1);

    /* an update: the new words are found, the old ones are not */
    a = article("https://x.example/fts", "Quay works", v2);
    assert_int_equal(arc_article_put(db, &a, NULL, &res), ARC_OK);
    assert_int_equal(res, ARC_PUT_UPDATED);
    assert_string_equal(storage_class(db, id), "blob");
    assert_int_equal(test_count(db, "lantern"), 0);
    assert_int_equal(test_count(db, "glacier"), 1);
    test_assert_consistent(db);
    /* the old text is a version, read back plain */
    assert_int_equal(arc_article_versions(db, id, &vs, &nv), ARC_OK);
    assert_int_equal(nv, 1);
    assert_string_equal(vs[0].body, v1);
    arc_versions_free(vs, nv);
    /* the old text seen again is not a new version */
    a.body = v1;
    assert_int_equal(arc_article_put(db, &a, NULL, &res), ARC_OK);
    assert_int_equal(res, ARC_PUT_DUPLICATE);

    /* a rebuild reads the content through arc_body() */
    assert_int_equal(arc_db_repair(db, &report), ARC_OK);
    arc_free(report);
    assert_int_equal(test_count(db, "glacier"), 1);
    assert_int_equal(test_count(db, "orchard"), 1);
    test_assert_consistent(db);

    /* a delete takes the plain words out of the index */
    snprintf(sql, sizeof sql, "DELETE FROM article WHERE id = %lld", (long long)id);
    assert_int_equal(sqlite3_exec(db->sql, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(test_count(db, "glacier"), 0);
    assert_int_equal(test_count(db, "orchard"), 1);
    test_assert_consistent(db);
    free(v1);
    free(v2);
    arc_db_close(db);
}

/* An archive mixing TEXT bodies of any length (as every archive before
 * schema 11 holds) with compressed ones reads, searches and checks. */
static void
long_text_bodies_of_older_archives_should_still_work(void **state)
{
    arc_db_t *db = open_new("mixed");
    char *body = strdup(long_body("beacon", 30));
    arc_article_t a = article("https://x.example/old", "Old", body);
    arc_article_t *got = NULL;
    int64_t id = 0, id2 = 0;
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    a.url = "https://x.example/new";
    a.body = long_body("compass", 30);
    assert_int_equal(arc_article_put(db, &a, &id2, NULL), ARC_OK);
    /* turn the first into a plain TEXT body, as an older writer stored it
     * (the update trigger keeps the index: the words do not change) */
    {
        char sql[160];
        snprintf(sql, sizeof sql, "UPDATE article SET body = arc_body(body, id) WHERE id = %lld",
                 (long long)id);
        assert_int_equal(sqlite3_exec(db->sql, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    assert_string_equal(storage_class(db, id), "text");
    assert_string_equal(storage_class(db, id2), "blob");
    assert_int_equal(arc_article_get(db, id, &got), ARC_OK);
    assert_string_equal(got->body, body);
    arc_article_destroy(got);
    assert_int_equal(test_count(db, "beacon"), 1);
    assert_int_equal(test_count(db, "compass"), 1);
    assert_int_equal(test_count(db, "quay"), 2);
    test_assert_consistent(db);
    free(body);
    arc_db_close(db);
}

/* A schema-10 archive (FTS index in archive.db, content = the article
 * table) is brought forward on open: the index is dropped there and built
 * again in index.db from the records (schema 17), nothing is lost. */
static void
schema_10_archive_should_be_brought_forward(void **state)
{
    char dir[700];
    char path[760];
    arc_db_t *db = open_new("v10");
    arc_article_t a = article("https://x.example/v10", "Ten", "Officials said the line was quiet.");
    sqlite3 *raw = NULL;
    sqlite3_stmt *st;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    arc_db_close(db);
    /* undo schemas 11 and 17 with a connection that has no arc_body():
     * schema 10's index and trigger in archive.db, no index.db */
    snprintf(path, sizeof path, "%s/archive.db", dir);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
        "BEGIN;"
        " CREATE VIRTUAL TABLE article_fts USING fts5(title, summary, body,"
        "  content='article', content_rowid='id',"
        "  tokenize='porter unicode61 remove_diacritics 2');"
        " CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN"
        "  INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
        "  VALUES ('delete', old.id, old.title, old.summary, old.body); END;"
        " DROP VIEW article_text; PRAGMA user_version = 10; COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    test_remove_index_file(dir);

    db = test_open_dir(dir, 0);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT (SELECT count(*) FROM main.sqlite_schema"
                                        " WHERE name LIKE 'article_fts%'), (SELECT sql FROM"
                                        " ix.sqlite_schema WHERE name = 'article_fts')",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    assert_non_null(strstr((const char *)sqlite3_column_text(st, 1), "content='article_content'"));
    sqlite3_finalize(st);
    assert_int_equal(test_count(db, "quiet"), 1);
    a = article("https://x.example/v11", "Eleven", long_body("anchor", 20));
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    assert_int_equal(test_count(db, "anchor"), 1);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* A bulk import's deferred FTS rows are written from the kept plain
 * text; an id given again after a rollback indexes the later article. */
static void
deferred_indexing_should_index_the_latest_plain_text(void **state)
{
    arc_db_t *db = open_new("deferred");
    arc_article_t a = article("https://x.example/d0", "Deferred", NULL);
    int64_t first = 0, again = 0;
    (void)state;

    arc_article_defer_index(db, 1);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    a.body = long_body("walrus", 30);
    assert_int_equal(arc_article_put(db, &a, &first, NULL), ARC_OK);
    arc_db_rollback(db);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    a.url = "https://x.example/d1";
    a.body = long_body("pelican", 30);
    assert_int_equal(arc_article_put(db, &a, &again, NULL), ARC_OK);
    assert_true(again == first);        /* the rolled-back id, reused */
    for (int i = 2; i < 40; i++) {
        char url[64], word[32];
        snprintf(url, sizeof url, "https://x.example/d%d", i);
        snprintf(word, sizeof word, "w%dfinch", i);
        a.url = url;
        a.body = i % 4 ? long_body(word, 20 + i) : "A short one about a heron.";
        assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    }
    assert_int_equal(arc_article_index_pending(db), ARC_OK);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    arc_article_defer_index(db, 0);     /* waits for the index thread */
    assert_int_equal(test_count(db, "walrus"), 0);
    assert_int_equal(test_count(db, "pelican"), 1);
    assert_int_equal(test_count(db, "w39finch"), 1);
    assert_int_equal(test_count(db, "heron"), 9);
    assert_int_equal(test_count(db, "quay"), 30);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* With the index written by its own thread (an import), enrichment finds
 * the body of the article just stored without decoding it again: the
 * last one is kept, and it is the last one only. */
static void
indexing_thread_should_keep_the_last_body_for_enrichment(void **state)
{
    arc_db_t *db = open_new("keeplast");
    arc_article_t a = article("https://x.example/k0", "Kept", NULL);
    char *b0 = strdup(long_body("otter", 30)), *b1 = strdup(long_body("heron", 40));
    const void *kb = NULL;
    const char *kt = NULL;
    size_t kn = 0;
    int64_t id0 = 0, id1 = 0;
    arc_event_t ev;
    arc_enrichment_t en;
    (void)state;

    arc_article_defer_index(db, 1);
    assert_non_null(db->ixw);           /* the thread runs */
    assert_int_equal(arc_db_begin(db), ARC_OK);
    a.body = b0;
    assert_int_equal(arc_article_put(db, &a, &id0, NULL), ARC_OK);
    assert_int_equal(Arc_body_kept_find(db, id0, &kb, &kn, &kt), 1);
    assert_string_equal(kt, b0);
    assert_string_equal(storage_class(db, id0), "blob");
    a.url = "https://x.example/k1";
    a.body = b1;
    assert_int_equal(arc_article_put(db, &a, &id1, NULL), ARC_OK);
    assert_int_equal(Arc_body_kept_find(db, id1, &kb, &kn, &kt), 1);
    assert_string_equal(kt, b1);
    assert_int_equal(Arc_body_kept_find(db, id0, &kb, &kn, &kt), 0);
    /* an event in the body: its text is the body's, not stored */
    memset(&ev, 0, sizeof ev);
    ev.start = 0;
    ev.end = (int)(strchr(b1, '.') - b1 + 1);
    ev.date = 1764547200;
    ev.granularity = ARC_GRAN_DAY;
    memset(&en, 0, sizeof en);
    en.events = &ev;
    en.n_events = 1;
    en.body = b1;
    assert_int_equal(arc_article_enrich_all(db, id1, &en, ARC_ENRICH_NEW), ARC_OK);
    assert_string_equal(body_fact(db, id1, "(SELECT count(*) FROM event_row WHERE article_id = article.id)"), "1");
    assert_string_equal(body_fact(db, id1, "(SELECT count(text) FROM event_row WHERE article_id = article.id)"), "0");
    assert_int_equal(arc_db_commit(db), ARC_OK);
    arc_article_defer_index(db, 0);
    assert_int_equal(test_count(db, "heron"), 1);
    test_assert_consistent(db);
    free(b0);
    free(b1);
    arc_db_close(db);
}

/* ---- snippets ---- */

static void
snippets_and_hit_bodies_should_show_the_plain_text(void **state)
{
    arc_db_t *db = open_new("snippets");
    char *body = strdup(long_body("lighthouse", 40));
    arc_article_t a = article("https://x.example/snip", "Quay plans", body);
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    (void)state;

    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    memset(&o, 0, sizeof o);
    o.want_snippet = 1;
    o.want_body = 1;
    assert_int_equal(arc_query_parse("lighthouse", &q, NULL), ARC_OK);
    for (int sort = 0; sort < 2; sort++) {
        o.sort = sort ? ARC_SORT_NEWEST : ARC_SORT_RELEVANCE;
        assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
        assert_int_equal(arc_cursor_next(c, &h), ARC_OK);
        assert_non_null(h);
        assert_non_null(h->snippet);
        if (!strstr(h->snippet, "[lighthouse]"))
            fail_msg("snippet without the word: %s", h->snippet);
        assert_string_equal(h->body, body);
        arc_cursor_destroy(c);
    }
    arc_query_destroy(q);
    free(body);
    arc_db_close(db);
}

/* ---- damage ---- */

static void
damaged_blobs_should_be_refused_by_the_decoder(void **state)
{
    const char *text = long_body("harbour", 20);
    unsigned char *z = NULL, *bad;
    size_t zn = 0, len = strlen(text), outn = 0;
    char *out = NULL;
    const char *why = NULL;
    enum { TRUNCATED, BAD_FORMAT, HUGE_LENGTH, SHORT_LENGTH, LONG_LENGTH, BAD_CHECKSUM,
           BAD_DATA, TINY };
    static const char *const names[] = { "truncated", "bad format byte", "huge length",
                                         "length too short", "length too long",
                                         "checksum", "garbage data", "tiny" };
    (void)state;

    assert_int_equal(arc_body_compress(text, len, (void **)&z, &zn), ARC_OK);
    assert_non_null(z);
    /* intact: the whole, and a prefix */
    assert_int_equal(Arc_body_decode(NULL, z, zn, SIZE_MAX, &out, &outn, &why), ARC_OK);
    assert_int_equal(outn, len);
    assert_string_equal(out, text);
    free(out);
    assert_int_equal(Arc_body_decode(NULL, z, zn, 10, &out, &outn, &why), ARC_OK);
    assert_true(outn >= 10);
    assert_memory_equal(out, text, 10);
    free(out);

    for (int k = TRUNCATED; k <= TINY; k++) {
        size_t n = zn;
        bad = malloc(zn);
        memcpy(bad, z, zn);
        switch (k) {
        case TRUNCATED: n = zn - 7; break;
        case BAD_FORMAT: bad[0] = 0x7f; break;
        case HUGE_LENGTH: bad[4] = 0xff; break;
        case SHORT_LENGTH: bad[1] = (unsigned char)(bad[1] - 1); break;
        case LONG_LENGTH: bad[1] = (unsigned char)(bad[1] + 1); break;
        case BAD_CHECKSUM: bad[zn - 1] ^= 0x55; break;
        case BAD_DATA: memset(bad + 8, 0xff, 16); break;
        case TINY: n = 3; break;
        }
        out = (char *)"unchanged";
        if (Arc_body_decode(NULL, bad, n, SIZE_MAX, &out, &outn, &why) != ARC_E_CORRUPT)
            fail_msg("%s: not refused", names[k]);
        assert_null(out);
        assert_non_null(why);
        free(bad);
    }
    arc_free(z);
}

/* arc_db_check() fails and its report names `name`. */
static void
check_should_name(arc_db_t *db, const char *name)
{
    char *problems = NULL;

    assert_int_not_equal(arc_db_check(db, &problems), ARC_OK);
    assert_non_null(problems);
    if (!strstr(problems, name))
        fail_msg("check: %s", problems);
    arc_free(problems);
}

static void
damaged_stored_body_should_fail_naming_the_article(void **state)
{
    arc_db_t *db = open_new("damaged");
    arc_article_t a = article("https://x.example/damaged", "Damaged", long_body("harbour", 30));
    arc_article_t *got = NULL;
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    sqlite3_blob *blob = NULL;
    unsigned char junk[16];
    char name[64];
    int64_t id = 0;
    arc_status_t st;
    (void)state;

    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    assert_string_equal(storage_class(db, id), "blob");
    /* overwrite bytes inside the Zstandard frame, behind the archive's back */
    memset(junk, 0xa5, sizeof junk);
    assert_int_equal(sqlite3_blob_open(db->sql, "main", "article", "body", id, 1, &blob),
                     SQLITE_OK);
    assert_int_equal(sqlite3_blob_write(blob, junk, (int)sizeof junk, 40), SQLITE_OK);
    sqlite3_blob_close(blob);
    snprintf(name, sizeof name, "article %lld", (long long)id);

    st = arc_article_get(db, id, &got);
    assert_int_not_equal(st, ARC_OK);
    assert_null(got);
    if (!strstr(arc_db_errmsg(db), name) || !strstr(arc_db_errmsg(db), "corrupt"))
        fail_msg("unclear error: %s", arc_db_errmsg(db));

    memset(&o, 0, sizeof o);
    o.want_body = 1;
    assert_int_equal(arc_query_parse("harbour", &q, NULL), ARC_OK);
    st = arc_search(db, q, &o, &c);
    if (st == ARC_OK) {
        st = arc_cursor_next(c, &h);
        arc_cursor_destroy(c);
    }
    assert_int_not_equal(st, ARC_OK);
    assert_non_null(strstr(arc_db_errmsg(db), name));
    arc_query_destroy(q);

    /* the check names the problem too */
    check_should_name(db, name);
    arc_db_close(db);
}

/* ---- dictionaries (schema 16) ---- */

static uint64_t dict_rng;

/* Body i: ~100 words from a vocabulary of a few hundred made-up words,
 * with "uniqN" once, so that it can be searched for. Static buffer. */
static const char *
dict_body(int i)
{
    static char buf[4096];
    static const char *const syl[] = { "ka", "ro", "mi", "tel", "vos", "un", "dra", "pe",
                                       "lin", "sor", "ba", "quo", "ne", "tis", "gar", "ul" };
    size_t n = 0;

    dict_rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
    for (int w = 0; w < 100; w++) {
        uint32_t r;
        dict_rng = dict_rng * 6364136223846793005ULL + 1442695040888963407ULL;
        r = (uint32_t)(dict_rng >> 33);
        if (w == 50)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "uniq%d ", i);
        else
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%s%s", syl[r % 16],
                                  syl[(r >> 4) % 16], (r >> 8) % 3 ? syl[(r >> 12) % 8] : "",
                                  w % 12 == 11 ? ". " : " ");
    }
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';     /* (an import trims it) */
    return buf;
}

/* The first byte of article id's stored body, in hex ("02", "03"). */
static const char *
body_format(arc_db_t *db, int64_t id)
{
    return body_fact(db, id, "hex(substr(body, 1, 1))");
}

/* An archive with ARC_BODY_DICT_SAMPLES bodies gets a dictionary from
 * arc_body_dict_ensure() (once); later bodies use it, take less room,
 * and read back exactly on this and a fresh read-only connection, whole
 * and as a prefix; a precompressed body made with it is stored as given,
 * one made with a dictionary the archive lacks is refused. */
static void
dictionary_bodies_should_read_back_and_take_less_room(void **state)
{
    arc_db_t *db = open_new("dict");
    arc_db_t *ro;
    arc_body_dict_t *d = NULL, *other = NULL;
    const char *texts[ARC_BODY_DICT_SAMPLES];
    size_t lens[ARC_BODY_DICT_SAMPLES];
    char url[64], dir[700], word[32];
    int64_t id = 0, id2 = 0;
    arc_article_t a, *got = NULL;
    void *z = NULL, *z_plain = NULL;
    size_t zn = 0, zn_plain = 0;
    int made = -1;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < ARC_BODY_DICT_SAMPLES - 1; i++) {
        snprintf(url, sizeof url, "https://d.example/%d", i);
        a = article(url, "Dictionary", dict_body(i));
        assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    }
    assert_int_equal(arc_db_commit(db), ARC_OK);
    /* one body short: none made */
    assert_int_equal(arc_body_dict_ensure(db, &made), ARC_OK);
    assert_int_equal(made, 0);
    a = article("https://d.example/last", "Dictionary", dict_body(ARC_BODY_DICT_SAMPLES - 1));
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    assert_int_equal(arc_body_dict_ensure(db, &made), ARC_OK);
    assert_int_equal(made, 1);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM body_dict"), 1);
    assert_int_equal(arc_body_dict_ensure(db, &made), ARC_OK);
    assert_int_equal(made, 0);

    /* a new body: compressed with it, smaller than without */
    a = article("https://d.example/new", "After", dict_body(5000));
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    assert_string_equal(body_format(db, id), "03");
    assert_int_equal(arc_body_compress(a.body, strlen(a.body), &z_plain, &zn_plain), ARC_OK);
    assert_true(test_sql_int(db, "SELECT length(body) FROM article ORDER BY rowid DESC LIMIT 1") > 0);
    {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT length(body),"
                                            " arc_body(body, id, 20) FROM article WHERE id = ?1",
                                            -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if ((size_t)sqlite3_column_int64(st, 0) >= zn_plain)
            fail_msg("with the dictionary %lld bytes, without %zu",
                     (long long)sqlite3_column_int64(st, 0), zn_plain);
        assert_memory_equal(sqlite3_column_text(st, 1), a.body, 20);
        sqlite3_finalize(st);
    }
    assert_int_equal(arc_article_get(db, id, &got), ARC_OK);
    assert_string_equal(got->body, dict_body(5000));
    arc_article_destroy(got);
    assert_int_equal(test_count(db, "uniq5000"), 1);

    /* precompressed with the archive's dictionary: stored as given */
    assert_int_equal(arc_body_dict_load(db, &d), ARC_OK);
    assert_non_null(d);
    a = article("https://d.example/given", "Given", dict_body(5001));
    assert_int_equal(arc_body_compress_dict(d, a.body, strlen(a.body), &z, &zn), ARC_OK);
    a.body_z = z;
    a.body_z_len = zn;
    assert_int_equal(arc_article_put(db, &a, &id2, NULL), ARC_OK);
    assert_int_equal(test_sql_int(db, "SELECT length(body) FROM article WHERE url LIKE '%/given'"),
                     (int64_t)zn);
    arc_free(z);

    /* with a dictionary the archive does not hold: refused, nothing stored */
    for (int i = 0; i < ARC_BODY_DICT_SAMPLES; i++) {
        texts[i] = strdup(long_body(i % 2 ? "quay" : "ferry", 8 + i % 7));
        lens[i] = strlen(texts[i]);
    }
    assert_int_equal(arc_body_dict_train(texts, lens, ARC_BODY_DICT_SAMPLES, &other), ARC_OK);
    assert_non_null(other);
    a = article("https://d.example/foreign", "Foreign", dict_body(5002));
    assert_int_equal(arc_body_compress_dict(other, a.body, strlen(a.body), &z, &zn), ARC_OK);
    a.body_z = z;
    a.body_z_len = zn;
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_E_BAD_ARG);
    assert_non_null(strstr(arc_db_errmsg(db), "dictionary"));
    assert_int_equal(test_count(db, "uniq5002"), 0);
    arc_free(z);
    for (int i = 0; i < ARC_BODY_DICT_SAMPLES; i++)
        free((char *)texts[i]);
    arc_body_dict_free(other);
    arc_body_dict_free(d);
    arc_free(z_plain);
    test_assert_consistent(db);
    arc_db_close(db);

    /* a fresh read-only connection finds the dictionary itself */
    ro = test_open_dir(dir, ARC_OPEN_READONLY);
    assert_int_equal(arc_article_get(ro, id2, &got), ARC_OK);
    assert_string_equal(got->body, dict_body(5001));
    arc_article_destroy(got);
    snprintf(word, sizeof word, "uniq%d", 5001);
    assert_int_equal(test_count(ro, word), 1);
    arc_db_close(ro);
}

/* Fill db with the sample count of bodies under host (the first one's id
 * into *first when not NULL), then have it train its dictionary, and store
 * one more article (id into *id): compressed with it (format 03). */
static void
fill_and_train(arc_db_t *db, const char *host, int64_t *first, int64_t *id)
{
    arc_article_t a;
    char url[96];
    int made = 0;

    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < ARC_BODY_DICT_SAMPLES; i++) {
        snprintf(url, sizeof url, "https://%s/%d", host, i);
        a = article(url, "Before", dict_body(i));
        assert_int_equal(arc_article_put(db, &a, i == 0 ? first : NULL, NULL), ARC_OK);
    }
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_int_equal(arc_body_dict_ensure(db, &made), ARC_OK);
    assert_int_equal(made, 1);
    snprintf(url, sizeof url, "https://%s/after", host);
    a = article(url, "After", dict_body(7000));
    assert_int_equal(arc_article_put(db, &a, id, NULL), ARC_OK);
    assert_string_equal(body_format(db, *id), "03");
}

/* The dictionary gone from the archive: reading a body that needs it
 * fails naming the article and the dictionary, and the check lists it;
 * the other bodies still read. */
static void
missing_dictionary_should_fail_naming_the_article(void **state)
{
    arc_db_t *db = open_new("nodict");
    arc_article_t *got = NULL;
    char name[64], dir[700];
    int64_t id = 0, first = 0;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    fill_and_train(db, "n.example", &first, &id);
    assert_int_equal(sqlite3_exec(db->sql, "DELETE FROM body_dict", NULL, NULL, NULL), SQLITE_OK);
    arc_db_close(db);

    db = test_open_dir(dir, 0);
    snprintf(name, sizeof name, "article %lld", (long long)id);
    assert_int_not_equal(arc_article_get(db, id, &got), ARC_OK);
    assert_null(got);
    if (!strstr(arc_db_errmsg(db), name) || !strstr(arc_db_errmsg(db), "dictionary"))
        fail_msg("unclear error: %s", arc_db_errmsg(db));
    assert_int_equal(arc_article_get(db, first, &got), ARC_OK);
    assert_string_equal(got->body, dict_body(0));
    arc_article_destroy(got);
    check_should_name(db, name);
    arc_db_close(db);
}

/* A damaged dictionary: the check names it and the articles it made
 * unreadable, the archive goes on taking articles (stored without it),
 * and arc_body_dict_ensure() makes a new one that later bodies use. */
static void
damaged_dictionary_should_be_named_and_replaced(void **state)
{
    arc_db_t *db = open_new("baddict");
    arc_article_t a, *got = NULL;
    char name[64], dir[700];
    int64_t id = 0, id2 = 0, id3 = 0;
    int made = 0;
    (void)state;

    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    fill_and_train(db, "b.example", NULL, &id);
    /* its header wiped, behind the archive's back */
    assert_int_equal(sqlite3_exec(db->sql, "UPDATE body_dict SET dict = zeroblob(length(dict))",
                                  NULL, NULL, NULL), SQLITE_OK);
    arc_db_close(db);

    db = test_open_dir(dir, 0);
    snprintf(name, sizeof name, "article %lld", (long long)id);
    check_should_name(db, "body dictionary");
    check_should_name(db, name);
    a = article("https://b.example/later", "Later", dict_body(8001));
    assert_int_equal(arc_article_put(db, &a, &id2, NULL), ARC_OK);
    assert_string_equal(body_format(db, id2), "02");
    assert_int_equal(arc_body_dict_ensure(db, &made), ARC_OK);
    assert_int_equal(made, 1);
    a = article("https://b.example/renewed", "Renewed", dict_body(8002));
    assert_int_equal(arc_article_put(db, &a, &id3, NULL), ARC_OK);
    assert_string_equal(body_format(db, id3), "03");
    assert_int_equal(arc_article_get(db, id3, &got), ARC_OK);
    assert_string_equal(got->body, dict_body(8002));
    arc_article_destroy(got);
    assert_int_equal(arc_article_get(db, id2, &got), ARC_OK);
    assert_string_equal(got->body, dict_body(8001));
    arc_article_destroy(got);
    arc_db_close(db);
}

/* newsindex import trains a dictionary on the first
 * ARC_BODY_DICT_SAMPLES bodies it reads, stores it before the first body
 * compressed with it, and every body reads back as it was given; a second
 * import uses the stored one and trains none. */
static void
import_should_train_and_use_a_dictionary(void **state)
{
    const char *dir = test_fresh_dir("test_body", "import");
    char path[760];
    arc_db_t *db = test_open_dir(dir, ARC_OPEN_CREATE);
    idx_import_t im;
    FILE *f;
    int n = ARC_BODY_DICT_SAMPLES + 200;
    arc_article_t *got = NULL;
    sqlite3_stmt *st;
    (void)state;

    for (int round = 0; round < 2; round++) {
        snprintf(path, sizeof path, "%s.in%d.jsonl", dir, round);
        assert_non_null(f = fopen(path, "w"));
        for (int i = 0; i < n; i++)
            fprintf(f, "{\"url\": \"https://i.example/%d/%d\", \"source\": \"Import Wire\","
                       " \"title\": \"Item %d\", \"published\": \"2025-03-01T10:00:00Z\","
                       " \"body\": \"%s\"}\n", round, i, i, dict_body(round * 10000 + i));
        fclose(f);
        idx_import_init(&im, db);
        im.enrich = 0;
        im.cluster = 0;
        im.quiet = 1;
        assert_int_equal(idx_import_path(&im, path), 0);
        assert_int_equal(idx_import_finish(&im), 0);
        assert_int_equal(im.counts.new_articles, n);
        assert_int_equal(test_sql_int(db, "SELECT count(*) FROM body_dict"), 1);
    }
    /* the first import: its first ARC_BODY_DICT_SAMPLES without, the rest
     * with; the second: all with */
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM article WHERE hex(substr(body, 1, 1)) = '03'"
                                " AND url LIKE 'https://i.example/0/%'"), n - ARC_BODY_DICT_SAMPLES);
    assert_int_equal(test_sql_int(db, "SELECT count(*) FROM article WHERE hex(substr(body, 1, 1)) = '03'"
                                " AND url LIKE 'https://i.example/1/%'"), n);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT id, url FROM article", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int round = 0, i = 0;
        assert_int_equal(sscanf((const char *)sqlite3_column_text(st, 1),
                                "https://i.example/%d/%d", &round, &i), 2);
        assert_int_equal(arc_article_get(db, sqlite3_column_int64(st, 0), &got), ARC_OK);
        if (strcmp(got->body, dict_body(round * 10000 + i)) != 0)
            fail_msg("article %d/%d reads back differently", round, i);
        arc_article_destroy(got);
    }
    sqlite3_finalize(st);
    assert_int_equal(test_count(db, "uniq10123"), 1);
    test_assert_consistent(db);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bodies_should_read_back_exactly_whatever_their_storage),
        cmocka_unit_test(compressed_body_should_keep_no_more_room_than_it_needs),
        cmocka_unit_test(precompressed_body_should_be_stored_as_given_and_checked),
        cmocka_unit_test(event_text_should_be_the_sentence_of_the_compressed_body),
        cmocka_unit_test(update_delete_and_rebuild_should_keep_the_index_on_the_plain_text),
        cmocka_unit_test(long_text_bodies_of_older_archives_should_still_work),
        cmocka_unit_test(deferred_indexing_should_index_the_latest_plain_text),
        cmocka_unit_test(indexing_thread_should_keep_the_last_body_for_enrichment),
        cmocka_unit_test(schema_10_archive_should_be_brought_forward),
        cmocka_unit_test(snippets_and_hit_bodies_should_show_the_plain_text),
        cmocka_unit_test(damaged_blobs_should_be_refused_by_the_decoder),
        cmocka_unit_test(damaged_stored_body_should_fail_naming_the_article),
        cmocka_unit_test(dictionary_bodies_should_read_back_and_take_less_room),
        cmocka_unit_test(missing_dictionary_should_fail_naming_the_article),
        cmocka_unit_test(damaged_dictionary_should_be_named_and_replaced),
        cmocka_unit_test(import_should_train_and_use_a_dictionary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
