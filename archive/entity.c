/*
 * entity.c - entities, their aliases, and the mentions and events of an
 * article.
 */
#include <stdio.h>
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

/* Most entities an alias is weighed between, and the mentions counted
 * per candidate (enough to tell the famous from the obscure cheaply). */
#define MAX_CANDIDATES 16
#define MENTION_COUNT_CAP 10000

/* One id from a cached statement already bound; 0 when no row. */
static arc_status_t
first_id(arc_db_t *db, sqlite3_stmt *st, int64_t *id, const char *what)
{
    int rc = sqlite3_step(st);

    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, what);
}

static int
cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return a < b ? -1 : a > b;
}

/* Sort v ascending and drop repeats; returns the new length. */
static size_t
unique_ascending(int64_t *v, size_t n)
{
    size_t k = 0;

    qsort(v, n, sizeof *v, cmp_i64);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

/*
 * The entity an alias most likely means: among the live entities carrying
 * it (merges followed), the one with most mentioned articles (counted up
 * to MENTION_COUNT_CAP), ties to the oldest id. *id = 0 when none.
 */
static arc_status_t
alias_entity(arc_db_t *db, int kind, const char *alias, int64_t *id)
{
    int64_t buf[64], *cand = buf, best_count = -1;
    size_t n = 0, cap = sizeof buf / sizeof buf[0];
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int rc;

    *id = 0;
    /* the distinct live ids, ascending, at most MAX_CANDIDATES: sorted and
     * deduplicated here, as SQL's DISTINCT and ORDER BY would open a
     * temporary b-tree per lookup */
    st = Arc_db_cached(db, ARC_ST_ALIAS_FIND,
        "SELECT coalesce((SELECT to_id FROM entity_redirect"
        " WHERE from_id = a.entity_id), a.entity_id)"
        " FROM entity_alias a WHERE a.kind = ?1 AND a.alias = ?2");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, kind);
    Arc_bind_text(st, 2, alias);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *p = malloc(2 * cap * sizeof *p);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            memcpy(p, cand, n * sizeof *p);
            if (cand != buf)
                free(cand);
            cand = p;
            cap *= 2;
        }
        cand[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        if (cand != buf)
            free(cand);
        return rc == SQLITE_NOMEM ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                                  : Arc_db_sqlerr(db, "looking up an alias");
    }
    n = unique_ascending(cand, n);
    if (n > MAX_CANDIDATES)
        n = MAX_CANDIDATES;
    if (n <= 1)
        *id = n ? cand[0] : 0;
    for (size_t i = 0; n > 1 && i < n && !s; i++) {
        int64_t c;

        st = Arc_db_cached(db, ARC_ST_ENTITY_MENTIONS,
            "SELECT count(*) FROM (SELECT 1 FROM mention WHERE entity_id = ?1 LIMIT ?2)");
        if (!st) {
            s = ARC_E_DB;
            break;
        }
        sqlite3_bind_int64(st, 1, cand[i]);
        sqlite3_bind_int(st, 2, MENTION_COUNT_CAP);
        rc = sqlite3_step(st);
        c = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW)
            s = Arc_db_sqlerr(db, "counting mentions");
        else if (c > best_count) {  /* candidates ascend: ties keep the oldest */
            best_count = c;
            *id = cand[i];
        }
    }
    if (cand != buf)
        free(cand);
    return s;
}

/* A new full-name person absorbs the surname-only person of the same
 * surname, if one was created before the full name was ever seen. */
static arc_status_t
absorb_surname(arc_db_t *db, const char *surname, int64_t id)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_ENTITY_SURNAME,
        "SELECT e.id FROM entity e WHERE e.kind = ?1 AND e.name = ?2 AND e.id <> ?3"
        " AND NOT EXISTS (SELECT 1 FROM entity_redirect r WHERE r.from_id = e.id)");
    int64_t single;
    arc_status_t s;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, ARC_ENTITY_PERSON);
    Arc_bind_text(st, 2, surname);
    sqlite3_bind_int64(st, 3, id);
    if ((s = first_id(db, st, &single, "looking up a surname")))
        return s;
    return single ? Arc_entity_redirect(db, single, id) : ARC_OK;
}

/* Record alias -> id once per cache lifetime (INSERT OR IGNORE otherwise). */
static arc_status_t
add_alias_cached(arc_db_t *db, int kind, const char *alias, int64_t id)
{
    char key[320];
    int n = snprintf(key, sizeof key, "%s\x1f%lld", alias, (long long)id);
    arc_status_t s;

    if (n < 0 || (size_t)n >= sizeof key)
        return add_alias(db, kind, alias, id);
    if (Arc_entity_cache_get(db, kind + 3, key))
        return ARC_OK;
    if ((s = add_alias(db, kind, alias, id)))
        return s;
    Arc_entity_cache_put(db, kind + 3, key, id);
    return ARC_OK;
}

/* Resolve a canonical name to an entity id, creating the entity on first
 * use. Order: exact canonical name (merges followed), then a known alias
 * (the most mentioned live entity carrying it, ties to the oldest), then
 * a new entity - which, for a full-name person, absorbs an earlier
 * surname-only person of that surname. Resolutions are remembered in the
 * writer's cache (mention.c) until a merge, a rollback or another
 * connection's commit. */
static arc_status_t
entity_id(arc_db_t *db, const arc_mention_t *m, int64_t *id)
{
    sqlite3_stmt *st;
    arc_status_t s;

    /* a place known without its gazetteer facts is cached apart, so that
     * a later mention with the facts still stores them */
    int bare = m->kind == ARC_ENTITY_PLACE && !(m->country && *m->country);
    int ckind = bare ? (int)m->kind + 6 : (int)m->kind;

    *id = Arc_entity_cache_get(db, (int)m->kind, m->name);
    if (!*id && bare)
        *id = Arc_entity_cache_get(db, ckind, m->name);
    if (*id)
        goto alias;
    st = Arc_db_cached(db, ARC_ST_ENTITY_FIND,
        "SELECT coalesce((SELECT to_id FROM entity_redirect WHERE from_id = e.id), e.id)"
        " FROM entity e WHERE e.kind = ?1 AND e.name = ?2");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, (int)m->kind);
    Arc_bind_text(st, 2, m->name);
    if ((s = first_id(db, st, id, "looking up an entity")))
        return s;
    if (!*id && (s = alias_entity(db, (int)m->kind, m->name, id)))
        return s;
    if (*id && m->kind == ARC_ENTITY_PLACE && m->country && *m->country) {
        /* a place stored before its gazetteer facts were known gets them */
        st = Arc_db_cached(db, ARC_ST_ENTITY_PLACE,
            "UPDATE entity SET country = ?2, lat = ?3, lon = ?4"
            " WHERE id = ?1 AND country IS NULL");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int64(st, 1, *id);
        Arc_bind_text(st, 2, m->country);
        if (m->lat != 0.0 || m->lon != 0.0) {
            sqlite3_bind_double(st, 3, m->lat);
            sqlite3_bind_double(st, 4, m->lon);
        }
        if ((s = step_done(db, st, "storing a place's facts")))
            return s;
    }
    if (!*id) {
        const char *last;

        st = Arc_db_cached(db, ARC_ST_ENTITY_INS,
            "INSERT INTO entity(kind, name, country, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int(st, 1, (int)m->kind);
        Arc_bind_text(st, 2, m->name);
        Arc_bind_text(st, 3, m->country && *m->country ? m->country : NULL);
        if (m->lat != 0.0 || m->lon != 0.0) {
            sqlite3_bind_double(st, 4, m->lat);
            sqlite3_bind_double(st, 5, m->lon);
        }
        if ((s = step_done(db, st, "adding an entity")))
            return s;
        *id = sqlite3_last_insert_rowid(db->sql);
        if ((s = add_alias(db, m->kind, m->name, *id)))
            return s;
        /* a person is often named by surname alone */
        last = strrchr(m->name, ' ');
        if (m->kind == ARC_ENTITY_PERSON && last && last[1]) {
            if ((s = add_alias(db, m->kind, last + 1, *id)))
                return s;
            if ((s = absorb_surname(db, last + 1, *id)))
                return s;   /* a merge empties the cache */
        }
    }
    Arc_entity_cache_put(db, ckind, m->name, *id);
alias:
    if (m->alias && *m->alias)
        return add_alias_cached(db, (int)m->kind, m->alias, *id);
    return ARC_OK;
}

/* Does the stored body of the article equal body? */
static arc_status_t
body_matches(arc_db_t *db, int64_t article, const char *body, int *same)
{
    /* a new article of a bulk import: its plain body is kept (body.c)
     * and read without decoding while the row holds that body */
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_BODY_OF,
        "SELECT CASE WHEN body = ?2 THEN ?3 ELSE arc_body(body, id) END"
        " FROM article WHERE id = ?1");
    size_t len = strlen(body);
    const void *kb = NULL;
    const char *kt = NULL;
    size_t kn = 0;
    int rc;

    *same = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    if (Arc_body_kept_find(db, article, &kb, &kn, &kt)) {
        sqlite3_bind_blob(st, 2, kb, (int)kn, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kt, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, 2);
        sqlite3_bind_null(st, 3);
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        const void *b = sqlite3_column_blob(st, 0);
        *same = (size_t)sqlite3_column_bytes(st, 0) == len && memcmp(b, body, len) == 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ARC_OK
                                                  : Arc_db_sqlerr(db, "reading a body");
}

/* Store one event; text_from_body: the body holds its sentence. */
static arc_status_t
put_event(arc_db_t *db, int64_t article, const arc_event_t *e, const char *body,
          int text_from_body, const int64_t *eids, const arc_enrichment_t *en)
{
    sqlite3_stmt *st;
    int64_t ids[256];
    size_t n = 0, packed_len = 0;
    void *packed = NULL;
    arc_status_t s;

    for (size_t k = 0; k < en->n_occurrences && n < 256; k++) {
        const arc_occurrence_t *o = &en->occurrences[k];
        if (!o->in_title && o->start >= e->start && o->start < e->end &&
            o->mention >= 0 && (size_t)o->mention < en->n_mentions && eids[o->mention])
            ids[n++] = eids[o->mention];
    }
    /* without occurrences the entities are unknown (NULL), unless the
     * article names none at all */
    if (en->occurrences || en->n_mentions == 0) {
        packed = Arc_ids_pack(ids, n, &packed_len);
        if (!packed)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    st = Arc_db_cached(db, ARC_ST_EVENT_INS,
        "INSERT INTO event_row(article_id, date, granularity, start, end, from_published,"
        " entities, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st) {
        free(packed);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_int64(st, 2, e->date);
    sqlite3_bind_int(st, 3, (int)e->granularity);
    sqlite3_bind_int(st, 4, e->start);
    sqlite3_bind_int(st, 5, e->end);
    sqlite3_bind_int(st, 6, e->from_published != 0);
    if (packed)
        sqlite3_bind_blob(st, 7, packed, (int)packed_len, SQLITE_STATIC);
    if (text_from_body)
        ; /* NULL: the view reads the sentence from the body */
    else if (e->text)
        Arc_bind_text(st, 8, e->text);
    else
        sqlite3_bind_text(st, 8, body + e->start, e->end - e->start, SQLITE_STATIC);
    s = step_done(db, st, "storing an event");
    sqlite3_clear_bindings(st);
    free(packed);
    return s;
}

arc_status_t
arc_article_enrich_all(arc_db_t *db, int64_t article, const arc_enrichment_t *en,
                       unsigned flags)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int64_t *eids = NULL;
    int same_body = 0, changed = 0;   /* mention or event rows changed */
    size_t blen;

    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    Arc_entity_cache_validate(db);
    if (!(flags & ARC_ENRICH_NEW)) {
        static const struct { int slot; const char *sql, *what; } del[] = {
            { ARC_ST_MENTION_DEL, "DELETE FROM mention WHERE article_id = ?1", "clearing mentions" },
            { ARC_ST_EVENT_DEL, "DELETE FROM event_row WHERE article_id = ?1", "clearing events" },
            { ARC_ST_OCC_DEL, "DELETE FROM article_mentions WHERE article_id = ?1",
              "clearing occurrences" },
        };
        for (size_t i = 0; i < sizeof del / sizeof del[0]; i++) {
            st = Arc_db_cached(db, del[i].slot, del[i].sql);
            if (!st)
                return ARC_E_DB;
            sqlite3_bind_int64(st, 1, article);
            if ((s = step_done(db, st, del[i].what)))
                return s;
            if (del[i].slot != ARC_ST_OCC_DEL && sqlite3_changes(db->sql) > 0)
                changed = 1;
        }
    }
    if (en->n_mentions) {
        eids = calloc(en->n_mentions, sizeof *eids);
        if (!eids)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < en->n_mentions; i++) {
        const arc_mention_t *m = &en->mentions[i];
        int64_t eid;

        if (!m->name || !*m->name)
            continue;
        if ((s = entity_id(db, m, &eid)))
            goto done;
        eids[i] = eid;
        st = Arc_db_cached(db, ARC_ST_MENTION_INS,
            "INSERT INTO mention(entity_id, article_id, count, first_offset)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(entity_id, article_id) DO UPDATE"
            " SET count = count + excluded.count,"
            " first_offset = min(first_offset, excluded.first_offset)");
        if (!st) {
            s = ARC_E_DB;
            goto done;
        }
        sqlite3_bind_int64(st, 1, eid);
        sqlite3_bind_int64(st, 2, article);
        sqlite3_bind_int(st, 3, m->count > 0 ? m->count : 1);
        sqlite3_bind_int(st, 4, m->first_offset);
        if ((s = step_done(db, st, "storing a mention")))
            goto done;
        changed = 1;
    }
    if (en->n_occurrences) {
        /* occurrences of a nameless mention are dropped */
        arc_occurrence_t *keep = malloc(en->n_occurrences * sizeof *keep);
        size_t nk = 0;

        if (!keep) {
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < en->n_occurrences; i++) {
            const arc_occurrence_t *o = &en->occurrences[i];
            if (o->mention >= 0 && (size_t)o->mention < en->n_mentions && eids[o->mention])
                keep[nk++] = *o;
        }
        s = Arc_mentions_put(db, article, eids, keep, nk);
        free(keep);
        if (s)
            goto done;
    }
    if (en->n_events && en->body && (s = body_matches(db, article, en->body, &same_body)))
        goto done;
    blen = en->body ? strlen(en->body) : 0;
    for (size_t i = 0; i < en->n_events; i++) {
        const arc_event_t *e = &en->events[i];
        int in_body = en->body && e->start >= 0 && e->end >= e->start && (size_t)e->end <= blen;

        if (!e->text && !in_body)
            continue;
        if ((s = put_event(db, article, e, en->body, same_body && in_body, eids, en)))
            goto done;
        changed = 1;
    }
    /* one change-log row for all of them (schema v13: no trigger per row) */
    if (changed)
        s = Arc_change_log_article(db, article);
done:
    free(eids);
    return s;
}

arc_status_t
arc_article_enrich(arc_db_t *db, int64_t article,
                   const arc_mention_t *mentions, size_t n_mentions,
                   const arc_event_t *events, size_t n_events)
{
    ARC_NO_SHARDS(db);
    arc_enrichment_t en;

    memset(&en, 0, sizeof en);
    en.mentions = mentions;
    en.n_mentions = n_mentions;
    en.events = events;
    en.n_events = n_events;
    return arc_article_enrich_all(db, article, &en, 0);
}

arc_status_t
arc_article_entities(arc_db_t *db, int64_t article, arc_entity_ref_t **out,
                     size_t *n)
{
    ARC_NO_SHARDS(db);
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
