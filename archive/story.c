/*
 * story.c - stories: clusters of articles about one development. Assigning
 * articles, merging stories, resetting them for a rebuild, and reading a
 * story's members for its page.
 *
 * A story's article_count counts each text once: a near-duplicate (row of
 * near_duplicate) whose original is in the same story is a member but is
 * not counted.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive-private.h"

static arc_status_t
refresh(arc_db_t *db, int64_t story)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_STORY_REFRESH,
        "UPDATE story SET"
        " article_count = (SELECT count(*) FROM article a WHERE a.story_id = ?1"
        "   AND NOT EXISTS (SELECT 1 FROM near_duplicate d JOIN article o ON o.id = d.original_id"
        "                   WHERE d.article_id = a.id AND o.story_id = ?1)),"
        " first_date = (SELECT min(coalesce(published, first_seen)) FROM article WHERE story_id = ?1),"
        " last_date = (SELECT max(coalesce(published, first_seen)) FROM article WHERE story_id = ?1),"
        " title = coalesce(title, (SELECT title FROM article WHERE story_id = ?1 ORDER BY id LIMIT 1)),"
        " updated = ?2 WHERE id = ?1");
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, story);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "refreshing a story");
}

/*
 * The same result as refresh() when the only change since the story was
 * last refreshed is that @p article (which had no story) joined it: the
 * count grows by one unless the article is a copy of a member, the dates
 * widen to the article's, a story without a title takes its first
 * member's. Constant time, where refresh() reads every member (an import
 * adds articles one by one to stories of up to hundreds).
 */
static arc_status_t
refresh_joined(arc_db_t *db, int64_t story, int64_t article)
{
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_STORY_JOINED,
        "UPDATE story SET"
        " article_count = article_count + NOT EXISTS (SELECT 1 FROM near_duplicate d"
        "   JOIN article o ON o.id = d.original_id"
        "   WHERE d.article_id = ?3 AND o.story_id = ?1),"
        " first_date = (SELECT CASE WHEN story.first_date IS NULL"
        "   OR coalesce(published, first_seen) < story.first_date"
        "   THEN coalesce(published, first_seen) ELSE story.first_date END"
        "   FROM article WHERE id = ?3),"
        " last_date = (SELECT CASE WHEN story.last_date IS NULL"
        "   OR coalesce(published, first_seen) > story.last_date"
        "   THEN coalesce(published, first_seen) ELSE story.last_date END"
        "   FROM article WHERE id = ?3),"
        " title = coalesce(title, (SELECT title FROM article WHERE story_id = ?1 ORDER BY id LIMIT 1)),"
        " updated = ?2 WHERE id = ?1");
    int rc;

    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, story);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    sqlite3_bind_int64(st, 3, article);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "refreshing a story");
}

static arc_status_t
writable(arc_db_t *db)
{
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    return ARC_OK;
}

arc_status_t
arc_article_story(arc_db_t *db, int64_t article, int64_t *story)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_STORY_OF,
                                     "SELECT story_id FROM article WHERE id = ?1");
    int rc;

    *story = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *story = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no article with id %lld", (long long)article);
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(db, "reading an article's story");
    return ARC_OK;
}

arc_status_t
arc_story_assign(arc_db_t *db, int64_t article, int64_t story, int64_t *story_out)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int64_t old = 0;
    arc_status_t s;
    int rc;

    if (story_out)
        *story_out = 0;
    if ((s = writable(db)))
        return s;
    if ((s = arc_article_story(db, article, &old)))
        return s;
    if (story == 0) {
        st = Arc_db_cached(db, ARC_ST_STORY_NEW, "INSERT INTO story(updated) VALUES (?1)");
        if (!st)
            return ARC_E_DB;
        sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "creating a story");
        story = sqlite3_last_insert_rowid(db->sql);
    }
    st = Arc_db_cached(db, ARC_ST_STORY_SET, "UPDATE article SET story_id = ?2 WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_int64(st, 2, story);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "assigning a story");
    /* a new article joining: the story's figures change by its own */
    s = old == 0 ? refresh_joined(db, story, article) : refresh(db, story);
    if (s)
        return s;
    if (old && old != story && (s = refresh(db, old)))
        return s;
    if (story_out)
        *story_out = story;
    return ARC_OK;
}

arc_status_t
arc_story_set_title(arc_db_t *db, int64_t story, const char *title)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_status_t s;
    int rc;

    if ((s = writable(db)))
        return s;
    st = Arc_db_cached(db, ARC_ST_STORY_TITLE, "UPDATE story SET title = ?2 WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, story);
    Arc_bind_text(st, 2, title);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "setting a story title");
}

/* Run one statement with up to two integer parameters. */
static arc_status_t
exec2(arc_db_t *db, const char *sql, int64_t a, int64_t b, const char *what)
{
    sqlite3_stmt *st = Arc_db_prepare(db, sql);
    int rc;

    if (!st)
        return ARC_E_DB;
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, what);
}

static arc_status_t
story_size(arc_db_t *db, int64_t story, int64_t *n)
{
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT count(*) FROM article WHERE story_id = ?1");
    int rc;

    *n = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, story);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? ARC_OK : Arc_db_sqlerr(db, "counting a story");
}

arc_status_t
arc_story_merge(arc_db_t *db, int64_t into, int64_t from)
{
    ARC_NO_SHARDS(db);
    arc_status_t s;
    int64_t n_into, n_from;

    if ((s = writable(db)))
        return s;
    if (into == from)
        return Arc_db_error(db, ARC_E_BAD_ARG, "cannot merge story %lld into itself",
                            (long long)into);
    if ((s = story_size(db, into, &n_into)) || (s = story_size(db, from, &n_from)))
        return s;
    if (!n_into || !n_from)
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no story with id %lld",
                            (long long)(n_into ? from : into));
    if ((s = exec2(db, "UPDATE article SET story_id = ?1 WHERE story_id = ?2", into, from,
                   "merging stories")))
        return s;
    if ((s = refresh(db, into)) || (s = refresh(db, from)))
        return s;
    return ARC_OK;
}

arc_status_t
arc_story_reset_all(arc_db_t *db)
{
    ARC_NO_SHARDS(db);
    static const char *const sql[] = {
        "UPDATE article SET story_id = NULL WHERE story_id IS NOT NULL",
        "DELETE FROM story",
        "DELETE FROM near_duplicate",
        "DELETE FROM article_features",
        NULL
    };
    arc_status_t s;

    if ((s = writable(db)))
        return s;
    for (size_t i = 0; sql[i]; i++)
        if ((s = exec2(db, sql[i], 0, 0, "resetting stories")))
            return s;
    return ARC_OK;
}

arc_status_t
arc_story_article_ids(arc_db_t *db, int64_t story, int64_t **ids, size_t *n)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st = Arc_db_prepare(db, "SELECT id FROM article WHERE story_id = ?1 ORDER BY id");
    int64_t *v = NULL;
    size_t len = 0, cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, story);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            int64_t *p = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) {
                free(v);
                sqlite3_finalize(st);
                return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            }
            v = p;
        }
        v[len++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return Arc_db_sqlerr(db, "listing a story");
    }
    *ids = v;
    *n = len;
    return ARC_OK;
}

void
arc_story_members_free(arc_story_member_t *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].url);
        free(m[i].source);
        free(m[i].title);
        free(m[i].body);
        free(m[i].spans);
    }
    free(m);
}

arc_status_t
arc_story_members(arc_db_t *db, int64_t story, int want_text,
                  arc_story_member_t **out, size_t *n)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT a.id, a.url, s.name, a.title, a.published, d.original_id,"
        " CASE WHEN ?2 THEN arc_body(a.body, a.id) END, CASE WHEN ?2 THEN f.sentences END"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id"
        " LEFT JOIN near_duplicate d ON d.article_id = a.id"
        " LEFT JOIN article_features f ON f.article_id = a.id"
        " WHERE a.story_id = ?1 ORDER BY a.id");
    arc_story_member_t *v = NULL, *m;
    size_t len = 0, cap = 0;
    int rc, nomem = 0;

    *out = NULL;
    *n = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, story);
    sqlite3_bind_int(st, 2, want_text ? 1 : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            arc_story_member_t *p = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) {
                nomem = 1;
                break;
            }
            v = p;
        }
        m = &v[len++];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, 0);
        m->url = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        m->source = Arc_strdup((const char *)sqlite3_column_text(st, 2));
        m->title = Arc_strdup((const char *)sqlite3_column_text(st, 3));
        m->published = sqlite3_column_type(st, 4) == SQLITE_NULL
                           ? ARC_TIME_NONE : sqlite3_column_int64(st, 4);
        m->duplicate_of = sqlite3_column_int64(st, 5);
        m->body = Arc_strdup((const char *)sqlite3_column_text(st, 6));
        m->spans = Arc_spans_column(st, 7, &m->n_spans);
        if (!m->url || !m->title) {
            nomem = 1;
            break;
        }
    }
    sqlite3_finalize(st);
    if (nomem || rc != SQLITE_DONE) {
        arc_story_members_free(v, len);
        return nomem ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                     : Arc_db_sqlerr(db, "reading a story's articles");
    }
    *out = v;
    *n = len;
    return ARC_OK;
}

arc_status_t
arc_story_get(arc_db_t *db, int64_t id, arc_story_t **out)
{
    if (db->xap)
        return Arc_xap_story_get(db, id, out);
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT id, title, first_date, last_date, updated, article_count"
        " FROM story WHERE id = ?1 AND article_count > 0");
    arc_story_t *s;
    int rc;

    *out = NULL;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        arc_status_t e = rc == SQLITE_DONE
            ? Arc_db_error(db, ARC_E_NOT_FOUND, "no story with id %lld", (long long)id)
            : Arc_db_sqlerr(db, "reading a story");
        sqlite3_finalize(st);
        return e;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        sqlite3_finalize(st);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    s->id = sqlite3_column_int64(st, 0);
    s->title = Arc_strdup((const char *)sqlite3_column_text(st, 1));
    s->first_date = sqlite3_column_int64(st, 2);
    s->last_date = sqlite3_column_int64(st, 3);
    s->updated = sqlite3_column_int64(st, 4);
    s->article_count = sqlite3_column_int(st, 5);
    sqlite3_finalize(st);
    *out = s;
    return ARC_OK;
}

void
arc_story_destroy(arc_story_t *s)
{
    if (!s)
        return;
    free((char *)s->title);
    free(s);
}
