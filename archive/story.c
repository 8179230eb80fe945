/*
 * story.c - stories: clusters of articles about one development.
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
        " article_count = (SELECT count(*) FROM article WHERE story_id = ?1),"
        " first_date = (SELECT min(coalesce(published, first_seen)) FROM article WHERE story_id = ?1),"
        " last_date = (SELECT max(coalesce(published, first_seen)) FROM article WHERE story_id = ?1),"
        " title = coalesce((SELECT title FROM article WHERE story_id = ?1 ORDER BY id LIMIT 1), title),"
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

arc_status_t
arc_story_assign(arc_db_t *db, int64_t article, int64_t story, int64_t *story_out)
{
    sqlite3_stmt *st;
    int64_t old = 0;
    arc_status_t s;
    int rc;

    if (story_out)
        *story_out = 0;
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    st = Arc_db_cached(db, ARC_ST_STORY_OF, "SELECT story_id FROM article WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        old = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no article with id %lld", (long long)article);
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(db, "reading an article's story");

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
    if ((s = refresh(db, story)))
        return s;
    if (old && old != story && (s = refresh(db, old)))
        return s;
    if (story_out)
        *story_out = story;
    return ARC_OK;
}

arc_status_t
arc_story_get(arc_db_t *db, int64_t id, arc_story_t **out)
{
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
