/*
 * search.c - searching articles: a query's plan becomes one SQL statement
 * over the FTS5 index and the records, with every value bound.
 *
 * Date restrictions become rowid ranges (ids follow publication day, see
 * ids.c), which FTS5 applies inside the index, plus an exact check on the
 * date column for the partial days at the ends.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

/* ---- SQL builder with bound values ---- */

typedef struct bindval {
    int is_text;
    int64_t i;
    const char *t;       /* borrowed; bound with SQLITE_TRANSIENT */
} bindval_t;

typedef struct qbuild {
    arc_buf_t sql;
    bindval_t *v;
    size_t n, cap;
    int failed;
} qbuild_t;

static void
bind_push(qbuild_t *q, int is_text, int64_t i, const char *t)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        bindval_t *p = realloc(q->v, cap * sizeof *p);
        if (!p) {
            q->failed = 1;
            return;
        }
        q->v = p;
        q->cap = cap;
    }
    q->v[q->n].is_text = is_text;
    q->v[q->n].i = i;
    q->v[q->n].t = t;
    q->n++;
    Arc_buf_add(&q->sql, "?");
}

static void bind_int(qbuild_t *q, int64_t i) { bind_push(q, 0, i, NULL); }
static void bind_txt(qbuild_t *q, const char *t) { bind_push(q, 1, 0, t); }

static void
qbuild_free(qbuild_t *q)
{
    Arc_buf_free(&q->sql);
    free(q->v);
}

static sqlite3_stmt *
qbuild_prepare(arc_db_t *db, qbuild_t *q)
{
    sqlite3_stmt *st;

    if (q->failed || q->sql.failed) {
        Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        return NULL;
    }
    st = Arc_db_prepare(db, q->sql.data);
    if (!st)
        return NULL;
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].is_text)
            Arc_bind_text(st, (int)i + 1, q->v[i].t);
        else
            sqlite3_bind_int64(st, (int)i + 1, q->v[i].i);
    }
    return st;
}

/* ---- shared filter clauses ---- */

enum { MODE_SEARCH, MODE_COUNT, MODE_TIMELINE };

typedef struct range {
    int64_t since, until;  /* 0 = open */
} range_t;

static range_t
effective_range(const arc_plan_t *p, const arc_search_opts_t *o)
{
    range_t r = { 0, 0 };

    r.since = p ? p->since : 0;
    r.until = p ? p->until : 0;
    if (o && o->since && (!r.since || o->since > r.since))
        r.since = o->since;
    if (o && o->until && (!r.until || o->until < r.until))
        r.until = o->until;
    return r;
}

/* Append " AND <rowid> >= ? AND <rowid> < ?" for the days of r. */
static void
add_id_range(qbuild_t *q, const char *col, range_t r)
{
    if (r.since) {
        Arc_buf_add(&q->sql, " AND ");
        Arc_buf_add(&q->sql, col);
        Arc_buf_add(&q->sql, " >= ");
        bind_int(q, Arc_id_first_of_time(r.since));
    }
    if (r.until) {
        Arc_buf_add(&q->sql, " AND ");
        Arc_buf_add(&q->sql, col);
        Arc_buf_add(&q->sql, " < ");
        bind_int(q, Arc_id_first_of_time(r.until - 1) + ((int64_t)1 << ARC_ID_SEQ_BITS));
    }
}

/* Filters on the article row `a` other than full text and dates. */
static void
add_source(qbuild_t *q, const char *src)
{
    Arc_buf_add(&q->sql, " OR name = ");
    bind_txt(q, src);
    Arc_buf_add(&q->sql, " OR site = ");
    bind_txt(q, src);
    Arc_buf_add(&q->sql, " OR site LIKE '%.' || ");
    bind_txt(q, src);
}

static void
add_record_filters(qbuild_t *q, const arc_plan_t *p, const arc_search_opts_t *o)
{
    if (o && o->source) {
        Arc_buf_add(&q->sql, " AND a.source_id IN (SELECT id FROM source WHERE 0");
        add_source(q, o->source);
        Arc_buf_add(&q->sql, ")");
    }
    if (p->n_sources) {
        Arc_buf_add(&q->sql, " AND a.source_id IN (SELECT id FROM source WHERE 0");
        for (size_t i = 0; i < p->n_sources; i++)
            add_source(q, p->sources[i]);
        Arc_buf_add(&q->sql, ")");
    }
    if (p->story) {
        Arc_buf_add(&q->sql, " AND a.story_id = ");
        bind_int(q, p->story);
    }
    if (p->lang) {
        Arc_buf_add(&q->sql, " AND a.lang LIKE ");
        bind_txt(q, p->lang);
        Arc_buf_add(&q->sql, " || '%'");
    }
    for (size_t i = 0; i < p->n_entities; i++) {
        Arc_buf_add(&q->sql, " AND a.id IN (SELECT m.article_id FROM mention m"
                             " WHERE m.entity_id IN (SELECT entity_id FROM entity_alias"
                             " WHERE kind = ");
        bind_int(q, p->entities[i].kind);
        Arc_buf_add(&q->sql, " AND alias = ");
        bind_txt(q, p->entities[i].name);
        Arc_buf_add(&q->sql, "))");
    }
}

/* ---- cursor ---- */

typedef struct namelist {
    const char **v;
    size_t n, cap;
} namelist_t;

struct arc_cursor {
    arc_db_t *db;
    sqlite3_stmt *st;
    sqlite3_stmt *ent;      /* entities of one article, when wanted */
    int has_fts;
    arc_hit_t hit;
    namelist_t names[3];    /* persons, places, orgs (strings malloc'd) */
    arc_plan_t plan;        /* owns the strings bound into st */
};

static void
names_clear(namelist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((char *)l->v[i]);
    l->n = 0;
}

static int
names_add(namelist_t *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        const char **p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return -1;
        l->v = p;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

void
arc_cursor_destroy(arc_cursor_t *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    sqlite3_finalize(c->ent);
    for (int k = 0; k < 3; k++) {
        names_clear(&c->names[k]);
        free(c->names[k].v);
    }
    Arc_plan_clear(&c->plan);
    free(c);
}

static arc_status_t
load_entities(arc_cursor_t *c, int64_t article)
{
    int rc;

    for (int k = 0; k < 3; k++)
        names_clear(&c->names[k]);
    sqlite3_reset(c->ent);
    sqlite3_bind_int64(c->ent, 1, article);
    while ((rc = sqlite3_step(c->ent)) == SQLITE_ROW) {
        int kind = sqlite3_column_int(c->ent, 0);
        const char *name = (const char *)sqlite3_column_text(c->ent, 1);
        if (kind >= 0 && kind < 3 && name && names_add(&c->names[kind], name))
            return Arc_db_error(c->db, ARC_E_NOMEM, "out of memory");
    }
    sqlite3_reset(c->ent);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(c->db, "reading mentions");
    return ARC_OK;
}

arc_status_t
arc_cursor_next(arc_cursor_t *c, const arc_hit_t **out)
{
    int rc;
    arc_hit_t *h = &c->hit;

    *out = NULL;
    if (!c->st)
        return ARC_OK;
    rc = sqlite3_step(c->st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(c->st);
        c->st = NULL;
        return ARC_OK;
    }
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(c->db, "searching");
    h->id = sqlite3_column_int64(c->st, 0);
    h->url = (const char *)sqlite3_column_text(c->st, 1);
    h->source = (const char *)sqlite3_column_text(c->st, 2);
    h->title = (const char *)sqlite3_column_text(c->st, 3);
    h->published = sqlite3_column_type(c->st, 4) == SQLITE_NULL
                       ? ARC_TIME_NONE : sqlite3_column_int64(c->st, 4);
    h->story = sqlite3_column_int64(c->st, 5);
    h->snippet = (const char *)sqlite3_column_text(c->st, 6);
    h->score = sqlite3_column_double(c->st, 7);
    if (c->ent) {
        arc_status_t s = load_entities(c, h->id);
        if (s)
            return s;
    }
    h->persons = c->names[0].v; h->n_persons = c->names[0].n;
    h->places = c->names[1].v;  h->n_places = c->names[1].n;
    h->orgs = c->names[2].v;    h->n_orgs = c->names[2].n;
    *out = h;
    return ARC_OK;
}

static arc_status_t
cursor_new(arc_db_t *db, int want_entities, arc_cursor_t **out)
{
    arc_cursor_t *c = calloc(1, sizeof *c);

    *out = NULL;
    if (!c)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    c->db = db;
    if (want_entities) {
        c->ent = Arc_db_prepare(db,
            "SELECT e.kind, e.name FROM mention m JOIN entity e ON e.id = m.entity_id"
            " WHERE m.article_id = ?1 ORDER BY m.count DESC, e.name");
        if (!c->ent) {
            free(c);
            return ARC_E_DB;
        }
    }
    *out = c;
    return ARC_OK;
}

/* Build the SELECT for search or count. */
static void
build_search(qbuild_t *q, const arc_plan_t *p, const arc_search_opts_t *o, int mode)
{
    range_t r = effective_range(p, o);
    int fts = p->fts != NULL;
    const char *mo = o && o->mark_open ? o->mark_open : "[";
    const char *mc = o && o->mark_close ? o->mark_close : "]";

    if (mode == MODE_COUNT) {
        Arc_buf_add(&q->sql, "SELECT count(*)");
    } else {
        Arc_buf_add(&q->sql, "SELECT a.id, a.url, s.name, a.title, a.published, a.story_id, ");
        if (o && o->want_snippet && fts) {
            Arc_buf_add(&q->sql, "snippet(article_fts, -1, ");
            bind_txt(q, mo);
            Arc_buf_add(&q->sql, ", ");
            bind_txt(q, mc);
            Arc_buf_add(&q->sql, ", '…', 24)");
        } else if (o && o->want_snippet) {
            Arc_buf_add(&q->sql, "substr(coalesce(a.summary, a.body), 1, 200)");
        } else {
            Arc_buf_add(&q->sql, "NULL");
        }
        Arc_buf_add(&q->sql, fts ? ", -article_fts.rank" : ", 0.0");
    }
    if (fts) {
        Arc_buf_add(&q->sql, " FROM article_fts JOIN article a ON a.id = article_fts.rowid");
    } else {
        Arc_buf_add(&q->sql, " FROM article a");
    }
    if (mode != MODE_COUNT)
        Arc_buf_add(&q->sql, " LEFT JOIN source s ON s.id = a.source_id");
    Arc_buf_add(&q->sql, " WHERE 1");
    if (fts) {
        Arc_buf_add(&q->sql, " AND article_fts MATCH ");
        bind_txt(q, p->fts);
        add_id_range(q, "article_fts.rowid", r);
    } else {
        add_id_range(q, "a.id", r);
    }
    if (r.since) {
        Arc_buf_add(&q->sql, " AND coalesce(a.published, a.first_seen) >= ");
        bind_int(q, r.since);
    }
    if (r.until) {
        Arc_buf_add(&q->sql, " AND coalesce(a.published, a.first_seen) < ");
        bind_int(q, r.until);
    }
    add_record_filters(q, p, o);
    if (mode == MODE_COUNT)
        return;
    switch (o ? o->sort : ARC_SORT_RELEVANCE) {
    case ARC_SORT_RELEVANCE:
        Arc_buf_add(&q->sql, fts ? " ORDER BY article_fts.rank, a.id DESC" : " ORDER BY a.id DESC");
        break;
    case ARC_SORT_NEWEST:
        Arc_buf_add(&q->sql, fts ? " ORDER BY article_fts.rowid DESC" : " ORDER BY a.id DESC");
        break;
    case ARC_SORT_OLDEST:
        Arc_buf_add(&q->sql, fts ? " ORDER BY article_fts.rowid ASC" : " ORDER BY a.id ASC");
        break;
    }
    if (o && (o->limit > 0 || o->offset > 0)) {
        Arc_buf_add(&q->sql, " LIMIT ");
        bind_int(q, o->limit > 0 ? o->limit : -1);
        Arc_buf_add(&q->sql, " OFFSET ");
        bind_int(q, o->offset > 0 ? o->offset : 0);
    }
}

static arc_status_t
plan_query(arc_db_t *db, const arc_query_t *q, arc_plan_t *plan)
{
    arc_query_error_t err;
    arc_status_t s;

    memset(plan, 0, sizeof *plan);
    if (!q)
        return ARC_OK;
    memset(&err, 0, sizeof err);
    s = Arc_query_plan(q, plan, &err);
    if (s == ARC_E_BAD_QUERY)
        return Arc_db_error(db, s, "query error at column %d: %s", err.column, err.message);
    if (s)
        return Arc_db_error(db, s, "planning the query: %s", arc_status_string(s));
    return ARC_OK;
}

arc_status_t
arc_search(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
           arc_cursor_t **out)
{
    arc_cursor_t *c = NULL;
    qbuild_t qb;
    arc_status_t s;

    *out = NULL;
    memset(&qb, 0, sizeof qb);
    if ((s = cursor_new(db, opts && opts->want_entities, &c)))
        return s;
    if ((s = plan_query(db, q, &c->plan)))
        goto fail;
    c->has_fts = c->plan.fts != NULL;
    build_search(&qb, &c->plan, opts, MODE_SEARCH);
    c->st = qbuild_prepare(db, &qb);
    if (!c->st) {
        s = qb.failed ? ARC_E_NOMEM : ARC_E_DB;
        goto fail;
    }
    qbuild_free(&qb);
    *out = c;
    return ARC_OK;
fail:
    qbuild_free(&qb);
    arc_cursor_destroy(c);
    return s;
}

arc_status_t
arc_search_count(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
                 int64_t *count)
{
    arc_plan_t plan;
    qbuild_t qb;
    sqlite3_stmt *st;
    arc_status_t s;
    int rc;

    *count = 0;
    memset(&qb, 0, sizeof qb);
    if ((s = plan_query(db, q, &plan)))
        return s;
    build_search(&qb, &plan, opts, MODE_COUNT);
    st = qbuild_prepare(db, &qb);
    qbuild_free(&qb);
    if (!st) {
        Arc_plan_clear(&plan);
        return ARC_E_DB;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        s = Arc_db_sqlerr(db, "counting");
    sqlite3_finalize(st);
    Arc_plan_clear(&plan);
    return s;
}

arc_status_t
arc_story_articles(arc_db_t *db, int64_t story, arc_cursor_t **out)
{
    arc_cursor_t *c;
    arc_status_t s;

    *out = NULL;
    if ((s = cursor_new(db, 1, &c)))
        return s;
    c->st = Arc_db_prepare(db,
        "SELECT a.id, a.url, s.name, a.title, a.published, a.story_id,"
        " substr(coalesce(a.summary, a.body), 1, 200), 0.0"
        " FROM article a LEFT JOIN source s ON s.id = a.source_id"
        " WHERE a.story_id = ?1 ORDER BY a.id");
    if (!c->st) {
        arc_cursor_destroy(c);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(c->st, 1, story);
    *out = c;
    return ARC_OK;
}

/* ---- timelines ---- */

struct arc_timeline {
    arc_db_t *db;
    sqlite3_stmt *st;
    arc_timeline_entry_t e;
    arc_plan_t plan;
};

arc_status_t
arc_timeline_open(arc_db_t *db, const arc_query_t *q, int64_t story,
                  const arc_search_opts_t *o, arc_timeline_t **out)
{
    arc_timeline_t *t = calloc(1, sizeof *t);
    qbuild_t qb;
    range_t r;
    arc_status_t s;

    *out = NULL;
    memset(&qb, 0, sizeof qb);
    if (!t)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    t->db = db;
    if ((s = plan_query(db, q, &t->plan)))
        goto fail;
    /* a date: term or --since/--until bound the events' dates, not the
     * articles' publication dates */
    r = effective_range(&t->plan, o);
    Arc_buf_add(&qb.sql,
        "SELECT ev.date, ev.granularity, ev.text, ev.from_published, a.id, s.name,"
        " a.url, a.title, ev.start, ev.end, a.story_id"
        " FROM event ev JOIN article a ON a.id = ev.article_id"
        " LEFT JOIN source s ON s.id = a.source_id WHERE 1");
    if (t->plan.fts) {
        Arc_buf_add(&qb.sql, " AND a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ");
        bind_txt(&qb, t->plan.fts);
        Arc_buf_add(&qb.sql, ")");
    }
    if (story) {
        Arc_buf_add(&qb.sql, " AND a.story_id = ");
        bind_int(&qb, story);
    }
    if (r.since) {
        Arc_buf_add(&qb.sql, " AND ev.date >= ");
        bind_int(&qb, r.since);
    }
    if (r.until) {
        Arc_buf_add(&qb.sql, " AND ev.date < ");
        bind_int(&qb, r.until);
    }
    add_record_filters(&qb, &t->plan, o);
    Arc_buf_add(&qb.sql, " ORDER BY ev.date, a.id, ev.start");
    if (o && (o->limit > 0 || o->offset > 0)) {
        Arc_buf_add(&qb.sql, " LIMIT ");
        bind_int(&qb, o->limit > 0 ? o->limit : -1);
        Arc_buf_add(&qb.sql, " OFFSET ");
        bind_int(&qb, o->offset > 0 ? o->offset : 0);
    }
    t->st = qbuild_prepare(db, &qb);
    qbuild_free(&qb);
    if (!t->st) {
        s = ARC_E_DB;
        goto fail;
    }
    *out = t;
    return ARC_OK;
fail:
    qbuild_free(&qb);
    arc_timeline_destroy(t);
    return s;
}

arc_status_t
arc_timeline_next(arc_timeline_t *t, const arc_timeline_entry_t **out)
{
    arc_timeline_entry_t *e = &t->e;
    int rc;

    *out = NULL;
    if (!t->st)
        return ARC_OK;
    rc = sqlite3_step(t->st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(t->st);
        t->st = NULL;
        return ARC_OK;
    }
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(t->db, "reading the timeline");
    e->date = sqlite3_column_int64(t->st, 0);
    e->granularity = (arc_granularity_t)sqlite3_column_int(t->st, 1);
    e->text = (const char *)sqlite3_column_text(t->st, 2);
    e->from_published = sqlite3_column_int(t->st, 3);
    e->article = sqlite3_column_int64(t->st, 4);
    e->source = (const char *)sqlite3_column_text(t->st, 5);
    e->url = (const char *)sqlite3_column_text(t->st, 6);
    e->title = (const char *)sqlite3_column_text(t->st, 7);
    e->start = sqlite3_column_int(t->st, 8);
    e->end = sqlite3_column_int(t->st, 9);
    e->story = sqlite3_column_int64(t->st, 10);
    *out = e;
    return ARC_OK;
}

void
arc_timeline_destroy(arc_timeline_t *t)
{
    if (!t)
        return;
    sqlite3_finalize(t->st);
    Arc_plan_clear(&t->plan);
    free(t);
}
