/*
 * test_jsonl.c - idx_jsonl_read: good lines become items, bad lines are
 * reported with their number and reason, lines may be of any length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <unistd.h>

#include <cmocka.h>

#include "item.h"
#include "jsonl.h"

#define MAX_SEEN 16

/* What the callbacks saw; items are copied because the reader clears
 * them after the callback returns. */
typedef struct seen {
    int n_items;
    idx_item_t items[MAX_SEEN];
    int n_bad;
    long bad_line[MAX_SEEN];
    char bad_reason[MAX_SEEN][160];
    int stop_after; /* return 7 from the callback after this many items */
} seen_t;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int on_item(void *ctx, idx_item_t *it)
{
    seen_t *s = ctx;
    idx_item_t *c;
    if (s->n_items >= MAX_SEEN)
        return 1;
    c = &s->items[s->n_items++];
    c->url = dup_or_null(it->url);
    c->guid = dup_or_null(it->guid);
    c->title = dup_or_null(it->title);
    c->byline = dup_or_null(it->byline);
    c->summary = dup_or_null(it->summary);
    c->body = dup_or_null(it->body);
    c->published_raw = dup_or_null(it->published_raw);
    c->lang = dup_or_null(it->lang);
    c->source = dup_or_null(it->source);
    c->source_site = dup_or_null(it->source_site);
    c->published = it->published;
    c->position = it->position;
    c->reject = it->reject;
    if (s->stop_after && s->n_items >= s->stop_after)
        return 7;
    return 0;
}

static void on_bad(void *ctx, long line, const char *reason)
{
    seen_t *s = ctx;
    if (s->n_bad >= MAX_SEEN)
        return;
    s->bad_line[s->n_bad] = line;
    snprintf(s->bad_reason[s->n_bad], sizeof s->bad_reason[0], "%s", reason);
    s->n_bad++;
}

static void seen_free(seen_t *s)
{
    for (int i = 0; i < s->n_items; i++)
        idx_item_clear(&s->items[i]);
    memset(s, 0, sizeof *s);
}

static int read_string(const char *text, seen_t *s)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    int rc;
    assert_non_null(f);
    rc = idx_jsonl_read(f, on_item, on_bad, s);
    fclose(f);
    return rc;
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (want == NULL) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

/* 2025-12-02T14:05:00Z */
#define T0 INT64_C(1764684300)

static void jsonl_should_read_every_known_key(void **state)
{
    seen_t s = {0};
    (void)state;
    assert_int_equal(
        read_string(
            "{\"url\":\"https://ex.org/a\",\"title\":\"  Title A \",\"published\":"
            "\"2025-12-02T14:05:00Z\",\"source\":\"Ex\",\"summary\":\"Sum\","
            "\"body\":\"p1\\r\\n\\r\\np2\\rp3\",\"guid\":\"g1\",\"byline\":\"Ann\","
            "\"lang\":\"en\",\"site\":\"ex.org\",\"extra\":[1,{\"x\":2}]}\n",
            &s),
        0);
    assert_int_equal(s.n_items, 1);
    assert_int_equal(s.n_bad, 0);
    assert_str_or_null(s.items[0].url, "https://ex.org/a");
    assert_str_or_null(s.items[0].title, "Title A");
    assert_true(s.items[0].published == T0);
    assert_str_or_null(s.items[0].published_raw, "2025-12-02T14:05:00Z");
    assert_str_or_null(s.items[0].source, "Ex");
    assert_str_or_null(s.items[0].summary, "Sum");
    assert_str_or_null(s.items[0].body, "p1\n\np2\np3");
    assert_str_or_null(s.items[0].guid, "g1");
    assert_str_or_null(s.items[0].byline, "Ann");
    assert_str_or_null(s.items[0].lang, "en");
    assert_str_or_null(s.items[0].source_site, "ex.org");
    assert_int_equal(s.items[0].position, 1);
    assert_null(s.items[0].reject);
    seen_free(&s);
}

typedef struct good_case {
    const char *line;
    const char *title;
    const char *byline;
    int64_t published;
    const char *reject;
} good_case_t;

static const good_case_t good_cases[] = {
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":1764684300}", "t", NULL, T0,
     NULL},
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":1764684300.75}", "t", NULL, T0,
     NULL},
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":\"Tue, 02 Dec 2025 14:05:00 GMT\"}",
     "t", NULL, T0, NULL},
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":\"someday\"}", "t", NULL,
     INT64_MIN, NULL},
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":null,\"author\":\"Bo\"}", "t",
     "Bo", INT64_MIN, NULL},
    {"{\"url\":\"u\",\"title\":\"t\",\"byline\":\"By\",\"author\":\"Au\"}", "t",
     "By", INT64_MIN, NULL},
    {"{\"title\":\"t\"}", "t", NULL, INT64_MIN, "no link"},
    {"{\"url\":\"\",\"title\":\"t\"}", "t", NULL, INT64_MIN, "no link"},
    {"{\"url\":\"u\"}", NULL, NULL, INT64_MIN, "no title"},
    {"{\"url\":\"u\",\"title\":\"   \"}", NULL, NULL, INT64_MIN, "no title"},
    {"  {\"url\":\"u\",\"title\":\"t\"}  \t", "t", NULL, INT64_MIN, NULL},
    {"{\"url\":\"u\",\"title\":\"caf\xe9\"}", "caf\xef\xbf\xbd", NULL, INT64_MIN,
     NULL}, /* invalid UTF-8 replaced */
    {"{\"url\":\"u\",\"title\":\"\\u00e9\\ud83d\\ude00\"}",
     "\xc3\xa9\xf0\x9f\x98\x80", NULL, INT64_MIN, NULL},
};

static void jsonl_should_map_values_and_rejects(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof good_cases / sizeof good_cases[0]; c++) {
        seen_t s = {0};
        char line[512];
        print_message("case %zu: %s\n", c, good_cases[c].line);
        snprintf(line, sizeof line, "%s\n", good_cases[c].line);
        assert_int_equal(read_string(line, &s), 0);
        assert_int_equal(s.n_bad, 0);
        assert_int_equal(s.n_items, 1);
        assert_str_or_null(s.items[0].title, good_cases[c].title);
        assert_str_or_null(s.items[0].byline, good_cases[c].byline);
        assert_true(s.items[0].published == good_cases[c].published);
        assert_str_or_null(s.items[0].reject, good_cases[c].reject);
        seen_free(&s);
    }
}

typedef struct bad_case {
    const char *line;
    const char *reason;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"{\"url\":\"u\",\"title\": nope}", "invalid JSON near column 21"},
    /* cJSON reports input ending early at the last character */
    {"{\"url\":\"u\"", "invalid JSON near column 10"},
    {"not json at all", "invalid JSON near column 1"},
    {"{\"url\":\"u\"} trailing", "invalid JSON near column 13"},
    {"[1,2,3]", "not a JSON object"},
    {"\"a string\"", "not a JSON object"},
    {"42", "not a JSON object"},
    {"null", "not a JSON object"},
    {"{\"url\":\"u\",\"title\":5}", "field 'title' is not a string"},
    {"{\"url\":[\"u\"],\"title\":\"t\"}", "field 'url' is not a string"},
    {"{\"url\":\"u\",\"title\":\"t\",\"author\":{\"name\":\"x\"}}",
     "field 'author' is not a string"},
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":true}",
     "field 'published' is not a string or a number"},
    {"{\"url\":\"u\",\"title\":\"t\",\"published\":1e300}",
     "field 'published' is out of range"},
};

static void jsonl_should_report_bad_lines(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof bad_cases / sizeof bad_cases[0]; c++) {
        seen_t s = {0};
        char text[512];
        print_message("case %zu: %s\n", c, bad_cases[c].line);
        /* a good line before and after: bad lines do not stop the reader */
        snprintf(text, sizeof text,
                 "{\"url\":\"u1\",\"title\":\"a\"}\n\n%s\n"
                 "{\"url\":\"u2\",\"title\":\"b\"}",
                 bad_cases[c].line);
        assert_int_equal(read_string(text, &s), 0);
        assert_int_equal(s.n_bad, 1);
        assert_int_equal(s.bad_line[0], 3);
        assert_string_equal(s.bad_reason[0], bad_cases[c].reason);
        assert_int_equal(s.n_items, 2);
        assert_int_equal(s.items[0].position, 1);
        assert_int_equal(s.items[1].position, 4); /* line numbers, blanks counted */
        seen_free(&s);
    }
}

static void jsonl_should_skip_blank_lines_and_read_crlf(void **state)
{
    seen_t s = {0};
    (void)state;
    assert_int_equal(read_string("\n   \n\t\r\n{\"url\":\"u\",\"title\":\"t\"}\r\n"
                                 "\r\n",
                                 &s),
                     0);
    assert_int_equal(s.n_bad, 0);
    assert_int_equal(s.n_items, 1);
    assert_int_equal(s.items[0].position, 4);
    seen_free(&s);
    assert_int_equal(read_string("", &s), 0);
    assert_int_equal(s.n_items, 0);
}

static void jsonl_should_stop_when_the_callback_asks(void **state)
{
    seen_t s = {0};
    (void)state;
    s.stop_after = 2;
    assert_int_equal(read_string("{\"url\":\"u\",\"title\":\"1\"}\n"
                                 "{\"url\":\"u\",\"title\":\"2\"}\n"
                                 "{\"url\":\"u\",\"title\":\"3\"}\n"
                                 "not json\n",
                                 &s),
                     7);
    assert_int_equal(s.n_items, 2);
    assert_int_equal(s.n_bad, 0);
    seen_free(&s);
}

static void jsonl_should_read_a_one_megabyte_line(void **state)
{
    const char *dir = getenv("TEST_TMPDIR");
    size_t body_len = 1024 * 1024;
    char path[512];
    char *body;
    FILE *f;
    seen_t s = {0};
    (void)state;

    snprintf(path, sizeof path, "%s/test_jsonl_big.jsonl", dir ? dir : "/tmp");
    f = fopen(path, "w");
    assert_non_null(f);
    body = malloc(body_len + 1);
    assert_non_null(body);
    for (size_t i = 0; i < body_len; i++)
        body[i] = (char)('a' + i % 26);
    body[body_len] = '\0';
    fprintf(f, "{\"url\":\"u\",\"title\":\"big\",\"body\":\"%s\"}\n", body);
    fprintf(f, "{\"url\":\"u\",\"title\":\"after\"}\n");
    fclose(f);

    f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(idx_jsonl_read(f, on_item, on_bad, &s), 0);
    fclose(f);
    unlink(path);
    assert_int_equal(s.n_bad, 0);
    assert_int_equal(s.n_items, 2);
    assert_non_null(s.items[0].body);
    assert_int_equal(strlen(s.items[0].body), body_len);
    assert_memory_equal(s.items[0].body, body, body_len);
    assert_string_equal(s.items[1].title, "after");
    free(body);
    seen_free(&s);
}

static void jsonl_should_allow_missing_callbacks(void **state)
{
    FILE *f = fmemopen((void *)"{\"url\":\"u\"}\nbad\n", 16, "r");
    (void)state;
    assert_non_null(f);
    assert_int_equal(idx_jsonl_read(f, NULL, NULL, NULL), 0);
    fclose(f);
}

/* An item's text is allocated for the worst case (every byte a U+FFFD of
 * three) while it is cleaned, and given its size when done: an import
 * holds several hundred items in flight. */
static void
item_text_should_keep_no_more_room_than_it_needs(void **state)
{
    char src[4001], *t, *bad;
    (void)state;

    for (int i = 0; i < 4000; i++)
        src[i] = (char)(i % 7 == 6 ? ' ' : 'a' + i % 26);
    src[4000] = '\0';
    t = idx_item_text(src, 4000);
    assert_non_null(t);
    assert_int_equal(strlen(t), 4000);
    assert_true(malloc_usable_size(t) < 4000 + 64);
    free(t);
    /* the worst case itself still fits */
    memset(src, 0xff, 100);
    bad = idx_item_text(src, 100);
    assert_non_null(bad);
    assert_int_equal(strlen(bad), 300);
    assert_memory_equal(bad, "\xef\xbf\xbd", 3);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonl_should_read_every_known_key),
        cmocka_unit_test(jsonl_should_map_values_and_rejects),
        cmocka_unit_test(jsonl_should_report_bad_lines),
        cmocka_unit_test(jsonl_should_skip_blank_lines_and_read_crlf),
        cmocka_unit_test(jsonl_should_stop_when_the_callback_asks),
        cmocka_unit_test(jsonl_should_read_a_one_megabyte_line),
        cmocka_unit_test(jsonl_should_allow_missing_callbacks),
        cmocka_unit_test(item_text_should_keep_no_more_room_than_it_needs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
