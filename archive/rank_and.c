/*
 * rank_and.c - the relevance top-k of plain words joined by AND ("fla
 * statement"), exact, in one pass over the matches (docs/ranking.md,
 * "Words joined by AND").
 *
 * Scoring a match with arc_bm25() costs ~2.5 us at a million articles,
 * ~2 us of it the row's length (FTS5 steps a statement on its %_docsize
 * table per row); finding the row and its positions cost ~0.5 us. Most
 * matches of two words hold both in the body only and cannot reach the
 * top 20, which mostly holds a word in the title (weight 10). So every
 * match is visited once, oldest first (FTS5 walks ~25% faster that way),
 * by an auxiliary function that first bounds the row's score from its
 * positions alone -- each column is at least as long as its last matched
 * offset, and BM25 only falls as a row grows -- and reads the length
 * (through a blob handle, ~0.5-1.5 us) only when that bound reaches the
 * k-th best score so far. The top k is the same as scoring every match;
 * the cost is FTS5's walk of the rarest word's list, skipping through the
 * others'. Document frequencies come from the word lists of `newsindex
 * optimize` (term_top) when they still hold, else counted as rank.c does.
 *
 * One essential word beside words in over half the archive (FTS5's IDF
 * floor: "zelung reported") is answered from that word's matches alone,
 * each of its best checked against the whole query (floor_topk).
 *
 * Taken when the rarest word is in at most AND_MAX_DF articles and the
 * words are not expected to share more than AND_MAX_SEEN (a pass that
 * meets more stops); otherwise the tiers of rank.c answer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

#define AND_MAX_WORDS 16        /* words of the conjunction */
#define AND_MAX_DF 250000.0     /* rarest word's document frequency */
#define AND_MAX_SEEN 60000      /* matches visited (~50 ms at 1M articles) */
#define AND_FRESH_MAX 8000      /* articles newer than the word lists */
#define AND_POOL(k) (4 * (k) + 16) /* essential word's best rows checked */
#define AND_PTR "arc_and_state" /* sqlite3_bind_pointer type */
#define BM25_K1 1.2             /* the constants of rank.c's arc_bm25 */
#define BM25_B 0.75

static const double and_weight[] = { 10.0, 3.0, 1.0 }; /* title, summary, body */

/* What the pass shares with its auxiliary function. */
typedef struct and_state {
    int n;                      /* words (phrases of the expression) */
    double df[AND_MAX_WORDS];   /* their document frequencies */
    double idf[AND_MAX_WORDS];  /* set on the first row */
    double avgdl;
    int ready;                  /* idf and avgdl are set */
    int have_thr;               /* thr is the k-th best score so far */
    double thr;
    int64_t lengths;            /* rows whose length was read */
    sqlite3 *sql;               /* the connection, for ... */
    sqlite3_blob *sizes;        /* ... the index's %_docsize rows */
    int no_blob;                /* reading them failed: ask FTS5 */
} and_state_t;

/*
 * The length in tokens of row id (all columns), read from the index's
 * docsize table through an incremental-blob handle moved from row to row
 * (0.5-1.5 us at 1M articles; FTS5's own xColumnSize steps a statement
 * per row, 2-4.5 us): the same numbers, one SQLite varint per column in
 * the record. -1 when it cannot be read (then FTS5 is asked).
 */
static int64_t
row_length(and_state_t *s, int64_t id)
{
    unsigned char buf[32];
    int len, rc;
    int64_t total = 0;

    if (s->no_blob)
        return -1;
    rc = s->sizes ? sqlite3_blob_reopen(s->sizes, id)
                  : sqlite3_blob_open(s->sql, "ix", "article_fts_docsize", "sz", id, 0,
                                      &s->sizes);
    len = rc == SQLITE_OK ? sqlite3_blob_bytes(s->sizes) : 0;
    if (len > (int)sizeof buf)
        len = (int)sizeof buf;
    if (rc != SQLITE_OK || len <= 0 || sqlite3_blob_read(s->sizes, buf, len, 0) != SQLITE_OK) {
        sqlite3_blob_close(s->sizes);
        s->sizes = NULL;
        s->no_blob = 1;
        return -1;
    }
    for (int i = 0, col = 0; i < len && col < 3; col++) {
        uint64_t v = 0;
        int b = 0;
        /* 7 bits a byte, high bit set on all but the last (the ninth
         * byte, never reached by a column's size, gives 8 bits) */
        while (i < len && b < 9) {
            unsigned char c = buf[i++];
            b++;
            if (b == 9) {
                v = (v << 8) | c;
                break;
            }
            v = (v << 7) | (c & 0x7f);
            if (!(c & 0x80))
                break;
        }
        total += (int64_t)v;
    }
    return total;
}

/* BM25 of a row with weighted frequencies f[] and length dl, computed
 * exactly as arc_bm25 does (same operations, same order). */
static double
and_score(const and_state_t *s, const double *f, double dl)
{
    double score = 0.0;

    for (int i = 0; i < s->n; i++)
        score += s->idf[i] * (f[i] * (BM25_K1 + 1.0))
                 / (f[i] + BM25_K1 * (1.0 - BM25_B + BM25_B * dl / s->avgdl));
    return score;
}

/*
 * arc_bm25_and(article_fts, state): the row's BM25 over the expression's
 * phrases (arc_bm25's value for the same document frequencies), or NULL
 * when the row cannot beat state->thr: its score with the length bounded
 * below by the matched offsets is already lower (the score only falls as
 * the length grows, and IEEE rounding keeps that order).
 */
static void
and_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_val,
       sqlite3_value **val)
{
    and_state_t *s = n_val > 0 ? sqlite3_value_pointer(val[0], AND_PTR) : NULL;
    double f[AND_MAX_WORDS];
    int n_inst = 0, tokens = 0, end[3] = { 0, 0, 0 }, rc;

    if (!s) {
        sqlite3_result_error(ctx, "arc_bm25_and: no state", -1);
        return;
    }
    if (!s->ready) {
        sqlite3_int64 n_row = 0, n_tok = 0;
        rc = api->xRowCount(fts, &n_row);
        if (rc == SQLITE_OK)
            rc = api->xColumnTotalSize(fts, -1, &n_tok);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        s->avgdl = n_row > 0 ? (double)n_tok / (double)n_row : 1.0;
        for (int i = 0; i < s->n; i++) {
            double df = s->df[i] > (double)n_row ? (double)n_row : s->df[i];
            s->idf[i] = log(((double)n_row - df + 0.5) / (df + 0.5));
            if (s->idf[i] <= 0.0)
                s->idf[i] = 1e-6;
        }
        s->ready = 1;
    }
    memset(f, 0, sizeof f);
    rc = api->xInstCount(fts, &n_inst);
    for (int i = 0; i < n_inst && rc == SQLITE_OK; i++) {
        int ip, ic, io;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc == SQLITE_OK && ip < s->n && ic >= 0 && ic < 3) {
            f[ip] += and_weight[ic];
            if (io + 1 > end[ic])
                end[ic] = io + 1;
        }
    }
    if (rc == SQLITE_OK && s->have_thr
        && and_score(s, f, (double)end[0] + (double)end[1] + (double)end[2]) < s->thr) {
        sqlite3_result_null(ctx);
        return;
    }
    if (rc == SQLITE_OK) {
        int64_t length = row_length(s, api->xRowid(fts));
        if (length >= 0)
            tokens = (int)length;
        else
            rc = api->xColumnSize(fts, -1, &tokens);
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    s->lengths++;
    sqlite3_result_double(ctx, and_score(s, f, (double)tokens));
}

/* Register arc_bm25_and on the connection unless it already knows it. */
static int
register_and_fn(arc_db_t *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db->sql, "SELECT arc_bm25_and(article_fts, NULL) FROM article_fts"
                                    " LIMIT 0", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_finalize(st);
        return SQLITE_OK;
    }
    if (sqlite3_prepare_v2(db->sql, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return SQLITE_ERROR;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2)
        return SQLITE_ERROR;
    return api->xCreateFunction(api, "arc_bm25_and", NULL, and_fn, NULL);
}

/* One word of the conjunction as indexed. */
typedef struct and_token {
    int n;                      /* tokens seen (one for a plain word) */
    char stem[80];              /* the first, "" when longer */
} and_token_t;

/* Token callback: count the tokens of a term and keep the first. */
static int
keep_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    and_token_t *t = ctx;

    (void)start;
    (void)end;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (t->n++ == 0 && n > 0 && (size_t)n < sizeof t->stem) {
        memcpy(t->stem, tok, (size_t)n);
        t->stem[n] = '\0';
    }
    return SQLITE_OK;
}

/*
 * Whether fts is exactly `("w1" AND "w2" ...)`, the terms[] in order, each
 * a quoted string of one token (no phrase, prefix, column filter, OR or
 * NOT), 2 to AND_MAX_WORDS of them.
 */
static int
plain_and(arc_db_t *db, const char *fts, const char *const *terms, size_t n_terms,
          and_token_t *words)
{
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    const char *p = fts;
    int ok = 1;

    if (n_terms < 2 || n_terms > AND_MAX_WORDS || *p++ != '(')
        return 0;
    for (size_t i = 0; i < n_terms; i++) {
        size_t len = strlen(terms[i]);
        if (len < 3 || terms[i][0] != '"' || terms[i][len - 1] != '"'
            || memchr(terms[i] + 1, '"', len - 2) || strncmp(p, terms[i], len) != 0)
            return 0;
        p += len;
        if (i + 1 < n_terms) {
            if (strncmp(p, " AND ", 5) != 0)
                return 0;
            p += 5;
        }
    }
    if (strcmp(p, ")") != 0 || Arc_fts5_tokenizer(db, &tk, &tok) != ARC_OK)
        return 0;
    for (size_t i = 0; i < n_terms && ok; i++) {
        size_t len = strlen(terms[i]);
        memset(&words[i], 0, sizeof words[i]);
        if (tk.xTokenize(tok, &words[i], FTS5_TOKENIZE_QUERY, terms[i] + 1, (int)len - 2,
                         keep_token) != SQLITE_OK || words[i].n != 1)
            ok = 0;
    }
    tk.xDelete(tok);
    return ok;
}

/*
 * The document frequency of a word (stem as indexed, term as quoted): the
 * one `newsindex optimize` counted into term_top, plus the word's matches
 * among the articles stored since (newer ids), when the archive changed
 * only by those (the row counts agree) and by at most AND_FRESH_MAX of
 * them; else, or for a word in a quarter of the archive or more (where
 * rank.c's count corrects the id-range extrapolation), counted as rank.c
 * does. top: the prepared term_top lookup (NULL before schema 7).
 */
static int
word_df(arc_db_t *db, sqlite3_stmt *top, const and_token_t *w, const char *term,
        double n_rows, int64_t id_min, int64_t id_max, double *df)
{
    sqlite3_stmt *st = NULL;
    int64_t listed = 0, upto = 0, built = 0, fresh = -1, fresh_matches = 0;
    int rc;

    if (top && w->stem[0]) {
        sqlite3_reset(top);
        sqlite3_bind_text(top, 1, w->stem, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(top) == SQLITE_ROW) {
            listed = sqlite3_column_int64(top, 0);
            upto = sqlite3_column_int64(top, 1);
            built = sqlite3_column_int64(top, 2);
        }
        sqlite3_reset(top);
    }
    if (listed <= 0 || (double)listed * 4 >= n_rows)
        return Arc_rank_df_estimate(db, term, id_min, id_max, df);
    if ((int64_t)n_rows == built) {
        *df = (double)listed;
        return SQLITE_OK;
    }
    /* articles since the list, then the word's matches among them */
    rc = sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM (SELECT id FROM article"
                                     " WHERE id > ?1 LIMIT ?2)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, upto);
        sqlite3_bind_int64(st, 2, AND_FRESH_MAX + 1);
        if (sqlite3_step(st) == SQLITE_ROW)
            fresh = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
    }
    if (rc != SQLITE_OK)
        return rc;
    if (fresh < 0 || fresh > AND_FRESH_MAX || (int64_t)n_rows != built + fresh)
        return Arc_rank_df_estimate(db, term, id_min, id_max, df);
    rc = sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM article_fts WHERE article_fts"
                                     " MATCH ?1 AND rowid > ?2", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, upto);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            fresh_matches = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
    }
    *df = (double)(listed + fresh_matches);
    return rc;
}

/* Offer (id, score) to the k best in ids/scores (*n of them, unordered):
 * a row replaces the worst when it scores higher or, on a tie, is newer
 * (rows come oldest first; rank.c keeps the newer row of a tie too).
 * Returns the index of the worst after the offer when the k are full,
 * else -1. */
static long
offer(int64_t *ids, double *scores, size_t *n, size_t k, long worst, int64_t id, double s)
{
    if (*n < k) {
        ids[*n] = id;
        scores[(*n)++] = s;
        if (*n < k)
            return -1;
    } else if (s > scores[worst] || (s == scores[worst] && id > ids[worst])) {
        ids[worst] = id;
        scores[worst] = s;
    } else {
        return worst;
    }
    worst = 0;
    for (size_t i = 1; i < *n; i++)
        if (scores[i] < scores[worst] || (scores[i] == scores[worst] && ids[i] < ids[worst]))
            worst = (long)i;
    return worst;
}

/*
 * Visit every match of expr in [lo, hi), oldest first, keeping the k best
 * by arc_bm25_and under state st (its threshold follows the k-th best).
 * *seen counts the matches; past cap the pass stops and *capped is set.
 * An SQLite code.
 */
static int
pass(arc_db_t *db, and_state_t *st, const char *expr, int64_t lo, int64_t hi, int64_t cap,
     size_t k, int64_t *ids, double *scores, size_t *n, int64_t *seen, int *capped)
{
    sqlite3_stmt *q = NULL;
    long worst = -1;
    int rc = sqlite3_prepare_v2(db->sql, "SELECT rowid, arc_bm25_and(article_fts, ?1)"
                                         " FROM article_fts WHERE article_fts MATCH ?2"
                                         " AND rowid >= ?3 AND rowid < ?4 ORDER BY rowid",
                                -1, &q, NULL);

    *n = 0;
    *capped = 0;
    if (rc != SQLITE_OK)
        return rc;
    st->sql = db->sql;
    sqlite3_bind_pointer(q, 1, st, AND_PTR, NULL);
    sqlite3_bind_text(q, 2, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, lo);
    sqlite3_bind_int64(q, 4, hi > 0 ? hi : INT64_MAX);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (++*seen > cap) {
            *capped = 1;
            rc = SQLITE_DONE;
            break;
        }
        if (sqlite3_column_type(q, 1) == SQLITE_NULL)
            continue;
        worst = offer(ids, scores, n, k, worst, sqlite3_column_int64(q, 0),
                      sqlite3_column_double(q, 1));
        if (worst >= 0) {
            st->have_thr = 1;
            st->thr = scores[worst];
        }
    }
    sqlite3_finalize(q);
    sqlite3_blob_close(st->sizes);
    st->sizes = NULL;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Pool entries best first: (score desc, id desc). */
static void
sort_pool(int64_t *ids, double *scores, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && (scores[j - 1] < scores[j]
                                     || (scores[j - 1] == scores[j] && ids[j - 1] < ids[j])); j--) {
            int64_t ti = ids[j];
            double ts = scores[j];
            ids[j] = ids[j - 1];
            scores[j] = scores[j - 1];
            ids[j - 1] = ti;
            scores[j - 1] = ts;
        }
}

/*
 * One essential word beside words in more than half the archive ("zelung
 * reported"): those words get FTS5's IDF floor (1e-6) and add at most
 * `spread` to any score, so the answer is the essential word's best
 * articles that hold the others. Its matches alone are far cheaper to
 * visit than the conjunction (FTS5 would step through the frequent
 * words' lists to every one): keep its best AND_POOL(k) by its own score,
 * then check them best first against the whole query (one seek each),
 * scoring them exactly, until the next one, even with `spread` added,
 * cannot reach the k-th. *done = 0 when the pool ran out first (then the
 * whole conjunction is visited instead). An SQLite code.
 */
static int
floor_topk(arc_db_t *db, const and_state_t *full, const char *fts, const char *term,
           double df, double spread, int64_t lo, int64_t hi, size_t k, int64_t *ids,
           double *scores, size_t *n, int64_t *seen, int *done)
{
    and_state_t one, all = *full;
    size_t pool_k = AND_POOL(k), pool_n = 0;
    int64_t *pool_id = malloc(pool_k * sizeof *pool_id);
    double *pool_s = malloc(pool_k * sizeof *pool_s), kth = 0;
    sqlite3_stmt *chk = NULL;
    long worst = -1;
    int rc, capped = 0, settled = 0;

    *done = 0;
    *n = 0;
    if (!pool_id || !pool_s) {
        free(pool_id);
        free(pool_s);
        return SQLITE_NOMEM;
    }
    memset(&one, 0, sizeof one);
    one.n = 1;
    one.df[0] = df;
    rc = pass(db, &one, term, lo, hi, *seen + 2 * AND_MAX_SEEN, pool_k, pool_id, pool_s,
              &pool_n, seen, &capped);
    if (rc == SQLITE_OK && !capped)
        rc = sqlite3_prepare_v2(db->sql, "SELECT arc_bm25_and(article_fts, ?1) FROM article_fts"
                                         " WHERE article_fts MATCH ?2 AND rowid = ?3",
                                -1, &chk, NULL);
    if (rc == SQLITE_OK && !capped) {
        sort_pool(pool_id, pool_s, pool_n);
        all.have_thr = 0;       /* every checked row scored exactly */
        all.sql = db->sql;
        sqlite3_bind_pointer(chk, 1, &all, AND_PTR, NULL);
        sqlite3_bind_text(chk, 2, fts, -1, SQLITE_STATIC);
        for (size_t i = 0; i < pool_n && rc == SQLITE_OK; i++) {
            if (*n == k && pool_s[i] + spread < kth) {
                settled = 1;
                break;
            }
            sqlite3_reset(chk);
            sqlite3_bind_int64(chk, 3, pool_id[i]);
            (*seen)++;
            rc = sqlite3_step(chk);
            if (rc == SQLITE_ROW) {
                worst = offer(ids, scores, n, k, worst, pool_id[i], sqlite3_column_double(chk, 0));
                if (worst >= 0)
                    kth = scores[worst];
                rc = SQLITE_OK;
            } else if (rc == SQLITE_DONE) {
                rc = SQLITE_OK;
            }
        }
        /* the pool held every match of the word, or none outside it can
         * reach the k-th (each scores at most the pool's last + spread) */
        if (rc == SQLITE_OK && !settled
            && (pool_n < pool_k || (*n == k && pool_s[pool_n - 1] + spread < kth)))
            settled = 1;
    }
    sqlite3_finalize(chk);
    sqlite3_blob_close(all.sizes);
    free(pool_id);
    free(pool_s);
    if (rc == SQLITE_OK && settled)
        *done = 1;
    else
        *n = 0;
    return rc;
}

/* Contract in archive-private.h. */
int
Arc_rank_and_topk(arc_db_t *db, const char *fts, const char *const *terms, size_t n_terms,
                  int64_t lo, int64_t hi, int64_t id_min, int64_t id_max, size_t k,
                  int64_t *ids, double *scores, size_t *n, arc_rank_info_t *info, int *used)
{
    and_state_t s;
    and_token_t words[AND_MAX_WORDS];
    sqlite3_stmt *st = NULL;
    double rarest = -1, n_rows = 0;
    int64_t seen = 0;
    int rc, capped = 0;

    *used = 0;
    *n = 0;
    if (k == 0 || !plain_and(db, fts, terms, n_terms, words))
        return SQLITE_OK;
    memset(&s, 0, sizeof s);
    s.n = (int)n_terms;
    if ((rc = Arc_rank_rows(db, &n_rows)) != SQLITE_OK)
        return rc;
    /* no term_top before schema 7: every word counted */
    if (sqlite3_prepare_v2(db->sql, "SELECT df, upto, n_rows FROM term_top WHERE term = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    for (int i = 0; i < s.n && rc == SQLITE_OK; i++) {
        rc = word_df(db, st, &words[i], terms[i], n_rows, id_min, id_max, &s.df[i]);
        if (rarest < 0 || s.df[i] < rarest)
            rarest = s.df[i];
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        return rc;
    /* the rarest word bounds the iteration; the product of the document
     * frequencies over the archive, the matches of independent words */
    if (rarest > AND_MAX_DF)
        return SQLITE_OK;
    {
        double expect = n_rows;
        for (int i = 0; i < s.n; i++)
            expect *= n_rows > 0 ? s.df[i] / n_rows : 0;
        if (expect > AND_MAX_SEEN)
            return SQLITE_OK;
    }
    if ((rc = register_and_fn(db)) != SQLITE_OK)
        return rc;
    /* one essential word, the others at FTS5's IDF floor: its own
     * matches, checked */
    {
        int ess = -1, n_ess = 0;
        double spread = 0;
        for (int i = 0; i < s.n; i++) {
            double idf = n_rows > 0 ? log((n_rows - s.df[i] + 0.5) / (s.df[i] + 0.5)) : 0;
            if (idf > 1e-6) {
                ess = i;
                n_ess++;
            } else {
                spread += 1e-6 * (BM25_K1 + 1.0);
            }
        }
        if (n_ess == 1) {
            int done = 0;
            /* above rounding: a score is a sum of a few terms */
            spread = spread * 1.001 + 1e-9;
            rc = floor_topk(db, &s, fts, terms[ess], s.df[ess], spread, lo, hi, k, ids, scores,
                            n, &seen, &done);
            if (rc != SQLITE_OK || done) {
                info->exact = rc == SQLITE_OK;
                info->scored = seen;
                *used = rc == SQLITE_OK;
                return rc;
            }
        }
    }
    rc = pass(db, &s, fts, lo, hi, AND_MAX_SEEN + seen, k, ids, scores, n, &seen, &capped);
    if (rc != SQLITE_OK || capped) {
        /* words that go together far more than chance: the tiers of
         * rank.c answer instead */
        *n = 0;
        return rc;
    }
    info->exact = 1;
    info->scored = seen;
    *used = 1;
    return SQLITE_OK;
}
