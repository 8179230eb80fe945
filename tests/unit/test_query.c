/*
 * test_query.c - the query language: parser, FTS5 compiler and planner.
 *
 * Every compiled expression is also run against a real in-memory FTS5
 * table (same tokenizer as the archive) to prove it is valid FTS5 syntax
 * and means what the table says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "archive-private.h"
#include "newsarc.h"

/* ---------------------------------------------------------------- helpers */

/* Parse text and return its FTS5 expression (caller frees), failing the
 * test when the parse fails. */
static char *
fts_of(const char *text)
{
    arc_query_t *q = NULL;
    arc_query_error_t err;
    arc_status_t st = arc_query_parse(text, &q, &err);
    char *fts;

    if (st != ARC_OK)
        fail_msg("query <%s> failed at column %d: %s", text, err.column, err.message);
    fts = arc_query_fts_expression(q);
    arc_query_destroy(q);
    return fts;
}

/* Parse text and plan it; returns the first failing status. */
static arc_status_t
plan_of(const char *text, arc_plan_t *plan, arc_query_error_t *err)
{
    arc_query_t *q = NULL;
    arc_status_t st = arc_query_parse(text, &q, err);
    memset(plan, 0, sizeof *plan);
    if (st != ARC_OK)
        return st;
    st = Arc_query_plan(q, plan, err);
    arc_query_destroy(q);
    return st;
}

/* Whether every character outside the quoted strings of an FTS5
 * expression is one of our own syntax pieces: ( ) * : space and the words
 * AND, OR, NOT, title. Quoted strings may hold only doubled quotes. */
static int
only_our_syntax_outside_quotes(const char *e)
{
    static const char *const words[] = { "AND", "OR", "NOT", "title" };
    while (*e) {
        if (*e == '"') {
            e++;
            for (;;) {
                if (*e == '\0')
                    return 0;
                if (*e == '"' && e[1] == '"') {
                    e += 2;
                    continue;
                }
                if (*e == '"')
                    break;
                e++;
            }
            e++;
            continue;
        }
        if (strchr("()*: ", *e)) {
            e++;
            continue;
        }
        size_t i;
        for (i = 0; i < 4; i++) {
            size_t n = strlen(words[i]);
            if (strncmp(e, words[i], n) == 0) {
                e += n;
                break;
            }
        }
        if (i == 4)
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------- FTS5 fixture */

static sqlite3 *fts_db;

static const char *const fixture_rows[][3] = {
    /* rowid 1 */ { "Putin meets Witkoff in Moscow",
                    "A five-hour meeting at the Kremlin ended without a deal.", "" },
    /* rowid 2 */ { "Ceasefire talks in Geneva",
                    "Delegations met in Geneva for peace talks.", "" },
    /* rowid 3 */ { "Peace plan published",
                    "The U.S. peace plan has 28 points and ceasefire terms; "
                    "talks continue in Miami.", "" },
    /* rowid 4 */ { "Kremlin says not now",
                    "Moscow rejected the proposal. O'Brien commented.", "" },
    /* rowid 5 */ { "Markets",
                    "Stocks rallied. NEAR the close, AND/OR traders, not bears, "
                    "^cheered {quietly} col:val.", "" },
    /* rowid 6 */ { "Caf\xc3\xa9 society", "Stra\xc3\x9f" "e and cafes", "" },
};

static int
fixture_setup(void **state)
{
    sqlite3_stmt *ins;
    (void) state;
    if (sqlite3_open(":memory:", &fts_db) != SQLITE_OK)
        return -1;
    if (sqlite3_exec(fts_db,
                     "CREATE VIRTUAL TABLE t USING fts5(title, summary, body, "
                     "tokenize='porter unicode61 remove_diacritics 2')",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(fts_db, "INSERT INTO t(rowid, title, summary, body) "
                                   "VALUES (?, ?, '', ?)", -1, &ins, NULL) != SQLITE_OK)
        return -1;
    for (size_t i = 0; i < sizeof fixture_rows / sizeof fixture_rows[0]; i++) {
        sqlite3_bind_int64(ins, 1, (sqlite3_int64) i + 1);
        sqlite3_bind_text(ins, 2, fixture_rows[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, fixture_rows[i][1], -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return -1;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    return 0;
}

static int
fixture_teardown(void **state)
{
    (void) state;
    sqlite3_close(fts_db);
    fts_db = NULL;
    return 0;
}

/* Run expr as a bound MATCH parameter; write the matching rowids as
 * "1,3" into out. Returns the SQLite result code of the run. */
static int
run_match(const char *expr, char *out, size_t n)
{
    sqlite3_stmt *st;
    size_t len = 0;
    int rc;

    out[0] = '\0';
    rc = sqlite3_prepare_v2(fts_db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int w = snprintf(out + len, n - len, "%s%lld", len ? "," : "",
                         (long long) sqlite3_column_int64(st, 0));
        if (w > 0 && (size_t) w < n - len)
            len += (size_t) w;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ------------------------------------------------- compiled expressions */

static const struct {
    const char *query;
    const char *fts;        /* NULL: no full-text part */
} fts_cases[] = {
    { "putin", "\"putin\"" },
    { "putin witkoff", "(\"putin\" AND \"witkoff\")" },
    { "\"five-hour meeting\"", "\"five hour meeting\"" },
    { "five-hour", "\"five hour\"" },
    { "moscow OR kremlin", "(\"moscow\" OR \"kremlin\")" },
    { "a b OR c", "(\"a\" AND (\"b\" OR \"c\"))" },
    { "a OR b c", "((\"a\" OR \"b\") AND \"c\")" },
    { "a OR b OR c", "(\"a\" OR \"b\" OR \"c\")" },
    { "a OR (b OR c)", "(\"a\" OR \"b\" OR \"c\")" },
    { "talks -geneva", "\"talks\" NOT (\"geneva\")" },
    { "a b -c -d", "(\"a\" AND \"b\") NOT (\"c\") NOT (\"d\")" },
    { "talks -\"peace plan\"", "\"talks\" NOT (\"peace plan\")" },
    { "talks -(a OR b)", "\"talks\" NOT (\"a\" OR \"b\")" },
    { "a OR (b -c)", "(\"a\" OR (\"b\" NOT (\"c\")))" },
    { "x -(y -z)", "\"x\" NOT (\"y\" NOT (\"z\"))" },
    { "a (b -c)", "(\"a\" AND \"b\") NOT (\"c\")" },
    { "(a OR b) (c OR d)", "((\"a\" OR \"b\") AND (\"c\" OR \"d\"))" },
    { "((((a))))", "\"a\"" },
    { "pea*", "\"pea\" *" },
    { "five-ho*", "\"five ho\" *" },
    { "\"peace pl\"*", "\"peace pl\" *" },
    { "title:ceasefire", "title : (\"ceasefire\")" },
    { "title:\"peace plan\"", "title : (\"peace plan\")" },
    { "title:pea*", "title : (\"pea\" *)" },
    { "Title:ceasefire", "title : (\"ceasefire\")" },
    { "talks -title:geneva", "\"talks\" NOT (title : (\"geneva\"))" },
    { "U.S. O'Brien", "(\"U S\" AND \"O Brien\")" },
    { "https://bbc.co.uk/news", "\"https bbc co uk news\"" },
    { "10:30", "\"10 30\"" },
    /* operator words: uppercase AND/NOT are operators, any other case is a word */
    { "x AND y", "(\"x\" AND \"y\")" },
    { "x NOT y", "\"x\" NOT (\"y\")" },
    { "and or not", "(\"and\" AND \"or\" AND \"not\")" },
    { "Or", "\"Or\"" },
    { "OR*", "\"OR\" *" },
    /* FTS5 syntax characters typed by the user never become syntax */
    { "NEAR(x y)", "(\"NEAR\" AND \"x\" AND \"y\")" },
    { "^start", "\"start\"" },
    { "a+b {c} d^e", "(\"a\" AND \"b\" AND \"c\" AND \"d\" AND \"e\")" },
    { "a\"b\"", "(\"a\" AND \"b\")" },
    { "\"NEAR(x y) AND ^z\"", "\"NEAR x y AND z\"" },
    { "\"col:val\"", "\"col val\"" },
    { "talks - geneva", "(\"talks\" AND \"geneva\")" },
    { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
    /* a non-breaking space separates words */
    { "a\xc2\xa0" "b", "(\"a\" AND \"b\")" },
    /* field terms leave the full-text part */
    { "person:Putin", NULL },
    { "person:Putin talks", "\"talks\"" },
    { "date:2025-12 source:bbc.co.uk story:42 lang:en x", "\"x\"" },
    { "(person:Putin talks) geneva", "(\"talks\" AND \"geneva\")" },
    { "", NULL },
    { "   \t ", NULL },
};

static void
query_should_compile_to_expected_fts5_expression(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof fts_cases / sizeof fts_cases[0]; i++) {
        char *got = fts_of(fts_cases[i].query);
        if (!fts_cases[i].fts) {
            if (got)
                fail_msg("<%s>: expected no FTS part, got <%s>", fts_cases[i].query, got);
            continue;
        }
        if (!got || strcmp(got, fts_cases[i].fts) != 0)
            fail_msg("<%s>: expected <%s>, got <%s>", fts_cases[i].query,
                     fts_cases[i].fts, got ? got : "(null)");
        assert_true(only_our_syntax_outside_quotes(got));
        arc_free(got);
    }
}

/* ------------------------------------------------------------ errors */

static const struct {
    const char *query;
    int column;
    const char *message;    /* expected prefix of the message */
} error_cases[] = {
    { "\"five-hour meeting", 1, "unclosed quote" },
    { "talks \"peace", 7, "unclosed quote" },
    { "a\"b", 2, "unclosed quote" },
    { "title:\"peace", 7, "unclosed quote" },
    { "OR", 1, "OR needs a term before it" },
    { "OR a", 1, "OR needs a term before it" },
    { "a OR", 3, "OR needs a term after it" },
    { "a OR OR b", 3, "OR needs a term after it" },
    { "a (OR b)", 4, "OR needs a term before it" },
    { "a OR )", 3, "OR needs a term after it" },
    { "x AND", 3, "AND needs a term after it" },
    { "AND x", 1, "AND needs a term before it" },
    { "x AND AND y", 3, "AND needs a term after it" },
    { "NOT", 1, "NOT needs a term after it" },
    { "x NOT", 3, "NOT needs a term after it" },
    { "(a", 1, "unclosed '('" },
    { "((a) b", 1, "unclosed '('" },
    { "a)", 2, "unmatched ')'" },
    { "(a))", 4, "unmatched ')'" },
    { ")", 1, "unmatched ')'" },
    { "()", 1, "empty parentheses" },
    { "a ( )", 3, "empty parentheses" },
    { "a (!!)", 3, "empty parentheses" },
    { "\"\"", 1, "empty phrase" },
    { "a \"!?\"", 3, "empty phrase" },
    { "-a", 1, "nothing to match: add a word that is not excluded" },
    { "-a -\"b c\"", 1, "nothing to match" },
    { "NOT a", 1, "nothing to match" },
    { "a (-b)", 4, "nothing to match" },
    { "a OR (-b)", 7, "nothing to match" },
    { "-a OR b", 4, "an excluded term cannot be part of OR" },
    { "a OR -b", 6, "an excluded term cannot be part of OR" },
    { "foo:bar", 1, "unknown field 'foo' (known: person, place, org, source, "
                    "title, date, story, lang)" },
    { "talks col:val", 7, "unknown field 'col'" },
    { "person:", 8, "empty field value" },
    { "person: Putin", 8, "empty field value" },
    { "(person:)", 9, "empty field value" },
    { "person:\"  \"", 8, "empty field value" },
    { "title:!!", 7, "empty field value" },
    { "title:*", 7, "empty field value" },
    { "date:2025-13", 6, "bad date" },
    { "date:2025-02-29", 6, "bad date" },
    { "date:yesterday", 6, "bad date" },
    { "x date:..", 8, "bad date" },
    { "date:2025-12-04..2025-11-30", 6, "bad date" },
    { "date:2025-11-30...2025-12-01", 6, "bad date" },
    { "story:0", 7, "story: needs a positive whole number" },
    { "story:-3", 7, "story:" },
    { "story:4x", 7, "story:" },
    { "story:99999999999999999999", 7, "story:" },
    { "lang:e", 6, "lang: needs a language code" },
    { "lang:en_GB", 6, "lang:" },
    { "*", 1, "'*' must follow a word" },
    { "a * b", 3, "'*' must follow a word" },
    { "!!!", 1, "no words to search for" },
    /* columns count characters, not bytes */
    { "caf\xc3\xa9 )", 6, "unmatched ')'" },
    { "\xe2\x80\x9c" "x\xe2\x80\x9d \"y", 5, "unclosed quote" },
    /* invalid UTF-8: column of the bad byte */
    { "\xff", 1, "invalid UTF-8" },
    { "ab\xc3", 3, "invalid UTF-8" },
    { "caf\xc3\xa9 \xc3\x28", 6, "invalid UTF-8" },
    { "\xc0\xaf", 1, "invalid UTF-8" },            /* overlong '/' */
    { "x \xed\xa0\x80", 3, "invalid UTF-8" },      /* surrogate */
    { "\xf4\x90\x80\x80", 1, "invalid UTF-8" },    /* past U+10FFFF */
};

static void
query_errors_should_give_column_and_message(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        arc_query_t *q = (arc_query_t *) 1;
        arc_query_error_t err;
        arc_status_t st = arc_query_parse(error_cases[i].query, &q, &err);
        if (st != ARC_E_BAD_QUERY)
            fail_msg("<%s>: expected ARC_E_BAD_QUERY, got %d", error_cases[i].query, st);
        assert_null(q);
        if (err.column != error_cases[i].column
            || strncmp(err.message, error_cases[i].message,
                       strlen(error_cases[i].message)) != 0)
            fail_msg("<%s>: expected column %d <%s>, got column %d <%s>",
                     error_cases[i].query, error_cases[i].column,
                     error_cases[i].message, err.column, err.message);
    }
}

static void
query_error_struct_may_be_null(void **state)
{
    arc_query_t *q;
    (void) state;
    assert_int_equal(arc_query_parse("(a", &q, NULL), ARC_E_BAD_QUERY);
    assert_null(q);
    assert_int_equal(arc_query_parse(NULL, &q, NULL), ARC_E_BAD_ARG);
    arc_query_destroy(NULL);
}

/* ------------------------------------------------------------ AST */

static void
ast_should_keep_words_and_columns(void **state)
{
    arc_query_t *q;
    arc_query_error_t err;
    const arc_qnode_t *r, *k;
    (void) state;

    assert_int_equal(arc_query_parse("talks  \"peace plan\" five-ho* -title:x "
                                     "person:\"Vladimir Putin\"", &q, &err), ARC_OK);
    assert_string_equal(q->text, "talks  \"peace plan\" five-ho* -title:x "
                                 "person:\"Vladimir Putin\"");
    r = q->root;
    assert_int_equal(r->kind, ARC_QN_AND);
    assert_int_equal(r->n_kids, 5);
    k = r->kids[0];
    assert_int_equal(k->kind, ARC_QN_WORD);
    assert_string_equal(k->text, "talks");
    assert_int_equal(k->column, 1);
    k = r->kids[1];
    assert_int_equal(k->kind, ARC_QN_PHRASE);
    assert_string_equal(k->text, "peace plan");
    assert_int_equal(k->column, 8);
    k = r->kids[2];
    assert_int_equal(k->kind, ARC_QN_PREFIX);
    assert_string_equal(k->text, "five-ho");
    k = r->kids[3];
    assert_int_equal(k->kind, ARC_QN_NOT);
    assert_int_equal(k->column, 30);
    assert_int_equal(k->n_kids, 1);
    assert_int_equal(k->kids[0]->kind, ARC_QN_FIELD);
    assert_string_equal(k->kids[0]->field, "title");
    assert_string_equal(k->kids[0]->text, "x");
    assert_int_equal(k->kids[0]->column, 31);
    k = r->kids[4];
    assert_int_equal(k->kind, ARC_QN_FIELD);
    assert_string_equal(k->field, "person");
    assert_string_equal(k->text, "Vladimir Putin");
    assert_true(k->is_phrase);
    arc_query_destroy(q);

    assert_int_equal(arc_query_parse("a b OR c", &q, &err), ARC_OK);
    assert_int_equal(q->root->kind, ARC_QN_AND);
    assert_int_equal(q->root->n_kids, 2);
    assert_int_equal(q->root->kids[1]->kind, ARC_QN_OR);
    assert_int_equal(q->root->kids[1]->n_kids, 2);
    arc_query_destroy(q);
}

static void
empty_query_should_match_everything(void **state)
{
    arc_query_t *q;
    arc_query_error_t err;
    arc_plan_t plan;
    (void) state;

    assert_int_equal(arc_query_parse("  ", &q, &err), ARC_OK);
    assert_null(q->root);
    assert_null(arc_query_fts_expression(q));
    memset(&plan, 0xAB, sizeof plan);
    assert_int_equal(Arc_query_plan(q, &plan, &err), ARC_OK);
    assert_null(plan.fts);
    assert_int_equal(plan.since, 0);
    assert_int_equal(plan.until, 0);
    assert_int_equal(plan.n_sources, 0);
    assert_null(plan.sources);
    assert_int_equal(plan.n_entities, 0);
    assert_null(plan.lang);
    assert_int_equal(plan.story, 0);
    Arc_plan_clear(&plan);
    arc_query_destroy(q);
}

/* ------------------------------------------------------------ planner */

static int64_t
utc(const char *s)
{
    int64_t a, b;
    assert_int_equal(arc_time_parse_user(s, &a, &b), ARC_OK);
    return a;
}

static void
plan_should_turn_field_terms_into_filters(void **state)
{
    arc_plan_t plan;
    arc_query_error_t err;
    (void) state;

    assert_int_equal(plan_of("person:\"Vladimir Putin\" place:Donbas org:Kremlin "
                             "source:bbc.co.uk source:\"Northern Ledger\" "
                             "date:2025-11-30..2025-12-04 story:42 lang:en "
                             "talks -geneva", &plan, &err), ARC_OK);
    assert_string_equal(plan.fts, "\"talks\" NOT (\"geneva\")");
    assert_int_equal(plan.n_entities, 3);
    assert_int_equal(plan.entities[0].kind, ARC_ENTITY_PERSON);
    assert_string_equal(plan.entities[0].name, "Vladimir Putin");
    assert_int_equal(plan.entities[0].column, 1);
    assert_int_equal(plan.entities[1].kind, ARC_ENTITY_PLACE);
    assert_string_equal(plan.entities[1].name, "Donbas");
    assert_int_equal(plan.entities[2].kind, ARC_ENTITY_ORG);
    assert_string_equal(plan.entities[2].name, "Kremlin");
    assert_int_equal(plan.n_sources, 2);
    assert_string_equal(plan.sources[0], "bbc.co.uk");
    assert_string_equal(plan.sources[1], "Northern Ledger");
    assert_int_equal(plan.since, utc("2025-11-30"));
    assert_int_equal(plan.until, utc("2025-12-05"));
    assert_int_equal(plan.story, 42);
    assert_string_equal(plan.lang, "en");
    Arc_plan_clear(&plan);
    assert_null(plan.fts);
    assert_null(plan.entities);
    assert_int_equal(plan.n_entities, 0);
    Arc_plan_clear(&plan);     /* twice is harmless */
    Arc_plan_clear(NULL);
}

static const struct {
    const char *query;
    const char *since, *until;  /* NULL = open */
} date_cases[] = {
    { "date:2025", "2025-01-01", "2026-01-01" },
    { "date:2025-12", "2025-12-01", "2026-01-01" },
    { "date:2024-02", "2024-02-01", "2024-03-01" },
    { "date:2025-11-30", "2025-11-30", "2025-12-01" },
    { "date:2025-11-30..2025-12-04", "2025-11-30", "2025-12-05" },
    { "date:2025-11..2025-12", "2025-11-01", "2026-01-01" },
    { "date:..2025-12-01", NULL, "2025-12-02" },
    { "date:2025-11-30..", "2025-11-30", NULL },
    { "date:\"2025-11-30 10:00..2025-11-30 12:00:30\"", "2025-11-30T10:00:00Z",
      "2025-11-30T12:00:31Z" },
    /* several date: terms intersect */
    { "date:2025 date:2025-06..", "2025-06-01", "2026-01-01" },
    { "date:..2025-06 date:2025-03..2025-12", "2025-03-01", "2025-07-01" },
};

static void
plan_should_turn_date_terms_into_a_half_open_range(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof date_cases / sizeof date_cases[0]; i++) {
        arc_plan_t plan;
        arc_query_error_t err;
        int64_t since = date_cases[i].since ? utc(date_cases[i].since) : 0;
        int64_t until = date_cases[i].until ? utc(date_cases[i].until) : 0;
        if (plan_of(date_cases[i].query, &plan, &err) != ARC_OK)
            fail_msg("<%s>: %s", date_cases[i].query, err.message);
        if (plan.since != since || plan.until != until)
            fail_msg("<%s>: expected [%lld, %lld), got [%lld, %lld)",
                     date_cases[i].query, (long long) since, (long long) until,
                     (long long) plan.since, (long long) plan.until);
        assert_null(plan.fts);
        Arc_plan_clear(&plan);
    }
}

static const struct {
    const char *query;
    int column;
    const char *message;
} plan_error_cases[] = {
    { "a OR person:Putin", 6, "field terms cannot be combined with OR or - yet" },
    { "person:Putin OR a", 1, "field terms cannot be combined with OR or - yet" },
    { "talks -person:Putin", 8, "field terms cannot be combined with OR or - yet" },
    { "talks -(x source:bbc)", 11, "field terms cannot be combined" },
    { "x OR (y date:2025)", 9, "field terms cannot be combined" },
    { "a (b OR (c story:4))", 12, "field terms cannot be combined" },
    { "source:bbc -putin", 12, "nothing to match: add a word that is not excluded" },
    { "story:4 story:5", 9, "a query can name only one story" },
    { "lang:en lang:de", 9, "a query can name only one language" },
};

static void
plan_should_refuse_field_terms_under_or_and_exclusion(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof plan_error_cases / sizeof plan_error_cases[0]; i++) {
        arc_plan_t plan;
        arc_query_error_t err;
        arc_status_t st = plan_of(plan_error_cases[i].query, &plan, &err);
        if (st != ARC_E_BAD_QUERY || err.column != plan_error_cases[i].column
            || strncmp(err.message, plan_error_cases[i].message,
                       strlen(plan_error_cases[i].message)) != 0)
            fail_msg("<%s>: expected column %d <%s>, got status %d column %d <%s>",
                     plan_error_cases[i].query, plan_error_cases[i].column,
                     plan_error_cases[i].message, st, err.column, err.message);
        /* a failed plan is left cleared */
        assert_null(plan.fts);
        assert_null(plan.sources);
        assert_null(plan.entities);
        assert_null(plan.lang);
        /* and the debugging expression is then NULL */
        {
            arc_query_t *q;
            assert_int_equal(arc_query_parse(plan_error_cases[i].query, &q, &err), ARC_OK);
            assert_null(arc_query_fts_expression(q));
            arc_query_destroy(q);
        }
    }
}

static void
plan_should_accept_repeated_equal_story_and_lang(void **state)
{
    arc_plan_t plan;
    arc_query_error_t err;
    (void) state;
    assert_int_equal(plan_of("story:7 story:7 lang:en lang:EN", &plan, &err), ARC_OK);
    assert_int_equal(plan.story, 7);
    assert_string_equal(plan.lang, "en");
    Arc_plan_clear(&plan);
}

/* ----------------------------------------- running the expressions */

static const struct {
    const char *query;
    const char *rows;       /* matching rowids of the fixture */
} match_cases[] = {
    { "putin witkoff", "1" },
    { "\"five-hour meeting\"", "1" },
    { "five-hour", "1" },
    { "\"meeting five-hour\"", "" },
    { "moscow OR kremlin", "1,4" },
    { "talk", "2,3" },                      /* porter stemming */
    { "talks -geneva", "3" },
    { "ceasefire", "2,3" },
    { "title:ceasefire", "2" },
    { "title:\"peace plan\"", "3" },
    { "title:pea*", "3" },
    { "pea*", "2,3" },
    { "meet*", "1" },
    { "(moscow OR kremlin) -putin", "4" },
    { "moscow OR (kremlin -putin)", "1,4" },
    { "talks OR (peace -plan)", "2,3" },
    { "-\"peace plan\" talks", "2" },
    /* left-associative NOT: (talks NOT geneva) NOT miami, not
     * talks NOT (geneva NOT miami) which would give 3 */
    { "talks -geneva -miami", "" },
    { "talks -title:geneva", "3" },
    { "U.S.", "3" },
    { "O'Brien", "4" },
    { "and or not", "5" },
    { "NEAR(close traders)", "5" },
    { "^cheered", "5" },
    { "{quietly}", "5" },
    { "\"NEAR the close\"", "5" },
    { "AND/OR", "5" },
    { "x1:val col1:val", "" },
    { "cafe", "6" },
    { "caf\xc3\xa9", "6" },
    { "stra\xc3\x9f" "e", "6" },
    { "\xf0\x9f\x99\x82", "" },             /* emoji: no token, no error */
    { "\xc2\xab" "peace\xc2\xbb", "2,3" },  /* guillemets around a word */
    { "a (b (c (d (e (f OR (g -h))))))", "" },
};

static void
compiled_expressions_should_run_in_fts5(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof match_cases / sizeof match_cases[0]; i++) {
        char rows[256];
        char *fts = fts_of(match_cases[i].query);
        int rc;
        assert_non_null(fts);
        rc = run_match(fts, rows, sizeof rows);
        if (rc != SQLITE_OK)
            fail_msg("<%s> -> <%s>: SQLite error %s", match_cases[i].query, fts,
                     sqlite3_errmsg(fts_db));
        if (strcmp(rows, match_cases[i].rows) != 0)
            fail_msg("<%s> -> <%s>: expected rows <%s>, got <%s>", match_cases[i].query,
                     fts, match_cases[i].rows, rows);
        arc_free(fts);
    }
}

/* Every expression of the fts_cases table is valid FTS5. */
static void
expression_table_should_be_valid_fts5(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof fts_cases / sizeof fts_cases[0]; i++) {
        char rows[256];
        if (!fts_cases[i].fts)
            continue;
        if (run_match(fts_cases[i].fts, rows, sizeof rows) != SQLITE_OK)
            fail_msg("<%s>: SQLite error %s", fts_cases[i].fts, sqlite3_errmsg(fts_db));
    }
}

/* ---------------------------------------------------- hostile input */

static char *
repeat(const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    return s;
}

static void
query_over_100kb_should_be_refused(void **state)
{
    arc_query_t *q;
    arc_query_error_t err;
    char *s = repeat("a", 100 * 1024 + 1, "");
    (void) state;

    assert_int_equal(arc_query_parse(s, &q, &err), ARC_E_BAD_QUERY);
    assert_null(q);
    assert_int_equal(err.column, 1);
    assert_string_equal(err.message, "query too long (limit 100 KB)");
    s[100 * 1024] = '\0';              /* exactly 100 KB: one long word */
    assert_int_equal(arc_query_parse(s, &q, &err), ARC_OK);
    arc_query_destroy(q);
    free(s);
}

static void
deep_parentheses_should_fail_without_recursing(void **state)
{
    arc_query_t *q;
    arc_query_error_t err;
    char *s = repeat("(", 100000, "a");
    (void) state;

    assert_int_equal(arc_query_parse(s, &q, &err), ARC_E_BAD_QUERY);
    assert_null(q);
    assert_int_equal(err.column, 65);
    assert_string_equal(err.message, "parentheses nested too deeply");
    free(s);

    s = repeat("(", 64, "a");          /* 64 levels parse (then lack ')') */
    assert_int_equal(arc_query_parse(s, &q, &err), ARC_E_BAD_QUERY);
    assert_string_equal(err.message, "unclosed '('");
    free(s);
}

/* Nested shapes: open^d core close^d. */
static const struct {
    const char *open, *core, *close;
    int parens;             /* parentheses each repetition opens */
} nest_shapes[] = {
    { "(", "a", ")", 1 },
    { "x (y OR (", "w", "))", 2 },
    { "a OR (b ", "c", ")", 1 },
    { "x -(y ", "w", ")", 1 },
    { "title:t -(title:u ", "title:w", ")", 1 },
    { "p* (q* OR (", "r*", "))", 2 },
    { "x (y OR (v -z ", "w", "))", 2 },
};

/* Every nested query either compiles to an expression FTS5 runs, or is
 * refused with a message, by the parser (past 64 levels) or the planner
 * (past what FTS5's parser stack holds); and ten levels always work. */
static void
nested_queries_should_run_in_fts5_or_be_refused_cleanly(void **state)
{
    (void) state;
    for (size_t k = 0; k < sizeof nest_shapes / sizeof nest_shapes[0]; k++) {
        int deepest_ok = 0;
        for (int d = 1; d * nest_shapes[k].parens <= 70; d++) {
            char *open = repeat(nest_shapes[k].open, (size_t) d, nest_shapes[k].core);
            char *close = repeat(nest_shapes[k].close, (size_t) d, "");
            size_t lo = strlen(open), lc = strlen(close);
            char *s = malloc(lo + lc + 1);
            arc_query_t *q;
            arc_query_error_t err;
            arc_plan_t plan;
            char rows[256];

            assert_non_null(s);
            memcpy(s, open, lo);
            memcpy(s + lo, close, lc + 1);
            free(open);
            free(close);
            if (arc_query_parse(s, &q, &err) != ARC_OK) {
                if (d * nest_shapes[k].parens <= 64
                    || strcmp(err.message, "parentheses nested too deeply") != 0)
                    fail_msg("<%s>: parse refused: %s", s, err.message);
                free(s);
                continue;
            }
            if (Arc_query_plan(q, &plan, &err) != ARC_OK) {
                if (strncmp(err.message, "query nested too deeply", 23) != 0
                    || err.column < 1 || (size_t) err.column > lo + lc)
                    fail_msg("<%s>: plan refused at %d: %s", s, err.column, err.message);
                assert_null(arc_query_fts_expression(q));
            } else {
                assert_non_null(plan.fts);
                if (run_match(plan.fts, rows, sizeof rows) != SQLITE_OK)
                    fail_msg("<%s> -> <%s>: FTS5 error %s", s, plan.fts,
                             sqlite3_errmsg(fts_db));
                deepest_ok = d * nest_shapes[k].parens;
                Arc_plan_clear(&plan);
            }
            arc_query_destroy(q);
            free(s);
        }
        if (deepest_ok < 10)
            fail_msg("shape %zu: only %d levels run", k, deepest_ok);
    }
}

static void
more_than_1000_terms_should_be_refused(void **state)
{
    arc_query_t *q;
    arc_query_error_t err;
    char *s;
    (void) state;

    s = repeat("w OR ", 9999, "w");    /* 10,000 OR terms */
    assert_int_equal(arc_query_parse(s, &q, &err), ARC_E_BAD_QUERY);
    assert_string_equal(err.message, "too many terms (limit 1000)");
    assert_int_equal(err.column, 1000 * 5 + 1);
    free(s);

    s = repeat("putin OR ", 999, "nothing"); /* exactly 1000: fine and runs */
    assert_int_equal(arc_query_parse(s, &q, &err), ARC_OK);
    {
        char *fts = arc_query_fts_expression(q);
        char rows[64];
        assert_non_null(fts);
        assert_int_equal(run_match(fts, rows, sizeof rows), SQLITE_OK);
        assert_string_equal(rows, "1");
        arc_free(fts);
    }
    arc_query_destroy(q);
    free(s);
}

static void
long_phrase_should_compile_in_linear_time(void **state)
{
    arc_query_t *q;
    arc_query_error_t err;
    char *s = repeat("ab-", 30000, "c\"");
    char *fts;
    (void) state;

    s[0] = '"';                        /* "b-ab-ab-...-c" */
    assert_int_equal(arc_query_parse(s, &q, &err), ARC_OK);
    fts = arc_query_fts_expression(q);
    assert_non_null(fts);
    /* "b ab ... ab c": 1 + 29999 * 3 + 2 characters inside the quotes */
    assert_int_equal(strlen(fts), 2 + 1 + 29999 * 3 + 2);
    arc_free(fts);
    arc_query_destroy(q);
    free(s);
}

/* Random strings over an alphabet rich in syntax: each either fails with
 * a column inside the text, or compiles to an expression that has only
 * our syntax outside quotes and that FTS5 runs without error. */
static void
random_queries_should_never_reach_fts5_as_syntax(void **state)
{
    static const char alphabet[] = "ab ORNDTA-\"()*:^+{}.'/,xy\t";
    uint32_t seed = 12345;
    int ok = 0, bad = 0;
    (void) state;

    for (int n = 0; n < 3000; n++) {
        char s[40];
        size_t len;
        arc_query_t *q;
        arc_query_error_t err;

        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % (sizeof s - 1);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        s[len] = '\0';
        if (arc_query_parse(s, &q, &err) != ARC_OK) {
            if (err.column < 1 || err.column > (int) len + 1 || err.message[0] == '\0')
                fail_msg("<%s>: bad error position %d <%s>", s, err.column, err.message);
            bad++;
            continue;
        }
        char *fts = arc_query_fts_expression(q);
        if (fts) {
            char rows[256];
            if (!only_our_syntax_outside_quotes(fts))
                fail_msg("<%s> -> <%s>: user text outside quotes", s, fts);
            if (run_match(fts, rows, sizeof rows) != SQLITE_OK)
                fail_msg("<%s> -> <%s>: FTS5 error %s", s, fts, sqlite3_errmsg(fts_db));
            arc_free(fts);
        }
        arc_query_destroy(q);
        ok++;
    }
    /* the generator exercises both outcomes */
    assert_true(ok > 300);
    assert_true(bad > 300);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(query_should_compile_to_expected_fts5_expression),
        cmocka_unit_test(query_errors_should_give_column_and_message),
        cmocka_unit_test(query_error_struct_may_be_null),
        cmocka_unit_test(ast_should_keep_words_and_columns),
        cmocka_unit_test(empty_query_should_match_everything),
        cmocka_unit_test(plan_should_turn_field_terms_into_filters),
        cmocka_unit_test(plan_should_turn_date_terms_into_a_half_open_range),
        cmocka_unit_test(plan_should_refuse_field_terms_under_or_and_exclusion),
        cmocka_unit_test(plan_should_accept_repeated_equal_story_and_lang),
        cmocka_unit_test(compiled_expressions_should_run_in_fts5),
        cmocka_unit_test(expression_table_should_be_valid_fts5),
        cmocka_unit_test(query_over_100kb_should_be_refused),
        cmocka_unit_test(deep_parentheses_should_fail_without_recursing),
        cmocka_unit_test(nested_queries_should_run_in_fts5_or_be_refused_cleanly),
        cmocka_unit_test(more_than_1000_terms_should_be_refused),
        cmocka_unit_test(long_phrase_should_compile_in_linear_time),
        cmocka_unit_test(random_queries_should_never_reach_fts5_as_syntax),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
