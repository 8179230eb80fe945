/*
 * test_search_rank.c - the query tool in the library: bounded relevance
 * ranking against exact BM25, field terms under OR and -, unknown
 * entities, facets, histograms, matching stories and versions.
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
    return test_fresh_dir("test_search_rank", name);
}

static int64_t
day(int d)
{
    return arc_days_from_civil(2025, 1, 1) * 86400 + (int64_t)d * 86400 + 3600;
}

/*
 * 600 articles over 60 days. Every article holds "report"; one in three
 * holds "harbour" in its body, one in twenty in its title too; "lantern"
 * is rare (every 50th). Entities: every article mentions place Oslo, even
 * ones person Ada Quill, every third org Tidewater.
 */
static arc_db_t *
build(const char *name)
{
    arc_db_t *db = NULL;
    char *err = NULL;
    int64_t story = 0;

    assert_int_equal(arc_db_open(fresh_dir(name), ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < 600; i++) {
        char url[64], title[128], body[512];
        arc_article_t a;
        arc_mention_t m[3];
        size_t nm = 0;
        int64_t id;

        snprintf(url, sizeof url, "https://r.example/%d", i);
        snprintf(title, sizeof title, "%s report number %d%s", i % 20 == 0 ? "Harbour" : "Daily",
                 i, i % 50 == 0 ? " lantern" : "");
        snprintf(body, sizeof body, "The report %d says %s. %s Filler words follow here to give"
                 " the body some length %.*s.", i,
                 i % 3 == 0 ? "the harbour was busy, harbour cranes moved" : "little happened",
                 i % 7 == 0 ? "Harbour again." : "", i % 40, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
        memset(&a, 0, sizeof a);
        a.url = url;
        a.title = title;
        a.body = body;
        a.source = i % 2 ? "Odd Times" : "Even Post";
        a.lang = "en";
        a.published = day(i / 10);
        a.first_seen = a.published;
        assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
        memset(m, 0, sizeof m);
        m[nm].kind = ARC_ENTITY_PLACE;
        m[nm].name = "Oslo";
        m[nm++].count = 1;
        if (i % 2 == 0) {
            m[nm].kind = ARC_ENTITY_PERSON;
            m[nm].name = "Ada Quill";
            m[nm].alias = "Quill";
            m[nm++].count = 2;
        }
        if (i % 3 == 0) {
            m[nm].kind = ARC_ENTITY_ORG;
            m[nm].name = "Tidewater";
            m[nm++].count = 1;
        }
        assert_int_equal(arc_article_enrich(db, id, m, nm, NULL, 0), ARC_OK);
        if (i % 30 == 0)
            assert_int_equal(arc_story_assign(db, id, 0, &story), ARC_OK);
        else if (i < 90)
            assert_int_equal(arc_story_assign(db, id, story, NULL), ARC_OK);
    }
    assert_int_equal(arc_db_commit(db), ARC_OK);
    return db;
}

static size_t
top(arc_db_t *db, const char *text, int exact, int64_t *ids, double *scores, size_t k)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    size_t n = 0;

    memset(&o, 0, sizeof o);
    o.limit = (int64_t)k;
    o.exact_rank = exact;
    assert_int_equal(arc_query_parse(text, &q, NULL), ARC_OK);
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    while (arc_cursor_next(c, &h) == ARC_OK && h) {
        if (n < k) {
            ids[n] = h->id;
            scores[n] = h->score;
        }
        n++;
    }
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    return n;
}

static void
bounded_ranking_should_match_exact_bm25_through_every_tier(void **state)
{
    arc_db_t *db = build("rank");
    /* budgets that force: everything scored, the lead tier, the fallback */
    static const int64_t budgets[] = { 0, 150, 40 };
    static const char *const queries[] = { "harbour", "report harbour", "lantern",
                                           "harbour OR lantern", "report" };
    (void)state;

    for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
        Arc_rank_set_budget(budgets[b]);
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
            int64_t bi[10], ei[10];
            double bs[10], es[10];
            size_t nb = top(db, queries[i], 0, bi, bs, 10);
            size_t ne = top(db, queries[i], 1, ei, es, 10);
            assert_int_equal(nb, ne);
            if (strcmp(queries[i], "report") == 0)
                continue;   /* in every article: IDF clamped, scores tie */
            for (size_t k = 0; k < ne; k++) {
                /* the same articles with the same scores, best first */
                assert_true(bs[k] <= bs[k > 0 ? k - 1 : 0] + 1e-9);
                assert_true(es[k] - bs[k] < 1e-6 * (es[k] > 1 ? es[k] : 1)
                            && bs[k] - es[k] < 1e-6 * (es[k] > 1 ? es[k] : 1));
            }
        }
    }
    Arc_rank_set_budget(0);
    arc_db_close(db);
}

static void
rank_topk_should_score_only_up_to_the_budget(void **state)
{
    arc_db_t *db = build("budget");
    int64_t *ids = NULL;
    double *scores = NULL;
    size_t n = 0;
    arc_rank_info_t info;
    const char *terms[] = { "\"harbour\"" };
    (void)state;

    Arc_rank_set_budget(50);
    assert_int_equal(Arc_rank_topk(db, "\"harbour\"", terms, 1, 0, 0, 5, &ids, &scores, &n,
                                   &info), ARC_OK);
    assert_int_equal(n, 5);
    assert_false(info.exact);
    assert_true(info.scored <= 2 * 50);
    assert_true(info.lead_scored > 0);
    for (size_t i = 1; i < n; i++)
        assert_true(scores[i] <= scores[i - 1]);
    free(ids);
    free(scores);
    Arc_rank_set_budget(0);
    arc_db_close(db);
}

static void
field_terms_should_work_under_or_and_exclusion(void **state)
{
    arc_db_t *db = build("fields");
    struct { const char *a, *b; int64_t want; } cases[] = {
        { "person:Quill OR org:Tidewater", NULL, 300 + 200 - 100 },
        { "report -person:Quill", NULL, 300 },
        { "harbour -source:\"Odd Times\"", "harbour source:\"Even Post\"", -1 },
        { "person:Quill OR date:2025-01-01", NULL, 300 + 5 },
        { "-(person:Quill OR org:Tidewater) report", NULL, 600 - 400 },
        { "lantern OR (org:Tidewater -person:Quill)", NULL, -1 },
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = test_count(db, cases[i].a);
        if (cases[i].b)
            assert_int_equal(got, test_count(db, cases[i].b));
        else if (cases[i].want >= 0)
            assert_int_equal(got, cases[i].want);
        else
            assert_true(got > 0);
    }
    /* lantern (every 50th: 12, all even) OR Tidewater without Quill (odd
     * multiples of 3: 100) */
    assert_int_equal(test_count(db, "lantern OR (org:Tidewater -person:Quill)"), 12 + 100);
    arc_db_close(db);
}

static void
unknown_entity_should_fail_with_suggestions(void **state)
{
    arc_db_t *db = build("unknown");
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    int64_t n;
    arc_entity_ref_t ref;
    (void)state;

    memset(&o, 0, sizeof o);
    assert_int_equal(arc_query_parse("talks OR person:Quil", &q, NULL), ARC_OK);
    assert_int_equal(arc_search_count(db, q, &o, &n), ARC_E_BAD_QUERY);
    assert_non_null(strstr(arc_db_errmsg(db), "unknown person 'Quil'"));
    assert_non_null(strstr(arc_db_errmsg(db), "Quill"));
    assert_non_null(strstr(arc_db_errmsg(db), "column 10"));
    arc_query_destroy(q);
    assert_int_equal(test_count(db, "person:oslo"), 0);       /* a place, not a person */
    assert_int_equal(test_count(db, "person:\"ADA QUILL\""), 300);
    assert_int_equal(arc_entity_find(db, -1, "Quill", &ref), ARC_OK);
    assert_string_equal(ref.name, "Ada Quill");
    arc_free(ref.name);
    assert_int_equal(arc_entity_find(db, ARC_ENTITY_ORG, "Tidewatr", &ref), ARC_E_NOT_FOUND);
    assert_non_null(strstr(arc_db_errmsg(db), "did you mean Tidewater"));
    arc_db_close(db);
}

static void
facets_histogram_and_stories_should_count_the_result_set(void **state)
{
    arc_db_t *db = build("facets");
    arc_query_t *q = NULL;
    arc_entity_ref_t *e = NULL, quill;
    arc_hist_bucket_t *b = NULL;
    arc_story_match_t *sm = NULL;
    size_t n = 0;
    int64_t total = 0;
    (void)state;

    assert_int_equal(arc_query_parse("harbour", &q, NULL), ARC_OK);
    assert_int_equal(arc_facets(db, q, NULL, -1, 0, 0, &e, &n), ARC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(e[0].name, "Oslo");
    assert_int_equal(e[0].count, test_count(db, "harbour"));
    for (size_t i = 1; i < n; i++) {
        assert_true(e[i].count <= e[i - 1].count);
        if (strcmp(e[i].name, "Ada Quill") == 0)
            assert_int_equal(e[i].count, test_count(db, "harbour person:Quill"));
        else
            assert_int_equal(e[i].count, test_count(db, "harbour org:Tidewater"));
    }
    arc_entity_refs_free(e, n);
    assert_int_equal(arc_entity_find(db, ARC_ENTITY_PERSON, "Ada Quill", &quill), ARC_OK);
    assert_int_equal(arc_facets(db, q, NULL, ARC_ENTITY_ORG, quill.id, 0, &e, &n), ARC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].count, test_count(db, "harbour person:Quill org:Tidewater"));
    arc_entity_refs_free(e, n);
    arc_free(quill.name);

    assert_int_equal(arc_histogram(db, q, NULL, ARC_BUCKET_WEEK, &b, &n), ARC_OK);
    for (size_t i = 0; i < n; i++) {
        total += b[i].count;
        assert_int_equal(b[i].end - b[i].start, 7 * 86400);
        /* weeks start on Monday: 1970-01-05 was one */
        assert_int_equal(((b[i].start / 86400) - 4) % 7, 0);
    }
    assert_int_equal(total, test_count(db, "harbour"));
    arc_free(b);
    assert_int_equal(arc_histogram(db, q, NULL, ARC_BUCKET_MONTH, &b, &n), ARC_OK);
    assert_int_equal(n, 3);       /* January to March 2025 */
    arc_free(b);

    assert_int_equal(arc_story_matches(db, q, NULL, &sm, &n), ARC_OK);
    assert_true(n > 0);
    for (size_t i = 1; i < n; i++)
        assert_true(sm[i].matches <= sm[i - 1].matches);
    arc_story_matches_free(sm, n);
    arc_query_destroy(q);
    arc_db_close(db);
}

static void
merged_entities_should_resolve_by_either_name(void **state)
{
    arc_db_t *db = build("merge");
    arc_entity_ref_t quill, tide;
    int merged = 0;
    (void)state;

    assert_int_equal(arc_entity_find(db, ARC_ENTITY_PERSON, "Ada Quill", &quill), ARC_OK);
    assert_int_equal(arc_entity_find(db, ARC_ENTITY_ORG, "Tidewater", &tide), ARC_OK);
    /* a second person entity, then merged into Ada Quill */
    {
        arc_article_t a;
        arc_mention_t m;
        int64_t id;
        arc_entity_ref_t other;
        memset(&a, 0, sizeof a);
        a.url = "https://r.example/extra";
        a.title = "Extra report";
        a.body = "Extra report body.";
        a.published = day(3);
        assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
        memset(&m, 0, sizeof m);
        m.kind = ARC_ENTITY_PERSON;
        m.name = "A. Quillsworth";
        m.count = 1;
        assert_int_equal(arc_article_enrich(db, id, &m, 1, NULL, 0), ARC_OK);
        assert_int_equal(test_count(db, "person:\"A. Quillsworth\""), 1);
        assert_int_equal(arc_entity_find(db, ARC_ENTITY_PERSON, "A. Quillsworth", &other), ARC_OK);
        assert_int_equal(arc_entity_merge(db, other.id, quill.id, &merged), ARC_OK);
        assert_int_equal(merged, 1);
        arc_free(other.name);
    }
    /* either name now finds all 301 articles; the facet counts them once */
    assert_int_equal(test_count(db, "person:\"A. Quillsworth\""), 301);
    assert_int_equal(test_count(db, "person:Quill"), 301);
    assert_int_equal(test_count(db, "person:\"A. Quillsworth\" OR org:Tidewater"),
                     test_count(db, "person:Quill OR org:Tidewater"));
    arc_free(quill.name);
    arc_free(tide.name);
    arc_db_close(db);
}

static void
versions_should_list_earlier_texts(void **state)
{
    arc_db_t *db = NULL;
    arc_article_t a;
    arc_version_t *v = NULL;
    size_t n = 9;
    int64_t id;
    char *err = NULL;
    (void)state;

    assert_int_equal(arc_db_open(fresh_dir("versions"), ARC_OPEN_CREATE, &db, &err), ARC_OK);
    memset(&a, 0, sizeof a);
    a.url = "https://v.example/1";
    a.title = "First title";
    a.body = "First body.";
    a.published = day(1);
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    assert_int_equal(arc_article_versions(db, id, &v, &n), ARC_OK);
    assert_int_equal(n, 0);
    a.title = "Second title";
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    assert_int_equal(arc_article_versions(db, id, &v, &n), ARC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].version, 1);
    assert_string_equal(v[0].title, "First title");
    arc_versions_free(v, n);
    assert_int_equal(arc_article_versions(db, id + 1, &v, &n), ARC_E_NOT_FOUND);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounded_ranking_should_match_exact_bm25_through_every_tier),
        cmocka_unit_test(rank_topk_should_score_only_up_to_the_budget),
        cmocka_unit_test(field_terms_should_work_under_or_and_exclusion),
        cmocka_unit_test(unknown_entity_should_fail_with_suggestions),
        cmocka_unit_test(facets_histogram_and_stories_should_count_the_result_set),
        cmocka_unit_test(merged_entities_should_resolve_by_either_name),
        cmocka_unit_test(versions_should_list_earlier_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
