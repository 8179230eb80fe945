/*
 * cmd_rebuild.c - `newsindex rebuild`: re-derive the enrichment (entities,
 * dates, events) and the stories of every stored article from the stored
 * records, in id (= publication day) order, then re-apply the user's story
 * decisions. The same records always give the same stories and story ids.
 * With --captures it first re-reads every WARC file of the archive's warc/
 * (feeds and pages as fetched) through the extractors, so an improved
 * parser or extractor updates the articles (earlier text kept as versions)
 * and the archive ends equal to a fresh ingest of the same captures.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "cmd_entity.h"
#include "cmd_story.h"
#include "decisions.h"
#include "enrich.h"
#include "import.h"
#include "import_pages.h"

#define BATCH 500

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Every article id, ascending. */
static arc_status_t
all_ids(arc_db_t *db, int64_t **out, size_t *n)
{
    arc_article_scan_t *scan;
    const arc_scan_row_t *r;
    int64_t *v = NULL;
    size_t len = 0, cap = 0;
    arc_status_t st;

    *out = NULL;
    *n = 0;
    if ((st = arc_article_scan_open(db, 0, 0, 0, &scan)))
        return st;
    while ((st = arc_article_scan_next(scan, &r)) == ARC_OK && r) {
        if (len == cap) {
            int64_t *p = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *p);
            if (!p) {
                st = ARC_E_NOMEM;
                break;
            }
            v = p;
        }
        v[len++] = r->id;
    }
    arc_article_scan_destroy(scan);
    if (st) {
        free(v);
        return st;
    }
    *out = v;
    *n = len;
    return ARC_OK;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Re-read the archive's own captures, oldest file first (the names carry
 * the date), in record order within a file. Returns 0, or -1 when storage
 * failed (the message is printed). */
static int
reread_captures(arc_db_t *db, const globals_t *g)
{
    char dir[4096];
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    idx_import_t im;
    int r = 0;

    snprintf(dir, sizeof dir, "%s/warc", arc_db_path(db));
    d = opendir(dir);
    if (!d)
        return 0; /* nothing was ever captured */
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !idx_is_warc_name(de->d_name))
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p)
                break;
            names = p;
        }
        if ((names[n] = strdup(de->d_name)))
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    idx_import_init(&im, db);
    im.enrich = 0;   /* done below for every article */
    im.cluster = 0;
    im.quiet = g->quiet;
    for (size_t i = 0; i < n; i++) {
        char path[4200], ref[300];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(ref, sizeof ref, "warc/%s", names[i]);
        im.current = path;
        if (r == 0 && idx_import_warc_ref(&im, path, ref) != 0)
            r = -1;
        free(names[i]);
    }
    free(names);
    if (r == 0 && idx_import_finish(&im) != 0)
        r = -1;
    if (r == 0 && !g->quiet)
        fprintf(stderr, "newsindex: re-read %zu capture file%s: %ld new, %ld updated, "
                "%ld unchanged, %ld failed\n", n, n == 1 ? "" : "s",
                im.counts.new_articles, im.counts.updated, im.counts.duplicates,
                im.counts.failed);
    return r;
}

int
idx_cmd_rebuild(const globals_t *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "no-enrich", no_argument, NULL, 'E' },
        { "captures", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 }
    };
    arc_db_t *db;
    idx_cluster_t *cl = NULL;
    int64_t *ids = NULL;
    size_t n = 0, applied = 0, in_batch = 0;
    int c, enrich = 1, captures = 0, progress = !g->quiet && (g->progress || isatty(2));
    double t0 = now_seconds(), last = 0;
    arc_stats_t stats;
    arc_status_t st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'E')
            enrich = 0;
        else if (c == 'c')
            captures = 1;
        else
            idx_cli_usage_error("%s", "bad option for rebuild");
    }
    if (optind < argc)
        idx_cli_usage_error("rebuild takes no arguments (got '%s')", argv[optind]);
    db = idx_cli_open(g, 0);
    if (captures && reread_captures(db, g) != 0) {
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    if ((st = all_ids(db, &ids, &n)))
        goto fail;
    if ((st = arc_db_begin(db)))
        goto fail;
    if ((st = arc_story_reset_all(db)))
        goto fail;
    cl = idx_cluster_create(db, 0, NULL);
    if (!cl) {
        st = ARC_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        arc_article_t *a = NULL;
        const char *text;

        if ((st = arc_article_get(db, ids[i], &a)))
            goto fail;
        text = a->body && *a->body ? a->body : a->summary;
        if (enrich)
            st = idx_enrich_article(db, a->id, a->title, text, a->published);
        if (!st)
            st = idx_cluster_add(cl, a->id, a->title, text, a->published, NULL);
        arc_article_destroy(a);
        if (st)
            goto fail;
        if (++in_batch >= BATCH) {
            in_batch = 0;
            if ((st = arc_db_commit(db)) || (st = arc_db_begin(db)))
                goto fail;
        }
        if (progress && now_seconds() - last > 0.25) {
            last = now_seconds();
            fprintf(stderr, "\r\033[Krebuild: %zu/%zu articles", i + 1, n);
        }
    }
    if ((st = idx_decisions_reapply(db, &applied)))
        goto fail;
    /* entity merges and renames (issue 3); re-enrichment already follows
     * their redirects and aliases, this makes sure each is in effect */
    {
        size_t ent_applied = 0;
        if ((st = idx_entity_decisions_reapply(db, &ent_applied)))
            goto fail;
        applied += ent_applied;
    }
    if ((st = arc_db_commit(db)))
        goto fail;
    if (progress)
        fprintf(stderr, "\r\033[K");
    if (arc_db_stats(db, &stats) == ARC_OK && !g->quiet)
        fprintf(stderr, "newsindex: rebuilt %zu articles into %lld stories, "
                "%zu decision%s re-applied, in %.2f s (clustering %.2f s)\n",
                n, (long long)stats.stories, applied, applied == 1 ? "" : "s",
                now_seconds() - t0, idx_cluster_seconds(cl));
    idx_cluster_destroy(cl);
    free(ids);
    arc_db_close(db);
    return 0;
fail:
    if (progress)
        fprintf(stderr, "\r\033[K");
    fprintf(stderr, "newsindex: rebuild failed: %s\n", arc_db_errmsg(db));
    arc_db_rollback(db);
    idx_cluster_destroy(cl);
    free(ids);
    arc_db_close(db);
    return EXIT_ARCHIVE;
}
