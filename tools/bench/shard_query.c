/*
 * shard_query.c - time the same queries on the SQLite archive or on Xapian
 * shards, in process (issue 8; driven by tools/bench/shards-bench.sh).
 *
 *   shard_query (--archive DIR | --shards STUB) [--runs R] [--export-limit N] QUERIES
 *
 * QUERIES holds one query a line, tab-separated:
 *   CLASS  KIND  QUERY  SINCE  UNTIL
 * KIND is search (the top 20 by relevance with snippets, what the search
 * page needs), histogram (by week), timeline (the dated events of the
 * matching articles), or export (every match, oldest first, with the
 * entity names: rows per second; with --export-limit N only the first N
 * rows, so that a remote export of a million rows does not take half an
 * hour). SINCE/UNTIL are YYYY-MM-DD or "-".
 * Each query runs once as a warm-up, then R times (default 1); every
 * timing counts. Prints one line per class, in the order first seen:
 *
 *   QUERY class=rare n=200 median_ms=0.41 p99_ms=2.10 mean_results=37.2 failed=0
 *   EXPORT class=export_all rows=100000 seconds=2.31 rows_per_s=43290
 *
 * Exit status 0; 1 when the backend cannot be opened or QUERIES read;
 * 2 usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsarc.h"

#define MAX_CLASSES 32

typedef struct squery {
    char *cls, *kind, *text;
    int64_t since, until;     /* 0 = open */
} squery_t;

typedef struct sclass {
    char *name;
    double *ms;
    size_t n, cap;
    double results;
    int failed;
    int export;
} sclass_t;

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *
xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fprintf(stderr, "shard_query: out of memory\n");
        exit(1);
    }
    return d;
}

static long export_limit;   /* --export-limit: rows per export, 0 = all */

/* One query, in process; the number of results, or -1. */
static long
run(arc_db_t *db, const squery_t *q)
{
    arc_search_opts_t o;
    arc_query_t *aq = NULL;
    arc_query_error_t qe;
    long results = 0;

    memset(&o, 0, sizeof o);
    o.since = q->since;
    o.until = q->until;
    if (arc_query_parse(q->text, &aq, &qe))
        return -1;
    if (strcmp(q->kind, "histogram") == 0) {
        arc_hist_bucket_t *b = NULL;
        size_t n = 0;
        if (arc_histogram(db, aq, &o, ARC_BUCKET_WEEK, &b, &n) == ARC_OK) {
            for (size_t i = 0; i < n; i++)
                results += (long)b[i].count;
            arc_free(b);
        } else {
            results = -1;
        }
    } else if (strcmp(q->kind, "timeline") == 0) {
        arc_timeline_t *t;
        const arc_timeline_entry_t *e;
        if (arc_timeline_open(db, aq, 0, &o, &t) == ARC_OK) {
            while (arc_timeline_next(t, &e) == ARC_OK && e)
                results++;
            arc_timeline_destroy(t);
        } else {
            results = -1;
        }
    } else {
        arc_cursor_t *c;
        const arc_hit_t *h;
        arc_status_t st;
        if (strcmp(q->kind, "export") == 0) {
            o.sort = ARC_SORT_OLDEST;
            o.want_entities = 1;
            o.limit = export_limit;
        } else {
            o.limit = 20;
            o.want_snippet = 1;
            o.want_entities = 1;
            o.sort = ARC_SORT_RELEVANCE;
        }
        if (arc_search(db, aq, &o, &c) == ARC_OK) {
            while ((st = arc_cursor_next(c, &h)) == ARC_OK && h)
                results++;
            if (st)
                results = -1;
            arc_cursor_destroy(c);
        } else {
            results = -1;
        }
    }
    if (results < 0)
        fprintf(stderr, "shard_query: %s '%s': %s\n", q->kind, q->text, arc_db_errmsg(db));
    arc_query_destroy(aq);
    return results;
}

static int64_t
day_arg(const char *s, int end)
{
    int64_t a, b;
    if (!s || strcmp(s, "-") == 0 || !*s)
        return 0;
    if (arc_time_parse_user(s, &a, &b))
        return 0;
    return end ? b : a;
}

static sclass_t *
class_of(sclass_t *cls, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(cls[i].name, name) == 0)
            return &cls[i];
    if (*n == MAX_CLASSES)
        return NULL;
    cls[*n].name = xstrdup(name);
    return &cls[(*n)++];
}

int
main(int argc, char **argv)
{
    const char *archive = NULL, *stub = NULL, *file = NULL;
    int runs = 1;
    arc_db_t *db = NULL;
    char *err = NULL, line[4096];
    squery_t *qs = NULL;
    size_t nq = 0, capq = 0, ncls = 0;
    sclass_t cls[MAX_CLASSES];
    FILE *f;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--archive") == 0 && i + 1 < argc)
            archive = argv[++i];
        else if (strcmp(argv[i], "--shards") == 0 && i + 1 < argc)
            stub = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--export-limit") == 0 && i + 1 < argc)
            export_limit = atol(argv[++i]);
        else if (!file && argv[i][0] != '-')
            file = argv[i];
        else
            file = NULL, i = argc;
    }
    if (!file || !archive == !stub || runs < 1 || export_limit < 0) {
        fprintf(stderr, "usage: shard_query (--archive DIR | --shards STUB) [--runs R]"
                        " [--export-limit N] QUERIES\n");
        return 2;
    }
    if ((archive ? arc_db_open(archive, ARC_OPEN_READONLY, &db, &err)
                 : arc_shards_open(stub, 0, &db, &err)) != ARC_OK) {
        fprintf(stderr, "shard_query: %s\n", err ? err : "cannot open");
        arc_free(err);
        return 1;
    }
    if (!(f = fopen(file, "r"))) {
        perror(file);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        char *fld[5] = { NULL }, *p = line;
        int k = 0;
        line[strcspn(line, "\r\n")] = '\0';
        while (k < 5) {
            fld[k++] = p;
            p = strchr(p, '\t');
            if (!p)
                break;
            *p++ = '\0';
        }
        if (k < 3 || line[0] == '#')
            continue;
        if (nq == capq) {
            capq = capq ? capq * 2 : 256;
            qs = realloc(qs, capq * sizeof *qs);
            if (!qs)
                return 1;
        }
        qs[nq].cls = xstrdup(fld[0]);
        qs[nq].kind = xstrdup(fld[1]);
        qs[nq].text = xstrdup(fld[2]);
        qs[nq].since = day_arg(k > 3 ? fld[3] : NULL, 0);
        qs[nq].until = day_arg(k > 4 ? fld[4] : NULL, 1);
        nq++;
    }
    fclose(f);
    memset(cls, 0, sizeof cls);

    /* warm-up: every query once (caches, connections), then the timed runs */
    for (size_t i = 0; i < nq; i++)
        if (strcmp(qs[i].kind, "export") != 0)
            run(db, &qs[i]);
    for (int r = 0; r < runs; r++) {
        for (size_t i = 0; i < nq; i++) {
            sclass_t *c = class_of(cls, &ncls, qs[i].cls);
            double t0 = now_ms();
            long res = run(db, &qs[i]);
            double t = now_ms() - t0;
            if (!c)
                continue;
            if (c->n == c->cap) {
                c->cap = c->cap ? c->cap * 2 : 64;
                c->ms = realloc(c->ms, c->cap * sizeof *c->ms);
                if (!c->ms)
                    return 1;
            }
            c->ms[c->n++] = t;
            c->export = strcmp(qs[i].kind, "export") == 0;
            if (res < 0)
                c->failed++;
            else
                c->results += (double)res;
        }
    }
    for (size_t i = 0; i < ncls; i++) {
        sclass_t *c = &cls[i];
        size_t ok = c->n - (size_t)c->failed, k;
        double med, p99, sum = 0;
        qsort(c->ms, c->n, sizeof *c->ms, cmp_double);
        for (k = 0; k < c->n; k++)
            sum += c->ms[k];
        if (c->export) {
            printf("EXPORT class=%s runs=%zu rows=%.0f seconds=%.3f rows_per_s=%.0f failed=%d\n",
                   c->name, c->n, ok ? c->results / (double)ok : 0, sum / 1e3 / (double)c->n,
                   sum > 0 ? c->results / (sum / 1e3) : 0, c->failed);
            continue;
        }
        med = c->n % 2 ? c->ms[c->n / 2] : (c->ms[c->n / 2 - 1] + c->ms[c->n / 2]) / 2;
        k = (c->n * 99 + 99) / 100;
        p99 = c->ms[k ? (k > c->n ? c->n - 1 : k - 1) : 0];
        printf("QUERY class=%s n=%zu median_ms=%.3f p99_ms=%.3f mean_results=%.1f failed=%d\n",
               c->name, c->n, med, p99, ok ? c->results / (double)ok : 0, c->failed);
    }
    for (size_t i = 0; i < ncls; i++) {
        free(cls[i].name);
        free(cls[i].ms);
    }
    for (size_t i = 0; i < nq; i++) {
        free(qs[i].cls);
        free(qs[i].kind);
        free(qs[i].text);
    }
    free(qs);
    arc_db_close(db);
    return 0;
}
