/*
 * time.c - calendar arithmetic and the date forms users type.
 *
 * All times are UTC seconds since 1970-01-01 (int64_t). The calendar is
 * the proleptic Gregorian one. Day numbers are computed from a calendar
 * whose years start on 1 March, so that the leap day is the last day of
 * its year and every month's first day follows from a linear formula; the
 * 400-year cycle (146097 days) makes the arithmetic exact for any year.
 */
#include <stdio.h>
#include <string.h>

#include "newsarc.h"

#define SECONDS_PER_DAY 86400
#define DAYS_PER_ERA 146097     /* days in 400 Gregorian years */
#define DAYS_0000_03_01_TO_1970 719468

/* Floor division of a by the positive b. */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b < 0)
        q--;
    return q;
}

/* Day number since 1970-01-01 of year/month/day, for any int64 year. */
static int64_t
days_from_civil64(int64_t year, int64_t month, int64_t day)
{
    /* Shift to years starting in March: January and February belong to
     * the previous year, counted as months 10 and 11. */
    int64_t march_year = month <= 2 ? year - 1 : year;
    int64_t month_from_march = month <= 2 ? month + 9 : month - 3;
    int64_t era = floor_div(march_year, 400);
    int64_t year_of_era = march_year - era * 400;           /* 0..399 */
    /* Days from 1 March to the first of the month: the month lengths
     * 31 30 31 30 31 31 30 31 30 31 31 (29) follow (153*m + 2) / 5. */
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4
                         - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_1970;
}

/* The civil date of a day number, for any int64 day number. */
static void
civil_from_days64(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t since_epoch = days + DAYS_0000_03_01_TO_1970;
    int64_t era = floor_div(since_epoch, DAYS_PER_ERA);
    int64_t day_of_era = since_epoch - era * DAYS_PER_ERA;  /* 0..146096 */
    /* Years of the era: remove the leap days (one per 4 years, none per
     * 100, one per 400) before dividing by 365. */
    int64_t year_of_era = (day_of_era - day_of_era / 1460
                           + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4
                                        - year_of_era / 100);     /* 0..365 */
    int64_t month_from_march = (5 * day_of_year + 2) / 153;      /* 0..11 */
    int64_t d = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    int64_t m = month_from_march < 10 ? month_from_march + 3
                                      : month_from_march - 9;
    *year = year_of_era + era * 400 + (m <= 2 ? 1 : 0);
    *month = (int) m;
    *day = (int) d;
}

/* Contract in newsarc.h: days since 1970-01-01 of a proleptic Gregorian
 * date; the caller passes a valid date (month 1..12, day 1..31). */
int64_t
arc_days_from_civil(int y, int m, int d)
{
    return days_from_civil64(y, m, d);
}

/* Contract in newsarc.h: the civil date of a day number. Each OUT pointer
 * may be NULL. Years outside the range of int are clamped. */
void
arc_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t year;
    int month, day;

    civil_from_days64(days, &year, &month, &day);
    if (year > INT32_MAX)
        year = INT32_MAX;
    if (year < INT32_MIN)
        year = INT32_MIN;
    if (y)
        *y = (int) year;
    if (m)
        *m = month;
    if (d)
        *d = day;
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Read exactly n ASCII digits at *p into *out and advance; 0 when the
 * digits are not there. */
static int
read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

/*
 * Contract in newsarc.h. The accepted forms, and the period each names:
 *   YYYY                  the year
 *   YYYY-MM               the month
 *   YYYY-MM-DD            the day
 *   YYYY-MM-DDTHH:MM      the minute      ('T' or one space between)
 *   YYYY-MM-DDTHH:MM:SS   the second
 * A time may end in 'Z' or an offset +HH:MM / -HH:MM (local time = UTC +
 * offset); without one it is UTC. Nothing else is accepted: no
 * surrounding spaces, no impossible dates, hours 00-23, seconds 00-59.
 * On failure *start and *end are set to 0. Either OUT pointer may be NULL.
 */
arc_status_t
arc_time_parse_user(const char *s, int64_t *start, int64_t *end)
{
    const char *p = s;
    int year, month = 1, day = 1, hour = 0, minute = 0, second = 0;
    int64_t period;         /* length of the named period in seconds */
    int64_t first, offset = 0;

    if (start)
        *start = 0;
    if (end)
        *end = 0;
    if (!s || !read_digits(&p, 4, &year))
        return ARC_E_PARSE;
    if (*p == '\0') {
        first = days_from_civil64(year, 1, 1) * SECONDS_PER_DAY;
        period = days_from_civil64(year + 1, 1, 1) * SECONDS_PER_DAY - first;
        goto done;
    }
    if (*p++ != '-' || !read_digits(&p, 2, &month) || month < 1 || month > 12)
        return ARC_E_PARSE;
    if (*p == '\0') {
        first = days_from_civil64(year, month, 1) * SECONDS_PER_DAY;
        period = (int64_t) days_in_month(year, month) * SECONDS_PER_DAY;
        goto done;
    }
    if (*p++ != '-' || !read_digits(&p, 2, &day) || day < 1
        || day > days_in_month(year, month))
        return ARC_E_PARSE;
    if (*p == '\0') {
        first = days_from_civil64(year, month, day) * SECONDS_PER_DAY;
        period = SECONDS_PER_DAY;
        goto done;
    }
    if (*p != 'T' && *p != ' ')
        return ARC_E_PARSE;
    p++;
    if (!read_digits(&p, 2, &hour) || hour > 23 || *p++ != ':'
        || !read_digits(&p, 2, &minute) || minute > 59)
        return ARC_E_PARSE;
    period = 60;
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &second) || second > 59)
            return ARC_E_PARSE;
        period = 1;
    }
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (!read_digits(&p, 2, &oh) || oh > 23 || *p++ != ':'
            || !read_digits(&p, 2, &om) || om > 59)
            return ARC_E_PARSE;
        offset = sign * (int64_t) (oh * 3600 + om * 60);
    }
    if (*p != '\0')
        return ARC_E_PARSE;
    first = days_from_civil64(year, month, day) * SECONDS_PER_DAY
            + hour * 3600 + minute * 60 + second - offset;
done:
    if (start)
        *start = first;
    if (end)
        *end = first + period;
    return ARC_OK;
}

/* Contract in newsarc.h: "YYYY-MM-DDTHH:MM:SSZ" (20 characters) into buf
 * of n bytes, truncated to fit when n < 21; "" for ARC_TIME_NONE. Returns
 * buf (NULL or n == 0 writes nothing). */
char *
arc_time_format(int64_t t, char *buf, size_t n)
{
    int64_t days, secs, year;
    int month, day;

    if (!buf || n == 0)
        return buf;
    if (t == ARC_TIME_NONE) {
        buf[0] = '\0';
        return buf;
    }
    days = floor_div(t, SECONDS_PER_DAY);
    secs = t % SECONDS_PER_DAY;     /* not t - days * 86400: that overflows */
    if (secs < 0)
        secs += SECONDS_PER_DAY;
    civil_from_days64(days, &year, &month, &day);
    snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long) year,
             month, day, (int) (secs / 3600), (int) (secs / 60 % 60),
             (int) (secs % 60));
    return buf;
}
