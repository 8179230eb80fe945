/*
 * common.h - what the newsquery commands share: the parsed command line,
 * opening the archive, parsing the query, date formatting.
 */
#ifndef QRY_COMMON_H
#define QRY_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "newsarc.h"
#include "printer.h"

#define EXIT_EMPTY 1
#define EXIT_USAGE 2
#define EXIT_ARCHIVE 3

typedef struct qry_opts {
    const char *archive;
    const char *query;        /* the QUERY argument (joined), or NULL */
    const char *since_arg, *until_arg;
    int64_t since, until;     /* parsed; 0 = open */
    const char *source;
    int64_t limit, offset;
    int limit_set;
    arc_sort_t sort;
    qry_format_t format;
    int fail_empty;
    int count_only;           /* search --count */
    int64_t story;            /* timeline --story */
    int64_t entity;           /* timeline --entity (stories & timelines, issue 4) */
    int max_per_day;          /* timeline --max-per-day (0 = all) */
    int color;                /* text to a terminal: highlight matches */
    /* query tool (issue 5) */
    int collapse_story;       /* search --collapse story */
    int versions;             /* show --versions */
    const char *kind_arg;     /* entities --kind person|place|org */
    const char *with_arg;     /* entities --with ENTITY */
    const char *by_arg;       /* histogram --by day|week|month */
    const char *fields_arg;   /* export --fields a,b,c */
    int with_body;            /* export --with-body */
    int exact_rank;           /* search --exact-rank: score every match */
    /* Xapian shards (issue 8, query/backend.h) */
    int backend;              /* QRY_BACKEND_*: --backend, or AUTO */
    const char *shards;       /* --shards FILE (a Xapian stub file) */
    int allow_partial;        /* --allow-partial: answer without a down shard */
    const char *command;      /* the command name, for messages */
} qry_opts_t;

/* --backend (issue 8): AUTO = xapian when a stub file is given, else sqlite */
enum { QRY_BACKEND_AUTO = 0, QRY_BACKEND_SQLITE, QRY_BACKEND_XAPIAN };

/* Open the archive read-only or exit 3 with the reason. */
arc_db_t *qry_open(const qry_opts_t *o);
/* The same with more ARC_OPEN_* flags (export: ARC_OPEN_SCAN). */
arc_db_t *qry_open_flags(const qry_opts_t *o, int flags);

/* Parse o->query (NULL/empty = match all) or exit 2 pointing at the column. */
arc_query_t *qry_parse(const qry_opts_t *o);

/* Report a failure of the archive on stderr and return the exit status. */
int qry_fail(arc_db_t *db, arc_status_t st);

/* Fill search options from the command line. */
void qry_search_opts(const qry_opts_t *o, arc_search_opts_t *so);

/* JSON helpers: ISO 8601 time or null; string or null. */
void qry_json_time(cJSON *obj, const char *key, int64_t t);
void qry_json_str(cJSON *obj, const char *key, const char *s);
cJSON *qry_json_strings(const char *const *v, size_t n);
/* An integer as a raw JSON number (article ids are past 2^31, and cJSON
 * writes those through a double with "%1.15g" and scans them back: the
 * largest cost of an exported row or a timeline entry). The same text. */
void qry_json_int(cJSON *obj, const char *key, int64_t v);
/* "Dec 2, 2025" (day), "Dec 2025" (month), "2025" (year) */
const char *qry_human_date(int64_t t, arc_granularity_t g, char *buf, size_t n);

/* The commands: each returns the exit status. */
int qry_cmd_search(const qry_opts_t *o);
int qry_cmd_show(const qry_opts_t *o, int64_t id);
int qry_cmd_story(const qry_opts_t *o, int64_t id);
int qry_cmd_timeline(const qry_opts_t *o);
/* query tool (issue 5) */
int qry_cmd_stories(const qry_opts_t *o);
int qry_cmd_entities(const qry_opts_t *o);
int qry_cmd_histogram(const qry_opts_t *o);
int qry_cmd_export(const qry_opts_t *o);

#endif
