/*
 * test_text.c - sentence segmentation of news prose and UTF-8 repair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "text.h"

struct split_case {
    const char *text;
    const char *sentences[6];   /* expected, NULL-terminated */
};

static void check_split(const struct split_case *c)
{
    idx_span_t *sp = NULL;
    size_t n = idx_sentences(c->text, strlen(c->text), &sp), want = 0, i;

    while (want < 6 && c->sentences[want] != NULL)
        want++;
    if (n != want) {
        for (i = 0; i < n; i++)
            print_message("  got [%.*s]\n", sp[i].end - sp[i].start,
                          c->text + sp[i].start);
        fail_msg("%s: %zu sentences, want %zu", c->text, n, want);
    }
    for (i = 0; i < n; i++) {
        size_t len = (size_t)(sp[i].end - sp[i].start);
        if (len != strlen(c->sentences[i]) ||
            memcmp(c->text + sp[i].start, c->sentences[i], len) != 0)
            fail_msg("%s: sentence %zu is [%.*s], want [%s]", c->text, i,
                     (int)len, c->text + sp[i].start, c->sentences[i]);
    }
    free(sp);
}

#define RUN(t) do { size_t k_; for (k_ = 0; k_ < sizeof t / sizeof t[0]; k_++) \
    check_split(&t[k_]); } while (0)

static void sentences_should_not_split_after_abbreviations(void **state)
{
    static const struct split_case t[] = {
        {"Mr. Smith met Mrs. Jones and Dr. Brown. They talked.",
         {"Mr. Smith met Mrs. Jones and Dr. Brown.", "They talked."}},
        {"Gen. Milley, Sen. Warren, Rep. Ocasio-Cortez, Gov. Newsom and Lt. Col. Vindman spoke.",
         {"Gen. Milley, Sen. Warren, Rep. Ocasio-Cortez, Gov. Newsom and Lt. Col. Vindman spoke."}},
        {"The U.S. Senate and the U.K. government met U.N. and E.U. officials. Talks ended.",
         {"The U.S. Senate and the U.K. government met U.N. and E.U. officials.", "Talks ended."}},
        {"Troops left the U.S. The base closed.",
         {"Troops left the U.S.", "The base closed."}},
        {"The talks began on Dec. 2 and ended Jan. 15 at No. 10 Downing St. in London.",
         {"The talks began on Dec. 2 and ended Jan. 15 at No. 10 Downing St. in London."}},
        {"It was Arsenal vs. Chelsea, apples, pears etc. and more. Fine.",
         {"It was Arsenal vs. Chelsea, apples, pears etc. and more.", "Fine."}},
        {"Apple Inc. and Acme Corp. and Foo Ltd. merged. Bar Jr. and Baz Sr. agreed.",
         {"Apple Inc. and Acme Corp. and Foo Ltd. merged.", "Bar Jr. and Baz Sr. agreed."}},
        {"He joined Acme Inc. The company grew.",
         {"He joined Acme Inc.", "The company grew."}},
    };
    (void)state;
    RUN(t);
}

static void sentences_should_keep_initials_and_decimals(void **state)
{
    static const struct split_case t[] = {
        {"J. R. R. Tolkien wrote it. Donald J. Trump read it.",
         {"J. R. R. Tolkien wrote it.", "Donald J. Trump read it."}},
        {"Growth was 3.5 percent, down from 4.25. Rates held at 0.5%.",
         {"Growth was 3.5 percent, down from 4.25.", "Rates held at 0.5%."}},
        {"It cost $1.2 billion. Shares rose.",
         {"It cost $1.2 billion.", "Shares rose."}},
    };
    (void)state;
    RUN(t);
}

static void sentences_should_handle_quotes_questions_and_ellipses(void **state)
{
    static const struct split_case t[] = {
        {"\"We will win,\" he said. \"We must.\" She agreed.",
         {"\"We will win,\" he said.", "\"We must.\"", "She agreed."}},
        {"\"It is over...\" he said. Then he left.",
         {"\"It is over...\" he said.", "Then he left."}},
        {"They said \"the end.\" Next came the vote.",
         {"They said \"the end.\"", "Next came the vote."}},
        {"Why now? Nobody knows! \"Really?\" she asked.",
         {"Why now?", "Nobody knows!", "\"Really?\" she asked."}},
        {"He paused... and went on. Then... Silence.",
         {"He paused... and went on.", "Then...", "Silence."}},
        {"Curly \xe2\x80\x9cquotes.\xe2\x80\x9d Work too\xe2\x80\xa6 Yes.",
         {"Curly \xe2\x80\x9cquotes.\xe2\x80\x9d", "Work too\xe2\x80\xa6", "Yes."}},
        {"Headline without verb\n\nBody starts here. Ends here",
         {"Headline without verb", "Body starts here.", "Ends here"}},
        {"  \n\n  ", {NULL}},
        {"\xe4\xbb\x8a\xe5\xa4\xa9\xe4\xb8\x8b\xe9\x9b\xa8\xe3\x80\x82\xe6\x98\x8e\xe5\xa4\xa9\xe6\x99\xb4\xe3\x80\x82",
         {"\xe4\xbb\x8a\xe5\xa4\xa9\xe4\xb8\x8b\xe9\x9b\xa8\xe3\x80\x82", "\xe6\x98\x8e\xe5\xa4\xa9\xe6\x99\xb4\xe3\x80\x82"}},
    };
    (void)state;
    RUN(t);
}

static void sentences_should_survive_bad_input_in_linear_time(void **state)
{
    static const struct split_case t[] = {
        {"Bad \xff\xfe bytes. Still \xc3 split.", {"Bad \xff\xfe bytes.", "Still \xc3 split."}},
        {"PRESIDENT RESIGNS. MARKETS FALL.", {"PRESIDENT RESIGNS.", "MARKETS FALL."}},
        {".", {"."}},
        {"a", {"a"}},
    };
    static const char pattern[] = "Mr. A. B. said 3.5... \xff Ok?! U.S. ";
    size_t len = 10u << 20, i, n;
    char *big = malloc(len);
    idx_span_t *sp = NULL;
    clock_t t0;
    (void)state;

    RUN(t);
    assert_non_null(big);
    for (i = 0; i < len; i++)
        big[i] = pattern[i % (sizeof pattern - 1)];
    t0 = clock();
    n = idx_sentences(big, len, &sp);
    assert_true(n > 1000);
    for (i = 1; i < n; i++)
        assert_true(sp[i].start >= sp[i - 1].end);
    assert_true(sp[n - 1].end <= (int)len);
    free(sp);
    memset(big, '.', len);      /* one long run of dots */
    n = idx_sentences(big, len, &sp);
    assert_int_equal(n, 1);
    free(sp);
    memset(big, 'x', len);      /* no terminator at all */
    n = idx_sentences(big, len, &sp);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].end, (int)len);
    free(sp);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
    free(big);
    assert_int_equal(idx_sentences("", 0, &sp), 0);
    assert_null(sp);
}

static void copy_utf8_should_replace_invalid_bytes(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
        size_t replaced;
    } t[] = {
        {"plain", 5, "plain", 0},
        {"caf\xc3\xa9", 5, "caf\xc3\xa9", 0},
        {"a\xffz", 3, "a\xef\xbf\xbdz", 1},
        {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2},             /* overlong */
        {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3}, /* surrogate */
        {"x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd", 2},           /* truncated */
        {"a\0b", 3, "a\xef\xbf\xbd" "b", 1},
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80", 0},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t bad = 99;
        char *s = idx_text_copy_utf8(t[i].in, t[i].len, &bad);
        assert_non_null(s);
        assert_string_equal(s, t[i].out);
        assert_int_equal(bad, t[i].replaced);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sentences_should_not_split_after_abbreviations),
        cmocka_unit_test(sentences_should_keep_initials_and_decimals),
        cmocka_unit_test(sentences_should_handle_quotes_questions_and_ellipses),
        cmocka_unit_test(sentences_should_survive_bad_input_in_linear_time),
        cmocka_unit_test(copy_utf8_should_replace_invalid_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
