/*
 * test_dates.c - temporal expressions: every pattern with its resolved value,
 * tense, negative cases and bad input.
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

#include "dates.h"

/* 2025-12-03 (a Wednesday) 10:00 UTC */
#define PUB_WED 1764756000LL
/* 2025-12-02 (a Tuesday) 10:00 UTC */
#define PUB_TUE (PUB_WED - 86400)

struct expect_case {
    int64_t published;
    const char *text;
    const char *expr;       /* the text of the expression to check */
    const char *value;      /* YYYY-MM-DD */
    arc_granularity_t g;
};

static void ymd(int64_t t, char *buf, size_t n)
{
    int y, m, d;
    arc_civil_from_days(t / 86400, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

/* The expression covering c->expr must exist and resolve to c->value. */
static void check_case(const struct expect_case *c)
{
    idx_timex_t *tx = NULL;
    size_t n = idx_timex_find(c->text, strlen(c->text), c->published, &tx), i;
    const char *at = strstr(c->text, c->expr);
    int found = 0;

    if (at == NULL)
        fail_msg("bad case: %s not in %s", c->expr, c->text);
    for (i = 0; i < n; i++) {
        int s = (int)(at - c->text), e = s + (int)strlen(c->expr);
        if (tx[i].start < e && s < tx[i].end) {
            char got[16];
            ymd(tx[i].value, got, sizeof got);
            if (strcmp(got, c->value) != 0 || tx[i].granularity != c->g)
                fail_msg("%s: \"%s\" -> %s gran %d, want %s gran %d", c->text,
                         c->expr, got, (int)tx[i].granularity, c->value, (int)c->g);
            found = 1;
            break;
        }
    }
    if (!found)
        fail_msg("%s: \"%s\" not found (%zu expressions)", c->text, c->expr, n);
    free(tx);
}

static void run_cases(const struct expect_case *c, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        check_case(&c[i]);
}

#define D ARC_GRAN_DAY
#define M ARC_GRAN_MONTH
#define Y ARC_GRAN_YEAR
#define RUN(t) run_cases(t, sizeof t / sizeof t[0])

static void dates_should_resolve_absolute_dates(void **state)
{
    static const struct expect_case t[] = {
        {PUB_WED, "It happened on Dec 2, 2025 in Paris.", "Dec 2, 2025", "2025-12-02", D},
        {PUB_WED, "The vote on 2 December was close.", "2 December", "2025-12-02", D},
        {PUB_WED, "Markets fell on December 2nd.", "December 2nd", "2025-12-02", D},
        {PUB_WED, "The filing is dated 2025-12-02.", "2025-12-02", "2025-12-02", D},
        {PUB_WED, "Talks began on Dec. 2 in Doha.", "Dec. 2", "2025-12-02", D},
        {PUB_WED, "He was born on 10/31/1974.", "10/31/1974", "1974-10-31", D},
        {PUB_WED, "Filed 31-Oct-74 in court.", "31-Oct-74", "1974-10-31", D},
        {PUB_WED, "The 1st of March 2020 was a Sunday.", "1st of March 2020", "2020-03-01", D},
        {PUB_WED, "The treaty was signed on Tuesday, Dec. 2, in Rome.", "Tuesday, Dec. 2", "2025-12-02", D},
        {PUB_WED, "Output grew in December 2024.", "December 2024", "2024-12-01", M},
        {PUB_WED, "Prices peaked in 2022.", "2022", "2022-01-01", Y},
        {PUB_WED, "The plant has run since 1998.", "1998", "1998-01-01", Y},
        {PUB_WED, "Sales will double by 2030.", "2030", "2030-01-01", Y},
        {PUB_WED, "Growth slowed in early 2025.", "early 2025", "2025-01-01", Y},
        {PUB_WED, "The meeting ran March 18-19 in Brussels.", "March 18-19", "2025-03-18", D},
    };
    (void)state;
    RUN(t);
}

static void dates_should_resolve_weekday_in_past_tense(void **state)
{
    static const struct expect_case t[] = {
        {PUB_WED, "The minister resigned on Tuesday.", "Tuesday", "2025-12-02", D},
        {PUB_WED, "On Monday, police said two men were held.", "Monday", "2025-12-01", D},
        {PUB_WED, "Rebels seized the town on Thursday night.", "Thursday night", "2025-11-27", D},
        {PUB_TUE, "The minister resigned on Tuesday.", "Tuesday", "2025-12-02", D},
        {PUB_WED, "Results were published last Wednesday.", "last Wednesday", "2025-11-26", D},
        {PUB_WED, "The data released on Wednesday showed growth.", "Wednesday", "2025-12-03", D},
        /* no verb at all: the latest such day */
        {PUB_WED, "Storm warning for Monday", "Monday", "2025-12-01", D},
    };
    (void)state;
    RUN(t);
}

static void dates_should_resolve_weekday_in_future_tense_forward(void **state)
{
    static const struct expect_case t[] = {
        {PUB_WED, "Leaders will meet on Tuesday.", "Tuesday", "2025-12-09", D},
        {PUB_WED, "The bill is due to be debated on Friday.", "Friday", "2025-12-05", D},
        {PUB_WED, "The summit will be held on Monday.", "Monday", "2025-12-08", D},
        {PUB_WED, "Ministers meet next Tuesday.", "next Tuesday", "2025-12-09", D},
        {PUB_WED, "Ministers meet next Friday.", "next Friday", "2025-12-05", D},
        {PUB_TUE, "A vote is expected later on Tuesday.", "later on Tuesday", "2025-12-02", D},
        {PUB_WED, "Workers won't return until Thursday.", "Thursday", "2025-12-04", D},
    };
    (void)state;
    RUN(t);
}

static void dates_should_resolve_relative_days_and_periods(void **state)
{
    static const struct expect_case t[] = {
        {PUB_WED, "Yesterday the storm hit.", "Yesterday", "2025-12-02", D},
        {PUB_WED, "Talks resume today.", "today", "2025-12-03", D},
        {PUB_WED, "Shops reopen tomorrow.", "tomorrow", "2025-12-04", D},
        {PUB_WED, "Protests grew last night.", "last night", "2025-12-02", D},
        {PUB_WED, "The fire began three days ago.", "three days ago", "2025-11-30", D},
        {PUB_WED, "The deal collapsed two weeks ago.", "two weeks ago", "2025-11-19", D},
        /* weeks resolve to their Monday with day granularity */
        {PUB_WED, "The bank cut rates last week.", "last week", "2025-11-24", D},
        {PUB_WED, "Talks continue next week.", "next week", "2025-12-08", D},
        {PUB_WED, "Crowds are expected this weekend.", "this weekend", "2025-12-06", D},
        {PUB_WED, "Sales fell earlier this month.", "earlier this month", "2025-12-01", M},
        {PUB_WED, "Prices rise next month.", "next month", "2026-01-01", M},
        {PUB_WED, "Exports slumped last month.", "last month", "2025-11-01", M},
        {PUB_WED, "Inflation eased this year.", "this year", "2025-01-01", Y},
        {PUB_WED, "Turnout was higher last year.", "last year", "2024-01-01", Y},
        {PUB_WED, "Profits rose a year ago.", "a year ago", "2024-01-01", Y},
        {PUB_WED, "He quit at the end of last year.", "end of last year", "2024-01-01", Y},
    };
    (void)state;
    RUN(t);
}

static void dates_should_infer_year_of_month_from_tense(void **state)
{
    static const struct expect_case t[] = {
        {PUB_WED, "The summit will be held in March.", "March", "2026-03-01", M},
        {PUB_WED, "Prices rose in March, officials said.", "March", "2025-03-01", M},
        {PUB_WED, "The court will rule on 10 December.", "10 December", "2025-12-10", D},
        {PUB_WED, "OPEC+ will meet on January 4.", "January 4", "2026-01-04", D},
        {PUB_WED, "The law took effect on February 1.", "February 1", "2025-02-01", D},
        {PUB_WED, "Elections are planned for late May.", "late May", "2026-05-01", M},
        {PUB_WED, "The strike began last March.", "last March", "2025-03-01", M},
        {PUB_WED, "Rates fell in March this year.", "March this year", "2025-03-01", M},
        {PUB_WED, "Markets will close on Christmas Day.", "Christmas Day", "2025-12-25", D},
        {PUB_WED, "Shoppers spent heavily on Black Friday.", "Black Friday", "2025-11-28", D},
    };
    (void)state;
    RUN(t);
}

static void dates_should_ignore_words_that_only_look_like_dates(void **state)
{
    static const char *const t[] = {
        "Leaders may meet again soon.",
        "Thousands plan to march on the capital.",
        "The Sun newspaper and the Sunday Times ran the story.",
        "The Mail on Sunday published the letter.",
        "Interest rates were 3.5 percent, up 2.25 points.",
        "He scored 25 points and 10 rebounds in 2 games.",
        "Call 650-650-6500 or write to Box 2000.",
        "She read USA Today on the train.",
        "The vote passed 40-22 with 2/3 of members.",
        "For the first time in two years the index rose.",
        "Prices rose over the past week and for two months.",
        "It cost $2025 and took 10:30 minutes.",
        "June Carter and August Wilson were there.",
        "Theresa May's cabinet met in the Commons.",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        idx_timex_t *tx = NULL;
        size_t n = idx_timex_find(t[i], strlen(t[i]), PUB_WED, &tx);
        if (n != 0)
            fail_msg("%s: found \"%.*s\"", t[i], tx[0].end - tx[0].start,
                     t[i] + tx[0].start);
        assert_null(tx);
    }
}

static void dates_should_resolve_only_full_dates_without_publication(void **state)
{
    const char *text = "On Tuesday, a year after the vote on 2 December 2024, "
                       "and since 2019, officials met.";
    idx_timex_t *tx = NULL;
    size_t n = idx_timex_find(text, strlen(text), ARC_TIME_NONE, &tx);
    char buf[16];
    (void)state;
    assert_int_equal(n, 2);
    ymd(tx[0].value, buf, sizeof buf);
    assert_string_equal(buf, "2024-12-02");
    ymd(tx[1].value, buf, sizeof buf);
    assert_string_equal(buf, "2019-01-01");
    free(tx);
}

static void dates_should_report_byte_offsets(void **state)
{
    const char *text = "\xc3\xa9t\xc3\xa9: on Tuesday";     /* "été: on Tuesday" */
    idx_timex_t *tx = NULL;
    size_t n = idx_timex_find(text, strlen(text), PUB_WED, &tx);
    (void)state;
    assert_int_equal(n, 1);
    assert_int_equal(tx[0].start, 10);    /* "Tuesday" */
    assert_int_equal(tx[0].end, 17);
    free(tx);
}

static void dates_should_survive_bad_input_in_bounded_time(void **state)
{
    static const char *const odd[] = {
        "\xff\xfe\x80 on Tuesday \xc3",
        "ON TUESDAY THE PRESIDENT SAID PRICES ROSE IN MARCH",
        "\xd0\x92 \xd0\xbf\xd0\xbe\xd0\xbd\xd0\xb5\xd0\xb4\xd0\xb5\xd0\xbb\xd1\x8c\xd0\xbd\xd0\xb8\xd0\xba",
        "\xe5\x91\xa8\xe4\xba\x8c\xe3\x80\x82 2025\xe5\xb9\xb4",
        "Dec", "2025-", "on", "31 February 2025", "the", "",
    };
    static const char pattern[] = "on Tuesday 3 Dec. \xff\x80May 2024-1-1 xxxxxxxxxxxx";
    size_t i, len = 10u << 20;
    char *big = malloc(len);
    idx_timex_t *tx = NULL;
    clock_t t0;
    size_t n;
    (void)state;

    for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        n = idx_timex_find(odd[i], strlen(odd[i]), PUB_WED, &tx);
        free(tx);
        tx = NULL;
    }
    /* all caps still resolves */
    n = idx_timex_find(odd[1], strlen(odd[1]), PUB_WED, &tx);
    assert_int_equal(n, 2);
    free(tx);
    tx = NULL;
    /* invalid bytes around an expression do not hide it */
    n = idx_timex_find(odd[0], strlen(odd[0]), PUB_WED, &tx);
    assert_int_equal(n, 1);
    free(tx);
    tx = NULL;
    /* 10 MB of mixed text, dates, junk bytes and no spaces: linear time */
    assert_non_null(big);
    for (i = 0; i < len; i++)
        big[i] = pattern[i % (sizeof pattern - 1)];
    t0 = clock();
    n = idx_timex_find(big, len, PUB_WED, &tx);
    assert_true(n > 100000);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
    free(tx);
    tx = NULL;
    memset(big, 'a', len);
    n = idx_timex_find(big, len, PUB_WED, &tx);
    assert_int_equal(n, 0);
    memset(big, '.', len);
    n = idx_timex_find(big, len, PUB_WED, &tx);
    assert_int_equal(n, 0);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_should_resolve_absolute_dates),
        cmocka_unit_test(dates_should_resolve_weekday_in_past_tense),
        cmocka_unit_test(dates_should_resolve_weekday_in_future_tense_forward),
        cmocka_unit_test(dates_should_resolve_relative_days_and_periods),
        cmocka_unit_test(dates_should_infer_year_of_month_from_tense),
        cmocka_unit_test(dates_should_ignore_words_that_only_look_like_dates),
        cmocka_unit_test(dates_should_resolve_only_full_dates_without_publication),
        cmocka_unit_test(dates_should_report_byte_offsets),
        cmocka_unit_test(dates_should_survive_bad_input_in_bounded_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
