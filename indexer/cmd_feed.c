/*
 * cmd_feed.c - `newsindex feed add|list|remove|import-opml|export-opml`:
 * the feeds the archive follows and their fetch state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "readfile.h"
#include "cli.h"
#include "opml.h"

#define OPML_MAX_BYTES (16L << 20)

static int
feed_add(const globals_t *g, int argc, char **argv)
{
    const char *url = NULL, *name = NULL;
    arc_db_t *db;
    int64_t id;
    int existed;
    arc_status_t st;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strncmp(argv[i], "--name=", 7) == 0)
            name = argv[i] + 7;
        else if (argv[i][0] == '-' && argv[i][1])
            idx_cli_usage_error("unknown option '%s' for feed add", argv[i]);
        else if (!url)
            url = argv[i];
        else
            idx_cli_usage_error("feed add takes one URL (got also '%s')", argv[i]);
    }
    if (!url)
        idx_cli_usage_error("%s", "feed add needs a URL");
    db = idx_cli_open(g, ARC_OPEN_CREATE);
    st = arc_feed_add(db, url, name, &id, &existed);
    if (st) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        arc_db_close(db);
        return st == ARC_E_BAD_ARG ? EXIT_USAGE : EXIT_ARCHIVE;
    }
    if (!g->quiet)
        printf(existed ? "already following %s\n" : "added %s\n", url);
    arc_db_close(db);
    return 0;
}

static void
print_feed_text(const arc_feed_t *f)
{
    char due[32];
    const char *state;
    char buf[64];

    if (f->last_error)
        state = "failing";
    else if (f->last_status == 304)
        state = "unchanged";
    else if (f->last_status)
        state = "ok";
    else
        state = "never fetched";
    printf("%s\n  %s\n", f->name ? f->name : "", f->url ? f->url : "");
    if (f->last_status)
        snprintf(buf, sizeof buf, "%s (HTTP %d)", state, f->last_status);
    else
        snprintf(buf, sizeof buf, "%s", state);
    printf("  %s, %lld article%s, next fetch %s", buf, (long long)f->articles,
           f->articles == 1 ? "" : "s",
           f->next_due == ARC_TIME_NONE ? "now" : arc_time_format(f->next_due, due, sizeof due));
    if (f->error_count)
        printf(", %d failure%s in a row", f->error_count, f->error_count == 1 ? "" : "s");
    putchar('\n');
    if (f->last_error)
        printf("  last error: %s\n", f->last_error);
}

static cJSON *
feed_json(const arc_feed_t *f)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "id", (double)f->id);
    idx_json_str(o, "name", f->name);
    idx_json_str(o, "site", f->site);
    idx_json_str(o, "url", f->url);
    idx_json_str(o, "etag", f->etag);
    idx_json_str(o, "last_modified", f->last_modified);
    if (f->last_status)
        cJSON_AddNumberToObject(o, "last_status", f->last_status);
    else
        cJSON_AddNullToObject(o, "last_status");
    idx_json_str(o, "last_error", f->last_error);
    idx_json_time(o, "next_due", f->next_due);
    cJSON_AddNumberToObject(o, "error_count", f->error_count);
    idx_json_time(o, "added", f->added);
    cJSON_AddNumberToObject(o, "articles", (double)f->articles);
    return o;
}

static int
feed_list(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    arc_feed_t *feeds;
    size_t n;
    int json = 0;

    for (int i = 1; i < argc; i++) {
        const char *fmt = NULL;
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            fmt = argv[++i];
        else if (strncmp(argv[i], "--format=", 9) == 0)
            fmt = argv[i] + 9;
        else
            idx_cli_usage_error("unknown feed list argument '%s'", argv[i]);
        if (strcmp(fmt, "json") == 0)
            json = 1;
        else if (strcmp(fmt, "text") != 0)
            idx_cli_usage_error("--format wants text or json, not '%s'", fmt);
    }
    db = idx_cli_open(g, ARC_OPEN_READONLY);
    if (arc_feed_list(db, &feeds, &n)) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    if (json) {
        /* one array, written record by record so memory stays bounded */
        fputs("[", stdout);
        for (size_t i = 0; i < n; i++) {
            cJSON *o = feed_json(&feeds[i]);
            char *txt = cJSON_PrintUnformatted(o);
            if (txt)
                printf("%s%s", i ? ",\n" : "\n", txt);
            cJSON_free(txt);
            cJSON_Delete(o);
        }
        fputs(n ? "\n]\n" : "]\n", stdout);
    } else {
        for (size_t i = 0; i < n; i++)
            print_feed_text(&feeds[i]);
        if (n == 0 && !g->quiet)
            fprintf(stderr, "no feeds yet: add one with 'newsindex feed add URL'\n");
    }
    arc_feeds_free(feeds, n);
    arc_db_close(db);
    return 0;
}

static int
feed_remove(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    char *url = NULL;
    int rc = 0;

    if (argc != 2)
        idx_cli_usage_error("%s", "feed remove needs one URL or NAME");
    db = idx_cli_open(g, 0);
    switch (arc_feed_remove(db, argv[1], &url)) {
    case ARC_OK:
        if (!g->quiet)
            printf("removed %s (its articles stay in the archive)\n", url);
        break;
    case ARC_E_NOT_FOUND:
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        rc = EXIT_USAGE;
        break;
    default:
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        rc = EXIT_ARCHIVE;
    }
    arc_free(url);
    arc_db_close(db);
    return rc;
}

static int
feed_import_opml(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    idx_opml_feed_t *feeds;
    size_t n, len;
    char *buf, *err = NULL;
    long added = 0, present = 0, bad = 0;

    if (argc != 2)
        idx_cli_usage_error("%s", "feed import-opml needs one FILE");
    buf = idx_read_file(argv[1], &len, (size_t)OPML_MAX_BYTES);
    if (!buf) {
        fprintf(stderr, "newsindex: %s: cannot read: %s\n", argv[1], strerror(errno));
        return EXIT_PARTIAL;
    }
    if (idx_opml_parse(buf, len, argv[1], &feeds, &n, &err) != 0) {
        fprintf(stderr, "newsindex: %s\n", err ? err : "cannot parse");
        free(err);
        free(buf);
        return EXIT_PARTIAL;
    }
    free(buf);
    db = idx_cli_open(g, ARC_OPEN_CREATE);
    if (arc_db_begin(db)) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        idx_opml_free(feeds, n);
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    for (size_t i = 0; i < n; i++) {
        int existed = 0;
        arc_status_t st = arc_feed_add(db, feeds[i].url, feeds[i].title, NULL, &existed);
        if (st == ARC_E_BAD_ARG && feeds[i].title)
            /* the title names another feed already: fall back to the URL */
            st = arc_feed_add(db, feeds[i].url, NULL, NULL, &existed);
        if (st == ARC_E_BAD_ARG) {
            fprintf(stderr, "newsindex: %s: outline %zu: %s\n", argv[1], i + 1,
                    arc_db_errmsg(db));
            bad++;
        } else if (st) {
            fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
            arc_db_rollback(db);
            idx_opml_free(feeds, n);
            arc_db_close(db);
            return EXIT_ARCHIVE;
        } else if (existed) {
            present++;
        } else {
            added++;
        }
    }
    idx_opml_free(feeds, n);
    if (arc_db_commit(db)) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    arc_db_close(db);
    fprintf(stderr, "newsindex: %s: %ld feed%s added, %ld already followed, %ld refused\n",
            argv[1], added, added == 1 ? "" : "s", present, bad);
    return bad ? EXIT_PARTIAL : 0;
}

static int
feed_export_opml(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    arc_feed_t *feeds;
    idx_opml_feed_t *out;
    size_t n;
    int rc = 0;

    if (argc != 1)
        idx_cli_usage_error("feed export-opml takes no arguments (got '%s')", argv[1]);
    db = idx_cli_open(g, ARC_OPEN_READONLY);
    if (arc_feed_list(db, &feeds, &n)) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    out = calloc(n ? n : 1, sizeof *out);
    if (!out) {
        fprintf(stderr, "newsindex: out of memory\n");
        rc = EXIT_ARCHIVE;
    } else {
        for (size_t i = 0; i < n; i++) {
            out[i].url = feeds[i].url;
            out[i].title = feeds[i].name;
        }
        if (idx_opml_write(stdout, out, n, "newsarchive feeds", (int64_t)time(NULL)) != 0 ||
            fflush(stdout) != 0) {
            fprintf(stderr, "newsindex: writing OPML: %s\n", strerror(errno));
            rc = EXIT_PARTIAL;
        }
        free(out); /* the strings belong to feeds */
    }
    arc_feeds_free(feeds, n);
    arc_db_close(db);
    return rc;
}

int
idx_cmd_feed(const globals_t *g, int argc, char **argv)
{
    const char *sub;

    if (argc < 2)
        idx_cli_usage_error("%s", "feed needs a sub-command: add, list, remove, "
                                  "import-opml or export-opml");
    sub = argv[1];
    argc--;
    argv++;
    if (strcmp(sub, "add") == 0)
        return feed_add(g, argc, argv);
    if (strcmp(sub, "list") == 0)
        return feed_list(g, argc, argv);
    if (strcmp(sub, "remove") == 0 || strcmp(sub, "rm") == 0)
        return feed_remove(g, argc, argv);
    if (strcmp(sub, "import-opml") == 0)
        return feed_import_opml(g, argc, argv);
    if (strcmp(sub, "export-opml") == 0)
        return feed_export_opml(g, argc, argv);
    idx_cli_usage_error("unknown feed sub-command '%s'", sub);
    return EXIT_USAGE;
}
