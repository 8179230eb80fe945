/*
 * extract_util.c - small text helpers of the article extractor: a growable
 * buffer, one-pass entity decoding, whitespace squashing, UTF-8 repair and
 * the date in a URL's path.
 */
#include "extract.h"

#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>

void idx_xbuf_put(idx_xbuf_t *b, const char *s, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void idx_xbuf_putc(idx_xbuf_t *b, char c)
{
    idx_xbuf_put(b, &c, 1);
}

char *idx_xbuf_take(idx_xbuf_t *b)
{
    char *s;
    if (b->oom) {
        free(b->s);
        s = NULL;
    } else if (!b->s) {
        s = calloc(1, 1);
    } else {
        s = b->s;
    }
    memset(b, 0, sizeof *b);
    return s;
}

/* Append code point cp as UTF-8 (invalid ones become U+FFFD). */
static void put_utf8(idx_xbuf_t *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (char)cp;
        idx_xbuf_put(b, u, 1);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        idx_xbuf_put(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        idx_xbuf_put(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        idx_xbuf_put(b, u, 4);
    }
}

/* Decode one reference starting at s ('&'); returns bytes consumed, 0 when
 * it is not a reference we know (the '&' is then kept literally). */
static size_t decode_ref(const char *s, idx_xbuf_t *b)
{
    size_t i = 1;
    if (s[1] == '#') {
        unsigned long cp = 0;
        int hex = (s[2] == 'x' || s[2] == 'X');
        size_t digits = 0;
        i = hex ? 3 : 2;
        for (;; i++) {
            char c = s[i];
            int v;
            if (c >= '0' && c <= '9')
                v = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                v = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                v = c - 'A' + 10;
            else
                break;
            if (cp < 0x110000)
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            digits++;
        }
        if (digits == 0)
            return 0;
        if (s[i] == ';')
            i++;
        put_utf8(b, cp);
        return i;
    }
    char name[32];
    size_t n = 0;
    while (n < sizeof name - 1 &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (s[i] >= '0' && s[i] <= '9'))) {
        name[n++] = s[i++];
    }
    name[n] = '\0';
    if (n == 0 || s[i] != ';')
        return 0;
    const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
    if (!e)
        return 0;
    put_utf8(b, e->value);
    return i + 1;
}

char *idx_extract_decode_entities(const char *s)
{
    idx_xbuf_t b = {0};
    if (!s)
        return NULL;
    while (*s) {
        const char *amp = strchr(s, '&');
        if (!amp) {
            idx_xbuf_put(&b, s, strlen(s));
            break;
        }
        idx_xbuf_put(&b, s, (size_t)(amp - s));
        size_t used = decode_ref(amp, &b);
        if (used == 0) {
            idx_xbuf_putc(&b, '&');
            used = 1;
        }
        s = amp + used;
    }
    return idx_xbuf_take(&b);
}

char *idx_extract_squash(const char *s)
{
    idx_xbuf_t b = {0};
    int space = 0;
    if (!s)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int ws = (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
                  *p == '\f' || *p == '\v');
        if (p[0] == 0xC2 && p[1] == 0xA0) {
            ws = 1;
            p++;
        }
        if (ws) {
            space = 1;
            continue;
        }
        if (space && b.len > 0)
            idx_xbuf_putc(&b, ' ');
        space = 0;
        idx_xbuf_putc(&b, (char)*p);
    }
    return idx_xbuf_take(&b);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t k;
    unsigned long cp;
    if (c < 0x80)
        return c ? 1 : 0;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

int idx_extract_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq(p + i, len - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

char *idx_extract_utf8_repair(const char *s, size_t len, size_t *outlen)
{
    const unsigned char *p = (const unsigned char *)s;
    idx_xbuf_t b = {0};
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq(p + i, len - i);
        if (k > 0) {
            size_t j = i + k;
            /* copy the whole valid run at once */
            while (j < len && (k = utf8_seq(p + j, len - j)) > 0)
                j += k;
            idx_xbuf_put(&b, s + i, j - i);
            i = j;
        } else {
            if (p[i] != 0)
                idx_xbuf_put(&b, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    size_t n = b.len;
    char *r = idx_xbuf_take(&b);
    if (r && outlen)
        *outlen = n;
    return r;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_ymd(int y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243,
                                   273, 304, 334};
    int64_t days = 0;
    for (int yy = 1970; yy < y; yy++)
        days += is_leap(yy) ? 366 : 365;
    days += before[m - 1] + (m > 2 && is_leap(y)) + (d - 1);
    return days;
}

static int valid_ymd(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

static int digits_at(const char *s, size_t n, int *v)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 1;
}

static int is_digit_at(const char *s, size_t i, size_t n)
{
    return i < n && s[i] >= '0' && s[i] <= '9';
}

int idx_extract_url_date(const char *url, int64_t *utc)
{
    if (!url)
        return -1;
    /* the path: after "scheme://host", up to '?' or '#' */
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    if (!p)
        return -1;
    size_t n = strcspn(p, "?#");
    for (size_t i = 0; i + 10 <= n; i++) {
        int y, m, d;
        if (i > 0 && is_digit_at(p, i - 1, n))
            continue;
        if (!digits_at(p + i, 4, &y))
            continue;
        /* /YYYY/MM/DD/ (also /YYYY/MM/DD at the end or before a slug) */
        if (i > 0 && p[i - 1] == '/' && p[i + 4] == '/' &&
            digits_at(p + i + 5, 2, &m) && p[i + 7] == '/' &&
            digits_at(p + i + 8, 2, &d) && !is_digit_at(p, i + 10, n) &&
            valid_ymd(y, m, d)) {
            *utc = days_from_ymd(y, m, d) * 86400;
            return 0;
        }
        /* YYYY-MM-DD anywhere in the path, not inside a longer number */
        if (p[i + 4] == '-' && digits_at(p + i + 5, 2, &m) && p[i + 7] == '-' &&
            digits_at(p + i + 8, 2, &d) && !is_digit_at(p, i + 10, n) &&
            valid_ymd(y, m, d)) {
            *utc = days_from_ymd(y, m, d) * 86400;
            return 0;
        }
    }
    return -1;
}
