/*
 * test_time.c - calendar arithmetic, user date parsing and formatting.
 * Reference values were computed independently (Python's datetime).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "newsarc.h"

static const struct {
    int y, m, d;
    int64_t days;
} civil_cases[] = {
    { 1970, 1, 1, 0 },
    { 1969, 12, 31, -1 },
    { 2000, 2, 29, 11016 },
    { 2000, 3, 1, 11017 },
    { 2025, 11, 30, 20422 },
    { 1, 1, 1, -719162 },
    { 0, 1, 1, -719528 },
    { 0, 2, 29, -719469 },      /* year 0 is a leap year (divisible by 400) */
    { 0, 3, 1, -719468 },
    { 9999, 12, 31, 2932896 },
    { 1900, 3, 1, -25508 },
    { 1600, 2, 29, -135081 },
};

static void
days_from_civil_should_match_known_dates(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof civil_cases / sizeof civil_cases[0]; i++) {
        int y, m, d;
        int64_t got = arc_days_from_civil(civil_cases[i].y, civil_cases[i].m,
                                          civil_cases[i].d);
        if (got != civil_cases[i].days)
            fail_msg("%04d-%02d-%02d: expected %lld, got %lld", civil_cases[i].y,
                     civil_cases[i].m, civil_cases[i].d,
                     (long long) civil_cases[i].days, (long long) got);
        arc_civil_from_days(civil_cases[i].days, &y, &m, &d);
        assert_int_equal(y, civil_cases[i].y);
        assert_int_equal(m, civil_cases[i].m);
        assert_int_equal(d, civil_cases[i].d);
    }
}

/* Walk every day of 0000..9999 and check the two functions agree and
 * that the calendar advances by exactly one day each step. */
static void
civil_conversion_should_round_trip_for_years_0_to_9999(void **state)
{
    int64_t first = arc_days_from_civil(0, 1, 1);
    int64_t last = arc_days_from_civil(9999, 12, 31);
    int py = 0, pm = 1, pd = 1;
    (void) state;

    for (int64_t day = first; day <= last; day++) {
        int y, m, d;
        arc_civil_from_days(day, &y, &m, &d);
        if (arc_days_from_civil(y, m, d) != day)
            fail_msg("day %lld -> %04d-%02d-%02d does not map back", (long long) day,
                     y, m, d);
        if (day > first) {
            int next_day = d == pd + 1 && m == pm && y == py;
            int next_month = d == 1 && m == pm + 1 && y == py;
            int next_year = d == 1 && m == 1 && pm == 12 && y == py + 1;
            if (!next_day && !next_month && !next_year)
                fail_msg("%04d-%02d-%02d follows %04d-%02d-%02d", y, m, d, py, pm, pd);
        }
        py = y;
        pm = m;
        pd = d;
    }
    assert_int_equal(py, 9999);
    assert_int_equal(last - first + 1, 3652425); /* 10000 years of 365.2425 days */
}

static void
civil_from_days_should_accept_null_outputs(void **state)
{
    int y = 0;
    (void) state;
    arc_civil_from_days(0, &y, NULL, NULL);
    assert_int_equal(y, 1970);
}

static const struct {
    const char *text;
    int64_t start, end;
} parse_ok_cases[] = {
    { "2025", 1735689600, 1767225600 },
    { "2024-02", 1706745600, 1709251200 },                 /* leap February */
    { "2025-11-30", 1764460800, 1764460800 + 86400 },
    { "1970-01-01", 0, 86400 },
    { "1969-12-31", -86400, 0 },
    { "2024-02-29", 1709164800, 1709251200 },
    { "2000-02-29", 951782400, 951868800 },
    { "2025-11-30T10:00", 1764496800, 1764496860 },        /* a minute */
    { "2025-11-30 10:00", 1764496800, 1764496860 },
    { "2025-11-30T10:05:07", 1764497107, 1764497108 },     /* a second */
    { "2025-11-30T10:05:07Z", 1764497107, 1764497108 },
    { "2025-11-30T10:00+02:00", 1764489600, 1764489660 },
    { "2025-11-30T06:30-01:30", 1764489600, 1764489660 },
    { "1969-12-31T23:59:59", -1, 0 },
    { "0000-01-01", -719528LL * 86400, -719527LL * 86400 },
    { "9999-12", 2932866LL * 86400, 2932897LL * 86400 },
};

static void
parse_user_should_give_first_second_and_end_of_period(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof parse_ok_cases / sizeof parse_ok_cases[0]; i++) {
        int64_t start = 7, end = 7;
        arc_status_t st = arc_time_parse_user(parse_ok_cases[i].text, &start, &end);
        if (st != ARC_OK || start != parse_ok_cases[i].start
            || end != parse_ok_cases[i].end)
            fail_msg("<%s>: expected [%lld, %lld), got status %d [%lld, %lld)",
                     parse_ok_cases[i].text, (long long) parse_ok_cases[i].start,
                     (long long) parse_ok_cases[i].end, st, (long long) start,
                     (long long) end);
    }
}

static const char *const parse_bad_cases[] = {
    "", "25", "202", "20250", "2025-", "2025-1", "2025-13", "2025-00",
    "2025-11-31", "2023-02-29", "1900-02-29", "2025-11-00", "2025-11-30T",
    "2025-11-30T24:00", "2025-11-30T10:60", "2025-11-30T10:00:60",
    "2025-11-30T10", "2025-11-30T1:00", "2025-11-30X10:00", "2025-11-30  10:00",
    " 2025", "2025 ", "2025-11-30T10:00Z ", "2025-11-30T10:00+2", "2025-11-30T10:00+02",
    "2025-11-30T10:00+0200", "2025-11-30T10:00+24:00", "2025-11-30Z",
    "2025/11/30", "30-11-2025", "yesterday", "-2025", "+2025", "2025-11-30T10:00ZZ",
    "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95", /* full-width digits */
};

static void
parse_user_should_refuse_other_forms_and_impossible_dates(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof parse_bad_cases / sizeof parse_bad_cases[0]; i++) {
        int64_t start = 7, end = 7;
        if (arc_time_parse_user(parse_bad_cases[i], &start, &end) != ARC_E_PARSE)
            fail_msg("<%s> was accepted", parse_bad_cases[i]);
        assert_int_equal(start, 0);
        assert_int_equal(end, 0);
    }
    assert_int_equal(arc_time_parse_user(NULL, NULL, NULL), ARC_E_PARSE);
    assert_int_equal(arc_time_parse_user("2025", NULL, NULL), ARC_OK);
}

static const struct {
    int64_t t;
    const char *text;
} format_cases[] = {
    { 0, "1970-01-01T00:00:00Z" },
    { 1764497107, "2025-11-30T10:05:07Z" },
    { -1, "1969-12-31T23:59:59Z" },
    { 951782400, "2000-02-29T00:00:00Z" },
    { -719528LL * 86400, "0000-01-01T00:00:00Z" },
    { 2932897LL * 86400 - 1, "9999-12-31T23:59:59Z" },
    { ARC_TIME_NONE, "" },
};

static void
format_should_write_iso8601_utc(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
        char buf[21];
        memset(buf, 'x', sizeof buf);
        assert_ptr_equal(arc_time_format(format_cases[i].t, buf, sizeof buf), buf);
        assert_string_equal(buf, format_cases[i].text);
    }
}

static void
format_should_round_trip_through_parse_user(void **state)
{
    (void) state;
    for (int64_t t = -4000000000LL; t < 4000000000LL; t += 7777777) {
        char buf[32];
        int64_t start, end;
        arc_time_format(t, buf, sizeof buf);
        assert_int_equal(arc_time_parse_user(buf, &start, &end), ARC_OK);
        assert_int_equal(start, t);
        assert_int_equal(end, t + 1);
    }
}

static void
format_should_truncate_to_small_buffers_and_survive_extremes(void **state)
{
    char small[11];
    char buf[64];
    (void) state;
    assert_string_equal(arc_time_format(0, small, sizeof small), "1970-01-01");
    assert_null(arc_time_format(0, NULL, 0));
    /* extreme values must not crash or overflow */
    arc_time_format(INT64_MAX, buf, sizeof buf);
    assert_true(strlen(buf) > 0);
    arc_time_format(INT64_MIN + 1, buf, sizeof buf);
    assert_true(strlen(buf) > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(days_from_civil_should_match_known_dates),
        cmocka_unit_test(civil_conversion_should_round_trip_for_years_0_to_9999),
        cmocka_unit_test(civil_from_days_should_accept_null_outputs),
        cmocka_unit_test(parse_user_should_give_first_second_and_end_of_period),
        cmocka_unit_test(parse_user_should_refuse_other_forms_and_impossible_dates),
        cmocka_unit_test(format_should_write_iso8601_utc),
        cmocka_unit_test(format_should_round_trip_through_parse_user),
        cmocka_unit_test(format_should_truncate_to_small_buffers_and_survive_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
