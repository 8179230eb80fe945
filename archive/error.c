/*
 * error.c - status strings, the error recorder of a handle, small shared
 * helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

const char *
arc_status_string(arc_status_t st)
{
    switch (st) {
    case ARC_OK: return "success";
    case ARC_E_NOMEM: return "out of memory";
    case ARC_E_IO: return "input/output error";
    case ARC_E_DB: return "database error";
    case ARC_E_CORRUPT: return "archive is damaged or not an archive";
    case ARC_E_VERSION: return "archive was written by a newer version";
    case ARC_E_READONLY: return "archive is read-only";
    case ARC_E_BUSY: return "archive is locked by another writer";
    case ARC_E_PARSE: return "cannot parse input";
    case ARC_E_NET: return "network error";
    case ARC_E_BAD_ARG: return "invalid argument";
    case ARC_E_NOT_FOUND: return "not found";
    case ARC_E_BAD_QUERY: return "invalid query";
    case ARC_E_INTERNAL: return "internal error";
    case ARC_E_UNSUPPORTED: return "operation not supported by this backend";
    }
    return "unknown status";
}

void
arc_free(void *p)
{
    free(p);
}

char *
Arc_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

arc_status_t
Arc_db_error(arc_db_t *db, arc_status_t st, const char *fmt, ...)
{
    va_list ap;

    if (!db)
        return st;
    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

arc_status_t
Arc_db_sqlerr(arc_db_t *db, const char *context)
{
    int code = sqlite3_extended_errcode(db->sql);
    arc_status_t st;

    db->sqlite_code = code;
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: st = ARC_E_BUSY; break;
    case SQLITE_READONLY: st = ARC_E_READONLY; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: st = ARC_E_CORRUPT; break;
    case SQLITE_NOMEM: st = ARC_E_NOMEM; break;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN: st = ARC_E_IO; break;
    default: st = ARC_E_DB; break;
    }
    return Arc_db_error(db, st, "%s: %s: %s", db->dir, context,
                        sqlite3_errmsg(db->sql));
}

sqlite3_stmt *
Arc_db_prepare(arc_db_t *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) {
        Arc_db_sqlerr(db, "preparing a statement");
        return NULL;
    }
    return st;
}

sqlite3_stmt *
Arc_db_cached(arc_db_t *db, int slot, const char *sql)
{
    sqlite3_stmt *st = db->cache[slot];

    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    st = Arc_db_prepare(db, sql);
    db->cache[slot] = st;
    return st;
}

int
Arc_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *
arc_entity_kind_name(arc_entity_kind_t k)
{
    switch (k) {
    case ARC_ENTITY_PERSON: return "person";
    case ARC_ENTITY_PLACE: return "place";
    case ARC_ENTITY_ORG: return "org";
    }
    return "unknown";
}

const char *
arc_granularity_name(arc_granularity_t g)
{
    switch (g) {
    case ARC_GRAN_DAY: return "day";
    case ARC_GRAN_MONTH: return "month";
    case ARC_GRAN_YEAR: return "year";
    }
    return "day";
}
