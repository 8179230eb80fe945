/*
 * cmd_fetch.c - `newsindex fetch`: fetch every due feed once, capture each
 * response as WARC before parsing it, store the items, and with --full-text
 * fetch each new article's page (as robots.txt allows) and extract it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "extract.h"
#include "feed.h"
#include "fetch.h"
#include "import.h"
#include "robots.h"
#include "warc.h"

#define FEED_ACCEPT "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, " \
                    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
#define PAGE_ACCEPT "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
#define ROBOTS_ACCEPT "text/plain, */*;q=0.5"
#define ROBOTS_FRESH (24 * 3600) /* a stored robots.txt is used this long */

/* A new article whose page --full-text fetches: the feed item's fields. */
typedef struct page {
    idx_item_t item;          /* owned copy of the feed item */
    int64_t source_id;
    char origin[300];         /* "scheme://host[:port]" for robots.txt */
    int robots;               /* ROBOTS_*: what robots.txt says of it */
} page_t;

enum { ROBOTS_UNDECIDED = 0, ROBOTS_ALLOWED, ROBOTS_DISALLOWED, ROBOTS_UNAVAILABLE };

typedef struct run {
    const globals_t *g;
    arc_db_t *db;
    idx_import_t im;          /* feed items */
    idx_import_t pim;         /* full-text updates */
    idx_fetch_opts_t opts;
    int64_t interval;
    int full_text;
    int progress;
    /* captures */
    idx_warc_writer_t *warc;
    char warc_rel[64];        /* "warc/fetch-YYYYMMDD.warc.gz" */
    char *warc_path;
    /* feeds */
    arc_feed_t *feeds;
    size_t n_feeds, n_done;
    long fetched, unchanged, failed;
    /* full text */
    page_t *pages;
    size_t n_pages, cap_pages;
    long pages_fetched, pages_extracted, pages_robots, pages_failed;
    int fatal;                /* a storage error: the run stops */
} run_t;

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
clear_line(run_t *r)
{
    if (r->progress)
        fputs("\r\033[K", stderr);
}

static void
show_progress(run_t *r, const char *what, size_t done, size_t total)
{
    if (!r->progress)
        return;
    fprintf(stderr, "\r\033[K%s %zu/%zu: %ld failed, %ld new articles", what, done,
            total, r->failed + r->pages_failed, r->im.counts.new_articles);
    fflush(stderr);
}

/* One line per problem: "newsindex: URL: why". */
static void
problem(run_t *r, const char *url, const char *why)
{
    clear_line(r);
    fprintf(stderr, "newsindex: %s: %s\n", url, why);
}

static void
storage_error(run_t *r, const char *what)
{
    clear_line(r);
    fprintf(stderr, "newsindex: %s\n", what);
    r->fatal = 1;
}

/* ---- captures ------------------------------------------------------------ */

/* Open today's WARC file under the archive's warc/ on first use. */
static int
open_warc(run_t *r)
{
    char *err = NULL, dir[4096];
    time_t now = time(NULL);
    struct tm tm;
    size_t n;

    if (r->warc)
        return 0;
    gmtime_r(&now, &tm);
    strftime(r->warc_rel, sizeof r->warc_rel, "warc/fetch-%Y%m%d.warc.gz", &tm);
    snprintf(dir, sizeof dir, "%s/warc", arc_db_path(r->db));
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        char msg[4200];
        snprintf(msg, sizeof msg, "%s: cannot create: %s", dir, strerror(errno));
        storage_error(r, msg);
        return -1;
    }
    n = strlen(arc_db_path(r->db)) + strlen(r->warc_rel) + 2;
    r->warc_path = malloc(n);
    if (!r->warc_path) {
        storage_error(r, "out of memory");
        return -1;
    }
    snprintf(r->warc_path, n, "%s/%s", arc_db_path(r->db), r->warc_rel);
    if (idx_warc_writer_open(r->warc_path, &r->warc, &err) != 0) {
        storage_error(r, err ? err : "cannot open the WARC file");
        free(err);
        return -1;
    }
    return 0;
}

/* Write the exchange to the WARC file and record it; ref gets
 * "warc/FILE#OFFSET" (empty when nothing was written). Returns 0 or -1
 * (storage error, r->fatal set). */
static int
capture(run_t *r, const idx_fetch_result_t *res, const char *kind, int64_t source_id,
        char *ref, size_t refsize)
{
    arc_capture_t c;
    int64_t offset = 0;
    char *err = NULL;
    int rc;

    ref[0] = '\0';
    if (!res->response_headers)
        return 0;
    if (open_warc(r))
        return -1;
    /* the bytes as received: a gzip body stays gzip, with its header */
    rc = idx_warc_write_exchange(r->warc, res->final_url, res->fetched_at,
                                 res->request_headers, res->response_headers,
                                 res->raw_body, res->raw_len, &offset, &err);
    if (rc != 0) {
        /* a response the writer refuses (odd headers) is reported, the disk
         * is not at fault: go on without a capture */
        problem(r, res->final_url, err ? err : "cannot write the capture");
        free(err);
        return 0;
    }
    memset(&c, 0, sizeof c);
    c.uri = res->final_url;
    c.file = r->warc_rel;
    c.offset = offset;
    c.fetched = res->fetched_at;
    c.kind = kind;
    c.status = res->status;
    c.source_id = source_id;
    if (arc_capture_add(r->db, &c, NULL)) {
        storage_error(r, arc_db_errmsg(r->db));
        return -1;
    }
    snprintf(ref, refsize, "%s#%lld", r->warc_rel, (long long)offset);
    return 0;
}

/* ---- feeds ----------------------------------------------------------------- */

static int
looks_like_html(const idx_fetch_result_t *res)
{
    const char *ct = res->content_type;
    const unsigned char *p = res->body, *end = res->body + res->body_len;

    if (ct && (strncasecmp(ct, "text/html", 9) == 0 ||
               strncasecmp(ct, "application/xhtml", 17) == 0))
        return 1;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return end - p > 14 && (strncasecmp((const char *)p, "<!doctype html", 14) == 0 ||
                            strncasecmp((const char *)p, "<html", 5) == 0);
}

/* The parser's message without its "NAME: " prefix. */
static const char *
strip_name(const char *msg, const char *name)
{
    size_t n = strlen(name);
    if (msg && strncmp(msg, name, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    return msg;
}

/* Parse a fetched feed, in the HTTP charset when the document names none. */
static int
parse_feed(const idx_fetch_result_t *res, idx_feed_t **out, char **errmsg)
{
    size_t len = 0;
    char *recoded = idx_fetch_recode_undeclared((const char *)res->body, res->body_len,
                                                res->content_type, &len);
    int rc = idx_feed_parse(recoded ? recoded : (const char *)res->body,
                            recoded ? len : res->body_len, res->final_url, out, errmsg);
    free(recoded);
    return rc;
}

static void
remember_page(run_t *r, const idx_item_t *it, const arc_feed_t *feed)
{
    page_t *p;

    if (r->n_pages == r->cap_pages) {
        page_t *v = realloc(r->pages, (r->cap_pages = r->cap_pages ? r->cap_pages * 2 : 32) *
                                          sizeof *v);
        if (!v)
            return; /* the page is simply not fetched */
        r->pages = v;
    }
    p = &r->pages[r->n_pages];
    memset(p, 0, sizeof *p);
    p->item.url = it->url ? strdup(it->url) : NULL;
    p->item.guid = it->guid ? strdup(it->guid) : NULL;
    p->item.title = it->title ? strdup(it->title) : NULL;
    p->item.byline = it->byline ? strdup(it->byline) : NULL;
    p->item.summary = it->summary ? strdup(it->summary) : NULL;
    p->item.body = it->body ? strdup(it->body) : NULL;
    p->item.lang = it->lang ? strdup(it->lang) : NULL;
    p->item.source = it->source ? strdup(it->source) : NULL;
    p->item.source_site = it->source_site ? strdup(it->source_site) : NULL;
    p->item.published = it->published;
    p->item.position = it->position;
    p->source_id = feed->id;
    if (!p->item.url || !p->item.title) {
        idx_item_clear(&p->item);
        return;
    }
    r->n_pages++;
}

/* Store the items of a parsed feed; returns how many were usable. */
static long
store_items(run_t *r, idx_feed_t *parsed, const arc_feed_t *feed, const char *url,
            const char *ref)
{
    long stored = 0;

    r->im.current = url;
    for (size_t i = 0; i < parsed->n_items && !r->im.fatal; i++) {
        idx_item_t *it = &parsed->items[i];
        idx_counts_t before = r->im.counts;
        char *src;

        if (it->reject) {
            char why[160];
            snprintf(why, sizeof why, "item %d: %s (skipped)", it->position, it->reject);
            problem(r, url, why);
            r->im.counts.failed++;
            continue;
        }
        /* the articles belong to the feed's source */
        src = strdup(feed->name);
        if (src) {
            free(it->source);
            it->source = src;
        }
        if (idx_import_item(&r->im, it) != 0)
            break;
        if (r->im.counts.failed != before.failed)
            continue;
        stored++;
        if (ref[0]) {
            int fresh = r->im.counts.new_articles != before.new_articles ||
                        r->im.counts.updated != before.updated;
            arc_status_t st = arc_article_set_capture(r->db, it->url, ref, fresh, NULL);
            if (st && st != ARC_E_NOT_FOUND && st != ARC_E_BAD_ARG) {
                storage_error(r, arc_db_errmsg(r->db));
                break;
            }
        }
        if (r->full_text && r->im.counts.new_articles != before.new_articles)
            remember_page(r, it, feed);
    }
    if (idx_import_finish(&r->im) != 0 || r->im.fatal)
        r->fatal = 1;
    return stored;
}

static void
record(run_t *r, const arc_feed_t *feed, const idx_fetch_result_t *res,
       const char *error, const char *title)
{
    arc_fetch_result_t fr;

    memset(&fr, 0, sizeof fr);
    fr.fetched = res->fetched_at;
    fr.status = res->status;
    fr.error = error;
    fr.etag = res->etag;
    fr.last_modified = res->last_modified;
    fr.retry_after = res->retry_after;
    fr.interval = r->interval;
    fr.title = title;
    if (arc_feed_record(r->db, feed->id, &fr))
        storage_error(r, arc_db_errmsg(r->db));
}

static void
on_feed(void *ctx, const idx_fetch_job_t *job, const idx_fetch_result_t *res)
{
    run_t *r = ctx;
    const arc_feed_t *feed = job->user;
    idx_feed_t *parsed = NULL;
    char ref[128], why[1024], *perr = NULL;
    int salvage;

    r->n_done++;
    if (r->fatal)
        return;
    if (res->outcome == IDX_FETCH_NOT_MODIFIED) {
        r->unchanged++;
        record(r, feed, res, NULL, NULL);
        show_progress(r, "feeds", r->n_done, r->n_feeds);
        return;
    }
    /* every response with something in it is kept before it is parsed */
    salvage = res->outcome == IDX_FETCH_BAD_ENCODING || res->outcome == IDX_FETCH_PARTIAL;
    ref[0] = '\0';
    if (res->outcome == IDX_FETCH_OK || salvage ||
        (res->outcome == IDX_FETCH_HTTP_ERROR && res->body_len > 0)) {
        if (capture(r, res, "feed", feed->id, ref, sizeof ref))
            return;
    }
    if (res->outcome != IDX_FETCH_OK && !(salvage && res->body_len > 0)) {
        r->failed++;
        problem(r, feed->url, res->error ? res->error : "failed");
        record(r, feed, res, res->error ? res->error : "failed", NULL);
        show_progress(r, "feeds", r->n_done, r->n_feeds);
        return;
    }
    if (parse_feed(res, &parsed, &perr) != 0) {
        const char *m = strip_name(perr, res->final_url);
        if (salvage)
            snprintf(why, sizeof why, "%s", res->error);
        else if (looks_like_html(res))
            snprintf(why, sizeof why, "not a feed: the server sent an HTML page (%s)",
                     res->content_type ? res->content_type : "no Content-Type");
        else
            snprintf(why, sizeof why, "not a feed: %s", m ? m : "cannot parse");
        free(perr);
        r->failed++;
        problem(r, feed->url, why);
        record(r, feed, res, why, NULL);
        show_progress(r, "feeds", r->n_done, r->n_feeds);
        return;
    }
    if (parsed->warnings && !r->g->quiet) {
        snprintf(why, sizeof why, "recovered from errors: %s", parsed->warnings);
        problem(r, feed->url, why);
    }
    {
        long n = store_items(r, parsed, feed, feed->url, ref);
        if (r->fatal) {
            idx_feed_free(parsed);
            return;
        }
        if (salvage) {
            snprintf(why, sizeof why, "%s; %ld item%s recovered from what arrived",
                     res->error, n, n == 1 ? "" : "s");
            r->failed++;
            problem(r, feed->url, why);
            record(r, feed, res, why, NULL);
        } else {
            r->fetched++;
            record(r, feed, res, NULL, parsed->title);
        }
    }
    idx_feed_free(parsed);
    show_progress(r, "feeds", r->n_done, r->n_feeds);
}

/* ---- full text ----------------------------------------------------------- */

/* Decide the pages of one origin from its robots.txt. */
static void
decide_origin(run_t *r, const char *origin, int status, const char *body, size_t len)
{
    for (size_t i = 0; i < r->n_pages; i++) {
        page_t *p = &r->pages[i];
        char path[4096];

        if (strcmp(p->origin, origin) != 0)
            continue;
        if (status == 0 || status >= 500)
            p->robots = ROBOTS_UNAVAILABLE;
        else if (idx_robots_path_of(p->item.url, path, sizeof path) == 0 &&
                 idx_robots_check(status, body, len, IDX_FETCH_ROBOTS_TOKEN, path))
            p->robots = ROBOTS_ALLOWED;
        else
            p->robots = ROBOTS_DISALLOWED;
    }
}

static void
on_robots(void *ctx, const idx_fetch_job_t *job, const idx_fetch_result_t *res)
{
    run_t *r = ctx;
    const char *origin = job->user;
    int status = res->outcome == IDX_FETCH_OK || res->outcome == IDX_FETCH_HTTP_ERROR
                     ? res->status : 0;
    const char *body = res->outcome == IDX_FETCH_OK ? (const char *)res->body : NULL;

    if (r->fatal)
        return;
    decide_origin(r, origin, status, body, body ? res->body_len : 0);
    /* a server in trouble (5xx) or no answer is not cached: the next run
     * asks again */
    if (status == 0 || status >= 500)
        return;
    if (arc_robots_put(r->db, origin, body, status, res->fetched_at))
        storage_error(r, arc_db_errmsg(r->db));
}

/* Decide robots.txt for every page: from the archive's cache when fresh,
 * else by fetching each origin's robots.txt (in parallel, one per host). */
static void
check_robots(run_t *r)
{
    idx_fetch_job_t *jobs = calloc(r->n_pages, sizeof *jobs);
    char **urls = calloc(r->n_pages, sizeof *urls);
    size_t n_jobs = 0;
    int64_t now = (int64_t)time(NULL);
    char *err = NULL;

    if (!jobs || !urls)
        goto done; /* pages stay undecided: not fetched */
    for (size_t i = 0; i < r->n_pages; i++)
        if (idx_fetch_origin(r->pages[i].item.url, r->pages[i].origin,
                             sizeof r->pages[i].origin) != 0)
            r->pages[i].robots = ROBOTS_DISALLOWED;
    for (size_t i = 0; i < r->n_pages && !r->fatal; i++) {
        page_t *p = &r->pages[i];
        char *body = NULL;
        int status = 0, seen = 0;
        int64_t fetched = 0;
        arc_status_t st;
        size_t n;

        if (p->robots != ROBOTS_UNDECIDED)
            continue;
        for (size_t k = 0; k < n_jobs; k++)
            if (strcmp(jobs[k].user, p->origin) == 0)
                seen = 1;
        if (seen)
            continue;
        st = arc_robots_get(r->db, p->origin, &body, &status, &fetched);
        if (st == ARC_OK && now - fetched < ROBOTS_FRESH) {
            decide_origin(r, p->origin, status, body, body ? strlen(body) : 0);
            arc_free(body);
            continue;
        }
        arc_free(body);
        if (st != ARC_OK && st != ARC_E_NOT_FOUND) {
            storage_error(r, arc_db_errmsg(r->db));
            break;
        }
        n = strlen(p->origin) + 16;
        urls[n_jobs] = malloc(n);
        if (!urls[n_jobs])
            continue;
        snprintf(urls[n_jobs], n, "%s/robots.txt", p->origin);
        jobs[n_jobs].url = urls[n_jobs];
        jobs[n_jobs].user = p->origin;
        n_jobs++;
    }
    if (n_jobs && !r->fatal) {
        idx_fetch_opts_t o = r->opts;
        o.accept = ROBOTS_ACCEPT;
        if (o.max_size > IDX_ROBOTS_MAX_BYTES)
            o.max_size = IDX_ROBOTS_MAX_BYTES;
        if (idx_fetch_run(&o, jobs, n_jobs, on_robots, r, &err) != 0) {
            problem(r, "robots.txt", err ? err : "cannot fetch");
            free(err);
        }
    }
done:
    for (size_t k = 0; urls && k < n_jobs; k++)
        free(urls[k]);
    free(urls);
    free(jobs);
}

static void
on_page(void *ctx, const idx_fetch_job_t *job, const idx_fetch_result_t *res)
{
    run_t *r = ctx;
    page_t *p = job->user;
    idx_page_t *page = NULL;
    char ref[128], charset[64], *err = NULL;
    idx_item_t it;
    idx_counts_t before;

    r->n_done++;
    if (r->fatal)
        return;
    ref[0] = '\0';
    if (res->outcome == IDX_FETCH_OK || (res->outcome == IDX_FETCH_HTTP_ERROR && res->body_len)) {
        if (capture(r, res, "page", p->source_id, ref, sizeof ref))
            return;
    }
    if (res->outcome != IDX_FETCH_OK) {
        r->pages_failed++;
        problem(r, p->item.url, res->error ? res->error : "failed");
        return;
    }
    r->pages_fetched++;
    if (idx_extract_page((const char *)res->body, res->body_len, res->final_url,
                         idx_fetch_charset(res->content_type, charset, sizeof charset) == 0
                             ? charset : NULL,
                         &page, &err) != 0 || !page->body || !*page->body) {
        r->pages_failed++;
        problem(r, p->item.url, err ? strip_name(err, res->final_url) : "no article text found");
        free(err);
        idx_page_free(page);
        return;
    }
    /* the page's text replaces a shorter one from the feed; the feed's own
     * fields stay, the page fills what the feed left out */
    if (p->item.body && strlen(p->item.body) >= strlen(page->body)) {
        arc_article_set_capture(r->db, p->item.url, ref, 0, NULL);
        idx_page_free(page);
        return;
    }
    memset(&it, 0, sizeof it);
    it.url = p->item.url;
    it.guid = p->item.guid;
    it.title = p->item.title;
    it.byline = p->item.byline ? p->item.byline : page->byline;
    it.summary = p->item.summary ? p->item.summary : page->description;
    it.body = page->body;
    it.published = p->item.published != INT64_MIN ? p->item.published : page->published;
    it.lang = p->item.lang ? p->item.lang : page->lang;
    it.source = p->item.source;
    it.source_site = p->item.source_site;
    it.position = p->item.position;
    before = r->pim.counts;
    r->pim.current = p->item.url;
    if (idx_import_item(&r->pim, &it) != 0 || idx_import_finish(&r->pim) != 0) {
        r->fatal = 1;
        idx_page_free(page);
        return;
    }
    if (r->pim.counts.failed == before.failed) {
        r->pages_extracted++;
        if (ref[0] && arc_article_set_capture(r->db, p->item.url, ref, 1, NULL) == ARC_E_DB)
            storage_error(r, arc_db_errmsg(r->db));
    }
    idx_page_free(page);
    show_progress(r, "pages", r->n_done, r->n_pages);
}

static void
fetch_pages(run_t *r)
{
    idx_fetch_job_t *jobs;
    size_t n = 0;
    char *err = NULL;
    idx_fetch_opts_t o = r->opts;

    if (r->n_pages == 0 || r->fatal)
        return;
    check_robots(r);
    if (r->fatal)
        return;
    jobs = calloc(r->n_pages, sizeof *jobs);
    if (!jobs)
        return;
    for (size_t i = 0; i < r->n_pages; i++) {
        if (r->pages[i].robots != ROBOTS_ALLOWED) {
            r->pages_robots++;
            if (!r->g->quiet) {
                clear_line(r);
                fprintf(stderr, "newsindex: %s: not fetched: %s\n", r->pages[i].item.url,
                        r->pages[i].robots == ROBOTS_UNAVAILABLE
                            ? "its site's robots.txt could not be fetched (server error)"
                            : "disallowed by robots.txt");
            }
            continue;
        }
        jobs[n].url = r->pages[i].item.url;
        jobs[n].user = &r->pages[i];
        n++;
    }
    r->n_done = 0;
    o.accept = PAGE_ACCEPT;
    if (n && idx_fetch_run(&o, jobs, n, on_page, r, &err) != 0) {
        problem(r, "pages", err ? err : "cannot fetch");
        free(err);
    }
    free(jobs);
}

/* ---- the command ---------------------------------------------------------- */

static long
number_arg(const char *opt, const char *v, long lo, long hi)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || end == v || n < lo || n > hi) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s wants a number from %ld to %ld, not '%%s'", opt, lo, hi);
        idx_cli_usage_error(msg, v);
    }
    return n;
}

int
idx_cmd_fetch(const globals_t *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "jobs", required_argument, NULL, 'j' },
        { "full-text", no_argument, NULL, 'F' },
        { "timeout", required_argument, NULL, 't' },
        { "max-size", required_argument, NULL, 'm' },
        { "interval", required_argument, NULL, 'i' },
        { "all", no_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 }
    };
    run_t r;
    idx_fetch_job_t *jobs = NULL;
    char *err = NULL;
    int c, all = 0, rc = 0;
    double t0 = now_seconds();
    arc_status_t st;

    memset(&r, 0, sizeof r);
    r.g = g;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
        switch (c) {
        case 'j': r.opts.jobs = (int)number_arg("--jobs", optarg, 1, 64); break;
        case 'F': r.full_text = 1; break;
        case 't': r.opts.timeout = number_arg("--timeout", optarg, 1, 3600); break;
        case 'm': r.opts.max_size = (size_t)number_arg("--max-size", optarg, 1024, 1L << 30); break;
        case 'i': r.interval = number_arg("--interval", optarg, 60, 30L * 86400); break;
        case 'a': all = 1; break;
        default: idx_cli_usage_error("%s", "bad option for fetch");
        }
    }
    if (optind < argc)
        idx_cli_usage_error("fetch takes no arguments (got '%s'); add feeds with 'feed add'",
                            argv[optind]);
    r.opts.accept = FEED_ACCEPT;
    r.progress = !g->quiet && (g->progress || isatty(2));
    r.db = idx_cli_open(g, 0);
    idx_import_init(&r.im, r.db);
    idx_import_init(&r.pim, r.db);
    r.im.quiet = r.pim.quiet = g->quiet;
    r.pim.cluster = 0;

    st = all ? arc_feed_list(r.db, &r.feeds, &r.n_feeds)
             : arc_feed_list_due(r.db, (int64_t)time(NULL), &r.feeds, &r.n_feeds);
    if (st) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(r.db));
        arc_db_close(r.db);
        return EXIT_ARCHIVE;
    }
    if (r.n_feeds) {
        jobs = calloc(r.n_feeds, sizeof *jobs);
        if (!jobs) {
            fprintf(stderr, "newsindex: out of memory\n");
            arc_feeds_free(r.feeds, r.n_feeds);
            arc_db_close(r.db);
            return EXIT_ARCHIVE;
        }
        for (size_t i = 0; i < r.n_feeds; i++) {
            jobs[i].url = r.feeds[i].url;
            jobs[i].etag = r.feeds[i].etag;
            jobs[i].last_modified = r.feeds[i].last_modified;
            jobs[i].user = &r.feeds[i];
        }
        show_progress(&r, "feeds", 0, r.n_feeds);
        if (idx_fetch_run(&r.opts, jobs, r.n_feeds, on_feed, &r, &err) != 0) {
            fprintf(stderr, "newsindex: %s\n", err ? err : "cannot fetch");
            free(err);
            r.fatal = 1;
        }
        free(jobs);
    }
    if (r.full_text)
        fetch_pages(&r);
    if (r.warc && idx_warc_writer_close(r.warc, &err) != 0) {
        storage_error(&r, err ? err : "cannot close the WARC file");
        free(err);
    }
    clear_line(&r);
    fprintf(stderr,
            "newsindex: %zu feed%s: %ld fetched, %ld unchanged, %ld failed; "
            "articles: %ld new, %ld updated, %ld duplicate, %ld failed",
            r.n_feeds, r.n_feeds == 1 ? "" : "s", r.fetched, r.unchanged, r.failed,
            r.im.counts.new_articles, r.im.counts.updated, r.im.counts.duplicates,
            r.im.counts.failed);
    if (r.full_text)
        fprintf(stderr, "; pages: %ld fetched, %ld extracted, %ld disallowed by robots.txt, "
                        "%ld failed",
                r.pages_fetched, r.pages_extracted, r.pages_robots, r.pages_failed);
    fprintf(stderr, " (%.2f s)\n", now_seconds() - t0);

    if (r.fatal)
        rc = EXIT_ARCHIVE;
    else if (r.failed)
        rc = EXIT_PARTIAL;
    for (size_t i = 0; i < r.n_pages; i++)
        idx_item_clear(&r.pages[i].item);
    free(r.pages);
    free(r.warc_path);
    arc_feeds_free(r.feeds, r.n_feeds);
    arc_db_close(r.db);
    return rc;
}
