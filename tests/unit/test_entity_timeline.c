/*
 * test_entity_timeline.c - an entity's timeline (arc_entity_timeline_*)
 * over several articles whose events interleave by date: entries in date
 * order, then article, then position in the article; each entry carries
 * its own article's url, title and source and its sentence cut from that
 * article's body; date bounds and the source filter select entries; an
 * article whose events never name the entity gives its first event; a
 * merged id gives its survivor's timeline; a timeline larger than the
 * in-memory run comes out the same through the merge of sorted runs.
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

#include "archive-private.h"   /* Arc_entity_timeline_set_run_bytes, _set_walkers */
#include "enrich.h"
#include "newsarc.h"
#include "test_dir.h"

static char path[700];

static arc_db_t *
open_new(const char *name)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    snprintf(path, sizeof path, "%s", test_fresh_dir("test_entity_timeline", name));
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

/* Store the n articles of set[] and enrich them as an import does; ids[i]
 * is the id of set[i]. */
static void
put_set(arc_db_t *db, const art_t *set, int n, int64_t *ids)
{
    for (int i = 0; i < n; i++) {
        arc_article_t a;
        arc_put_result_t res;
        idx_enrichment_t e;
        int64_t s, end;

        memset(&a, 0, sizeof a);
        assert_int_equal(arc_time_parse_user(set[i].day, &s, &end), ARC_OK);
        a.url = set[i].url;
        a.title = set[i].title;
        a.body = set[i].body;
        a.source = set[i].source;
        a.published = s + 36000;
        assert_int_equal(arc_article_put(db, &a, &ids[i], &res), ARC_OK);
        idx_enrich_compute(a.title, a.body, a.published, &e);
        assert_int_equal(idx_enrich_store_new(db, ids[i], &e, res == ARC_PUT_NEW), ARC_OK);
        idx_enrich_clear(&e);
    }
}

static int64_t
person(arc_db_t *db, const char *name)
{
    arc_entity_ref_t r;
    int64_t id;

    assert_int_equal(arc_entity_find(db, ARC_ENTITY_PERSON, name, &r), ARC_OK);
    id = r.id;
    arc_free(r.name);
    return id;
}

/* Store arts[] (see put_set). Returns Anna Berg's entity id. */
static int64_t
put_articles(arc_db_t *db, int64_t *ids)
{
    put_set(db, arts, N_ARTS, ids);
    return person(db, "Anna Berg");
}

/* One expected entry: the article (index in arts[]) and the sentence. */
typedef struct want {
    int art;
    const char *text;
} want_t;

/* Run the timeline and compare it entry by entry with want[0..n). */
static void
expect_set_timeline(arc_db_t *db, const art_t *set, int64_t entity, const char *since,
                    const char *until, const char *source, const int64_t *ids,
                    const want_t *want, size_t n)
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
        a = &set[want[got].art];
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
    assert_int_equal(arc_entity_timeline_next(t, &e), ARC_OK);   /* stays at the end */
    assert_null(e);
    arc_entity_timeline_destroy(t);
    assert_int_equal(got, n);
}

static void
expect_timeline(arc_db_t *db, int64_t entity, const char *since, const char *until,
                const char *source, const int64_t *ids, const want_t *want, size_t n)
{
    expect_set_timeline(db, arts, entity, since, until, source, ids, want, n);
}

/* All entries of arts[] for Anna Berg: by date, then article (a1 was
 * published before a2), then offset. */
static const want_t arts_all[] = {
    { 1, "Anna Berg met the mayor on December 1, 2025." },
    { 2, "Anna Berg spoke to reporters on December 2, 2025." },
    { 0, "Anna Berg opened a school on December 3, 2025." },
    { 1, "Anna Berg will visit Oslo on December 5, 2025." },
    { 2, "Anna Berg will sign the deal on December 5, 2025." },
};

static void
entries_interleave_articles_by_date_with_their_own_article(void **state)
{
    arc_db_t *db = open_new("interleave");
    int64_t ids[N_ARTS], berg;
    const want_t *all = arts_all;
    static const struct {
        const char *since, *until, *source;
        size_t first, n;             /* the expected run of all[] */
    } cases[] = {
        { NULL, NULL, NULL, 0, 5 },
        { "2025-12-02", "2025-12-03", NULL, 1, 2 },
        { "2025-12-04", NULL, NULL, 3, 2 },
        { NULL, "2025-12-01", NULL, 0, 1 },
        { NULL, NULL, "Other Wire", 2, 1 },
        { NULL, NULL, "other wire", 2, 1 },          /* names match ignoring case */
        { "2025-12-04", NULL, "Test Wire", 3, 2 },
        { "2025-12-04", NULL, "Other Wire", 0, 0 },
        { NULL, NULL, "No Such Wire", 0, 0 },
    };
    /* the default run, and runs so small that entries are merged from a
     * temporary file (one entry per run, about two per run) */
    static const size_t run_bytes[] = { 0, 1, 700 };
    /* one walker (the default for an entity this small), and two and
     * three walkers, each on a connection of its own, taking one article
     * at a time or all of them at once; their entries are brought
     * together in memory, or as runs of their own files */
    static const struct { int n; size_t chunk; } walkers[] = {
        { 0, 0 }, { 2, 1 }, { 3, 1 }, { 2, 0 },
    };
    (void)state;

    berg = put_articles(db, ids);
    assert_true(ids[1] < ids[2]);
    for (size_t k = 0; k < sizeof walkers / sizeof walkers[0]; k++) {
        Arc_entity_timeline_set_walkers(walkers[k].n, walkers[k].chunk);
        for (size_t r = 0; r < sizeof run_bytes / sizeof run_bytes[0]; r++) {
            Arc_entity_timeline_set_run_bytes(run_bytes[r]);
            for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
                expect_timeline(db, berg, cases[c].since, cases[c].until, cases[c].source, ids,
                                all + cases[c].first, cases[c].n);
        }
    }
    Arc_entity_timeline_set_walkers(0, 0);
    Arc_entity_timeline_set_run_bytes(0);
    arc_db_close(db);
}

/* Walkers read on connections of their own, which cannot see what the
 * caller has not committed: inside the caller's transaction one walker
 * reads on the caller's connection. */
static void
a_timeline_inside_a_transaction_sees_what_it_has_not_committed(void **state)
{
    arc_db_t *db = open_new("txn");
    int64_t ids[N_ARTS], berg;
    (void)state;

    Arc_entity_timeline_set_walkers(2, 1);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    berg = put_articles(db, ids);
    expect_timeline(db, berg, NULL, NULL, NULL, ids, arts_all, 5);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    expect_timeline(db, berg, NULL, NULL, NULL, ids, arts_all, 5);
    Arc_entity_timeline_set_walkers(0, 0);
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

/* Articles where Anna Berg is named in a title only, and in a later
 * sentence than the first one. */
static const art_t rule_arts[] = {
    { "https://wire.example/r1", "2025-12-10", "Test Wire", "Anna Berg tours the coast",
      "Storms closed roads on December 8, 2025.\n\n"
      "Schools reopened on December 9, 2025." },
    { "https://wire.example/r2", "2025-12-13", "Test Wire", "Council meets",
      "Officials met on December 11, 2025.\n\n"
      "Anna Berg spoke on December 12, 2025." },
};

static void
an_article_whose_events_never_name_the_entity_gives_its_first_event(void **state)
{
    arc_db_t *db = open_new("rule");
    int64_t ids[2], berg;
    static const want_t all[] = {
        { 0, "Storms closed roads on December 8, 2025." },   /* first event of r1 */
        { 1, "Anna Berg spoke on December 12, 2025." },       /* r2: only its naming event */
    };
    static const struct {
        const char *since, *until;
        size_t first, n;
    } cases[] = {
        { NULL, NULL, 0, 2 },
        { "2025-12-08", "2025-12-08", 0, 1 },
        /* r1's first event is out of bounds: its second one does not
         * stand in for it */
        { "2025-12-09", "2025-12-09", 0, 0 },
        /* r2's first event is within bounds, but another event of r2
         * names her (out of bounds): nothing from r2 */
        { "2025-12-11", "2025-12-11", 0, 0 },
        { "2025-12-09", NULL, 1, 1 },
    };
    (void)state;

    put_set(db, rule_arts, 2, ids);
    berg = person(db, "Anna Berg");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        expect_set_timeline(db, rule_arts, berg, cases[c].since, cases[c].until, NULL, ids,
                            all + cases[c].first, cases[c].n);
    arc_db_close(db);
}

/* A body long enough to be stored compressed, whose earlier-dated event
 * comes first in the body and the later-dated one at its end: the
 * sentences are cut from a body decoded only partly at first. */
static const art_t long_arts[] = {
    { "https://wire.example/l1", "2025-12-21", "Test Wire", "Berg on the road",
      "Anna Berg met the council on December 1, 2025.\n\n"
      "The weather was mild and the streets were busy with traffic all week. "
      "The weather was mild and the streets were busy with traffic all week. "
      "The weather was mild and the streets were busy with traffic all week. "
      "The weather was mild and the streets were busy with traffic all week. "
      "The weather was mild and the streets were busy with traffic all week. "
      "The weather was mild and the streets were busy with traffic all week.\n\n"
      "Anna Berg will travel to Bergen on December 20, 2025." },
};

static void
sentences_of_a_long_body_are_cut_whole(void **state)
{
    arc_db_t *db = open_new("long");
    int64_t ids[1], berg;
    static const want_t all[] = {
        { 0, "Anna Berg met the council on December 1, 2025." },
        { 0, "Anna Berg will travel to Bergen on December 20, 2025." },
    };
    static const struct {
        const char *since, *until;
        size_t first, n;
    } cases[] = {
        { NULL, NULL, 0, 2 },
        { "2025-12-02", NULL, 1, 1 },
        { NULL, "2025-12-19", 0, 1 },
    };
    (void)state;

    put_set(db, long_arts, 1, ids);
    berg = person(db, "Anna Berg");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        expect_set_timeline(db, long_arts, berg, cases[c].since, cases[c].until, NULL, ids,
                            all + cases[c].first, cases[c].n);
    arc_db_close(db);
}

/* A stored body damaged behind the archive's back: the timeline fails
 * with a message naming the article, whether the caller's walker or
 * another one read it. */
static void
a_damaged_body_fails_the_timeline_naming_the_article(void **state)
{
    static const int walkers[] = { 0, 2 };
    (void)state;

    for (size_t k = 0; k < sizeof walkers / sizeof walkers[0]; k++) {
        arc_db_t *db = open_new(k ? "damaged2" : "damaged1");
        arc_entity_timeline_t *t = NULL;
        sqlite3_blob *blob = NULL;
        unsigned char junk[16];
        char name[64];
        int64_t ids[1], short_ids[N_ARTS], berg;

        /* the long article (compressed) is the newest of four */
        put_set(db, arts, N_ARTS, short_ids);
        put_set(db, long_arts, 1, ids);
        berg = person(db, "Anna Berg");
        memset(junk, 0xa5, sizeof junk);
        assert_int_equal(sqlite3_blob_open(db->sql, "main", "article", "body", ids[0], 1, &blob),
                         SQLITE_OK);
        assert_int_equal(sqlite3_blob_write(blob, junk, (int)sizeof junk, 40), SQLITE_OK);
        sqlite3_blob_close(blob);
        snprintf(name, sizeof name, "article %lld", (long long)ids[0]);

        /* with two walkers, one article per range, dealt in turn, the
         * fourth article is walker 1's */
        Arc_entity_timeline_set_walkers(walkers[k], 1);
        assert_int_not_equal(arc_entity_timeline_open(db, berg, NULL, &t), ARC_OK);
        assert_null(t);
        if (!strstr(arc_db_errmsg(db), name) || !strstr(arc_db_errmsg(db), "corrupt"))
            fail_msg("unclear error: %s", arc_db_errmsg(db));
        Arc_entity_timeline_set_walkers(0, 0);
        arc_db_close(db);
    }
}

/* The timeline as one "article|start|date|text" line per entry. */
static size_t
timeline_lines(arc_db_t *db, int64_t entity, char *buf, size_t cap)
{
    arc_entity_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    size_t len = 0, n = 0;

    buf[0] = '\0';
    assert_int_equal(arc_entity_timeline_open(db, entity, NULL, &t), ARC_OK);
    while (arc_entity_timeline_next(t, &e) == ARC_OK && e) {
        int w = snprintf(buf + len, cap - len, "%lld|%d|%lld|%s\n", (long long)e->article,
                         e->start, (long long)e->date, e->text ? e->text : "(null)");
        assert_true(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
        n++;
    }
    arc_entity_timeline_destroy(t);
    return n;
}

static void
a_merged_entity_id_gives_the_timeline_of_the_entity_it_was_merged_into(void **state)
{
    static const art_t more[] = {
        { "https://wire.example/m1", "2025-12-06", "Other Wire", "Bergh in Oslo",
          "Anne Bergh arrived in Oslo on December 6, 2025." },
    };
    arc_db_t *db = open_new("merged");
    int64_t ids[N_ARTS], id2[1], berg, bergh;
    char before[4096], merged[4096], survivor[4096];
    int changed = 0;
    (void)state;

    berg = put_articles(db, ids);
    put_set(db, more, 1, id2);
    bergh = person(db, "Anne Bergh");
    assert_true(bergh != berg);
    assert_int_equal(timeline_lines(db, berg, before, sizeof before), 5);
    assert_int_equal(arc_entity_merge(db, bergh, berg, &changed), ARC_OK);
    assert_int_equal(changed, 1);
    /* the merged id reads the survivor's timeline, which now has the
     * merged entity's event too */
    assert_int_equal(timeline_lines(db, bergh, merged, sizeof merged), 6);
    assert_int_equal(timeline_lines(db, berg, survivor, sizeof survivor), 6);
    assert_string_equal(merged, survivor);
    assert_non_null(strstr(survivor, "Anne Bergh arrived in Oslo on December 6, 2025."));
    arc_db_close(db);
}

/* The event view's sentence of the event at (article, start, end), or
 * NULL; malloc'd. */
static char *
view_text(arc_db_t *db, int64_t article, int start, int end)
{
    sqlite3_stmt *st;
    char *text = NULL;

    assert_int_equal(sqlite3_prepare_v2(db->sql,
                                        "SELECT text FROM event WHERE article_id = ?1"
                                        " AND start = ?2 AND end = ?3", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_int(st, 2, start);
    sqlite3_bind_int(st, 3, end);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        text = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return text;
}

static void
sentences_with_odd_bounds_are_cut_as_the_event_view_cuts_them(void **state)
{
    arc_db_t *db = open_new("odd");
    int64_t ids[N_ARTS], berg;
    arc_entity_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    char sql[256];
    int n = 0, odd = 0;
    (void)state;

    berg = put_articles(db, ids);
    /* arts[0]'s only event starts before the body; the first event of
     * arts[1] ends before it starts (neither is written by the archive:
     * such rows come from elsewhere) */
    snprintf(sql, sizeof sql, "UPDATE event_row SET start = -5 WHERE article_id = %lld",
             (long long)ids[0]);
    assert_int_equal(sqlite3_exec(db->sql, sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE event_row SET end = start - 3 WHERE id ="
             " (SELECT min(id) FROM event_row WHERE article_id = %lld)", (long long)ids[1]);
    assert_int_equal(sqlite3_exec(db->sql, sql, NULL, NULL, NULL), SQLITE_OK);

    assert_int_equal(arc_entity_timeline_open(db, berg, NULL, &t), ARC_OK);
    while (arc_entity_timeline_next(t, &e) == ARC_OK && e) {
        char *want = view_text(db, e->article, e->start, e->end);
        if (e->start < 0 || e->end < e->start)
            odd++;
        if (want) {
            assert_non_null(e->text);
            assert_string_equal(e->text, want);
        } else {
            assert_null(e->text);
        }
        free(want);
        n++;
    }
    arc_entity_timeline_destroy(t);
    assert_int_equal(n, 5);
    assert_int_equal(odd, 2);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_interleave_articles_by_date_with_their_own_article),
        cmocka_unit_test(a_timeline_inside_a_transaction_sees_what_it_has_not_committed),
        cmocka_unit_test(an_empty_or_unknown_entity_gives_no_entries),
        cmocka_unit_test(an_article_whose_events_never_name_the_entity_gives_its_first_event),
        cmocka_unit_test(a_merged_entity_id_gives_the_timeline_of_the_entity_it_was_merged_into),
        cmocka_unit_test(sentences_of_a_long_body_are_cut_whole),
        cmocka_unit_test(a_damaged_body_fails_the_timeline_naming_the_article),
        cmocka_unit_test(sentences_with_odd_bounds_are_cut_as_the_event_view_cuts_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
