/*
 * extract_driver.c - run idx_extract_page over many pages for the
 * extraction scorer (score.py).
 *
 * Reads lines "PATH<TAB>URL" on stdin (PATH may be .html or .html.gz) and
 * writes one JSON object per line on stdout: path, ok, error, ms (time in
 * idx_extract_page) and every field of idx_page_t.
 */
#include "extract.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static char *read_all(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    size_t cap = 1 << 16, n = 0;
    char *buf;
    if (!f)
        return NULL;
    buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        int r = gzread(f, buf + n, (unsigned)(cap - n));
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    gzclose(f);
    *len = n;
    return buf;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

int main(void)
{
    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        const char *url = NULL;
        if (tab) {
            *tab = '\0';
            url = tab + 1;
        }
        size_t len = 0;
        char *html = read_all(line, &len);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", line);
        if (!html) {
            cJSON_AddFalseToObject(o, "ok");
            cJSON_AddStringToObject(o, "error", "cannot read");
        } else {
            idx_page_t *p = NULL;
            char *err = NULL;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            int rc = idx_extract_page(html, len, url, NULL, &p, &err);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            cJSON_AddNumberToObject(o, "ms", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                                                 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
            cJSON_AddBoolToObject(o, "ok", rc == 0);
            add_str(o, "error", err);
            if (p) {
                add_str(o, "title", p->title);
                add_str(o, "byline", p->byline);
                if (p->published != INT64_MIN)
                    cJSON_AddNumberToObject(o, "published", (double)p->published);
                add_str(o, "published_src", p->published_src);
                if (p->modified != INT64_MIN)
                    cJSON_AddNumberToObject(o, "modified", (double)p->modified);
                add_str(o, "canonical_url", p->canonical_url);
                add_str(o, "lang", p->lang);
                add_str(o, "image", p->image);
                add_str(o, "site_name", p->site_name);
                add_str(o, "description", p->description);
                add_str(o, "body", p->body);
            }
            idx_page_free(p);
            free(err);
            free(html);
        }
        char *s = cJSON_PrintUnformatted(o);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(o);
    }
    return 0;
}
