/*
 * test_snippet.c - search snippets made from the stored text (snippet.c)
 * instead of FTS5's snippet(): the same window and marks as snippet() in
 * the cases it is meant to match, phrases, prefixes and title-only terms
 * marked right, long bodies read only as far as needed.
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

static const char *
fresh_dir(const char *name)
{
    static char path[700];
    char cmd[800];
    const char *base = getenv("TEST_TMPDIR");

    snprintf(path, sizeof path, "%s/test_snippet.%d.%s", base ? base : "/tmp",
             (int)getpid(), name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot clean %s", path);
    return path;
}

/* A body of n filler words with `insert` placed after word `at`. */
static char *
long_body(int n, int at, const char *insert)
{
    size_t cap = (size_t)n * 12 + strlen(insert) + 64, len = 0;
    char *b = malloc(cap);

    assert_non_null(b);
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(b + len, cap - len, "%sfill%d", i ? " " : "", i % 97);
        if (i == at)
            len += (size_t)snprintf(b + len, cap - len, " %s", insert);
        if (i % 15 == 14)
            len += (size_t)snprintf(b + len, cap - len, ".");
    }
    return b;
}

typedef struct doc {
    const char *title, *summary;
    const char *body;       /* NULL: a long filler body, see body_at */
    int body_at;            /* where "harbour cranes" goes in the filler */
} doc_t;

static const doc_t docs[] = {
    /* 0 */ { "Harbour report", "The harbour was busy today.",
              "The harbour was busy today. Cranes moved all night, and the port said so.", 0 },
    /* 1 */ { "Council meets", "The city council met on Tuesday: budget, roads and schools.",
              "The city council met on Tuesday: budget, roads and schools. Members of the council"
              " argued for hours about the harbour, the harbour cranes and the tram.", 0 },
    /* 2 */ { "A quiet day", NULL, NULL, 700 },
    /* 3 */ { "Rain again", NULL, NULL, 5 },
    /* 4 */ { "Harbours and harbourmasters", "Nothing here.", "Harbourmasters met harbour staff.", 0 },
    /* 5 */ { "Caf\xc3\xa9 owners protest", "Owners of the caf\xc3\xa9 in town protested.",
              "Owners of the caf\xc3\xa9 in town protested, said the cafe union.", 0 },
};
#define N_DOCS (sizeof docs / sizeof docs[0])

static arc_db_t *
build(const char *name, int64_t *ids)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    assert_int_equal(arc_db_open(fresh_dir(name), ARC_OPEN_CREATE, &db, &err), ARC_OK);
    for (size_t i = 0; i < N_DOCS; i++) {
        char url[64];
        char *body = docs[i].body ? NULL : long_body(900, docs[i].body_at, "harbour cranes");
        arc_article_t a;

        snprintf(url, sizeof url, "https://s.example/%zu", i);
        memset(&a, 0, sizeof a);
        a.url = url;
        a.title = docs[i].title;
        a.summary = docs[i].summary;
        a.body = docs[i].body ? docs[i].body : body;
        a.source = "Snip Post";
        a.lang = "en";
        a.published = arc_days_from_civil(2025, 3, 1) * 86400 + (int64_t)i * 60;
        a.first_seen = a.published;
        assert_int_equal(arc_article_put(db, &a, &ids[i], NULL), ARC_OK);
        free(body);
    }
    return db;
}

/* The snippet newsquery shows for doc i under query text (our path). */
static char *
ours(arc_db_t *db, const char *text, int64_t id, const char *mo, const char *mc)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    char *out = NULL;

    memset(&o, 0, sizeof o);
    o.want_snippet = 1;
    o.sort = ARC_SORT_NEWEST;
    o.mark_open = mo;
    o.mark_close = mc;
    assert_int_equal(arc_query_parse(text, &q, NULL), ARC_OK);
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    while (arc_cursor_next(c, &h) == ARC_OK && h)
        if (h->id == id)
            out = strdup(h->snippet ? h->snippet : "(null)");
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    return out;
}

/* FTS5's snippet() of the row for the same query. */
static char *
fts5s(arc_db_t *db, const char *text, int64_t id)
{
    arc_query_t *q = NULL;
    arc_plan_t plan;
    arc_query_error_t qe;
    sqlite3_stmt *st;
    char *out = NULL;

    assert_int_equal(arc_query_parse(text, &q, NULL), ARC_OK);
    assert_int_equal(Arc_query_plan(q, &plan, &qe), ARC_OK);
    assert_int_equal(sqlite3_prepare_v2(db->sql,
        "SELECT snippet(article_fts, -1, '[', ']', '…', 24) FROM article_fts"
        " WHERE article_fts MATCH ?1 AND rowid = ?2", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, plan.fts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    Arc_plan_clear(&plan);
    arc_query_destroy(q);
    return out;
}

static void
snippets_should_equal_fts5_snippet_for_ordinary_queries(void **state)
{
    static const struct { const char *query; int doc; } cases[] = {
        { "harbour", 0 },                /* title ties: the first column wins */
        { "cranes", 0 },                 /* body only */
        { "council", 1 },                /* sentence bonus in the summary */
        { "harbour cranes", 1 },         /* two words, the body holds both */
        { "\"harbour cranes\"", 1 },     /* a phrase in one mark */
        { "\"harbour cranes\"", 2 },     /* deep in a long body: centred, cut both sides */
        { "harbour", 3 },                /* near the start of a long body */
        { "harb*", 4 },                  /* a prefix marks every word it starts */
        { "title:harbours", 4 },         /* a title term is marked in the title only */
        { "cafe", 5 },                   /* diacritics folded as the index folds them */
        { "roads OR trams", 1 },         /* OR: the present term */
        { "council -cranes", 0 },        /* nothing here; excluded terms are not marked */
    };
    arc_db_t *db;
    int64_t ids[N_DOCS];

    (void)state;
    db = build("fts5", ids);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *a = ours(db, cases[i].query, ids[cases[i].doc], "[", "]");
        char *b = fts5s(db, cases[i].query, ids[cases[i].doc]);
        if (!b) {
            assert_null(a);    /* the row does not match at all */
            continue;
        }
        if (!a || strcmp(a, b) != 0)
            fail_msg("query %s doc %d:\n ours  %s\n fts5  %s", cases[i].query, cases[i].doc,
                     a ? a : "(none)", b);
        free(a);
        free(b);
    }
    arc_db_close(db);
}

static void
snippets_should_mark_what_the_query_asks(void **state)
{
    static const struct { const char *query; int doc; const char *mo, *mc, *want; } cases[] = {
        { "\"harbour cranes\"", 1, "<mark>", "</mark>",
          "…Members of the council argued for hours about the harbour, the"
          " <mark>harbour cranes</mark> and the tram." },
        { "cranes", 0, "<b>", "</b>",
          "The harbour was busy today. <b>Cranes</b> moved all night, and the port said so." },
        { "harb*", 4, "[", "]", "[Harbours] and [harbourmasters]" },
        { "title:harbours", 4, "[", "]", "[Harbours] and harbourmasters" },
    };
    arc_db_t *db;
    int64_t ids[N_DOCS];

    (void)state;
    db = build("marks", ids);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *a = ours(db, cases[i].query, ids[cases[i].doc], cases[i].mo, cases[i].mc);
        assert_non_null(a);
        if (strcmp(a, cases[i].want) != 0)
            fail_msg("query %s: got %s want %s", cases[i].query, a, cases[i].want);
        free(a);
    }
    arc_db_close(db);
}

static void
long_bodies_should_be_read_only_to_the_first_good_window(void **state)
{
    static const char *const terms[] = { "\"harbour\"", "\"cranes\"" };
    arc_db_t *db;
    arc_snippeter_t *s = NULL;
    int64_t ids[N_DOCS];
    char *body = long_body(20000, 10, "harbour cranes"), *tail = long_body(20000, 19990, "harbour cranes");
    const char *cols[3];
    const char *snip;

    (void)state;
    db = build("long", ids);
    assert_int_equal(Arc_snippeter_new(db, terms, 2, "[", "]", &s), ARC_OK);
    cols[0] = "Title";
    cols[1] = NULL;
    cols[2] = body;
    snip = Arc_snippeter_make(s, cols);
    assert_non_null(snip);
    assert_non_null(strstr(snip, "[harbour] [cranes]"));
    assert_true(strncmp(snip + strlen(snip) - 3, "…", 3) == 0);
    cols[2] = tail;      /* a match at the very end: read to the end */
    snip = Arc_snippeter_make(s, cols);
    assert_non_null(strstr(snip, "[harbour] [cranes]"));
    Arc_snippeter_free(s);
    free(body);
    free(tail);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snippets_should_equal_fts5_snippet_for_ordinary_queries),
        cmocka_unit_test(snippets_should_mark_what_the_query_asks),
        cmocka_unit_test(long_bodies_should_be_read_only_to_the_first_good_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
