/*
 * rank.c - bounded top-k relevance ranking (the design is in
 * docs/ranking.md).
 *
 * FTS5's built-in bm25() is exact but costs work for every match: it
 * decodes each matching row's positions and, once per statement, counts
 * every row of every phrase to get its IDF. For a word in a third of a
 * million articles that is hundreds of milliseconds for a top 20.
 *
 * This file bounds both:
 *  - arc_bm25(), an FTS5 auxiliary function registered on the connection,
 *    computes the same formula as bm25(10, 3, 1) but takes each phrase's
 *    document frequency as an argument, counted from at most DF_CAP rows
 *    without reading positions (exact below that; above it, extrapolated
 *    over the id range, which follows time);
 *  - Arc_rank_topk() scores at most `budget` matching rows: all of them
 *    when there are that few (exact order), else the newest rows of the
 *    lead tier first -- matches whose words also occur in the title or
 *    summary, where BM25's column weights put nearly every top result --
 *    and then, only if that tier is short of k, the newest other matches.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

#define BM25_K1 1.2
#define BM25_B 0.75
#define DF_CAP 5000                /* rows counted per phrase for its IDF */
#define RANK_BUDGET_DEFAULT 8000   /* matching rows scored per query */
#define RANK_SMALL (rank_budget / 4) /* up to this many matches, FTS5's own
                                      ORDER BY rank is the cheaper exact path */

static const double col_weight[] = { 10.0, 3.0, 1.0 }; /* title, summary, body */

static int64_t rank_budget = RANK_BUDGET_DEFAULT;

/* Contract in archive-private.h. */
void
Arc_rank_set_budget(int64_t budget)
{
    rank_budget = budget > 0 ? budget : RANK_BUDGET_DEFAULT;
}

/* ---- the auxiliary function ---- */

typedef struct bm25_data {
    int n_phrase;        /* phrases scored (the first n of the expression) */
    double avgdl;
    double *idf;
} bm25_data_t;

static void
bm25_data_free(void *p)
{
    bm25_data_t *d = p;

    if (d) {
        free(d->idf);
        free(d);
    }
}

/*
 * arc_bm25(article_fts, n, df_1, ..., df_n): BM25 of the current row over
 * the expression's first n phrases (the lead tier appends column-filtered
 * terms that must not count), higher is better, with df_i the (estimated)
 * number of rows holding phrase i. The same formula as FTS5's
 * bm25(10, 3, 1): idf = ln((N - df + 0.5) / (df + 0.5)), at least 1e-6;
 * score = sum idf * f (k1 + 1) / (f + k1 (1 - b + b |D| / avgdl)), f the
 * phrase's column-weighted frequency in the row.
 */
static void
bm25_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
        int n_val, sqlite3_value **val)
{
    bm25_data_t *d = api->xGetAuxdata(fts, 0);
    double score = 0.0, dl, freq[64];
    int n_inst = 0, rc = SQLITE_OK, tokens = 0;

    if (!d) {
        sqlite3_int64 n_row = 0, n_tok = 0;
        int n = n_val > 0 ? sqlite3_value_int(val[0]) : 0;
        int total = api->xPhraseCount(fts);

        if (n <= 0 || n > total)
            n = total;
        if (n > 64)
            n = 64;
        d = calloc(1, sizeof *d);
        if (!d || !(d->idf = calloc((size_t)(n > 0 ? n : 1), sizeof *d->idf))) {
            free(d);
            sqlite3_result_error_nomem(ctx);
            return;
        }
        d->n_phrase = n;
        rc = api->xRowCount(fts, &n_row);
        if (rc == SQLITE_OK)
            rc = api->xColumnTotalSize(fts, -1, &n_tok);
        d->avgdl = n_row > 0 ? (double)n_tok / (double)n_row : 1.0;
        for (int i = 0; i < n; i++) {
            double df = 1 + i < n_val ? sqlite3_value_double(val[1 + i]) : 1.0;
            if (df > (double)n_row)
                df = (double)n_row;
            d->idf[i] = log(((double)n_row - df + 0.5) / (df + 0.5));
            if (d->idf[i] <= 0.0)
                d->idf[i] = 1e-6;
        }
        if (rc == SQLITE_OK)
            rc = api->xSetAuxdata(fts, d, bm25_data_free);
        else
            bm25_data_free(d);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    memset(freq, 0, sizeof freq);
    rc = api->xInstCount(fts, &n_inst);
    for (int i = 0; i < n_inst && rc == SQLITE_OK; i++) {
        int ip, ic, io;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc == SQLITE_OK && ip < d->n_phrase && ic >= 0 && ic < 3)
            freq[ip] += col_weight[ic];
    }
    if (rc == SQLITE_OK)
        rc = api->xColumnSize(fts, -1, &tokens);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    dl = (double)tokens;
    for (int i = 0; i < d->n_phrase; i++)
        score += d->idf[i] * (freq[i] * (BM25_K1 + 1.0))
                 / (freq[i] + BM25_K1 * (1.0 - BM25_B + BM25_B * dl / d->avgdl));
    sqlite3_result_double(ctx, score);
}

/* Register arc_bm25 on the connection unless it already knows it. */
static arc_status_t
register_fn(arc_db_t *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db->sql, "SELECT arc_bm25(article_fts) FROM article_fts LIMIT 0",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_finalize(st);
        return ARC_OK;
    }
    if (sqlite3_prepare_v2(db->sql, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "finding the FTS5 API");
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2)
        return Arc_db_error(db, ARC_E_DB, "the FTS5 API is not available");
    rc = api->xCreateFunction(api, "arc_bm25", NULL, bm25_fn, NULL);
    if (rc != SQLITE_OK)
        return Arc_db_sqlerr(db, "registering arc_bm25");
    return ARC_OK;
}

/* ---- top-k ---- */

typedef struct heap {
    int64_t *id;
    double *s;
    size_t n, k;
} heap_t;

/* Min-heap on (score, then older id first out): the root is the worst. */
static int
worse(const heap_t *h, size_t a, size_t b)
{
    if (h->s[a] != h->s[b])
        return h->s[a] < h->s[b];
    return h->id[a] < h->id[b];
}

static void
heap_swap(heap_t *h, size_t a, size_t b)
{
    int64_t ti = h->id[a];
    double ts = h->s[a];
    h->id[a] = h->id[b]; h->s[a] = h->s[b];
    h->id[b] = ti; h->s[b] = ts;
}

static void
heap_down(heap_t *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && worse(h, l, m)) m = l;
        if (r < h->n && worse(h, r, m)) m = r;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

static void
heap_offer(heap_t *h, int64_t id, double s)
{
    if (h->n < h->k) {
        size_t i = h->n++;
        h->id[i] = id;
        h->s[i] = s;
        while (i && worse(h, i, (i - 1) / 2)) {
            heap_swap(h, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
        return;
    }
    if (s < h->s[0] || (s == h->s[0] && id < h->id[0]))
        return;
    h->id[0] = id;
    h->s[0] = s;
    heap_down(h, 0);
}

static int
heap_has(const heap_t *h, int64_t id)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->id[i] == id)
            return 1;
    return 0;
}

static void
sort_best_first(heap_t *h)
{
    /* insertion sort: k is small (at most a few hundred) */
    for (size_t i = 1; i < h->n; i++) {
        for (size_t j = i; j > 0 && worse(h, j - 1, j); j--)
            heap_swap(h, j - 1, j);
    }
}

/* Phrases of a compiled expression and their document frequencies. */
typedef struct phrases {
    int n;
    double df[64];
} phrases_t;

/* Scan `expr` newest first within [lo, hi) scoring its first ph->n
 * phrases for at most *left rows into h. Returns an SQLite code. */
static int
scan(arc_db_t *db, const char *expr, const phrases_t *ph, int64_t lo, int64_t hi,
     int64_t *left, heap_t *h, int skip_dups)
{
    arc_buf_t sql = { NULL, 0, 0, 0 };
    sqlite3_stmt *st = NULL;
    char num[24];
    int rc;

    Arc_buf_add(&sql, "SELECT rowid, arc_bm25(article_fts, ?1");
    for (int i = 0; i < ph->n; i++) {
        snprintf(num, sizeof num, ", ?%d", 5 + i);
        Arc_buf_add(&sql, num);
    }
    Arc_buf_add(&sql, ") FROM article_fts WHERE article_fts MATCH ?2"
                      " AND rowid >= ?3 AND rowid < ?4 ORDER BY rowid DESC");
    if (sql.failed)
        return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db->sql, sql.data, -1, &st, NULL);
    Arc_buf_free(&sql);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int(st, 1, ph->n);
    sqlite3_bind_text(st, 2, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, lo);
    sqlite3_bind_int64(st, 4, hi);
    for (int i = 0; i < ph->n; i++)
        sqlite3_bind_double(st, 5 + i, ph->df[i]);
    while (*left > 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        (*left)--;
        if (skip_dups && heap_has(h, id))
            continue;
        heap_offer(h, id, sqlite3_column_double(st, 1));
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * The document frequency of each phrase of a compiled expression, in the
 * order FTS5 numbers them (left to right). query.c writes every term as one
 * double-quoted string (a quote inside doubled), a prefix as `"..." *` and
 * a title term as `title : (...)`; each is counted alone, at most DF_CAP
 * rows in rowid order, and a capped count is extrapolated over the id
 * range from the rowid where it stopped (ids follow time).
 */
static int
phrase_dfs(arc_db_t *db, const char *fts, int64_t id_min, int64_t id_max, phrases_t *ph)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql,
        "SELECT count(*), max(rowid) FROM (SELECT rowid FROM article_fts"
        " WHERE article_fts MATCH ?1 ORDER BY rowid LIMIT ?2)", -1, &st, NULL);

    memset(ph, 0, sizeof *ph);
    if (rc != SQLITE_OK)
        return rc;
    for (const char *p = fts; *p && ph->n < 64 && rc == SQLITE_OK; p++) {
        arc_buf_t term = { NULL, 0, 0, 0 };
        const char *start = p, *end;
        int64_t cnt = 0, last = 0;

        if (*p != '"')
            continue;
        for (end = p + 1; *end; end++) {
            if (*end == '"' && end[1] == '"')
                end++;
            else if (*end == '"')
                break;
        }
        if (!*end)
            break;
        if (start - fts >= 9 && strncmp(start - 9, "title : (", 9) == 0)
            Arc_buf_add(&term, "title : ");
        Arc_buf_addn(&term, start, (size_t)(end - start + 1));
        if (strncmp(end + 1, " *", 2) == 0)
            Arc_buf_add(&term, " *");
        p = end;
        if (term.failed) {
            rc = SQLITE_NOMEM;
            break;
        }
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, term.data, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, DF_CAP);
        Arc_buf_free(&term);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            cnt = sqlite3_column_int64(st, 0);
            last = sqlite3_column_int64(st, 1);
            rc = SQLITE_OK;
        }
        ph->df[ph->n] = (double)cnt;
        if (cnt >= DF_CAP && last > id_min && id_max > id_min)
            ph->df[ph->n] = (double)cnt * (double)(id_max - id_min + 1)
                            / (double)(last - id_min + 1);
        ph->n++;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Rows matching expr (an estimate above DF_CAP, see phrase_dfs). */
static int
df_estimate(arc_db_t *db, const char *expr, int64_t id_min, int64_t id_max, double *df)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql,
        "SELECT count(*), max(rowid) FROM (SELECT rowid FROM article_fts"
        " WHERE article_fts MATCH ?1 ORDER BY rowid LIMIT ?2)", -1, &st, NULL);

    *df = 0;
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, DF_CAP);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t cnt = sqlite3_column_int64(st, 0), last = sqlite3_column_int64(st, 1);
        *df = (double)cnt;
        if (cnt >= DF_CAP && last > id_min && id_max > id_min)
            *df = (double)cnt * (double)(id_max - id_min + 1) / (double)(last - id_min + 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Articles in the archive, estimated the same way from the article ids. */
static int
rows_estimate(arc_db_t *db, int64_t id_min, int64_t id_max, double *n)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql,
        "SELECT count(*), max(id) FROM (SELECT id FROM article ORDER BY id LIMIT ?1)",
        -1, &st, NULL);

    *n = 0;
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, DF_CAP);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t cnt = sqlite3_column_int64(st, 0), last = sqlite3_column_int64(st, 1);
        *n = (double)cnt;
        if (cnt >= DF_CAP && last > id_min && id_max > id_min)
            *n = (double)cnt * (double)(id_max - id_min + 1) / (double)(last - id_min + 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/*
 * "(t1) OR (t2) ..." over the essential terms: those whose IDF is not
 * clamped to FTS5's floor (document frequency below half the archive).
 * A row holding only non-essential terms scores at most 2.2e-6 per term,
 * so it can never outrank a row holding an essential one. *all is set
 * when every term is essential (or none is: then all are kept). The rare
 * terms (at most a quarter of the budget of rows each) go to *rare.
 */
static int
essential_terms(arc_db_t *db, const char *const *terms, size_t n_terms, int64_t id_min,
                int64_t id_max, arc_buf_t *out, int *all, arc_buf_t *rare, int *n_rare)
{
    double n_rows = 0, df;
    size_t kept = 0;
    int rc = rows_estimate(db, id_min, id_max, &n_rows);

    *all = 1;
    *n_rare = 0;
    for (size_t pass = 0; pass < 2 && rc == SQLITE_OK; pass++) {
        for (size_t i = 0; i < n_terms && rc == SQLITE_OK; i++) {
            if (pass == 0) {
                rc = df_estimate(db, terms[i], id_min, id_max, &df);
                if (rc == SQLITE_OK && df * 4 <= (double)rank_budget) {
                    Arc_buf_add(rare, (*n_rare)++ ? " OR (" : "(");
                    Arc_buf_add(rare, terms[i]);
                    Arc_buf_add(rare, ")");
                }
                if (rc != SQLITE_OK || df * 2 >= n_rows) {
                    *all = 0;
                    continue;
                }
            }
            if (kept++)
                Arc_buf_add(out, " OR ");
            Arc_buf_add(out, "(");
            Arc_buf_add(out, terms[i]);
            Arc_buf_add(out, ")");
        }
        if (kept)
            break;
        *all = 1;     /* no essential term: keep them all */
    }
    if (rc == SQLITE_OK && out->failed)
        rc = SQLITE_NOMEM;
    return rc;
}

/* The exact top h->k of expr in [lo, hi) by FTS5's rank, best first. */
static int
exact_topk(arc_db_t *db, const char *expr, int64_t lo, int64_t hi, heap_t *h)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql,
        "SELECT rowid, -rank FROM article_fts WHERE article_fts MATCH ?1"
        " AND rowid >= ?2 AND rowid < ?3 ORDER BY rank LIMIT ?4", -1, &st, NULL);

    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    sqlite3_bind_int64(st, 4, (int64_t)h->k);
    h->n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && h->n < h->k) {
        h->id[h->n] = sqlite3_column_int64(st, 0);
        h->s[h->n] = sqlite3_column_double(st, 1);
        h->n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Number of matches of expr in [lo, hi), counting at most cap + 1. */
static int
count_capped(arc_db_t *db, const char *expr, int64_t lo, int64_t hi, int64_t cap,
             int64_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql,
        "SELECT count(*) FROM (SELECT rowid FROM article_fts WHERE article_fts MATCH ?1"
        " AND rowid >= ?2 AND rowid < ?3 LIMIT ?4)", -1, &st, NULL);

    *n = 0;
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    sqlite3_bind_int64(st, 4, cap + 1);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_rank_topk(arc_db_t *db, const char *fts, const char *const *terms, size_t n_terms,
              int64_t lo, int64_t hi, size_t k, int64_t **ids, double **scores,
              size_t *n, arc_rank_info_t *info)
{
    heap_t h;
    sqlite3_stmt *st;
    int64_t id_min = 0, id_max = 0, m = 0, left = rank_budget;
    arc_buf_t lead = { NULL, 0, 0, 0 }, ess = { NULL, 0, 0, 0 }, rest = { NULL, 0, 0, 0 };
    arc_buf_t rare = { NULL, 0, 0, 0 }, rare_q = { NULL, 0, 0, 0 };
    int all_essential = 1, n_rare = 0;
    arc_rank_info_t dummy;
    phrases_t ph = { 0, { 0 } };
    int rc;

    *ids = NULL;
    *scores = NULL;
    *n = 0;
    if (!info)
        info = &dummy;
    memset(info, 0, sizeof *info);
    {
        arc_status_t s = register_fn(db);
        if (s)
            return s;
    }
    if (hi <= 0)
        hi = INT64_MAX;
    /* two subqueries: one min() and one max() each read one row */
    st = Arc_db_prepare(db, "SELECT (SELECT min(id) FROM article), (SELECT max(id) FROM article)");
    if (!st)
        return ARC_E_DB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        id_min = sqlite3_column_int64(st, 0);
        id_max = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);

    memset(&h, 0, sizeof h);
    h.k = k;
    h.id = malloc(k * sizeof *h.id);
    h.s = malloc(k * sizeof *h.s);
    if (!h.id || !h.s) {
        free(h.id);
        free(h.s);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    rc = count_capped(db, fts, lo, hi, rank_budget, &m);
    if (rc == SQLITE_OK && m > RANK_SMALL)
        rc = phrase_dfs(db, fts, id_min, id_max, &ph);
    if (rc == SQLITE_OK && m <= RANK_SMALL) {
        /* FTS5's own bm25 over this few rows costs less than our steps;
         * asked alone (no join), FTS5 sorts by rank itself and the caller
         * computes snippets for the k rows only */
        info->exact = 1;
        rc = exact_topk(db, fts, lo, hi, &h);
        info->scored = m;
    } else if (rc == SQLITE_OK && m <= rank_budget) {
        /* few enough: score them all */
        info->exact = 1;
        rc = scan(db, fts, &ph, lo, hi, &left, &h, 0);
        info->scored = rank_budget - left;
    } else if (rc == SQLITE_OK) {
        if (n_terms)
            rc = essential_terms(db, terms, n_terms, id_min, id_max, &ess, &all_essential,
                                 &rare, &n_rare);
        else
            Arc_buf_add(&ess, fts);
        Arc_buf_add(&lead, "(");
        Arc_buf_add(&lead, fts);
        Arc_buf_add(&lead, ") AND ({title summary} : (");
        Arc_buf_add(&lead, ess.data ? ess.data : fts);
        Arc_buf_add(&lead, "))");
        /* the other matches: only those with an essential term can rank */
        Arc_buf_add(&rest, fts);
        if (!all_essential) {
            Arc_buf_add(&rest, " AND (");
            Arc_buf_add(&rest, ess.data ? ess.data : "");
            Arc_buf_add(&rest, ")");
        }
        /* rows with a rare term first: all of them fit in the budget, and
         * under OR they hold the highest IDFs (exact for those rows) */
        if (n_rare) {
            Arc_buf_add(&rare_q, "(");
            Arc_buf_add(&rare_q, fts);
            Arc_buf_add(&rare_q, ") AND (");
            Arc_buf_add(&rare_q, rare.data);
            Arc_buf_add(&rare_q, ")");
        }
        if (rc == SQLITE_OK && (lead.failed || rest.failed || ess.failed || rare_q.failed)) {
            rc = SQLITE_NOMEM;
        } else if (rc == SQLITE_OK) {
            if (n_rare && (size_t)n_rare < n_terms) {
                int64_t rare_left = rank_budget;
                rc = scan(db, rare_q.data, &ph, lo, hi, &rare_left, &h, 0);
                info->scored += rank_budget - rare_left;
            }
            if (rc == SQLITE_OK)
                rc = scan(db, lead.data, &ph, lo, hi, &left, &h, info->scored > 0);
            info->lead_scored = rank_budget - left;
            info->scored += info->lead_scored;
            if (rc == SQLITE_OK && h.n < k) {
                left = rank_budget;
                rc = scan(db, rest.data, &ph, lo, hi, &left, &h, 1);
                info->scored += rank_budget - left;
            }
        }
    }
    Arc_buf_free(&lead);
    Arc_buf_free(&ess);
    Arc_buf_free(&rest);
    Arc_buf_free(&rare);
    Arc_buf_free(&rare_q);
    if (rc != SQLITE_OK) {
        free(h.id);
        free(h.s);
        if (rc == SQLITE_NOMEM)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        return Arc_db_sqlerr(db, "ranking");
    }
    /* best first: (score desc, id desc), the order of the exact path */
    sort_best_first(&h);
    *ids = h.id;
    *scores = h.s;
    *n = h.n;
    if (h.n == 0) {
        free(h.id);
        free(h.s);
        *ids = NULL;
        *scores = NULL;
    }
    return ARC_OK;
}
