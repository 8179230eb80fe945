/*
 * import.c - the ingestion pipeline: inputs -> parsers -> archive.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "enrich.h"
#include "feed.h"
#include "import.h"
#include "jsonl.h"

#define MAX_DOCUMENT (256L * 1024 * 1024) /* largest feed/page read whole */

void
idx_import_init(idx_import_t *im, arc_db_t *db)
{
    memset(im, 0, sizeof *im);
    im->db = db;
    im->enrich = 1;
    im->cluster = 1;
    im->batch = 500;
    im->err = stderr;
}

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
show_progress(idx_import_t *im, int force)
{
    double t;
    const idx_counts_t *c = &im->counts;

    if (!im->progress)
        return;
    t = now_seconds();
    if (!force && t - im->last_progress < 0.25)
        return;
    im->last_progress = t;
    fprintf(im->err, "\r\033[K%s: %ld new, %ld updated, %ld duplicate, %ld failed",
            im->current ? im->current : "", c->new_articles, c->updated,
            c->duplicates, c->failed);
    fflush(im->err);
}

static void
clear_progress(idx_import_t *im)
{
    if (im->progress)
        fprintf(im->err, "\r\033[K");
}

/* Report a problem with an input (the progress line is cleared first). */
static void
report(idx_import_t *im, const char *fmt, const char *a, const char *b)
{
    clear_progress(im);
    fprintf(im->err, fmt, a, b);
    fputc('\n', im->err);
}

static int
storage_failed(idx_import_t *im, arc_status_t st)
{
    im->fatal = st;
    clear_progress(im);
    fprintf(im->err, "newsindex: %s\n", arc_db_errmsg(im->db));
    arc_db_rollback(im->db);
    im->in_batch = 0;
    return -1;
}

/* After a successful commit: the running counts, when asked for. */
static void
log_commit(idx_import_t *im)
{
    const idx_counts_t *c = &im->counts;

    if (!im->log_commits)
        return;
    clear_progress(im);
    fprintf(im->err, "newsindex: committed: %ld new, %ld updated, %ld duplicate, %ld failed\n",
            c->new_articles, c->updated, c->duplicates, c->failed);
    fflush(im->err);
}

int
idx_import_item(idx_import_t *im, idx_item_t *it)
{
    arc_article_t a;
    arc_put_result_t res;
    int64_t id;
    arc_status_t st;
    const char *text;

    if (im->in_batch == 0) {
        st = arc_db_begin(im->db);
        if (st)
            return storage_failed(im, st);
    }
    memset(&a, 0, sizeof a);
    a.url = it->url;
    a.guid = it->guid;
    a.source = it->source;
    a.source_site = it->source_site;
    a.title = it->title;
    a.byline = it->byline;
    a.published = it->published;
    a.published_src = "feed";
    a.lang = it->lang;
    /* A feed that carries no separate content puts the article's text in its
     * description: then that text is the body we have. */
    if (it->body && *it->body) {
        a.summary = it->summary;
        a.body = it->body;
    } else {
        a.body = it->summary;
    }
    st = arc_article_put(im->db, &a, &id, &res);
    if (st == ARC_E_BAD_ARG) {
        char where[64];
        snprintf(where, sizeof where, "%d", it->position);
        clear_progress(im);
        fprintf(im->err, "%s: item %s: %s\n", im->current, where, arc_db_errmsg(im->db));
        im->counts.failed++;
        return 0;
    }
    if (st)
        return storage_failed(im, st);
    switch (res) {
    case ARC_PUT_NEW: im->counts.new_articles++; break;
    case ARC_PUT_UPDATED: im->counts.updated++; break;
    case ARC_PUT_DUPLICATE: im->counts.duplicates++; break;
    }
    if (res != ARC_PUT_DUPLICATE) {
        text = it->body && *it->body ? it->body : it->summary;
        if (im->enrich) {
            st = idx_enrich_article(im->db, id, it->title, text, it->published);
            if (st)
                return storage_failed(im, st);
        }
        if (im->cluster && res == ARC_PUT_NEW) {
            st = idx_cluster_article(im->db, id, it->title, text, it->published);
            if (st)
                return storage_failed(im, st);
        }
    }
    if (++im->in_batch >= im->batch) {
        st = arc_db_commit(im->db);
        im->in_batch = 0;
        if (st)
            return storage_failed(im, st);
        log_commit(im);
    }
    show_progress(im, 0);
    return 0;
}

int
idx_import_finish(idx_import_t *im)
{
    arc_status_t st;

    if (im->in_batch) {
        im->in_batch = 0;
        st = arc_db_commit(im->db);
        if (st)
            return storage_failed(im, st);
        log_commit(im);
    }
    clear_progress(im);
    return 0;
}

/* An item the parser found: store it or report why not. */
static int
take_item(idx_import_t *im, idx_item_t *it, const char *unit)
{
    if (it->reject) {
        char pos[32];
        snprintf(pos, sizeof pos, "%s %d", unit, it->position);
        clear_progress(im);
        fprintf(im->err, "%s: %s: %s (skipped)\n", im->current, pos, it->reject);
        im->counts.failed++;
        return 0;
    }
    return idx_import_item(im, it);
}

static int
on_jsonl_item(void *ctx, idx_item_t *it)
{
    return take_item(ctx, it, "line");
}

static void
on_jsonl_bad(void *ctx, long line, const char *reason)
{
    idx_import_t *im = ctx;
    char buf[48];

    snprintf(buf, sizeof buf, "line %ld", line);
    clear_progress(im);
    fprintf(im->err, "%s: %s: %s (skipped)\n", im->current, buf, reason);
    im->counts.failed++;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int
import_jsonl_stream(idx_import_t *im, FILE *f)
{
    int r = idx_jsonl_read(f, on_jsonl_item, on_jsonl_bad, im);

    if (r < 0) {
        report(im, "%s: read error: %s", im->current, strerror(errno));
        im->counts.files_failed++;
        return 0;
    }
    return im->fatal ? -1 : 0;
}

/* Read a whole file into memory (bounded). */
static char *
slurp(FILE *f, size_t *len, const char **why)
{
    size_t cap = 65536, n = 0, got;
    char *buf = malloc(cap + 1), *p;

    *why = NULL;
    if (!buf) {
        *why = "out of memory";
        return NULL;
    }
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= (size_t)MAX_DOCUMENT) {
                free(buf);
                *why = "document larger than 256 MiB";
                return NULL;
            }
            cap *= 2;
            p = realloc(buf, cap + 1);
            if (!p) {
                free(buf);
                *why = "out of memory";
                return NULL;
            }
            buf = p;
        }
    }
    if (ferror(f)) {
        free(buf);
        *why = strerror(errno);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int
import_feed(idx_import_t *im, const char *buf, size_t len)
{
    idx_feed_t *feed = NULL;
    char *err = NULL;

    if (idx_feed_parse(buf, len, im->current, &feed, &err) != 0) {
        clear_progress(im);
        fprintf(im->err, "%s\n", err ? err : "cannot parse feed");
        free(err);
        im->counts.files_failed++;
        return 0;
    }
    if (feed->warnings && !im->quiet) {
        clear_progress(im);
        fprintf(im->err, "%s: recovered from errors: %s\n", im->current, feed->warnings);
    }
    for (size_t i = 0; i < feed->n_items && !im->fatal; i++)
        take_item(im, &feed->items[i], "item");
    idx_feed_free(feed);
    return im->fatal ? -1 : 0;
}

/* First significant byte of a document (after a BOM and whitespace). */
static const char *
first_significant(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;

    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p < end ? p : NULL;
}

static int
import_file(idx_import_t *im, const char *path)
{
    FILE *f;
    char *buf;
    size_t len = 0;
    const char *why, *p;
    int r;

    im->current = path;
    im->counts.files++;
    f = fopen(path, "rb");
    if (!f) {
        report(im, "%s: cannot open: %s", path, strerror(errno));
        im->counts.files_failed++;
        return 0;
    }
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) {
        r = import_jsonl_stream(im, f);
        fclose(f);
        return r;
    }
    buf = slurp(f, &len, &why);
    fclose(f);
    if (!buf) {
        report(im, "%s: cannot read: %s", path, why);
        im->counts.files_failed++;
        return 0;
    }
    p = first_significant(buf, len);
    if (!p) {
        report(im, "%s: %s", path, "empty file");
        im->counts.files_failed++;
        r = 0;
    } else if (*p == '{') {
        FILE *mf = fmemopen(buf, len, "rb");
        if (!mf) {
            report(im, "%s: %s", path, "out of memory");
            im->counts.files_failed++;
            r = 0;
        } else {
            r = import_jsonl_stream(im, mf);
            fclose(mf);
        }
    } else if (*p == '<') {
        r = import_feed(im, buf, len);
    } else {
        report(im, "%s: %s", path,
               "not a feed or JSON Lines file (expected RSS, Atom or one JSON object a line)");
        im->counts.files_failed++;
        r = 0;
    }
    free(buf);
    return r;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Inside a directory only files that look like news inputs are read;
 * README files, notes and the like are skipped without complaint. A file
 * named on the command line is always tried. */
static int
wanted_in_dir(const char *name)
{
    static const char *const ext[] = {
        ".rss", ".xml", ".atom", ".rdf", ".jsonl", ".ndjson", ".json", NULL
    };
    for (size_t i = 0; ext[i]; i++)
        if (ends_with(name, ext[i]))
            return 1;
    return 0;
}

static int
import_dir(idx_import_t *im, const char *path, int depth)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int r = 0;

    if (depth > 32) {
        report(im, "%s: %s", path, "directories nested too deeply");
        im->counts.files_failed++;
        return 0;
    }
    d = opendir(path);
    if (!d) {
        report(im, "%s: cannot open directory: %s", path, strerror(errno));
        im->counts.files_failed++;
        return 0;
    }
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *p);
            if (!p)
                break;
            names = p;
        }
        names[n] = strdup(de->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        struct stat sb;
        if (full) {
            snprintf(full, len, "%s/%s", path, names[i]);
            if (r == 0 && stat(full, &sb) == 0) {
                if (S_ISDIR(sb.st_mode))
                    r = import_dir(im, full, depth + 1);
                else if (S_ISREG(sb.st_mode) && wanted_in_dir(names[i]))
                    r = import_file(im, full);
            }
            free(full);
        }
        free(names[i]);
    }
    free(names);
    return r;
}

int
idx_import_path(idx_import_t *im, const char *path)
{
    struct stat sb;
    int r;

    if (strcmp(path, "-") == 0) {
        im->current = "<stdin>";
        im->counts.files++;
        r = import_jsonl_stream(im, stdin);
        show_progress(im, 1);
        return r;
    }
    if (stat(path, &sb) != 0) {
        report(im, "%s: cannot open: %s", path, strerror(errno));
        im->counts.files++;
        im->counts.files_failed++;
        return 0;
    }
    r = S_ISDIR(sb.st_mode) ? import_dir(im, path, 0) : import_file(im, path);
    show_progress(im, 1);
    return r;
}
