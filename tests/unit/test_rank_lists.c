/*
 * test_rank_lists.c - the precomputed relevance lists of frequent words
 * (arc_rank_optimize, docs/ranking.md): a one-word search answered from
 * its list gives exact BM25's top 20, articles stored since the list are
 * merged in, a list that cannot be trusted is not used; one-phrase and
 * newest-first pages score without a second pass.
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
#include "test_dir.h"

static const char *
fresh_dir(const char *name)
{
    return test_fresh_dir("test_rank_lists", name);
}

/* Article i of day d: "harbour" in the body of two in five, in the title
 * of one in 23 and the summary of one in 7, repeated i % 4 times; filler
 * of varying length so the scores differ. */
static void
put(arc_db_t *db, int i, int d, const char *extra_title)
{
    char url[64], title[160], summary[200], body[900];
    arc_article_t a;
    int h = i % 5 < 2;

    snprintf(url, sizeof url, "https://l.example/%d-%d", d, i);
    snprintf(title, sizeof title, "%s number %d%s%s", i % 23 == 0 ? "Harbour news" : "News",
             i, extra_title ? " " : "", extra_title ? extra_title : "");
    snprintf(summary, sizeof summary, "Summary %d%s.", i, h && i % 7 == 0 ? " of the harbour" : "");
    snprintf(body, sizeof body, "Body %d %s %s %s and the long quiet city council said %.*s.", i,
             h ? "harbour" : "town", h && i % 4 > 1 ? "harbour cranes" : "street",
             h && i % 4 == 3 ? "harbour" : "lane", (i * 7) % 300,
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
    a.source = "List Post";
    a.lang = "en";
    a.published = arc_days_from_civil(2025, 1, 1) * 86400 + (int64_t)d * 86400 + 60 * (i % 600);
    a.first_seen = a.published;
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
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

/* The ids of a top-20 search (exact or not), in order. */
static size_t
top(arc_db_t *db, const char *text, arc_sort_t sort, int exact, int64_t *ids, double *scores)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    size_t n = 0;

    memset(&o, 0, sizeof o);
    o.limit = 20;
    o.sort = sort;
    o.exact_rank = exact;
    assert_int_equal(arc_query_parse(text, &q, NULL), ARC_OK);
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    while (arc_cursor_next(c, &h) == ARC_OK && h && n < 20) {
        ids[n] = h->id;
        if (scores)
            scores[n] = h->score;
        n++;
    }
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    return n;
}

static void
assert_same_top(arc_db_t *db, const char *text)
{
    int64_t a[20], b[20];
    double sa[20], sb[20];
    size_t na = top(db, text, ARC_SORT_RELEVANCE, 0, a, sa);
    size_t nb = top(db, text, ARC_SORT_RELEVANCE, 1, b, sb);

    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        if (a[i] != b[i])
            fail_msg("%s: rank %zu: bounded %lld, exact %lld", text, i, (long long)a[i],
                     (long long)b[i]);
        if (!(sa[i] > sb[i] * 0.999 && sa[i] < sb[i] * 1.001))
            fail_msg("%s: rank %zu: bounded score %g, exact %g", text, i, sa[i], sb[i]);
    }
}

/* Rows the bounded top 20 of one word scored (small: the list answered). */
static int64_t
scored_for(arc_db_t *db, const char *fts)
{
    const char *terms[1];
    int64_t *ids = NULL;
    double *scores = NULL;
    size_t n = 0;
    arc_rank_info_t info;

    terms[0] = fts;
    assert_int_equal(Arc_rank_topk(db, fts, terms, 1, 0, 0, 20, &ids, &scores, &n, &info),
                     ARC_OK);
    free(ids);
    free(scores);
    return info.scored;
}

static void
one_word_search_should_read_the_list_and_match_exact_bm25(void **state)
{
    arc_db_t *db = build("list", 3000);
    arc_optimize_report_t rep;
    int64_t before;

    (void)state;
    Arc_rank_set_budget(400);       /* "harbour" (1,200 rows) is over it */
    before = scored_for(db, "\"harbour\"");
    assert_int_equal(arc_rank_optimize(db, 500, &rep), ARC_OK);
    assert_true(rep.terms >= 3);    /* harbour, word, number, ... */
    assert_true(scored_for(db, "\"harbour\"") <= 256);
    assert_true(scored_for(db, "\"harbour\"") < before);
    assert_same_top(db, "harbour");
    assert_same_top(db, "harbours");      /* the same indexed token */
    /* beside words in every article, the word's list still answers */
    assert_same_top(db, "harbour the");
    assert_same_top(db, "harbour OR council");
    /* newer articles with the word in the title twice: scored and merged */
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 30; i++)
        put(db, 5 * i, 90, "harbour harbour");
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_true(scored_for(db, "\"harbour\"") <= 256 + 30);
    assert_same_top(db, "harbour");
    /* an older article imported late: the list is not trusted any more,
     * and the answer is still exact BM25's */
    assert_int_equal(arc_db_begin(db), ARC_OK);
    put(db, 7, 1, "harbour harbour harbour");
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_true(scored_for(db, "\"harbour\"") > 256 + 30);
    Arc_rank_set_budget(0);
    assert_same_top(db, "harbour");
    arc_db_close(db);
}

static void
phrase_and_newest_pages_should_score_like_exact_bm25(void **state)
{
    static const char *const phrases[] = { "\"harbour cranes\"", "\"of the harbour\"" };
    arc_db_t *db = build("phrase", 1500);
    int64_t a[20], b[20];
    double sa[20], sb[20];

    (void)state;
    /* a phrase within the budget: one pass, exact order and scores */
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        assert_same_top(db, phrases[i]);
    /* newest first: the scores are BM25 with estimated document
     * frequencies, exact below 1,000 rows (a word) */
    assert_int_equal(top(db, "cranes", ARC_SORT_NEWEST, 0, a, sa), 20);
    assert_int_equal(top(db, "cranes", ARC_SORT_NEWEST, 1, b, sb), 20);
    for (size_t i = 0; i < 20; i++) {
        assert_true(a[i] == b[i]);
        assert_true(sa[i] > sb[i] * 0.999 && sa[i] < sb[i] * 1.001);
        assert_true(i == 0 || a[i] < a[i - 1]);
    }
    arc_db_close(db);
}

/* How current the lists are: what `newsindex import` reads to suggest
 * running optimize again. */
static void
lists_state_should_count_the_articles_newer_than_the_lists(void **state)
{
    arc_db_t *db = build("state", 600);
    int64_t listed = 0, newer = 0;

    (void)state;
    assert_int_equal(arc_rank_lists_state(db, &listed, &newer), ARC_OK);
    assert_int_equal(listed, -1);           /* never optimized */
    assert_int_equal(newer, 600);
    assert_int_equal(arc_rank_optimize(db, 100, NULL), ARC_OK);
    assert_int_equal(arc_rank_lists_state(db, &listed, &newer), ARC_OK);
    assert_int_equal(listed, 600);
    assert_int_equal(newer, 0);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 25; i++)
        put(db, i, 40, "later");            /* after every listed article */
    put(db, 3, 1, "late import");           /* older id: not counted */
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_int_equal(arc_rank_lists_state(db, &listed, &newer), ARC_OK);
    assert_int_equal(listed, 600);
    assert_int_equal(newer, 25);
    /* the phrase lists gone (as an upgrade to schema 15 leaves them):
     * no whole lists, every article counts */
    assert_int_equal(sqlite3_exec(db->sql, "DELETE FROM phrase_pair_meta", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(arc_rank_lists_state(db, &listed, &newer), ARC_OK);
    assert_int_equal(listed, -1);
    assert_int_equal(newer, 626);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_word_search_should_read_the_list_and_match_exact_bm25),
        cmocka_unit_test(phrase_and_newest_pages_should_score_like_exact_bm25),
        cmocka_unit_test(lists_state_should_count_the_articles_newer_than_the_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
