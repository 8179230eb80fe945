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
#include <stdio.h>
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

/* The count digits of d from `from` as a number (d holds digits only). */
static int num_at(const char *d, size_t from, size_t count)
{
    int v = 0;
    for (size_t k = 0; k < count; k++)
        v = v * 10 + (d[from + k] - '0');
    return v;
}
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

/* ---- ISO 8601 reduced and ordinal dates ------------------------------- *
 * The 1988 edition's forms some feeds still write: "YYMMDD", "YY-MM-DD"
 * (a two-digit year) and ordinal dates "YYYYDDD", "YYYY-DDD". Date only.
 * Its truncated forms without a year ("-YYMM", "--MMDD") and the
 * two-digit ordinal "YYDDD" are refused: five digits or a leading
 * hyphen in a date field are more often damage than a date. */

static int is_digits_and_hyphens(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]) && s[i] != '-')
            return 0;
    return n > 0;
}

/* Day-of-year to month and day. */
static int from_ordinal(date_fields_t *f, int yday)
{
    int y = f->two_digit_year ? f->year + (f->year < 50 ? 2000 : 1900) : f->year;

    if (yday < 1 || yday > (is_leap(y) ? 366 : 365))
        return -1;
    f->month = 1;
    while (yday > days_in_month(y, f->month)) {
        yday -= days_in_month(y, f->month);
        f->month++;
    }
    f->day = yday;
    return 0;
}

static int parse_iso_reduced(const char *s, size_t n, int64_t *utc)
{
    date_fields_t f = {0};
    char d[8];
    size_t k = 0, hyphens = 0;
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-') {
            hyphens++;
            continue;
        }
        if (k >= sizeof d)
            return -1;
        d[k++] = s[i];
    }
#define NUM(from, count) (v = 0, num_at(d, from, count))
    f.day = 1;
    if (s[0] != '-' && k == 6 &&
        (hyphens == 0 || (n == 8 && s[2] == '-' && s[5] == '-'))) {
        f.year = NUM(0, 2); /* YYMMDD, YY-MM-DD */
        f.month = NUM(2, 2);
        f.day = NUM(4, 2);
        f.two_digit_year = 1;
    } else if (s[0] != '-' && k == 7 &&
               (hyphens == 0 || (n == 8 && s[4] == '-'))) { /* YYYY[-]DDD */
        f.year = NUM(0, 4);
        if (from_ordinal(&f, NUM(4, 3)) != 0)
            return -1;
    } else {
        return -1;
    }
#undef NUM
    (void)v;
    return finish(&f, utc);
}

/* ---- words in other languages --------------------------------------------- *
 * Month and weekday names of a few languages feeds are written in, turned
 * into the English the readers below know: a month between hyphens
 * ("2004-j\xfalius-13") becomes its number, elsewhere its English
 * abbreviation; a weekday is dropped. Matching is exact for non-ASCII
 * letters (the table holds the spellings in use) and ignores case for
 * ASCII ones; a name must stand as a whole word. */

typedef struct foreign_word {
    const char *word;
    int month; /* 1..12, or 0 for a weekday */
} foreign_word_t;

static const foreign_word_t foreign_words[] = {
    /* Greek */
    {"\xce\x99\xce\xb1\xce\xbd", 1},                        /* Ιαν */
    {"\xce\xa6\xce\xb5\xce\xb2", 2},                        /* Φεβ */
    {"\xce\x9c\xce\xac\xcf\x8e", 3},                        /* Μάώ */
    {"\xce\x9c\xce\xb1\xcf\x8e", 3},                        /* Μαώ */
    {"\xce\x9c\xce\xac\xcf\x81", 3},                        /* Μάρ */
    {"\xce\x9c\xce\xb1\xcf\x81", 3},                        /* Μαρ */
    {"\xce\x91\xcf\x80\xcf\x81", 4},                        /* Απρ */
    {"\xce\x9c\xce\xac\xce\xb9", 5},                        /* Μάι */
    {"\xce\x9c\xce\xb1\xce\xb9", 5},                        /* Μαι */
    {"\xce\x9c\xce\xb1\xce\x90", 5},                        /* Μαΐ */
    {"\xce\x99\xce\xbf\xcf\x8d\xce\xbd", 6},                /* Ιούν */
    {"\xce\x99\xce\xbf\xce\xbd", 6},                        /* Ιον */
    {"\xce\x99\xce\xbf\xcf\x8d\xce\xbb", 7},                /* Ιούλ */
    {"\xce\x99\xce\xbf\xce\xbb", 7},                        /* Ιολ */
    {"\xce\x91\xcf\x8d\xce\xb3", 8},                        /* Αύγ */
    {"\xce\x91\xcf\x85\xce\xb3", 8},                        /* Αυγ */
    {"\xce\xa3\xce\xb5\xcf\x80", 9},                        /* Σεπ */
    {"\xce\x9f\xce\xba\xcf\x84", 10},                       /* Οκτ */
    {"\xce\x9d\xce\xbf\xce\xad", 11},                       /* Νοέ */
    {"\xce\x9d\xce\xbf\xce\xb5", 11},                       /* Νοε */
    {"\xce\x94\xce\xb5\xce\xba", 12},                       /* Δεκ */
    {"\xce\x9a\xcf\x85\xcf\x81", 0},                        /* Κυρ */
    {"\xce\x94\xce\xb5\xcf\x85", 0},                        /* Δευ */
    {"\xce\xa4\xcf\x81\xce\xb9", 0},                        /* Τρι */
    {"\xce\xa4\xce\xb5\xcf\x84", 0},                        /* Τετ */
    {"\xce\xa0\xce\xb5\xce\xbc", 0},                        /* Πεμ */
    {"\xce\xa0\xce\xb1\xcf\x81", 0},                        /* Παρ */
    {"\xce\xa3\xce\xb1\xce\xb2", 0},                        /* Σαβ */
    /* Hungarian */
    {"janu\xc3\xa1r", 1}, {"febru\xc3\xa1r", 2}, {"m\xc3\xa1rcius", 3},
    {"\xc3\xa1prilis", 4}, {"m\xc3\xa1jus", 5}, {"j\xc3\xbanius", 6},
    {"j\xc3\xbalius", 7}, {"augusztus", 8}, {"szeptember", 9},
    {"okt\xc3\xb3" "ber", 10}, {"december", 12},
    /* German */
    {"januar", 1}, {"februar", 2}, {"m\xc3\xa4rz", 3}, {"m\xc3\xa4r", 3},
    {"mai", 5}, {"juni", 6}, {"juli", 7}, {"oktober", 10}, {"okt", 10},
    {"dezember", 12}, {"dez", 12}, {"montag", 0}, {"dienstag", 0},
    {"mittwoch", 0}, {"donnerstag", 0}, {"freitag", 0}, {"samstag", 0},
    {"sonntag", 0},
    /* French */
    {"janvier", 1}, {"f\xc3\xa9vrier", 2}, {"mars", 3}, {"avril", 4},
    {"juin", 6}, {"juillet", 7}, {"ao\xc3\xbbt", 8}, {"septembre", 9},
    {"octobre", 10}, {"novembre", 11}, {"d\xc3\xa9" "cembre", 12},
    {"lundi", 0}, {"mardi", 0}, {"mercredi", 0}, {"jeudi", 0},
    {"vendredi", 0}, {"samedi", 0}, {"dimanche", 0},
    /* Spanish */
    {"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"mayo", 5},
    {"junio", 6}, {"julio", 7}, {"agosto", 8}, {"septiembre", 9},
    {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12},
};

static const char *const english_months[12] = {
    "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec",
};

static int is_word_byte(unsigned char c)
{
    return is_alpha((char)c) || c >= 0x80;
}

/* Does w match s[i..] as a whole word? Returns its length, or 0. */
static size_t word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = 0;

    if (i > 0 && is_word_byte((unsigned char)s[i - 1]))
        return 0;
    for (; w[k] != '\0'; k++) {
        char a = s[i + k], b = w[k];
        if (i + k >= n)
            return 0;
        if ((unsigned char)b < 0x80 && is_alpha(a))
            a = (char)(a | 0x20);
        if (a != b)
            return 0;
    }
    if (i + k < n && is_word_byte((unsigned char)s[i + k]))
        return 0;
    return k;
}

/* Copy s into out with foreign names translated. Returns 1 when anything
 * was translated, 0 when not, -1 when out is too small. */
static int translate_words(const char *s, size_t n, char *out, size_t cap,
                           size_t *out_len)
{
    size_t o = 0;
    int changed = 0;

    for (size_t i = 0; i < n;) {
        size_t len = 0, k;
        for (k = 0; k < sizeof foreign_words / sizeof foreign_words[0]; k++)
            if ((len = word_at(s, n, i, foreign_words[k].word)) > 0)
                break;
        if (len > 0) {
            char rep[16] = "";
            int m = foreign_words[k].month;
            if (m > 0 && i > 0 && s[i - 1] == '-' && i + len < n && s[i + len] == '-')
                snprintf(rep, sizeof rep, "%02d", m % 100);
            else if (m > 0)
                snprintf(rep, sizeof rep, "%s", english_months[m - 1]);
            if (o + strlen(rep) >= cap)
                return -1;
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
            i += len;
            changed = 1;
            continue;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = s[i++];
    }
    out[o] = '\0';
    *out_len = o;
    return changed;
}

/* ---- Korean forms ---------------------------------------------------------- *
 * "2004년 05월 28일 01:31:15" and "2004-05-25 오후 11:23:17": the numbers in
 * order (year, month, day, hour, minute, second), 오전/오후 for a.m./p.m.,
 * and Korea's time (UTC+9) since these forms carry no zone. */

#define KO_YEAR "\xeb\x85\x84"      /* 년 */
#define KO_AM "\xec\x98\xa4\xec\xa0\x84" /* 오전 */
#define KO_PM "\xec\x98\xa4\xed\x9b\x84" /* 오후 */

static int parse_korean(const char *s, size_t n, int64_t *utc)
{
    date_fields_t f = {0};
    int nums[6], count = 0;
    size_t i = 0;

    while (i < n) {
        if (is_digit(s[i])) {
            int v = 0;
            size_t nd = count_digits(s, n, i);
            if (count == 6 || nd > 4)
                return -1;
            read_fixed(s, n, &i, (int)nd, &v);
            nums[count++] = v;
            if (count == 1 && nd != 4)
                return -1;
        } else if (n - i >= 6 && memcmp(s + i, KO_AM, 6) == 0) {
            f.meridiem = 1;
            i += 6;
        } else if (n - i >= 6 && memcmp(s + i, KO_PM, 6) == 0) {
            f.meridiem = 2;
            i += 6;
        } else if (is_space(s[i]) || s[i] == '-' || s[i] == ':' || s[i] == '.' ||
                   s[i] == '/' || (unsigned char)s[i] >= 0x80) {
            i++; /* 년 월 일 and separators */
        } else {
            return -1;
        }
    }
    if (count < 3)
        return -1;
    f.year = nums[0];
    f.month = nums[1];
    f.day = nums[2];
    f.hour = count > 3 ? nums[3] : 0;
    f.minute = count > 4 ? nums[4] : 0;
    f.second = count > 5 ? nums[5] : 0;
    if (f.meridiem && count < 4)
        return -1;
    f.zone_minutes = 9 * 60;
    return finish(&f, utc);
}

static int has_korean_marker(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, KO_YEAR, 3) == 0 ||
            (i + 6 <= n && (memcmp(s + i, KO_AM, 6) == 0 ||
                            memcmp(s + i, KO_PM, 6) == 0)))
            return 1;
    return 0;
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
    if (is_digits_and_hyphens(s, n) && parse_iso_reduced(s, n, utc) == 0)
        return 0;
    if (has_korean_marker(s, n))
        return parse_korean(s, n, utc);
    {
        char buf[IDX_DATE_MAX_LEN + 1];
        size_t len;
        int t = translate_words(s, n, buf, sizeof buf, &len);
        if (t == 1) {
            s = buf;
            n = len;
            while (n > 0 && (is_space(s[0]) || s[0] == ',')) {
                s++;
                n--;
            }
            if (n == 0)
                return -1;
            return looks_iso(s, n) ? parse_iso(s, n, utc) : parse_lenient(s, n, utc);
        }
    }
    if (looks_iso(s, n))
        return parse_iso(s, n, utc);
    return parse_lenient(s, n, utc);
}
