/*
 * test_ingest_fast.c - the ingest speed work of issue 6 changes no result:
 * merged and galloping term-vector arithmetic equals the one-by-one form,
 * clustering prepared on another thread decides as the plain call, story
 * figures kept up incrementally equal a full recount, and sentence spans
 * stored compactly read back exactly.
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

#include "cluster.h"
#include "termvec.h"
#include "text.h"

/* A small deterministic generator for vectors. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

static void
random_vector(idx_tv_t *t, size_t n, uint32_t max_term)
{
    idx_tv_init(t);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(idx_tv_add(t, rng() % max_term, (float)(rng() % 1000) / 997.0f + 0.01f), 0);
}

static const struct {
    size_t n_target, n_add;
    uint32_t max_term;
} vec_cases[] = {
    { 0, 5, 50 },        /* into an empty vector */
    { 5, 0, 50 },        /* nothing to add */
    { 40, 40, 60 },      /* heavy overlap */
    { 3, 200, 5000 },    /* short target, long addition */
    { 2000, 30, 100000 },/* a long centroid and an article */
    { 100, 100, 150 },
};

static void
merge_add_should_equal_adding_one_by_one(void **state)
{
    (void)state;
    rng_state = 42;
    for (size_t c = 0; c < sizeof vec_cases / sizeof vec_cases[0]; c++) {
        idx_tv_t a, b, add;
        float *old;

        random_vector(&a, vec_cases[c].n_target, vec_cases[c].max_term);
        random_vector(&add, vec_cases[c].n_add, vec_cases[c].max_term);
        idx_tv_init(&b);
        for (size_t i = 0; i < a.n; i++)
            assert_int_equal(idx_tv_add(&b, a.v[i].term, a.v[i].w), 0);
        old = calloc(add.n + 1, sizeof *old);
        assert_non_null(old);
        for (size_t i = 0; i < add.n; i++)
            old[i] = -1.0f;
        assert_int_equal(idx_tv_merge_add(&a, &add, old), 0);
        for (size_t i = 0; i < add.n; i++) {
            float before = idx_tv_get(&b, add.v[i].term);
            assert_true(old[i] == before);
            assert_int_equal(idx_tv_add(&b, add.v[i].term, add.v[i].w), 0);
        }
        assert_int_equal(a.n, b.n);
        for (size_t i = 0; i < a.n; i++) {
            assert_int_equal(a.v[i].term, b.v[i].term);
            assert_true(a.v[i].w == b.v[i].w);     /* the same float sums */
        }
        free(old);
        idx_tv_free(&a);
        idx_tv_free(&b);
        idx_tv_free(&add);
    }
}

static void
dot_into_should_equal_lookup_per_term(void **state)
{
    (void)state;
    rng_state = 7;
    for (size_t c = 0; c < sizeof vec_cases / sizeof vec_cases[0]; c++) {
        idx_tv_t art, centroid;
        double want = 0;

        random_vector(&centroid, vec_cases[c].n_target, vec_cases[c].max_term);
        random_vector(&art, vec_cases[c].n_add, vec_cases[c].max_term);
        for (size_t i = 0; i < art.n; i++)
            want += (double)art.v[i].w * idx_tv_get(&centroid, art.v[i].term);
        assert_true(idx_tv_dot_into(&art, &centroid) == want);   /* bit for bit */
        idx_tv_free(&art);
        idx_tv_free(&centroid);
    }
}

/* ---- clustering over an archive ---- */

typedef struct art {
    const char *url, *title, *body, *when;
} art_t;

static const art_t news[] = {
    { "https://a.example/1", "Rotterdam dock workers vote to strike over automation",
      "Dock workers at the port of Rotterdam voted on Monday to strike over plans to automate "
      "two more container terminals, union leader Kees Hoekstra said. The vote was close.",
      "2025-03-03T09:00:00Z" },
    { "https://b.example/2", "Cracks force closure of Willemsbrug bridge",
      "The city closed the Willemsbrug bridge to cars on Monday after inspectors found cracks "
      "in two steel cables of the bridge, alderman Jaap de Graaf said.", "2025-03-03T10:00:00Z" },
    { "https://c.example/3", "Rotterdam dockers strike halts container terminals",
      "A strike by dock workers halted the container terminals of Rotterdam on Thursday, "
      "union leader Kees Hoekstra said, as automation plans stay on the table.",
      "2025-03-06T09:00:00Z" },
    { "https://d.example/4", "Willemsbrug bridge to reopen for cyclists",
      "Cyclists can use the Willemsbrug bridge again while the cracked cables are replaced, "
      "alderman Jaap de Graaf said on Friday.", "2025-03-07T09:00:00Z" },
    { "https://e.example/5", "Strike at Rotterdam port enters second week",
      "The strike by dock workers at Rotterdam entered its second week on Monday. Union leader "
      "Kees Hoekstra said the automation plans must go.", "2025-03-02T15:00:00Z" },
};
#define N_NEWS (sizeof news / sizeof news[0])

static char dir[600];

static arc_db_t *
fresh_archive(const char *name)
{
    const char *base = getenv("TEST_TMPDIR");
    char cmd[700];
    arc_db_t *db = NULL;

    snprintf(dir, sizeof dir, "%s/test_ingest_fast.%d.%s", base ? base : "/tmp",
             (int)getpid(), name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(arc_db_open(dir, ARC_OPEN_CREATE, &db, NULL), ARC_OK);
    return db;
}

static void
remove_archive(arc_db_t *db)
{
    char cmd[700];
    arc_db_close(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Store and cluster the articles, prepared first or not. */
static void
ingest(arc_db_t *db, idx_cluster_t *cl, int prepared, int64_t *ids, int64_t *stories)
{
    for (size_t i = 0; i < N_NEWS; i++) {
        arc_article_t a;
        int64_t end;
        memset(&a, 0, sizeof a);
        a.url = news[i].url;
        a.title = news[i].title;
        a.body = news[i].body;
        a.source = "Test";
        assert_int_equal(arc_time_parse_user(news[i].when, &a.published, &end), ARC_OK);
        assert_int_equal(arc_article_put(db, &a, &ids[i], NULL), ARC_OK);
        if (prepared) {
            idx_cluster_prep_t p;
            assert_int_equal(idx_cluster_prepare(a.title, a.body, &p), 0);
            assert_true(p.ready);
            assert_true(p.n_title_terms > 0 && p.n_terms > p.n_title_terms);
            assert_int_equal(idx_cluster_add_prepared(cl, ids[i], a.title, &p, a.published,
                                                      &stories[i]), ARC_OK);
            idx_cluster_prep_clear(&p);
        } else {
            assert_int_equal(idx_cluster_add(cl, ids[i], a.title, a.body, a.published,
                                             &stories[i]), ARC_OK);
        }
        assert_true(stories[i] > 0);
    }
}

static void
prepared_clustering_should_decide_as_the_plain_call(void **state)
{
    int64_t plain[N_NEWS], prep[N_NEWS], ids[N_NEWS];

    (void)state;
    for (int round = 0; round < 2; round++) {
        arc_db_t *db = fresh_archive(round ? "prepared" : "plain");
        idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
        assert_non_null(cl);
        ingest(db, cl, round, ids, round ? prep : plain);
        idx_cluster_destroy(cl);
        remove_archive(db);
    }
    assert_memory_equal(plain, prep, sizeof plain);
    assert_int_equal(plain[0], plain[2]);   /* the strike */
    assert_int_equal(plain[0], plain[4]);   /* ... and its late report */
    assert_int_equal(plain[1], plain[3]);   /* the bridge */
    assert_int_not_equal(plain[0], plain[1]);
}

static void
story_figures_should_equal_a_full_recount(void **state)
{
    arc_db_t *db = fresh_archive("figures");
    idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
    int64_t ids[N_NEWS], st[N_NEWS], t0, t4, end;
    arc_story_t *s = NULL;

    (void)state;
    ingest(db, cl, 1, ids, st);
    /* the strike: three articles, the late one (published first) widens
     * the dates backwards */
    assert_int_equal(arc_story_get(db, st[0], &s), ARC_OK);
    assert_int_equal(s->article_count, 3);
    assert_int_equal(arc_time_parse_user(news[4].when, &t4, &end), ARC_OK);
    assert_int_equal(arc_time_parse_user(news[2].when, &t0, &end), ARC_OK);
    assert_true(s->first_date == t4);
    assert_true(s->last_date == t0);
    assert_non_null(s->title);
    arc_story_destroy(s);
    /* moving an article out recounts both stories in full: same figures
     * as the incremental ones would give */
    assert_int_equal(arc_story_assign(db, ids[4], st[1], NULL), ARC_OK);
    assert_int_equal(arc_story_get(db, st[0], &s), ARC_OK);
    assert_int_equal(s->article_count, 2);
    assert_int_equal(arc_time_parse_user(news[0].when, &t0, &end), ARC_OK);
    assert_true(s->first_date == t0);
    arc_story_destroy(s);
    assert_int_equal(arc_story_get(db, st[1], &s), ARC_OK);
    assert_int_equal(s->article_count, 3);
    arc_story_destroy(s);
    idx_cluster_destroy(cl);
    remove_archive(db);
}

static void
sentence_spans_should_read_back_exactly(void **state)
{
    arc_db_t *db = fresh_archive("spans");
    idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
    int64_t ids[N_NEWS], st[N_NEWS];
    arc_story_member_t *m = NULL;
    size_t n = 0;

    (void)state;
    ingest(db, cl, 1, ids, st);
    assert_int_equal(arc_story_members(db, st[0], 1, &m, &n), ARC_OK);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        idx_span_t *want = NULL;
        size_t nw = idx_sentences(m[i].body, strlen(m[i].body), &want);
        assert_true(nw >= 1);
        assert_int_equal(m[i].n_spans, nw);
        for (size_t k = 0; k < nw; k++) {
            assert_int_equal(m[i].spans[2 * k], want[k].start);
            assert_int_equal(m[i].spans[2 * k + 1], want[k].end);
        }
        free(want);
    }
    arc_story_members_free(m, n);
    idx_cluster_destroy(cl);
    remove_archive(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merge_add_should_equal_adding_one_by_one),
        cmocka_unit_test(dot_into_should_equal_lookup_per_term),
        cmocka_unit_test(prepared_clustering_should_decide_as_the_plain_call),
        cmocka_unit_test(story_figures_should_equal_a_full_recount),
        cmocka_unit_test(sentence_spans_should_read_back_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
