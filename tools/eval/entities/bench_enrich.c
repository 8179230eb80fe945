/*
 * bench_enrich.c - throughput of the whole enrichment stage (entities,
 * mentions, dates, events: idx_enrich_compute) on one core, in CPU time.
 *
 * Usage: bench_enrich FILE.jsonl [seconds] [max-articles]
 *   FILE.jsonl  objects with "title", "body" and optionally "published"
 *               (ISO 8601 or seconds); tools/bench/gencorpus output or the
 *               labelled set (tools/eval/entities/set.jsonl), whose short
 *               bodies are joined into articles of about 600 words.
 * Runs over the articles again and again for about `seconds` CPU seconds
 * (default 3) and prints articles per CPU second and per wall second; a
 * negative `seconds` runs exactly that many passes (for callgrind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "enrich.h"

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/* "2024-03-05T14:22:00Z" or a number: UTC seconds; else 0. */
static int64_t parse_time(const cJSON *v)
{
    struct tm tm;
    if (cJSON_IsNumber(v))
        return (int64_t)v->valuedouble;
    if (!cJSON_IsString(v))
        return 0;
    memset(&tm, 0, sizeof tm);
    if (sscanf(v->valuestring, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "tools/eval/entities/set.jsonl";
    double secs = argc > 2 ? atof(argv[2]) : 3.0;
    size_t max = argc > 3 ? (size_t)atol(argv[3]) : 5000;
    FILE *f = fopen(path, "r");
    char **title = calloc(max, sizeof *title), **body = calloc(max, sizeof *body);
    int64_t *pub = calloc(max, sizeof *pub);
    size_t n = 0, cap = 0, bytes = 0, words = 0, hits = 0, events = 0, done = 0;
    char *line = NULL;

    if (!f || !title || !body || !pub) {
        perror(path);
        return 1;
    }
    while (n < max && getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        const cJSON *t = j ? cJSON_GetObjectItem(j, "title") : NULL;
        const cJSON *b = j ? cJSON_GetObjectItem(j, "body") : NULL;
        if (cJSON_IsString(t) && cJSON_IsString(b)) {
            title[n] = strdup(t->valuestring);
            body[n] = strdup(b->valuestring);
            pub[n] = parse_time(cJSON_GetObjectItem(j, "published"));
            if (!pub[n])
                pub[n] = 1764756000; /* 2025-12-03T10:00:00Z */
            n++;
        }
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    if (n == 0)
        return 1;
    /* short bodies (the labelled set): join them into ~600-word articles */
    if (count_words(body[0]) < 300) {
        char **art = calloc(n, sizeof *art);
        for (size_t i = 0; art && i < n; i++) {
            size_t len = 0, w = 0, k = i;
            char *a = NULL;
            while (w < 600) {
                const char *b = body[k++ % n];
                size_t bl = strlen(b);
                char *na = realloc(a, len + bl + 3);
                if (!na)
                    return 1;
                a = na;
                memcpy(a + len, b, bl);
                len += bl;
                memcpy(a + len, "\n\n", 3);
                len += 2;
                w += count_words(b);
            }
            art[i] = a;
        }
        for (size_t i = 0; i < n; i++) {
            free(body[i]);
            body[i] = art[i];
        }
        free(art);
    }
    for (size_t i = 0; i < n; i++) {
        bytes += strlen(body[i]) + strlen(title[i]);
        words += count_words(body[i]);
    }
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC), c = c0;
    /* seconds < 0: exactly -seconds passes (for instruction counts) */
    long passes = secs < 0 ? (long)-secs : -1;
    while (passes < 0 ? c - c0 < secs : passes-- > 0) {
        for (size_t i = 0; i < n; i++) {
            idx_enrichment_t e;
            idx_enrich_compute(title[i], body[i], pub[i], &e);
            hits += e.n_hits;
            events += e.n_events;
            idx_enrich_clear(&e);
        }
        done += n;
        c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    }
    double cpu = c - c0, wall = clock_s(CLOCK_MONOTONIC) - w0;
    printf("%zu distinct articles, %.0f words, %.0f bytes on average\n", n,
           (double)words / (double)n, (double)bytes / (double)n);
    printf("enrichment (entities+mentions+dates+events): %zu articles in %.2f CPU s = "
           "%.0f articles per CPU second (%.1f MB/s); %.1f hits, %.1f events per article; "
           "wall %.2f s = %.0f articles/s\n",
           done, cpu, (double)done / cpu, (double)done * (double)bytes / (double)n / cpu / 1e6,
           (double)hits / (double)done, (double)events / (double)done, wall,
           (double)done / wall);
    for (size_t i = 0; i < n; i++) {
        free(title[i]);
        free(body[i]);
    }
    free(title);
    free(body);
    free(pub);
    return 0;
}
