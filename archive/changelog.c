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
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_CL_ARTICLE,
        "INSERT INTO change_log(kind, id) SELECT 0, ?1 WHERE NOT EXISTS"
        " (SELECT 1 FROM change_log WHERE seq = (SELECT max(seq) FROM change_log)"
        " AND kind = 0 AND id = ?1)");
    int rc;

    if (!st)
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
