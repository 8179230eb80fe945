/*
 * source.c - feeds and their fetch state, the robots.txt cache and the
 * capture records that point into the archive's WARC files.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "archive-private.h"

static int
empty(const char *s)
{
    return !s || !*s;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? strdup(t) : NULL;
}

/* Run a statement that returns no row; finalizes it. */
static arc_status_t
step_done(arc_db_t *db, sqlite3_stmt *st, const char *context)
{
    int rc = sqlite3_step(st);
    arc_status_t s = ARC_OK;

    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        s = Arc_db_sqlerr(db, context);
    sqlite3_finalize(st);
    return s;
}

static arc_status_t
writable(arc_db_t *db)
{
    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    return ARC_OK;
}

/* The name a feed added without one gets: its URL without the scheme and
 * without a trailing slash. Malloc'd or NULL. */
static char *
default_name(const char *url)
{
    const char *p = strstr(url, "://");
    size_t n;
    char *s;

    p = p ? p + 3 : url;
    n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Host of an absolute URL without "www.", into buf. */
static void
url_site(const char *url, char *buf, size_t n)
{
    const char *h = strstr(url, "://");
    size_t i = 0;

    buf[0] = '\0';
    if (!h)
        return;
    h += 3;
    if (strncasecmp(h, "www.", 4) == 0)
        h += 4;
    while (h[i] && h[i] != '/' && h[i] != ':' && h[i] != '?' && h[i] != '#' && i + 1 < n) {
        buf[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
        i++;
    }
    buf[i] = '\0';
}

arc_status_t
arc_feed_add(arc_db_t *db, const char *url, const char *name, int64_t *id,
             int *existed)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    char *canon = NULL, *dflt = NULL;
    char site[256];
    arc_status_t s;
    int rc;

    if (id)
        *id = 0;
    if (existed)
        *existed = 0;
    if ((s = writable(db)))
        return s;
    s = arc_url_canonicalize(url, &canon);
    free(canon);
    if (s == ARC_E_NOMEM)
        return Arc_db_error(db, s, "out of memory");
    if (s || strchr(url, ' ') || strchr(url, '\n'))
        return Arc_db_error(db, ARC_E_BAD_ARG,
                            "%.300s: not an absolute http or https URL", url);

    /* the same URL already: nothing to do */
    st = Arc_db_prepare(db, "SELECT id FROM source WHERE feed_url = ?1");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, url);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (id)
            *id = sqlite3_column_int64(st, 0);
        if (existed)
            *existed = 1;
        sqlite3_finalize(st);
        return ARC_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "looking up a feed");

    if (empty(name)) {
        dflt = default_name(url);
        if (!dflt)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        name = dflt;
    }
    /* a source of that name: attach the feed to it unless it has one */
    st = Arc_db_prepare(db, "SELECT id, feed_url FROM source WHERE name = ?1");
    if (!st) {
        free(dflt);
        return ARC_E_DB;
    }
    Arc_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(st, 0);
        const char *other = (const char *)sqlite3_column_text(st, 1);
        if (other) {
            s = Arc_db_error(db, ARC_E_BAD_ARG,
                             "the name '%.100s' belongs to the feed %.300s",
                             name, other);
            sqlite3_finalize(st);
            free(dflt);
            return s;
        }
        sqlite3_finalize(st);
        st = Arc_db_prepare(db, "UPDATE source SET feed_url = ?2, next_due = NULL,"
                                " error_count = 0, last_status = NULL, last_error = NULL,"
                                " etag = NULL, last_modified = NULL WHERE id = ?1");
        if (!st) {
            free(dflt);
            return ARC_E_DB;
        }
        sqlite3_bind_int64(st, 1, sid);
        Arc_bind_text(st, 2, url);
        s = step_done(db, st, "adding a feed");
        if (!s && id)
            *id = sid;
        free(dflt);
        return s;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(dflt);
        return Arc_db_sqlerr(db, "looking up a source");
    }
    url_site(url, site, sizeof site);
    st = Arc_db_prepare(db, "INSERT INTO source(name, site, feed_url, added)"
                            " VALUES (?1, ?2, ?3, ?4)");
    if (!st) {
        free(dflt);
        return ARC_E_DB;
    }
    Arc_bind_text(st, 1, name);
    Arc_bind_text(st, 2, site[0] ? site : NULL);
    Arc_bind_text(st, 3, url);
    sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
    s = step_done(db, st, "adding a feed");
    if (!s && id)
        *id = sqlite3_last_insert_rowid(db->sql);
    free(dflt);
    return s;
}

arc_status_t
arc_feed_remove(arc_db_t *db, const char *key, char **removed_url)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int64_t sid, uses;
    char *url;
    arc_status_t s;
    int rc;

    if (removed_url)
        *removed_url = NULL;
    if ((s = writable(db)))
        return s;
    st = Arc_db_prepare(db,
        "SELECT id, feed_url,"
        " (SELECT count(*) FROM article WHERE source_id = source.id)"
        " + (SELECT count(*) FROM capture WHERE source_id = source.id)"
        " FROM source WHERE feed_url IS NOT NULL AND (feed_url = ?1 OR name = ?1)"
        " ORDER BY feed_url = ?1 DESC LIMIT 1");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "looking up a feed");
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no feed with URL or name '%.300s'", key);
    }
    sid = sqlite3_column_int64(st, 0);
    url = col_dup(st, 1);
    uses = sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    if (!url)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    if (uses)
        st = Arc_db_prepare(db, "UPDATE source SET feed_url = NULL, etag = NULL,"
                                " last_modified = NULL, last_status = NULL,"
                                " last_error = NULL, next_due = NULL, error_count = 0"
                                " WHERE id = ?1");
    else
        st = Arc_db_prepare(db, "DELETE FROM source WHERE id = ?1");
    if (!st) {
        free(url);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(st, 1, sid);
    s = step_done(db, st, "removing a feed");
    if (!s && removed_url)
        *removed_url = url;
    else
        free(url);
    return s;
}

#define FEED_COLUMNS \
    "SELECT id, name, site, feed_url, etag, last_modified, last_status," \
    " last_error, next_due, error_count, added," \
    " (SELECT count(*) FROM article WHERE source_id = source.id)" \
    " FROM source WHERE feed_url IS NOT NULL"

static arc_status_t
list_feeds(arc_db_t *db, sqlite3_stmt *st, arc_feed_t **out, size_t *n)
{
    arc_feed_t *v = NULL, *f;
    size_t len = 0, cap = 0;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            arc_feed_t *p = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) {
                sqlite3_finalize(st);
                arc_feeds_free(v, len);
                return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            }
            v = p;
        }
        f = &v[len++];
        memset(f, 0, sizeof *f);
        f->id = sqlite3_column_int64(st, 0);
        f->name = col_dup(st, 1);
        f->site = col_dup(st, 2);
        f->url = col_dup(st, 3);
        f->etag = col_dup(st, 4);
        f->last_modified = col_dup(st, 5);
        f->last_status = sqlite3_column_int(st, 6);
        f->last_error = col_dup(st, 7);
        f->next_due = sqlite3_column_type(st, 8) == SQLITE_NULL
                          ? ARC_TIME_NONE : sqlite3_column_int64(st, 8);
        f->error_count = sqlite3_column_int(st, 9);
        f->added = sqlite3_column_int64(st, 10);
        f->articles = sqlite3_column_int64(st, 11);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        arc_feeds_free(v, len);
        return Arc_db_sqlerr(db, "listing feeds");
    }
    *out = v;
    *n = len;
    return ARC_OK;
}

arc_status_t
arc_feed_list(arc_db_t *db, arc_feed_t **out, size_t *n)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    st = Arc_db_prepare(db, FEED_COLUMNS " ORDER BY name, id");
    if (!st)
        return ARC_E_DB;
    return list_feeds(db, st, out, n);
}

arc_status_t
arc_feed_list_due(arc_db_t *db, int64_t now, arc_feed_t **out, size_t *n)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    st = Arc_db_prepare(db, FEED_COLUMNS
                        " AND (next_due IS NULL OR next_due <= ?1)"
                        " ORDER BY coalesce(next_due, 0), id");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, now);
    return list_feeds(db, st, out, n);
}

void
arc_feeds_free(arc_feed_t *feeds, size_t n)
{
    if (!feeds)
        return;
    for (size_t i = 0; i < n; i++) {
        free(feeds[i].name);
        free(feeds[i].site);
        free(feeds[i].url);
        free(feeds[i].etag);
        free(feeds[i].last_modified);
        free(feeds[i].last_error);
    }
    free(feeds);
}

int64_t
arc_feed_next_due(int64_t now, int error_count, int64_t interval,
                  int64_t retry_after)
{
    int64_t delay;

    if (interval <= 0)
        interval = ARC_FEED_INTERVAL;
    if (retry_after < 0)
        retry_after = 0;
    if (retry_after > ARC_FEED_RETRY_AFTER_MAX)
        retry_after = ARC_FEED_RETRY_AFTER_MAX;
    if (error_count <= 0) {
        delay = interval;
    } else {
        delay = ARC_FEED_BACKOFF_BASE;
        for (int i = 1; i < error_count && delay < ARC_FEED_BACKOFF_MAX; i++)
            delay *= 2;
        if (delay > ARC_FEED_BACKOFF_MAX)
            delay = ARC_FEED_BACKOFF_MAX;
    }
    if (delay < retry_after)
        delay = retry_after;
    return now + delay;
}

/* A feed still named by default takes its title, when that name is free. */
static arc_status_t
adopt_title(arc_db_t *db, int64_t id, const char *url, const char *name,
            const char *title)
{
    char *dflt;
    sqlite3_stmt *st;
    int rc, same;

    if (empty(title) || !name || !url)
        return ARC_OK;
    dflt = default_name(url);
    if (!dflt)
        return ARC_OK;
    same = strcmp(dflt, name) == 0;
    free(dflt);
    if (!same)
        return ARC_OK;
    st = Arc_db_prepare(db, "UPDATE source SET name = ?2 WHERE id = ?1"
                            " AND NOT EXISTS (SELECT 1 FROM source WHERE name = ?2)");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    Arc_bind_text(st, 2, title);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "naming a feed");
}

arc_status_t
arc_feed_record(arc_db_t *db, int64_t id, const arc_fetch_result_t *r)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int errors;
    char *url, *name;
    arc_status_t s;
    int rc;

    if ((s = writable(db)))
        return s;
    st = Arc_db_prepare(db, "SELECT error_count, feed_url, name FROM source WHERE id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "reading a feed");
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no feed with id %lld", (long long)id);
    }
    errors = r->error ? sqlite3_column_int(st, 0) + 1 : 0;
    url = col_dup(st, 1);
    name = col_dup(st, 2);
    sqlite3_finalize(st);

    /* validators change only with a 200 */
    if (r->error || r->status == 304)
        st = Arc_db_prepare(db, "UPDATE source SET last_status = ?2, last_error = ?3,"
                                " error_count = ?4, next_due = ?5 WHERE id = ?1");
    else
        st = Arc_db_prepare(db, "UPDATE source SET last_status = ?2, last_error = ?3,"
                                " error_count = ?4, next_due = ?5, etag = ?6,"
                                " last_modified = ?7 WHERE id = ?1");
    if (!st) {
        free(url);
        free(name);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, r->status);
    Arc_bind_text(st, 3, r->error);
    sqlite3_bind_int(st, 4, errors);
    sqlite3_bind_int64(st, 5, arc_feed_next_due(r->fetched, errors, r->interval,
                                                r->retry_after));
    if (!r->error && r->status != 304) {
        Arc_bind_text(st, 6, empty(r->etag) ? NULL : r->etag);
        Arc_bind_text(st, 7, empty(r->last_modified) ? NULL : r->last_modified);
    }
    s = step_done(db, st, "recording a fetch");
    if (!s && !r->error)
        s = adopt_title(db, id, url, name, r->title);
    free(url);
    free(name);
    return s;
}

/* ---- robots.txt cache ---------------------------------------------------- */

arc_status_t
arc_robots_get(arc_db_t *db, const char *origin, char **body, int *status,
               int64_t *fetched)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int rc;

    *body = NULL;
    *status = 0;
    *fetched = 0;
    st = Arc_db_prepare(db, "SELECT body, status, fetched FROM robots WHERE host = ?1");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, origin);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "reading robots.txt");
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no robots.txt stored for %.200s", origin);
    }
    if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *body = col_dup(st, 0);
        if (!*body) {
            sqlite3_finalize(st);
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        }
    }
    *status = sqlite3_column_int(st, 1);
    *fetched = sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    return ARC_OK;
}

arc_status_t
arc_robots_put(arc_db_t *db, const char *origin, const char *body, int status,
               int64_t fetched)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_status_t s;

    if ((s = writable(db)))
        return s;
    if (empty(origin))
        return Arc_db_error(db, ARC_E_BAD_ARG, "robots.txt without an origin");
    st = Arc_db_prepare(db, "INSERT OR REPLACE INTO robots(host, body, status, fetched)"
                            " VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, origin);
    Arc_bind_text(st, 2, body);
    sqlite3_bind_int(st, 3, status);
    sqlite3_bind_int64(st, 4, fetched);
    return step_done(db, st, "storing robots.txt");
}

/* ---- captures ------------------------------------------------------------ */

arc_status_t
arc_capture_add(arc_db_t *db, const arc_capture_t *c, int64_t *id)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_status_t s;

    if (id)
        *id = 0;
    if ((s = writable(db)))
        return s;
    if (empty(c->uri) || empty(c->file) || empty(c->kind))
        return Arc_db_error(db, ARC_E_BAD_ARG, "a capture needs a URI, a file and a kind");
    st = Arc_db_prepare(db, "INSERT INTO capture(uri, file, offset, fetched, kind,"
                            " status, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, c->uri);
    Arc_bind_text(st, 2, c->file);
    sqlite3_bind_int64(st, 3, c->offset);
    sqlite3_bind_int64(st, 4, c->fetched > 0 ? c->fetched : (int64_t)time(NULL));
    Arc_bind_text(st, 5, c->kind);
    if (c->status)
        sqlite3_bind_int(st, 6, c->status);
    if (c->source_id)
        sqlite3_bind_int64(st, 7, c->source_id);
    s = step_done(db, st, "recording a capture");
    if (!s && id)
        *id = sqlite3_last_insert_rowid(db->sql);
    return s;
}

arc_status_t
arc_capture_latest(arc_db_t *db, const char *uri, arc_capture_t **out)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    arc_capture_t *c;
    int rc;

    *out = NULL;
    st = Arc_db_prepare(db, "SELECT id, uri, file, offset, fetched, kind, status,"
                            " source_id FROM capture WHERE uri = ?1"
                            " ORDER BY fetched DESC, id DESC LIMIT 1");
    if (!st)
        return ARC_E_DB;
    Arc_bind_text(st, 1, uri);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "reading a capture");
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no capture of %.300s", uri);
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        sqlite3_finalize(st);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    c->id = sqlite3_column_int64(st, 0);
    c->uri = col_dup(st, 1);
    c->file = col_dup(st, 2);
    c->offset = sqlite3_column_int64(st, 3);
    c->fetched = sqlite3_column_int64(st, 4);
    c->kind = col_dup(st, 5);
    c->status = sqlite3_column_int(st, 6);
    c->source_id = sqlite3_column_int64(st, 7);
    sqlite3_finalize(st);
    if (!c->uri || !c->file || !c->kind) {
        arc_capture_destroy(c);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    *out = c;
    return ARC_OK;
}

void
arc_capture_destroy(arc_capture_t *c)
{
    if (!c)
        return;
    free((char *)c->uri);
    free((char *)c->file);
    free((char *)c->kind);
    free(c);
}

arc_status_t
arc_article_set_capture(arc_db_t *db, const char *url, const char *ref,
                        int overwrite, int64_t *id)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    char *canon = NULL;
    int64_t aid = 0;
    arc_status_t s;
    int rc;

    if (id)
        *id = 0;
    if ((s = writable(db)))
        return s;
    if (empty(ref))
        return Arc_db_error(db, ARC_E_BAD_ARG, "empty capture reference");
    s = arc_url_canonicalize(url, &canon);
    if (s)
        return Arc_db_error(db, s == ARC_E_NOMEM ? s : ARC_E_BAD_ARG,
                            "not an absolute http(s) URL: %.200s", url ? url : "(null)");
    /* an article's own URL, then its other ones (article.c) */
    st = Arc_db_prepare(db, "SELECT id FROM article WHERE url = ?1 OR url = ?2 UNION ALL"
                            " SELECT article_id FROM article_url WHERE url = ?1 OR url = ?2");
    if (!st) {
        free(canon);
        return ARC_E_DB;
    }
    Arc_bind_text(st, 1, canon);
    Arc_bind_text(st, 2, url);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        aid = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    free(canon);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "looking up an article");
        return Arc_db_error(db, ARC_E_NOT_FOUND, "no article stored under %.300s", url);
    }
    st = Arc_db_prepare(db, overwrite
                        ? "UPDATE article SET capture = ?2 WHERE id = ?1"
                        : "UPDATE article SET capture = ?2 WHERE id = ?1 AND capture IS NULL");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, aid);
    Arc_bind_text(st, 2, ref);
    s = step_done(db, st, "setting a capture reference");
    if (!s && id)
        *id = aid;
    return s;
}
