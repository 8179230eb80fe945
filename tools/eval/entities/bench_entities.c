/*
 * bench_entities.c - entities-only throughput on 600-word news articles.
 * Builds articles of about 600 words by joining the bodies of the labelled
 * set (tools/eval/entities/set.jsonl) and runs idx_entities_find() plus
 * idx_entities_mentions() over them for about 3 CPU seconds on one core.
 * Usage: bench_entities [set.jsonl] [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "entities.h"

/* CPU time of this process: on a shared machine wall time counts other
 * people's jobs too; one thread, so this is one core's time. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t words(const char *s)
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

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "tools/eval/entities/set.jsonl";
    double secs = argc > 2 ? atof(argv[2]) : 3.0;
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    char *bodies[256];
    char *titles[256];
    size_t nb = 0;
    char *line = NULL;
    size_t cap = 0;
    while (nb < 256 && getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        if (!j)
            continue;
        bodies[nb] = strdup(cJSON_GetObjectItem(j, "body")->valuestring);
        titles[nb] = strdup(cJSON_GetObjectItem(j, "title")->valuestring);
        nb++;
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    if (nb == 0)
        return 1;
    /* one 600-word article starting at each body */
    char *art[256];
    size_t total_words = 0, total_bytes = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t len = 0, w = 0, k = i;
        char *a = NULL;
        while (w < 600) {
            const char *b = bodies[k % nb];
            size_t bl = strlen(b);
            char *na = realloc(a, len + bl + 3);
            if (!na)
                return 1;
            a = na;
            memcpy(a + len, b, bl);
            len += bl;
            memcpy(a + len, "\n\n", 3);
            len += 2;
            w += words(b);
            k++;
        }
        art[i] = a;
        total_words += words(a);
        total_bytes += len;
    }
    size_t done = 0, hits = 0;
    double t0 = now(), t = t0, w0 = wall();
    while (t - t0 < secs) {
        for (size_t i = 0; i < nb; i++) {
            idx_entity_hit_t *h = NULL;
            size_t n = idx_entities_find(titles[i], art[i], &h);
            arc_mention_t *m = NULL;
            idx_entities_mentions(h, n, &m);
            free(m);
            idx_entity_hits_free(h, n);
            hits += n;
        }
        done += nb;
        t = now();
    }
    double el = t - t0, wel = wall() - w0;
    printf("articles: %zu distinct, %.0f words and %.0f bytes on average\n", nb,
           (double)total_words / (double)nb, (double)total_bytes / (double)nb);
    printf("entities-only: %zu articles in %.2f CPU s = %.0f articles per CPU second (%.1f MB/s), "
           "%.1f hits/article; wall %.2f s = %.0f articles/s\n",
           done, el, (double)done / el, (double)done * (double)total_bytes / (double)nb / el / 1e6,
           (double)hits / (double)done, wel, (double)done / wel);
    for (size_t i = 0; i < nb; i++) {
        free(art[i]);
        free(bodies[i]);
        free(titles[i]);
    }
    return 0;
}
