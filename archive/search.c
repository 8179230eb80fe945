/*
 * search.c - searching articles: a query's plan becomes one SQL statement
 * over the FTS5 index and the records, with every value bound.
 *
 * Date restrictions become rowid ranges (ids follow publication day, see
 * ids.c), which FTS5 applies inside the index, plus an exact check on the
 * date column for the partial days at the ends.
 *
 * The top-level conjunction of a query is planned by query.c: one FTS5
 * MATCH plus filters, the fast path. A conjunct that puts a field term
 * under OR or - (`person:a OR person:b`, `putin -source:bbc`) is compiled
 * here instead into an SQL condition on the article row, each full-text
 * part of it becoming an `a.id IN (SELECT rowid FROM article_fts ...)`
 * subquery; the rest of the query keeps the fast path.
 *
 * person:/place:/org: values are resolved to entity ids before the
 * statement is built (aliases, then merges through entity_redirect), so an
 * unknown name is reported with the closest known ones.
 *
 * Relevance order with a small limit uses the bounded top-k of
 * docs/ranking.md (rank_topk below) instead of scoring every match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    arc_db_t *db;        /* for entity resolution */
    arc_status_t err;    /* first failure while building (message on db) */
    int id_param;        /* MODE_RANKIDS: the parameter taking the id */
    arc_plan_t **plans;  /* plans of SQL-only subtrees, whose strings the
                            bindings borrow */
    size_t n_plans;
    int64_t min_id;      /* > 0: only articles with id >= this (entity pages) */
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
    for (size_t i = 0; i < q->n_plans; i++) {
        Arc_plan_clear(q->plans[i]);
        free(q->plans[i]);
    }
    free(q->plans);
    memset(q, 0, sizeof *q);
}

static void
qbuild_init(qbuild_t *q, arc_db_t *db)
{
    memset(q, 0, sizeof *q);
    q->db = db;
}

/* Prepare the built statement; NULL with *st set on failure. */
static sqlite3_stmt *
qbuild_prepare(arc_db_t *db, qbuild_t *q, arc_status_t *st)
{
    sqlite3_stmt *s;

    if (q->err) {
        *st = q->err;
        return NULL;
    }
    if (q->failed || q->sql.failed) {
        *st = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        return NULL;
    }
    s = Arc_db_prepare(db, q->sql.data);
    if (!s) {
        *st = ARC_E_DB;
        return NULL;
    }
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].is_text)
            Arc_bind_text(s, (int)i + 1, q->v[i].t);
        else
            sqlite3_bind_int64(s, (int)i + 1, q->v[i].i);
    }
    *st = ARC_OK;
    return s;
}

/* ---- entities: names to ids ---- */

static const char *const kind_names[] = { "person", "place", "org" };

/* Levenshtein distance of a and b (ASCII case folded), capped at cap+1
 * (archive-private.h; the shard backend suggests names with it too). */
int
Arc_edit_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    int row[65], best;

    if (la > 64 || lb > 64)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)cap)
        return cap + 1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int ca = a[i - 1] >= 'A' && a[i - 1] <= 'Z' ? a[i - 1] + 32 : a[i - 1];
            int cb = b[j - 1] >= 'A' && b[j - 1] <= 'Z' ? b[j - 1] + 32 : b[j - 1];
            int v = diag + (ca != cb);
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (up + 1 < v)
                v = up + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb];
}

#define N_SUGGEST 3

/* Record "unknown KIND 'NAME'" on db with up to three close known names
 * (same prefix, or within a small edit distance). */
static arc_status_t
entity_unknown(arc_db_t *db, int kind, const char *name, int column)
{
    char best[N_SUGGEST][80];
    int dist[N_SUGGEST];
    char msg[400];
    sqlite3_stmt *st;
    size_t nlen = strlen(name);
    int cap = nlen < 4 ? 1 : nlen < 8 ? 2 : 3, k = 0, rc;
    const char *what = kind >= 0 && kind < 3 ? kind_names[kind] : "entity";

    for (int i = 0; i < N_SUGGEST; i++)
        dist[i] = 1 << 20;
    st = Arc_db_prepare(db, kind >= 0
        ? "SELECT alias FROM entity_alias WHERE kind = ?1"
        : "SELECT alias FROM entity_alias");
    if (st) {
        if (kind >= 0)
            sqlite3_bind_int(st, 1, kind);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *al = (const char *)sqlite3_column_text(st, 0);
            int d;
            if (!al)
                continue;
            if (nlen >= 2 && strncasecmp(al, name, nlen) == 0)
                d = 0;               /* the name is a prefix: best */
            else if ((d = Arc_edit_distance(name, al, cap)) > cap)
                continue;
            else
                d += 1;
            for (int i = 0; i < N_SUGGEST; i++) {
                if (dist[i] <= d && !(dist[i] == d && strcasecmp(al, best[i]) < 0))
                    continue;
                if (i < N_SUGGEST && strcasecmp(al, best[i]) == 0 && dist[i] < (1 << 20))
                    break;
                memmove(&best[i + 1], &best[i], sizeof best[0] * (size_t)(N_SUGGEST - 1 - i));
                memmove(&dist[i + 1], &dist[i], sizeof dist[0] * (size_t)(N_SUGGEST - 1 - i));
                snprintf(best[i], sizeof best[i], "%s", al);
                dist[i] = d;
                break;
            }
        }
        sqlite3_finalize(st);
    }
    for (int i = 0; i < N_SUGGEST; i++)
        if (dist[i] < (1 << 20))
            k++;
    if (k == 0)
        snprintf(msg, sizeof msg, "unknown %s '%.80s' (no similar name is known)", what, name);
    else
        snprintf(msg, sizeof msg, "unknown %s '%.80s'; did you mean %s%s%s%s%s?", what, name,
                 best[0], k > 1 ? ", " : "", k > 1 ? best[1] : "",
                 k > 2 ? ", " : "", k > 2 ? best[2] : "");
    if (column > 0)
        return Arc_db_error(db, ARC_E_BAD_QUERY, "query error at column %d: %s", column, msg);
    return Arc_db_error(db, ARC_E_NOT_FOUND, "%s", msg);
}

typedef struct idset {
    int64_t *v;
    size_t n, cap;
} idset_t;

static int
idset_add(idset_t *s, int64_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == id)
            return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        int64_t *p = realloc(s->v, cap * sizeof *p);
        if (!p)
            return -1;
        s->v = p;
        s->cap = cap;
    }
    s->v[s->n++] = id;
    return 0;
}

static int
has_table(arc_db_t *db, const char *name)
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

#define MAX_REDIRECT_HOPS 16

/*
 * The entity ids a name stands for: every entity of @p kind (-1 any) whose
 * name or alias it is, each followed through entity_redirect to the entity
 * it was merged into, plus every id merged into those (mentions may still
 * carry the old ids). *ids is malloc'd; n == 0 means unknown.
 */
static arc_status_t
entity_resolve(arc_db_t *db, int kind, const char *name, idset_t *out)
{
    idset_t found = { NULL, 0, 0 };
    sqlite3_stmt *st, *fwd = NULL, *back = NULL;
    int redirects = has_table(db, "entity_redirect"), rc;
    arc_status_t s = ARC_OK;

    memset(out, 0, sizeof *out);
    st = Arc_db_prepare(db, kind >= 0
        ? "SELECT entity_id FROM entity_alias WHERE kind = ?1 AND alias = ?2"
          " UNION SELECT id FROM entity WHERE name = ?2 COLLATE NOCASE AND +kind = ?1"
        : "SELECT entity_id FROM entity_alias WHERE alias = ?2"
          " UNION SELECT id FROM entity WHERE name = ?2 COLLATE NOCASE");
    if (!st)
        return ARC_E_DB;
    if (kind >= 0)
        sqlite3_bind_int(st, 1, kind);
    Arc_bind_text(st, 2, name);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (idset_add(&found, sqlite3_column_int64(st, 0)))
            rc = SQLITE_NOMEM;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(found.v);
        return rc == SQLITE_NOMEM ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                                  : Arc_db_sqlerr(db, "resolving an entity");
    }
    if (!redirects) {
        *out = found;
        return ARC_OK;
    }
    fwd = Arc_db_prepare(db, "SELECT to_id FROM entity_redirect WHERE from_id = ?1");
    back = Arc_db_prepare(db, "SELECT from_id FROM entity_redirect WHERE to_id = ?1");
    if (!fwd || !back) {
        s = ARC_E_DB;
        goto done;
    }
    /* forward: each found id to its final target */
    for (size_t i = 0; i < found.n && !s; i++) {
        int64_t id = found.v[i];
        for (int hop = 0; hop < MAX_REDIRECT_HOPS; hop++) {
            sqlite3_reset(fwd);
            sqlite3_bind_int64(fwd, 1, id);
            if (sqlite3_step(fwd) != SQLITE_ROW)
                break;
            id = sqlite3_column_int64(fwd, 0);
        }
        if (idset_add(out, id))
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    /* backward: every id merged into the targets (breadth first, bounded) */
    for (size_t i = 0; i < out->n && i < 4096 && !s; i++) {
        sqlite3_reset(back);
        sqlite3_bind_int64(back, 1, out->v[i]);
        while (!s && sqlite3_step(back) == SQLITE_ROW)
            if (idset_add(out, sqlite3_column_int64(back, 0)))
                s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
done:
    sqlite3_finalize(fwd);
    sqlite3_finalize(back);
    free(found.v);
    if (s) {
        free(out->v);
        memset(out, 0, sizeof *out);
    }
    return s;
}

/* Contract in newsarc.h. */
arc_status_t
arc_entity_find(arc_db_t *db, int kind, const char *name, arc_entity_ref_t *out)
{
    if (db->xap)
        return Arc_xap_entity_find(db, kind, name, out);
    idset_t ids;
    sqlite3_stmt *st;
    arc_status_t s;
    char *end;
    long long num;

    memset(out, 0, sizeof *out);
    if (!name || !*name)
        return Arc_db_error(db, ARC_E_BAD_ARG, "no entity name given");
    num = strtoll(name, &end, 10);
    if (*end == '\0' && num > 0) {
        int64_t live = num;

        memset(&ids, 0, sizeof ids);
        /* an id merged into another stands for it (issue 3, entity_admin.c) */
        if ((s = Arc_entity_final(db, num, &live)) && s != ARC_E_NOT_FOUND)
            return s;
        if (idset_add(&ids, s ? num : live))
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } else if ((s = entity_resolve(db, kind, name, &ids))) {
        return s;
    }
    if (ids.n == 0) {
        free(ids.v);
        return entity_unknown(db, kind, name, 0);
    }
    st = Arc_db_prepare(db, "SELECT id, kind, name FROM entity WHERE id = ?1");
    if (!st) {
        free(ids.v);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(st, 1, ids.v[0]);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->kind = (arc_entity_kind_t)sqlite3_column_int(st, 1);
        out->name = Arc_strdup((const char *)sqlite3_column_text(st, 2));
        s = out->name ? ARC_OK : Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    } else {
        s = Arc_db_error(db, ARC_E_NOT_FOUND, "no entity with id %lld", (long long)ids.v[0]);
    }
    sqlite3_finalize(st);
    free(ids.v);
    return s;
}

/* ---- the compiled query: fast part plus SQL-only conjuncts ---- */

/* Newest/oldest pages score their rows with arc_bm25 (rank.c) and cached
 * document frequencies, up to this many phrases; FTS5's rank would count
 * every row of every phrase first. */
#define MAX_SCORED_PHRASES 16

typedef struct cquery {
    const arc_qnode_t *root;  /* the query's tree (borrowed) */
    arc_plan_t plan;          /* FTS5 expression and top-level filters */
    const arc_qnode_t **sql;  /* conjuncts compiled to SQL conditions */
    size_t n_sql;
    int64_t min_id;           /* > 0: only articles with id >= this */
    int n_df;                 /* > 0: score rows with arc_bm25 and these */
    int64_t df[MAX_SCORED_PHRASES];
} cquery_t;

static void
cquery_clear(cquery_t *c)
{
    Arc_plan_clear(&c->plan);
    free(c->sql);
    memset(c, 0, sizeof *c);
}

static int
is_filter_field(const arc_qnode_t *n)
{
    return n->kind == ARC_QN_FIELD && strcmp(n->field, "title") != 0;
}

static int
has_filter_field(const arc_qnode_t *n)
{
    if (is_filter_field(n))
        return 1;
    for (size_t i = 0; i < n->n_kids; i++)
        if (has_filter_field(n->kids[i]))
            return 1;
    return 0;
}

typedef struct nodelist {
    const arc_qnode_t **v;
    size_t n, cap;
} nodelist_t;

static int
nodelist_push(nodelist_t *l, const arc_qnode_t *n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        const arc_qnode_t **p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return -1;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = n;
    return 0;
}

/* The conjuncts of n, nested ANDs spliced. */
static int
flatten_and(const arc_qnode_t *n, nodelist_t *out)
{
    if (n->kind == ARC_QN_AND) {
        for (size_t i = 0; i < n->n_kids; i++)
            if (flatten_and(n->kids[i], out))
                return -1;
        return 0;
    }
    return nodelist_push(out, n);
}

/* Plan the conjunction of items with query.c's planner (a temporary AND
 * node borrowing them). */
static arc_status_t
plan_items(const arc_qnode_t **items, size_t n, arc_plan_t *plan,
           arc_query_error_t *err)
{
    arc_qnode_t and_node;
    arc_query_t fake;

    memset(&and_node, 0, sizeof and_node);
    memset(&fake, 0, sizeof fake);
    if (n == 0) {
        memset(plan, 0, sizeof *plan);
        return ARC_OK;
    }
    if (n == 1) {
        fake.root = (arc_qnode_t *)items[0];
    } else {
        and_node.kind = ARC_QN_AND;
        and_node.kids = (arc_qnode_t **)items;
        and_node.n_kids = n;
        and_node.column = items[0]->column;
        fake.root = &and_node;
    }
    return Arc_query_plan(&fake, plan, err);
}

static arc_status_t
plan_error(arc_db_t *db, arc_status_t s, const arc_query_error_t *err)
{
    if (s == ARC_E_BAD_QUERY)
        return Arc_db_error(db, s, "query error at column %d: %s", err->column, err->message);
    return Arc_db_error(db, s, "planning the query: %s", arc_status_string(s));
}

/*
 * Split q's top-level conjunction: filter fields and full-text terms go to
 * query.c's planner; conjuncts with a field under OR or - become SQL
 * conditions; excluded full-text terms join them when no positive
 * full-text term is left to exclude them from.
 */
static arc_status_t
compile_query(arc_db_t *db, const arc_query_t *q, cquery_t *c)
{
    nodelist_t all = { NULL, 0, 0 }, fast = { NULL, 0, 0 }, sql = { NULL, 0, 0 };
    arc_query_error_t err;
    size_t n_pos = 0;
    arc_status_t s = ARC_OK;

    memset(c, 0, sizeof *c);
    memset(&err, 0, sizeof err);
    if (!q || !q->root)
        return ARC_OK;
    c->root = q->root;
    if (flatten_and(q->root, &all))
        goto nomem;
    for (size_t i = 0; i < all.n; i++)
        if (!has_filter_field(all.v[i]) && all.v[i]->kind != ARC_QN_NOT)
            n_pos++;
    for (size_t i = 0; i < all.n; i++) {
        const arc_qnode_t *n = all.v[i];
        int to_sql = (!is_filter_field(n) && has_filter_field(n))
                     || (n->kind == ARC_QN_NOT && n_pos == 0);
        if (nodelist_push(to_sql ? &sql : &fast, n))
            goto nomem;
    }
    s = plan_items(fast.v, fast.n, &c->plan, &err);
    if (s) {
        s = plan_error(db, s, &err);
        goto done;
    }
    c->sql = sql.v;
    c->n_sql = sql.n;
    sql.v = NULL;
    goto done;
nomem:
    s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
done:
    free(all.v);
    free(fast.v);
    free(sql.v);
    return s;
}

/* ---- shared filter clauses ---- */

enum { MODE_SEARCH, MODE_COUNT, MODE_IDS, MODE_RANKIDS };

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

static int64_t
id_after_time(int64_t until)
{
    return Arc_id_first_of_time(until - 1) + ((int64_t)1 << ARC_ID_SEQ_BITS);
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
        bind_int(q, id_after_time(r.until));
    }
}

/* Whether a time bound falls inside a day (needs the exact check). */
static int
partial_day(int64_t t)
{
    return t && t % 86400 != 0;
}

/* The exact time check on the article row for the partial end days. */
static void
add_time_check(qbuild_t *q, range_t r)
{
    if (partial_day(r.since)) {
        Arc_buf_add(&q->sql, " AND coalesce(a.published, a.first_seen) >= ");
        bind_int(q, r.since);
    }
    if (partial_day(r.until)) {
        Arc_buf_add(&q->sql, " AND coalesce(a.published, a.first_seen) < ");
        bind_int(q, r.until);
    }
}

/*
 * " AND a.source_id = ?" (or IN a list) for the sources named (name, site
 * or a subdomain of the site), resolved to ids first: with one id SQLite
 * walks the index article_source in id order and stops at the page,
 * which it cannot through an IN (SELECT ...) of the source table.
 */
static void
add_source_ids(qbuild_t *q, const char *const *names, size_t n)
{
    idset_t ids = { NULL, 0, 0 };
    sqlite3_stmt *st;

    if (q->err)
        return;
    st = Arc_db_prepare(q->db, "SELECT id FROM source WHERE name = ?1 OR site = ?1"
                               " OR substr('.' || site, -1 - length(?1)) = '.' || ?1");
    if (!st) {
        q->err = ARC_E_DB;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        Arc_bind_text(st, 1, names[i]);
        while (sqlite3_step(st) == SQLITE_ROW)
            if (idset_add(&ids, sqlite3_column_int64(st, 0)))
                q->failed = 1;
    }
    sqlite3_finalize(st);
    if (ids.n == 0) {
        Arc_buf_add(&q->sql, " AND 0");
    } else if (ids.n == 1) {
        Arc_buf_add(&q->sql, " AND a.source_id = ");
        bind_int(q, ids.v[0]);
    } else {
        Arc_buf_add(&q->sql, " AND a.source_id IN (");
        for (size_t i = 0; i < ids.n; i++) {
            if (i)
                Arc_buf_add(&q->sql, ", ");
            bind_int(q, ids.v[i]);
        }
        Arc_buf_add(&q->sql, ")");
    }
    free(ids.v);
}

/* " AND a.id IN (articles mentioning the entity)" with the name resolved;
 * the id range r (days) is applied inside too, so SQLite materialises the
 * entity's mentions of those days only, not all of them. With a source
 * filter (by_row) it is a probe per article instead (EXISTS): SQLite then
 * walks the source's articles newest first and stops at the page. */
static void
add_entity(qbuild_t *q, const arc_plan_entity_t *e, range_t r, int by_row)
{
    idset_t ids;
    arc_status_t s;

    if (q->err)
        return;
    if ((s = entity_resolve(q->db, (int)e->kind, e->name, &ids))) {
        q->err = s;
        return;
    }
    if (ids.n == 0) {
        /* a name known only as another kind (person:Moscow) matches
         * nothing; a name known as nothing is an error */
        free(ids.v);
        if ((s = entity_resolve(q->db, -1, e->name, &ids))) {
            q->err = s;
            return;
        }
        if (ids.n == 0)
            q->err = entity_unknown(q->db, (int)e->kind, e->name, e->column > 0 ? e->column : 1);
        else
            Arc_buf_add(&q->sql, " AND 0");
        free(ids.v);
        return;
    }
    Arc_buf_add(&q->sql, by_row ? " AND EXISTS (SELECT 1 FROM mention m WHERE m.article_id = a.id"
                                  " AND m.entity_id"
                                : " AND a.id IN (SELECT m.article_id FROM mention m WHERE m.entity_id");
    if (ids.n == 1) {
        Arc_buf_add(&q->sql, " = ");
        bind_int(q, ids.v[0]);
    } else {
        Arc_buf_add(&q->sql, " IN (");
        for (size_t i = 0; i < ids.n; i++) {
            if (i)
                Arc_buf_add(&q->sql, ", ");
            bind_int(q, ids.v[i]);
        }
        Arc_buf_add(&q->sql, ")");
    }
    if (!by_row)
        add_id_range(q, "m.article_id", r);
    if (q->min_id > 0 && !by_row) {
        Arc_buf_add(&q->sql, " AND m.article_id >= ");
        bind_int(q, q->min_id);
    }
    Arc_buf_add(&q->sql, ")");
    free(ids.v);
}

/* Filters on the article row `a` other than full text and dates; r the
 * id range already required of `a` (0, 0 when none). */
static void
add_record_filters(qbuild_t *q, const arc_plan_t *p, const arc_search_opts_t *o, range_t r)
{
    if (o && o->source)
        add_source_ids(q, &o->source, 1);
    if (p->n_sources)
        add_source_ids(q, (const char *const *)p->sources, p->n_sources);
    if (p->story) {
        Arc_buf_add(&q->sql, " AND a.story_id = ");
        bind_int(q, p->story);
    }
    if (p->lang) {
        Arc_buf_add(&q->sql, " AND a.lang LIKE ");
        bind_txt(q, p->lang);
        Arc_buf_add(&q->sql, " || '%'");
    }
    for (size_t i = 0; i < p->n_entities; i++)
        add_entity(q, &p->entities[i], r, (o && o->source) || p->n_sources);
}

/* SQLite's parser has a fixed stack too: conditions nested deeper than
 * this are refused (t054 checks the margin). */
#define SQL_MAX_DEPTH 22

/* An SQL condition on `a` equivalent to the query subtree n, which sits
 * `depth` conditions deep. */
static void
add_sql_node(qbuild_t *q, const arc_qnode_t *n, int depth)
{
    arc_query_error_t err;
    arc_plan_t *plan, **pl;
    arc_status_t s;

    if (q->err)
        return;
    if (depth > SQL_MAX_DEPTH) {
        q->err = Arc_db_error(q->db, ARC_E_BAD_QUERY, "query error at column %d: field terms"
                              " nested too deeply under OR or -; remove some parentheses",
                              n->column > 0 ? n->column : 1);
        return;
    }
    if (n->kind == ARC_QN_NOT) {
        Arc_buf_add(&q->sql, "NOT (");
        add_sql_node(q, n->kids[0], depth + 1);
        Arc_buf_add(&q->sql, ")");
        return;
    }
    if ((n->kind == ARC_QN_OR || n->kind == ARC_QN_AND) && has_filter_field(n)) {
        Arc_buf_add(&q->sql, "(");
        for (size_t i = 0; i < n->n_kids; i++) {
            if (i)
                Arc_buf_add(&q->sql, n->kind == ARC_QN_OR ? " OR " : " AND ");
            add_sql_node(q, n->kids[i], depth + 1);
        }
        Arc_buf_add(&q->sql, ")");
        return;
    }
    /* a leaf field term or a full-text subtree: plan it alone */
    memset(&err, 0, sizeof err);
    plan = calloc(1, sizeof *plan);
    pl = plan ? realloc(q->plans, (q->n_plans + 1) * sizeof *pl) : NULL;
    if (!pl) {
        free(plan);
        q->err = Arc_db_error(q->db, ARC_E_NOMEM, "out of memory");
        return;
    }
    q->plans = pl;
    s = plan_items(&n, 1, plan, &err);
    if (s) {
        free(plan);
        q->err = plan_error(q->db, s, &err);
        return;
    }
    pl[q->n_plans++] = plan;   /* kept until the statement is prepared */
    Arc_buf_add(&q->sql, "(1");
    if (plan->fts) {
        Arc_buf_add(&q->sql, " AND a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ");
        bind_txt(q, plan->fts);
        Arc_buf_add(&q->sql, ")");
    }
    if (plan->since || plan->until) {
        range_t r = { plan->since, plan->until };
        add_id_range(q, "a.id", r);
        add_time_check(q, r);
    }
    {
        range_t r = { plan->since, plan->until };
        add_record_filters(q, plan, NULL, r);
    }
    Arc_buf_add(&q->sql, ")");
}

static void
add_sql_conjuncts(qbuild_t *q, const cquery_t *c)
{
    for (size_t i = 0; i < c->n_sql; i++) {
        Arc_buf_add(&q->sql, " AND ");
        add_sql_node(q, c->sql[i], 1);
    }
}

/* Whether the WHERE clause needs the article row at all. */
static int
needs_record(const cquery_t *c, const arc_search_opts_t *o, range_t r)
{
    const arc_plan_t *p = &c->plan;
    return c->n_sql || (o && o->source) || p->n_sources || p->story || p->lang
           || p->n_entities || partial_day(r.since) || partial_day(r.until);
}

/* ---- cursor ---- */

typedef struct namelist {
    const char **v;
    size_t n, cap;
} namelist_t;

/* Story ids seen, for --collapse story (open addressing). */
typedef struct storyset {
    int64_t *v;
    size_t n, cap;
} storyset_t;

struct arc_cursor {
    arc_db_t *db;
    sqlite3_stmt *st;
    sqlite3_stmt *ent;      /* entities of one article, when wanted */
    int has_fts;
    arc_hit_t hit;
    namelist_t names[3];    /* persons, places, orgs (strings malloc'd) */
    cquery_t cq;            /* owns the strings bound into st */
    /* collapse story: limit/offset applied here */
    int collapse;
    storyset_t seen;
    int64_t skip, left;     /* offset still to skip; hits still to give (-1 = all) */
    /* bounded top-k: the chosen ids in order, rows read one by one */
    int64_t *ids;
    double *scores;
    size_t n_ids, next_id;
    int ranked;             /* rows come from ids[] */
    int id_param;
    arc_snippeter_t *snip;  /* snippets of full-text queries */
    int want_body;          /* summary and body are given with hits */
};

static int
storyset_add(storyset_t *s, int64_t id)
{
    size_t i;

    if (s->n * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        int64_t *v = calloc(cap, sizeof *v);
        if (!v)
            return -1;
        for (size_t k = 0; k < s->cap; k++) {
            if (!s->v[k])
                continue;
            for (i = (size_t)((uint64_t)s->v[k] * 0x9E3779B97F4A7C15ULL >> 7) & (cap - 1);
                 v[i]; i = (i + 1) & (cap - 1))
                ;
            v[i] = s->v[k];
        }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    for (i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 7) & (s->cap - 1);
         s->v[i]; i = (i + 1) & (s->cap - 1))
        if (s->v[i] == id)
            return 1;
    s->v[i] = id;
    s->n++;
    return 0;
}

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
    if (c && c->db && c->db->xap) {   /* a cursor of xapian.cc */
        Arc_xap_cursor_destroy(c);
        return;
    }
    if (!c)
        return;
    sqlite3_finalize(c->st);
    sqlite3_finalize(c->ent);
    for (int k = 0; k < 3; k++) {
        names_clear(&c->names[k]);
        free(c->names[k].v);
    }
    cquery_clear(&c->cq);
    free(c->seen.v);
    free(c->ids);
    free(c->scores);
    Arc_snippeter_free(c->snip);
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

/* Step the row statement; in top-k mode first bind the next chosen id.
 * Returns SQLITE_ROW, SQLITE_DONE or an error code. */
static int
step_row(arc_cursor_t *c)
{
    int rc;

    if (!c->ranked)
        return sqlite3_step(c->st);
    for (;;) {
        if (c->next_id >= c->n_ids)
            return SQLITE_DONE;
        sqlite3_reset(c->st);
        sqlite3_bind_int64(c->st, c->id_param, c->ids[c->next_id]);
        c->next_id++;
        rc = sqlite3_step(c->st);
        if (rc != SQLITE_DONE)   /* DONE: deleted meanwhile, take the next */
            return rc;
    }
}

arc_status_t
arc_cursor_next(arc_cursor_t *c, const arc_hit_t **out)
{
    if (c->db && c->db->xap)   /* a cursor of xapian.cc */
        return Arc_xap_cursor_next(c, out);
    int rc;
    arc_hit_t *h = &c->hit;

    *out = NULL;
    if (!c->st || c->left == 0)
        return ARC_OK;
    for (;;) {
        rc = step_row(c);
        if (rc == SQLITE_DONE) {
            sqlite3_finalize(c->st);
            c->st = NULL;
            return ARC_OK;
        }
        if (rc != SQLITE_ROW)
            return Arc_db_sqlerr(c->db, "searching");
        h->story = sqlite3_column_int64(c->st, 5);
        if (c->collapse && h->story) {
            int r = storyset_add(&c->seen, h->story);
            if (r < 0)
                return Arc_db_error(c->db, ARC_E_NOMEM, "out of memory");
            if (r)
                continue;      /* a better hit of this story came first */
        }
        if (c->skip > 0) {
            c->skip--;
            continue;
        }
        break;
    }
    if (c->left > 0)
        c->left--;
    h->id = sqlite3_column_int64(c->st, 0);
    h->url = (const char *)sqlite3_column_text(c->st, 1);
    h->source = (const char *)sqlite3_column_text(c->st, 2);
    h->title = (const char *)sqlite3_column_text(c->st, 3);
    h->published = sqlite3_column_type(c->st, 4) == SQLITE_NULL
                       ? ARC_TIME_NONE : sqlite3_column_int64(c->st, 4);
    h->snippet = (const char *)sqlite3_column_text(c->st, 6);
    h->score = c->ranked ? c->scores[c->next_id - 1] : sqlite3_column_double(c->st, 7);
    h->summary = (const char *)sqlite3_column_text(c->st, 8);
    h->body = (const char *)sqlite3_column_text(c->st, 9);
    h->lang = (const char *)sqlite3_column_text(c->st, 10);
    if (c->snip) {
        const char *cols[3];
        cols[0] = h->title;
        cols[1] = h->summary;
        cols[2] = h->body;
        if (!(h->snippet = Arc_snippeter_make(c->snip, cols)))
            return Arc_db_error(c->db, ARC_E_NOMEM, "out of memory");
        if (!c->want_body)
            h->summary = h->body = NULL;
    }
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
    c->left = -1;
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

/* The selected columns of a hit row (see arc_cursor_next). A query with
 * full-text terms gets its snippets from snippet.c, which reads the
 * title, summary and body of the row (columns 3, 8 and 9). */
static void
add_hit_columns(qbuild_t *q, const cquery_t *c, const arc_search_opts_t *o, int fts,
                int ranked, int own_snippet)
{
    Arc_buf_add(&q->sql, "SELECT a.id, a.url, s.name, a.title, a.published, a.story_id, ");
    if (o && o->want_snippet && !own_snippet)
        Arc_buf_add(&q->sql, "substr(coalesce(a.summary, arc_body(a.body, a.id, 800)), 1, 200)");
    else
        Arc_buf_add(&q->sql, "NULL");
    if (fts && !ranked && c->n_df > 0) {
        Arc_buf_add(&q->sql, ", arc_bm25(article_fts, ");
        bind_int(q, c->n_df);
        for (int i = 0; i < c->n_df; i++) {
            Arc_buf_add(&q->sql, ", ");
            bind_int(q, c->df[i]);
        }
        Arc_buf_add(&q->sql, ")");
    } else {
        Arc_buf_add(&q->sql, fts && !ranked ? ", -article_fts.rank" : ", 0.0");
    }
    if ((o && o->want_body) || own_snippet)
        Arc_buf_add(&q->sql, ", a.summary, arc_body(a.body, a.id)");
    else
        Arc_buf_add(&q->sql, ", NULL, NULL");
    Arc_buf_add(&q->sql, o && o->want_body ? ", a.lang" : ", NULL");
}

/*
 * Build the SELECT for a mode:
 *  MODE_SEARCH  hit rows in the asked order, limit/offset applied unless
 *               the cursor collapses stories
 *  MODE_COUNT   count(*)
 *  MODE_IDS     one column, the ids (for Arc_search_prepare_ids)
 *  MODE_RANKIDS the hit row of one id (parameter q->id_param), with the
 *               snippet against the query
 */
static void
build_search(qbuild_t *q, const cquery_t *c, const arc_search_opts_t *o, int mode)
{
    const arc_plan_t *p = &c->plan;
    range_t r = effective_range(p, o);
    int fts = p->fts != NULL;
    int rec = needs_record(c, o, r);
    int own_snippet = fts && o && o->want_snippet;

    /* the chosen ids satisfy the query already, and snippets are made
     * from the row (snippet.c): the full-text index is not needed again */
    if (mode == MODE_RANKIDS)
        fts = 0;
    if (mode == MODE_COUNT) {
        Arc_buf_add(&q->sql, fts && !rec ? "SELECT count(*) FROM article_fts"
                                         : "SELECT count(*)");
    } else if (mode == MODE_IDS) {
        Arc_buf_add(&q->sql, fts && !rec ? "SELECT article_fts.rowid AS id FROM article_fts"
                                         : "SELECT a.id AS id");
    } else {
        add_hit_columns(q, c, o, fts, mode == MODE_RANKIDS, own_snippet);
    }
    if ((mode == MODE_COUNT || mode == MODE_IDS) && fts && !rec) {
        /* the index alone answers: no row of `article` is read */
    } else if (fts) {
        Arc_buf_add(&q->sql, " FROM article_fts JOIN article a ON a.id = article_fts.rowid");
    } else {
        Arc_buf_add(&q->sql, " FROM article a");
    }
    if (mode == MODE_SEARCH || mode == MODE_RANKIDS)
        Arc_buf_add(&q->sql, " LEFT JOIN source s ON s.id = a.source_id");
    Arc_buf_add(&q->sql, " WHERE 1");
    if (mode == MODE_RANKIDS) {
        Arc_buf_add(&q->sql, fts ? " AND article_fts.rowid = " : " AND a.id = ");
        q->id_param = (int)q->n + 1;   /* bound per row by step_row */
        bind_int(q, 0);
        if (fts) {
            Arc_buf_add(&q->sql, " AND article_fts MATCH ");
            bind_txt(q, p->fts);
        }
        return;
    }
    if (fts) {
        Arc_buf_add(&q->sql, " AND article_fts MATCH ");
        bind_txt(q, p->fts);
        add_id_range(q, "article_fts.rowid", r);
    } else {
        add_id_range(q, "a.id", r);
    }
    q->min_id = c->min_id;
    if (c->min_id > 0) {
        Arc_buf_add(&q->sql, fts ? " AND article_fts.rowid >= " : " AND a.id >= ");
        bind_int(q, c->min_id);
    }
    if (rec || mode == MODE_SEARCH) {
        add_time_check(q, r);
        add_record_filters(q, p, o, r);
        add_sql_conjuncts(q, c);
    }
    if (mode != MODE_SEARCH)
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
    if (o && !o->collapse_story && (o->limit > 0 || o->offset > 0)) {
        Arc_buf_add(&q->sql, " LIMIT ");
        bind_int(q, o->limit > 0 ? o->limit : -1);
        Arc_buf_add(&q->sql, " OFFSET ");
        bind_int(q, o->offset > 0 ? o->offset : 0);
    }
}

/* ---- relevance order: the bounded top-k of rank.c ---- */

#define RANK_MAX_K 200   /* deeper pages use the exact order */

static int
rank_bounded_applies(const arc_search_opts_t *o)
{
    return o && o->sort == ARC_SORT_RELEVANCE && !o->exact_rank && !o->collapse_story
           && o->limit > 0 && o->offset >= 0 && o->limit + o->offset <= RANK_MAX_K;
}

/* Collect the positive full-text leaves of n (not under NOT). */
static int
positive_leaves(const arc_qnode_t *n, nodelist_t *out)
{
    if (n->kind == ARC_QN_NOT || is_filter_field(n))
        return 0;
    if (n->kind == ARC_QN_AND || n->kind == ARC_QN_OR) {
        for (size_t i = 0; i < n->n_kids; i++)
            if (positive_leaves(n->kids[i], out))
                return -1;
        return 0;
    }
    return nodelist_push(out, n);
}

/* The FTS5 expressions of the query's positive full-text terms
 * (malloc'd array of malloc'd strings). With more than max terms: the
 * first max when truncate, else none. *n = 0 and NULL when there are none
 * or memory ran out. */
static char **
leaf_terms(const cquery_t *c, size_t max, int truncate, size_t *n)
{
    nodelist_t leaves = { NULL, 0, 0 };
    char **v = NULL;

    *n = 0;
    if (!c->root || positive_leaves(c->root, &leaves) || leaves.n == 0
        || (leaves.n > max && !truncate)) {
        free(leaves.v);
        return NULL;
    }
    if (leaves.n > max)
        leaves.n = max;
    if (!(v = calloc(leaves.n, sizeof *v))) {
        free(leaves.v);
        return NULL;
    }
    for (size_t i = 0; i < leaves.n; i++) {
        arc_plan_t p;
        arc_query_error_t err;
        if (plan_items(&leaves.v[i], 1, &p, &err) == ARC_OK && p.fts) {
            v[(*n)++] = p.fts;
            p.fts = NULL;
        }
        Arc_plan_clear(&p);
    }
    free(leaves.v);
    return v;
}

/* The terms for the lead tier of the bounded top-k (none past 32: the
 * tier then uses the whole query). */
static char **
positive_terms(const cquery_t *c, size_t *n)
{
    return leaf_terms(c, 32, 0, n);
}

/* The terms marked in snippets (the first 256). */
static char **
snippet_terms(const cquery_t *c, size_t *n)
{
    return leaf_terms(c, 256, 1, n);
}

static void
terms_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The ids of the page asked for, best first, or *ranked = 0 when the
 * query needs the exact path (filters on the article row). */
static arc_status_t
rank_topk(arc_db_t *db, const cquery_t *c, const arc_search_opts_t *o,
          int *ranked, int64_t **ids, double **scores, size_t *n)
{
    range_t r = effective_range(&c->plan, o);
    int64_t lo, hi;
    size_t off = (size_t)o->offset;
    arc_rank_info_t info;
    char **terms;
    size_t n_terms;
    arc_status_t s;

    *ranked = 0;
    if (needs_record(c, o, r))
        return ARC_OK;
    lo = r.since ? Arc_id_first_of_time(r.since) : 0;
    hi = r.until ? id_after_time(r.until) : 0;
    terms = positive_terms(c, &n_terms);
    s = Arc_rank_topk(db, c->plan.fts, (const char *const *)terms, n_terms, lo, hi,
                      (size_t)(o->limit + o->offset), ids, scores, n, &info);
    terms_free(terms, n_terms);
    if (s)
        return s;
    *ranked = 1;
    if (off >= *n) {
        *n = 0;
    } else if (off) {
        memmove(*ids, *ids + off, (*n - off) * sizeof **ids);
        memmove(*scores, *scores + off, (*n - off) * sizeof **scores);
        *n -= off;
    }
    return ARC_OK;
}

/* ---- newest pages of a busy entity ---- */

#define ENTITY_CUT 400    /* mentions materialised for a page */
#define ENTITY_BIG 3000   /* fewer mentions in the range: materialise all */

/*
 * A page of newest articles filtered by an entity (no words) reads the
 * entity's mentions through `a.id IN (SELECT ... FROM mention ...)`, which
 * SQLite materialises whole before the first row: for a person in a
 * quarter of a million articles, ~50 ms. Instead take the id of the
 * entity's ENTITY_CUT-th newest mention (a short walk down its key) as a
 * lower bound on the ids: if the page fills within it, it is the same
 * page (every article at or above the bound was considered, every other
 * is older); else the bound is dropped. Sets c->min_id.
 */
static arc_status_t
entity_page_cut(arc_db_t *db, cquery_t *c, const arc_search_opts_t *o)
{
    const arc_plan_t *p = &c->plan;
    range_t r = effective_range(p, o);
    int64_t cut = 0, want, have = 0, hi, lo;
    idset_t ids;
    sqlite3_stmt *st;
    qbuild_t qb;
    arc_status_t s;

    c->min_id = 0;
    if (!o || p->fts || p->n_entities == 0 || c->n_sql || o->collapse_story || o->limit <= 0
        || o->source || p->n_sources
        || o->offset < 0 || o->limit + o->offset > RANK_MAX_K
        || (o->sort != ARC_SORT_NEWEST && o->sort != ARC_SORT_RELEVANCE))
        return ARC_OK;
    want = o->limit + o->offset;
    if ((s = entity_resolve(db, (int)p->entities[0].kind, p->entities[0].name, &ids)))
        return s;
    /* "+article_id": walk the key (entity_id, article_id) down from hi;
     * the index on article_id alone would walk every entity's mentions */
    st = Arc_db_prepare(db, "SELECT article_id FROM mention WHERE entity_id = ?1"
                            " AND +article_id < ?2 ORDER BY article_id DESC LIMIT 1 OFFSET ?3");
    hi = r.until ? id_after_time(r.until) : INT64_MAX;
    lo = r.since ? Arc_id_first_of_time(r.since) : 0;
    /* only an entity with more than ENTITY_BIG mentions in the range is
     * worth the extra statement */
    for (int pass = 0; pass < 2 && st; pass++) {
        int64_t k = pass ? ENTITY_CUT : ENTITY_BIG, found = 0;
        for (size_t i = 0; i < ids.n; i++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, ids.v[i]);
            sqlite3_bind_int64(st, 2, hi);
            sqlite3_bind_int64(st, 3, k - 1);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) >= lo) {
                found = 1;
                if (pass && sqlite3_column_int64(st, 0) > cut)
                    cut = sqlite3_column_int64(st, 0);
            }
        }
        if (!found)
            break;
    }
    sqlite3_finalize(st);
    free(ids.v);
    if (!st)
        return ARC_E_DB;
    if (cut <= lo)
        return ARC_OK;          /* few mentions: materialising them is cheap */
    /* does the page fill above the cut? */
    c->min_id = cut;
    qbuild_init(&qb, db);
    Arc_buf_add(&qb.sql, "SELECT count(*) FROM (");
    build_search(&qb, c, o, MODE_IDS);
    Arc_buf_add(&qb.sql, " LIMIT ");
    bind_int(&qb, want);
    Arc_buf_add(&qb.sql, ")");
    st = qbuild_prepare(db, &qb, &s);
    qbuild_free(&qb);
    if (!st) {
        c->min_id = 0;
        return s;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (have < want)
        c->min_id = 0;
    return ARC_OK;
}

/* A newest/oldest page of one phrase through the pair lists of
 * rank_phrase.c (its every match is known, rows are then read by id);
 * *ranked = 0 when they do not apply. */
static arc_status_t
phrase_page(arc_db_t *db, const cquery_t *c, const arc_search_opts_t *o, int *ranked,
            int64_t **ids, double **scores, size_t *n)
{
    range_t r = effective_range(&c->plan, o);
    size_t off = (size_t)o->offset, want = (size_t)o->limit;
    int more = 0, used = 0, newest = o->sort == ARC_SORT_NEWEST;
    arc_status_t s;

    *ranked = 0;
    if (needs_record(c, o, r) || c->n_df != 1)
        return ARC_OK;
    s = Arc_phrase_pairs_scan(db, c->plan.fts, r.since ? Arc_id_first_of_time(r.since) : 0,
                              r.until ? id_after_time(r.until) : 0, (double)c->df[0],
                              newest ? (int64_t)(off + want) : INT64_MAX,
                              (int64_t)(off + want), ids, scores, n, &more, &used);
    if (s || !used)
        return s;
    *ranked = 1;
    for (size_t i = 0; !newest && i < *n / 2; i++) {   /* oldest first */
        int64_t t = (*ids)[i];
        double d = (*scores)[i];
        (*ids)[i] = (*ids)[*n - 1 - i];
        (*scores)[i] = (*scores)[*n - 1 - i];
        (*ids)[*n - 1 - i] = t;
        (*scores)[*n - 1 - i] = d;
    }
    if (off >= *n)
        *n = 0;
    else if (off) {
        memmove(*ids, *ids + off, (*n - off) * sizeof **ids);
        memmove(*scores, *scores + off, (*n - off) * sizeof **scores);
        *n -= off;
    }
    if (*n > want)
        *n = want;
    return ARC_OK;
}

arc_status_t
arc_search(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *opts,
           arc_cursor_t **out)
{
    if (db->xap)
        return Arc_xap_search(db, q, opts, out);
    arc_cursor_t *c = NULL;
    qbuild_t qb;
    arc_status_t s;
    int mode = MODE_SEARCH;

    *out = NULL;
    qbuild_init(&qb, db);
    if ((s = cursor_new(db, opts && opts->want_entities, &c)))
        return s;
    if ((s = compile_query(db, q, &c->cq)))
        goto fail;
    c->has_fts = c->cq.plan.fts != NULL;
    c->want_body = opts && opts->want_body;
    if (c->has_fts && opts && opts->want_snippet) {
        size_t n_terms;
        char **terms = snippet_terms(&c->cq, &n_terms);
        s = Arc_snippeter_new(db, (const char *const *)terms, n_terms, opts->mark_open,
                            opts->mark_close, &c->snip);
        terms_free(terms, n_terms);
        if (s)
            goto fail;
    }
    if (opts && opts->collapse_story) {
        c->collapse = 1;
        c->skip = opts->offset > 0 ? opts->offset : 0;
        c->left = opts->limit > 0 ? opts->limit : -1;
    }
    if (c->has_fts && opts && opts->sort != ARC_SORT_RELEVANCE) {
        double df[MAX_SCORED_PHRASES];
        int n_df = 0;
        if ((s = Arc_rank_phrase_dfs(db, c->cq.plan.fts, MAX_SCORED_PHRASES, &n_df, df)))
            goto fail;
        for (int i = 0; i < n_df; i++)
            c->cq.df[i] = (int64_t)(df[i] + 0.5);
        c->cq.n_df = n_df;
        /* one phrase of frequent words: its pair lists (rank_phrase.c) */
        if (!opts->collapse_story && opts->limit > 0 && opts->offset >= 0
            && opts->limit + opts->offset <= RANK_MAX_K) {
            if ((s = phrase_page(db, &c->cq, opts, &c->ranked, &c->ids, &c->scores, &c->n_ids)))
                goto fail;
            if (c->ranked)
                mode = MODE_RANKIDS;
        }
    }
    if (!c->has_fts && (s = entity_page_cut(db, &c->cq, opts)))
        goto fail;
    if (c->has_fts && rank_bounded_applies(opts)) {
        if ((s = rank_topk(db, &c->cq, opts, &c->ranked, &c->ids, &c->scores, &c->n_ids)))
            goto fail;
        if (c->ranked)
            mode = MODE_RANKIDS;
    }
    build_search(&qb, &c->cq, opts, mode);
    c->st = qbuild_prepare(db, &qb, &s);
    if (!c->st)
        goto fail;
    c->id_param = qb.id_param;
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
    if (db->xap)
        return Arc_xap_search_count(db, q, opts, count);
    cquery_t cq;
    qbuild_t qb;
    sqlite3_stmt *st;
    arc_status_t s;
    int rc;

    *count = 0;
    qbuild_init(&qb, db);
    if ((s = compile_query(db, q, &cq)))
        return s;
    /* one phrase of frequent words: counted through its pair lists
     * (rank_phrase.c; exact, else they decline and FTS5 counts) */
    if (cq.plan.fts && cq.plan.fts[0] == '"' && strchr(cq.plan.fts + 1, '"')
        && !strchr(cq.plan.fts + 1, '"')[1] && strchr(cq.plan.fts, ' ')
        && !needs_record(&cq, opts, effective_range(&cq.plan, opts))) {
        range_t r = effective_range(&cq.plan, opts);
        int64_t *pid = NULL;
        double *ps = NULL, pdf = 1.0;
        size_t pn = 0;
        int n_pdf = 0, pmore = 0, pused = 0;
        if (!(s = Arc_rank_phrase_dfs(db, cq.plan.fts, 1, &n_pdf, &pdf)))
            s = Arc_phrase_pairs_scan(db, cq.plan.fts, r.since ? Arc_id_first_of_time(r.since) : 0,
                                      r.until ? id_after_time(r.until) : 0, 1.0, INT64_MAX, 0,
                                      &pid, &ps, &pn, &pmore, &pused);
        free(pid);
        free(ps);
        if (s || pused) {
            *count = s ? 0 : (int64_t)pn;
            cquery_clear(&cq);
            return s;
        }
    }
    build_search(&qb, &cq, opts, MODE_COUNT);
    st = qbuild_prepare(db, &qb, &s);
    qbuild_free(&qb);
    if (!st) {
        cquery_clear(&cq);
        return s;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        s = Arc_db_sqlerr(db, "counting");
    sqlite3_finalize(st);
    cquery_clear(&cq);
    return s;
}

/* Contract in archive-private.h. */
sqlite3_stmt *
Arc_search_prepare_ids(arc_db_t *db, const arc_query_t *q, const arc_search_opts_t *o,
                       const char *head, const char *tail, arc_status_t *st)
{
    cquery_t cq;
    qbuild_t qb;
    sqlite3_stmt *s;

    qbuild_init(&qb, db);
    if ((*st = compile_query(db, q, &cq)))
        return NULL;
    Arc_buf_add(&qb.sql, head);
    Arc_buf_add(&qb.sql, " (");
    build_search(&qb, &cq, o, MODE_IDS);
    Arc_buf_add(&qb.sql, ") ");
    Arc_buf_add(&qb.sql, tail);
    s = qbuild_prepare(db, &qb, st);
    qbuild_free(&qb);
    cquery_clear(&cq);
    return s;
}

arc_status_t
arc_story_articles(arc_db_t *db, int64_t story, arc_cursor_t **out)
{
    ARC_NO_SHARDS(db);
    arc_cursor_t *c;
    arc_status_t s;

    *out = NULL;
    if ((s = cursor_new(db, 1, &c)))
        return s;
    c->st = Arc_db_prepare(db,
        "SELECT a.id, a.url, s.name, a.title, a.published, a.story_id,"
        " substr(coalesce(a.summary, arc_body(a.body, a.id, 800)), 1, 200), 0.0, NULL, NULL, NULL"
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
    cquery_t cq;
};

arc_status_t
arc_timeline_open(arc_db_t *db, const arc_query_t *q, int64_t story,
                  const arc_search_opts_t *o, arc_timeline_t **out)
{
    if (db->xap)
        return Arc_xap_timeline_open(db, q, story, o, out);
    arc_timeline_t *t = calloc(1, sizeof *t);
    qbuild_t qb;
    range_t r;
    arc_status_t s;

    *out = NULL;
    qbuild_init(&qb, db);
    if (!t)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    t->db = db;
    if ((s = compile_query(db, q, &t->cq)))
        goto fail;
    /* a date: term or --since/--until bound the events' dates, not the
     * articles' publication dates */
    r = effective_range(&t->cq.plan, o);
    Arc_buf_add(&qb.sql,
        "SELECT ev.date, ev.granularity, ev.text, ev.from_published, a.id, s.name,"
        " a.url, a.title, ev.start, ev.end, a.story_id"
        " FROM event ev JOIN article a ON a.id = ev.article_id"
        " LEFT JOIN source s ON s.id = a.source_id WHERE 1");
    if (t->cq.plan.fts) {
        Arc_buf_add(&qb.sql, " AND a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ");
        bind_txt(&qb, t->cq.plan.fts);
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
    {
        range_t none = { 0, 0 };   /* the dates bound events, not articles */
        add_record_filters(&qb, &t->cq.plan, o, none);
    }
    add_sql_conjuncts(&qb, &t->cq);
    Arc_buf_add(&qb.sql, " ORDER BY ev.date, a.id, ev.start");
    if (o && (o->limit > 0 || o->offset > 0)) {
        Arc_buf_add(&qb.sql, " LIMIT ");
        bind_int(&qb, o->limit > 0 ? o->limit : -1);
        Arc_buf_add(&qb.sql, " OFFSET ");
        bind_int(&qb, o->offset > 0 ? o->offset : 0);
    }
    t->st = qbuild_prepare(db, &qb, &s);
    qbuild_free(&qb);
    if (!t->st)
        goto fail;
    *out = t;
    return ARC_OK;
fail:
    qbuild_free(&qb);
    arc_timeline_destroy(t);
    return s;
}

/*
 * The next row of a timeline statement whose columns are, in order: date,
 * granularity, text, from_published, article, source, url, title, start,
 * end, story. On ARC_OK *out is the entry (borrowed from *st's row, valid
 * until the next step) or NULL at the end, when *st is finalized and
 * cleared. Shared by story/query timelines and entity timelines.
 */
arc_status_t
Arc_timeline_step(arc_db_t *db, sqlite3_stmt **st, arc_timeline_entry_t *e,
                  const arc_timeline_entry_t **out)
{
    sqlite3_stmt *s = *st;
    int rc;

    *out = NULL;
    if (!s)
        return ARC_OK;
    rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(s);
        *st = NULL;
        return ARC_OK;
    }
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(db, "reading the timeline");
    e->date = sqlite3_column_int64(s, 0);
    e->granularity = (arc_granularity_t)sqlite3_column_int(s, 1);
    e->text = (const char *)sqlite3_column_text(s, 2);
    e->from_published = sqlite3_column_int(s, 3);
    e->article = sqlite3_column_int64(s, 4);
    e->source = (const char *)sqlite3_column_text(s, 5);
    e->url = (const char *)sqlite3_column_text(s, 6);
    e->title = (const char *)sqlite3_column_text(s, 7);
    e->start = sqlite3_column_int(s, 8);
    e->end = sqlite3_column_int(s, 9);
    e->story = sqlite3_column_int64(s, 10);
    *out = e;
    return ARC_OK;
}

arc_status_t
arc_timeline_next(arc_timeline_t *t, const arc_timeline_entry_t **out)
{
    if (t->db && t->db->xap)   /* a timeline of xapian.cc */
        return Arc_xap_timeline_next(t, out);
    return Arc_timeline_step(t->db, &t->st, &t->e, out);
}

void
arc_timeline_destroy(arc_timeline_t *t)
{
    if (t && t->db && t->db->xap) {   /* a timeline of xapian.cc */
        Arc_xap_timeline_destroy(t);
        return;
    }
    if (!t)
        return;
    sqlite3_finalize(t->st);
    cquery_clear(&t->cq);
    free(t);
}
