/*
 * main.c - newsindex: create an archive and bring news into it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check_captures.h"
#include "cli.h"
#include "cmd_entity.h"
#include "cmd_shards.h"
#include "cmd_story.h"
#include "feed.h"
#include "import.h"
#include "newsarc.h"

static const char usage_text[] =
"Usage: newsindex [--archive DIR] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Create a news archive and bring news into it.\n"
"\n"
"Commands:\n"
"  init                   create the archive (nothing happens if it exists)\n"
"  import FILE|DIR|- ...  import RSS 0.9x/1.0/2.0 and Atom feed files, JSON\n"
"                         Lines of articles, HTML article pages (stored under\n"
"                         the URL they declare) and WARC/ARC captures (.warc,\n"
"                         .warc.gz: HTML responses as pages, feeds as feeds);\n"
"                         directories are read recursively, '-' reads JSON\n"
"                         Lines from standard input; when many articles\n"
"                         arrived since the last optimize, says so at the end\n"
"  inspect FILE|URL       print as JSON what import would store, touching\n"
"                         nothing: the feed's fields and every item, each\n"
"                         rejected one with its reason; an HTML page as\n"
"                         extracted; a WARC file's records, or with\n"
"                         FILE#OFFSET one capture and its payload\n"
"  feed add URL [--name NAME] | list [--format text|json] | remove URL|NAME\n"
"       | import-opml FILE | export-opml\n"
"                         the feeds to follow and their fetch state\n"
"  fetch                  fetch every due feed once (for cron); exit 4 when\n"
"                         some failed, one line each on stderr\n"
"  stats                  counts of articles, sources, stories, entities\n"
"  check [--repair]       verify the archive (SQLite, the full-text index,\n"
"                         and that every capture reference leads to its\n"
"                         WARC record);\n"
"                         --repair rebuilds indexes, the full-text index and\n"
"                         story counts from the records, then checks again\n"
"  story merge A B        story B joins story A\n"
"  story split A --articles ID,ID...   these articles of A form a new story\n"
"  story move ARTICLE --to B           the article joins story B\n"
"                         (corrections are kept and re-applied by rebuild)\n"
"  entity merge A B       entity A is merged into B (A's id then stands for B)\n"
"  entity rename ID NAME  new canonical name; the old one stays an alias\n"
"                         (kept and re-applied by rebuild, like story ones)\n"
"  rebuild [--no-enrich] [--captures]\n"
"                         re-derive entities, events and stories from the\n"
"                         stored articles, then re-apply story corrections;\n"
"                         --captures first re-reads every capture in warc/\n"
"                         (after an extractor improvement, say)\n"
"  optimize [--min-df N]  precompute the relevance order of frequent words\n"
"                         (in N articles or more, default 2000) so one-word\n"
"                         searches read it, and the lists of word pairs that\n"
"                         phrases read; run after large imports. An archive\n"
"                         without a body compression dictionary gets one\n"
"                         (import trains it on its first 1000 bodies)\n"
"  sync-shards [--shards FILE] [--rebuild]\n"
"                         bring the Xapian shards listed in the stub FILE\n"
"                         (default $NEWSARCHIVE_SHARDS) up to date with the\n"
"                         archive: each shard records the last change it\n"
"                         applied and gets only the later ones, so a shard\n"
"                         that was down catches up; --rebuild clears every\n"
"                         shard and sends everything again (after editing\n"
"                         the stub's list of shards). Progress on a\n"
"                         terminal, then one line per shard: documents\n"
"                         written and deleted and the change it is now at,\n"
"                         or why it failed; exit 4 when some shard failed\n"
"                         (the others synced), 3 when none could be\n"
"                         synced\n"
"\n"
"Global options:\n"
"  --archive DIR   the archive directory (default: $NEWSARCHIVE_DIR, else\n"
"                  $XDG_DATA_HOME/newsarchive, else ~/.local/share/newsarchive)\n"
"  -q, --quiet     no progress, no per-item warnings (errors are still shown)\n"
"  --progress      show progress even when stderr is not a terminal\n"
"  -h, --help      this text;  --version  the version\n"
"\n"
"import options:\n"
"  --no-enrich     skip entity, date and event extraction\n"
"  --no-cluster    skip story assignment\n"
"  --batch N       articles per transaction (default 2000)\n"
"  --log-commits   after each committed batch print the running counts\n"
"                  (\"committed: N new, ...\"): what is stored for certain\n"
"  --shards FILE   after the import, sync the Xapian shards of this stub\n"
"                  file (default $NEWSARCHIVE_SHARDS; as sync-shards, exit\n"
"                  4 when a shard failed: it catches up at the next sync)\n"
"\n"
"fetch options:\n"
"  --jobs N        transfers at once (default 4; one per host at a time)\n"
"  --full-text     also fetch each new article's page (as robots.txt allows)\n"
"                  and store the text extracted from it\n"
"  --timeout S     seconds for one whole transfer (default 30)\n"
"  --max-size B    largest response in bytes (default 20 MiB)\n"
"  --interval S    seconds until a fetched feed is due again (default 3600)\n"
"  --all           fetch every feed, due or not\n"
"\n"
"stats options:\n"
"  --format text|json\n"
"\n"
"JSON Lines input: one object a line with the keys url, title, published\n"
"(ISO 8601 or RFC 822), source, summary, body (also guid, byline, lang,\n"
"site); other keys are ignored.\n"
"\n"
"Re-importing an article (same canonical URL, same GUID within its source,\n"
"or same text) never creates a duplicate; a changed text updates the\n"
"article and keeps the earlier version.\n"
"\n"
"Every import prints how many articles were new, updated, duplicate and\n"
"failed; problems are reported on stderr naming the file and the item.\n"
"\n"
"Xapian shards (sync-shards, import --shards): the stub FILE lists the\n"
"shards, one a line, in a fixed order: 'remote tcp HOST PORT' (or\n"
"'remote :HOST:PORT') for a shard served by 'xapian-tcpsrv --writable\n"
"--port PORT DIR', 'auto DIR' or a bare DIR for a local shard directory\n"
"(relative to the stub's directory; created when missing); '#' starts a\n"
"comment. Articles go to a shard by publication month. newsquery --shards\n"
"FILE searches the same file. The archive stays the system of record.\n"
"\n"
"Exit status: 0 success; 2 usage error; 3 the archive cannot be opened or\n"
"is damaged; 4 some inputs failed (the rest were stored), or some shards\n"
"could not be synced (the others were).\n";

void
idx_cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "newsindex: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'newsindex --help' for more information.\n");
    exit(EXIT_USAGE);
}

static char *
archive_dir(const globals_t *g)
{
    char *dir = arc_dir_resolve(g->archive, getenv("NEWSARCHIVE_DIR"),
                                getenv("XDG_DATA_HOME"), getenv("HOME"));
    if (!dir) {
        fprintf(stderr, "newsindex: no archive directory: use --archive DIR or set NEWSARCHIVE_DIR\n");
        exit(EXIT_USAGE);
    }
    return dir;
}

arc_db_t *
idx_cli_open(const globals_t *g, int flags)
{
    char *dir = archive_dir(g), *err = NULL;
    arc_db_t *db = NULL;
    arc_status_t st = arc_db_open(dir, flags, &db, &err);

    if (st) {
        fprintf(stderr, "newsindex: %s\n", err ? err : arc_status_string(st));
        /* A write-open refused by permissions or a read-only file system:
         * say so plainly (SQLite's words are "attempt to write a readonly
         * database"). */
        if (!(flags & ARC_OPEN_READONLY) &&
            (st == ARC_E_READONLY || access(dir, W_OK) != 0))
            fprintf(stderr, "newsindex: %s: the archive is read-only (no write "
                    "permission or a read-only file system); nothing was changed\n", dir);
        arc_free(err);
        free(dir);
        exit(EXIT_ARCHIVE);
    }
    free(dir);
    return db;
}

static int
cmd_init(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;

    if (argc > 1)
        idx_cli_usage_error("init takes no arguments (got '%s')", argv[1]);
    db = idx_cli_open(g, ARC_OPEN_CREATE);
    if (!g->quiet)
        printf("archive ready at %s (schema version %d)\n", arc_db_path(db),
               arc_schema_version());
    arc_db_close(db);
    return 0;
}

/* After an import: when many articles arrived since `optimize` built the
 * relevance lists (or there are none in a large archive), relevance
 * search of frequent words scans their matches again; say so, once. */
static void
suggest_optimize(arc_db_t *db)
{
    int64_t listed, newer;

    if (arc_rank_lists_state(db, &listed, &newer) != ARC_OK)
        return;
    if (listed < 0 && newer >= 20000)
        fprintf(stderr, "newsindex: the archive holds %lld articles and no relevance lists:"
                        " run `newsindex optimize` to make relevance search of frequent"
                        " words fast\n", (long long)newer);
    else if (listed >= 0 && newer >= 10000 && newer * 4 >= listed)
        fprintf(stderr, "newsindex: %lld articles arrived since `newsindex optimize` listed"
                        " %lld; run it again to keep relevance search fast\n",
                (long long)newer, (long long)listed);
}

static int
cmd_import(const globals_t *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "no-enrich", no_argument, NULL, 'E' },
        { "no-cluster", no_argument, NULL, 'C' },
        { "batch", required_argument, NULL, 'b' },
        { "log-commits", no_argument, NULL, 'L' },
        { "shards", required_argument, NULL, 'S' },
        { NULL, 0, NULL, 0 }
    };
    const char *shards = NULL;   /* issue 8: sync these shards afterwards */
    idx_import_t im;
    arc_db_t *db;
    int c, enrich = 1, cluster = 1, batch = 2000, rc = 0, log_commits = 0;
    struct timespec t0, t1;
    double secs;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'E': enrich = 0; break;
        case 'C': cluster = 0; break;
        case 'L': log_commits = 1; break;
        case 'S': shards = optarg; break;
        case 'b':
            batch = atoi(optarg);
            if (batch < 1 || batch > 1000000)
                idx_cli_usage_error("--batch wants a number from 1 to 1000000, not '%s'", optarg);
            break;
        default: idx_cli_usage_error("%s", "bad option for import");
        }
    }
    if (optind >= argc)
        idx_cli_usage_error("%s", "import needs at least one FILE, DIR or '-'");
    db = idx_cli_open(g, ARC_OPEN_CREATE);
    idx_import_init(&im, db);
    im.enrich = enrich;
    im.cluster = cluster;
    im.batch = batch;
    im.log_commits = log_commits;
    im.quiet = g->quiet;
    im.progress = !g->quiet && (g->progress || isatty(2));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = optind; i < argc && !im.fatal; i++)
        if (idx_import_path(&im, argv[i]) < 0)
            break;
    if (!im.fatal)
        idx_import_finish(&im);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            "newsindex: %ld new, %ld updated, %ld duplicate, %ld failed "
            "(%ld input%s, %ld unreadable) in %.2f s\n",
            im.counts.new_articles, im.counts.updated, im.counts.duplicates,
            im.counts.failed, im.counts.files, im.counts.files == 1 ? "" : "s",
            im.counts.files_failed, secs);
    if (im.fatal)
        rc = EXIT_ARCHIVE;
    else if (im.counts.failed || im.counts.files_failed)
        rc = EXIT_PARTIAL;
    if (!im.fatal && !g->quiet && im.counts.new_articles > 0)
        suggest_optimize(db);
    /* issue 8: the new documents reach their Xapian shards; a shard that
     * fails is named and catches up at the next sync (exit 4: stored) */
    if (!im.fatal && (shards = idx_shards_stub(shards)) != NULL) {
        int src = idx_shards_sync(g, db, shards, 0, stderr);
        if (src && rc == 0)
            rc = src == EXIT_USAGE ? EXIT_USAGE : EXIT_PARTIAL;
    }
    arc_db_close(db);
    return rc;
}

static int
cmd_stats(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    arc_stats_t s;
    int json = 0;
    char a[32], b[32];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "json") == 0)
                json = 1;
            else if (strcmp(argv[i], "text") != 0)
                idx_cli_usage_error("--format wants text or json, not '%s'", argv[i]);
        } else if (strcmp(argv[i], "--format=json") == 0) {
            json = 1;
        } else {
            idx_cli_usage_error("unknown stats argument '%s'", argv[i]);
        }
    }
    db = idx_cli_open(g, ARC_OPEN_READONLY);
    if (arc_db_stats(db, &s)) {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    if (json) {
        cJSON *o = cJSON_CreateObject();
        char *txt;
        cJSON_AddStringToObject(o, "archive", arc_db_path(db));
        cJSON_AddNumberToObject(o, "schema_version", s.schema_version);
        cJSON_AddNumberToObject(o, "articles", (double)s.articles);
        cJSON_AddNumberToObject(o, "sources", (double)s.sources);
        cJSON_AddNumberToObject(o, "stories", (double)s.stories);
        cJSON_AddNumberToObject(o, "entities", (double)s.entities);
        cJSON_AddNumberToObject(o, "mentions", (double)s.mentions);
        cJSON_AddNumberToObject(o, "events", (double)s.events);
        cJSON_AddNumberToObject(o, "versions", (double)s.versions);
        idx_json_time(o, "first_published", s.first_published);
        idx_json_time(o, "last_published", s.last_published);
        cJSON_AddNumberToObject(o, "db_bytes", (double)s.db_bytes);
        txt = cJSON_PrintUnformatted(o);
        if (txt)
            puts(txt);
        cJSON_free(txt);
        cJSON_Delete(o);
    } else {
        printf("archive:        %s (schema %d)\n", arc_db_path(db), s.schema_version);
        printf("articles:       %lld (%lld earlier versions kept)\n",
               (long long)s.articles, (long long)s.versions);
        printf("sources:        %lld\n", (long long)s.sources);
        printf("stories:        %lld\n", (long long)s.stories);
        printf("entities:       %lld (%lld mentions)\n", (long long)s.entities,
               (long long)s.mentions);
        printf("events:         %lld\n", (long long)s.events);
        printf("published:      %s .. %s\n",
               s.first_published == ARC_TIME_NONE ? "-" : arc_time_format(s.first_published, a, sizeof a),
               s.last_published == ARC_TIME_NONE ? "-" : arc_time_format(s.last_published, b, sizeof b));
        printf("database size:  %.1f MB\n", (double)s.db_bytes / 1e6);
    }
    arc_db_close(db);
    return 0;
}

static int
cmd_check(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    char *problems = NULL;
    arc_status_t st;
    int repair = argc == 2 && strcmp(argv[1], "--repair") == 0;

    if (argc > 1 && !repair)
        idx_cli_usage_error("check takes no arguments but --repair (got '%s')", argv[1]);
    db = idx_cli_open(g, 0);
    st = arc_db_check(db, &problems);
    if (st == ARC_OK) {
        /* the records are sound; do their capture references lead to
         * the raw bytes they came from? */
        long checked = 0, bad = 0;
        if (idx_check_captures(db, stderr, &checked, &bad) != 0) {
            fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
            st = ARC_E_DB;
        } else if (bad) {
            fprintf(stderr, "newsindex: %s: %ld of %ld capture references are broken\n",
                    arc_db_path(db), bad, checked);
            st = ARC_E_CORRUPT;
        } else if (!g->quiet) {
            printf("%s: ok (%ld capture references verified)\n", arc_db_path(db), checked);
        }
    } else if (problems) {
        fprintf(stderr, "newsindex: %s: problems found:\n%s", arc_db_path(db), problems);
    } else {
        fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
    }
    arc_free(problems);
    problems = NULL;
    /* --repair: rebuild derived data from the records, then check again. */
    if (repair) {
        char *report = NULL;
        st = arc_db_repair(db, &report);
        if (st) {
            fprintf(stderr, "newsindex: repair failed: %s\n", arc_db_errmsg(db));
        } else {
            printf("%s: repaired:\n%s", arc_db_path(db), report ? report : "");
            st = arc_db_check(db, &problems);
            if (st == ARC_OK)
                printf("%s: ok after repair\n", arc_db_path(db));
            else
                fprintf(stderr, "newsindex: %s: problems remain after repair:\n%s",
                        arc_db_path(db), problems ? problems : arc_db_errmsg(db));
        }
        arc_free(report);
        arc_free(problems);
    }
    arc_db_close(db);
    return st ? EXIT_ARCHIVE : 0;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "archive", required_argument, NULL, 'a' },
        { "quiet", no_argument, NULL, 'q' },
        { "progress", no_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    globals_t g = { NULL, 0, 0 };
    const char *cmd;
    int c;

    arc_global_init();
    while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
        switch (c) {
        case 'a': g.archive = optarg; break;
        case 'q': g.quiet = 1; break;
        case 'p': g.progress = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': printf("newsindex %s\n", ARC_VERSION); return 0;
        default:
            fprintf(stderr, "Try 'newsindex --help' for more information.\n");
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    cmd = argv[optind];
    argc -= optind;
    argv += optind;
    /* `newsindex COMMAND --help` (or -h) anywhere before a "--": the manual,
     * as for newsquery, rather than an "unknown option" for that command */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
    if (strcmp(cmd, "init") == 0)
        return cmd_init(&g, argc, argv);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(&g, argc, argv);
    if (strcmp(cmd, "stats") == 0)
        return cmd_stats(&g, argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(&g, argc, argv);
    if (strcmp(cmd, "inspect") == 0)
        return idx_cmd_inspect(&g, argc, argv);
    if (strcmp(cmd, "story") == 0)
        return idx_cmd_story(&g, argc, argv);
    if (strcmp(cmd, "entity") == 0)
        return idx_cmd_entity(&g, argc, argv);
    if (strcmp(cmd, "rebuild") == 0)
        return idx_cmd_rebuild(&g, argc, argv);
    if (strcmp(cmd, "optimize") == 0)             /* issue 5 */
        return idx_cmd_optimize(&g, argc, argv);
    if (strcmp(cmd, "sync-shards") == 0)          /* issue 8 */
        return idx_cmd_sync_shards(&g, argc, argv);
    else if (strcmp(cmd, "feed") == 0)
        return idx_cmd_feed(&g, argc, argv);
    else if (strcmp(cmd, "fetch") == 0)
        return idx_cmd_fetch(&g, argc, argv);
    if (strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    idx_cli_usage_error("unknown command '%s'", cmd);
    return EXIT_USAGE;
}
