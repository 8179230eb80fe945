/*
 * repair.c - rebuild what the archive derives from its records: SQLite's
 * indexes, the FTS5 index, and the story counters. Records themselves
 * (articles, versions, entities, captures) are never changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

/* One repair step: what it is called in the report and its SQL. */
typedef struct {
    const char *what;
    const char *sql;
} repair_step_t;

static const repair_step_t steps[] = {
    { "rebuilt SQLite indexes", "REINDEX" },
    { "rebuilt the full-text index from the article records",
      /* FTS5's 'rebuild' cannot read the content table (index_file.c) */
      "INSERT INTO ix.article_fts(article_fts) VALUES('delete-all'); " ARC_INDEX_FILL },
    { "stories whose article count or dates were corrected",
      "WITH t(id, n, lo, hi) AS (SELECT s.id, count(a.id),"
      "   min(coalesce(a.published, a.first_seen)), max(coalesce(a.published, a.first_seen))"
      "   FROM story s LEFT JOIN article a ON a.story_id = s.id GROUP BY s.id)"
      " UPDATE story SET article_count = t.n, first_date = t.lo, last_date = t.hi"
      " FROM t WHERE t.id = story.id AND (story.article_count IS NOT t.n"
      "   OR story.first_date IS NOT t.lo OR story.last_date IS NOT t.hi)" },
};

/* Append "line\n" to the report buffer (best effort on OOM). */
static void
report_add(char **buf, size_t *len, const char *line)
{
    size_t n = strlen(line);
    char *p = realloc(*buf, *len + n + 2);

    if (!p)
        return;
    memcpy(p + *len, line, n);
    p[*len + n] = '\n';
    p[*len + n + 1] = '\0';
    *buf = p;
    *len += n + 1;
}

arc_status_t
arc_db_repair(arc_db_t *db, char **report)
{
    ARC_NO_SHARDS(db);
    char *buf = NULL;
    size_t len = 0;
    arc_status_t st;

    if (report)
        *report = NULL;
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (db->in_txn)
        return Arc_db_error(db, ARC_E_BAD_ARG, "a transaction is already open");
    if ((st = arc_db_begin(db)))
        return st;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (sqlite3_exec(db->sql, steps[i].sql, NULL, NULL, NULL) != SQLITE_OK) {
            st = Arc_db_sqlerr(db, steps[i].what);
            arc_db_rollback(db);
            free(buf);
            return st;
        }
        if (i == sizeof steps / sizeof steps[0] - 1) {
            char line[128];
            snprintf(line, sizeof line, "%s: %d", steps[i].what,
                     sqlite3_changes(db->sql));
            report_add(&buf, &len, line);
        } else {
            report_add(&buf, &len, steps[i].what);
        }
    }
    if ((st = arc_db_commit(db))) {
        free(buf);
        return st;
    }
    if (report)
        *report = buf;
    else
        free(buf);
    return ARC_OK;
}
