/*
 * cmd_shards.h - newsindex and the Xapian shards (issue 8):
 *   newsindex sync-shards [--shards FILE] [--rebuild]
 *   newsindex import ... --shards FILE   (sync after the import)
 */
#ifndef IDX_CMD_SHARDS_H
#define IDX_CMD_SHARDS_H

#include <stdio.h>

#include "cli.h"

/* The shards stub file: @p given (--shards) if set, else
 * $NEWSARCHIVE_SHARDS, else NULL. Borrowed. */
const char *idx_shards_stub(const char *given);

/*
 * Bring every shard of @p stub up to date with the archive @p db (a
 * read-write handle, no transaction open): progress on stderr when
 * g->progress or stderr is a terminal (never with -q), then one line per
 * shard: on @p out "shard K/N NAME: W written, D deleted, now at change
 * C" (not with -q), or on stderr "newsindex: shard K/N NAME: failed: WHY".
 * @p flags: ARC_SHARDS_REBUILD or 0.
 * Returns 0 when every shard synced, EXIT_PARTIAL (4) when some failed,
 * EXIT_ARCHIVE (3) when none could be synced or the archive failed,
 * EXIT_USAGE (2) when this build has no Xapian backend.
 */
int idx_shards_sync(const globals_t *g, arc_db_t *db, const char *stub, int flags,
                    FILE *out);

/* newsindex sync-shards: see the usage text in main.c. */
int idx_cmd_sync_shards(const globals_t *g, int argc, char **argv);

#endif
