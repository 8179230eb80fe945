/*
 * item.c - the parsed-article record: freeing it, and making its strings
 * (valid UTF-8, trimmed) from raw bytes.
 */
#include "item.h"

#include <stdlib.h>
#include <string.h>

void idx_item_clear(idx_item_t *it)
{
    if (it == NULL)
        return;
    free(it->url);
    free(it->guid);
    free(it->title);
    free(it->byline);
    free(it->summary);
    free(it->body);
    free(it->published_raw);
    free(it->lang);
    free(it->source);
    free(it->source_site);
    free(it->capture);
    memset(it, 0, sizeof *it);
    it->published = INT64_MIN;
}

/* Length of the valid UTF-8 sequence at s[0..avail), or 0 when the bytes
 * there are not one (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
static size_t utf8_sequence_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t need;
    unsigned long cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        return 0;
    if (need == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        return 0;
    return need;
}

/* Characters U+0080..U+009F are C1 controls nobody means to write; they
 * come from windows-1252 text (&#146; for an apostrophe). Map them to
 * what windows-1252 meant; 0 where it defines nothing. */
static const unsigned short cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int is_trim_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

char *idx_item_text(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = 0, end = len, o = 0;
    char *out;

    if (s == NULL)
        return NULL;
    while (start < end && (is_trim_space(p[start]) || p[start] == 0))
        start++;
    while (end > start && (is_trim_space(p[end - 1]) || p[end - 1] == 0))
        end--;
    /* No-break spaces (U+00A0) at the edges are trimmed too. */
    while (end - start >= 2 && p[start] == 0xC2 && p[start + 1] == 0xA0) {
        start += 2;
        while (start < end && is_trim_space(p[start]))
            start++;
    }
    while (end - start >= 2 && p[end - 2] == 0xC2 && p[end - 1] == 0xA0) {
        end -= 2;
        while (end > start && is_trim_space(p[end - 1]))
            end--;
    }
    if (start == end)
        return NULL;
    /* Worst case every byte becomes the 3-byte U+FFFD. */
    if (end - start > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc((end - start) * 3 + 1);
    if (out == NULL)
        return NULL;
    for (size_t i = start; i < end;) {
        size_t n;
        if (p[i] == 0) {
            i++;
            continue;
        }
        n = utf8_sequence_length(p + i, end - i);
        if (n == 0) {
            out[o++] = (char)0xEF;
            out[o++] = (char)0xBF;
            out[o++] = (char)0xBD;
            i++;
            continue;
        }
        if (n == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0 &&
            cp1252_c1[p[i + 1] - 0x80] != 0) {
            unsigned cp = cp1252_c1[p[i + 1] - 0x80];
            if (cp < 0x800) {
                out[o++] = (char)(0xC0 | (cp >> 6));
            } else {
                out[o++] = (char)(0xE0 | (cp >> 12));
                out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            }
            out[o++] = (char)(0x80 | (cp & 0x3F));
            i += 2;
            continue;
        }
        memcpy(out + o, p + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    if (o == 0) {
        free(out);
        return NULL;
    }
    /* Give back the room kept for the worst case (two thirds of it for
     * clean text): an import holds a thousand items in flight. */
    if (o + 1 < (end - start) * 3 + 1) {
        char *fit = realloc(out, o + 1);
        if (fit)
            out = fit;
    }
    return out;
}
