/*
 * capture_refs.c - listing the capture references of stored articles, so
 * that `newsindex check` can verify each one still leads to its record.
 */
#include <stdlib.h>

#include "archive-private.h"

struct arc_capture_refs {
    arc_db_t *db;
    sqlite3_stmt *st;
    arc_capture_ref_t row;
};

arc_status_t
arc_capture_refs_open(arc_db_t *db, arc_capture_refs_t **out)
{
    ARC_NO_SHARDS(db);
    arc_capture_refs_t *r = calloc(1, sizeof *r);

    *out = NULL;
    if (!r)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    r->db = db;
    r->st = Arc_db_prepare(db,
        "SELECT id, url, capture FROM article WHERE capture IS NOT NULL ORDER BY id");
    if (!r->st) {
        free(r);
        return ARC_E_DB;
    }
    *out = r;
    return ARC_OK;
}

arc_status_t
arc_capture_refs_next(arc_capture_refs_t *r, const arc_capture_ref_t **row)
{
    int rc;

    *row = NULL;
    if (!r->st)
        return ARC_OK;
    rc = sqlite3_step(r->st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(r->st);
        r->st = NULL;
        return ARC_OK;
    }
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(r->db, "listing capture references");
    r->row.article = sqlite3_column_int64(r->st, 0);
    r->row.url = (const char *)sqlite3_column_text(r->st, 1);
    r->row.capture = (const char *)sqlite3_column_text(r->st, 2);
    *row = &r->row;
    return ARC_OK;
}

void
arc_capture_refs_destroy(arc_capture_refs_t *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->st);
    free(r);
}
