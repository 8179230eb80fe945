/*
 * test_cluster_async.c - clustering on its own thread decides exactly as
 * clustering in line: the same story for every article, the same copies,
 * the same headlines and counts; a state handed back after the thread
 * stops goes on with the right story ids; dropped decisions store nothing.
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
#include "cluster_async.h"
#include "enrich.h"
#include "test_dir.h"

#define N_ARTS 700   /* more than the thread's ring holds */
#define N_MORE 60    /* clustered in line after the thread stops */

/* Ten developing stories, each with its own words and people; articles
 * come in a fixed pseudo-random order over two months. */
static const char *const topic_words[][6] = {
    { "dockers", "strike", "terminals", "automation", "union", "Rotterdam" },
    { "bridge", "cables", "cracks", "inspectors", "closure", "Willemsbrug" },
    { "floods", "river", "levees", "evacuation", "rainfall", "Limburg" },
    { "election", "ballots", "coalition", "turnout", "candidates", "Utrecht" },
    { "wildfire", "hectares", "firefighters", "drought", "winds", "Valencia" },
    { "merger", "shareholders", "regulators", "takeover", "bid", "Frankfurt" },
    { "vaccine", "trial", "doses", "hospital", "patients", "Lyon" },
    { "earthquake", "magnitude", "aftershocks", "rubble", "rescuers", "Izmir" },
    { "satellite", "launch", "rocket", "orbit", "payload", "Kourou" },
    { "drought", "harvest", "farmers", "wheat", "prices", "Andalusia" },
};
static const char *const people[] = {
    "Kees Hoekstra", "Jaap de Graaf", "Maria Jansen", "Pieter Bakker", "Elena Garcia",
    "Thomas Weber", "Claire Martin", "Mehmet Yilmaz", "Sophie Laurent", "Juan Romero",
};
static const char *const filler[] = {
    "officials", "said", "on", "Monday", "that", "the", "work", "would", "continue",
    "after", "talks", "with", "local", "leaders", "and", "residents", "week", "later",
};

typedef struct gen {
    char url[64], title[160], body[2400];
    int64_t published;
} gen_t;

static uint32_t
next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* Article i: every ninth one copies an earlier article of its topic with
 * a retouched first line (a syndicated copy). */
static void
make_article(int i, gen_t *g, gen_t *all)
{
    uint32_t s = 2654435761u * (uint32_t)(i + 1);
    int t = (int)(next_rand(&s) % 10);
    size_t len = 0;

    snprintf(g->url, sizeof g->url, "https://news%d.example/a/%d", i % 7, i);
    /* two months, topics taking turns in bursts */
    g->published = 1735689600 + (int64_t)i * 7200 + (int64_t)(next_rand(&s) % 3600);
    if (i > 20 && i % 9 == 0) {
        const gen_t *o = &all[i - 1 - (int)(next_rand(&s) % 8)];
        snprintf(g->title, sizeof g->title, "%.140s (wire)", o->title);
        snprintf(g->body, sizeof g->body, "UPDATED: %.2300s", o->body);
        return;
    }
    snprintf(g->title, sizeof g->title, "%s %s as %s %s",
             topic_words[t][5], topic_words[t][next_rand(&s) % 5],
             topic_words[t][next_rand(&s) % 5], filler[next_rand(&s) % 18]);
    len = (size_t)snprintf(g->body, sizeof g->body, "%s said the %s in %s had %s. ",
                           people[t], topic_words[t][0], topic_words[t][5],
                           topic_words[t][1]);
    for (int k = 0; k < 60 && len + 40 < sizeof g->body; k++) {
        const char *w = next_rand(&s) % 3 ? filler[next_rand(&s) % 18]
                                           : topic_words[t][next_rand(&s) % 6];
        len += (size_t)snprintf(g->body + len, sizeof g->body - len, "%s%s", w,
                                k % 12 == 11 ? ". " : " ");
    }
    snprintf(g->body + len, sizeof g->body - len, "Article %d ends here.", i);
}

static gen_t *
corpus(int n)
{
    gen_t *all = calloc((size_t)n, sizeof *all);

    assert_non_null(all);
    for (int i = 0; i < n; i++)
        make_article(i, &all[i], all);
    return all;
}

static int64_t
store(arc_db_t *db, const gen_t *g)
{
    arc_article_t a;
    int64_t id = 0;

    memset(&a, 0, sizeof a);
    a.url = g->url;
    a.title = g->title;
    a.body = g->body;
    a.source = "Test";
    a.published = g->published;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    assert_int_equal(idx_enrich_article(db, id, g->title, g->body, g->published), ARC_OK);
    return id;
}

/* What an article ended up with: its story, the story's headline and
 * count, and the original it copies. */
typedef struct outcome {
    int64_t story, duplicate_of;
    char title[160];
    int64_t count;
} outcome_t;

static void
outcome_of(arc_db_t *db, int64_t id, outcome_t *o)
{
    arc_article_t *a = NULL;
    arc_story_t *s = NULL;
    arc_story_member_t *m = NULL;
    size_t n = 0;

    memset(o, 0, sizeof *o);
    assert_int_equal(arc_article_get(db, id, &a), ARC_OK);
    o->story = a->story;
    arc_article_destroy(a);
    assert_true(o->story > 0);
    assert_int_equal(arc_story_get(db, o->story, &s), ARC_OK);
    snprintf(o->title, sizeof o->title, "%s", s->title ? s->title : "");
    o->count = s->article_count;
    arc_story_destroy(s);
    assert_int_equal(arc_story_members(db, o->story, 1, &m, &n), ARC_OK);
    for (size_t i = 0; i < n; i++)
        if (m[i].id == id)
            o->duplicate_of = m[i].duplicate_of;
    arc_story_members_free(m, n);
}

static arc_db_t *
open_fresh(const char *name)
{
    arc_db_t *db = NULL;

    assert_int_equal(arc_db_open(test_fresh_dir("test_cluster_async", name), ARC_OPEN_CREATE,
                                 &db, NULL),
                     ARC_OK);
    return db;
}

/* Store articles [from, to) and hand them to the clustering thread;
 * with commit_every, drain and commit that often (as the import does). */
static void
store_on_thread(arc_db_t *db, idx_cluster_async_t *as, const gen_t *all, int from, int to,
                int64_t *ids, int commit_every)
{
    for (int i = from; i < to; i++) {
        idx_cluster_prep_t p;
        ids[i] = store(db, &all[i]);
        assert_int_equal(idx_cluster_prepare(all[i].title, all[i].body, &p), 0);
        assert_int_equal(idx_cluster_async_add(as, ids[i], all[i].title, &p, all[i].published),
                         ARC_OK);
        assert_false(p.ready); /* taken over */
        if (commit_every && i % commit_every == commit_every - 1) {
            assert_int_equal(idx_cluster_async_drain(as), ARC_OK);
            assert_int_equal(arc_db_commit(db), ARC_OK);
            assert_int_equal(arc_db_begin(db), ARC_OK);
        }
    }
}

static void
threaded_should_decide_as_in_line_and_hand_back_story_ids(void **state)
{
    gen_t *all = corpus(N_ARTS + N_MORE);
    int64_t *ids_a = calloc(N_ARTS + N_MORE, sizeof *ids_a);
    int64_t *ids_b = calloc(N_ARTS + N_MORE, sizeof *ids_b);
    arc_db_t *a = open_fresh("inline"), *b;
    idx_cluster_t *ca = idx_cluster_create(a, 0, NULL), *cb;
    idx_cluster_async_t *as;
    size_t copies = 0, joined = 0, titles_moved = 0;

    (void)state;
    assert_non_null(ids_a);
    assert_non_null(ids_b);
    assert_non_null(ca);
    /* in line */
    assert_int_equal(arc_db_begin(a), ARC_OK);
    for (int i = 0; i < N_ARTS + N_MORE; i++) {
        ids_a[i] = store(a, &all[i]);
        assert_int_equal(idx_cluster_add(ca, ids_a[i], all[i].title, all[i].body,
                                         all[i].published, NULL),
                         ARC_OK);
    }
    assert_int_equal(arc_db_commit(a), ARC_OK);

    /* on the thread, committing every 128 articles, then in line again on
     * the state the thread hands back */
    b = open_fresh("thread");
    cb = idx_cluster_create(b, 0, NULL);
    assert_non_null(cb);
    as = idx_cluster_async_start(cb, b);
    assert_non_null(as);
    assert_int_equal(arc_db_begin(b), ARC_OK);
    store_on_thread(b, as, all, 0, N_ARTS, ids_b, 128);
    assert_int_equal(idx_cluster_async_stop(as, 1), ARC_OK);
    for (int i = N_ARTS; i < N_ARTS + N_MORE; i++) {
        ids_b[i] = store(b, &all[i]);
        assert_int_equal(idx_cluster_add(cb, ids_b[i], all[i].title, all[i].body,
                                         all[i].published, NULL),
                         ARC_OK);
    }
    assert_int_equal(arc_db_commit(b), ARC_OK);

    for (int i = 0; i < N_ARTS + N_MORE; i++) {
        outcome_t oa, ob;
        assert_int_equal(ids_a[i], ids_b[i]);
        outcome_of(a, ids_a[i], &oa);
        outcome_of(b, ids_b[i], &ob);
        assert_int_equal(oa.story, ob.story);
        assert_int_equal(oa.duplicate_of, ob.duplicate_of);
        assert_string_equal(oa.title, ob.title);
        assert_int_equal(oa.count, ob.count);
        copies += oa.duplicate_of != 0;
        joined += oa.count > 1;
        titles_moved += strcmp(oa.title, all[i].title) != 0;
    }
    /* the corpus exercises every kind of decision */
    assert_true(copies > 20);
    assert_true(joined > N_ARTS / 2);
    assert_true(titles_moved > 0);
    idx_cluster_destroy(ca);
    idx_cluster_destroy(cb);
    arc_db_close(a);
    arc_db_close(b);
    free(ids_a);
    free(ids_b);
    free(all);
}

static void
late_articles_should_join_stories_made_on_the_thread(void **state)
{
    gen_t *all = corpus(N_ARTS + N_MORE);
    arc_db_t *db = open_fresh("late");
    idx_cluster_t *c = idx_cluster_create(db, 0, NULL);
    idx_cluster_async_t *as;
    int64_t *ids = calloc(N_ARTS, sizeof *ids), id, story = 0, last_thread_story = 0;
    size_t joined_old = 0;

    (void)state;
    assert_non_null(c);
    as = idx_cluster_async_start(c, db);
    assert_non_null(as);
    assert_non_null(ids);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    store_on_thread(db, as, all, 0, N_ARTS, ids, 0);
    assert_int_equal(idx_cluster_async_stop(as, 1), ARC_OK);
    {
        outcome_t o;
        outcome_of(db, ids[N_ARTS - 1], &o);
        last_thread_story = o.story;
    }
    /* every story the thread created has its archive id in the state */
    for (size_t si = 0; si < idx_cluster_story_count(c); si++)
        assert_true(idx_cluster_story_id(c, (uint32_t)si) > 0);
    for (int i = N_ARTS; i < N_ARTS + N_MORE; i++) {
        id = store(db, &all[i]);
        assert_int_equal(idx_cluster_add(c, id, all[i].title, all[i].body, all[i].published,
                                         &story),
                         ARC_OK);
        joined_old += story <= last_thread_story;
    }
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_true(joined_old > 0);
    idx_cluster_destroy(c);
    arc_db_close(db);
    free(ids);
    free(all);
}

static void
dropped_decisions_should_store_nothing(void **state)
{
    gen_t *all = corpus(40);
    arc_db_t *db = open_fresh("drop");
    idx_cluster_t *c = idx_cluster_create(db, 0, NULL);
    idx_cluster_async_t *as;
    int64_t ids[40];

    (void)state;
    as = idx_cluster_async_start(c, db);
    assert_non_null(as);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    store_on_thread(db, as, all, 0, 40, ids, 0);
    assert_int_equal(idx_cluster_async_stop(as, 0), ARC_OK);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    for (int i = 0; i < 40; i++) {
        arc_article_t *a = NULL;
        assert_int_equal(arc_article_get(db, ids[i], &a), ARC_OK);
        assert_int_equal(a->story, 0);
        arc_article_destroy(a);
    }
    idx_cluster_destroy(c);
    arc_db_close(db);
    free(all);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threaded_should_decide_as_in_line_and_hand_back_story_ids),
        cmocka_unit_test(late_articles_should_join_stories_made_on_the_thread),
        cmocka_unit_test(dropped_decisions_should_store_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
