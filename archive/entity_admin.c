/*
 * entity_admin.c - entity merges and renames, and the redirects that keep
 * every entity id resolving once given (issue 3). Used by the user's
 * corrections (newsindex entity merge / rename) and by cross-archive
 * resolution in entity.c (a surname-only person folded into the full
 * name once that appears).
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

#define MAX_HOPS 16

/* Run one statement with one or two integer parameters (?1, ?2); ARC_OK
 * when it completed. */
static arc_status_t
exec_ids(arc_db_t *db, const char *sql, int64_t a, int64_t b, const char *what)
{
    sqlite3_stmt *st = Arc_db_prepare(db, sql);
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, what);
}

/* Contract in archive-private.h. */
arc_status_t
Arc_entity_final(arc_db_t *db, int64_t id, int64_t *out)
{
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT (SELECT to_id FROM entity_redirect WHERE from_id = ?1),"
        " EXISTS (SELECT 1 FROM entity WHERE id = ?1)");
    arc_status_t s = ARC_OK;
    int rc, exists = 0;

    *out = id;
    if (!st)
        return ARC_E_DB;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, *out);
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
            s = Arc_db_sqlerr(db, "following an entity merge");
            break;
        }
        exists = sqlite3_column_int(st, 1);
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            break;
        *out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (!s && !exists)
        s = Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld", (long long)id);
    return s;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_entity_redirect(arc_db_t *db, int64_t from, int64_t to)
{
    arc_status_t s;

    /* the articles whose mentions move, logged for the shards (schema v13:
     * no trigger on mention) */
    if ((s = Arc_change_log_entity_articles(db, from)))
        return s;
    /* packed occurrences and event entities first: they are found through
     * the mention rows of `from`, which move next */
    if ((s = Arc_mentions_redirect(db, from, to)))
        return s;
    /* the WHERE 1 keeps SQLite's upsert parser from reading ON as a join */
    if ((s = exec_ids(db,
            "INSERT INTO mention(entity_id, article_id, count, first_offset)"
            " SELECT ?2, article_id, count, first_offset FROM mention"
            " WHERE entity_id = ?1 AND 1"
            " ON CONFLICT(entity_id, article_id) DO UPDATE"
            " SET count = count + excluded.count,"
            " first_offset = min(first_offset, excluded.first_offset)",
            from, to, "moving mentions")) ||
        (s = exec_ids(db, "DELETE FROM mention WHERE entity_id = ?1", from, 0,
                      "moving mentions")) ||
        (s = exec_ids(db,
            "INSERT OR IGNORE INTO entity_alias(kind, alias, entity_id)"
            " SELECT kind, alias, ?2 FROM entity_alias WHERE entity_id = ?1"
            " UNION ALL SELECT kind, name, ?2 FROM entity WHERE id = ?1",
            from, to, "moving aliases")) ||
        (s = exec_ids(db, "DELETE FROM entity_alias WHERE entity_id = ?1", from, 0,
                      "moving aliases")) ||
        (s = exec_ids(db, "UPDATE entity_redirect SET to_id = ?2 WHERE to_id = ?1",
                      from, to, "redirecting merged entities")) ||
        (s = exec_ids(db,
            "INSERT OR REPLACE INTO entity_redirect(from_id, to_id) VALUES (?1, ?2)",
            from, to, "redirecting an entity")))
        return s;
    return ARC_OK;
}

static arc_status_t
savepoint(arc_db_t *db, const char *sql)
{
    if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "entity correction");
    return ARC_OK;
}

/* Run the body's status through a savepoint: released on success, rolled
 * back on failure. */
static arc_status_t
finish(arc_db_t *db, arc_status_t s)
{
    if (s) {
        sqlite3_exec(db->sql, "ROLLBACK TO ent_admin; RELEASE ent_admin", NULL, NULL, NULL);
        return s;
    }
    return savepoint(db, "RELEASE ent_admin");
}

/* Kind and (optionally) name of a live entity. */
static arc_status_t
entity_row(arc_db_t *db, int64_t id, int *kind, char **name)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT kind, name FROM entity WHERE id = ?1");
    arc_status_t s = ARC_OK;
    int rc;

    if (name)
        *name = NULL;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *kind = sqlite3_column_int(st, 0);
        if (name && !(*name = Arc_strdup((const char *)sqlite3_column_text(st, 1))))
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        s = Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld", (long long)id);
    } else {
        s = Arc_db_sqlerr(db, "reading an entity");
    }
    sqlite3_finalize(st);
    return s;
}

/* Contract in newsarc.h. */
arc_status_t
arc_entity_resolve_id(arc_db_t *db, int64_t id, int64_t *out)
{
    ARC_NO_SHARDS(db);
    return Arc_entity_final(db, id, out);
}

/* Contract in newsarc.h. */
arc_status_t
arc_entity_merge(arc_db_t *db, int64_t from, int64_t into, int *merged)
{
    ARC_NO_SHARDS(db);
    int64_t a, b;
    int ka = -1, kb = -1;
    arc_status_t s;

    if (merged)
        *merged = 0;
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if ((s = Arc_entity_final(db, from, &a)) || (s = Arc_entity_final(db, into, &b)))
        return s;
    if (a == b)
        return ARC_OK;
    if ((s = entity_row(db, a, &ka, NULL)) || (s = entity_row(db, b, &kb, NULL)))
        return s;
    if (ka != kb)
        return Arc_db_error(db, ARC_E_BAD_ARG,
                            "entity %lld is a %s and entity %lld a %s: not merged",
                            (long long)from, arc_entity_kind_name((arc_entity_kind_t)ka),
                            (long long)into, arc_entity_kind_name((arc_entity_kind_t)kb));
    if ((s = savepoint(db, "SAVEPOINT ent_admin")))
        return s;
    if ((s = finish(db, Arc_entity_redirect(db, a, b))))
        return s;
    if (merged)
        *merged = 1;
    return ARC_OK;
}

static arc_status_t
add_alias(arc_db_t *db, int kind, const char *alias, int64_t id)
{
    sqlite3_stmt *st = Arc_db_prepare(db,
        "INSERT OR IGNORE INTO entity_alias(kind, alias, entity_id) VALUES (?1, ?2, ?3)");
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, kind);
    Arc_bind_text(st, 2, alias);
    sqlite3_bind_int64(st, 3, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "recording an alias");
}

/* Contract in newsarc.h. */
arc_status_t
arc_entity_rename(arc_db_t *db, int64_t id, const char *name, int *renamed)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    char *old = NULL;
    int64_t live, other = 0;
    int kind = 0, rc;
    arc_status_t s;

    if (renamed)
        *renamed = 0;
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (!name || !*name)
        return Arc_db_error(db, ARC_E_BAD_ARG, "an entity needs a non-empty name");
    if ((s = Arc_entity_final(db, id, &live)) || (s = entity_row(db, live, &kind, &old)))
        return s;
    if (strcmp(old, name) == 0) {
        free(old);
        return ARC_OK;
    }
    st = Arc_db_prepare(db, "SELECT id FROM entity WHERE kind = ?1 AND name = ?2 AND id <> ?3");
    if (!st) {
        free(old);
        return ARC_E_DB;
    }
    sqlite3_bind_int(st, 1, kind);
    Arc_bind_text(st, 2, name);
    sqlite3_bind_int64(st, 3, live);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        other = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        free(old);
        return Arc_db_sqlerr(db, "renaming an entity");
    }
    if (other) {
        free(old);
        return Arc_db_error(db, ARC_E_BAD_ARG,
                            "entity %lld is already called '%s': merge instead",
                            (long long)other, name);
    }
    if ((s = savepoint(db, "SAVEPOINT ent_admin"))) {
        free(old);
        return s;
    }
    st = Arc_db_prepare(db, "UPDATE entity SET name = ?2 WHERE id = ?1");
    if (!st) {
        s = ARC_E_DB;
    } else {
        sqlite3_bind_int64(st, 1, live);
        Arc_bind_text(st, 2, name);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            s = Arc_db_sqlerr(db, "renaming an entity");
    }
    if (!s)
        s = add_alias(db, kind, old, live);
    if (!s)
        s = add_alias(db, kind, name, live);
    free(old);
    Arc_entity_cache_clear(db);   /* the writer's name -> id cache */
    if ((s = finish(db, s)))
        return s;
    if (renamed)
        *renamed = 1;
    return ARC_OK;
}
