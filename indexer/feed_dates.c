/*
 * feed_dates.c - idx_date_parse: the dates feeds write, to UTC seconds.
 *
 * Two paths. Strings that start like ISO 8601 (YYYY-MM..., YYYYMMDDThh...)
 * are read strictly as RFC 3339 / ISO 8601. Everything else goes through a
 * token reader that accepts RFC 822/1123 and the lenient English forms
 * ("December 2, 2025 2:05 PM EST", "Tue Dec  2 14:05:00 2025"): weekday
 * names are skipped, month names, day, year, time, AM/PM and a zone are
 * picked up in any sensible order, and any unknown word fails the parse.
 *
 * Pure computation: no locale, no mktime/timegm, no time zone database.
 * The input is never read past its NUL or past IDX_DATE_MAX_LEN bytes.
 */
#include "feed.h"

#include <stdint.h>
#include <string.h>

/* Longer strings are not dates; refusing them bounds all the work. */
#define IDX_DATE_MAX_LEN 200

typedef struct date_fields {
    int year, month, day, hour, minute, second;
    int have_year, have_month, have_day, have_time, have_zone;
    int two_digit_year;
    int meridiem;     /* 0 none, 1 am, 2 pm */
    int zone_minutes; /* east of UTC */
} date_fields_t;

/* ---- calendar arithmetic ---------------------------------------------- */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
 * Years are counted from March so the leap day is the last day of the
 * shifted year; eras of 400 years (146097 days) repeat exactly. */
static int64_t days_from_civil(int y, int m, int d)
{
    int64_t year = (int64_t)y - (m <= 2 ? 1 : 0);
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;                     /* 0..399 */
    int64_t month_from_march = (m + 9) % 12;                    /* Mar = 0 */
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
                         year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int finish(date_fields_t *f, int64_t *utc)
{
    if (f->two_digit_year)
        f->year += f->year < 50 ? 2000 : 1900;
    if (f->meridiem) {
        if (f->hour < 1 || f->hour > 12)
            return -1;
        if (f->meridiem == 1 && f->hour == 12)
            f->hour = 0;
        else if (f->meridiem == 2 && f->hour != 12)
            f->hour += 12;
    }
    if (f->year < 1 || f->year > 9999 || f->month < 1 || f->month > 12 ||
        f->day < 1 || f->day > days_in_month(f->year, f->month) ||
        f->hour < 0 || f->hour > 23 || f->minute < 0 || f->minute > 59 ||
        f->second < 0 || f->second > 60)
        return -1;
    if (f->second == 60) /* a leap second: keep it inside its minute */
        f->second = 59;
    *utc = days_from_civil(f->year, f->month, f->day) * 86400 +
           (int64_t)f->hour * 3600 + (int64_t)f->minute * 60 + f->second -
           (int64_t)f->zone_minutes * 60;
    return 0;
}

/* ---- small scanners over s[0..n) ---------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Read exactly `count` digits at *i into *v. */
static int read_fixed(const char *s, size_t n, size_t *i, int count, int *v)
{
    int x = 0;
    for (int k = 0; k < count; k++) {
        if (*i >= n || !is_digit(s[*i]))
            return -1;
        x = x * 10 + (s[*i] - '0');
        (*i)++;
    }
    *v = x;
    return 0;
}

/* Read 1..max digits at *i; returns the count read (0 when none). */
static int read_upto(const char *s, size_t n, size_t *i, int max, int *v)
{
    int x = 0, k = 0;
    while (k < max && *i < n && is_digit(s[*i])) {
        x = x * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *v = x;
    return k;
}

static size_t count_digits(const char *s, size_t n, size_t i)
{
    size_t k = 0;
    while (i + k < n && is_digit(s[i + k]))
        k++;
    return k;
}

/* A numeric offset after '+' or '-' at s[*i]: hh, hhmm or hh:mm. */
static int read_offset(const char *s, size_t n, size_t *i, int *minutes)
{
    int sign = s[*i] == '-' ? -1 : 1, h = 0, m = 0;
    size_t nd;

    (*i)++;
    nd = count_digits(s, n, *i);
    if (nd == 4) {
        read_fixed(s, n, i, 2, &h);
        read_fixed(s, n, i, 2, &m);
    } else if (nd == 2 || nd == 1) {
        read_fixed(s, n, i, (int)nd, &h);
        if (*i < n && s[*i] == ':') {
            (*i)++;
            if (read_fixed(s, n, i, 2, &m) != 0)
                return -1;
            if (*i < n && is_digit(s[*i]))
                return -1;
        }
    } else {
        return -1;
    }
    if (h > 23 || m > 59)
        return -1;
    *minutes = sign * (h * 60 + m);
    return 0;
}

/* ---- names --------------------------------------------------------------- */

typedef struct named_value {
    const char *name;
    int value;
} named_value_t;

static const named_value_t month_names[] = {
    {"jan", 1},  {"january", 1},  {"feb", 2},  {"february", 2},
    {"mar", 3},  {"march", 3},    {"apr", 4},  {"april", 4},
    {"may", 5},  {"jun", 6},      {"june", 6}, {"jul", 7},
    {"july", 7}, {"aug", 8},      {"august", 8}, {"sep", 9},
    {"sept", 9}, {"september", 9}, {"oct", 10}, {"october", 10},
    {"nov", 11}, {"november", 11}, {"dec", 12}, {"december", 12},
};

static const char *const weekday_names[] = {
    "mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday",
    "thu", "thur", "thurs", "thursday", "fri", "friday", "sat", "saturday",
    "sun", "sunday",
};

/* Zone abbreviations with their offset east of UTC in minutes. Only the
 * unambiguous, commonly seen ones; "IST" or "BST" style clashes are left
 * out except BST, which feeds use for British Summer Time. */
static const named_value_t zone_names[] = {
    {"gmt", 0},     {"ut", 0},      {"utc", 0},     {"z", 0},
    {"wet", 0},     {"west", 60},   {"bst", 60},    {"cet", 60},
    {"cest", 120},  {"met", 60},    {"mest", 120},  {"eet", 120},
    {"eest", 180},  {"msk", 180},   {"est", -300},  {"edt", -240},
    {"cst", -360},  {"cdt", -300},  {"mst", -420},  {"mdt", -360},
    {"pst", -480},  {"pdt", -420},  {"ast", -240},  {"adt", -180},
    {"akst", -540}, {"akdt", -480}, {"hst", -600},  {"at", -240},
    {"et", -300},   {"ct", -360},   {"mt", -420},   {"pt", -480},
    {"jst", 540},   {"kst", 540},   {"awst", 480},  {"acst", 570},
    {"aest", 600},  {"aedt", 660},  {"nzst", 720},  {"nzdt", 780},
};

static int lookup(const named_value_t *t, size_t count, const char *w,
                  int *v)
{
    for (size_t k = 0; k < count; k++) {
        if (strcmp(t[k].name, w) == 0) {
            *v = t[k].value;
            return 1;
        }
    }
    return 0;
}

static int is_weekday(const char *w)
{
    for (size_t k = 0; k < sizeof weekday_names / sizeof weekday_names[0];
         k++)
        if (strcmp(weekday_names[k], w) == 0)
            return 1;
    return 0;
}

/* RFC 822 military zones: A..M (no J) are UT-1..UT-12, N..Y UT+1..UT+12. */
static int military_zone(char c, int *minutes)
{
    if (c >= 'a' && c <= 'i')
        *minutes = -60 * (c - 'a' + 1);
    else if (c >= 'k' && c <= 'm')
        *minutes = -60 * (c - 'a');
    else if (c >= 'n' && c <= 'y')
        *minutes = 60 * (c - 'n' + 1);
    else if (c == 'z')
        *minutes = 0;
    else
        return 0;
    return 1;
}

/* A zone word, optionally followed by an offset ("GMT+2", "UTC-05:00"). */
static int zone_word(const char *w, const char *s, size_t n, size_t *i,
                     date_fields_t *f)
{
    int minutes, extra;

    if (f->have_zone)
        return -1;
    if (lookup(zone_names, sizeof zone_names / sizeof zone_names[0], w,
               &minutes)) {
        if ((strcmp(w, "gmt") == 0 || strcmp(w, "utc") == 0 ||
             strcmp(w, "ut") == 0) &&
            *i < n && (s[*i] == '+' || s[*i] == '-')) {
            if (read_offset(s, n, i, &extra) != 0)
                return -1;
            minutes += extra;
        }
    } else if (w[1] == '\0' && military_zone(w[0], &minutes)) {
        /* single letter */
    } else {
        return -1;
    }
    f->zone_minutes = minutes;
    f->have_zone = 1;
    return 0;
}

/* ---- ISO 8601 / RFC 3339 ----------------------------------------------- */

static int looks_iso(const char *s, size_t n)
{
    size_t nd = count_digits(s, n, 0);
    if (nd == 4 && (n == 4 || s[4] == '-'))
        return 1;
    if (nd == 8 && (n == 8 || s[8] == 'T' || s[8] == 't'))
        return 1;
    return 0;
}

static int parse_iso(const char *s, size_t n, int64_t *utc)
{
    date_fields_t f = {0};
    size_t i = 0;
    int basic = count_digits(s, n, 0) == 8;

    f.month = 1;
    f.day = 1;
    read_fixed(s, n, &i, 4, &f.year);
    if (basic) {
        read_fixed(s, n, &i, 2, &f.month);
        read_fixed(s, n, &i, 2, &f.day);
    } else if (i < n && s[i] == '-') {
        i++;
        if (read_fixed(s, n, &i, 2, &f.month) != 0)
            return -1;
        if (i < n && s[i] == '-') {
            i++;
            if (read_fixed(s, n, &i, 2, &f.day) != 0)
                return -1;
        }
    }
    if (i < n && is_digit(s[i]))
        return -1;
    if (i < n && (s[i] == 'T' || s[i] == 't' ||
                  (s[i] == ' ' && i + 1 < n && is_digit(s[i + 1])))) {
        i++;
        if (basic && count_digits(s, n, i) >= 4) {
            read_fixed(s, n, &i, 2, &f.hour);
            read_fixed(s, n, &i, 2, &f.minute);
            if (count_digits(s, n, i) >= 2)
                read_fixed(s, n, &i, 2, &f.second);
        } else {
            if (read_upto(s, n, &i, 2, &f.hour) == 0)
                return -1;
            if (i >= n || s[i] != ':')
                return -1;
            i++;
            if (read_fixed(s, n, &i, 2, &f.minute) != 0)
                return -1;
            if (i < n && s[i] == ':') {
                i++;
                if (read_fixed(s, n, &i, 2, &f.second) != 0)
                    return -1;
            }
        }
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            i++;
            if (count_digits(s, n, i) == 0)
                return -1;
            i += count_digits(s, n, i);
        }
        if (i < n && is_digit(s[i]))
            return -1;
        while (i < n && s[i] == ' ')
            i++;
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            if (read_offset(s, n, &i, &f.zone_minutes) != 0)
                return -1;
        } else if (i < n && is_alpha(s[i])) {
            char w[8];
            size_t k = 0;
            while (i < n && is_alpha(s[i]) && k + 1 < sizeof w)
                w[k++] = (char)(s[i++] | 0x20);
            w[k] = '\0';
            if (i < n && is_alpha(s[i]))
                return -1;
            if (zone_word(w, s, n, &i, &f) != 0)
                return -1;
        }
    }
    while (i < n && is_space(s[i]))
        i++;
    if (i != n)
        return -1;
    return finish(&f, utc);
}

/* ---- RFC 822 and lenient forms --------------------------------------- */

static int lenient_number(const char *s, size_t n, size_t *i,
                          date_fields_t *f)
{
    size_t nd = count_digits(s, n, *i);
    int v = 0;

    if (nd > 4)
        return -1;
    if (*i + nd < n && s[*i + nd] == ':') {
        /* h:mm[:ss[.fraction]] */
        if (f->have_time || nd > 2)
            return -1;
        read_fixed(s, n, i, (int)nd, &f->hour);
        (*i)++;
        if (count_digits(s, n, *i) != 2)
            return -1;
        read_fixed(s, n, i, 2, &f->minute);
        if (*i < n && s[*i] == ':') {
            (*i)++;
            if (count_digits(s, n, *i) != 2)
                return -1;
            read_fixed(s, n, i, 2, &f->second);
            if (*i < n && s[*i] == '.' && *i + 1 < n && is_digit(s[*i + 1])) {
                (*i)++;
                *i += count_digits(s, n, *i);
            }
        }
        if (*i < n && (s[*i] == ':' || is_digit(s[*i])))
            return -1;
        f->have_time = 1;
        return 0;
    }
    if (*i + nd < n && s[*i + nd] == '/') {
        /* yyyy/mm/dd */
        if (nd != 4 || f->have_year || f->have_month || f->have_day)
            return -1;
        read_fixed(s, n, i, 4, &f->year);
        (*i)++;
        if (read_upto(s, n, i, 2, &f->month) == 0 || *i >= n || s[*i] != '/')
            return -1;
        (*i)++;
        if (read_upto(s, n, i, 2, &f->day) == 0)
            return -1;
        if (*i < n && is_digit(s[*i]))
            return -1;
        f->have_year = f->have_month = f->have_day = 1;
        return 0;
    }
    read_fixed(s, n, i, (int)nd, &v);
    /* ordinal suffix: 1st 2nd 3rd 4th */
    if (*i + 1 < n && is_alpha(s[*i]) && is_alpha(s[*i + 1]) &&
        (*i + 2 >= n || !is_alpha(s[*i + 2]))) {
        char a = (char)(s[*i] | 0x20), b = (char)(s[*i + 1] | 0x20);
        if ((a == 's' && b == 't') || (a == 'n' && b == 'd') ||
            (a == 'r' && b == 'd') || (a == 't' && b == 'h')) {
            if (nd > 2 || f->have_day)
                return -1;
            *i += 2;
            f->day = v;
            f->have_day = 1;
            return 0;
        }
    }
    if (nd == 4 || nd == 3) {
        if (f->have_year || nd == 3)
            return -1;
        f->year = v;
        f->have_year = 1;
    } else if (!f->have_day) {
        f->day = v;
        f->have_day = 1;
    } else if (!f->have_year) {
        f->year = v;
        f->have_year = 1;
        f->two_digit_year = 1;
    } else {
        return -1;
    }
    return 0;
}

static int lenient_word(const char *s, size_t n, size_t *i, date_fields_t *f)
{
    char w[16];
    size_t k = 0;
    int v;

    while (*i < n && is_alpha(s[*i])) {
        if (k + 1 >= sizeof w)
            return -1;
        w[k++] = (char)(s[*i] | 0x20);
        (*i)++;
    }
    w[k] = '\0';
    /* "a.m." / "p.m." */
    if (k == 1 && (w[0] == 'a' || w[0] == 'p') && *i + 2 < n &&
        s[*i] == '.' && (s[*i + 1] | 0x20) == 'm' && s[*i + 2] == '.') {
        *i += 3;
        if (f->meridiem || !f->have_time)
            return -1;
        f->meridiem = w[0] == 'a' ? 1 : 2;
        return 0;
    }
    if (*i < n && s[*i] == '.') /* "Dec." "Tue." */
        (*i)++;
    if (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0) {
        if (f->meridiem || !f->have_time)
            return -1;
        f->meridiem = w[0] == 'a' ? 1 : 2;
        return 0;
    }
    if (is_weekday(w) || (strcmp(w, "at") == 0 && !f->have_time))
        return 0;
    if (lookup(month_names, sizeof month_names / sizeof month_names[0], w,
               &v)) {
        if (f->have_month)
            return -1;
        f->month = v;
        f->have_month = 1;
        return 0;
    }
    if (strcmp(w, "etc") == 0 && *i < n && s[*i] == '/') { /* Etc/GMT */
        (*i)++;
        return 0;
    }
    return zone_word(w, s, n, i, f);
}

static int parse_lenient(const char *s, size_t n, int64_t *utc)
{
    date_fields_t f = {0};
    size_t i = 0;

    while (i < n) {
        char c = s[i];
        if (is_space(c) || c == ',') {
            i++;
        } else if (c == '(') { /* "(PST)" comments after the zone */
            while (i < n && s[i] != ')')
                i++;
            if (i == n)
                return -1;
            i++;
        } else if (is_digit(c)) {
            if (lenient_number(s, n, &i, &f) != 0)
                return -1;
        } else if (is_alpha(c)) {
            if (lenient_word(s, n, &i, &f) != 0)
                return -1;
        } else if ((c == '+' || c == '-') && i + 1 < n && is_digit(s[i + 1]) &&
                   f.have_time) {
            if (f.have_zone)
                return -1;
            if (read_offset(s, n, &i, &f.zone_minutes) != 0)
                return -1;
            f.have_zone = 1;
        } else if (c == '-' && f.have_day && !f.have_time) {
            i++; /* "02-Dec-2025" */
        } else {
            return -1;
        }
    }
    if (!f.have_year || !f.have_month || !f.have_day)
        return -1;
    if (f.meridiem && !f.have_time)
        return -1;
    return finish(&f, utc);
}

int idx_date_parse(const char *s, int64_t *utc)
{
    size_t n;

    if (s == NULL || utc == NULL)
        return -1;
    n = strnlen(s, IDX_DATE_MAX_LEN + 1);
    if (n > IDX_DATE_MAX_LEN)
        return -1;
    while (n > 0 && is_space(s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    if (n == 0)
        return -1;
    if (looks_iso(s, n))
        return parse_iso(s, n, utc);
    return parse_lenient(s, n, utc);
}
