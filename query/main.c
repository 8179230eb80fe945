/*
 * main.c - newsquery: search the archive, show articles and stories,
 * rebuild timelines. Opens the archive read-only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage_text[] =
"Usage: newsquery [--archive DIR | --shards FILE] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Search a news archive made by newsindex. The archive is opened read-only,\n"
"so queries run while newsindex is writing.\n"
"\n"
"Commands:\n"
"  search QUERY        ranked articles with snippets (default: top 20)\n"
"  search --count QUERY  the number of matching articles\n"
"  show ID             one article: metadata, entities and full text\n"
"  show ID --versions  ... with its earlier texts\n"
"  stories QUERY       stories with matching articles, most matches first\n"
"  entities [QUERY]    top entities of the matching articles with ids and\n"
"                      counts; --kind person|place|org, --with ENTITY for\n"
"                      those mentioned together with ENTITY\n"
"  histogram QUERY     matching articles over time, --by day|week|month\n"
"  export QUERY        every matching article, streamed (jsonl by default;\n"
"                      --fields a,b,c, --with-body; no limit unless --limit)\n"
"  story ID            one story: title, summary citing its sources [n],\n"
"                      the numbered sources, and the dated timeline\n"
"  timeline [QUERY]    dated events of the matching articles in date order,\n"
"                      statements of the same date merged, each citing its\n"
"                      sources; --story ID for one story\n"
"\n"
"QUERY (see docs/query-syntax.md):\n"
"  putin witkoff            both words (stemmed)\n"
"  \"five-hour meeting\"      phrase\n"
"  moscow OR kremlin        either\n"
"  talks -geneva            exclude\n"
"  (a OR b) c, word*        grouping, prefix\n"
"  person:\"Vladimir Putin\"  place:Donbas  org:NATO  source:ledger.example\n"
"  title:ceasefire  date:2025-11-30..2025-12-04  date:2025-12  story:42\n"
"\n"
"Options:\n"
"  --archive DIR       the archive (default: $NEWSARCHIVE_DIR, else\n"
"                      $XDG_DATA_HOME/newsarchive, else ~/.local/share/newsarchive)\n"
"  --since DATE        only from DATE (YYYY, YYYY-MM, YYYY-MM-DD or a full\n"
"                      ISO 8601 time, UTC); for timeline: event dates\n"
"  --until DATE        only up to and including DATE\n"
"  --source S          only source S (name or site)\n"
"  --limit N           at most N results (search default 20; 0 = all)\n"
"  --offset N          skip the first N results\n"
"  --sort relevance|newest|oldest   (default relevance)\n"
"  --format text|json|jsonl|csv     (default text)\n"
"  --story ID          timeline of one story\n"
"  --entity ID         timeline of the articles mentioning one entity\n"
"  --max-per-day N     timeline: keep the N most important entries a date\n"
"  --count             search: print only the number of matches\n"
"  --collapse story    search: one article per story (the best ranked)\n"
"  --exact-rank        search: score every match (default: bounded top-k,\n"
"                      docs/ranking.md)\n"
"  --versions          show: include earlier versions\n"
"  --kind K, --with E  entities: only kind K; co-occurring with entity E\n"
"                      (a name, kind:name or an id)\n"
"  --by day|week|month histogram bucket (default day)\n"
"  --fields a,b,c      export: columns (default id,published,source,title,url,story)\n"
"  --with-body         export: add summary and body\n"
"  --fail-empty        exit 1 when nothing matched\n"
"  -h, --help          this text;  --version  the version\n"
"\n"
"Backends (README, \"Scaling out\"):\n"
"  --backend sqlite|xapian  where to search: the SQLite archive (default)\n"
"                      or Xapian shards kept up to date from it by\n"
"                      'newsindex sync-shards'\n"
"  --shards FILE       the Xapian stub file listing the shards, one a line\n"
"                      ('remote tcp HOST PORT' for xapian-tcpsrv, or a local\n"
"                      directory); implies --backend xapian. Default:\n"
"                      $NEWSARCHIVE_SHARDS (which also makes xapian the\n"
"                      default backend)\n"
"  --allow-partial     xapian: when a shard cannot be reached, answer from\n"
"                      the others, warn on stderr naming it, and mark the\n"
"                      answer: JSON becomes {\"results\": [...], \"partial\":\n"
"                      true|false, \"unreachable_shards\": [...]}, JSON Lines\n"
"                      ends with a line {\"partial\": ..., ...}, single\n"
"                      objects get both keys (docs/output-schema.md).\n"
"                      Without it an unreachable shard is an error (exit 3).\n"
"  On the shards, search, export, entities, histogram, stories and\n"
"  timeline (QUERY or --story) answer as on SQLite: same JSON, same\n"
"  matches and counts (the relevance order may differ). show, story and\n"
"  timeline --entity need the SQLite archive: exit 2, saying so.\n"
"\n"
"JSON shapes are documented in docs/output-schema.md. In JSON, matched\n"
"words in snippets are marked <mark>...</mark>.\n"
"\n"
"Exit status: 0 success; 1 nothing matched (only with --fail-empty, or\n"
"show/story of an unknown ID); 2 usage or query error; 3 the archive cannot\n"
"be opened or is damaged, or a shard cannot be reached (without\n"
"--allow-partial).\n";

static void
usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "newsquery: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'newsquery --help' for more information.\n");
    exit(EXIT_USAGE);
}

static int64_t
parse_count(const char *opt, const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s wants a number >= 0, not '%%s'", opt);
        usage_error(msg, s);
    }
    return v;
}

static int64_t
parse_id(const char *what, const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s wants a positive number, not '%%s'", what);
        usage_error(msg, s);
    }
    return v;
}

/* Join the remaining arguments with spaces into one query. */
static char *
join_args(int argc, char **argv)
{
    size_t n = 1;
    char *q;

    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    q = malloc(n);
    if (!q)
        return NULL;
    q[0] = '\0';
    for (int i = 0, k = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (i)
            q[k++] = ' ';
        memcpy(q + k, argv[i], len + 1);
        k += (int)len;
    }
    return q;
}

int
main(int argc, char **argv)
{
    enum { O_SINCE = 256, O_UNTIL, O_SOURCE, O_LIMIT, O_OFFSET, O_SORT, O_FORMAT,
           O_FAIL_EMPTY, O_STORY, O_COUNT, O_ARCHIVE, O_VERSION,
           O_ENTITY, O_MAX_PER_DAY,
           O_COLLAPSE, O_VERSIONS, O_KIND, O_WITH, O_BY, O_FIELDS, O_WITH_BODY,
           O_EXACT_RANK,
           O_BACKEND, O_SHARDS, O_ALLOW_PARTIAL /* issue 8 */ };
    static const struct option opts[] = {
        { "archive", required_argument, NULL, O_ARCHIVE },
        { "since", required_argument, NULL, O_SINCE },
        { "until", required_argument, NULL, O_UNTIL },
        { "source", required_argument, NULL, O_SOURCE },
        { "limit", required_argument, NULL, O_LIMIT },
        { "offset", required_argument, NULL, O_OFFSET },
        { "sort", required_argument, NULL, O_SORT },
        { "format", required_argument, NULL, O_FORMAT },
        { "fail-empty", no_argument, NULL, O_FAIL_EMPTY },
        { "story", required_argument, NULL, O_STORY },
        { "entity", required_argument, NULL, O_ENTITY },
        { "max-per-day", required_argument, NULL, O_MAX_PER_DAY },
        { "count", no_argument, NULL, O_COUNT },
        { "collapse", required_argument, NULL, O_COLLAPSE },
        { "versions", no_argument, NULL, O_VERSIONS },
        { "kind", required_argument, NULL, O_KIND },
        { "with", required_argument, NULL, O_WITH },
        { "by", required_argument, NULL, O_BY },
        { "fields", required_argument, NULL, O_FIELDS },
        { "with-body", no_argument, NULL, O_WITH_BODY },
        { "exact-rank", no_argument, NULL, O_EXACT_RANK },
        { "backend", required_argument, NULL, O_BACKEND },
        { "shards", required_argument, NULL, O_SHARDS },
        { "allow-partial", no_argument, NULL, O_ALLOW_PARTIAL },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 }
    };
    qry_opts_t o;
    const char *cmd = NULL;
    char **rest;
    int c, nrest = 0, rc;
    char *query = NULL;
    int64_t end;

    arc_global_init();
    memset(&o, 0, sizeof o);
    o.color = isatty(1) && getenv("NO_COLOR") == NULL;
    rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return EXIT_ARCHIVE;
    /* options may come before or after the command and its arguments;
     * "--" ends them so a query may start with '-' */
    while (optind < argc) {
        if ((c = getopt_long(argc, argv, "+h", opts, NULL)) == -1) {
            if (optind < argc && strcmp(argv[optind - 1], "--") == 0) {
                while (optind < argc)
                    rest[nrest++] = argv[optind++];
                break;
            }
            if (optind < argc)
                rest[nrest++] = argv[optind++];
            continue;
        }
        switch (c) {
        case O_ARCHIVE: o.archive = optarg; break;
        case O_SINCE:
            if (arc_time_parse_user(optarg, &o.since, &end))
                usage_error("--since wants a date like 2025-12-01, not '%s'", optarg);
            o.since_arg = optarg;
            break;
        case O_UNTIL:
            if (arc_time_parse_user(optarg, &end, &o.until))
                usage_error("--until wants a date like 2025-12-31, not '%s'", optarg);
            o.until_arg = optarg;
            break;
        case O_SOURCE: o.source = optarg; break;
        case O_LIMIT: o.limit = parse_count("--limit", optarg); o.limit_set = 1; break;
        case O_OFFSET: o.offset = parse_count("--offset", optarg); break;
        case O_SORT:
            if (strcmp(optarg, "relevance") == 0) o.sort = ARC_SORT_RELEVANCE;
            else if (strcmp(optarg, "newest") == 0) o.sort = ARC_SORT_NEWEST;
            else if (strcmp(optarg, "oldest") == 0) o.sort = ARC_SORT_OLDEST;
            else usage_error("--sort wants relevance, newest or oldest, not '%s'", optarg);
            break;
        case O_FORMAT:
            if (qry_format_parse(optarg, &o.format))
                usage_error("--format wants text, json, jsonl or csv, not '%s'", optarg);
            break;
        case O_FAIL_EMPTY: o.fail_empty = 1; break;
        case O_STORY: o.story = parse_id("--story", optarg); break;
        case O_ENTITY: o.entity = parse_id("--entity", optarg); break;
        case O_MAX_PER_DAY:
            o.max_per_day = (int)parse_count("--max-per-day", optarg);
            break;
        case O_COUNT: o.count_only = 1; break;
        case O_COLLAPSE:
            if (strcmp(optarg, "story") != 0)
                usage_error("--collapse wants story, not '%s'", optarg);
            o.collapse_story = 1;
            break;
        case O_VERSIONS: o.versions = 1; break;
        case O_KIND:
            if (strcmp(optarg, "person") && strcmp(optarg, "place") && strcmp(optarg, "org"))
                usage_error("--kind wants person, place or org, not '%s'", optarg);
            o.kind_arg = optarg;
            break;
        case O_WITH: o.with_arg = optarg; break;
        case O_BY:
            if (strcmp(optarg, "day") && strcmp(optarg, "week") && strcmp(optarg, "month"))
                usage_error("--by wants day, week or month, not '%s'", optarg);
            o.by_arg = optarg;
            break;
        case O_FIELDS: o.fields_arg = optarg; break;
        case O_WITH_BODY: o.with_body = 1; break;
        case O_EXACT_RANK: o.exact_rank = 1; break;
        case O_BACKEND:        /* issue 8 */
            if (strcmp(optarg, "sqlite") == 0) o.backend = QRY_BACKEND_SQLITE;
            else if (strcmp(optarg, "xapian") == 0) o.backend = QRY_BACKEND_XAPIAN;
            else usage_error("--backend wants sqlite or xapian, not '%s'", optarg);
            break;
        case O_SHARDS:
            if (!*optarg)
                usage_error("%s", "--shards wants the path of a shards stub file");
            o.shards = optarg;
            break;
        case O_ALLOW_PARTIAL: o.allow_partial = 1; break;
        case 'h': fputs(usage_text, stdout); free(rest); return 0;
        case O_VERSION: printf("newsquery %s\n", ARC_VERSION); free(rest); return 0;
        default:
            fprintf(stderr, "Try 'newsquery --help' for more information.\n");
            free(rest);
            return EXIT_USAGE;
        }
    }
    if (o.backend == QRY_BACKEND_SQLITE && o.shards)
        usage_error("%s", "--shards reads Xapian shards: it cannot go with --backend sqlite");
    if (o.since && o.until && o.since >= o.until)
        usage_error("--since %s is not before --until", o.since_arg);
    if (nrest == 0) {
        fputs(usage_text, stderr);
        free(rest);
        return EXIT_USAGE;
    }
    cmd = rest[0];
    o.command = cmd;
    if (o.format != QRY_FORMAT_TEXT)
        o.color = 0;
    if (strcmp(cmd, "search") == 0 || strcmp(cmd, "timeline") == 0) {
        query = join_args(nrest - 1, rest + 1);
        o.query = query;
        /* the _arg strings: --since 1970 is time 0, which o.since cannot tell from unset */
        if (strcmp(cmd, "search") == 0 && (!query || !*query) && !o.source && !o.since_arg
            && !o.until_arg)
            usage_error("%s", "search needs a QUERY (use '' with --since/--source to list)");
        rc = strcmp(cmd, "search") == 0 ? qry_cmd_search(&o) : qry_cmd_timeline(&o);
    } else if (strcmp(cmd, "stories") == 0 || strcmp(cmd, "entities") == 0
               || strcmp(cmd, "histogram") == 0 || strcmp(cmd, "export") == 0) {
        /* query tool (issue 5): each takes an optional QUERY */
        query = join_args(nrest - 1, rest + 1);
        o.query = query;
        rc = strcmp(cmd, "stories") == 0 ? qry_cmd_stories(&o)
             : strcmp(cmd, "entities") == 0 ? qry_cmd_entities(&o)
             : strcmp(cmd, "histogram") == 0 ? qry_cmd_histogram(&o)
             : qry_cmd_export(&o);
    } else if (strcmp(cmd, "show") == 0) {
        if (nrest != 2)
            usage_error("%s", "show needs exactly one article ID");
        rc = qry_cmd_show(&o, parse_id("show", rest[1]));
    } else if (strcmp(cmd, "story") == 0) {
        if (nrest != 2)
            usage_error("%s", "story needs exactly one story ID");
        rc = qry_cmd_story(&o, parse_id("story", rest[1]));
    } else if (strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        rc = 0;
    } else {
        usage_error("unknown command '%s'", cmd);
        rc = EXIT_USAGE;
    }
    free(query);
    free(rest);
    return rc;
}
