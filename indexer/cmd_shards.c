/*
 * cmd_shards.c - newsindex sync-shards: bring the Xapian shards listed in
 * a stub file up to date with the archive (issue 8), and the same sync at
 * the end of `newsindex import --shards FILE`.
 *
 * The archive layer does the work (arc_shards_sync: each shard records the
 * last change it applied, so a shard that was down catches up from there);
 * this file chooses the stub, draws progress on a terminal and prints one
 * summary line per shard.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_shards.h"

const char *
idx_shards_stub(const char *given)
{
    const char *env;

    if (given && *given)
        return given;
    env = getenv("NEWSARCHIVE_SHARDS");
    return env && *env ? env : NULL;
}

typedef struct sync_progress {
    int on;               /* draw on stderr */
    double last;          /* when it was last drawn */
    int drawn;            /* something to clear */
} sync_progress_t;

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_progress(void *ud, const char *shard, int64_t done, int64_t total)
{
    sync_progress_t *p = ud;
    double t;

    if (!p->on)
        return;
    t = now_seconds();
    if (done < total && t - p->last < 0.25)
        return;
    p->last = t;
    p->drawn = 1;
    fprintf(stderr, "\r\033[Ksync-shards: %s: %lld/%lld changes", shard ? shard : "?",
            (long long)done, (long long)total);
    fflush(stderr);
}

int
idx_shards_sync(const globals_t *g, arc_db_t *db, const char *stub, int flags, FILE *out)
{
    arc_shard_sync_report_t rep;
    sync_progress_t prog;
    arc_status_t st;
    int rc;

    memset(&rep, 0, sizeof rep);
    memset(&prog, 0, sizeof prog);
    prog.on = !g->quiet && (g->progress || isatty(2));
    st = arc_shards_sync(db, stub, flags, on_progress, &prog, &rep);
    if (prog.drawn)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; i < rep.n_shards; i++) {
        const arc_shard_status_t *s = &rep.shards[i];
        if (s->status == ARC_OK) {
            if (!g->quiet)
                fprintf(out, "shard %zu/%zu %s: %lld written, %lld deleted, now at change "
                        "%lld (was %lld)\n", i + 1, rep.n_shards, s->name,
                        (long long)s->written, (long long)s->deleted,
                        (long long)s->to_seq, (long long)s->from_seq);
        } else {
            char at[64] = "";
            if (s->to_seq > 0)   /* known only when it answered at first */
                snprintf(at, sizeof at, " at change %lld", (long long)s->to_seq);
            fprintf(stderr, "newsindex: shard %zu/%zu %s: failed: %s; it stays%s and "
                    "catches up at the next 'newsindex sync-shards' once it is back\n",
                    i + 1, rep.n_shards, s->name,
                    s->message ? s->message : arc_status_string(s->status), at);
        }
    }
    if (st == ARC_OK) {
        if (!g->quiet)
            fprintf(out, "shards at change %lld: %lld articles, %lld events, %lld stories, "
                    "%lld entities written, %lld documents deleted\n",
                    (long long)rep.head_seq, (long long)rep.articles, (long long)rep.events,
                    (long long)rep.stories, (long long)rep.entities, (long long)rep.deleted);
        rc = 0;
    } else if (st == ARC_E_NET && rep.n_shards > 0) {
        if (rep.n_failed < rep.n_shards)
            fprintf(stderr, "newsindex: %zu of %zu shards failed; the others are at change %lld\n",
                    rep.n_failed, rep.n_shards, (long long)rep.head_seq);
        else
            fprintf(stderr, "newsindex: no shard could be synced (%zu of %zu failed); the archive "
                    "is unchanged and they catch up at the next sync\n",
                    rep.n_failed, rep.n_shards);
        rc = rep.n_failed < rep.n_shards ? EXIT_PARTIAL : EXIT_ARCHIVE;
    } else {
        fprintf(stderr, "newsindex: sync-shards %s: %s\n", stub, arc_db_errmsg(db));
        rc = st == ARC_E_UNSUPPORTED || st == ARC_E_BAD_ARG ? EXIT_USAGE : EXIT_ARCHIVE;
    }
    arc_shard_sync_report_clear(&rep);
    return rc;
}

int
idx_cmd_sync_shards(const globals_t *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "shards", required_argument, NULL, 's' },
        { "rebuild", no_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 }
    };
    const char *given = NULL, *stub;
    int c, flags = 0, rc;
    arc_db_t *db;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': given = optarg; break;
        case 'r': flags |= ARC_SHARDS_REBUILD; break;
        default: idx_cli_usage_error("%s", "bad option for sync-shards");
        }
    }
    if (optind < argc)
        idx_cli_usage_error("sync-shards takes no arguments (got '%s')", argv[optind]);
    stub = idx_shards_stub(given);
    if (!stub)
        idx_cli_usage_error("%s", "sync-shards needs the shards stub file: --shards FILE "
                            "or NEWSARCHIVE_SHARDS");
    db = idx_cli_open(g, 0);
    rc = idx_shards_sync(g, db, stub, flags, stdout);
    arc_db_close(db);
    return rc;
}
