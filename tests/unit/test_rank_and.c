/*
 * test_rank_and.c - the relevance top 20 of words joined by AND
 * (archive/rank_and.c, docs/ranking.md): one pass over the matches gives
 * exact BM25's top 20 and scores for a rare word beside a common one, two
 * frequent words, words with and without precomputed lists, articles
 * stored after the lists, deleted articles, late imports and date
 * ranges, whatever the rank budget; other query shapes are left alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "archive-private.h"
#include "newsarc.h"
#include "test_archive_util.h"
#include "test_dir.h"

static const char *
fresh_dir(const char *name)
{
    return test_fresh_dir("test_rank_and", name);
}

static int64_t
day(int d)
{
    return arc_days_from_civil(2025, 1, 1) * 86400 + (int64_t)d * 86400;
}

/*
 * Article i of day d. "council" is in every body (more than half the
 * archive: FTS5's IDF floor); "harbour" in the body of one in five, the
 * title of one in 29, the summary of one in 35 (under a quarter of the
 * archive: its listed document frequency is used); "ferry" in the body of
 * one in six, the title of one in 31, the summary of one in 66; "quay" in
 * one in nine bodies (never listed: below the lists' minimum); "lantern"
 * in one in 97 (rare), in the title of every other of those. Repeats and
 * filler vary so that scores rarely tie.
 */
static int64_t
put(arc_db_t *db, int i, int d, const char *extra_title)
{
    char url[80], title[200], summary[200], body[1200];
    arc_article_t a;
    int h = i % 5 == 0, f = i % 6 == 1;
    int64_t id = 0;

    snprintf(url, sizeof url, "https://and.example/%d-%d-%s", d, i,
             extra_title ? "x" : "");
    snprintf(title, sizeof title, "%s%s%s number %d%s%s", i % 29 == 0 ? "Harbour " : "",
             i % 31 == 0 ? "Ferry " : "", i % 194 == 0 ? "Lantern" : "News", i,
             extra_title ? " " : "", extra_title ? extra_title : "");
    snprintf(summary, sizeof summary, "Summary %d%s%s.", i,
             h && i % 7 == 0 ? " of the harbour" : "", f && i % 11 == 0 ? " by ferry" : "");
    snprintf(body, sizeof body, "Body %d %s %s %s %s %s the council said %s %.*s.", i,
             h ? "harbour" : "town", h && i % 4 > 1 ? "harbour cranes" : "street",
             f ? "ferry" : "road", f && i % 4 == 3 ? "ferry ferry" : "lane",
             i % 9 == 0 ? "quay" : "dock", i % 97 == 0 ? "lantern" : "lamp", (i * 7) % 300,
             "word word word word word word word word word word word word word word word "
             "word word word word word word word word word word word word word word word "
             "word word word word word word word word word word word word word word word "
             "word word word word word word word word word word word word word word word "
             "word word word word word word word word word word word word word word word ");
    memset(&a, 0, sizeof a);
    a.url = url;
    a.title = title;
    a.summary = summary;
    a.body = body;
    a.source = "And Post";
    a.lang = "en";
    a.published = day(d) + 60 * (i % 600);
    a.first_seen = a.published;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    return id;
}

static arc_db_t *
build(const char *name, int n)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    assert_int_equal(arc_db_open(fresh_dir(name), ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < n; i++)
        put(db, i, 10 + i / 100, NULL);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    return db;
}

/* The top 20 of a search (bounded or exact) within [since, until). */
static size_t
top(arc_db_t *db, const char *text, int exact, int64_t since, int64_t until, int64_t *ids,
    double *scores)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    size_t n = 0;

    memset(&o, 0, sizeof o);
    o.limit = 20;
    o.sort = ARC_SORT_RELEVANCE;
    o.exact_rank = exact;
    o.since = since;
    o.until = until;
    assert_int_equal(arc_query_parse(text, &q, NULL), ARC_OK);
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    while (arc_cursor_next(c, &h) == ARC_OK && h && n < 20) {
        ids[n] = h->id;
        scores[n] = h->score;
        n++;
    }
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    return n;
}

/* The bounded top 20 is exact BM25's, ids in order and scores. */
static void
assert_exact_top(arc_db_t *db, const char *text, int64_t since, int64_t until)
{
    int64_t a[20], b[20];
    double sa[20], sb[20];
    size_t na = top(db, text, 0, since, until, a, sa);
    size_t nb = top(db, text, 1, since, until, b, sb);

    if (na != nb)
        fail_msg("%s: bounded %zu rows, exact %zu", text, na, nb);
    for (size_t i = 0; i < na; i++) {
        if (a[i] != b[i])
            fail_msg("%s: rank %zu: bounded %lld, exact %lld", text, i, (long long)a[i],
                     (long long)b[i]);
        if (!(sa[i] > sb[i] * 0.999 && sa[i] < sb[i] * 1.001))
            fail_msg("%s: rank %zu: bounded score %g, exact %g", text, i, sa[i], sb[i]);
    }
}

/* What Arc_rank_topk did for the words w[0..n) joined by AND. */
static arc_rank_info_t
info_for(arc_db_t *db, const char *const *w, size_t n_w, int64_t *best)
{
    char fts[256], terms[4][64];
    const char *tp[4];
    size_t len = 0;
    int64_t *ids = NULL;
    double *scores = NULL;
    size_t n = 0;
    arc_rank_info_t info;

    len += (size_t)snprintf(fts + len, sizeof fts - len, "(");
    for (size_t i = 0; i < n_w && i < 4; i++) {
        snprintf(terms[i], sizeof terms[i], "\"%s\"", w[i]);
        tp[i] = terms[i];
        len += (size_t)snprintf(fts + len, sizeof fts - len, "%s%s", i ? " AND " : "", terms[i]);
    }
    snprintf(fts + len, sizeof fts - len, ")");
    assert_int_equal(Arc_rank_topk(db, fts, tp, n_w, 0, 0, 20, &ids, &scores, &n, &info),
                     ARC_OK);
    *best = n ? ids[0] : 0;
    free(ids);
    free(scores);
    return info;
}

static const char *const and_queries[] = {
    "harbour ferry",           /* two frequent words, both listed */
    "ferry harbour",
    "lantern council",         /* rare beside one in every article */
    "council lantern",
    "said lantern word",       /* beside two in (nearly) every article */
    "harbour council",         /* frequent beside one in every article */
    "harbour quay",            /* listed beside never listed */
    "quay lantern",            /* neither listed */
    "harbours ferries",        /* the same indexed words */
    "harbour ferry quay",      /* three words */
    "harbour AND ferry",
};

static void
and_of_words_should_match_exact_bm25_before_and_after_optimize(void **state)
{
    arc_db_t *db = build("exact", 2500);
    arc_optimize_report_t rep;

    (void)state;
    /* a budget far below the matches: only the pass can be exact */
    Arc_rank_set_budget(50);
    for (size_t i = 0; i < sizeof and_queries / sizeof and_queries[0]; i++)
        assert_exact_top(db, and_queries[i], 0, 0);
    /* lists for harbour, ferry, council (not quay: 278 articles) */
    assert_int_equal(arc_rank_optimize(db, 300, &rep), ARC_OK);
    assert_true(rep.terms >= 3);
    for (size_t i = 0; i < sizeof and_queries / sizeof and_queries[0]; i++)
        assert_exact_top(db, and_queries[i], 0, 0);
    /* a date range: the pass covers it alone */
    assert_exact_top(db, "harbour ferry", day(13), day(19));
    assert_exact_top(db, "quay lantern", day(12), day(30));
    Arc_rank_set_budget(0);
    arc_db_close(db);
}

static void
pass_should_visit_every_match_once(void **state)
{
    static const struct { const char *w[3]; size_t n; const char *text; } cases[] = {
        { { "harbour", "ferry", NULL }, 2, "harbour ferry" },
        { { "quay", "ferry", NULL }, 2, "quay ferry" },
        { { "quay", "harbour", "ferry" }, 3, "quay harbour ferry" },
    };
    arc_db_t *db = build("pass", 2500);
    int64_t best;

    (void)state;
    Arc_rank_set_budget(50);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        arc_rank_info_t info = info_for(db, cases[i].w, cases[i].n, &best);
        assert_int_equal(info.exact, 1);
        assert_int_equal(info.scored, test_count(db, cases[i].text));
        assert_true(best > 0);
    }
    Arc_rank_set_budget(0);
    arc_db_close(db);
}

static void
articles_newer_deleted_or_late_should_keep_the_top_exact(void **state)
{
    static const char *const w[] = { "harbour", "ferry" };
    arc_db_t *db = build("fresh", 2500);
    arc_optimize_report_t rep;
    int64_t newest = 0, best = 0, a[20];
    double sa[20];
    char sql[128];
    size_t n;
    int found = 0;

    (void)state;
    Arc_rank_set_budget(0);
    assert_int_equal(arc_rank_optimize(db, 300, &rep), ARC_OK);
    /* stored after the lists, both words in the title: they lead */
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 25; i++) {
        int64_t id = put(db, 3 * i, 60, "harbour ferry harbour");
        if (!newest)
            newest = id;       /* the first of them */
    }
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_exact_top(db, "harbour ferry", 0, 0);
    n = top(db, "harbour ferry", 0, 0, 0, a, sa);
    for (size_t i = 0; i < n; i++)
        found += a[i] >= newest;
    assert_true(found >= 10);
    (void)info_for(db, w, 2, &best);
    assert_true(best > 0);
    /* the best article deleted: it is gone, the rest still exact */
    snprintf(sql, sizeof sql, "DELETE FROM article WHERE id = %lld", (long long)best);
    assert_int_equal(sqlite3_exec(db->sql, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_exact_top(db, "harbour ferry", 0, 0);
    assert_exact_top(db, "lantern council", 0, 0);
    n = top(db, "harbour ferry", 0, 0, 0, a, sa);
    for (size_t i = 0; i < n; i++)
        assert_true(a[i] != best);
    /* an older article imported late (an id inside the lists' range) */
    assert_int_equal(arc_db_begin(db), ARC_OK);
    put(db, 62, 2, "harbour ferry ferry");
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_exact_top(db, "harbour ferry", 0, 0);
    assert_exact_top(db, "ferry quay", 0, 0);
    arc_db_close(db);
}

static void
other_shapes_should_rank_as_before(void **state)
{
    static const char *const shapes[] = {
        "harbour OR ferry", "harbour -ferry", "title:harbour ferry",
        "harbour -quay", "harbour", "lantern",
    };
    arc_db_t *db = build("shapes", 1200);

    (void)state;
    Arc_rank_set_budget(0);
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        assert_exact_top(db, shapes[i], 0, 0);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(and_of_words_should_match_exact_bm25_before_and_after_optimize),
        cmocka_unit_test(pass_should_visit_every_match_once),
        cmocka_unit_test(articles_newer_deleted_or_late_should_keep_the_top_exact),
        cmocka_unit_test(other_shapes_should_rank_as_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
