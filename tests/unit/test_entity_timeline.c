/*
 * test_entity_timeline.c - an entity's timeline (arc_entity_timeline_*)
 * over several articles whose events interleave by date: entries in date
 * order, then article, then position in the article; each entry carries
 * its own article's url, title and source and its sentence cut from that
 * article's body; date bounds and the source filter select entries.
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

#include "enrich.h"
#include "newsarc.h"

static char path[700];

static arc_db_t *
open_new(const char *name)
{
    char cmd[800];
    const char *base = getenv("TEST_TMPDIR");
    arc_db_t *db = NULL;
    char *err = NULL;

    snprintf(path, sizeof path, "%s/test_entity_timeline.%d/%s", base ? base : "/tmp",
             (int)getpid(), name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot clean %s", path);
    assert_int_equal(arc_db_open(path, ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_null(err);
    return db;
}

/* The three articles: every sentence names Anna Berg and dates an event,
 * so that by date the entries alternate between the articles. They are
 * stored out of publication order. */
typedef struct art {
    const char *url, *day, *source, *title, *body;
} art_t;

static const art_t arts[] = {
    { "https://wire.example/a3", "2025-12-03", "Other Wire", "Berg opens a school",
      "Anna Berg opened a school on December 3, 2025." },
    { "https://wire.example/a1", "2025-12-01", "Test Wire", "Berg plans a trip",
      "Anna Berg will visit Oslo on December 5, 2025.\n\n"
      "Anna Berg met the mayor on December 1, 2025." },
    { "https://wire.example/a2", "2025-12-02", "Test Wire", "Berg speaks",
      "Anna Berg spoke to reporters on December 2, 2025.\n\n"
      "Anna Berg will sign the deal on December 5, 2025." },
};
enum { N_ARTS = sizeof arts / sizeof arts[0] };

/* Store the articles and enrich them as an import does; ids[i] is the id
 * of arts[i]. Returns Anna Berg's entity id. */
static int64_t
put_articles(arc_db_t *db, int64_t *ids)
{
    arc_entity_ref_t r;
    int64_t id;

    for (int i = 0; i < N_ARTS; i++) {
        arc_article_t a;
        arc_put_result_t res;
        idx_enrichment_t e;
        int64_t s, end;

        memset(&a, 0, sizeof a);
        assert_int_equal(arc_time_parse_user(arts[i].day, &s, &end), ARC_OK);
        a.url = arts[i].url;
        a.title = arts[i].title;
        a.body = arts[i].body;
        a.source = arts[i].source;
        a.published = s + 36000;
        assert_int_equal(arc_article_put(db, &a, &ids[i], &res), ARC_OK);
        idx_enrich_compute(a.title, a.body, a.published, &e);
        assert_int_equal(idx_enrich_store_new(db, ids[i], &e, res == ARC_PUT_NEW), ARC_OK);
        idx_enrich_clear(&e);
    }
    assert_int_equal(arc_entity_find(db, ARC_ENTITY_PERSON, "Anna Berg", &r), ARC_OK);
    id = r.id;
    arc_free(r.name);
    return id;
}

/* One expected entry: the article (index in arts[]) and the sentence. */
typedef struct want {
    int art;
    const char *text;
} want_t;

/* Run the timeline and compare it entry by entry with want[0..n). */
static void
expect_timeline(arc_db_t *db, int64_t entity, const char *since, const char *until,
                const char *source, const int64_t *ids, const want_t *want, size_t n)
{
    arc_search_opts_t o;
    arc_entity_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    int64_t end, prev_date = INT64_MIN;
    size_t got = 0;

    memset(&o, 0, sizeof o);
    if (since)
        assert_int_equal(arc_time_parse_user(since, &o.since, &end), ARC_OK);
    if (until)
        assert_int_equal(arc_time_parse_user(until, &end, &o.until), ARC_OK);
    o.source = source;
    assert_int_equal(arc_entity_timeline_open(db, entity, &o, &t), ARC_OK);
    while (arc_entity_timeline_next(t, &e) == ARC_OK && e) {
        const art_t *a;
        if (got >= n)
            fail_msg("unexpected entry %zu: %s", got, e->text);
        a = &arts[want[got].art];
        assert_string_equal(e->text, want[got].text);
        assert_int_equal(e->article, ids[want[got].art]);
        assert_string_equal(e->url, a->url);
        assert_string_equal(e->title, a->title);
        assert_string_equal(e->source, a->source);
        /* the offsets locate the sentence in its own article's body */
        assert_true(e->start >= 0 && e->end <= (int)strlen(a->body));
        assert_int_equal((int)strlen(e->text), e->end - e->start);
        assert_memory_equal(a->body + e->start, e->text, strlen(e->text));
        assert_true(e->date >= prev_date);
        prev_date = e->date;
        got++;
    }
    arc_entity_timeline_destroy(t);
    assert_int_equal(got, n);
}

static void
entries_interleave_articles_by_date_with_their_own_article(void **state)
{
    arc_db_t *db = open_new("interleave");
    int64_t ids[N_ARTS], berg;
    /* by date, then article (a1 was published before a2), then offset */
    static const want_t all[] = {
        { 1, "Anna Berg met the mayor on December 1, 2025." },
        { 2, "Anna Berg spoke to reporters on December 2, 2025." },
        { 0, "Anna Berg opened a school on December 3, 2025." },
        { 1, "Anna Berg will visit Oslo on December 5, 2025." },
        { 2, "Anna Berg will sign the deal on December 5, 2025." },
    };
    static const struct {
        const char *since, *until, *source;
        size_t first, n;             /* the expected run of all[] */
    } cases[] = {
        { NULL, NULL, NULL, 0, 5 },
        { "2025-12-02", "2025-12-03", NULL, 1, 2 },
        { "2025-12-04", NULL, NULL, 3, 2 },
        { NULL, "2025-12-01", NULL, 0, 1 },
        { NULL, NULL, "Other Wire", 2, 1 },
        { "2025-12-04", NULL, "Other Wire", 0, 0 },
    };
    (void)state;

    berg = put_articles(db, ids);
    assert_true(ids[1] < ids[2]);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        expect_timeline(db, berg, cases[c].since, cases[c].until, cases[c].source, ids,
                        all + cases[c].first, cases[c].n);
    arc_db_close(db);
}

static void
an_empty_or_unknown_entity_gives_no_entries(void **state)
{
    arc_db_t *db = open_new("empty");
    arc_entity_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    int64_t ids[N_ARTS], berg;
    arc_search_opts_t o;
    (void)state;

    berg = put_articles(db, ids);
    memset(&o, 0, sizeof o);
    assert_int_equal(arc_time_parse_user("2020", &o.since, &o.until), ARC_OK);
    assert_int_equal(arc_entity_timeline_open(db, berg, &o, &t), ARC_OK);
    assert_int_equal(arc_entity_timeline_next(t, &e), ARC_OK);
    assert_null(e);
    assert_int_equal(arc_entity_timeline_next(t, &e), ARC_OK);   /* stays at the end */
    assert_null(e);
    arc_entity_timeline_destroy(t);
    assert_int_equal(arc_entity_timeline_open(db, berg + 1000, NULL, &t), ARC_E_NOT_FOUND);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_interleave_articles_by_date_with_their_own_article),
        cmocka_unit_test(an_empty_or_unknown_entity_gives_no_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
