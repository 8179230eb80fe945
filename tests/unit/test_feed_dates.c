/*
 * test_feed_dates.c - idx_date_parse: RFC 822/1123, RFC 3339/ISO 8601 and
 * lenient forms to UTC seconds; invalid and hostile input refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"

/* 2025-12-02T14:05:00Z and 2025-12-02T00:00:00Z */
#define T0 INT64_C(1764684300)
#define D0 INT64_C(1764633600)

typedef struct date_case {
    const char *input;
    int64_t expect;
} date_case_t;

static const date_case_t valid_dates[] = {
    /* ISO 8601:1988 two-digit years and ordinal dates */
    {"251202", D0},
    {"25-12-02", D0},
    {"2025-336", D0},
    {"2025336", D0},
    /* Korean forms: 년 월 일, 오전/오후, Korea's time */
    {"2025\xeb\x85\x84 12\xec\x9b\x94 02\xec\x9d\xbc 23:05:00", T0},
    {"2025-12-02 \xec\x98\xa4\xed\x9b\x84 11:05:00", T0},
    {"2025-12-03 \xec\x98\xa4\xec\xa0\x84 11:05:00", T0 + 12 * 3600},
    /* month and weekday names in other languages */
    {"\xce\xa4\xcf\x81\xce\xb9, 02 \xce\x94\xce\xb5\xce\xba 2025 14:05:00 GMT",
     T0},                                         /* Greek */
    {"2025-december-02T14:05:00Z", T0},           /* Hungarian, as ISO */
    {"2025-j\xc3\xbalius-13T9:15-05:00", INT64_C(1752416100)},
    {"mardi 2 d\xc3\xa9" "cembre 2025 14:05:00 GMT", T0}, /* French */
    {"Dienstag, 2 Dezember 2025 14:05 GMT", T0},  /* German */
    {"2 diciembre 2025 14:05:00 +0000", T0},      /* Spanish */
    /* RFC 822 / 1123 with every zone form */
    {"Tue, 02 Dec 2025 14:05:00 GMT", T0},
    {"Tue, 02 Dec 2025 14:05:00 UT", T0},
    {"Tue, 02 Dec 2025 14:05:00 UTC", T0},
    {"Tue, 02 Dec 2025 14:05:00 Z", T0},
    {"Tue, 02 Dec 2025 09:05:00 EST", T0},
    {"Tue, 02 Dec 2025 10:05:00 EDT", T0},
    {"Tue, 02 Dec 2025 08:05:00 CST", T0},
    {"Tue, 02 Dec 2025 09:05:00 CDT", T0},
    {"Tue, 02 Dec 2025 07:05:00 MST", T0},
    {"Tue, 02 Dec 2025 08:05:00 MDT", T0},
    {"Tue, 02 Dec 2025 06:05:00 PST", T0},
    {"Tue, 02 Dec 2025 07:05:00 PDT", T0},
    {"Tue, 02 Dec 2025 13:05:00 A", T0},   /* military: UT-1 */
    {"Tue, 02 Dec 2025 02:05:00 M", T0},   /* military: UT-12 */
    {"Tue, 02 Dec 2025 15:05:00 N", T0},   /* military: UT+1 */
    {"Tue, 02 Dec 2025 15:05:00 +0100", T0},
    {"Tue, 02 Dec 2025 09:05:00 -05:00", T0},
    {"Tue, 02 Dec 2025 14:05:00 -0000", T0},
    {"Tue, 02 Dec 2025 16:05:00 GMT+2", T0},
    {"Tue, 02 Dec 2025 06:05:00 -0800 (PST)", T0},
    {"Tue, 02 Dec 2025 14:05:00", T0},     /* no zone: UTC */
    {"02 Dec 2025 14:05:00 GMT", T0},      /* no weekday */
    {"Tue, 02 Dec 25 14:05:00 GMT", T0},   /* two-digit year */
    {"Tue, 02 Dec 2025 14:05 GMT", T0},    /* no seconds */
    {"Tue,  2 Dec 2025 14:05:00 GMT", T0}, /* padded day */
    {"tue, 02 DEC 2025 14:05:00 gmt", T0}, /* any case */
    {"Thu, 01 Jan 04 19:48:21 GMT", INT64_C(1072986501)},
    /* RFC 3339 / ISO 8601 */
    {"2025-12-02T14:05:00Z", T0},
    {"2025-12-02t14:05:00z", T0},
    {"2025-12-02T14:05:00.123456Z", T0},
    {"2025-12-02T14:05:00,5Z", T0},
    {"2025-12-02T15:05:00+01:00", T0},
    {"2025-12-02T09:05:00-0500", T0},
    {"2025-12-02T19:35:00+05:30", T0},
    {"2025-12-02T14:05Z", T0},
    {"2025-12-02", D0},
    {"2025-12-02 14:05:00", T0},
    {"2025-12-02 14:05:00 +00:00", T0},
    {"20251202T140500Z", T0},
    {"2004-07-08 23:56:58 -00:20", INT64_C(1089332218)},
    {"2025-12", INT64_C(1764547200)},
    /* lenient forms */
    {"02 Dec 2025", D0},
    {"2 December 2025", D0},
    {"December 2, 2025 9:05 AM EST", T0},
    {"December 2, 2025 2:05 PM", T0},
    {"December 2, 2025 at 2:05 p.m.", T0},
    {"Dec. 2, 2025", D0},
    {"Tuesday, December 2, 2025", D0},
    {"2nd December 2025", D0},
    {"02-Dec-2025", D0},
    {"Sun Jan  4 16:29:06 2004", INT64_C(1073233746)},      /* asctime */
    {"Fri, 2006/09/15 08:19:53 EDT", INT64_C(1158322793)},
    /* calendar edges */
    {"Thu, 29 Feb 2024 00:00:00 GMT", INT64_C(1709164800)},
    {"2000-02-29", INT64_C(951782400)},
    {"1999-12-31T23:59:59Z", INT64_C(946684799)},
    {"1970-01-01T00:00:00Z", 0},
    {"1969-12-31T23:59:59Z", -1},
    {"2016-12-31T23:59:60Z", INT64_C(1483228799)}, /* leap second kept in its minute */
};

static const char *const invalid_dates[] = {
    "22013",                         /* five digits: not a date we read */
    "2025-367",                      /* no 367th day */
    "2025\xeb\x85\x84 13\xec\x9b\x94 02\xec\x9d\xbc",   /* month 13 */
    "2025-12-02 \xec\x98\xa4\xed\x9b\x84",  /* p.m. without a time */
    "mardimanche 2 Dec 2025",        /* a name only counts as a word */
    "",
    "   ",
    "not a date",
    "Tue, 30 Feb 2025 10:00:00 GMT",  /* no Feb 30 */
    "2023-02-29",                     /* not a leap year */
    "1900-02-29",                     /* century rule */
    "2025-13-01",
    "2025-00-10",
    "2025-12-32",
    "2025-12-00",
    "2025-12-02T24:00:00Z",
    "2025-12-02T10:60:00Z",
    "2025-12-02T10:14:61Z",
    "2025-12-02T14:05:00+25:00",
    "2025-12-02T14:05:00+00:xx",
    "2025-12-02T14:05:00Zextra",
    "2013-01-27-01",
    "Tue, 02 Foo 2025 14:05:00 GMT",  /* unknown month */
    "Tue, 02 Dec 2025 14:05:00 XYZ",  /* unknown zone */
    "Sun, 16 Dec 2012 1:2:3:4 GMT",
    "Sun, 99 Jun 2009 12:00:00 GMT",
    "Dec 2025",                       /* no day */
    "14:05:00 GMT",                   /* no date */
    "December 2, 2025 13:05 PM",      /* PM after 12 */
    "99999999999999999999999999",
    "2025-12-02T99999999999999999999:00Z",
    "-12-02",
};

static void dates_should_parse_valid_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid_dates / sizeof valid_dates[0]; i++) {
        int64_t got = 12345;
        int rc = idx_date_parse(valid_dates[i].input, &got);
        if (rc != 0 || got != valid_dates[i].expect)
            print_error("case %zu \"%s\": rc=%d got %lld want %lld\n", i,
                        valid_dates[i].input, rc, (long long)got,
                        (long long)valid_dates[i].expect);
        assert_int_equal(rc, 0);
        assert_true(got == valid_dates[i].expect);
    }
}

static void dates_should_refuse_invalid_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid_dates / sizeof invalid_dates[0];
         i++) {
        int64_t got = 0;
        int rc = idx_date_parse(invalid_dates[i], &got);
        if (rc != -1)
            print_error("case %zu \"%s\" parsed as %lld\n", i,
                        invalid_dates[i], (long long)got);
        assert_int_equal(rc, -1);
    }
}

static void dates_should_refuse_null_arguments(void **state)
{
    int64_t t;
    (void)state;
    assert_int_equal(idx_date_parse(NULL, &t), -1);
    assert_int_equal(idx_date_parse("2025-12-02", NULL), -1);
}

/* Hostile input: long runs of digits and letters, strings ending exactly at
 * the end of their allocation (the sanitizer catches any over-read). */
static void dates_should_survive_hostile_input(void **state)
{
    static const char fill[] = {'9', 'a', ':', '+', ' ', '-', 'T'};
    (void)state;
    for (size_t f = 0; f < sizeof fill; f++) {
        for (size_t n = 1; n < 300; n += 37) {
            char *s = malloc(n + 1);
            int64_t t;
            assert_non_null(s);
            memset(s, fill[f], n);
            s[n] = '\0';
            assert_int_equal(idx_date_parse(s, &t), -1);
            free(s);
        }
    }
    /* every prefix of valid dates, each in an exact-size buffer */
    for (size_t i = 0; i < sizeof valid_dates / sizeof valid_dates[0]; i++) {
        size_t len = strlen(valid_dates[i].input);
        for (size_t n = 0; n <= len; n++) {
            char *s = malloc(n + 1);
            int64_t t;
            assert_non_null(s);
            memcpy(s, valid_dates[i].input, n);
            s[n] = '\0';
            (void)idx_date_parse(s, &t);
            free(s);
        }
    }
}

static void dates_should_refuse_overlong_strings(void **state)
{
    char buf[400];
    int64_t t;
    (void)state;
    memset(buf, ' ', sizeof buf);
    memcpy(buf + 250, "2025-12-02", 10);
    buf[sizeof buf - 1] = '\0';
    assert_int_equal(idx_date_parse(buf, &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_should_parse_valid_forms),
        cmocka_unit_test(dates_should_refuse_invalid_forms),
        cmocka_unit_test(dates_should_refuse_null_arguments),
        cmocka_unit_test(dates_should_survive_hostile_input),
        cmocka_unit_test(dates_should_refuse_overlong_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
