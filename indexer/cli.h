/*
 * cli.h - what the newsindex commands share. Each command is a function
 * `int idx_cmd_NAME(const globals_t *g, int argc, char **argv)` (argv[0] is
 * the command name) returning the exit status; main.c dispatches to it.
 */
#ifndef IDX_CLI_H
#define IDX_CLI_H

#include "newsarc.h"

#define EXIT_USAGE 2
#define EXIT_ARCHIVE 3
#define EXIT_PARTIAL 4

typedef struct globals {
    const char *archive;  /* --archive DIR, or NULL */
    int quiet;            /* -q */
    int progress;         /* --progress */
} globals_t;

/* Print "newsindex: <fmt with arg>" and the --help hint; exit 2. */
void idx_cli_usage_error(const char *fmt, const char *arg)
    __attribute__((noreturn));

/* JSON fields (cli_json.c): an ISO 8601 time or null; a string or null. */
struct cJSON;
void idx_json_time(struct cJSON *o, const char *key, int64_t t);
void idx_json_str(struct cJSON *o, const char *key, const char *v);

/* Open the archive (ARC_OPEN_* flags) or exit 3 with the reason. */
arc_db_t *idx_cli_open(const globals_t *g, int flags);

/* ---- Commands over the network (cmd_feed.c, cmd_fetch.c, cmd_inspect.c) */
int idx_cmd_feed(const globals_t *g, int argc, char **argv);
int idx_cmd_fetch(const globals_t *g, int argc, char **argv);
int idx_cmd_inspect(const globals_t *g, int argc, char **argv);

/* ---- `newsindex optimize` (cmd_optimize.c, issue 5): the relevance
 * lists of frequent words (arc_rank_optimize). */
int idx_cmd_optimize(const globals_t *g, int argc, char **argv);

#endif
