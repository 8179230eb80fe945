/*
 * common.c - helpers shared by the newsquery commands.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "common.h"

arc_db_t *
qry_open(const qry_opts_t *o)
{
    return qry_open_flags(o, 0);
}

arc_db_t *
qry_open_flags(const qry_opts_t *o, int flags)
{
    char *dir, *err = NULL;
    arc_db_t *db = NULL;
    arc_status_t st;

    if (qry_backend_is_xapian(o)) {   /* issue 8: the Xapian shards */
        db = qry_backend_open_shards(o);
        qry_backend_track(db, o);
        return db;
    }
    dir = arc_dir_resolve(o->archive, getenv("NEWSARCHIVE_DIR"),
                          getenv("XDG_DATA_HOME"), getenv("HOME"));
    if (!dir) {
        fprintf(stderr, "newsquery: no archive directory: use --archive DIR or set NEWSARCHIVE_DIR\n");
        exit(EXIT_USAGE);
    }
    st = arc_db_open(dir, ARC_OPEN_READONLY | flags, &db, &err);
    if (st) {
        fprintf(stderr, "newsquery: %s\n", err ? err : arc_status_string(st));
        arc_free(err);
        free(dir);
        exit(EXIT_ARCHIVE);
    }
    free(dir);
    qry_backend_track(db, o);
    return db;
}

arc_query_t *
qry_parse(const qry_opts_t *o)
{
    arc_query_t *q = NULL;
    arc_query_error_t err;
    arc_status_t st;

    memset(&err, 0, sizeof err);
    st = arc_query_parse(o->query ? o->query : "", &q, &err);
    if (st == ARC_E_BAD_QUERY) {
        fprintf(stderr, "newsquery: query error at column %d: %s\n", err.column, err.message);
        if (o->query && strlen(o->query) < 200) {
            int col = 1;
            fprintf(stderr, "  %s\n  ", o->query);
            /* point at the column, counting UTF-8 characters */
            for (const unsigned char *p = (const unsigned char *)o->query;
                 *p && col < err.column; p++)
                if ((*p & 0xC0) != 0x80) {
                    fputc(' ', stderr);
                    col++;
                }
            fputs("^\n", stderr);
        }
        exit(EXIT_USAGE);
    }
    if (st) {
        fprintf(stderr, "newsquery: %s\n", arc_status_string(st));
        exit(EXIT_ARCHIVE);
    }
    return q;
}

int
qry_fail(arc_db_t *db, arc_status_t st)
{
    int rc = qry_backend_fail(db, st);   /* not answerable by the shards: 2 */

    if (rc >= 0)
        return rc;
    fprintf(stderr, "newsquery: %s\n", db ? arc_db_errmsg(db) : arc_status_string(st));
    if (st == ARC_E_BAD_QUERY || st == ARC_E_BAD_ARG)
        return EXIT_USAGE;
    return EXIT_ARCHIVE;
}

void
qry_search_opts(const qry_opts_t *o, arc_search_opts_t *so)
{
    memset(so, 0, sizeof *so);
    so->since = o->since;
    so->until = o->until;
    so->limit = o->limit;
    so->offset = o->offset;
    so->sort = o->sort;
    so->source = o->source;
}

void
qry_json_time(cJSON *obj, const char *key, int64_t t)
{
    char buf[32];

    if (t == ARC_TIME_NONE)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddStringToObject(obj, key, arc_time_format(t, buf, sizeof buf));
}

void
qry_json_str(cJSON *obj, const char *key, const char *s)
{
    if (s)
        cJSON_AddStringToObject(obj, key, s);
    else
        cJSON_AddNullToObject(obj, key);
}

void
qry_json_int(cJSON *obj, const char *key, int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof buf, "%lld", (long long)v);
    cJSON_AddRawToObject(obj, key, buf);
}

cJSON *
qry_json_strings(const char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();

    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

const char *
qry_human_date(int64_t t, arc_granularity_t g, char *buf, size_t n)
{
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int y, m, d;
    int64_t days;

    if (t == ARC_TIME_NONE) {
        snprintf(buf, n, "undated");
        return buf;
    }
    days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    arc_civil_from_days(days, &y, &m, &d);
    if (g == ARC_GRAN_YEAR)
        snprintf(buf, n, "%d", y);
    else if (g == ARC_GRAN_MONTH)
        snprintf(buf, n, "%s %d", mon[m - 1], y);
    else
        snprintf(buf, n, "%s %d, %d", mon[m - 1], d, y);
    return buf;
}
