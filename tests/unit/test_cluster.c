/*
 * test_cluster.c - story clustering: term vectors and their cosine,
 * shingle sketches for near-duplicates, and the online clustering over a
 * real archive (same order -> same stories; copies linked and counted
 * once; unrelated news apart; a merge decision survives re-clustering).
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
#include "decisions.h"
#include "enrich.h"
#include "shingle.h"
#include "termvec.h"

/* ---- term vectors ---- */

static void
collect_term(const char *w, size_t n, void *ctx)
{
    char *buf = ctx;
    size_t len = strlen(buf);
    snprintf(buf + len, 400 - len, "%s%.*s", len ? " " : "", (int)n, w);
}

static void
terms_should_stem_and_drop_function_words(void **state)
{
    static const struct { const char *text, *want; } cases[] = {
        { "The talks were held in Miami", "talk held miami" },
        { "Sanctions and SANCTION", "sanction sanction" },
        { "Flooding floods flooded", "flood flood flood" },
        { "a an of 12 2025", "2025" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[400] = "";
        idx_terms(cases[i].text, strlen(cases[i].text), collect_term, buf);
        assert_string_equal(buf, cases[i].want);
    }
}

static void
cosine_should_be_one_for_same_direction_and_zero_for_disjoint(void **state)
{
    idx_tv_t a, b, c;

    (void)state;
    idx_tv_init(&a);
    idx_tv_init(&b);
    idx_tv_init(&c);
    /* inserted out of order: entries stay sorted */
    assert_int_equal(idx_tv_add(&a, 7, 1.0f), 0);
    assert_int_equal(idx_tv_add(&a, 3, 2.0f), 0);
    assert_int_equal(idx_tv_add(&b, 3, 4.0f), 0);
    assert_int_equal(idx_tv_add(&b, 7, 2.0f), 0);
    assert_int_equal(idx_tv_add(&c, 9, 1.0f), 0);
    assert_true(a.v[0].term < a.v[1].term);
    assert_true(idx_tv_cosine(&a, &b) > 0.9999);
    assert_true(idx_tv_cosine(&a, &c) == 0.0);
    idx_tv_add(&a, 3, 1.0f);        /* adds to the existing weight */
    assert_true(idx_tv_get(&a, 3) == 3.0f);
    idx_tv_normalise(&a);
    assert_true(idx_tv_norm2(&a) > 0.9999 && idx_tv_norm2(&a) < 1.0001);
    idx_tv_free(&a);
    idx_tv_free(&b);
    idx_tv_free(&c);
}

/* ---- shingles ---- */

static const char wire[] =
    "Dock workers at the port of Rotterdam voted on Monday to strike over plans to "
    "automate two more container terminals, union leader Kees Hoekstra said. The "
    "union says automation has cut hundreds of jobs at the terminals since 2020. "
    "Shipping lines have warned that a long stoppage would push cargo to Antwerp and "
    "Hamburg. The port handles about 14 million containers a year and is the largest "
    "in Europe. Talks with the port authority are due to resume next week, when the "
    "union will present its demands for retraining and a job guarantee.";

static void
sketch_should_find_copies_and_tell_other_texts_apart(void **state)
{
    uint64_t a[IDX_SKETCH_K], b[IDX_SKETCH_K], c[IDX_SKETCH_K];
    char copy[sizeof wire + 32];
    static const char other[] =
        "Rotterdam closed the Willemsbrug to all traffic on Wednesday after inspectors "
        "found cracks in two of its steel cables, city alderman Jaap de Graaf said. "
        "Commuters faced long traffic jams as drivers diverted to the Erasmusbrug and "
        "the Maastunnel. The red bridge, opened in 1981, is one of the best known "
        "landmarks of the city and carries about 40,000 vehicles a day.";
    size_t na, nb, nc;

    (void)state;
    /* a syndicated copy: the first sentence retouched, reflowed */
    snprintf(copy, sizeof copy, "UPDATED: %s", wire);
    na = idx_shingle_sketch(wire, strlen(wire), a);
    nb = idx_shingle_sketch(copy, strlen(copy), b);
    nc = idx_shingle_sketch(other, strlen(other), c);
    assert_int_equal(na, IDX_SKETCH_K);
    for (size_t i = 1; i < na; i++)
        assert_true(a[i - 1] < a[i]);
    assert_true(idx_shingle_resemblance(a, na, b, nb) >= 0.8);
    assert_true(idx_shingle_resemblance(a, na, c, nc) < 0.1);
    assert_true(idx_shingle_resemblance(a, na, a, na) == 1.0);
    /* fewer words than a shingle: no sketch */
    assert_int_equal(idx_shingle_sketch("two words", 9, c), 0);
}

/* ---- text work shared with the enrichment ---- */

static void
prepare_should_use_given_sentences_and_match_its_own(void **state)
{
    idx_cluster_prep_t own, given, one;
    idx_enrichment_t e;
    idx_span_t single = { 0, 40 };

    (void)state;
    /* the enrichment keeps the sentences it found: those idx_sentences finds */
    idx_enrich_compute("Rotterdam dockers vote", wire, ARC_TIME_NONE, &e);
    {
        idx_span_t *sent = NULL;
        size_t ns = idx_sentences(wire, strlen(wire), &sent);
        assert_true(ns >= 3);
        assert_int_equal(e.n_sent, ns);
        assert_memory_equal(e.sent, sent, ns * sizeof *sent);
        free(sent);
    }
    assert_int_equal(idx_cluster_prepare("Rotterdam dockers vote", wire, &own), 0);
    assert_int_equal(idx_cluster_prepare_sentences("Rotterdam dockers vote", wire, e.sent,
                                                   e.n_sent, &given),
                     0);
    assert_true(given.ready);
    assert_int_equal(given.n_spans, own.n_spans);
    assert_memory_equal(given.spans, own.spans, 2 * own.n_spans * sizeof *own.spans);
    assert_int_equal(given.n_sketch, own.n_sketch);
    assert_memory_equal(given.sketch, own.sketch, own.n_sketch * sizeof *own.sketch);
    assert_int_equal(given.n_terms, own.n_terms);
    assert_memory_equal(given.terms, own.terms, own.n_terms * sizeof *own.terms);
    /* the spans are the ones given, not found again */
    assert_int_equal(idx_cluster_prepare_sentences("t", wire, &single, 1, &one), 0);
    assert_int_equal(one.n_spans, 1);
    assert_int_equal(one.spans[0], 0);
    assert_int_equal(one.spans[1], 40);
    idx_cluster_prep_clear(&own);
    idx_cluster_prep_clear(&given);
    idx_cluster_prep_clear(&one);
    idx_enrich_clear(&e);
}

/* ---- clustering over an archive ---- */

typedef struct art {
    const char *url, *title, *body, *when;
} art_t;

static const art_t news[] = {
    { "https://a.example/1", "Rotterdam dock workers vote to strike over automation",
      "Dock workers at the port of Rotterdam voted on Monday to strike over plans to automate "
      "two more container terminals, union leader Kees Hoekstra said.", "2025-03-03T09:00:00Z" },
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
};

static char dir[600];

static arc_db_t *
fresh_archive(const char *name)
{
    const char *base = getenv("TEST_TMPDIR");
    char cmd[700];
    arc_db_t *db = NULL;

    snprintf(dir, sizeof dir, "%s/test_cluster.%d.%s", base ? base : "/tmp", (int)getpid(), name);
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

/* Store and cluster the articles; story of each in *stories. */
static void
ingest(arc_db_t *db, idx_cluster_t *cl, const art_t *v, size_t n, int64_t *ids,
       int64_t *stories)
{
    for (size_t i = 0; i < n; i++) {
        arc_article_t a;
        int64_t end;
        memset(&a, 0, sizeof a);
        a.url = v[i].url;
        a.title = v[i].title;
        a.body = v[i].body;
        a.source = "Test";
        assert_int_equal(arc_time_parse_user(v[i].when, &a.published, &end), ARC_OK);
        assert_int_equal(arc_article_put(db, &a, &ids[i], NULL), ARC_OK);
        assert_int_equal(idx_cluster_add(cl, ids[i], a.title, a.body, a.published,
                                         &stories[i]), ARC_OK);
        assert_true(stories[i] > 0);
    }
}

static void
cluster_should_group_same_development_and_separate_others(void **state)
{
    arc_db_t *db = fresh_archive("group");
    idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
    int64_t ids[4], st[4];

    (void)state;
    assert_non_null(cl);
    ingest(db, cl, news, 4, ids, st);
    assert_int_equal(st[0], st[2]);   /* the strike */
    assert_int_equal(st[1], st[3]);   /* the bridge */
    assert_int_not_equal(st[0], st[1]);
    idx_cluster_destroy(cl);
    remove_archive(db);
}

static void
cluster_should_give_same_stories_for_same_order(void **state)
{
    int64_t first[4], second[4], ids[4];

    (void)state;
    for (int round = 0; round < 2; round++) {
        arc_db_t *db = fresh_archive(round ? "again" : "once");
        idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
        ingest(db, cl, news, 4, ids, round ? second : first);
        idx_cluster_destroy(cl);
        remove_archive(db);
    }
    assert_memory_equal(first, second, sizeof first);
}

static void
copy_should_join_original_and_count_once(void **state)
{
    arc_db_t *db = fresh_archive("copy");
    idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
    art_t v[2] = {
        { "https://wire.example/x", "Rotterdam dockers vote to strike", wire, "2025-03-03T09:00:00Z" },
        { "https://paper.example/y", "Port strike vote (wire report)", NULL, "2025-03-03T11:00:00Z" },
    };
    char copy[sizeof wire + 32];
    int64_t ids[2], st[2];
    arc_story_t *s = NULL;
    arc_story_member_t *m = NULL;
    size_t n = 0;

    (void)state;
    snprintf(copy, sizeof copy, "UPDATED: %s", wire);
    v[1].body = copy;
    ingest(db, cl, v, 2, ids, st);
    assert_int_equal(st[0], st[1]);
    assert_int_equal(arc_story_get(db, st[0], &s), ARC_OK);
    assert_int_equal(s->article_count, 1);
    assert_int_equal(arc_story_members(db, st[0], 1, &m, &n), ARC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(m[1].duplicate_of, ids[0]);
    assert_true(m[0].n_spans >= 3);    /* sentence spans stored */
    arc_story_members_free(m, n);
    arc_story_destroy(s);
    idx_cluster_destroy(cl);
    remove_archive(db);
}

static void
merge_decision_should_survive_reclustering(void **state)
{
    arc_db_t *db = fresh_archive("merge");
    idx_cluster_t *cl = idx_cluster_create(db, 0, NULL);
    int64_t ids[4], st[4], a, b;
    char args[200];
    size_t applied = 0;

    (void)state;
    ingest(db, cl, news, 4, ids, st);
    idx_cluster_destroy(cl);
    snprintf(args, sizeof args, "{\"into\":[%lld],\"from\":[%lld]}",
             (long long)ids[0], (long long)ids[1]);
    assert_int_equal(arc_decision_add(db, "story-merge", st[0], st[1], args, NULL), ARC_OK);
    /* re-cluster from scratch, then re-apply: strike and bridge are one */
    assert_int_equal(arc_story_reset_all(db), ARC_OK);
    cl = idx_cluster_create(db, 0, NULL);
    for (size_t i = 0; i < 4; i++) {
        int64_t s;
        assert_int_equal(idx_cluster_add(cl, ids[i], news[i].title, news[i].body,
                                         0, &s), ARC_OK);
    }
    idx_cluster_destroy(cl);
    assert_int_equal(idx_decisions_reapply(db, &applied), ARC_OK);
    assert_int_equal(applied, 1);
    assert_int_equal(arc_article_story(db, ids[0], &a), ARC_OK);
    assert_int_equal(arc_article_story(db, ids[3], &b), ARC_OK);
    assert_int_equal(a, b);
    remove_archive(db);
}

/* ---- choosing the best candidates ---- */

/* As clustering's order: by weight, heaviest first, then by index. */
static const double *fk_weight;

static int
fk_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    if (fk_weight[x] != fk_weight[y])
        return fk_weight[x] > fk_weight[y] ? -1 : 1;
    return (x > y) - (x < y);
}

static int
u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void
first_k_should_keep_exactly_the_first_k_of_a_full_sort(void **state)
{
    static const size_t sizes[] = { 2, 33, 100, 1000, 5000 };
    enum { RANDOM_TIES, ASCENDING, DESCENDING, ALL_EQUAL, N_SHAPES };
    uint64_t seed = 12345;
    (void)state;

    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        size_t n = sizes[si];
        double *w = malloc(n * sizeof *w);
        uint32_t *a = malloc(n * sizeof *a), *full = malloc(n * sizeof *full);
        uint32_t *rest_a = malloc(n * sizeof *rest_a), *rest_f = malloc(n * sizeof *rest_f);
        assert_non_null(w);
        assert_non_null(a);
        assert_non_null(full);
        assert_non_null(rest_a);
        assert_non_null(rest_f);
        for (int shape = 0; shape < N_SHAPES; shape++) {
            const size_t ks[] = { 0, 1, 32, n / 2, n - 1 };
            for (size_t i = 0; i < n; i++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                w[i] = shape == RANDOM_TIES ? (double)((seed >> 33) % 10)
                     : shape == ASCENDING ? (double)i
                     : shape == DESCENDING ? (double)(n - i)
                     : 1.0;
            }
            fk_weight = w;
            for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
                size_t k = ks[ki];
                if (k >= n)
                    continue;
                /* candidates in a scrambled order (7919 is prime: a permutation) */
                for (size_t i = 0; i < n; i++)
                    a[i] = (uint32_t)((i * 7919u) % n);
                memcpy(full, a, n * sizeof *a);
                qsort(full, n, sizeof *full, fk_cmp);
                idx_first_k_u32(a, n, k, fk_cmp);
                assert_memory_equal(a, full, k * sizeof *a);
                /* the others are all still there */
                memcpy(rest_a, a + k, (n - k) * sizeof *a);
                memcpy(rest_f, full + k, (n - k) * sizeof *a);
                qsort(rest_a, n - k, sizeof *rest_a, u32_cmp);
                qsort(rest_f, n - k, sizeof *rest_f, u32_cmp);
                assert_memory_equal(rest_a, rest_f, (n - k) * sizeof *a);
            }
        }
        free(w);
        free(a);
        free(full);
        free(rest_a);
        free(rest_f);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(terms_should_stem_and_drop_function_words),
        cmocka_unit_test(cosine_should_be_one_for_same_direction_and_zero_for_disjoint),
        cmocka_unit_test(sketch_should_find_copies_and_tell_other_texts_apart),
        cmocka_unit_test(prepare_should_use_given_sentences_and_match_its_own),
        cmocka_unit_test(cluster_should_group_same_development_and_separate_others),
        cmocka_unit_test(cluster_should_give_same_stories_for_same_order),
        cmocka_unit_test(copy_should_join_original_and_count_once),
        cmocka_unit_test(merge_decision_should_survive_reclustering),
        cmocka_unit_test(first_k_should_keep_exactly_the_first_k_of_a_full_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
