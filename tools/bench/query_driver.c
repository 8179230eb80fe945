/*
 * query_driver.c - the query half of the benchmark suite (tools/bench/run).
 *
 *   query_driver [--n N] [--seed S] [--sample K] [--cli NEWSQUERY] [--cli-n M]
 *                [--budget ROWS] ARCHIVE
 *   query_driver --one QUERY [--n N] [--sort newest] ARCHIVE
 *   query_driver --one-timeline ENTITY --year YYYY [--n N] ARCHIVE
 *
 * Draws N queries of each class deterministically from the archive itself
 * (a seeded sample of K articles: their words, phrases, people, places,
 * sources, months and stories), runs each through the archive library in
 * this process (so process start-up does not hide the query time), and,
 * with --cli, runs the first M of each class end to end through the
 * newsquery program as well. Prints one line per class, and for the
 * search classes a second one (class name + "_newest") with --sort newest:
 *
 *   QUERY class=rare n=200 median_ms=0.41 p99_ms=2.10 min_ms=0.20
 *         max_ms=3.00 cpu_median_ms=0.40 cpu_p99_ms=2.00 mean_results=37.2
 *         [cli_n=50 cli_median_ms=9.1 cli_p99_ms=14.0]
 *
 * median_ms/p99_ms are wall time, cpu_* the process's CPU time (user +
 * system) per query. QUERY_DRIVER_SLOW=MS also prints every query of a
 * class that took at least MS of CPU (SLOW lines); QUERY_DRIVER_CLASSES
 * (e.g. "rare,and2") measures only the classes it names. QUERY_DRIVER_OVERLAP=1
 * also runs each relevance search again with exact BM25 (--exact-rank,
 * untimed) and prints, per search class, the average overlap of the two
 * top 20s (|bounded ∩ exact| / |exact|) and the worst query (OVERLAP lines);
 * QUERY_DRIVER_OVERLAP=2 also each query's (OVERLAP_ONE lines).
 *
 * Classes: rare word, common word, two-word AND, phrase, person filter,
 * person + one-month range, place + source, histogram by week, timeline of
 * a busy person over a year, story page. A search is what the search page
 * needs: the top 20 by relevance with snippets. --one runs the one search
 * QUERY N times (10 unless --n) and prints the CPU ms of each and their
 * median (ONE lines), for profiling one slow query; --one-timeline the
 * same for the timeline of entity ENTITY over year YYYY. Exit status 0,
 * 1 when the
 * archive cannot be read or holds too little to draw from, 2 usage.
 */
#include <ctype.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "archive-private.h"   /* Arc_rank_set_budget */
#include "newsarc.h"

extern char **environ;

enum { C_RARE, C_COMMON, C_AND, C_PHRASE, C_PERSON, C_PERSON_MONTH,
       C_PLACE_SOURCE, C_HISTOGRAM, C_TIMELINE, C_STORY, N_CLASSES };

static const char *const class_name[N_CLASSES] = {
    "rare", "common", "and2", "phrase", "person", "person_month",
    "place_source", "histogram_week", "timeline_year", "story_page"
};

/* ---- a deterministic PRNG (splitmix64) ---- */
static uint64_t rng_state;

static uint64_t
rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t
rng_below(size_t n)
{
    return n ? (size_t)(rng_next() % n) : 0;
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this process (user + system): the honest figure on a
 * shared machine, where wall time also measures the neighbours. */
static double
cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "query_driver: out of memory\n");
        exit(1);
    }
    return p;
}

static char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* ---- word document frequencies over the sample (open addressing) ---- */
typedef struct word { char *w; int df; int last_doc; } word_t;
static word_t *words;
static size_t words_cap, words_n;

static uint64_t
hash_str(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void
word_add(const char *s, size_t n, int doc)
{
    size_t i;

    if (words_n * 2 >= words_cap) {
        word_t *old = words;
        size_t oc = words_cap;
        words_cap = oc ? oc * 2 : 1 << 14;
        words = calloc(words_cap, sizeof *words);
        if (!words)
            exit(1);
        for (size_t k = 0; k < oc; k++)
            if (old[k].w) {
                i = hash_str(old[k].w, strlen(old[k].w)) & (words_cap - 1);
                while (words[i].w)
                    i = (i + 1) & (words_cap - 1);
                words[i] = old[k];
            }
        free(old);
    }
    i = hash_str(s, n) & (words_cap - 1);
    while (words[i].w) {
        if (strlen(words[i].w) == n && memcmp(words[i].w, s, n) == 0) {
            if (words[i].last_doc != doc) {
                words[i].df++;
                words[i].last_doc = doc;
            }
            return;
        }
        i = (i + 1) & (words_cap - 1);
    }
    words[i].w = xmalloc(n + 1);
    memcpy(words[i].w, s, n);
    words[i].w[n] = '\0';
    words[i].df = 1;
    words[i].last_doc = doc;
    words_n++;
}

/* Lower-case ASCII words of 3+ letters; others are skipped. */
static void
add_words(const char *text, int doc)
{
    char buf[64];
    size_t n = 0;

    for (const char *p = text;; p++) {
        if (*p && isalpha((unsigned char)*p) && !((unsigned char)*p & 0x80)) {
            if (n < sizeof buf)
                buf[n] = (char)tolower((unsigned char)*p);
            n++;
            continue;
        }
        if (n >= 3 && n < sizeof buf)
            word_add(buf, n, doc);
        n = 0;
        if (!*p)
            break;
    }
}

/* Three consecutive plain words (letters only, single spaces) from body,
 * starting near a random point; NULL when none found. */
static char *
pick_phrase(const char *body)
{
    size_t len = strlen(body), start;

    if (len < 40)
        return NULL;
    start = rng_below(len / 2);
    for (const char *p = body + start; *p; p++) {
        const char *q = p;
        int words_seen = 0;

        if (p != body && isalpha((unsigned char)p[-1]))
            continue;
        while (words_seen < 3) {
            const char *w = q;
            while (*q && isalpha((unsigned char)*q) && !((unsigned char)*q & 0x80))
                q++;
            if (q - w < 3)
                break;
            words_seen++;
            if (words_seen < 3) {
                if (*q != ' ')
                    break;
                q++;
            }
        }
        if (words_seen == 3 && !isalpha((unsigned char)*q)) {
            size_t n = (size_t)(q - p);
            char *out = xmalloc(n + 3);
            out[0] = '"';
            memcpy(out + 1, p, n);
            out[n + 1] = '"';
            out[n + 2] = '\0';
            return out;
        }
    }
    return NULL;
}

/* ---- what the sample gives ---- */
typedef struct sample {
    int64_t id, published, story;
    char *source, *person, *place, *phrase;
    int64_t person_id;
} sample_t;

/* One query of a class: text (or NULL), options, and what the CLI gets. */
typedef struct query {
    char *text;
    int64_t since, until, entity, story;
    char *cli[16];
    int n_cli;
} query_t;

static void
cli_add(query_t *q, const char *arg)
{
    if (q->n_cli < 15)
        q->cli[q->n_cli++] = xstrdup(arg);
}

static char *
fmt(const char *f, const char *a, const char *b)
{
    char buf[1024];
    snprintf(buf, sizeof buf, f, a, b ? b : "");
    return xstrdup(buf);
}

static void
day_string(int64_t t, char *out, size_t n)
{
    int y, m, d;
    arc_civil_from_days(t >= 0 ? t / 86400 : -((-t + 86399) / 86400), &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02d", y, m, d);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int
cmp_word_df(const void *a, const void *b)
{
    const word_t *x = a, *y = b;
    if (x->df != y->df)
        return x->df - y->df;
    return strcmp(x->w, y->w);
}

/* Run one query in process (searches in the given order); returns the
 * number of results (or -1). */
static long
run_query(arc_db_t *db, int cls, const query_t *q, arc_sort_t sort)
{
    arc_search_opts_t o;
    arc_query_t *aq = NULL;
    arc_query_error_t qe;
    long results = 0;

    memset(&o, 0, sizeof o);
    if (cls == C_TIMELINE) {
        arc_entity_timeline_t *t;
        const arc_timeline_entry_t *e;
        o.since = q->since;
        o.until = q->until;
        if (arc_entity_timeline_open(db, q->entity, &o, &t))
            return -1;
        while (arc_entity_timeline_next(t, &e) == ARC_OK && e)
            results++;
        arc_entity_timeline_destroy(t);
        return results;
    }
    if (cls == C_STORY) {
        arc_story_t *s;
        arc_story_member_t *m;
        size_t n = 0;
        arc_timeline_t *t;
        const arc_timeline_entry_t *e;
        if (arc_story_get(db, q->story, &s))
            return -1;
        arc_story_destroy(s);
        if (arc_story_members(db, q->story, 1, &m, &n))
            return -1;
        arc_story_members_free(m, n);
        results = (long)n;
        if (arc_timeline_open(db, NULL, q->story, &o, &t) == ARC_OK) {
            while (arc_timeline_next(t, &e) == ARC_OK && e)
                ;
            arc_timeline_destroy(t);
        }
        return results;
    }
    if (arc_query_parse(q->text, &aq, &qe))
        return -1;
    if (cls == C_HISTOGRAM) {
        arc_hist_bucket_t *b = NULL;
        size_t n = 0;
        if (arc_histogram(db, aq, &o, ARC_BUCKET_WEEK, &b, &n) == ARC_OK) {
            for (size_t i = 0; i < n; i++)
                results += (long)b[i].count;
            arc_free(b);
        } else {
            results = -1;
        }
    } else {
        arc_cursor_t *c;
        const arc_hit_t *h;
        o.limit = 20;
        o.want_snippet = 1;
        o.sort = sort;
        if (arc_search(db, aq, &o, &c) == ARC_OK) {
            while (arc_cursor_next(c, &h) == ARC_OK && h)
                results++;
            arc_cursor_destroy(c);
        } else {
            results = -1;
        }
    }
    arc_query_destroy(aq);
    return results;
}

/* The ids of the top 20 of search q (exact BM25 when exact), into ids;
 * how many, or -1. */
static int
top_ids(arc_db_t *db, const query_t *q, int exact, int64_t ids[20])
{
    arc_query_t *aq = NULL;
    arc_query_error_t qe;
    arc_search_opts_t o;
    arc_cursor_t *c;
    const arc_hit_t *h;
    int n = 0;

    if (!q->text || arc_query_parse(q->text, &aq, &qe))
        return -1;
    memset(&o, 0, sizeof o);
    o.limit = 20;
    o.sort = ARC_SORT_RELEVANCE;
    o.exact_rank = exact;
    if (arc_search(db, aq, &o, &c) == ARC_OK) {
        while (n < 20 && arc_cursor_next(c, &h) == ARC_OK && h)
            ids[n++] = h->id;
        arc_cursor_destroy(c);
    } else {
        n = -1;
    }
    arc_query_destroy(aq);
    return n;
}

/* Run newsquery with q's arguments, output to /dev/null; milliseconds. */
static double
run_cli(const char *prog, const char *archive, const query_t *q)
{
    char *argv[24];
    int n = 0, status;
    pid_t pid;
    posix_spawn_file_actions_t fa;
    double t0;

    argv[n++] = (char *)prog;
    argv[n++] = "--archive";
    argv[n++] = (char *)archive;
    for (int i = 0; i < q->n_cli; i++)
        argv[n++] = q->cli[i];
    argv[n] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    t0 = now_ms();
    if (posix_spawn(&pid, prog, &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&fa);
    return now_ms() - t0;
}

static void
stats(double *v, int n, double *med, double *p99)
{
    int k;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    k = (int)((n * 99 + 99) / 100) - 1; /* nearest rank */
    *p99 = v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

int
main(int argc, char **argv)
{
    int n_queries = 200, n_sample = 2000, cli_n = 50;
    const char *cli = NULL, *dir, *one = NULL;
    int one_newest = 0, n_set = 0, one_year = 0;
    int64_t one_entity = 0;
    uint64_t seed = 1;
    arc_db_t *db;
    char *err = NULL;
    int64_t *ids = NULL;
    size_t n_ids = 0, cap_ids = 0, n_s = 0;
    sample_t *smp;
    query_t *qs[N_CLASSES];
    word_t *wl;
    size_t n_rare = 0, lo_mid, hi_mid, lo_common;
    arc_stats_t st;
    int i;

    arc_global_init();          /* as newsquery */
    for (i = 1; i < argc - 1; i++) {
        if (strcmp(argv[i], "--n") == 0)
            n_queries = atoi(argv[++i]), n_set = 1;
        else if (strcmp(argv[i], "--one") == 0)
            one = argv[++i];
        else if (strcmp(argv[i], "--one-timeline") == 0)
            one_entity = atoll(argv[++i]), one = "";
        else if (strcmp(argv[i], "--year") == 0)
            one_year = atoi(argv[++i]);
        else if (strcmp(argv[i], "--sort") == 0)
            one_newest = strcmp(argv[++i], "newest") == 0;
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--sample") == 0)
            n_sample = atoi(argv[++i]);
        else if (strcmp(argv[i], "--cli") == 0)
            cli = argv[++i];
        else if (strcmp(argv[i], "--cli-n") == 0)
            cli_n = atoi(argv[++i]);
        else if (strcmp(argv[i], "--budget") == 0)
            Arc_rank_set_budget(atoll(argv[++i]));
        else
            break;
    }
    if (i != argc - 1 || n_queries < 1 || n_sample < 10 || (one_entity && one_year < 1)) {
        fprintf(stderr, "usage: query_driver [--n N] [--seed S] [--sample K] "
                "[--cli NEWSQUERY] [--cli-n M] [--budget ROWS] ARCHIVE\n"
                "       query_driver --one QUERY [--n N] [--sort newest] ARCHIVE\n"
                "       query_driver --one-timeline ENTITY --year YYYY [--n N] ARCHIVE\n");
        return 2;
    }
    dir = argv[argc - 1];
    rng_state = seed;
    if (arc_db_open(dir, ARC_OPEN_READONLY, &db, &err)) {
        fprintf(stderr, "query_driver: %s\n", err ? err : dir);
        return 1;
    }
    if (one) {
        query_t q;
        int m = n_set ? n_queries : 10;
        double *v = calloc((size_t)m, sizeof *v), med, p99;
        memset(&q, 0, sizeof q);
        q.text = (char *)one;
        q.entity = one_entity;
        q.since = arc_days_from_civil(one_year, 1, 1) * 86400;
        q.until = arc_days_from_civil(one_year + 1, 1, 1) * 86400;
        for (int k = 0; v && k < m; k++) {
            double c0 = cpu_ms();
            long r = run_query(db, one_entity ? C_TIMELINE : C_PHRASE, &q,
                               one_newest ? ARC_SORT_NEWEST : ARC_SORT_RELEVANCE);
            v[k] = cpu_ms() - c0;
            printf("ONE run=%d cpu_ms=%.2f results=%ld\n", k, v[k], r);
        }
        if (!v)
            return 1;
        stats(v, m, &med, &p99);
        printf("ONE median_cpu_ms=%.2f query=%s\n", med, one);
        free(v);
        arc_db_close(db);
        return 0;
    }
    if (arc_db_stats(db, &st) || st.articles < 10) {
        fprintf(stderr, "query_driver: %s: too few articles\n", dir);
        return 1;
    }

    /* a seeded sample of ids: the newest article published before each of
     * n_sample random times of the archive's span (listing every id would
     * read every row of a million-article archive) */
    {
        int64_t t0 = st.first_published != ARC_TIME_NONE ? st.first_published : 1;
        int64_t t1 = (st.last_published != ARC_TIME_NONE ? st.last_published : t0) + 1;

        for (int k = 0; k < n_sample; k++) {
            arc_query_t *all = NULL;
            arc_search_opts_t o;
            arc_cursor_t *c;
            const arc_hit_t *h;

            memset(&o, 0, sizeof o);
            o.since = t0;
            o.until = t0 + 1 + (int64_t)rng_below((size_t)(t1 - t0));
            o.sort = ARC_SORT_NEWEST;
            o.limit = 1;
            if (arc_query_parse("", &all, NULL) || arc_search(db, all, &o, &c)) {
                fprintf(stderr, "query_driver: listing the archive: %s\n", arc_db_errmsg(db));
                return 1;
            }
            while (arc_cursor_next(c, &h) == ARC_OK && h) {
                if (n_ids == cap_ids) {
                    cap_ids = cap_ids ? cap_ids * 2 : 4096;
                    ids = realloc(ids, cap_ids * sizeof *ids);
                    if (!ids)
                        return 1;
                }
                ids[n_ids++] = h->id;
            }
            arc_cursor_destroy(c);
            arc_query_destroy(all);
        }
    }
    if ((size_t)n_sample > n_ids)
        n_sample = (int)n_ids;
    smp = calloc((size_t)n_sample, sizeof *smp);
    if (!smp)
        return 1;
    for (int k = 0; k < n_sample; k++) {
        arc_article_t *a;
        arc_entity_ref_t *refs = NULL;
        size_t n_refs = 0;
        sample_t *s = &smp[n_s];

        if (arc_article_get(db, ids[rng_below(n_ids)], &a))
            continue;
        s->id = a->id;
        s->published = a->published;
        s->story = a->story;
        s->source = xstrdup(a->source ? a->source : "");
        add_words(a->title ? a->title : "", (int)n_s);
        if (a->body) {
            add_words(a->body, (int)n_s);
            s->phrase = pick_phrase(a->body);
        }
        if (arc_article_entities(db, a->id, &refs, &n_refs) == ARC_OK) {
            for (size_t r = 0; r < n_refs; r++) {
                if (refs[r].kind == ARC_ENTITY_PERSON && !s->person) {
                    s->person = xstrdup(refs[r].name);
                    s->person_id = refs[r].id;
                } else if (refs[r].kind == ARC_ENTITY_PLACE && !s->place) {
                    s->place = xstrdup(refs[r].name);
                }
            }
            arc_entity_refs_free(refs, n_refs);
        }
        arc_article_destroy(a);
        n_s++;
    }

    /* words by sample document frequency */
    wl = xmalloc(words_n * sizeof *wl);
    for (size_t k = 0, j = 0; k < words_cap; k++)
        if (words[k].w)
            wl[j++] = words[k];
    qsort(wl, words_n, sizeof *wl, cmp_word_df);
    while (n_rare < words_n && wl[n_rare].df == 1)
        n_rare++;
    lo_mid = n_rare;
    while (lo_mid < words_n && wl[lo_mid].df < (int)(n_s / 50 + 2))
        lo_mid++;
    hi_mid = lo_mid;
    while (hi_mid < words_n && wl[hi_mid].df <= (int)(n_s / 5))
        hi_mid++;
    lo_common = hi_mid;
    while (lo_common < words_n && wl[lo_common].df < (int)(n_s * 3 / 10))
        lo_common++;
    if (n_rare == 0 || hi_mid <= lo_mid || lo_common >= words_n) {
        fprintf(stderr, "query_driver: the sample has too few distinct words\n");
        return 1;
    }

    /* the queries */
    for (int c = 0; c < N_CLASSES; c++) {
        qs[c] = calloc((size_t)n_queries, sizeof *qs[c]);
        if (!qs[c])
            return 1;
    }
    {
        int64_t y0 = 0, y1 = 0;
        int yy, mm, dd;
        if (st.first_published != ARC_TIME_NONE) {
            arc_civil_from_days(st.first_published / 86400, &yy, &mm, &dd);
            y0 = yy;
            arc_civil_from_days(st.last_published / 86400, &yy, &mm, &dd);
            y1 = yy;
        }
        for (int k = 0; k < n_queries; k++) {
            query_t *q;
            const sample_t *s;
            char buf[512], d1[16], d2[16];
            int tries;

            q = &qs[C_RARE][k];
            q->text = xstrdup(wl[rng_below(n_rare)].w);
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");

            q = &qs[C_COMMON][k];
            q->text = xstrdup(wl[lo_common + rng_below(words_n - lo_common)].w);
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");

            q = &qs[C_AND][k];
            q->text = fmt("%s %s", wl[lo_mid + rng_below(hi_mid - lo_mid)].w,
                          wl[lo_mid + rng_below(hi_mid - lo_mid)].w);
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");

            q = &qs[C_PHRASE][k];
            for (tries = 0, s = &smp[rng_below(n_s)]; !s->phrase && tries < 1000; tries++)
                s = &smp[rng_below(n_s)];
            q->text = xstrdup(s->phrase ? s->phrase : "\"the government said\"");
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");

            for (tries = 0, s = &smp[rng_below(n_s)]; !s->person && tries < 1000; tries++)
                s = &smp[rng_below(n_s)];
            q = &qs[C_PERSON][k];
            q->text = fmt("person:\"%s\"", s->person ? s->person : "none", NULL);
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");
            q = &qs[C_PERSON_MONTH][k];
            day_string(s->published, d1, sizeof d1);
            d1[7] = '\0';
            snprintf(buf, sizeof buf, "person:\"%s\" date:%s", s->person ? s->person : "none", d1);
            q->text = xstrdup(buf);
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");

            for (tries = 0, s = &smp[rng_below(n_s)]; !s->place && tries < 1000; tries++)
                s = &smp[rng_below(n_s)];
            q = &qs[C_PLACE_SOURCE][k];
            snprintf(buf, sizeof buf, "place:\"%s\" source:\"%s\"",
                     s->place ? s->place : "none", s->source);
            q->text = xstrdup(buf);
            cli_add(q, "search"); cli_add(q, q->text); cli_add(q, "--format"); cli_add(q, "json");

            q = &qs[C_HISTOGRAM][k];
            q->text = xstrdup(wl[lo_mid + rng_below(words_n - lo_mid)].w);
            cli_add(q, "histogram"); cli_add(q, q->text); cli_add(q, "--by"); cli_add(q, "week");
            cli_add(q, "--format"); cli_add(q, "json");

            /* a busy person: the person of a sampled article weighted by
             * mentions (popular people are sampled more often) */
            for (tries = 0, s = &smp[rng_below(n_s)]; !s->person && tries < 1000; tries++)
                s = &smp[rng_below(n_s)];
            q = &qs[C_TIMELINE][k];
            q->entity = s->person_id;
            yy = (int)(y0 + (int64_t)rng_below((size_t)(y1 - y0 + 1)));
            q->since = arc_days_from_civil(yy, 1, 1) * 86400;
            q->until = arc_days_from_civil(yy + 1, 1, 1) * 86400;
            snprintf(buf, sizeof buf, "%lld", (long long)q->entity);
            day_string(q->since, d1, sizeof d1);
            day_string(q->until - 86400, d2, sizeof d2);
            cli_add(q, "timeline"); cli_add(q, "--entity"); cli_add(q, buf);
            cli_add(q, "--since"); cli_add(q, d1); cli_add(q, "--until"); cli_add(q, d2);
            cli_add(q, "--format"); cli_add(q, "json");

            for (tries = 0, s = &smp[rng_below(n_s)]; !s->story && tries < 1000; tries++)
                s = &smp[rng_below(n_s)];
            q = &qs[C_STORY][k];
            q->story = s->story ? s->story : 1;
            snprintf(buf, sizeof buf, "%lld", (long long)q->story);
            cli_add(q, "story"); cli_add(q, buf); cli_add(q, "--format"); cli_add(q, "json");
        }
    }

    /* measure: one warm-up pass over a few queries, then every query; the
     * search classes once per order (relevance, then newest first) */
    for (int c = 0; c < N_CLASSES; c++)
        for (int k = 0; k < 3 && k < n_queries; k++)
            run_query(db, c, &qs[c][k], ARC_SORT_RELEVANCE);
    for (int c = 0; c < N_CLASSES; c++) {
        int searches = c <= C_PLACE_SOURCE;
        const char *only = getenv("QUERY_DRIVER_CLASSES");
        if (only && !strstr(only, class_name[c]))
            continue;
        for (int so = 0; so < (searches ? 2 : 1); so++) {
            arc_sort_t sort = so ? ARC_SORT_NEWEST : ARC_SORT_RELEVANCE;
            double *t = xmalloc((size_t)n_queries * sizeof *t), med, p99;
            double *u = xmalloc((size_t)n_queries * sizeof *u), cmed, cp99;
            double sum_results = 0;
            int failed = 0;

            for (int k = 0; k < n_queries; k++) {
                double t0 = now_ms(), c0 = cpu_ms();
                long r = run_query(db, c, &qs[c][k], sort);
                t[k] = now_ms() - t0;
                u[k] = cpu_ms() - c0;
                if (r < 0)
                    failed++;
                else
                    sum_results += (double)r;
            }
            stats(t, n_queries, &med, &p99);
            stats(u, n_queries, &cmed, &cp99);
            printf("QUERY class=%s%s n=%d median_ms=%.3f p99_ms=%.3f min_ms=%.3f max_ms=%.3f "
                   "cpu_median_ms=%.3f cpu_p99_ms=%.3f mean_results=%.1f failed=%d",
                   class_name[c], so ? "_newest" : "", n_queries, med, p99, t[0],
                   t[n_queries - 1], cmed, cp99,
                   sum_results / (n_queries - failed > 0 ? n_queries - failed : 1), failed);
            if (cli && !so) {
                int m = cli_n < n_queries ? cli_n : n_queries;
                for (int k = 0; k < m; k++)
                    t[k] = run_cli(cli, dir, &qs[c][k]);
                stats(t, m, &med, &p99);
                printf(" cli_n=%d cli_median_ms=%.2f cli_p99_ms=%.2f", m, med, p99);
            }
            printf(" example=newsquery");
            for (int a = 0; a < qs[c][0].n_cli; a++)
                printf(strchr(qs[c][0].cli[a], ' ') ? " '%s'" : " %s", qs[c][0].cli[a]);
            if (so)
                printf(" --sort newest");
            printf("\n");
            if (getenv("QUERY_DRIVER_OVERLAP") && !so && c != C_HISTOGRAM && c != C_TIMELINE
                && c != C_STORY) {
                double sum = 0, worst = 2;
                int n_ov = 0, same = 0, worst_k = -1;
                for (int k = 0; k < n_queries; k++) {
                    int64_t b[20], e[20];
                    int nb = top_ids(db, &qs[c][k], 0, b), ne = top_ids(db, &qs[c][k], 1, e);
                    int hit = 0;
                    double ov;
                    if (nb < 0 || ne < 0)
                        continue;
                    for (int x = 0; x < ne; x++)
                        for (int j = 0; j < nb; j++)
                            hit += e[x] == b[j];
                    ov = ne ? (double)hit / ne : (nb ? 0 : 1);
                    if (atoi(getenv("QUERY_DRIVER_OVERLAP")) >= 2)
                        printf("OVERLAP_ONE class=%s overlap=%.2f query=%s\n", class_name[c], ov,
                               qs[c][k].text ? qs[c][k].text : "-");
                    sum += ov;
                    n_ov++;
                    same += ov == 1.0 && nb == ne;
                    if (ov < worst) {
                        worst = ov;
                        worst_k = k;
                    }
                }
                printf("OVERLAP class=%s n=%d mean=%.3f identical=%d worst=%.2f worst_query=%s\n",
                       class_name[c], n_ov, n_ov ? sum / n_ov : 0, same, worst,
                       worst_k >= 0 && qs[c][worst_k].text ? qs[c][worst_k].text : "-");
            }
            if (getenv("QUERY_DRIVER_SLOW")) {
                /* the slowest queries of the class, for finding what to bound */
                for (int k = 0; k < n_queries; k++) {
                    double c0 = cpu_ms();
                    run_query(db, c, &qs[c][k], sort);
                    if (cpu_ms() - c0 >= atof(getenv("QUERY_DRIVER_SLOW"))) {
                        char what[96];
                        snprintf(what, sizeof what, "entity=%lld story=%lld since=%lld",
                                 (long long)qs[c][k].entity, (long long)qs[c][k].story,
                                 (long long)qs[c][k].since);
                        printf("SLOW class=%s%s cpu_ms=%.1f query=%s\n", class_name[c],
                               so ? "_newest" : "", cpu_ms() - c0,
                               qs[c][k].text ? qs[c][k].text : what);
                    }
                }
            }
            fflush(stdout);
            free(t);
            free(u);
        }
    }

    for (int c = 0; c < N_CLASSES; c++) {
        for (int k = 0; k < n_queries; k++) {
            free(qs[c][k].text);
            for (int a = 0; a < qs[c][k].n_cli; a++)
                free(qs[c][k].cli[a]);
        }
        free(qs[c]);
    }
    for (size_t k = 0; k < n_s; k++) {
        free(smp[k].source);
        free(smp[k].person);
        free(smp[k].place);
        free(smp[k].phrase);
    }
    for (size_t k = 0; k < words_cap; k++)
        free(words[k].w);
    free(words);
    free(wl);
    free(smp);
    free(ids);
    arc_db_close(db);
    return 0;
}
