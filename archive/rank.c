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
#define DF_CAP_OTHER_ORDER 1000    /* the same for the scores shown with
                                      newest/oldest pages */
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
 * phrases for at most *left rows into h; *last (when not NULL) the id
 * of the last row scanned. Returns an SQLite code. */
static int
scan_to(arc_db_t *db, const char *expr, const phrases_t *ph, int64_t lo, int64_t hi,
        int64_t *left, heap_t *h, int skip_dups, int64_t *last)
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
        if (last)
            *last = id;
        if (skip_dups && heap_has(h, id))
            continue;
        heap_offer(h, id, sqlite3_column_double(st, 1));
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* scan_to without the last id. */
static int
scan(arc_db_t *db, const char *expr, const phrases_t *ph, int64_t lo, int64_t hi,
     int64_t *left, heap_t *h, int skip_dups)
{
    return scan_to(db, expr, ph, lo, hi, left, h, skip_dups, NULL);
}

static int rows_estimate(arc_db_t *db, int64_t id_min, int64_t id_max, double *n);

#define DENSITY_CAP 20000     /* articles counted to scale a capped count */

/*
 * Scale cnt rows of a term, counted in id order up to rowid last (the
 * count was capped), to the whole archive: by the share of the id range
 * (ids follow days); when that says the term is in a quarter of the
 * archive or more, near the essential-term test's half, where the id
 * range misleads by up to 2x (days are not evenly filled: at 1M it put
 * `the`, in 97% of the articles, in 49%), by the articles up to last
 * instead, counted in the index's small docsize table (at most
 * DENSITY_CAP of them: few for so dense a term).
 */
static double extrapolate_from(arc_db_t *db, int64_t cnt, int64_t last, int newest,
                               int64_t id_min, int64_t id_max);

static double
extrapolate(arc_db_t *db, int64_t cnt, int64_t last, int64_t id_min, int64_t id_max)
{
    return extrapolate_from(db, cnt, last, 0, id_min, id_max);
}

/* Contract in archive-private.h. */
double
Arc_rank_extrapolate(arc_db_t *db, int64_t cnt, int64_t last, int64_t id_min, int64_t id_max)
{
    return extrapolate_from(db, cnt, last, 1, id_min, id_max);
}

/* The same for cnt rows counted from the newest end (newest = 1: ids
 * from last to id_max) or from the oldest (newest = 0). */
static double
extrapolate_from(arc_db_t *db, int64_t cnt, int64_t last, int newest, int64_t id_min,
                 int64_t id_max)
{
    sqlite3_stmt *st = NULL;
    int64_t upto = 0, span = newest ? id_max - last + 1 : last - id_min + 1;
    double n_rows = 0, by_range = (double)cnt;

    if (span > 1 && id_max > id_min)
        by_range = (double)cnt * (double)(id_max - id_min + 1) / (double)span;
    if (rows_estimate(db, id_min, id_max, &n_rows) != SQLITE_OK || by_range * 4 < n_rows)
        return by_range;
    if (sqlite3_prepare_v2(db->sql, newest ? "SELECT count(*) FROM (SELECT id FROM"
                                             " article_fts_docsize WHERE id >= ?1 LIMIT ?2)"
                                           : "SELECT count(*) FROM (SELECT id FROM"
                                             " article_fts_docsize WHERE id <= ?1 LIMIT ?2)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, last);
        sqlite3_bind_int64(st, 2, DENSITY_CAP + 1);
        if (sqlite3_step(st) == SQLITE_ROW)
            upto = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (upto > 0 && upto <= DENSITY_CAP && n_rows > 0)
        return (double)cnt * n_rows / (double)upto;
    return by_range;
}

/* Rows matching term (st prepared by phrase_dfs), at most cap counted,
 * extrapolated over the id range when capped (*rc set). */
static double
count_term(arc_db_t *db, sqlite3_stmt *st, const char *term, int64_t cap, int64_t id_min,
           int64_t id_max, int *rc)
{
    int64_t cnt = 0, last = 0;
    double df;

    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, term, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, cap);
    *rc = sqlite3_step(st);
    if (*rc == SQLITE_ROW) {
        cnt = sqlite3_column_int64(st, 0);
        last = sqlite3_column_int64(st, 1);
        *rc = SQLITE_OK;
    }
    df = (double)cnt;
    if (*rc == SQLITE_OK && cnt >= cap)
        df = extrapolate(db, cnt, last, id_min, id_max);
    return df;
}

/*
 * The document frequency of each phrase of a compiled expression, in the
 * order FTS5 numbers them (left to right). query.c writes every term as one
 * double-quoted string (a quote inside doubled), a prefix as `"..." *` and
 * a title term as `title : (...)`; each is counted alone, at most cap
 * rows in rowid order, and a capped count is extrapolated over the id
 * range from the rowid where it stopped (ids follow time). With by_word a
 * phrase of several words is given the count of its rarest word instead
 * (an upper bound, without checking positions: a phrase of common words
 * costs a pass over every article holding them all).
 */
static int
phrase_dfs(arc_db_t *db, const char *fts, int64_t id_min, int64_t id_max, int64_t cap,
           int by_word, phrases_t *ph)
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
        int title, prefix, several = 0;

        if (*p != '"')
            continue;
        for (end = p + 1; *end; end++) {
            if (*end == '"' && end[1] == '"')
                end++;
            else if (*end == '"')
                break;
            else if (*end == ' ')
                several = 1;
        }
        if (!*end)
            break;
        title = start - fts >= 9 && strncmp(start - 9, "title : (", 9) == 0;
        prefix = strncmp(end + 1, " *", 2) == 0;
        p = end;
        if (by_word && several) {
            /* each word alone: "w" (a doubled quote stays doubled) */
            double best = -1;
            const char *w = start + 1;
            while (w < end && rc == SQLITE_OK) {
                const char *we = w;
                while (we < end && *we != ' ')
                    we++;
                Arc_buf_free(&term);
                if (title)
                    Arc_buf_add(&term, "title : ");
                Arc_buf_add(&term, "\"");
                Arc_buf_addn(&term, w, (size_t)(we - w));
                Arc_buf_add(&term, "\"");
                if (prefix && we == end)
                    Arc_buf_add(&term, " *");
                if (term.failed) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                {
                    double df = count_term(db, st, term.data, cap, id_min, id_max, &rc);
                    if (best < 0 || df < best)
                        best = df;
                }
                w = we + 1;
            }
            Arc_buf_free(&term);
            ph->df[ph->n++] = best > 0 ? best : 0;
            continue;
        }
        if (title)
            Arc_buf_add(&term, "title : ");
        Arc_buf_addn(&term, start, (size_t)(end - start + 1));
        if (prefix)
            Arc_buf_add(&term, " *");
        if (term.failed) {
            Arc_buf_free(&term);
            rc = SQLITE_NOMEM;
            break;
        }
        ph->df[ph->n++] = count_term(db, st, term.data, cap, id_min, id_max, &rc);
        Arc_buf_free(&term);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_rank_phrase_dfs(arc_db_t *db, const char *fts, int max, int *n, double *df)
{
    sqlite3_stmt *st;
    phrases_t ph;
    int64_t id_min = 0, id_max = 0;
    int quotes = 0, rc;
    arc_status_t s;

    *n = -1;
    /* phrases are the quoted strings; a doubled quote inside counts twice,
     * which only makes the cap stricter */
    for (const char *p = fts; *p; p++)
        quotes += *p == '"';
    if (quotes / 2 > max || max > 64)
        return ARC_OK;
    if ((s = register_fn(db)))
        return s;
    st = Arc_db_prepare(db, "SELECT (SELECT min(id) FROM article), (SELECT max(id) FROM article)");
    if (!st)
        return ARC_E_DB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        id_min = sqlite3_column_int64(st, 0);
        id_max = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    rc = phrase_dfs(db, fts, id_min, id_max, DF_CAP_OTHER_ORDER, 1, &ph);
    if (rc != SQLITE_OK)
        return Arc_db_sqlerr(db, "counting the query's phrases");
    if (ph.n > max)
        return ARC_OK;
    for (int i = 0; i < ph.n; i++)
        df[i] = ph.df[i];
    *n = ph.n;
    return ARC_OK;
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
        if (cnt >= DF_CAP)
            *df = extrapolate(db, cnt, last, id_min, id_max);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Contract in archive-private.h (rank_and.c). */
int
Arc_rank_rows(arc_db_t *db, double *n)
{
    return rows_estimate(db, 0, 0, n);
}

/* Contract in archive-private.h (rank_and.c). */
int
Arc_rank_df_estimate(arc_db_t *db, const char *expr, int64_t id_min, int64_t id_max,
                     double *df)
{
    return df_estimate(db, expr, id_min, id_max, df);
}

/* Articles in the archive: the row count FTS5 keeps for bm25() (the first
 * varint of the index's averages record), exact and one row read. */
static int
rows_estimate(arc_db_t *db, int64_t id_min, int64_t id_max, double *n)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql, "SELECT block FROM article_fts_data WHERE id = 1",
                                -1, &st, NULL);

    (void)id_min;
    (void)id_max;
    *n = 0;
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        uint64_t v = 0;
        /* SQLite's varint: 7 bits a byte, high bit set on all but the
         * last; a ninth byte gives 8 bits */
        for (int i = 0; p && i < len && i < 9; i++) {
            if (i == 8) {
                v = (v << 8) | p[i];
                break;
            }
            v = (v << 7) | (p[i] & 0x7f);
            if (!(p[i] & 0x80))
                break;
        }
        *n = (double)v;
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;       /* an empty index has no averages yet */
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
 * *only is the index of the one essential term when the others are all
 * non-essential, else -1.
 */
static int
essential_terms(arc_db_t *db, const char *const *terms, size_t n_terms, int64_t id_min,
                int64_t id_max, arc_buf_t *out, int *all, arc_buf_t *rare, int *n_rare,
                int *only)
{
    double n_rows = 0, df;
    size_t kept = 0;
    int rc = rows_estimate(db, id_min, id_max, &n_rows);

    *all = 1;
    *n_rare = 0;
    *only = -1;
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
            if (pass == 0)
                *only = kept == 1 ? (int)i : -1;
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

static int champion_topk(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, heap_t *h,
                         arc_rank_info_t *info, int *used, const char *full);
static double idf_of(double n_rows, double df);

/* Whether fts is exactly one quoted string (a word or a phrase; a title
 * filter or prefix around it allowed) and nothing else; *words the number
 * of words in it. */
static int
one_string(const char *fts, int *words_out)
{
    int phrases = 0, words = 0;

    for (const char *p = fts; *p; p++) {
        if (*p != '"')
            continue;
        phrases++;
        for (p++; *p; p++) {
            if (*p == '"' && p[1] == '"')
                p++;
            else if (*p == '"')
                break;
            else if (*p == ' ')
                words++;
        }
        if (!*p)
            return 0;
    }
    *words_out = words + 1;
    return phrases == 1 && !strstr(fts, " NOT ") && !strstr(fts, " OR ");
}

static int
one_phrase(const char *fts)
{
    int words;
    return one_string(fts, &words);
}

static int
one_multiword_phrase(const char *fts)
{
    int words;
    return one_string(fts, &words) && words > 1;
}

/*
 * One word (without a list) or one phrase: its matches are found once,
 * scored newest first with the IDF of a document frequency of 1 (with one
 * phrase the IDF scales every score alike), up to the budget, and the
 * scores rescaled by the phrase's IDF: one pass over the index instead of
 * a count and a pass (for a phrase of common words each pass checks the
 * positions in every article holding its words). When they all fit the
 * order is exact; else, for a phrase, it is the best of the newest
 * budget-many matches (the recency bias of docs/ranking.md), and a word
 * goes on to the lead tier. *used = 1 when it answered.
 */
static int
one_phrase_topk(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, int64_t id_min,
                int64_t id_max, heap_t *h, arc_rank_info_t *info, int *used)
{
    phrases_t ph;
    int64_t left = rank_budget, m, oldest = 0;
    double n_rows = 0, df, scale, est = 0;
    int rc = SQLITE_OK, multi;

    *used = 0;
    if (!one_phrase(fts))
        return SQLITE_OK;
    multi = one_multiword_phrase(fts);
    memset(&ph, 0, sizeof ph);
    ph.n = 1;
    ph.df[0] = 1;
    {
        /* a phrase of frequent words: its pair lists (rank_phrase.c) */
        int64_t *pid = NULL;
        double *ps = NULL;
        size_t pn = 0;
        int more = 0, pused = 0;
        arc_status_t s = multi ? Arc_phrase_pairs_rank(db, fts, lo, hi, rank_budget,
                                                       (int64_t)h->k, &pid, &ps, &pn, &more,
                                                       &est, &pused)
                               : ARC_OK;
        if (s)
            return s == ARC_E_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
        if (pused) {
            for (size_t i = 0; i < pn; i++)
                heap_offer(h, pid[i], ps[i]);
            left = more ? 0 : rank_budget - (int64_t)pn;
            /* (sampled: the count comes with the matches) */
            oldest = left == 0 && pn > 0 && est <= 0 ? pid[pn - 1] : 0;
            free(pid);
            free(ps);
        } else {
            int64_t last = 0;
            rc = scan_to(db, fts, &ph, lo, hi, &left, h, 0, &last);
            oldest = left == 0 ? last : 0;
        }
    }
    if (rc != SQLITE_OK)
        return rc;
    if (left == 0 && !multi) {
        /* a frequent word without a list: the lead tier does better */
        h->n = 0;
        return SQLITE_OK;
    }
    m = rank_budget - left;
    df = (double)m;
    info->exact = left > 0;
    if (left == 0 || lo > 0 || (hi > 0 && hi != INT64_MAX)) {
        /* more matches than the budget (the answer is the best of the
         * newest budget-many), or a date range: the IDF is estimated */
        /* matches of a date range: the IDF is the whole archive's */
        if (est > 0) {
            /* the candidates of the pair lists were sampled: their
             * estimate (the matches among the newest, over all) */
            df = est;
        } else if (oldest > 0) {
            /* the newest budget-many, found by walking down to oldest:
             * their density there, rather than a second walk counting
             * from the oldest end (as long again for a phrase of frequent
             * words, whose IDF only scales every score alike) */
            df = extrapolate_from(db, m, oldest, 1, id_min, id_max);
        } else {
            if ((rc = phrase_dfs(db, fts, id_min, id_max, DF_CAP, 0, &ph)) != SQLITE_OK)
                return rc;
            df = ph.df[0];
        }
    }
    if ((rc = rows_estimate(db, id_min, id_max, &n_rows)) != SQLITE_OK)
        return rc;
    if (df > n_rows)
        df = n_rows;
    scale = idf_of(n_rows, df) / idf_of(n_rows, 1.0);
    for (size_t i = 0; i < h->n; i++)
        h->s[i] *= scale;
    info->scored = m;
    *used = 1;
    return SQLITE_OK;
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
    int all_essential = 1, n_rare = 0, used = 0, single = 0, only = -1;
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
    /* words joined by AND: one exact pass (rank_and.c) */
    rc = Arc_rank_and_topk(db, fts, terms, n_terms, lo, hi, id_min, id_max, k, h.id, h.s,
                           &h.n, info, &used);
    if (rc == SQLITE_OK && !used)
        rc = champion_topk(db, fts, lo, hi, &h, info, &used, NULL);
    if (rc == SQLITE_OK && !used)
        rc = one_phrase_topk(db, fts, lo, hi, id_min, id_max, &h, info, &used);
    if (rc == SQLITE_OK && !used)
        rc = count_capped(db, fts, lo, hi, rank_budget, &m);
    single = rc == SQLITE_OK && !used && m <= rank_budget && lo <= 0
             && (hi <= 0 || hi == INT64_MAX) && one_phrase(fts);
    if (rc == SQLITE_OK && !used && !single && m > RANK_SMALL)
        rc = phrase_dfs(db, fts, id_min, id_max, DF_CAP, 0, &ph);
    if (used || rc != SQLITE_OK) {
        /* the word's list or the phrase's one pass answered (or an error) */
    } else if (single) {
        /* one word or phrase over the whole archive: its document
         * frequency is m, so one pass scores them all exactly (FTS5's
         * rank would count them again for the IDF first) */
        info->exact = 1;
        ph.n = 1;
        ph.df[0] = (double)m;
        rc = scan(db, fts, &ph, lo, hi, &left, &h, 0);
        info->scored = rank_budget - left;
    } else if (m <= RANK_SMALL) {
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
                                 &rare, &n_rare, &only);
        else
            Arc_buf_add(&ess, fts);
        /* one essential word beside words in most articles ("ministry
         * the"): its list, each entry checked against the whole query */
        if (rc == SQLITE_OK && only >= 0 && !all_essential)
            rc = champion_topk(db, terms[only], lo, hi, &h, info, &used, fts);
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
        } else if (rc == SQLITE_OK && !used) {
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

/* ---- champion lists (docs/ranking.md) ---- */

#define TOP_KEEP 256          /* articles kept per word */
#define TOP_SAMPLE 20000      /* articles whose words are counted */
#define TOP_MIN_DF 2000       /* default: words in at least this many */
#define LIST_PROBES 200       /* entries checked against a longer query */

/* The word's BM25 factor without the IDF, as arc_bm25 computes it for a
 * score s and document frequency df over n rows. */
static double
idf_of(double n_rows, double df)
{
    double idf = log((n_rows - df + 0.5) / (df + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

typedef struct vocab_entry {
    char *stem;               /* the token as indexed */
    char *surface;            /* a word of the text that gives it */
    int64_t df;               /* sample articles holding it */
    int64_t last;             /* last sample article counted */
} vocab_entry_t;

typedef struct vocab {
    vocab_entry_t *v;
    size_t n, cap;            /* open addressing, cap a power of two */
    int64_t doc;              /* current sample article */
    const char *text;
    int failed;
} vocab_t;

/* Contract in archive-private.h. */
uint64_t
Arc_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int
vocab_grow(vocab_t *v)
{
    size_t cap = v->cap ? v->cap * 2 : 1 << 14;
    vocab_entry_t *n = calloc(cap, sizeof *n);

    if (!n)
        return -1;
    for (size_t i = 0; i < v->cap; i++) {
        size_t j;
        if (!v->v[i].stem)
            continue;
        for (j = Arc_hash_bytes(v->v[i].stem, strlen(v->v[i].stem)) & (cap - 1); n[j].stem;
             j = (j + 1) & (cap - 1))
            ;
        n[j] = v->v[i];
    }
    free(v->v);
    v->v = n;
    v->cap = cap;
    return 0;
}

static int
vocab_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    vocab_t *v = ctx;
    size_t j;

    if ((tflags & FTS5_TOKEN_COLOCATED) || n <= 0 || n > 64)
        return SQLITE_OK;
    if ((v->n + 1) * 2 > v->cap && vocab_grow(v)) {
        v->failed = 1;
        return SQLITE_NOMEM;
    }
    for (j = Arc_hash_bytes(tok, (size_t)n) & (v->cap - 1); v->v[j].stem;
         j = (j + 1) & (v->cap - 1))
        if (strncmp(v->v[j].stem, tok, (size_t)n) == 0 && v->v[j].stem[n] == '\0')
            break;
    if (!v->v[j].stem) {
        char *stem = malloc((size_t)n + 1), *surface = malloc((size_t)(end - start) + 1);
        if (!stem || !surface) {
            free(stem);
            free(surface);
            v->failed = 1;
            return SQLITE_NOMEM;
        }
        memcpy(stem, tok, (size_t)n);
        stem[n] = '\0';
        memcpy(surface, v->text + start, (size_t)(end - start));
        surface[end - start] = '\0';
        v->v[j].stem = stem;
        v->v[j].surface = surface;
        v->v[j].last = -1;
        v->n++;
    }
    if (v->v[j].last != v->doc) {
        v->v[j].last = v->doc;
        v->v[j].df++;
    }
    return SQLITE_OK;
}

static void
vocab_free(vocab_t *v)
{
    for (size_t i = 0; i < v->cap; i++) {
        free(v->v[i].stem);
        free(v->v[i].surface);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

/* Pack a best-first heap as (id, factor) pairs, little-endian. */
static void
pack_top(const heap_t *h, double idf, unsigned char *out)
{
    for (size_t i = 0; i < h->n; i++) {
        uint64_t id = (uint64_t)h->id[i], bits;
        double f = h->s[i] / idf;
        memcpy(&bits, &f, sizeof bits);
        for (int b = 0; b < 8; b++) {
            out[16 * i + (size_t)b] = (unsigned char)(id >> (8 * b));
            out[16 * i + 8 + (size_t)b] = (unsigned char)(bits >> (8 * b));
        }
    }
}

static void
unpack_top(const unsigned char *p, size_t i, int64_t *id, double *f)
{
    uint64_t a = 0, bits = 0;

    for (int b = 7; b >= 0; b--) {
        a = (a << 8) | p[16 * i + (size_t)b];
        bits = (bits << 8) | p[16 * i + 8 + (size_t)b];
    }
    *id = (int64_t)a;
    memcpy(f, &bits, sizeof *f);
}

/* Build the list of one word (its surface form w, indexed token stem). */
static int
build_one(arc_db_t *db, const vocab_entry_t *e, double n_rows, int64_t id_min,
          int64_t id_max, sqlite3_stmt *ins, heap_t *h, int64_t *scored)
{
    arc_buf_t q = { NULL, 0, 0, 0 }, lead = { NULL, 0, 0, 0 };
    phrases_t ph;
    int64_t left = INT64_MAX;
    unsigned char *blob;
    double idf;
    int rc;

    /* the word as one FTS5 string (a quote doubled) */
    Arc_buf_add(&q, "\"");
    for (const char *p = e->surface; *p; p++)
        Arc_buf_add(&q, *p == '"' ? "\"\"" : (char[2]){ *p, '\0' });
    Arc_buf_add(&q, "\"");
    if (q.failed) {
        Arc_buf_free(&q);
        return SQLITE_NOMEM;
    }
    rc = phrase_dfs(db, q.data, id_min, id_max, DF_CAP, 0, &ph);
    /* a top article has the word in its title or summary (weights 10
     * and 3): the list is made from those, scored on every column */
    Arc_buf_add(&lead, q.data);
    Arc_buf_add(&lead, " AND ({title summary} : ");
    Arc_buf_add(&lead, q.data);
    Arc_buf_add(&lead, ")");
    ph.n = 1;
    h->n = 0;
    if (rc == SQLITE_OK && lead.failed)
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        rc = scan(db, lead.data, &ph, 0, INT64_MAX, &left, h, 0);
    *scored += INT64_MAX - left;
    Arc_buf_free(&q);
    Arc_buf_free(&lead);
    if (rc != SQLITE_OK || h->n == 0)
        return rc;
    sort_best_first(h);
    idf = idf_of(n_rows, ph.df[0] < n_rows ? ph.df[0] : n_rows);
    if (!(blob = malloc(16 * h->n)))
        return SQLITE_NOMEM;
    pack_top(h, idf, blob);
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, e->stem, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, (int64_t)(ph.df[0] + 0.5));
    sqlite3_bind_int64(ins, 3, id_max);
    sqlite3_bind_int64(ins, 4, (int64_t)n_rows);
    sqlite3_bind_blob(ins, 5, blob, (int)(16 * h->n), free);
    rc = sqlite3_step(ins);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Contract in newsarc.h. */
arc_status_t
arc_rank_optimize(arc_db_t *db, int64_t min_df, arc_optimize_report_t *rep)
{
    ARC_NO_SHARDS(db);
    arc_optimize_report_t dummy;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    vocab_t v;
    heap_t h;
    sqlite3_stmt *st = NULL, *ins = NULL;
    int64_t id_min = 0, id_max = 0, prev = -1;
    double n_rows = 0;
    arc_status_t s = ARC_OK;
    int rc = SQLITE_OK;

    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof *rep);
    memset(&v, 0, sizeof v);
    memset(&h, 0, sizeof h);
    if (min_df <= 0)
        min_df = TOP_MIN_DF;
    if ((s = register_fn(db)) || (s = Arc_fts5_tokenizer(db, &tk, &tok)))
        return s;
    if ((s = arc_db_begin(db))) {
        tk.xDelete(tok);
        return s;
    }
    st = Arc_db_prepare(db, "SELECT (SELECT min(id) FROM article), (SELECT max(id) FROM article)");
    if (!st) {
        s = ARC_E_DB;
        goto done;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        id_min = sqlite3_column_int64(st, 0);
        id_max = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = rows_estimate(db, id_min, id_max, &n_rows)) != SQLITE_OK)
        goto done;
    /* count the words of articles spread evenly over the id range (ids
     * follow time, so over the archive's time span) */
    st = Arc_db_prepare(db, "SELECT id, title, summary, arc_body(body, id) FROM article WHERE id >= ?1"
                            " ORDER BY id LIMIT 1");
    if (!st) {
        s = ARC_E_DB;
        goto done;
    }
    for (int64_t i = 0; i < TOP_SAMPLE && id_max > id_min && rc == SQLITE_OK; i++) {
        int64_t at = id_min + (int64_t)((double)(id_max - id_min) * (double)i / TOP_SAMPLE);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, at);
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) == prev)
            continue;
        prev = sqlite3_column_int64(st, 0);
        v.doc = rep->sampled++;
        for (int c = 1; c <= 3 && rc == SQLITE_OK; c++) {
            const char *t = (const char *)sqlite3_column_text(st, c);
            if (!t)
                continue;
            v.text = t;
            rc = tk.xTokenize(tok, &v, FTS5_TOKENIZE_DOCUMENT, t, (int)strlen(t), vocab_token);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        goto done;
    /* schema.c's version 7 creates the table; an archive that passed
     * version 7 while it was an empty placeholder (development builds of
     * 0.4) gets it here */
    if (sqlite3_exec(db->sql, "CREATE TABLE IF NOT EXISTS term_top("
                              " term TEXT NOT NULL UNIQUE, df INTEGER NOT NULL,"
                              " upto INTEGER NOT NULL, n_rows INTEGER NOT NULL,"
                              " top BLOB NOT NULL)", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(db->sql, "CREATE INDEX IF NOT EXISTS entity_name_nocase"
                                 " ON entity(name COLLATE NOCASE)", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(db->sql, "DELETE FROM term_top", NULL, NULL, NULL) != SQLITE_OK) {
        s = Arc_db_sqlerr(db, "clearing the word lists");
        goto done;
    }
    ins = Arc_db_prepare(db, "INSERT INTO term_top(term, df, upto, n_rows, top)"
                             " VALUES (?1, ?2, ?3, ?4, ?5)");
    h.k = TOP_KEEP;
    h.id = malloc(TOP_KEEP * sizeof *h.id);
    h.s = malloc(TOP_KEEP * sizeof *h.s);
    if (!ins || !h.id || !h.s) {
        s = ins ? Arc_db_error(db, ARC_E_NOMEM, "out of memory") : ARC_E_DB;
        goto done;
    }
    for (size_t i = 0; i < v.cap && rc == SQLITE_OK; i++) {
        const vocab_entry_t *e = &v.v[i];
        if (!e->stem || (double)e->df * n_rows < (double)min_df * (double)rep->sampled)
            continue;
        rc = build_one(db, e, n_rows, id_min, id_max, ins, &h, &rep->scored);
        rep->terms++;
    }
    /* the pair lists of the most frequent words, for phrases (rank_phrase.c);
     * the sample's vocabulary is freed first, so that the two do not add up */
    if (rc == SQLITE_OK && !v.failed) {
        vocab_free(&v);
        s = Arc_phrase_pairs_build(db, &rep->pairs, &rep->pair_bytes);
    }
done:
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    free(h.id);
    free(h.s);
    vocab_free(&v);
    tk.xDelete(tok);
    if (!s && rc != SQLITE_OK)
        s = rc == SQLITE_NOMEM || v.failed ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                                           : Arc_db_sqlerr(db, "building the word lists");
    if (s) {
        arc_db_rollback(db);
        return s;
    }
    return arc_db_commit(db);
}

/*
 * The top k of a one-word query from its list: *used = 1 when the list
 * answered. It answers when the query is one plain word with a list, no
 * date range, k within the list, and every article indexed since the list
 * was built has a newer id than all it covered (then those are scored
 * here; at most the budget of them). Deletions or imports of older
 * articles make the row counts disagree and the list is not used.
 */
static int
champion_topk(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, heap_t *h,
              arc_rank_info_t *info, int *used, const char *full)
{
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    vocab_t v;
    sqlite3_stmt *st = NULL;
    size_t len = strlen(fts);
    char stem[80];
    int64_t df, upto, built_rows, fresh = 0, left = rank_budget;
    double n_rows = 0, idf;
    phrases_t ph;
    int rc;

    *used = 0;
    if (lo > 0 || (hi > 0 && hi != INT64_MAX) || len < 3 || len > 70 || fts[0] != '"'
        || fts[len - 1] != '"' || memchr(fts + 1, '"', len - 2) || strpbrk(fts, " *\t:"))
        return SQLITE_OK;
    /* the word's indexed token: exactly one */
    memset(&v, 0, sizeof v);
    if (Arc_fts5_tokenizer(db, &tk, &tok))
        return SQLITE_OK;
    v.text = fts + 1;
    rc = tk.xTokenize(tok, &v, FTS5_TOKENIZE_DOCUMENT, fts + 1, (int)len - 2, vocab_token);
    tk.xDelete(tok);
    if (rc != SQLITE_OK || v.n != 1) {
        vocab_free(&v);
        return SQLITE_OK;
    }
    for (size_t i = 0; i < v.cap; i++)
        if (v.v[i].stem)
            snprintf(stem, sizeof stem, "%s", v.v[i].stem);
    vocab_free(&v);
    if (sqlite3_prepare_v2(db->sql, "SELECT df, upto, n_rows, top FROM term_top WHERE term = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return SQLITE_OK;      /* an archive before schema 7 */
    sqlite3_bind_text(st, 1, stem, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW
        || (size_t)sqlite3_column_bytes(st, 3) / 16 < h->k) {
        sqlite3_finalize(st);
        return SQLITE_OK;
    }
    df = sqlite3_column_int64(st, 0);
    upto = sqlite3_column_int64(st, 1);
    built_rows = sqlite3_column_int64(st, 2);
    rc = rows_estimate(db, 0, 0, &n_rows);
    if (rc == SQLITE_OK && (int64_t)n_rows != built_rows) {
        sqlite3_stmt *c = NULL;
        rc = sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM (SELECT id FROM article"
                                         " WHERE id > ?1 LIMIT ?2)", -1, &c, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(c, 1, upto);
            sqlite3_bind_int64(c, 2, rank_budget + 1);
            if (sqlite3_step(c) == SQLITE_ROW)
                fresh = sqlite3_column_int64(c, 0);
        }
        sqlite3_finalize(c);
    }
    if (rc != SQLITE_OK || (int64_t)n_rows != built_rows + fresh || fresh > rank_budget) {
        sqlite3_finalize(st);
        return rc;
    }
    /* the list, rescaled by today's IDF (the word's articles since the
     * list counted in); then the articles since, scored */
    memset(&ph, 0, sizeof ph);
    ph.n = 1;
    if (fresh > 0) {
        int64_t fresh_matches = 0;
        rc = count_capped(db, fts, upto + 1, INT64_MAX, rank_budget, &fresh_matches);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(st);
            return rc;
        }
        df += fresh_matches;
    }
    ph.df[0] = (double)df;
    idf = idf_of(n_rows, (double)df < n_rows ? (double)df : n_rows);
    {
        const unsigned char *p = sqlite3_column_blob(st, 3);
        size_t n = (size_t)sqlite3_column_bytes(st, 3) / 16, probes = 0;
        sqlite3_stmt *chk = NULL;

        if (full && sqlite3_prepare_v2(db->sql, "SELECT 1 FROM article_fts WHERE article_fts"
                                       " MATCH ?1 AND rowid = ?2", -1, &chk, NULL) != SQLITE_OK) {
            sqlite3_finalize(st);
            return SQLITE_OK;
        }
        for (size_t i = 0; i < n && p; i++) {
            int64_t id;
            double f;
            unpack_top(p, i, &id, &f);
            if (chk) {
                /* the whole query: the best entries that match it; the
                 * others' words add at most 1e-6 each */
                if (h->n >= h->k || probes++ >= LIST_PROBES)
                    break;
                sqlite3_reset(chk);
                sqlite3_bind_text(chk, 1, full, -1, SQLITE_STATIC);
                sqlite3_bind_int64(chk, 2, id);
                if (sqlite3_step(chk) != SQLITE_ROW)
                    continue;
            }
            heap_offer(h, id, f * idf);
        }
        sqlite3_finalize(chk);
        info->scored = chk ? (int64_t)probes : (int64_t)n;
    }
    sqlite3_finalize(st);
    if (full && h->n < h->k) {
        h->n = 0;              /* too few: the lead tier answers */
        return SQLITE_OK;
    }
    if (fresh > 0 && full) {
        rc = phrase_dfs(db, full, 0, 0, DF_CAP, 0, &ph);
        if (rc == SQLITE_OK)
            rc = scan(db, full, &ph, upto + 1, INT64_MAX, &left, h, 1);
        info->scored += rank_budget - left;
    } else if (fresh > 0) {
        rc = scan(db, fts, &ph, upto + 1, INT64_MAX, &left, h, 1);
        info->scored += rank_budget - left;
    }
    if (rc == SQLITE_OK)
        *used = 1;
    return rc;
}

/* Contract in newsarc.h. */
arc_status_t
arc_rank_lists_state(arc_db_t *db, int64_t *listed, int64_t *newer)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int64_t upto = 0;
    int rc;

    *listed = -1;
    *newer = 0;
    /* an archive that never reached schema 7 has no table: no lists */
    if (sqlite3_prepare_v2(db->sql, "SELECT upto, n_rows FROM term_top LIMIT 1", -1, &st,
                           NULL) == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            upto = sqlite3_column_int64(st, 0);
            *listed = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return Arc_db_sqlerr(db, "reading the word lists");
    }
    /* word lists without the phrase lists (an upgrade to schema 15 drops
     * them): the lists are not whole, as if there were none */
    if (*listed >= 0 && sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM phrase_pair_meta",
                                           -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0) {
            *listed = -1;
            upto = 0;
        }
        sqlite3_finalize(st);
    }
    st = Arc_db_prepare(db, "SELECT count(*) FROM article WHERE id > ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, upto);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *newer = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? ARC_OK : Arc_db_sqlerr(db, "counting articles");
}
