/*
 * jsonl.c - idx_jsonl_read: JSON Lines of articles to idx_item_t records.
 *
 * Each non-blank line must be one JSON object. Known keys fill the item,
 * other keys are ignored; a known key with the wrong type makes the line
 * bad. cJSON's global error pointer is never consulted: the error column
 * comes from cJSON_ParseWithLengthOpts's return_parse_end.
 */
#include "jsonl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "feed.h" /* idx_date_parse */

/* Epoch seconds beyond this (year ~33658) are not article dates. */
#define JSONL_MAX_EPOCH 1e12
#define JSONL_MAX_LINE ((size_t)64 << 20) /* longer lines are skipped unread */

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Fetch the string value of key (or of alt when key is absent) into *out
 * as an item string. Returns 0 (absent or null leaves *out NULL), or -1
 * with `reason` filled when the value is not a string. */
static int get_string(const cJSON *obj, const char *key, const char *alt,
                      char **out, char *reason, size_t reason_len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *used = key;

    if ((v == NULL || cJSON_IsNull(v)) && alt != NULL) {
        v = cJSON_GetObjectItemCaseSensitive(obj, alt);
        used = alt;
    }
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        snprintf(reason, reason_len, "field '%s' is not a string", used);
        return -1;
    }
    *out = idx_item_text(v->valuestring, strlen(v->valuestring));
    return 0;
}

/* CRLF and lone CR become LF, in place. */
static void normalise_newlines(char *s)
{
    size_t o = 0;
    if (s == NULL)
        return;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (s[i] == '\r') {
            s[o++] = '\n';
            if (s[i + 1] == '\n')
                i++;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
}

static int get_published(const cJSON *obj, idx_item_t *it, char *reason,
                         size_t reason_len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "published");
    char num[32];

    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        it->published_raw = idx_item_text(v->valuestring,
                                          strlen(v->valuestring));
        if (it->published_raw == NULL ||
            idx_date_parse(it->published_raw, &it->published) != 0)
            it->published = INT64_MIN;
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* NaN fails both comparisons, infinities the range */
        if (!(d <= JSONL_MAX_EPOCH && d >= -JSONL_MAX_EPOCH)) {
            snprintf(reason, reason_len,
                     "field 'published' is out of range");
            return -1;
        }
        it->published = (int64_t)d;
        if ((double)it->published > d) /* round toward the past */
            it->published--;
        snprintf(num, sizeof num, "%lld", (long long)it->published);
        it->published_raw = strdup(num);
        return 0;
    }
    snprintf(reason, reason_len,
             "field 'published' is not a string or a number");
    return -1;
}

/* Fill `it` from the object; returns -1 with `reason` on a type error. */
static int item_from_object(const cJSON *obj, idx_item_t *it, char *reason,
                            size_t reason_len)
{
    if (get_string(obj, "url", NULL, &it->url, reason, reason_len) ||
        get_string(obj, "title", NULL, &it->title, reason, reason_len) ||
        get_string(obj, "source", NULL, &it->source, reason, reason_len) ||
        get_string(obj, "summary", NULL, &it->summary, reason, reason_len) ||
        get_string(obj, "body", NULL, &it->body, reason, reason_len) ||
        get_string(obj, "guid", NULL, &it->guid, reason, reason_len) ||
        get_string(obj, "byline", "author", &it->byline, reason,
                   reason_len) ||
        get_string(obj, "lang", NULL, &it->lang, reason, reason_len) ||
        get_string(obj, "site", NULL, &it->source_site, reason,
                   reason_len) ||
        get_published(obj, it, reason, reason_len))
        return -1;
    normalise_newlines(it->body);
    normalise_newlines(it->summary);
    if (it->url == NULL)
        it->reject = "no link";
    else if (it->title == NULL)
        it->reject = "no title";
    return 0;
}

/* Read one line (with its '\n') into *line, keeping at most max bytes of
 * it: the rest of a longer line is read and dropped, and *too_long set, so
 * memory stays bounded whatever the input. Returns the bytes kept, or -1
 * at end of file (or on a read error, or when memory runs out). */
static ssize_t read_line_capped(FILE *f, char **line, size_t *cap, size_t max,
                                int *too_long)
{
    size_t n = 0;
    int c, any = 0;

    *too_long = 0;
    while ((c = getc_unlocked(f)) != EOF) {
        any = 1;
        if (n < max) {
            if (n + 2 > *cap) {
                size_t ncap = *cap ? *cap * 2 : 4096;
                char *p;
                if (ncap > max + 2)
                    ncap = max + 2;
                p = realloc(*line, ncap);
                if (!p)
                    return -1;
                *line = p;
                *cap = ncap;
            }
            (*line)[n++] = (char)c;
        } else {
            *too_long = 1;
        }
        if (c == '\n')
            break;
    }
    if (!any)
        return -1;
    if (!*line)
        return -1;
    (*line)[n] = '\0';
    return (ssize_t)n;
}

int idx_jsonl_read(FILE *f, idx_item_fn on_item, idx_bad_line_fn on_bad,
                   void *ctx)
{
    int too_long = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0;
    int rc = 0;

    while ((got = read_line_capped(f, &line, &cap, JSONL_MAX_LINE, &too_long)) >= 0) {
        size_t n = (size_t)got;
        const char *end = NULL;
        char reason[160];
        cJSON *obj;
        idx_item_t it;

        lineno++;
        if (too_long) {
            if (on_bad != NULL)
                on_bad(ctx, lineno, "line longer than 64 MiB");
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (is_blank(line, n))
            continue;
        obj = cJSON_ParseWithLengthOpts(line, n, &end, 0);
        if (obj == NULL || (end != NULL && !is_blank(end, n - (size_t)(end - line)))) {
            long col;
            if (obj != NULL) /* trailing data: point at its first byte */
                while (end < line + n && (*end == ' ' || *end == '\t'))
                    end++;
            col = end != NULL && end >= line ? (long)(end - line) + 1 : 1;
            cJSON_Delete(obj);
            if (on_bad != NULL) {
                snprintf(reason, sizeof reason, "invalid JSON near column %ld",
                         col);
                on_bad(ctx, lineno, reason);
            }
            continue;
        }
        if (!cJSON_IsObject(obj)) {
            cJSON_Delete(obj);
            if (on_bad != NULL)
                on_bad(ctx, lineno, "not a JSON object");
            continue;
        }
        memset(&it, 0, sizeof it);
        it.published = INT64_MIN;
        it.position = (int)(lineno > 0x7fffffffL ? 0x7fffffffL : lineno);
        reason[0] = '\0';
        if (item_from_object(obj, &it, reason, sizeof reason) != 0) {
            if (on_bad != NULL)
                on_bad(ctx, lineno, reason);
        } else if (on_item != NULL) {
            rc = on_item(ctx, &it);
        }
        idx_item_clear(&it);
        cJSON_Delete(obj);
        if (rc != 0)
            break;
    }
    if (rc == 0 && ferror(f))
        rc = -1;
    free(line);
    return rc;
}
