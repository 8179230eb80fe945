/*
 * test_events.c - dated events built from sentences and their expressions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dates.h"

#define PUB_WED 1764756000LL   /* 2025-12-03T10:00:00Z, a Wednesday */

static int64_t day(int y, int m, int d)
{
    return arc_days_from_civil(y, m, d) * 86400;
}

struct event_case {
    const char *body;
    size_t n;                       /* expected events */
    struct {
        int64_t date;
        arc_granularity_t g;
        int from_published;
        const char *text;
    } ev[4];
};

static void events_should_date_sentences(void **state)
{
    const struct event_case t[] = {
        /* a lead without an expression takes the publication day */
        {"The minister resigned. He was replaced on Tuesday. Nothing else.", 2,
         {{day(2025, 12, 3), ARC_GRAN_DAY, 1, "The minister resigned."},
          {day(2025, 12, 2), ARC_GRAN_DAY, 0, "He was replaced on Tuesday."}}},
        /* the day-granular expression wins over month, year and week */
        {"In 2024 and last month, and last week, the bank cut rates on Monday.", 1,
         {{day(2025, 12, 1), ARC_GRAN_DAY, 0, NULL}}},
        {"Sales fell last week and in November.", 1,
         {{day(2025, 11, 24), ARC_GRAN_DAY, 0, NULL}}},
        {"Exports rose in 2024 and earlier this month.", 1,
         {{day(2025, 12, 1), ARC_GRAN_MONTH, 0, NULL}}},
        /* "for ..." states a duration or target, not when */
        {"Budgets for 2026 were set. He was jailed for 2025 and then on Monday.", 2,
         {{day(2025, 12, 3), ARC_GRAN_DAY, 1, "Budgets for 2026 were set."},
          {day(2025, 12, 1), ARC_GRAN_DAY, 0, NULL}}},
        {"", 0, {{0, ARC_GRAN_DAY, 0, NULL}}},
    };
    size_t i, k;
    (void)state;

    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        arc_event_t *ev = NULL;
        size_t n = idx_events_build(t[i].body, strlen(t[i].body), PUB_WED, &ev);
        if (n != t[i].n)
            fail_msg("%s: %zu events, want %zu", t[i].body, n, t[i].n);
        for (k = 0; k < n; k++) {
            assert_int_equal(ev[k].date, t[i].ev[k].date);
            assert_int_equal(ev[k].granularity, t[i].ev[k].g);
            assert_int_equal(ev[k].from_published, t[i].ev[k].from_published);
            assert_int_equal(memcmp(ev[k].text, t[i].body + ev[k].start,
                                    (size_t)(ev[k].end - ev[k].start)), 0);
            if (t[i].ev[k].text != NULL)
                assert_string_equal(ev[k].text, t[i].ev[k].text);
            assert_int_equal(strlen(ev[k].text), (size_t)(ev[k].end - ev[k].start));
        }
        idx_events_free(ev, n);
    }
}

static void events_should_not_invent_dates_without_publication(void **state)
{
    const char *body = "The minister resigned. He was replaced on 2 December 2025.";
    arc_event_t *ev = NULL;
    size_t n = idx_events_build(body, strlen(body), ARC_TIME_NONE, &ev);
    (void)state;
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].date, day(2025, 12, 2));
    assert_int_equal(ev[0].from_published, 0);
    idx_events_free(ev, n);
    idx_events_free(NULL, 0);
}

static void events_should_copy_valid_utf8(void **state)
{
    const char *body = "Caf\xc3\xa9 \xff\xfe closed on Tuesday.";
    arc_event_t *ev = NULL;
    size_t n = idx_events_build(body, strlen(body), PUB_WED, &ev);
    (void)state;
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].text, "Caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd closed on Tuesday.");
    assert_int_equal(ev[0].start, 0);
    assert_int_equal(ev[0].end, (int)strlen(body));
    idx_events_free(ev, n);
}

static void events_should_scale_to_large_bodies(void **state)
{
    static const char pattern[] = "Prices rose on Monday. \xff Talks end";
    size_t len = 10u << 20, i;
    char *big = malloc(len);
    arc_event_t *ev = NULL;
    size_t n;
    (void)state;
    assert_non_null(big);
    for (i = 0; i < len; i++)
        big[i] = pattern[i % (sizeof pattern - 1)];
    n = idx_events_build(big, len, PUB_WED, &ev);
    assert_true(n > 100000);
    assert_int_equal(ev[1].date, day(2025, 12, 1));
    idx_events_free(ev, n);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_should_date_sentences),
        cmocka_unit_test(events_should_not_invent_dates_without_publication),
        cmocka_unit_test(events_should_copy_valid_utf8),
        cmocka_unit_test(events_should_scale_to_large_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
