/*
 * entity_timeline.c - the dated events of the articles that mention one
 * entity, driven by the mention index (entity_id, article_id) so that a
 * busy entity's year is read without scanning other articles' events.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

/* Follow entity_redirect (merged entities) to the surviving id. */
static arc_status_t
resolve(arc_db_t *db, int64_t id, int64_t *out)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT to_id FROM entity_redirect WHERE from_id = ?1");
    int rc;

    *out = id;
    if (!st)
        return ARC_E_DB;
    for (int hops = 0; hops < 16; hops++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, *out);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            sqlite3_finalize(st);
            return Arc_db_sqlerr(db, "following an entity merge");
        }
        *out = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return ARC_OK;
}

arc_status_t
arc_entity_lookup(arc_db_t *db, int64_t id, arc_entity_kind_t *kind, char **name)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_status_t s;
    int rc;

    *name = NULL;
    if ((s = resolve(db, id, &id)))
        return s;
    st = Arc_db_prepare(db, "SELECT kind, name FROM entity WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *kind = (arc_entity_kind_t)sqlite3_column_int(st, 0);
        *name = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        s = *name ? ARC_OK : Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        s = Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld", (long long)id);
    } else {
        s = Arc_db_sqlerr(db, "reading an entity");
    }
    sqlite3_finalize(st);
    return s;
}

struct arc_entity_timeline {
    arc_db_t *db;
    sqlite3_stmt *st;
    arc_timeline_entry_t e;
};

arc_status_t
arc_entity_timeline_open(arc_db_t *db, int64_t entity, const arc_search_opts_t *o,
                         arc_entity_timeline_t **out)
{
    ARC_NO_SHARDS(db);
    arc_entity_timeline_t *t;
    arc_entity_kind_t kind;
    char *name = NULL;
    arc_status_t s;

    *out = NULL;
    if ((s = arc_entity_lookup(db, entity, &kind, &name)))
        return s;
    free(name);
    if ((s = resolve(db, entity, &entity)))
        return s;
    t = calloc(1, sizeof *t);
    if (!t)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    t->db = db;
    /* The mention key walks the entity's articles; each article's events
     * come from event_row_article. The date bounds apply to events. An
     * article contributes the events whose sentence names the entity; one
     * whose events never name it (the entity is in the title, or named
     * only by a pronoun) contributes its first event. Events stored before
     * schema v6 carry no entity list and all count. */
    if ((s = Arc_mentions_sql_functions(db))) {
        free(t);
        return s;
    }
    t->st = Arc_db_prepare(db,
        "SELECT ev.date, ev.granularity, ev.text, ev.from_published, a.id, s.name,"
        " a.url, a.title, ev.start, ev.end, a.story_id"
        " FROM mention m CROSS JOIN event ev ON ev.article_id = m.article_id"
        " JOIN article a ON a.id = m.article_id"
        " LEFT JOIN source s ON s.id = a.source_id"
        " WHERE m.entity_id = ?1"
        " AND (ev.entities IS NULL OR arc_ids_has(ev.entities, ?1)"
        "      OR (ev.start = (SELECT min(y.start) FROM event_row y"
        "                      WHERE y.article_id = m.article_id)"
        "          AND NOT EXISTS (SELECT 1 FROM event_row x WHERE x.article_id = m.article_id"
        "                          AND arc_ids_has(x.entities, ?1))))"
        " AND (?2 = 0 OR ev.date >= ?2) AND (?3 = 0 OR ev.date < ?3)"
        " AND (?4 IS NULL OR a.source_id IN (SELECT id FROM source WHERE name = ?4"
        "      OR site = ?4 OR substr('.' || site, -1 - length(?4)) = '.' || ?4))"
        " ORDER BY ev.date, a.id, ev.start");
    if (!t->st) {
        free(t);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(t->st, 1, entity);
    sqlite3_bind_int64(t->st, 2, o ? o->since : 0);
    sqlite3_bind_int64(t->st, 3, o ? o->until : 0);
    Arc_bind_text(t->st, 4, o ? o->source : NULL);
    *out = t;
    return ARC_OK;
}

arc_status_t
arc_entity_timeline_next(arc_entity_timeline_t *t, const arc_timeline_entry_t **out)
{
    return Arc_timeline_step(t->db, &t->st, &t->e, out);
}

void
arc_entity_timeline_destroy(arc_entity_timeline_t *t)
{
    if (!t)
        return;
    sqlite3_finalize(t->st);
    free(t);
}
