/*
 * test_fetch.c - the fetcher's pure parts (per-host queue, Retry-After,
 * hosts, origins, charsets), the backoff schedule, and the archive's feed
 * state, robots.txt cache and capture records. No network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "newsarc.h"

/* ---- the per-host queue ---------------------------------------------- */

/* Run the queue with `slots` transfers at once, finishing the oldest out
 * first; check no host ever has two jobs out and every job runs once. */
static void
drain_checking(const char *const *urls, size_t n, size_t slots, long *order)
{
    idx_hostq_t *q = idx_hostq_new(urls, n);
    long out[16];
    size_t n_out = 0, n_done = 0;
    int ran[64] = { 0 };
    char ha[256], hb[256];

    assert_non_null(q);
    assert_true(n <= 64 && slots <= 16);
    while (n_done < n) {
        long j;
        while (n_out < slots && (j = idx_hostq_next(q)) >= 0) {
            /* no job of the same host may be out already */
            for (size_t k = 0; k < n_out; k++) {
                if (idx_fetch_host(urls[out[k]], ha, sizeof ha) == 0 &&
                    idx_fetch_host(urls[j], hb, sizeof hb) == 0)
                    assert_string_not_equal(ha, hb);
            }
            out[n_out++] = j;
        }
        assert_true(n_out > 0); /* never stuck with work left */
        j = out[0];
        memmove(out, out + 1, (n_out - 1) * sizeof *out);
        n_out--;
        assert_int_equal(ran[j], 0);
        ran[j] = 1;
        if (order)
            order[n_done] = j;
        n_done++;
        idx_hostq_done(q, (size_t)j);
    }
    assert_int_equal(idx_hostq_pending(q), 0);
    assert_int_equal(idx_hostq_next(q), -1);
    idx_hostq_free(q);
}

static void
hostq_should_never_give_two_jobs_of_one_host_at_once(void **state)
{
    static const char *const urls[] = {
        "http://a.example/1", "http://a.example/2", "https://b.example/1",
        "http://A.EXAMPLE:8080/3", "http://c.example/1", "http://a.example/4",
        "http://b.example/2", "not a url", "http://user@c.example/2",
    };
    (void)state;
    for (size_t slots = 1; slots <= 5; slots++)
        drain_checking(urls, sizeof urls / sizeof *urls, slots, NULL);
}

static void
hostq_should_take_hosts_in_turn(void **state)
{
    static const char *const urls[] = {
        "http://a.example/1", "http://a.example/2", "http://a.example/3",
        "http://b.example/1", "http://c.example/1",
    };
    long order[5];
    idx_hostq_t *q = idx_hostq_new(urls, 5);
    (void)state;

    /* with three slots, each host's first job goes out first */
    assert_int_equal(idx_hostq_next(q), 0);
    assert_int_equal(idx_hostq_next(q), 3);
    assert_int_equal(idx_hostq_next(q), 4);
    assert_int_equal(idx_hostq_next(q), -1); /* a.example is busy */
    idx_hostq_done(q, 3);
    assert_int_equal(idx_hostq_next(q), -1); /* b.example has no more */
    idx_hostq_done(q, 0);
    assert_int_equal(idx_hostq_next(q), 1);
    idx_hostq_free(q);

    drain_checking(urls, 5, 1, order);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[4], 2); /* a.example's last job comes last */
}

static void
hostq_should_handle_no_jobs(void **state)
{
    idx_hostq_t *q = idx_hostq_new(NULL, 0);
    (void)state;
    assert_non_null(q);
    assert_int_equal(idx_hostq_next(q), -1);
    idx_hostq_free(q);
    idx_hostq_free(NULL);
}

/* ---- small parsers ------------------------------------------------------ */

static void
host_and_origin_should_follow_the_url(void **state)
{
    static const struct { const char *url, *host, *origin; } cases[] = {
        { "http://Example.COM/a/b?c", "example.com", "http://example.com" },
        { "https://news.example:8443/x", "news.example", "https://news.example:8443" },
        { "https://news.example:443/x", "news.example", "https://news.example" },
        { "http://news.example:80", "news.example", "http://news.example" },
        { "http://user:pw@h.example/", "h.example", "http://h.example" },
        { "http://[::1]:8080/feed", "::1", "http://[::1]:8080" },
        { "ftp://files.example/x", "files.example", NULL },
        { "no scheme", NULL, NULL },
        { "http:///path", NULL, NULL },
    };
    char buf[256];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int r = idx_fetch_host(cases[i].url, buf, sizeof buf);
        if (cases[i].host) {
            assert_int_equal(r, 0);
            assert_string_equal(buf, cases[i].host);
        } else {
            assert_int_equal(r, -1);
        }
        r = idx_fetch_origin(cases[i].url, buf, sizeof buf);
        if (cases[i].origin) {
            assert_int_equal(r, 0);
            assert_string_equal(buf, cases[i].origin);
        } else {
            assert_int_equal(r, -1);
        }
    }
}

static void
retry_after_should_read_seconds_and_dates(void **state)
{
    /* 2025-12-01T10:00:00Z */
    const int64_t now = 1764583200;
    static const struct { const char *v; int64_t want; } cases[] = {
        { "120", 120 },
        { " 7200 ", 7200 },
        { "0", 0 },
        { "-5", 0 },
        { "12abc", 0 },
        { "Mon, 01 Dec 2025 11:00:00 GMT", 3600 },
        { "Mon, 01 Dec 2025 09:00:00 GMT", 0 },   /* in the past */
        { "soon", 0 },
        { "99999999999", 365LL * 86400 },         /* capped */
        { NULL, 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(idx_fetch_retry_after(cases[i].v, now), cases[i].want);
}

static void
charset_should_come_from_the_content_type(void **state)
{
    static const struct { const char *ct, *want; } cases[] = {
        { "text/html; charset=UTF-8", "utf-8" },
        { "text/html;charset=\"ISO-8859-1\"", "iso-8859-1" },
        { "application/rss+xml; q=1; Charset = windows-1252 ; x=y", "windows-1252" },
        { "text/html", NULL },
        { "text/html; charset=", NULL },
        { NULL, NULL },
    };
    char buf[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int r = idx_fetch_charset(cases[i].ct, buf, sizeof buf);
        if (cases[i].want) {
            assert_int_equal(r, 0);
            assert_string_equal(buf, cases[i].want);
        } else {
            assert_int_equal(r, -1);
        }
    }
}

static void
recode_should_apply_the_http_charset_only_when_the_document_names_none(void **state)
{
    static const struct {
        const char *body, *ct, *want; /* want NULL: left alone */
    } cases[] = {
        { "<rss><title>d\xe9tour</title></rss>", "application/rss+xml; charset=ISO-8859-1",
          "<rss><title>d\xc3\xa9tour</title></rss>" },
        { "<?xml version=\"1.0\"?><rss>\xe9</rss>", "text/xml; charset=windows-1252",
          "<?xml version=\"1.0\"?><rss>\xc3\xa9</rss>" },
        /* the document's own declaration wins */
        { "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>\xe9</rss>",
          "text/xml; charset=utf-8", NULL },
        { "<?xml version='1.0' encoding='utf-8'?><rss>x</rss>",
          "text/xml; charset=ISO-8859-1", NULL },
        { "\xef\xbb\xbf<rss>x</rss>", "text/xml; charset=ISO-8859-1", NULL }, /* BOM */
        { "<rss>x</rss>", "text/xml; charset=UTF-8", NULL },
        { "<rss>x</rss>", "text/xml", NULL },
        { "<rss>x</rss>", "text/xml; charset=no-such-charset", NULL },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = 0;
        char *got = idx_fetch_recode_undeclared(cases[i].body, strlen(cases[i].body),
                                                cases[i].ct, &n);
        if (cases[i].want) {
            assert_non_null(got);
            assert_string_equal(got, cases[i].want);
            assert_int_equal(n, strlen(cases[i].want));
        } else {
            assert_null(got);
        }
        free(got);
    }
}

/* ---- backoff -------------------------------------------------------------- */

static void
next_due_should_back_off_exponentially_and_honour_retry_after(void **state)
{
    const int64_t now = 1000000;
    static const struct {
        int errors;
        int64_t interval, retry_after, want_delay;
    } cases[] = {
        { 0, 0, 0, ARC_FEED_INTERVAL },            /* success: the interval */
        { 0, 600, 0, 600 },
        { 0, 600, 7200, 7200 },                    /* a 200 with Retry-After */
        { 1, 0, 0, ARC_FEED_BACKOFF_BASE },        /* 15 min */
        { 2, 0, 0, 2 * ARC_FEED_BACKOFF_BASE },
        { 3, 0, 0, 4 * ARC_FEED_BACKOFF_BASE },
        { 6, 0, 0, 32 * ARC_FEED_BACKOFF_BASE },
        { 7, 0, 0, 64 * ARC_FEED_BACKOFF_BASE },   /* 16 h */
        { 8, 0, 0, ARC_FEED_BACKOFF_MAX },         /* capped at a day */
        { 1000, 0, 0, ARC_FEED_BACKOFF_MAX },      /* no overflow */
        { 1, 0, 7200, 7200 },                      /* the server's wish wins */
        { 7, 0, 30 * 86400, ARC_FEED_RETRY_AFTER_MAX }, /* but not forever */
        { 1, 0, -50, ARC_FEED_BACKOFF_BASE },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(arc_feed_next_due(now, cases[i].errors, cases[i].interval,
                                           cases[i].retry_after),
                         now + cases[i].want_delay);
}

/* ---- feed state in the archive ------------------------------------------- */

static arc_db_t *
open_fresh(void)
{
    static char path[700];
    char cmd[800];
    const char *base = getenv("TEST_TMPDIR");
    arc_db_t *db = NULL;
    char *err = NULL;

    snprintf(path, sizeof path, "%s/test_fetch.%d", base ? base : "/tmp", (int)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot clean %s", path);
    assert_int_equal(arc_db_open(path, ARC_OPEN_CREATE, &db, &err), ARC_OK);
    return db;
}

static void
close_and_remove(arc_db_t *db)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", arc_db_path(db));
    arc_db_close(db);
    if (system(cmd) != 0)
        fail_msg("cannot clean up");
}

static const arc_feed_t *
find_feed(const arc_feed_t *v, size_t n, const char *url)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].url && strcmp(v[i].url, url) == 0)
            return &v[i];
    return NULL;
}

static void
feeds_should_keep_their_fetch_state(void **state)
{
    arc_db_t *db = open_fresh();
    arc_feed_t *v;
    size_t n;
    int64_t a, b, again;
    int existed;
    arc_fetch_result_t r;
    const arc_feed_t *f;
    (void)state;

    assert_int_equal(arc_feed_add(db, "https://a.example/feed.xml", NULL, &a, &existed), ARC_OK);
    assert_int_equal(existed, 0);
    assert_int_equal(arc_feed_add(db, "https://b.example/rss", "Bee News", &b, &existed), ARC_OK);
    assert_int_equal(arc_feed_add(db, "https://a.example/feed.xml", NULL, &again, &existed), ARC_OK);
    assert_int_equal(existed, 1);
    assert_int_equal(again, a);
    /* refused: not http(s), and a name that belongs to another feed */
    assert_int_equal(arc_feed_add(db, "file:///etc/passwd", NULL, NULL, NULL), ARC_E_BAD_ARG);
    assert_int_equal(arc_feed_add(db, "https://c.example/", "bee news", NULL, NULL), ARC_E_BAD_ARG);
    assert_non_null(strstr(arc_db_errmsg(db), "https://b.example/rss"));

    /* never fetched: both due, no state */
    assert_int_equal(arc_feed_list_due(db, 1000, &v, &n), ARC_OK);
    assert_int_equal(n, 2);
    f = find_feed(v, n, "https://a.example/feed.xml");
    assert_non_null(f);
    assert_string_equal(f->name, "a.example/feed.xml");
    assert_int_equal(f->next_due, ARC_TIME_NONE);
    assert_int_equal(f->last_status, 0);
    arc_feeds_free(v, n);

    /* a success: validators kept, due after the interval, named by title */
    memset(&r, 0, sizeof r);
    r.fetched = 1000;
    r.status = 200;
    r.etag = "\"abc\"";
    r.last_modified = "Mon, 01 Dec 2025 10:00:00 GMT";
    r.interval = 600;
    r.title = "Aye Gazette";
    assert_int_equal(arc_feed_record(db, a, &r), ARC_OK);
    /* a failure with Retry-After */
    memset(&r, 0, sizeof r);
    r.fetched = 1000;
    r.status = 503;
    r.error = "HTTP 503";
    r.retry_after = 7200;
    assert_int_equal(arc_feed_record(db, b, &r), ARC_OK);
    r.fetched = 9000;
    assert_int_equal(arc_feed_record(db, b, &r), ARC_OK);

    assert_int_equal(arc_feed_list(db, &v, &n), ARC_OK);
    assert_int_equal(n, 2);
    f = find_feed(v, n, "https://a.example/feed.xml");
    assert_string_equal(f->name, "Aye Gazette");
    assert_string_equal(f->etag, "\"abc\"");
    assert_string_equal(f->last_modified, "Mon, 01 Dec 2025 10:00:00 GMT");
    assert_int_equal(f->next_due, 1600);
    assert_int_equal(f->error_count, 0);
    assert_null(f->last_error);
    f = find_feed(v, n, "https://b.example/rss");
    assert_string_equal(f->name, "Bee News"); /* a given name is kept */
    assert_int_equal(f->error_count, 2);
    assert_int_equal(f->last_status, 503);
    assert_string_equal(f->last_error, "HTTP 503");
    assert_int_equal(f->next_due, 9000 + 7200);
    arc_feeds_free(v, n);

    /* due lists follow next_due */
    assert_int_equal(arc_feed_list_due(db, 1599, &v, &n), ARC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(arc_feed_list_due(db, 1600, &v, &n), ARC_OK);
    assert_int_equal(n, 1);
    arc_feeds_free(v, n);

    /* a 304 keeps the validators and clears the errors */
    memset(&r, 0, sizeof r);
    r.fetched = 20000;
    r.status = 304;
    assert_int_equal(arc_feed_record(db, b, &r), ARC_OK);
    r.status = 304;
    assert_int_equal(arc_feed_record(db, a, &r), ARC_OK);
    assert_int_equal(arc_feed_list(db, &v, &n), ARC_OK);
    f = find_feed(v, n, "https://a.example/feed.xml");
    assert_string_equal(f->etag, "\"abc\"");
    assert_int_equal(f->last_status, 304);
    f = find_feed(v, n, "https://b.example/rss");
    assert_int_equal(f->error_count, 0);
    assert_null(f->last_error);
    arc_feeds_free(v, n);

    assert_int_equal(arc_feed_record(db, 999999, &r), ARC_E_NOT_FOUND);
    close_and_remove(db);
}

static void
removing_a_feed_should_keep_its_articles(void **state)
{
    arc_db_t *db = open_fresh();
    arc_article_t a;
    arc_feed_t *v;
    size_t n;
    int64_t id, art;
    char *url = NULL;
    arc_stats_t st;
    (void)state;

    assert_int_equal(arc_feed_add(db, "https://a.example/feed", "Aye", &id, NULL), ARC_OK);
    assert_int_equal(arc_feed_add(db, "https://z.example/feed", NULL, NULL, NULL), ARC_OK);
    memset(&a, 0, sizeof a);
    a.url = "https://a.example/story-1";
    a.title = "A story";
    a.source = "Aye";
    a.published = ARC_TIME_NONE;
    a.body = "Text of the story.";
    assert_int_equal(arc_article_put(db, &a, &art, NULL), ARC_OK);

    assert_int_equal(arc_feed_remove(db, "aye", &url), ARC_OK); /* by name, any case */
    assert_string_equal(url, "https://a.example/feed");
    arc_free(url);
    assert_int_equal(arc_feed_remove(db, "https://z.example/feed", NULL), ARC_OK);
    assert_int_equal(arc_feed_remove(db, "https://z.example/feed", NULL), ARC_E_NOT_FOUND);
    assert_int_equal(arc_feed_list(db, &v, &n), ARC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(arc_db_stats(db, &st), ARC_OK);
    assert_int_equal(st.articles, 1);
    assert_int_equal(st.sources, 1); /* the one with an article stays */

    /* adding the feed again under that name re-attaches it */
    assert_int_equal(arc_feed_add(db, "https://a.example/feed2", "Aye", &art, NULL), ARC_OK);
    assert_int_equal(art, id);
    close_and_remove(db);
}

static void
robots_and_captures_should_round_trip(void **state)
{
    arc_db_t *db = open_fresh();
    char *body = NULL;
    int status = 0;
    int64_t fetched = 0, cid = 0, aid = 0;
    arc_capture_t c, *got = NULL;
    arc_article_t a, *stored = NULL;
    (void)state;

    assert_int_equal(arc_robots_get(db, "https://a.example", &body, &status, &fetched),
                     ARC_E_NOT_FOUND);
    assert_int_equal(arc_robots_put(db, "https://a.example", "User-agent: *\nDisallow: /x\n",
                                    200, 5000), ARC_OK);
    assert_int_equal(arc_robots_put(db, "https://b.example", NULL, 404, 5001), ARC_OK);
    assert_int_equal(arc_robots_get(db, "https://a.example", &body, &status, &fetched), ARC_OK);
    assert_string_equal(body, "User-agent: *\nDisallow: /x\n");
    assert_int_equal(status, 200);
    assert_int_equal(fetched, 5000);
    arc_free(body);
    assert_int_equal(arc_robots_get(db, "https://b.example", &body, &status, &fetched), ARC_OK);
    assert_null(body);
    assert_int_equal(status, 404);

    memset(&c, 0, sizeof c);
    c.uri = "https://a.example/feed";
    c.file = "warc/fetch-20251201.warc.gz";
    c.offset = 1234;
    c.fetched = 7000;
    c.kind = "feed";
    c.status = 200;
    assert_int_equal(arc_capture_add(db, &c, &cid), ARC_OK);
    assert_true(cid > 0);
    c.offset = 5678;
    c.fetched = 8000;
    assert_int_equal(arc_capture_add(db, &c, NULL), ARC_OK);
    assert_int_equal(arc_capture_latest(db, "https://a.example/feed", &got), ARC_OK);
    assert_int_equal(got->offset, 5678);
    assert_string_equal(got->kind, "feed");
    arc_capture_destroy(got);
    c.kind = NULL;
    assert_int_equal(arc_capture_add(db, &c, NULL), ARC_E_BAD_ARG);

    /* an article's capture reference, found by any of its URL forms */
    memset(&a, 0, sizeof a);
    a.url = "https://a.example/story?utm_source=feed";
    a.title = "A story";
    a.published = ARC_TIME_NONE;
    assert_int_equal(arc_article_put(db, &a, &aid, NULL), ARC_OK);
    assert_int_equal(arc_article_set_capture(db, "https://A.example/story", "warc/x.warc.gz#1",
                                             0, NULL), ARC_OK);
    assert_int_equal(arc_article_set_capture(db, "https://a.example/story", "warc/x.warc.gz#2",
                                             0, NULL), ARC_OK); /* kept: one is set */
    assert_int_equal(arc_article_get(db, aid, &stored), ARC_OK);
    assert_string_equal(stored->capture, "warc/x.warc.gz#1");
    arc_article_destroy(stored);
    assert_int_equal(arc_article_set_capture(db, "https://a.example/story", "warc/x.warc.gz#3",
                                             1, NULL), ARC_OK);
    assert_int_equal(arc_article_get(db, aid, &stored), ARC_OK);
    assert_string_equal(stored->capture, "warc/x.warc.gz#3");
    arc_article_destroy(stored);
    assert_int_equal(arc_article_set_capture(db, "https://a.example/none", "w#1", 1, NULL),
                     ARC_E_NOT_FOUND);
    close_and_remove(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostq_should_never_give_two_jobs_of_one_host_at_once),
        cmocka_unit_test(hostq_should_take_hosts_in_turn),
        cmocka_unit_test(hostq_should_handle_no_jobs),
        cmocka_unit_test(host_and_origin_should_follow_the_url),
        cmocka_unit_test(retry_after_should_read_seconds_and_dates),
        cmocka_unit_test(charset_should_come_from_the_content_type),
        cmocka_unit_test(recode_should_apply_the_http_charset_only_when_the_document_names_none),
        cmocka_unit_test(next_due_should_back_off_exponentially_and_honour_retry_after),
        cmocka_unit_test(feeds_should_keep_their_fetch_state),
        cmocka_unit_test(removing_a_feed_should_keep_its_articles),
        cmocka_unit_test(robots_and_captures_should_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
