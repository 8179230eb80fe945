/*
 * backend.h - the search backend of newsquery (issue 8): the SQLite
 * archive or Xapian shards, and the status of a partial answer.
 */
#ifndef QRY_BACKEND_H
#define QRY_BACKEND_H

#include "common.h"

/* The shards stub file: --shards FILE, else $NEWSARCHIVE_SHARDS, else
 * NULL. Borrowed from the options or the environment. */
const char *qry_backend_stub(const qry_opts_t *o);

/* Whether this run reads the shards: --backend xapian, or no --backend
 * and a stub file given (--shards or $NEWSARCHIVE_SHARDS). */
int qry_backend_is_xapian(const qry_opts_t *o);

/* Open the shards of the stub file (partial with --allow-partial) or exit:
 * 2 without a stub file or without the Xapian backend in this build, 3
 * when a shard (all of them with --allow-partial) cannot be reached, the
 * message naming it. The caller closes the handle with arc_db_close(). */
arc_db_t *qry_backend_open_shards(const qry_opts_t *o);

/* Remember the handle of this run (either backend) for the status below;
 * qry_open() calls it. */
void qry_backend_track(arc_db_t *db, const qry_opts_t *o);

/* The status of the answer for the printer: with --allow-partial a new
 * object {"partial": bool, "unreachable_shards": [names]} (caller
 * deletes), else NULL. Either way, when shards were skipped, a warning
 * naming them goes to stderr (once). Call before closing the handle. */
cJSON *qry_backend_status(void);

/* Add the same two keys to @p obj (a single-object result) when
 * --allow-partial was given; warns like qry_backend_status(). */
void qry_backend_status_into(cJSON *obj);

/* For qry_fail(): an operation the shards cannot answer
 * (ARC_E_UNSUPPORTED) prints the reason and a hint and returns 2; any
 * other status returns -1 and prints nothing. */
int qry_backend_fail(arc_db_t *db, arc_status_t st);

#endif
