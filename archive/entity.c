/*
 * entity.c - entities, their aliases, and the mentions and events of an
 * article.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

static arc_status_t
step_done(arc_db_t *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, what);
}

static arc_status_t
add_alias(arc_db_t *db, int kind, const char *alias, int64_t id)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_ALIAS_INS,
        "INSERT OR IGNORE INTO entity_alias(kind, alias, entity_id) VALUES (?1, ?2, ?3)");

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, kind);
    Arc_bind_text(st, 2, alias);
    sqlite3_bind_int64(st, 3, id);
    return step_done(db, st, "recording an alias");
}

/* Resolve a canonical name to an entity id, creating the entity on first
 * use. Order: exact canonical name, then a known alias (the oldest entity
 * carrying it), then a new entity. */
static arc_status_t
entity_id(arc_db_t *db, const arc_mention_t *m, int64_t *id)
{
    sqlite3_stmt *st;
    int rc;
    arc_status_t s;

    *id = 0;
    st = Arc_db_cached(db, ARC_ST_ENTITY_FIND,
                       "SELECT id FROM entity WHERE kind = ?1 AND name = ?2");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, (int)m->kind);
    Arc_bind_text(st, 2, m->name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "looking up an entity");
    if (!*id) {
        st = Arc_db_cached(db, ARC_ST_ALIAS_FIND,
            "SELECT entity_id FROM entity_alias WHERE kind = ?1 AND alias = ?2"
            " ORDER BY entity_id LIMIT 1");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int(st, 1, (int)m->kind);
        Arc_bind_text(st, 2, m->name);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "looking up an alias");
    }
    if (!*id) {
        const char *last;

        st = Arc_db_cached(db, ARC_ST_ENTITY_INS,
                           "INSERT INTO entity(kind, name) VALUES (?1, ?2)");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int(st, 1, (int)m->kind);
        Arc_bind_text(st, 2, m->name);
        if ((s = step_done(db, st, "adding an entity")))
            return s;
        *id = sqlite3_last_insert_rowid(db->sql);
        if ((s = add_alias(db, m->kind, m->name, *id)))
            return s;
        /* a person is often named by surname alone */
        last = strrchr(m->name, ' ');
        if (m->kind == ARC_ENTITY_PERSON && last && last[1])
            if ((s = add_alias(db, m->kind, last + 1, *id)))
                return s;
    }
    if (m->alias && *m->alias)
        return add_alias(db, m->kind, m->alias, *id);
    return ARC_OK;
}

arc_status_t
arc_article_enrich(arc_db_t *db, int64_t article,
                   const arc_mention_t *mentions, size_t n_mentions,
                   const arc_event_t *events, size_t n_events)
{
    sqlite3_stmt *st;
    arc_status_t s;

    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    st = Arc_db_cached(db, ARC_ST_MENTION_DEL, "DELETE FROM mention WHERE article_id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    if ((s = step_done(db, st, "clearing mentions")))
        return s;
    st = Arc_db_cached(db, ARC_ST_EVENT_DEL, "DELETE FROM event WHERE article_id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    if ((s = step_done(db, st, "clearing events")))
        return s;

    for (size_t i = 0; i < n_mentions; i++) {
        const arc_mention_t *m = &mentions[i];
        int64_t eid;

        if (!m->name || !*m->name)
            continue;
        if ((s = entity_id(db, m, &eid)))
            return s;
        st = Arc_db_cached(db, ARC_ST_MENTION_INS,
            "INSERT INTO mention(entity_id, article_id, count, first_offset)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(entity_id, article_id) DO UPDATE"
            " SET count = count + excluded.count,"
            " first_offset = min(first_offset, excluded.first_offset)");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int64(st, 1, eid);
        sqlite3_bind_int64(st, 2, article);
        sqlite3_bind_int(st, 3, m->count > 0 ? m->count : 1);
        sqlite3_bind_int(st, 4, m->first_offset);
        if ((s = step_done(db, st, "storing a mention")))
            return s;
    }
    for (size_t i = 0; i < n_events; i++) {
        const arc_event_t *e = &events[i];

        if (!e->text)
            continue;
        st = Arc_db_cached(db, ARC_ST_EVENT_INS,
            "INSERT INTO event(article_id, date, granularity, text, start, end, from_published)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int64(st, 1, article);
        sqlite3_bind_int64(st, 2, e->date);
        sqlite3_bind_int(st, 3, (int)e->granularity);
        Arc_bind_text(st, 4, e->text);
        sqlite3_bind_int(st, 5, e->start);
        sqlite3_bind_int(st, 6, e->end);
        sqlite3_bind_int(st, 7, e->from_published != 0);
        if ((s = step_done(db, st, "storing an event")))
            return s;
    }
    return ARC_OK;
}

arc_status_t
arc_article_entities(arc_db_t *db, int64_t article, arc_entity_ref_t **out,
                     size_t *n)
{
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT e.id, e.kind, e.name, m.count FROM mention m"
        " JOIN entity e ON e.id = m.entity_id WHERE m.article_id = ?1"
        " ORDER BY m.count DESC, e.name");
    arc_entity_ref_t *v = NULL;
    size_t len = 0, cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            arc_entity_ref_t *p = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            v = p;
        }
        v[len].id = sqlite3_column_int64(st, 0);
        v[len].kind = (arc_entity_kind_t)sqlite3_column_int(st, 1);
        v[len].name = Arc_strdup((const char *)sqlite3_column_text(st, 2));
        v[len].count = sqlite3_column_int64(st, 3);
        if (!v[len].name) {
            rc = SQLITE_NOMEM;
            break;
        }
        len++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        arc_entity_refs_free(v, len);
        return rc == SQLITE_NOMEM ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                                  : Arc_db_sqlerr(db, "reading mentions");
    }
    *out = v;
    *n = len;
    return ARC_OK;
}

void
arc_entity_refs_free(arc_entity_ref_t *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++)
        free(refs[i].name);
    free(refs);
}
