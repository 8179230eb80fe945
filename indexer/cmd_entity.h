/*
 * cmd_entity.h - entity corrections (issue 3):
 *   newsindex entity merge A B      entity A is merged into B (A redirects to B)
 *   newsindex entity rename ID NAME new canonical name; the old one stays an alias
 * Both are stored as user decisions ("entity-merge", "entity-rename") and
 * re-applied by `newsindex rebuild`.
 */
#ifndef IDX_CMD_ENTITY_H
#define IDX_CMD_ENTITY_H

#include "cli.h"

/* The `entity` command; returns the exit status (see cli.h). */
int idx_cmd_entity(const globals_t *g, int argc, char **argv);

/*
 * Re-apply every stored entity decision in the order they were made
 * (idempotent: a merge already in effect or a name already given changes
 * nothing). The caller holds the transaction.
 *   applied OUT how many are in effect afterwards (may be NULL)
 * Decisions naming entities that no longer exist, or that conflict, are
 * skipped. Returns ARC_OK or the archive's failure status.
 */
arc_status_t idx_entity_decisions_reapply(arc_db_t *db, size_t *applied);

#endif
