/*
 * rank_overlap.c - how close the bounded relevance ranking stays to exact
 * BM25, and what each query class costs in process (docs/ranking.md).
 *
 *   rank_overlap overlap DIR [N [BUDGET]]
 *       N generated queries (default 200; one word 50%, two words 25%,
 *       phrase 15%, OR 10%): top 20 of the bounded ranking against exact
 *       BM25 (--exact-rank); prints the average overlap |B ∩ E| / |E|, how
 *       many sets are identical, the worst query, and both latencies.
 *   rank_overlap bench DIR [RUNS]
 *       median and 99th percentile of each query class (rare word, common
 *       word, two-word AND, phrase, person, person + month, place + source)
 *       for --sort relevance and newest: top 20 with snippets and entities
 *       as `newsquery search` asks; and histogram by week of common words.
 *       Prints SQL_BASELINE lines naming terms used, for the sqlite3 shell.
 *
 * RANK_OVERLAP_VERBOSE=1 prints every query: overlap, matches, text.
 *
 * Times are CPU time (user + system) of this process: the machine the
 * figures come from is shared, so wall time mostly measures neighbours;
 * the sqlite3 shell's `.timer` user + sys is the same measure.
 *
 * Terms are drawn from the archive with a fixed seed (words of random
 * articles, classed by document frequency via arc_search_count; entities
 * from arc_facets). Only the library API is used, plus the private
 * Arc_rank_set_budget to vary the budget.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive-private.h"
#include "newsarc.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die(const char *what, arc_db_t *db)
{
    fprintf(stderr, "rank_overlap: %s: %s\n", what, db ? arc_db_errmsg(db) : "");
    exit(3);
}

static int64_t
count_of(arc_db_t *db, const char *text)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    int64_t n = 0;

    memset(&o, 0, sizeof o);
    if (arc_query_parse(text, &q, NULL))
        return -1;
    if (arc_search_count(db, q, &o, &n))
        n = -1;
    arc_query_destroy(q);
    return n;
}

/* A top-20 search; returns ms of CPU, fills ids when given. */
static double top_score;   /* score of the first hit of the last run() */

static double
run(arc_db_t *db, const char *text, arc_sort_t sort, int exact, int full,
    int64_t *ids, size_t *n_ids)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    double t0 = now_ms();
    size_t n = 0;

    memset(&o, 0, sizeof o);
    o.limit = 20;
    o.sort = sort;
    o.exact_rank = exact;
    o.want_snippet = full;
    o.want_entities = full;
    if (arc_query_parse(text, &q, NULL)) {
        fprintf(stderr, "rank_overlap: cannot parse %s\n", text);
        exit(2);
    }
    if (arc_search(db, q, &o, &c))
        die(text, db);
    top_score = 0;
    while (arc_cursor_next(c, &h) == ARC_OK && h) {
        if (n == 0)
            top_score = h->score;
        if (ids && n < 20)
            ids[n] = h->id;
        n++;
    }
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    if (n_ids)
        *n_ids = n;
    return now_ms() - t0;
}

typedef struct words {
    char **v;
    size_t n, cap;
} words_t;

static void
words_add(words_t *w, const char *s, size_t len)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 256;
        w->v = realloc(w->v, w->cap * sizeof *w->v);
        if (!w->v)
            exit(3);
    }
    w->v[w->n] = malloc(len + 1);
    if (!w->v[w->n])
        exit(3);
    for (size_t i = 0; i < len; i++)
        w->v[w->n][i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    w->v[w->n][len] = '\0';
    w->n++;
}

/* The words (ASCII letters, 3 or more) of text, in order. */
static void
split_words(const char *text, words_t *out)
{
    const char *p = text;

    while (p && *p) {
        size_t len = 0;
        while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            p++;
        while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= 'A' && p[len] <= 'Z'))
            len++;
        if (len >= 3)
            words_add(out, p, len);
        p += len;
    }
}

static void
words_free(words_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    memset(w, 0, sizeof *w);
}

static int64_t span_first, span_last;   /* publication times of the archive */

/* The title and body words of a random article: the newest one published
 * before a random time of the archive's span (an OFFSET into a million
 * rows would walk them all). */
static int
random_article_words(arc_db_t *db, int64_t n_articles, words_t *out)
{
    arc_query_t *q = NULL;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h = NULL;
    arc_article_t *a = NULL;
    int64_t id = 0;

    (void)n_articles;
    if (!span_first) {
        arc_stats_t st;
        if (arc_db_stats(db, &st) || st.first_published == ARC_TIME_NONE)
            return -1;
        span_first = st.first_published;
        span_last = st.last_published + 1;
    }
    memset(&o, 0, sizeof o);
    o.sort = ARC_SORT_NEWEST;
    o.limit = 1;
    o.since = span_first;
    o.until = span_first + 1
              + (int64_t)(rnd() % (uint64_t)(span_last - span_first > 0 ? span_last - span_first : 1));
    arc_query_parse("", &q, NULL);
    if (arc_search(db, q, &o, &c) == ARC_OK && arc_cursor_next(c, &h) == ARC_OK && h)
        id = h->id;
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    if (!id || arc_article_get(db, id, &a))
        return -1;
    split_words(a->title, out);
    split_words(a->body, out);
    arc_article_destroy(a);
    return 0;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void
percentiles(double *v, size_t n, double *med, double *p99)
{
    qsort(v, n, sizeof *v, cmp_double);
    *med = n ? v[n / 2] : 0;
    *p99 = n ? v[(size_t)((double)(n - 1) * 0.99 + 0.5)] : 0;
}

static int
do_overlap(arc_db_t *db, int nq, int64_t budget)
{
    arc_stats_t stats;
    double sum = 0, sum_real = 0, *tb = calloc((size_t)nq, sizeof *tb), *te = calloc((size_t)nq, sizeof *te);
    double mb, pb, me, pe;
    int full = 0, worst = 21, n_real = 0, verbose = getenv("RANK_OVERLAP_VERBOSE") != NULL;
    char text[256], worst_q[256] = "";

    if (!tb || !te || arc_db_stats(db, &stats))
        die("stats", db);
    if (budget > 0)
        Arc_rank_set_budget(budget);
    for (int i = 0; i < nq; i++) {
        words_t w = { NULL, 0, 0 };
        int64_t b[20], e[20];
        size_t nb, ne, common = 0, k;
        int kind = (int)(rnd() % 20), degenerate;

        if (random_article_words(db, stats.articles, &w) || w.n < 4) {
            words_free(&w);
            i--;
            continue;
        }
        k = (size_t)(rnd() % (w.n - 1));
        if (kind < 10)
            snprintf(text, sizeof text, "%s", w.v[k]);
        else if (kind < 15)
            snprintf(text, sizeof text, "%s %s", w.v[k], w.v[(size_t)(rnd() % w.n)]);
        else if (kind < 18)
            snprintf(text, sizeof text, "\"%s %s\"", w.v[k], w.v[k + 1]);
        else
            snprintf(text, sizeof text, "%s OR %s", w.v[k], w.v[(size_t)(rnd() % w.n)]);
        words_free(&w);
        tb[i] = run(db, text, ARC_SORT_RELEVANCE, 0, 0, b, &nb);
        te[i] = run(db, text, ARC_SORT_RELEVANCE, 1, 0, e, &ne);
        /* every term in more than half the articles: FTS5 clamps the IDF
         * to 1e-6, scores tie and the exact order is arbitrary */
        degenerate = ne > 0 && top_score < 1e-3;
        for (size_t x = 0; x < nb; x++)
            for (size_t y = 0; y < ne; y++)
                if (b[x] == e[y]) {
                    common++;
                    break;
                }
        if (verbose)
            printf("%2zu/%2zu %8lld %s\n", common, ne, (long long)count_of(db, text), text);
        if (ne == 0) {
            sum += 1.0;
            sum_real += 1.0;
            n_real++;
            full++;
            continue;
        }
        sum += (double)common / (double)ne;
        if (!degenerate) {
            sum_real += (double)common / (double)ne;
            n_real++;
        }
        if (common == ne)
            full++;
        if ((int)common < worst) {
            worst = (int)common;
            snprintf(worst_q, sizeof worst_q, "%s", text);
        }
    }
    percentiles(tb, (size_t)nq, &mb, &pb);
    percentiles(te, (size_t)nq, &me, &pe);
    printf("queries %d articles %lld budget %lld\n", nq, (long long)stats.articles,
           (long long)(budget > 0 ? budget : 0));
    printf("average top-20 overlap %.3f; identical sets %d of %d; worst %d/20 (%s)\n",
           sum / nq, full, nq, worst, worst_q);
    printf("without the %d queries whose every term is in over half the articles"
           " (tied scores): %.3f over %d\n", nq - n_real, n_real ? sum_real / n_real : 1.0,
           n_real);
    printf("bounded: median %.2f ms p99 %.2f ms; exact: median %.2f ms p99 %.2f ms (CPU)\n",
           mb, pb, me, pe);
    free(tb);
    free(te);
    return 0;
}

#define MAX_TERMS 64

typedef struct qclass {
    const char *name;
    char *q[MAX_TERMS];
    size_t n;
} qclass_t;

static void
class_add(qclass_t *c, const char *text)
{
    if (c->n < MAX_TERMS && (c->q[c->n] = strdup(text)))
        c->n++;
}

static void
bench_class(arc_db_t *db, const qclass_t *c, int runs)
{
    static const arc_sort_t sorts[] = { ARC_SORT_RELEVANCE, ARC_SORT_NEWEST };
    static const char *const sort_names[] = { "relevance", "newest" };
    double *t = calloc((size_t)runs, sizeof *t), med, p99;

    if (!t || c->n == 0) {
        printf("%-14s (no terms found)\n", c->name);
        free(t);
        return;
    }
    for (int s = 0; s < 2; s++) {
        for (int r = 0; r < runs; r++)
            t[r] = run(db, c->q[(size_t)r % c->n], sorts[s], 0, 1, NULL, NULL);
        percentiles(t, (size_t)runs, &med, &p99);
        printf("%-14s %-9s median %7.2f ms  p99 %7.2f ms  (%zu queries, e.g. %s)\n",
               c->name, sort_names[s], med, p99, c->n, c->q[0]);
    }
    free(t);
}

static void
add_place_source(arc_db_t *db, qclass_t *psrc)
{
    arc_entity_ref_t *ents = NULL;
    size_t n_ents = 0;
    char text[512], t2[1200];

    if (arc_facets(db, NULL, NULL, ARC_ENTITY_PLACE, 0, 10, &ents, &n_ents) != ARC_OK)
        return;
    for (size_t i = 0; i < n_ents; i++) {
        arc_query_t *q = NULL;
        arc_search_opts_t o;
        arc_cursor_t *c = NULL;
        const arc_hit_t *h = NULL;
        snprintf(text, sizeof text, "place:\"%s\"", ents[i].name);
        memset(&o, 0, sizeof o);
        o.limit = 1;
        o.sort = ARC_SORT_NEWEST;
        if (arc_query_parse(text, &q, NULL) == ARC_OK && arc_search(db, q, &o, &c) == ARC_OK
            && arc_cursor_next(c, &h) == ARC_OK && h && h->source) {
            snprintf(t2, sizeof t2, "%s source:\"%s\"", text, h->source);
            class_add(psrc, t2);
        }
        arc_cursor_destroy(c);
        arc_query_destroy(q);
    }
    arc_entity_refs_free(ents, n_ents);
}

static int
do_bench(arc_db_t *db, int runs)
{
    arc_stats_t st;
    qclass_t rare = { "rare word", { 0 }, 0 }, common = { "common word", { 0 }, 0 },
             and2 = { "two-word AND", { 0 }, 0 }, phrase = { "phrase", { 0 }, 0 },
             person = { "person", { 0 }, 0 }, pmonth = { "person+month", { 0 }, 0 },
             psrc = { "place+source", { 0 }, 0 };
    qclass_t *all[] = { &rare, &common, &and2, &phrase, &person, &pmonth, &psrc };
    arc_entity_ref_t *ents = NULL;
    size_t n_ents = 0;
    char text[512], month[8], buf[32];
    int tries = 0;

    if (arc_db_stats(db, &st))
        die("stats", db);
    arc_time_format(st.last_published, buf, sizeof buf);
    snprintf(month, sizeof month, "%.7s", buf);
    while ((rare.n < 20 || common.n < 8 || and2.n < 20 || phrase.n < 20) && tries++ < 400) {
        words_t w = { NULL, 0, 0 };
        size_t k;
        int64_t df;
        if (random_article_words(db, st.articles, &w) || w.n < 4) {
            words_free(&w);
            continue;
        }
        k = (size_t)(rnd() % (w.n - 1));
        df = count_of(db, w.v[k]);
        if (df > 0 && df * 1000 <= st.articles && rare.n < 20)
            class_add(&rare, w.v[k]);
        else if (df * 4 >= st.articles && df * 2 <= st.articles && common.n < 8)
            class_add(&common, w.v[k]);
        if (and2.n < 20) {
            snprintf(text, sizeof text, "%s %s", w.v[k], w.v[(size_t)(rnd() % w.n)]);
            class_add(&and2, text);
        }
        if (phrase.n < 20) {
            snprintf(text, sizeof text, "\"%s %s\"", w.v[k], w.v[k + 1]);
            class_add(&phrase, text);
        }
        words_free(&w);
    }
    if (arc_facets(db, NULL, NULL, ARC_ENTITY_PERSON, 0, 20, &ents, &n_ents) == ARC_OK) {
        for (size_t i = 0; i < n_ents; i++) {
            snprintf(text, sizeof text, "person:\"%s\"", ents[i].name);
            class_add(&person, text);
            snprintf(text, sizeof text, "person:\"%s\" date:%s", ents[i].name, month);
            class_add(&pmonth, text);
        }
        arc_entity_refs_free(ents, n_ents);
    }
    add_place_source(db, &psrc);
    printf("articles %lld, runs per class and sort %d, top 20 with snippets and entities (CPU)\n",
           (long long)st.articles, runs);
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        bench_class(db, all[k], runs);
    if (common.n) {
        double t[20], med, p99;
        for (int r = 0; r < 20; r++) {
            arc_query_t *q = NULL;
            arc_hist_bucket_t *b = NULL;
            size_t nb = 0;
            double t0 = now_ms();
            arc_query_parse(common.q[(size_t)r % common.n], &q, NULL);
            if (arc_histogram(db, q, NULL, ARC_BUCKET_WEEK, &b, &nb))
                die("histogram", db);
            t[r] = now_ms() - t0;
            arc_free(b);
            arc_query_destroy(q);
        }
        percentiles(t, 20, &med, &p99);
        printf("%-14s %-9s median %7.2f ms  p99 %7.2f ms  (e.g. %s)\n", "histogram", "week",
               med, p99, common.q[0]);
    }
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        for (size_t i = 0; i < all[k]->n && i < 2; i++)
            printf("SQL_BASELINE %s\t%s\n", all[k]->name, all[k]->q[i]);
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        for (size_t i = 0; i < all[k]->n; i++)
            free(all[k]->q[i]);
    return 0;
}

int
main(int argc, char **argv)
{
    arc_db_t *db = NULL;
    char *err = NULL;
    int rc;

    if (argc < 3 || (strcmp(argv[1], "overlap") && strcmp(argv[1], "bench"))) {
        fprintf(stderr, "usage: rank_overlap overlap DIR [N [BUDGET]] | bench DIR [RUNS]\n");
        return 2;
    }
    if (arc_db_open(argv[2], ARC_OPEN_READONLY, &db, &err)) {
        fprintf(stderr, "rank_overlap: %s\n", err ? err : "cannot open");
        arc_free(err);
        return 3;
    }
    if (strcmp(argv[1], "overlap") == 0)
        rc = do_overlap(db, argc > 3 ? atoi(argv[3]) : 200, argc > 4 ? atoll(argv[4]) : 0);
    else
        rc = do_bench(db, argc > 3 ? atoi(argv[3]) : 50);
    arc_db_close(db);
    return rc;
}
