/*
 * changelog.c - rows of the change log (schema v8) that code writes
 * itself rather than a trigger (schema v13): an article whose mentions or
 * events changed, once per change and not per row. Xapian shards are
 * synced from the log (shards_sync.c), which re-sends every article named
 * after a shard's last seq, so one row after the change is all it needs.
 */
#include "archive-private.h"

/* Contract in archive-private.h. */
arc_status_t
Arc_change_log_article(arc_db_t *db, int64_t article)
{
    /* Two statements: an INSERT ... SELECT counts as writing many rows,
     * and SQLite copies every page such a statement touches to a
     * statement journal first. */
    sqlite3_stmt *last = Arc_db_cached(db, ARC_ST_CL_LAST,
        "SELECT kind = 0 AND id = ?1 FROM change_log ORDER BY seq DESC LIMIT 1");
    sqlite3_stmt *st;
    int rc, fresh = 0;

    if (!last)
        return ARC_E_DB;
    sqlite3_bind_int64(last, 1, article);
    rc = sqlite3_step(last);
    if (rc == SQLITE_ROW)
        fresh = sqlite3_column_int(last, 0);
    sqlite3_reset(last);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "reading the change log");
    if (fresh)
        return ARC_OK;
    if (!(st = Arc_db_cached(db, ARC_ST_CL_ARTICLE,
                             "INSERT INTO change_log(kind, id) VALUES (0, ?1)")))
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "logging a change");
}

/* Contract in archive-private.h. */
arc_status_t
Arc_change_log_entity_articles(arc_db_t *db, int64_t entity)
{
    sqlite3_stmt *st = Arc_db_prepare(db,
        "INSERT INTO change_log(kind, id)"
        " SELECT 0, article_id FROM mention WHERE entity_id = ?1");
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, entity);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "logging a change");
}
