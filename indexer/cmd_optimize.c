/*
 * cmd_optimize.c - `newsindex optimize`: precompute the relevance lists of
 * the archive's frequent words (arc_rank_optimize, docs/ranking.md), so
 * that a one-word relevance search reads a list instead of scanning the
 * word's matches. Run it after large imports; searches stay correct
 * without it, only slower for frequent words. An archive without a body
 * dictionary (one filled a few articles at a time) gets one trained on its
 * newest bodies (arc_body_dict_ensure), so that later bodies take less room.
 *
 *   newsindex optimize [--min-df N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Contract in cli.h. */
int
idx_cmd_optimize(const globals_t *g, int argc, char **argv)
{
    static const struct option opts[] = {
        { "min-df", required_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 }
    };
    arc_optimize_report_t rep;
    arc_db_t *db;
    long long min_df = 0;
    double t0;
    char *end;
    int c, made = 0;
    arc_status_t st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'm')
            idx_cli_usage_error("optimize: unknown option%s", "");
        min_df = strtoll(optarg, &end, 10);
        if (*end || min_df < 1)
            idx_cli_usage_error("optimize: --min-df wants a positive number, not '%s'", optarg);
    }
    if (optind < argc)
        idx_cli_usage_error("optimize: unexpected argument '%s'", argv[optind]);
    db = idx_cli_open(g, 0);
    t0 = now_seconds();
    st = arc_body_dict_ensure(db, &made);
    if (!st)
        st = arc_rank_optimize(db, (int64_t)min_df, &rep);
    if (st) {
        fprintf(stderr, "newsindex: optimize: %s\n", arc_db_errmsg(db));
        arc_db_close(db);
        return EXIT_ARCHIVE;
    }
    if (!g->quiet)
        printf("optimize: %lld words listed from %lld sampled articles, %lld rows scored,"
               " %lld word pairs listed (%.1f MB), %.1f s\n", (long long)rep.terms,
               (long long)rep.sampled, (long long)rep.scored, (long long)rep.pairs,
               (double)rep.pair_bytes / 1e6, now_seconds() - t0);
    if (!g->quiet && made)
        printf("optimize: bodies stored from now on are compressed with a dictionary trained"
               " on the newest %d\n", ARC_BODY_DICT_SAMPLES);
    arc_db_close(db);
    return 0;
}
