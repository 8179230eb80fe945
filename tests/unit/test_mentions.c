/*
 * test_mentions.c - every entity occurrence stored with its article,
 * offsets and sentence (issue 3, schema v6); events that name their
 * entities and whose text is read back from the body; an entity timeline
 * that prefers the events naming the entity; merges that rewrite stored
 * occurrences; the writer's name -> id cache surviving a rollback.
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
#include "test_dir.h"

static char path[700];

static arc_db_t *
open_new(const char *name)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    snprintf(path, sizeof path, "%s", test_fresh_dir("test_mentions", name));
    assert_int_equal(arc_db_open(path, ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_null(err);
    return db;
}

/* Store an article and enrich it as an import does; returns its id. */
static int64_t
put_enriched(arc_db_t *db, const char *url, const char *day, const char *title,
             const char *body)
{
    arc_article_t a;
    arc_put_result_t res;
    idx_enrichment_t e;
    int64_t id, s, end;

    memset(&a, 0, sizeof a);
    assert_int_equal(arc_time_parse_user(day, &s, &end), ARC_OK);
    a.url = url;
    a.title = title;
    a.body = body;
    a.source = "Test Wire";
    a.published = s + 36000;
    assert_int_equal(arc_article_put(db, &a, &id, &res), ARC_OK);
    idx_enrich_compute(title, body, a.published, &e);
    assert_int_equal(idx_enrich_store_new(db, id, &e, res == ARC_PUT_NEW), ARC_OK);
    idx_enrich_clear(&e);
    return id;
}

static int64_t
entity_named(arc_db_t *db, int kind, const char *name)
{
    arc_entity_ref_t r;
    int64_t id;

    assert_int_equal(arc_entity_find(db, kind, name, &r), ARC_OK);
    id = r.id;
    arc_free(r.name);
    return id;
}

static const char *const title1 = "Putin meets Witkoff in Moscow";
static const char *const body1 =
    "President Vladimir Putin met U.S. envoy Steve Witkoff in Moscow on Tuesday. "
    "The talks lasted five hours.\n\n"
    "Witkoff told reporters on Wednesday that Putin had been constructive.";

static void
every_occurrence_is_stored_with_offsets_and_sentence(void **state)
{
    arc_db_t *db = open_new("occ");
    arc_article_mention_t *m = NULL;
    size_t n = 0, putin_body = 0, witkoff = 0, title = 0;
    int64_t id;
    (void)state;

    id = put_enriched(db, "https://wire.example/1", "2025-12-02", title1, body1);
    assert_int_equal(arc_article_mentions(db, id, &m, &n), ARC_OK);
    assert_true(n >= 6);
    for (size_t i = 0; i < n; i++) {
        const char *src = m[i].in_title ? title1 : body1;

        assert_true(m[i].start >= 0 && m[i].end > m[i].start);
        assert_true((size_t)m[i].end <= strlen(src));
        if (i > 0 && m[i].in_title == m[i - 1].in_title)
            assert_true(m[i].start >= m[i - 1].start);          /* text order */
        if (i > 0)
            assert_true(m[i - 1].in_title >= m[i].in_title);    /* title first */
        if (m[i].in_title) {
            title++;
            assert_int_equal(m[i].sentence, -1);
            continue;
        }
        if (strcmp(m[i].name, "Vladimir Putin") == 0) {
            /* "Vladimir Putin" in sentence 0, "Putin" in sentence 2 */
            assert_true(strncmp(src + m[i].start, "Vladimir Putin", 14) == 0 ||
                        strncmp(src + m[i].start, "Putin", 5) == 0);
            assert_int_equal(m[i].sentence, putin_body ? 2 : 0);
            assert_int_equal(m[i].kind, ARC_ENTITY_PERSON);
            putin_body++;
        }
        if (strcmp(m[i].name, "Steve Witkoff") == 0)
            witkoff++;
    }
    assert_int_equal(putin_body, 2);
    assert_int_equal(witkoff, 2);
    assert_true(title >= 2);
    arc_article_mentions_free(m, n);
    arc_db_close(db);
}

static void
re_enrichment_replaces_occurrences(void **state)
{
    arc_db_t *db = open_new("again");
    arc_article_mention_t *m = NULL;
    size_t n1 = 0, n2 = 0;
    idx_enrichment_t e;
    int64_t id;
    (void)state;

    id = put_enriched(db, "https://wire.example/1", "2025-12-02", title1, body1);
    assert_int_equal(arc_article_mentions(db, id, &m, &n1), ARC_OK);
    arc_article_mentions_free(m, n1);
    /* enriched again (not new): same occurrences, not twice as many */
    idx_enrich_compute(title1, body1, 0, &e);
    assert_int_equal(idx_enrich_store(db, id, &e), ARC_OK);
    idx_enrich_clear(&e);
    assert_int_equal(arc_article_mentions(db, id, &m, &n2), ARC_OK);
    assert_int_equal(n1, n2);
    arc_article_mentions_free(m, n2);
    /* enriched with nothing: nothing left */
    memset(&e, 0, sizeof e);
    assert_int_equal(idx_enrich_store(db, id, &e), ARC_OK);
    assert_int_equal(arc_article_mentions(db, id, &m, &n2), ARC_OK);
    assert_int_equal(n2, 0);
    assert_null(m);
    arc_db_close(db);
}

/* The entity timeline of `entity` as "date|text" lines into buf. */
static int
timeline_texts(arc_db_t *db, int64_t entity, char *buf, size_t cap)
{
    arc_entity_timeline_t *t = NULL;
    const arc_timeline_entry_t *e;
    size_t len = 0;
    int n = 0;

    buf[0] = '\0';
    assert_int_equal(arc_entity_timeline_open(db, entity, NULL, &t), ARC_OK);
    while (arc_entity_timeline_next(t, &e) == ARC_OK && e) {
        int w = snprintf(buf + len, cap - len, "%s\n", e->text ? e->text : "(null)");
        if (w > 0 && (size_t)w < cap - len)
            len += (size_t)w;
        n++;
    }
    arc_entity_timeline_destroy(t);
    return n;
}

static void
event_text_is_read_back_from_the_body(void **state)
{
    arc_db_t *db = open_new("evtext");
    char buf[4096];
    int64_t putin;
    (void)state;

    put_enriched(db, "https://wire.example/1", "2025-12-02", title1, body1);
    putin = entity_named(db, ARC_ENTITY_PERSON, "Vladimir Putin");
    assert_int_equal(timeline_texts(db, putin, buf, sizeof buf), 2);
    assert_non_null(strstr(buf, "President Vladimir Putin met U.S. envoy Steve Witkoff in "
                                "Moscow on Tuesday.\n"));
    assert_non_null(strstr(buf, "Witkoff told reporters on Wednesday that Putin had been "
                                "constructive.\n"));
    arc_db_close(db);
}

static void
entity_timeline_prefers_events_naming_the_entity(void **state)
{
    arc_db_t *db = open_new("prefer");
    const char *body =
        "Steve Witkoff arrived in Moscow on Monday for talks.\n\n"
        "Officials said on Tuesday that a second round was possible.\n\n"
        "Vladimir Putin will receive the delegation on Friday.";
    const char *body2 =
        "Storms closed roads on Sunday.\n\n"
        "Schools reopened on Monday.";
    char buf[4096];
    int64_t witkoff, putin, moscow;
    (void)state;

    put_enriched(db, "https://wire.example/1", "2025-12-02", "Envoy in Moscow", body);
    /* an article naming Witkoff only in its title still shows (first event) */
    put_enriched(db, "https://wire.example/2", "2025-12-03", "Steve Witkoff delays his trip",
                 body2);
    witkoff = entity_named(db, ARC_ENTITY_PERSON, "Steve Witkoff");
    putin = entity_named(db, ARC_ENTITY_PERSON, "Vladimir Putin");
    moscow = entity_named(db, ARC_ENTITY_PLACE, "Moscow");
    assert_int_equal(timeline_texts(db, witkoff, buf, sizeof buf), 2);
    assert_non_null(strstr(buf, "Steve Witkoff arrived in Moscow on Monday for talks."));
    assert_non_null(strstr(buf, "Storms closed roads on Sunday."));
    assert_null(strstr(buf, "second round"));
    assert_null(strstr(buf, "Schools reopened"));
    assert_int_equal(timeline_texts(db, putin, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "Vladimir Putin will receive the delegation on Friday."));
    assert_int_equal(timeline_texts(db, moscow, buf, sizeof buf), 1);
    arc_db_close(db);
}

static void
merge_rewrites_occurrences_and_event_entities(void **state)
{
    arc_db_t *db = open_new("merge");
    arc_article_mention_t *m = NULL;
    size_t n = 0, hits = 0;
    char buf[4096];
    int64_t id, anna, karl;
    (void)state;

    id = put_enriched(db, "https://wire.example/1", "2025-12-02", "Talks",
                      "Anna Berg said on Monday that Karl Umbridge would stay.");
    anna = entity_named(db, ARC_ENTITY_PERSON, "Anna Berg");
    karl = entity_named(db, ARC_ENTITY_PERSON, "Karl Umbridge");
    assert_int_equal(arc_entity_merge(db, anna, karl, NULL), ARC_OK);
    assert_int_equal(arc_article_mentions(db, id, &m, &n), ARC_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(m[i].entity, anna);
        if (m[i].entity == karl)
            hits++;
    }
    assert_int_equal(hits, 2);
    arc_article_mentions_free(m, n);
    /* the event names the surviving entity */
    assert_int_equal(timeline_texts(db, karl, buf, sizeof buf), 1);
    assert_non_null(strstr(buf, "Anna Berg said on Monday"));
    arc_db_close(db);
}

static void
cached_entity_ids_survive_a_rollback(void **state)
{
    arc_db_t *db = open_new("rollback");
    arc_article_mention_t *m = NULL;
    size_t n = 0;
    int64_t id;
    (void)state;

    assert_int_equal(arc_db_begin(db), ARC_OK);
    put_enriched(db, "https://wire.example/1", "2025-12-02", "Talks",
                 "Jane Holloway met Karl Umbridge in Oslo on Monday.");
    arc_db_rollback(db);
    /* the entities created in the rolled-back transaction are gone: the
     * same names must be created again, not taken from a stale cache */
    id = put_enriched(db, "https://wire.example/2", "2025-12-03", "Talks",
                      "Jane Holloway met Karl Umbridge in Oslo on Tuesday.");
    assert_int_equal(arc_article_mentions(db, id, &m, &n), ARC_OK);
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++) {
        char *name = NULL;
        arc_entity_kind_t k;

        assert_int_equal(arc_entity_lookup(db, m[i].entity, &k, &name), ARC_OK);
        assert_string_equal(name, m[i].name);
        arc_free(name);
    }
    arc_article_mentions_free(m, n);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_occurrence_is_stored_with_offsets_and_sentence),
        cmocka_unit_test(re_enrichment_replaces_occurrences),
        cmocka_unit_test(event_text_is_read_back_from_the_body),
        cmocka_unit_test(entity_timeline_prefers_events_naming_the_entity),
        cmocka_unit_test(merge_rewrites_occurrences_and_event_entities),
        cmocka_unit_test(cached_entity_ids_survive_a_rollback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
