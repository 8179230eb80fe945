/*
 * feedinspect.c - evaluation driver: parse each feed file named on the
 * command line with idx_feed_parse_http and print one JSON object per line:
 *
 *   {"file": PATH, "ok": true|false, "error": MSG|null, "bozo": BOOL,
 *    "encoding": CHARSET|null,
 *    "feed": {"title", "link", "lang", "format", "warnings"},
 *    "entries": [{"title", "link", "id", "author", "summary", "content",
 *                 "published" (ISO 8601 UTC or null), "published_raw",
 *                 "lang", "reject"}]}
 *
 * bozo is true when parsing failed or recovery was needed (warnings set).
 *
 * Options before a file apply to that file only, and stand for the HTTP
 * response it came in: --content-type V, --content-location V,
 * --content-language V (the headers) and --url U (the document's URL,
 * passed as the parser's name).
 *
 * With --dates it instead reads date strings, one a line, from stdin and
 * prints for each the UTC epoch seconds idx_date_parse gives, or "null".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "feed.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (fp == NULL)
        return NULL;
    for (;;) {
        if (n + 65536 > cap) {
            char *nb;
            cap = cap ? cap * 2 : 131072;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    *len = n;
    return buf;
}

static void add_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_time(cJSON *o, const char *key, int64_t t)
{
    char iso[80];
    struct tm tm;
    time_t tt = (time_t)t;

    if (t == INT64_MIN || gmtime_r(&tt, &tm) == NULL) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    cJSON_AddStringToObject(o, key, iso);
}

static cJSON *inspect(const char *path, const char *url,
                      const idx_feed_http_t *http)
{
    cJSON *o = cJSON_CreateObject(), *fo, *entries;
    idx_feed_t *f = NULL;
    char *err = NULL, *buf;
    size_t len = 0;

    cJSON_AddStringToObject(o, "file", path);
    buf = read_file(path, &len);
    if (buf == NULL) {
        cJSON_AddBoolToObject(o, "ok", 0);
        cJSON_AddStringToObject(o, "error", "cannot read file");
        cJSON_AddBoolToObject(o, "bozo", 1);
        return o;
    }
    if (idx_feed_parse_http(buf, len, url ? url : path, http, &f, &err) != 0) {
        cJSON_AddBoolToObject(o, "ok", 0);
        add_str(o, "error", err);
        cJSON_AddBoolToObject(o, "bozo", 1);
        free(err);
        free(buf);
        return o;
    }
    free(buf);
    cJSON_AddBoolToObject(o, "ok", 1);
    cJSON_AddNullToObject(o, "error");
    cJSON_AddBoolToObject(o, "bozo", f->warnings != NULL);
    add_str(o, "encoding", f->encoding);
    fo = cJSON_AddObjectToObject(o, "feed");
    add_str(fo, "title", f->title);
    add_str(fo, "link", f->link);
    add_str(fo, "lang", f->lang);
    add_str(fo, "format", f->format);
    add_str(fo, "warnings", f->warnings);
    entries = cJSON_AddArrayToObject(o, "entries");
    for (size_t i = 0; i < f->n_items; i++) {
        idx_item_t *it = &f->items[i];
        cJSON *e = cJSON_CreateObject();
        add_str(e, "title", it->title);
        add_str(e, "link", it->url);
        add_str(e, "id", it->guid);
        add_str(e, "author", it->byline);
        add_str(e, "summary", it->summary);
        add_str(e, "content", it->body);
        add_time(e, "published", it->published);
        add_str(e, "published_raw", it->published_raw);
        add_str(e, "lang", it->lang);
        add_str(e, "reject", it->reject);
        cJSON_AddItemToArray(entries, e);
    }
    idx_feed_free(f);
    return o;
}

static int dates_mode(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    while ((n = getline(&line, &cap, stdin)) >= 0) {
        int64_t t;
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (idx_date_parse(line, &t) == 0)
            printf("%lld\n", (long long)t);
        else
            puts("null");
    }
    free(line);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--dates") == 0)
        return dates_mode();
    idx_feed_http_t http = {0};
    const char *url = NULL;

    for (int i = 1; i < argc; i++) {
        cJSON *o;
        if (i + 1 < argc && strncmp(argv[i], "--", 2) == 0) {
            if (strcmp(argv[i], "--content-type") == 0)
                http.content_type = argv[++i];
            else if (strcmp(argv[i], "--content-location") == 0)
                http.content_location = argv[++i];
            else if (strcmp(argv[i], "--content-language") == 0)
                http.content_language = argv[++i];
            else if (strcmp(argv[i], "--url") == 0)
                url = argv[++i];
            else
                i++;
            continue;
        }
        o = inspect(argv[i], url, &http);
        memset(&http, 0, sizeof http);
        url = NULL;
        char *s = cJSON_PrintUnformatted(o);
        if (s != NULL) {
            fputs(s, stdout);
            fputc('\n', stdout);
            cJSON_free(s);
        }
        cJSON_Delete(o);
    }
    return 0;
}
