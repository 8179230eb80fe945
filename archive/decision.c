/*
 * decision.c - user decisions (story merges, splits, moves, ...): inputs
 * kept across rebuilds and re-applied in the order they were made.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive-private.h"

arc_status_t
arc_decision_add(arc_db_t *db, const char *kind, int64_t a, int64_t b,
                 const char *args, int64_t *id)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int rc;

    if (id)
        *id = 0;
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (!kind || !*kind)
        return Arc_db_error(db, ARC_E_BAD_ARG, "a decision needs a kind");
    st = Arc_db_prepare(db,
        "INSERT INTO user_decision(kind, a, b, args, created) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, kind);
    sqlite3_bind_int64(st, 2, a);
    sqlite3_bind_int64(st, 3, b);
    Arc_bind_text(st, 4, args);
    sqlite3_bind_int64(st, 5, (int64_t)time(NULL));
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "storing a decision");
    if (id)
        *id = sqlite3_last_insert_rowid(db->sql);
    return ARC_OK;
}

void
arc_decisions_free(arc_decision_t *d, size_t n)
{
    for (size_t i = 0; d && i < n; i++) {
        free(d[i].kind);
        free(d[i].args);
    }
    free(d);
}

arc_status_t
arc_decision_list(arc_db_t *db, const char *kind_prefix, arc_decision_t **out,
                  size_t *n)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT id, kind, a, b, args, created FROM user_decision"
        " WHERE ?1 IS NULL OR substr(kind, 1, length(?1)) = ?1 ORDER BY id");
    arc_decision_t *v = NULL;
    size_t len = 0, cap = 0;
    int rc, nomem = 0;

    *out = NULL;
    *n = 0;
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, kind_prefix);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            arc_decision_t *p = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof *p);
            if (!p) {
                nomem = 1;
                break;
            }
            v = p;
        }
        v[len].id = sqlite3_column_int64(st, 0);
        v[len].kind = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        v[len].a = sqlite3_column_int64(st, 2);
        v[len].b = sqlite3_column_int64(st, 3);
        v[len].args = Arc_strdup((const char *)sqlite3_column_text(st, 4));
        v[len].created = sqlite3_column_int64(st, 5);
        len++;
        if (!v[len - 1].kind) {
            nomem = 1;
            break;
        }
    }
    sqlite3_finalize(st);
    if (nomem || rc != SQLITE_DONE) {
        arc_decisions_free(v, len);
        return nomem ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                     : Arc_db_sqlerr(db, "reading decisions");
    }
    *out = v;
    *n = len;
    return ARC_OK;
}
