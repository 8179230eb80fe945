/*
 * test_archive_entities.c - entity resolution across the archive (issue 3):
 * a surname alone links to the full-name person whatever came first, an
 * ambiguous surname goes to the most mentioned person (ties: the oldest),
 * kinds never mix, merged ids keep resolving, merges and renames behave,
 * and places carry their gazetteer facts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsarc.h"
#include "test_archive_util.h"
#include "test_dir.h"

static char path[700];

static arc_db_t *
open_new(const char *name)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    snprintf(path, sizeof path, "%s", test_fresh_dir("test_archive_entities", name));
    assert_int_equal(arc_db_open(path, ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_null(err);
    return db;
}

/* Store an article (its day ascending with n) mentioning one entity. */
static int64_t
put_with(arc_db_t *db, int n, arc_entity_kind_t kind, const char *name)
{
    arc_article_t a;
    arc_mention_t m;
    char url[64], day[16];
    int64_t id, s, e;

    memset(&a, 0, sizeof a);
    snprintf(url, sizeof url, "https://wire.example/%d", n);
    snprintf(day, sizeof day, "2025-12-%02d", 1 + n % 28);
    assert_int_equal(arc_time_parse_user(day, &s, &e), ARC_OK);
    a.url = url;
    a.title = "Talks";
    a.body = "Talks went on.";
    a.source = "Test Wire";
    a.published = s;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.name = name;
    m.count = 1;
    assert_int_equal(arc_article_enrich(db, id, &m, 1, NULL, 0), ARC_OK);
    return id;
}

/* The single entity an article mentions (name copied into buf). */
static int64_t
entity_of(arc_db_t *db, int64_t article, char *buf, size_t len)
{
    arc_entity_ref_t *r = NULL;
    size_t n = 0;
    int64_t id;

    assert_int_equal(arc_article_entities(db, article, &r, &n), ARC_OK);
    assert_int_equal(n, 1);
    id = r[0].id;
    if (buf)
        snprintf(buf, len, "%s", r[0].name);
    arc_entity_refs_free(r, n);
    return id;
}

/* ---- resolution order, table-driven ---- */

#define MAX_ARTICLES 5

typedef struct mention_case {
    const char *what;
    struct {
        arc_entity_kind_t kind;
        const char *name;
    } art[MAX_ARTICLES];       /* imported in this order; name NULL ends */
    int group[MAX_ARTICLES];   /* same number = same entity id */
    const char *shown[MAX_ARTICLES]; /* canonical name shown for each */
} mention_case_t;

#define P ARC_ENTITY_PERSON
#define L ARC_ENTITY_PLACE

static const mention_case_t cases[] = {
    { "surname first, full name later: one entity under the full name",
      { { P, "Putin" }, { P, "Vladimir Putin" } },
      { 0, 0 }, { "Vladimir Putin", "Vladimir Putin" } },
    { "full name first, surname later: one entity",
      { { P, "Vladimir Putin" }, { P, "Putin" } },
      { 0, 0 }, { "Vladimir Putin", "Vladimir Putin" } },
    { "different surnames stay apart",
      { { P, "Putin" }, { P, "Steve Witkoff" } },
      { 0, 1 }, { "Putin", "Steve Witkoff" } },
    { "an ambiguous surname goes to the most mentioned person, not the oldest",
      { { P, "Melania Trump" }, { P, "Donald Trump" }, { P, "Donald Trump" }, { P, "Trump" } },
      { 0, 1, 1, 1 }, { "Melania Trump", "Donald Trump", "Donald Trump", "Donald Trump" } },
    { "an ambiguous surname with equal mentions goes to the oldest person",
      { { P, "Melania Trump" }, { P, "Donald Trump" }, { P, "Trump" } },
      { 0, 1, 0 }, { "Melania Trump", "Donald Trump", "Melania Trump" } },
    { "a folded surname counts for the full name it joined",
      { { P, "Trump" }, { P, "Donald Trump" }, { P, "Melania Trump" }, { P, "Trump" } },
      { 0, 0, 1, 0 }, { "Donald Trump", "Donald Trump", "Melania Trump", "Donald Trump" } },
    { "a place never takes a person's surname",
      { { P, "Michael Jordan" }, { L, "Jordan" } },
      { 0, 1 }, { "Michael Jordan", "Jordan" } },
    { "a single-word place is not folded into a person",
      { { L, "Jordan" }, { P, "Michael Jordan" }, { L, "Jordan" } },
      { 0, 1, 0 }, { "Jordan", "Michael Jordan", "Jordan" } },
};

static void
resolution_should_follow_the_rules_of_each_case(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const mention_case_t *k = &cases[c];
        arc_db_t *db = open_new("cases");
        int64_t art[MAX_ARTICLES], ent[MAX_ARTICLES];
        size_t n = 0;

        for (; n < MAX_ARTICLES && k->art[n].name; n++)
            art[n] = put_with(db, (int)n, k->art[n].kind, k->art[n].name);
        /* read everything back after the last import */
        for (size_t i = 0; i < n; i++) {
            char name[128];
            ent[i] = entity_of(db, art[i], name, sizeof name);
            if (strcmp(name, k->shown[i]) != 0)
                fail_msg("%s: article %zu shows '%s', want '%s'", k->what, i, name,
                         k->shown[i]);
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if ((ent[i] == ent[j]) != (k->group[i] == k->group[j]))
                    fail_msg("%s: articles %zu and %zu %s the same entity", k->what, i, j,
                             ent[i] == ent[j] ? "wrongly share" : "should share");
        test_assert_consistent(db);
        arc_db_close(db);
    }
}

/* ---- ids that were folded or merged keep resolving ---- */

static void
folded_surname_id_should_keep_resolving(void **state)
{
    arc_db_t *db = open_new("folded");
    int64_t a1, a2, old, full, live = 0;
    arc_entity_kind_t kind;
    char *name = NULL;
    arc_entity_ref_t ref;
    (void)state;

    a1 = put_with(db, 1, P, "Putin");
    old = entity_of(db, a1, NULL, 0);
    a2 = put_with(db, 2, P, "Vladimir Putin");
    full = entity_of(db, a2, NULL, 0);
    assert_true(old != full);
    assert_int_equal(entity_of(db, a1, NULL, 0), full);
    assert_int_equal(arc_entity_resolve_id(db, old, &live), ARC_OK);
    assert_int_equal(live, full);
    assert_int_equal(arc_entity_lookup(db, old, &kind, &name), ARC_OK);
    assert_string_equal(name, "Vladimir Putin");
    arc_free(name);
    assert_int_equal(arc_entity_find(db, P, "Putin", &ref), ARC_OK);
    assert_int_equal(ref.id, full);
    arc_free(ref.name);
    /* re-enriching the surname-only article keeps it on the full name */
    {
        arc_mention_t m;
        memset(&m, 0, sizeof m);
        m.kind = P;
        m.name = "Putin";
        m.count = 2;
        assert_int_equal(arc_article_enrich(db, a1, &m, 1, NULL, 0), ARC_OK);
    }
    assert_int_equal(entity_of(db, a1, NULL, 0), full);
    assert_int_equal(test_count(db, "person:Putin"), 2);
    assert_int_equal(test_count(db, "person:\"Vladimir Putin\""), 2);
    test_assert_consistent(db);
    arc_db_close(db);
}

typedef struct merge_case {
    const char *what;
    int from, into;            /* indexes into the three entities, -1 = bogus id */
    arc_status_t want;
    int merged;
} merge_case_t;

static void
merge_should_accept_same_kind_and_refuse_the_rest(void **state)
{
    static const merge_case_t mc[] = {
        { "a variant into the main person", 1, 0, ARC_OK, 1 },
        { "the same merge again changes nothing", 1, 0, ARC_OK, 0 },
        { "the merged id into its target changes nothing", 0, 1, ARC_OK, 0 },
        { "a place into a person is refused", 2, 0, ARC_E_BAD_ARG, 0 },
        { "an unknown id is not found", -1, 0, ARC_E_NOT_FOUND, 0 },
    };
    arc_db_t *db = open_new("merge");
    int64_t art[3], ent[3], live = 0;
    (void)state;

    art[0] = put_with(db, 1, P, "Steve Witkoff");
    art[1] = put_with(db, 2, P, "Steven Witkoff");
    art[2] = put_with(db, 3, L, "Miami");
    for (int i = 0; i < 3; i++)
        ent[i] = entity_of(db, art[i], NULL, 0);
    assert_true(ent[0] != ent[1]);
    for (size_t i = 0; i < sizeof mc / sizeof mc[0]; i++) {
        int merged = -1;
        int64_t from = mc[i].from < 0 ? 987654 : ent[mc[i].from];
        arc_status_t st = arc_entity_merge(db, from, ent[mc[i].into], &merged);
        if (st != mc[i].want || (st == ARC_OK && merged != mc[i].merged))
            fail_msg("%s: status %d merged %d", mc[i].what, (int)st, merged);
    }
    assert_int_equal(entity_of(db, art[1], NULL, 0), ent[0]);
    assert_int_equal(arc_entity_resolve_id(db, ent[1], &live), ARC_OK);
    assert_int_equal(live, ent[0]);
    assert_int_equal(test_count(db, "person:\"Steven Witkoff\""), 2);
    assert_int_equal(test_count(db, "person:Witkoff"), 2);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
merge_chain_should_reach_the_last_target_and_sum_counts(void **state)
{
    arc_db_t *db = open_new("chain");
    arc_article_t a;
    arc_mention_t m[2];
    arc_entity_ref_t *r = NULL;
    int64_t id, e[3], live = 0, s, end;
    size_t n = 0;
    (void)state;

    e[0] = entity_of(db, put_with(db, 1, P, "Al Smith"), NULL, 0);
    e[1] = entity_of(db, put_with(db, 2, P, "Alfred Smith"), NULL, 0);
    e[2] = entity_of(db, put_with(db, 3, P, "Alfred E. Smith"), NULL, 0);
    /* one article naming two variants: after the merges one mention row */
    memset(&a, 0, sizeof a);
    assert_int_equal(arc_time_parse_user("2025-12-20", &s, &end), ARC_OK);
    a.url = "https://wire.example/both";
    a.title = "Smith";
    a.body = "Al Smith, or Alfred Smith.";
    a.source = "Test Wire";
    a.published = s;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    memset(m, 0, sizeof m);
    m[0].kind = m[1].kind = P;
    m[0].name = "Al Smith";
    m[0].count = 2;
    m[1].name = "Alfred Smith";
    m[1].count = 3;
    assert_int_equal(arc_article_enrich(db, id, m, 2, NULL, 0), ARC_OK);
    assert_int_equal(arc_entity_merge(db, e[0], e[1], NULL), ARC_OK);
    assert_int_equal(arc_entity_merge(db, e[1], e[2], NULL), ARC_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(arc_entity_resolve_id(db, e[i], &live), ARC_OK);
        assert_int_equal(live, e[2]);
    }
    assert_int_equal(arc_article_entities(db, id, &r, &n), ARC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].id, e[2]);
    assert_int_equal(r[0].count, 5);
    arc_entity_refs_free(r, n);
    assert_int_equal(test_count(db, "person:\"Al Smith\""), 4);
    test_assert_consistent(db);
    arc_db_close(db);
}

static void
rename_should_keep_the_old_name_as_alias(void **state)
{
    arc_db_t *db = open_new("rename");
    int64_t a1, a2, e1, e2;
    int renamed = -1;
    char name[128];
    (void)state;

    a1 = put_with(db, 1, P, "Steve Witkoff");
    a2 = put_with(db, 2, P, "Marco Rubio");
    e1 = entity_of(db, a1, NULL, 0);
    e2 = entity_of(db, a2, NULL, 0);
    assert_int_equal(arc_entity_rename(db, e1, "Steven C. Witkoff", &renamed), ARC_OK);
    assert_int_equal(renamed, 1);
    assert_int_equal(arc_entity_rename(db, e1, "Steven C. Witkoff", &renamed), ARC_OK);
    assert_int_equal(renamed, 0);
    assert_int_equal(arc_entity_rename(db, e1, "Marco Rubio", NULL), ARC_E_BAD_ARG);
    assert_int_equal(arc_entity_rename(db, e1, "", NULL), ARC_E_BAD_ARG);
    assert_int_equal(arc_entity_rename(db, 987654, "Nobody", NULL), ARC_E_NOT_FOUND);
    assert_int_equal(entity_of(db, a1, name, sizeof name), e1);
    assert_string_equal(name, "Steven C. Witkoff");
    /* the indexer still finds the old name: it resolves to the same id */
    assert_int_equal(entity_of(db, put_with(db, 3, P, "Steve Witkoff"), NULL, 0), e1);
    assert_int_equal(test_count(db, "person:\"Steve Witkoff\""), 2);
    assert_int_equal(test_count(db, "person:\"Steven C. Witkoff\""), 2);
    assert_true(e2 != e1);
    test_assert_consistent(db);
    arc_db_close(db);
}

/* ---- places ---- */

static void
place_should_store_country_and_coordinates_when_known(void **state)
{
    arc_db_t *db = open_new("place");
    arc_article_t a;
    arc_mention_t m[2];
    int64_t id, s, e;
    sqlite3 *sql;
    sqlite3_stmt *st;
    char file[800];
    int rows = 0;
    (void)state;

    memset(&a, 0, sizeof a);
    assert_int_equal(arc_time_parse_user("2025-12-02", &s, &e), ARC_OK);
    a.url = "https://wire.example/paris";
    a.title = "Paris";
    a.body = "In Paris and in Atlantis.";
    a.source = "Test Wire";
    a.published = s;
    assert_int_equal(arc_article_put(db, &a, &id, NULL), ARC_OK);
    memset(m, 0, sizeof m);
    m[0].kind = m[1].kind = L;
    m[0].name = "Paris";
    m[0].country = "FR";
    m[0].lat = 48.85;
    m[0].lon = 2.35;
    m[1].name = "Atlantis";  /* unknown to the gazetteer: all NULL */
    /* first without facts (an older archive), then with them: filled in */
    assert_int_equal(arc_article_enrich(db, id, &m[1], 1, NULL, 0), ARC_OK);
    m[1].name = "Paris";
    assert_int_equal(arc_article_enrich(db, id, &m[1], 1, NULL, 0), ARC_OK);
    m[1].name = "Atlantis";
    assert_int_equal(arc_article_enrich(db, id, m, 2, NULL, 0), ARC_OK);
    arc_db_close(db);

    snprintf(file, sizeof file, "%s/archive.db", path);
    assert_int_equal(sqlite3_open_v2(file, &sql, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(sql,
        "SELECT name, country, lat, lon FROM entity ORDER BY name", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        rows++;
        if (strcmp(name, "Paris") == 0) {
            assert_string_equal((const char *)sqlite3_column_text(st, 1), "FR");
            assert_true(sqlite3_column_double(st, 2) > 48.8 && sqlite3_column_double(st, 2) < 48.9);
            assert_true(sqlite3_column_double(st, 3) > 2.3 && sqlite3_column_double(st, 3) < 2.4);
        } else {
            assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
            assert_int_equal(sqlite3_column_type(st, 2), SQLITE_NULL);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(sql);
    assert_int_equal(rows, 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolution_should_follow_the_rules_of_each_case),
        cmocka_unit_test(folded_surname_id_should_keep_resolving),
        cmocka_unit_test(merge_should_accept_same_kind_and_refuse_the_rest),
        cmocka_unit_test(merge_chain_should_reach_the_last_target_and_sum_counts),
        cmocka_unit_test(rename_should_keep_the_old_name_as_alias),
        cmocka_unit_test(place_should_store_country_and_coordinates_when_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
