/*
 * facets.c - aggregates over a query's result set: top entities (and
 * co-occurring ones), counts over time, matching stories; and an article's
 * earlier versions.
 *
 * Every aggregate is one statement around the id subquery of search.c
 * (Arc_search_prepare_ids), so the matching set is never held in memory.
 * The histogram reads only ids: an id encodes its publication day
 * (docs/internals/ids.md), so no article row is visited when the query is
 * full text and whole days.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

static int
table_exists(arc_db_t *db, const char *name)
{
    sqlite3_stmt *st = Arc_db_prepare(db,
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    int yes;

    if (!st)
        return 0;
    Arc_bind_text(st, 1, name);
    yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

static void
bind_named(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_int64(st, i, v);
}

/* ---- top entities ---- */

/* Contract in newsarc.h. */
arc_status_t
arc_facets(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
           int kind, int64_t with, int64_t limit, arc_entity_ref_t **out, size_t *n)
{
    if (db->xap)
        return Arc_xap_facets(db, q, opts, kind, with, limit, out, n);
    int redirects = table_exists(db, "entity_redirect");
    arc_buf_t head = { NULL, 0, 0, 0 }, tail = { NULL, 0, 0, 0 };
    arc_entity_ref_t *v = NULL;
    size_t cnt = 0, cap = 0;
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int rc;

    *out = NULL;
    *n = 0;
    /* mentions of merged entities count for the entity they were merged into */
    Arc_buf_add(&head, "SELECT e.id, e.kind, e.name, count(DISTINCT m.article_id) AS c"
                       " FROM mention m");
    Arc_buf_add(&head, redirects
        ? " LEFT JOIN entity_redirect r ON r.from_id = m.entity_id"
          " JOIN entity e ON e.id = coalesce(r.to_id, m.entity_id)"
        : " JOIN entity e ON e.id = m.entity_id");
    Arc_buf_add(&head, " WHERE m.article_id IN");
    if (kind >= 0)
        Arc_buf_add(&tail, " AND e.kind = :kind");
    if (with) {
        Arc_buf_add(&tail, " AND e.id <> :with AND m.article_id IN (SELECT article_id FROM mention"
                           " WHERE entity_id = :with");
        if (redirects)
            Arc_buf_add(&tail, " OR entity_id IN (SELECT from_id FROM entity_redirect"
                               " WHERE to_id = :with)");
        Arc_buf_add(&tail, ")");
    }
    Arc_buf_add(&tail, " GROUP BY e.id ORDER BY c DESC, e.name, e.id LIMIT :lim");
    if (head.failed || tail.failed) {
        s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    st = Arc_search_prepare_ids(db, q, opts, head.data, tail.data, &s);
    if (!st)
        goto done;
    bind_named(st, ":kind", kind);
    bind_named(st, ":with", with);
    bind_named(st, ":lim", limit > 0 ? limit : -1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            size_t nc = cap ? 2 * cap : 32;
            arc_entity_ref_t *p = realloc(v, nc * sizeof *p);
            if (!p) {
                s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
                break;
            }
            v = p;
            cap = nc;
        }
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].kind = (arc_entity_kind_t)sqlite3_column_int(st, 1);
        v[cnt].name = Arc_strdup((const char *)sqlite3_column_text(st, 2));
        v[cnt].count = sqlite3_column_int64(st, 3);
        if (!v[cnt].name) {
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            break;
        }
        cnt++;
    }
    if (!s && rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "counting entities");
    sqlite3_finalize(st);
    if (s) {
        arc_entity_refs_free(v, cnt);
        goto done;
    }
    *out = v;
    *n = cnt;
done:
    Arc_buf_free(&head);
    Arc_buf_free(&tail);
    return s;
}

/* ---- histogram ---- */

/* Days since 1970-01-01 of the bucket holding day d (archive-private.h). */
int64_t
Arc_bucket_start(int64_t d, arc_bucket_t by)
{
    int y, m, dd;

    switch (by) {
    case ARC_BUCKET_WEEK: {
        /* 1970-01-01 was a Thursday; Monday starts the week */
        int64_t wd = ((d + 3) % 7 + 7) % 7;
        return d - wd;
    }
    case ARC_BUCKET_MONTH:
        arc_civil_from_days(d, &y, &m, &dd);
        return arc_days_from_civil(y, m, 1);
    case ARC_BUCKET_DAY:
    default:
        return d;
    }
}

/* The first day of the bucket after the one starting on day start. */
int64_t
Arc_bucket_next(int64_t start, arc_bucket_t by)
{
    int y, m, dd;

    switch (by) {
    case ARC_BUCKET_WEEK:
        return start + 7;
    case ARC_BUCKET_MONTH:
        arc_civil_from_days(start, &y, &m, &dd);
        return m == 12 ? arc_days_from_civil(y + 1, 1, 1) : arc_days_from_civil(y, m + 1, 1);
    case ARC_BUCKET_DAY:
    default:
        return start + 1;
    }
}

/* Counts per day in a window that grows either way as days appear. */
typedef struct daycounts {
    int64_t first;     /* day of v[0] */
    int64_t *v;
    size_t n;
} daycounts_t;

static int
day_add(daycounts_t *dc, int64_t day)
{
    if (dc->n == 0) {
        if (!(dc->v = calloc(64, sizeof *dc->v)))
            return -1;
        dc->first = day;
        dc->n = 64;
    }
    if (day < dc->first) {
        size_t grow = (size_t)(dc->first - day) + dc->n;
        int64_t *p = calloc(dc->n + grow, sizeof *p);
        if (!p)
            return -1;
        memcpy(p + grow, dc->v, dc->n * sizeof *p);
        free(dc->v);
        dc->v = p;
        dc->first -= (int64_t)grow;
        dc->n += grow;
    }
    if ((size_t)(day - dc->first) >= dc->n) {
        size_t nn = (size_t)(day - dc->first) + 1 + dc->n;
        int64_t *p = realloc(dc->v, nn * sizeof *p);
        if (!p)
            return -1;
        memset(p + dc->n, 0, (nn - dc->n) * sizeof *p);
        dc->v = p;
        dc->n = nn;
    }
    dc->v[day - dc->first]++;
    return 0;
}

/* Contract in newsarc.h. */
arc_status_t
arc_histogram(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
              arc_bucket_t by, arc_hist_bucket_t **out, size_t *n)
{
    if (db->xap)
        return Arc_xap_histogram(db, q, opts, by, out, n);
    daycounts_t dc = { 0, NULL, 0 };
    arc_hist_bucket_t *b = NULL;
    size_t nb = 0, cap = 0, lo, hi;
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int rc;

    *out = NULL;
    *n = 0;
    st = Arc_search_prepare_ids(db, q, opts, "SELECT id FROM", "", &s);
    if (!st)
        return s;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t day = (sqlite3_column_int64(st, 0) >> ARC_ID_SEQ_BITS) - ARC_ID_DAY_BIAS;
        if (day_add(&dc, day)) {
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            break;
        }
    }
    if (!s && rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "counting over time");
    sqlite3_finalize(st);
    if (s || dc.n == 0)
        goto done;
    for (lo = 0; lo < dc.n && !dc.v[lo]; lo++)
        ;
    for (hi = dc.n; hi > lo && !dc.v[hi - 1]; hi--)
        ;
    if (lo == hi)
        goto done;
    for (int64_t start = Arc_bucket_start(dc.first + (int64_t)lo, by);
         start < dc.first + (int64_t)hi; start = Arc_bucket_next(start, by)) {
        int64_t end = Arc_bucket_next(start, by), c = 0;
        for (int64_t d = start; d < end; d++)
            if (d >= dc.first && d < dc.first + (int64_t)dc.n)
                c += dc.v[d - dc.first];
        if (nb == cap) {
            size_t ncap = cap ? 2 * cap : 64;
            arc_hist_bucket_t *p = realloc(b, ncap * sizeof *p);
            if (!p) {
                s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
                free(b);
                b = NULL;
                nb = 0;
                goto done;
            }
            b = p;
            cap = ncap;
        }
        b[nb].start = start * 86400;
        b[nb].end = end * 86400;
        b[nb].count = c;
        nb++;
    }
    *out = b;
    *n = nb;
done:
    free(dc.v);
    return s;
}

/* ---- stories ---- */

void
arc_story_matches_free(arc_story_match_t *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++)
        free(m[i].title);
    free(m);
}

static int64_t
col_time(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? ARC_TIME_NONE
                                                     : sqlite3_column_int64(st, i);
}

/* Contract in newsarc.h. */
arc_status_t
arc_story_matches(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
                  arc_story_match_t **out, size_t *n)
{
    if (db->xap)
        return Arc_xap_story_matches(db, q, opts, out, n);
    arc_story_match_t *v = NULL;
    size_t cnt = 0, cap = 0;
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int rc;

    *out = NULL;
    *n = 0;
    st = Arc_search_prepare_ids(db, q, opts,
        "SELECT st.id, st.title, st.article_count, st.first_date, st.last_date,"
        " x.n, x.f, x.l FROM (SELECT a.story_id AS sid, count(*) AS n,"
        " min(coalesce(a.published, a.first_seen)) AS f,"
        " max(coalesce(a.published, a.first_seen)) AS l"
        " FROM article a WHERE a.story_id IS NOT NULL AND a.id IN",
        " GROUP BY a.story_id) x JOIN story st ON st.id = x.sid"
        " ORDER BY x.n DESC, x.l DESC, st.id LIMIT :lim OFFSET :off", &s);
    if (!st)
        return s;
    bind_named(st, ":lim", opts && opts->limit > 0 ? opts->limit : -1);
    bind_named(st, ":off", opts && opts->offset > 0 ? opts->offset : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        arc_story_match_t *m;
        if (cnt == cap) {
            size_t nc = cap ? 2 * cap : 32;
            arc_story_match_t *p = realloc(v, nc * sizeof *p);
            if (!p) {
                s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
                break;
            }
            v = p;
            cap = nc;
        }
        m = &v[cnt++];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, 0);
        m->title = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        m->article_count = sqlite3_column_int64(st, 2);
        m->first_date = col_time(st, 3);
        m->last_date = col_time(st, 4);
        m->matches = sqlite3_column_int64(st, 5);
        m->first_match = col_time(st, 6);
        m->last_match = col_time(st, 7);
    }
    if (!s && rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "listing stories");
    sqlite3_finalize(st);
    if (s) {
        arc_story_matches_free(v, cnt);
        return s;
    }
    *out = v;
    *n = cnt;
    return ARC_OK;
}

/* ---- versions ---- */

void
arc_versions_free(arc_version_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].title);
        free(v[i].summary);
        free(v[i].body);
        free(v[i].content_hash);
        free(v[i].capture);
    }
    free(v);
}

/* Contract in newsarc.h. */
arc_status_t
arc_article_versions(arc_db_t *db, int64_t article, arc_version_t **out, size_t *n)
{
    ARC_NO_SHARDS(db);
    arc_version_t *v = NULL;
    size_t cnt = 0, cap = 0;
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int rc;

    *out = NULL;
    *n = 0;
    st = Arc_db_prepare(db, "SELECT 1 FROM article WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no article with id %lld", (long long)article);
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(db, "reading an article");
    st = Arc_db_prepare(db,
        "SELECT version, seen, title, summary, arc_body(body, article_id), content_hash, capture"
        " FROM article_version WHERE article_id = ?1 ORDER BY version");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        arc_version_t *e;
        if (cnt == cap) {
            size_t nc = cap ? 2 * cap : 4;
            arc_version_t *p = realloc(v, nc * sizeof *p);
            if (!p) {
                s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
                break;
            }
            v = p;
            cap = nc;
        }
        e = &v[cnt++];
        memset(e, 0, sizeof *e);
        e->version = sqlite3_column_int(st, 0);
        e->seen = sqlite3_column_int64(st, 1);
        e->title = Arc_strdup((const char *)sqlite3_column_text(st, 2));
        e->summary = Arc_strdup((const char *)sqlite3_column_text(st, 3));
        e->body = Arc_strdup((const char *)sqlite3_column_text(st, 4));
        e->content_hash = Arc_strdup((const char *)sqlite3_column_text(st, 5));
        e->capture = Arc_strdup((const char *)sqlite3_column_text(st, 6));
    }
    if (!s && rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "reading versions");
    sqlite3_finalize(st);
    if (s) {
        arc_versions_free(v, cnt);
        return s;
    }
    *out = v;
    *n = cnt;
    return ARC_OK;
}
