/*
 * rank_phrase.c - lists of word pairs for phrase searches (issue 5; the
 * design is in docs/ranking.md, "Phrases of frequent words").
 *
 * FTS5 finds a phrase by walking the intersection of its words' doclists
 * and checking positions: for "the off are" that is every article holding
 * the three words, hundreds of thousands at a million articles, to find
 * fifty. `newsindex optimize` therefore stores, for every pair of adjacent
 * tokens that are both among the archive's PP_WORDS most frequent words,
 * the ids of the articles holding that pair (table phrase_pair: the ids
 * ascending as delta varints). A phrase whose adjacent frequent pairs have
 * lists gets its candidates by intersecting them (and, when still many,
 * the rowids of one of its other words), confirms each candidate by
 * tokenising the article with the index's own tokenizer (FTS5's phrase
 * rule: consecutive positions in one column), and scores it with the same
 * formula as arc_bm25. Articles with ids above the lists (stored since)
 * are searched by FTS5 itself; articles inserted with older ids or whose
 * text changed since are recorded by triggers in phrase_pair_stale and
 * checked one by one. Whenever that would cost more than FTS5's own walk
 * (no usable pair, too many candidates or stale rows) the lists are not
 * used: never wrong, only not faster. Without them a phrase is walked
 * forwards, FTS5's faster direction: whole when a word is rare, else in
 * chunks of the id range from the newest end until a newest page (or a
 * relevance search's budget) is full (chunk_scan).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

#define PP_WORDS 256          /* most frequent words whose pairs are listed */
#define PP_DENSE_DIV 4        /* a pair in more than 1/4 of the rows: no list */
#define PP_CONFIRM_MAX 300    /* candidates confirmed at most */
#define PP_STALE_MAX 2000     /* changed articles checked at most */
#define PP_RARE_CAP 20000     /* rowids of another word read at most */
#define PP_MAX_TOKENS 16      /* tokens of a phrase handled */
#define PP_TOK_MAX 64         /* bytes of a token handled */
#define PP_ASC_DF 20000       /* a word this rare: the phrase is walked forwards */
#define PP_CHUNK_GROW 32      /* growth of the chunks of a newest-first walk */

static const double pp_weight[3] = { 10.0, 3.0, 1.0 }; /* as arc_bm25 */

static int pp_enabled = 1;

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_enable(int on)
{
    pp_enabled = on;
}

/* ---- small helpers ---- */

typedef struct idvec {
    int64_t *v;
    size_t n, cap;
} idvec_t;

static int
idvec_push(idvec_t *a, int64_t id)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        int64_t *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = id;
    return 0;
}

/* Keep in a only the ids also in b (both ascending). */
static void
idvec_and(idvec_t *a, const idvec_t *b)
{
    size_t i = 0, j = 0, o = 0;

    while (i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else {
            a->v[o++] = a->v[i];
            i++;
            j++;
        }
    }
    a->n = o;
}

/* Tokens of a text as the index makes them: token i at positions. */
typedef struct toks {
    char tok[PP_MAX_TOKENS][PP_TOK_MAX + 1];
    int start[PP_MAX_TOKENS], end[PP_MAX_TOKENS];
    int n;
    int bad;                  /* colocated, too long or too many */
} toks_t;

static int
toks_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    toks_t *t = ctx;

    if ((tflags & FTS5_TOKEN_COLOCATED) || n <= 0 || n > PP_TOK_MAX || t->n >= PP_MAX_TOKENS) {
        t->bad = 1;
        return SQLITE_OK;
    }
    memcpy(t->tok[t->n], tok, (size_t)n);
    t->tok[t->n][n] = '\0';
    t->start[t->n] = start;
    t->end[t->n] = end;
    t->n++;
    return SQLITE_OK;
}

/* The tokens of the quoted FTS5 phrase fts ("..." of len bytes), as the
 * index makes them. Returns 1 when they are usable here (at least two,
 * none colocated or too long), 0 otherwise or without a tokenizer. */
static int
phrase_tokens(arc_db_t *db, const char *fts, size_t len, toks_t *ph)
{
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;

    memset(ph, 0, sizeof *ph);
    if (len < 2 || Arc_fts5_tokenizer(db, &tk, &tok))
        return 0;
    tk.xTokenize(tok, ph, FTS5_TOKENIZE_QUERY, fts + 1, (int)len - 2, toks_cb);
    tk.xDelete(tok);
    return !ph->bad && ph->n >= 2;
}

/* The FTS5 averages record: rows and tokens of all columns. */
static int
averages(arc_db_t *db, double *n_row, double *n_tok)
{
    sqlite3_stmt *st = NULL;
    uint64_t tokens = 0;
    int rc = sqlite3_prepare_v2(db->sql, "SELECT block FROM article_fts_data WHERE id = 1",
                                -1, &st, NULL);

    *n_row = *n_tok = 0;
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0), at = 0;
        /* SQLite varints: nRow then one total per column */
        for (int field = 0; field < 4 && p && at < len; field++) {
            uint64_t v = 0;
            for (int i = 0; at < len && i < 9; i++, at++) {
                if (i == 8) {
                    v = (v << 8) | p[at];
                    at++;
                    break;
                }
                v = (v << 7) | (p[at] & 0x7f);
                if (!(p[at] & 0x80)) {
                    at++;
                    break;
                }
            }
            if (field == 0)
                *n_row = (double)v;
            else
                tokens += v;
        }
        *n_tok = (double)tokens;   /* as xColumnTotalSize(-1): summed whole */
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* "a b", the key of a pair (each token at most PP_TOK_MAX bytes). */
static void
pair_key(char key[2 * PP_TOK_MAX + 2], const char *a, const char *b)
{
    size_t la = strnlen(a, PP_TOK_MAX), lb = strnlen(b, PP_TOK_MAX);

    memcpy(key, a, la);
    key[la] = ' ';
    memcpy(key + la + 1, b, lb);
    key[la + 1 + lb] = '\0';
}

/* ---- building (newsindex optimize) ---- */

#ifndef PP_BUILD_BUDGET      /* (-D for a benchmark of the moves) */
#define PP_BUILD_BUDGET ((size_t)32 << 20) /* bytes of lists held while building */
#endif

static size_t pp_budget = PP_BUILD_BUDGET;

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_build_budget(size_t bytes)
{
    pp_budget = bytes ? bytes : PP_BUILD_BUDGET;
}

/* One pair's list while building: the ids since the last move to the
 * temporary table (delta varints continuing from the ids moved before,
 * so that the pieces concatenate), or nothing once the pair is dense. */
typedef struct plist {
    unsigned char *b;
    size_t len, cap;
    int64_t last, n;          /* last id and ids of the whole list */
    int dense;                /* in more than 1/PP_DENSE_DIV of the rows */
} plist_t;

typedef struct builder {
    int k;                    /* words */
    plist_t *pl;              /* k * k pair lists */
    double n_row;             /* rows of the index: the dense line */
    size_t held;              /* bytes allocated to the lists */
    uint16_t *mark;           /* token at each position of a column (word + 1) */
    size_t mark_cap;
    int *occ;                 /* (column, position, word) of the row's words */
    size_t occ_n, occ_cap;
    int64_t *runs;            /* first temporary rowid of each move */
    size_t n_runs, runs_cap;
    int64_t next_row;         /* next temporary rowid */
    int failed;
} builder_t;

static int
plist_add(builder_t *b, plist_t *p, int64_t id)
{
    unsigned char tmp[10];
    size_t n;

    if (p->dense || (p->n > 0 && p->last == id))
        return 0;
    if ((double)(p->n + 1) * PP_DENSE_DIV > b->n_row) {
        /* dense: only marked in the end, so its ids are dropped now */
        b->held -= p->cap;
        free(p->b);
        p->b = NULL;
        p->len = p->cap = 0;
        p->dense = 1;
        p->n++;
        return 0;
    }
    n = Arc_varint_put(tmp, (uint64_t)(id - (p->n > 0 ? p->last : 0)));
    if (p->len + n > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        unsigned char *nb = realloc(p->b, cap);
        if (!nb)
            return -1;
        b->held += cap - p->cap;
        p->b = nb;
        p->cap = cap;
    }
    memcpy(p->b + p->len, tmp, n);
    p->len += n;
    p->last = id;
    p->n++;
    return 0;
}

/* Move every list held to the temporary table arc_pp_chunk (one row per
 * list, pairs in order: one "run"), freeing its memory. */
static int
lists_move(builder_t *b, sqlite3_stmt *ins)
{
    int rc = SQLITE_OK;

    if (b->n_runs == b->runs_cap) {
        size_t cap = b->runs_cap ? b->runs_cap * 2 : 16;
        int64_t *r = realloc(b->runs, cap * sizeof *r);
        if (!r)
            return SQLITE_NOMEM;
        b->runs = r;
        b->runs_cap = cap;
    }
    b->runs[b->n_runs++] = b->next_row;
    for (size_t i = 0; i < (size_t)b->k * (size_t)b->k && rc == SQLITE_OK; i++) {
        plist_t *p = &b->pl[i];
        if (p->len == 0)
            continue;
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, b->next_row++);
        sqlite3_bind_int64(ins, 2, (int64_t)i);
        sqlite3_bind_blob(ins, 3, p->b, (int)p->len, SQLITE_STATIC);
        rc = sqlite3_step(ins);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        b->held -= p->cap;
        free(p->b);
        p->b = NULL;
        p->len = p->cap = 0;
    }
    sqlite3_reset(ins);
    return rc;
}

/* arc_pp_collect(article_fts, builder): adds the current row to the
 * lists of every adjacent pair of the query's phrases (one word each). */
static void
collect_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
           int n_val, sqlite3_value **val)
{
    builder_t *b = n_val > 0 ? sqlite3_value_pointer(val[0], "arc_pp_builder") : NULL;
    int64_t id = api->xRowid(fts);
    int size[3] = { 0, 0, 0 }, rc = SQLITE_OK;
    size_t base[3], total = 0;

    if (!b || b->failed) {
        sqlite3_result_null(ctx);
        return;
    }
    for (int c = 0; c < 3 && rc == SQLITE_OK; c++) {
        rc = api->xColumnSize(fts, c, &size[c]);
        base[c] = total;
        total += (size_t)(size[c] > 0 ? size[c] : 0);
    }
    if (rc == SQLITE_OK && total + 1 > b->mark_cap) {
        uint16_t *m = realloc(b->mark, (total + 1) * 2 * sizeof *m);
        if (!m)
            rc = SQLITE_NOMEM;
        else {
            memset(m, 0, (total + 1) * 2 * sizeof *m);
            b->mark = m;
            b->mark_cap = (total + 1) * 2;
        }
    }
    b->occ_n = 0;
    for (int p = 0; p < b->k && rc == SQLITE_OK; p++) {
        Fts5PhraseIter it;
        int col = -1, off = -1;
        rc = api->xPhraseFirst(fts, p, &it, &col, &off);
        for (; rc == SQLITE_OK && col >= 0; api->xPhraseNext(fts, &it, &col, &off)) {
            if (col > 2 || off < 0 || off >= size[col])
                continue;
            if (b->occ_n + 3 > b->occ_cap) {
                size_t cap = b->occ_cap ? b->occ_cap * 2 : 1024;
                int *o = realloc(b->occ, cap * sizeof *o);
                if (!o) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                b->occ = o;
                b->occ_cap = cap;
            }
            b->occ[b->occ_n++] = col;
            b->occ[b->occ_n++] = off;
            b->occ[b->occ_n++] = p;
            b->mark[base[col] + (size_t)off] = (uint16_t)(p + 1);
        }
    }
    for (size_t i = 0; i < b->occ_n && rc == SQLITE_OK; i += 3) {
        int col = b->occ[i], off = b->occ[i + 1], p = b->occ[i + 2];
        if (off + 1 < size[col]) {
            int q = b->mark[base[col] + (size_t)off + 1];
            if (q && plist_add(b, &b->pl[(size_t)p * (size_t)b->k + (size_t)(q - 1)], id))
                rc = SQLITE_NOMEM;
        }
    }
    for (size_t i = 0; i < b->occ_n; i += 3)
        b->mark[base[b->occ[i]] + (size_t)b->occ[i + 1]] = 0;
    if (rc != SQLITE_OK) {
        b->failed = 1;
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_null(ctx);
}

static arc_status_t
register_collect(arc_db_t *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db->sql, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "finding the FTS5 API");
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2
        || api->xCreateFunction(api, "arc_pp_collect", NULL, collect_fn, NULL) != SQLITE_OK)
        return Arc_db_error(db, ARC_E_DB, "the FTS5 API is not available");
    return ARC_OK;
}

/* A move's rows, read in order: pair = -1 once all are read. */
typedef struct run {
    sqlite3_stmt *st;
    int64_t pair;
} run_t;

static int
run_next(run_t *r)
{
    int rc = sqlite3_step(r->st);

    r->pair = rc == SQLITE_ROW ? sqlite3_column_int64(r->st, 0) : -1;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A list put together from its pieces. */
typedef struct piece {
    unsigned char *b;
    size_t len, cap;
} piece_t;

static int
buf_put(piece_t *w, const void *data, size_t n)
{
    if (n == 0)
        return 0;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        unsigned char *nb;
        while (cap < w->len + n)
            cap *= 2;
        if (!(nb = realloc(w->b, cap)))
            return -1;
        w->b = nb;
        w->cap = cap;
    }
    memcpy(w->b + w->len, data, n);
    w->len += n;
    return 0;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_phrase_pairs_build(arc_db_t *db, int64_t *pairs, int64_t *bytes)
{
    char words[PP_WORDS][PP_TOK_MAX + 1];
    int k = 0, rc = SQLITE_OK;
    int64_t upto = 0;
    double n_row = 0, n_tok = 0;
    arc_buf_t expr = { NULL, 0, 0, 0 }, list = { NULL, 0, 0, 0 };
    builder_t b;
    sqlite3_stmt *st = NULL, *mv = NULL;
    run_t *cur = NULL;
    piece_t whole = { NULL, 0, 0 };
    int made = 0;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    arc_status_t s;

    *pairs = *bytes = 0;
    memset(&b, 0, sizeof b);
    if (sqlite3_exec(db->sql, "DELETE FROM phrase_pair; DELETE FROM phrase_pair_meta;"
                              " DELETE FROM phrase_pair_stale", NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "clearing the pair lists");
    if ((s = register_collect(db)) || (s = Arc_fts5_tokenizer(db, &tk, &tok)))
        return s;
    /* the most frequent words: those of the word lists (term_top, built
     * just before), kept when the word, written as a query, gives itself */
    rc = sqlite3_prepare_v2(db->sql, "SELECT term FROM term_top ORDER BY df DESC, term LIMIT ?1",
                            -1, &st, NULL);
    if (rc == SQLITE_OK)
        sqlite3_bind_int(st, 1, PP_WORDS);
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        toks_t t;
        memset(&t, 0, sizeof t);
        if (!w || strlen(w) > PP_TOK_MAX || strpbrk(w, "\" "))
            continue;
        tk.xTokenize(tok, &t, FTS5_TOKENIZE_QUERY, w, (int)strlen(w), toks_cb);
        if (t.bad || t.n != 1 || strcmp(t.tok[0], w) != 0)
            continue;
        snprintf(words[k], sizeof words[k], "%s", w);
        Arc_buf_add(&expr, k ? " OR \"" : "\"");
        Arc_buf_add(&expr, w);
        Arc_buf_add(&expr, "\"");
        Arc_buf_add(&list, k ? " " : "");
        Arc_buf_add(&list, w);
        k++;
    }
    sqlite3_finalize(st);
    st = NULL;
    tk.xDelete(tok);
    if (rc == SQLITE_OK)
        rc = averages(db, &n_row, &n_tok);
    if (rc == SQLITE_OK && (expr.failed || list.failed))
        rc = SQLITE_NOMEM;
    if (rc != SQLITE_OK || k < 2)
        goto done;
    if (sqlite3_prepare_v2(db->sql, "SELECT max(id) FROM article", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        upto = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    b.k = k;
    b.n_row = n_row;
    if (!(b.pl = calloc((size_t)k * (size_t)k, sizeof *b.pl))) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    /* lists beyond the memory budget wait in a temporary table (one row
     * per list and move, rowids in the order written) */
    rc = sqlite3_exec(db->sql, "DROP TABLE IF EXISTS temp.arc_pp_chunk;"
                               " CREATE TEMP TABLE arc_pp_chunk(pair INTEGER NOT NULL,"
                               " ids BLOB NOT NULL)", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        made = 1;
        rc = sqlite3_prepare_v2(db->sql, "INSERT INTO temp.arc_pp_chunk(rowid, pair, ids)"
                                         " VALUES (?1, ?2, ?3)", -1, &mv, NULL);
    }
    /* one pass over the index: every row holding one of the words, with
     * the positions of each (FTS5's own, so exactly what it matches) */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "SELECT arc_pp_collect(article_fts, ?2) FROM article_fts"
                                         " WHERE article_fts MATCH ?1 AND rowid <= ?3", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, expr.data, -1, SQLITE_STATIC);
        sqlite3_bind_pointer(st, 2, &b, "arc_pp_builder", NULL);
        sqlite3_bind_int64(st, 3, upto);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            if (b.held > pp_budget && (rc = lists_move(&b, mv)) != SQLITE_OK)
                break;
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK && b.failed)
        rc = SQLITE_NOMEM;
    /* the moves, read side by side (each in pair order): a list is its
     * pieces in the order moved, then what is still held */
    if (rc == SQLITE_OK && b.n_runs > 0 && !(cur = calloc(b.n_runs, sizeof *cur)))
        rc = SQLITE_NOMEM;
    for (size_t r = 0; r < b.n_runs && rc == SQLITE_OK; r++) {
        cur[r].pair = -1;
        rc = sqlite3_prepare_v2(db->sql, "SELECT pair, ids FROM temp.arc_pp_chunk"
                                         " WHERE rowid >= ?1 AND rowid < ?2 ORDER BY rowid", -1,
                                &cur[r].st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(cur[r].st, 1, b.runs[r]);
            sqlite3_bind_int64(cur[r].st, 2, r + 1 < b.n_runs ? b.runs[r + 1] : b.next_row);
            rc = run_next(&cur[r]);
        }
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "INSERT INTO phrase_pair(pair, n, ids)"
                                         " VALUES (?1, ?2, ?3)", -1, &st, NULL);
    for (int p = 0; p < k && rc == SQLITE_OK; p++) {
        for (int q = 0; q < k && rc == SQLITE_OK; q++) {
            size_t i = (size_t)p * (size_t)k + (size_t)q;
            plist_t *l = &b.pl[i];
            const unsigned char *ids = l->b;
            size_t len = l->len;
            char key[2 * PP_TOK_MAX + 2];
            int moved = 0;
            for (size_t r = 0; r < b.n_runs && rc == SQLITE_OK; r++) {
                if (cur[r].pair != (int64_t)i)
                    continue;
                if (!moved)
                    whole.len = 0;
                moved = 1;
                if (!l->dense && buf_put(&whole, sqlite3_column_blob(cur[r].st, 1),
                                         (size_t)sqlite3_column_bytes(cur[r].st, 1)))
                    rc = SQLITE_NOMEM;
                else
                    rc = run_next(&cur[r]);
            }
            if (rc != SQLITE_OK || l->n == 0)
                continue;      /* no row: the pair occurs nowhere */
            if (moved && !l->dense) {
                if (buf_put(&whole, l->b, l->len)) {
                    rc = SQLITE_NOMEM;
                    continue;
                }
                ids = whole.b;
                len = whole.len;
            }
            pair_key(key, words[p], words[q]);
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 2, l->dense ? -1 : l->n);
            if (l->dense)
                sqlite3_bind_null(st, 3);
            else
                sqlite3_bind_blob(st, 3, ids, (int)len, SQLITE_STATIC);
            rc = sqlite3_step(st);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
            (*pairs)++;
            if (!l->dense)
                *bytes += (int64_t)len + (int64_t)strlen(key);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK
        && (rc = sqlite3_prepare_v2(db->sql, "INSERT INTO phrase_pair_meta(id, upto, words)"
                                             " VALUES (1, ?1, ?2)", -1, &st, NULL)) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, upto);
        sqlite3_bind_text(st, 2, list.data, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
done:
    for (size_t r = 0; cur && r < b.n_runs; r++)
        sqlite3_finalize(cur[r].st);
    free(cur);
    sqlite3_finalize(mv);
    if (made) {
        int drc = sqlite3_exec(db->sql, "DROP TABLE IF EXISTS temp.arc_pp_chunk", NULL, NULL,
                               NULL);
        if (rc == SQLITE_OK)
            rc = drc;
    }
    if (b.pl)
        for (size_t i = 0; i < (size_t)k * (size_t)k; i++)
            free(b.pl[i].b);
    free(b.pl);
    free(b.mark);
    free(b.occ);
    free(b.runs);
    free(whole.b);
    Arc_buf_free(&expr);
    Arc_buf_free(&list);
    if (rc == SQLITE_NOMEM)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    if (rc != SQLITE_OK)
        return Arc_db_sqlerr(db, "building the pair lists");
    return ARC_OK;
}

/* ---- searching ---- */

/* One article checked against the phrase: the weighted count of its
 * instances and its length in tokens, as arc_bm25 sees them. */
typedef struct confirm {
    const toks_t *ph;         /* the phrase's tokens */
    int col;
    int pos;                  /* next position in the column */
    int dl;                   /* tokens of the row */
    int ring[PP_MAX_TOKENS];  /* matched prefix lengths ending at pos */
    double freq;
    int failed;
} confirm_t;

static int
confirm_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    confirm_t *c = ctx;
    const toks_t *ph = c->ph;
    int m, pos;

    (void)start;
    (void)end;
    if (tflags & FTS5_TOKEN_COLOCATED) {
        c->failed = 1;        /* never made by this tokenizer */
        return SQLITE_OK;
    }
    pos = c->pos++;
    c->dl++;
    /* the longest prefix of the phrase that ends at pos: extend every
     * prefix that ended at pos - 1 (kept per length, the phrase is short) */
    for (m = ph->n; m >= 1; m--) {
        int prev_ok = m == 1 || (pos >= 1 && c->ring[m - 2] == pos - 1);
        int is = prev_ok && (int)strlen(ph->tok[m - 1]) == n
                 && memcmp(ph->tok[m - 1], tok, (size_t)n) == 0;
        if (is) {
            c->ring[m - 1] = pos;
            if (m == ph->n)
                c->freq += pp_weight[c->col];
        }
    }
    return SQLITE_OK;
}

/* Read and tokenise article id: *match when it holds the phrase, with the
 * row's weighted frequency and length. */
static int
confirm_one(arc_db_t *db, sqlite3_stmt *row, fts5_tokenizer *tk, Fts5Tokenizer *tok,
            const toks_t *ph, int64_t id, int *match, double *freq, int *dl)
{
    confirm_t c;
    int rc;

    *match = 0;
    (void)db;
    sqlite3_reset(row);
    sqlite3_bind_int64(row, 1, id);
    rc = sqlite3_step(row);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;     /* deleted */
    if (rc != SQLITE_ROW)
        return rc;
    memset(&c, 0, sizeof c);
    c.ph = ph;
    for (int col = 0; col < 3; col++) {
        const char *t = (const char *)sqlite3_column_text(row, col);
        int len = sqlite3_column_bytes(row, col);
        c.col = col;
        c.pos = 0;
        for (int i = 0; i < PP_MAX_TOKENS; i++)
            c.ring[i] = -2;
        if (t && len > 0 && (rc = tk->xTokenize(tok, &c, FTS5_TOKENIZE_DOCUMENT, t, len,
                                                confirm_cb)) != SQLITE_OK)
            return rc;
    }
    if (c.failed)
        return SQLITE_MISMATCH;
    *match = c.freq > 0;
    *freq = c.freq;
    *dl = c.dl;
    return SQLITE_OK;
}

/* The ids of pair "a b" (ascending) into out; *state 0 no row (the pair
 * occurs in no listed article), 1 a list, 2 too frequent to be listed. */
static int
pair_ids(sqlite3_stmt *st, const char *a, const char *b, int64_t lo, int64_t hi,
         idvec_t *out, int *state)
{
    char key[2 * PP_TOK_MAX + 2];
    int rc;

    out->n = 0;
    *state = 0;
    pair_key(key, a, b);
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    if (rc != SQLITE_ROW)
        return rc;
    if (sqlite3_column_int64(st, 0) < 0) {
        *state = 2;
        return SQLITE_OK;
    }
    *state = 1;
    {
        const unsigned char *p = sqlite3_column_blob(st, 1);
        const unsigned char *end = p + sqlite3_column_bytes(st, 1);
        int64_t id = 0;
        uint64_t d;
        while (p && p < end && Arc_varint_get(&p, end, &d) == 0) {
            id += (int64_t)d;
            if (id >= hi)
                break;
            if (id >= lo && idvec_push(out, id))
                return SQLITE_NOMEM;
        }
    }
    return SQLITE_OK;
}

static double
pp_idf(double n_row, double df)
{
    double idf;

    if (df > n_row)
        df = n_row;
    idf = log((n_row - df + 0.5) / (df + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

/* The document frequency the word lists (term_top) give a token: 0 when
 * they have no row for it (then it is in fewer than their minimum). */
static int64_t
term_df(arc_db_t *db, const char *tok)
{
    sqlite3_stmt *st = NULL;
    int64_t d = 0;

    if (sqlite3_prepare_v2(db->sql, "SELECT df FROM term_top WHERE term = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        d = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return d;
}

/* Arc_phrase_pairs_scan through the pair lists. */
static arc_status_t
lists_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df,
           int64_t max, int64_t **ids_out, double **scores_out, size_t *n_out,
           int *more, int *used)
{
    toks_t ph;
    size_t len = fts ? strlen(fts) : 0;
    int in_f[PP_MAX_TOKENS], rc = SQLITE_OK, n_lists = 0;
    int64_t upto = 0, stale_n = 0, hi_list, id_max = INT64_MAX;
    double n_row = 0, n_tok = 0, idf, avgdl;
    idvec_t cand = { NULL, 0, 0 }, tmp = { NULL, 0, 0 }, stale = { NULL, 0, 0 };
    idvec_t out_id = { NULL, 0, 0 };
    double *out_s = NULL;
    char *words = NULL;
    sqlite3_stmt *st = NULL, *row = NULL;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;

    *ids_out = NULL;
    *scores_out = NULL;
    *n_out = 0;
    *more = 0;
    *used = 0;
    if (hi <= 0)
        hi = INT64_MAX;
    /* one plain phrase: "w1 w2 ..." and nothing else */
    if (!pp_enabled || pp_enabled == 3 || len < 5 || fts[0] != '"' || fts[len - 1] != '"'
        || memchr(fts + 1, '"', len - 2) || !memchr(fts + 1, ' ', len - 2))
        return ARC_OK;
    if (sqlite3_prepare_v2(db->sql, "SELECT upto, words, (SELECT max(id) FROM article)"
                           " FROM phrase_pair_meta WHERE id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return ARC_OK;        /* no lists in this archive */
    if (sqlite3_step(st) == SQLITE_ROW) {
        upto = sqlite3_column_int64(st, 0);
        words = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        id_max = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!words)
        return ARC_OK;
    if (Arc_fts5_tokenizer(db, &tk, &tok)) {
        free(words);
        return ARC_OK;
    }
    memset(&ph, 0, sizeof ph);
    tk.xTokenize(tok, &ph, FTS5_TOKENIZE_QUERY, fts + 1, (int)len - 2, toks_cb);
    if (ph.bad || ph.n < 2)
        goto decline;
    for (int i = 0; i < ph.n; i++) {
        const char *w = words, *e;
        size_t tl = strlen(ph.tok[i]);
        in_f[i] = 0;
        for (; *w; w = *e ? e + 1 : e) {
            e = strchr(w, ' ');
            if (!e)
                e = w + strlen(w);
            if ((size_t)(e - w) == tl && memcmp(w, ph.tok[i], tl) == 0) {
                in_f[i] = 1;
                break;
            }
        }
    }
    /* changed or late articles since the lists: checked one by one */
    rc = sqlite3_prepare_v2(db->sql, "SELECT id FROM phrase_pair_stale WHERE id >= ?1 AND id < ?2"
                                     " ORDER BY id LIMIT ?3", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, hi);
        sqlite3_bind_int64(st, 3, PP_STALE_MAX + 1);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            if (idvec_push(&stale, sqlite3_column_int64(st, 0)))
                rc = SQLITE_NOMEM;
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        stale_n = (int64_t)stale.n;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK || stale_n > PP_STALE_MAX)
        goto decline;
    /* the candidates: articles holding every listed pair */
    hi_list = upto < INT64_MAX ? upto + 1 : upto;
    if (hi_list > hi)
        hi_list = hi;
    rc = sqlite3_prepare_v2(db->sql, "SELECT n, ids FROM phrase_pair WHERE pair = ?1", -1, &st,
                            NULL);
    for (int i = 0; i + 1 < ph.n && rc == SQLITE_OK; i++) {
        int state;
        if (!in_f[i] || !in_f[i + 1])
            continue;
        rc = pair_ids(st, ph.tok[i], ph.tok[i + 1], lo, hi_list, &tmp, &state);
        if (rc != SQLITE_OK || state == 2)
            continue;
        if (n_lists++ == 0) {
            idvec_t t = cand;
            cand = tmp;
            tmp = t;
        } else {
            idvec_and(&cand, &tmp);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK || n_lists == 0)
        goto decline;
    /* still many: keep those holding another word, by its rowids */
    for (int i = 0; i < ph.n && rc == SQLITE_OK && cand.n > PP_CONFIRM_MAX / 4; i++) {
        arc_buf_t q = { NULL, 0, 0, 0 };
        int64_t seen = 0;
        if (in_f[i] || term_df(db, ph.tok[i]) > PP_RARE_CAP)
            continue;
        Arc_buf_add(&q, "\"");
        Arc_buf_addn(&q, fts + 1 + ph.start[i], (size_t)(ph.end[i] - ph.start[i]));
        Arc_buf_add(&q, "\"");
        rc = q.failed ? SQLITE_NOMEM
                      : sqlite3_prepare_v2(db->sql, "SELECT rowid FROM article_fts WHERE"
                                           " article_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3"
                                           " LIMIT ?4", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            tmp.n = 0;
            sqlite3_bind_text(st, 1, q.data, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, cand.v[0]);
            sqlite3_bind_int64(st, 3, cand.v[cand.n - 1]);
            sqlite3_bind_int64(st, 4, PP_RARE_CAP + 1);
            while ((rc = sqlite3_step(st)) == SQLITE_ROW && seen++ <= PP_RARE_CAP)
                if (idvec_push(&tmp, sqlite3_column_int64(st, 0)))
                    rc = SQLITE_NOMEM;
            rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
            if (rc == SQLITE_OK && seen <= PP_RARE_CAP)
                idvec_and(&cand, &tmp);
        }
        sqlite3_finalize(st);
        st = NULL;
        Arc_buf_free(&q);
    }
    if (rc != SQLITE_OK || cand.n > PP_CONFIRM_MAX)
        goto decline;
    /* the stale articles join the candidates (ascending, once) */
    for (size_t i = 0; i < stale.n; i++)
        if (stale.v[i] < hi_list && idvec_push(&cand, stale.v[i]))
            rc = SQLITE_NOMEM;
    if (rc != SQLITE_OK || averages(db, &n_row, &n_tok) != SQLITE_OK || n_row <= 0)
        goto decline;
    idf = pp_idf(n_row, df);
    avgdl = n_tok / n_row;
    /* newest first: the articles stored since the lists (FTS5 itself,
     * walked forwards: a backward walk of a phrase with a lower bound
     * first seeks through every page of its words), then the confirmed
     * candidates */
    rc = sqlite3_prepare_v2(db->sql, "SELECT rowid, arc_bm25(article_fts, 1, ?2) FROM article_fts"
                                     " WHERE article_fts MATCH ?1 AND rowid >= ?3 AND rowid < ?4"
                                     " ORDER BY rowid ASC", -1, &st, NULL);
    if (rc == SQLITE_OK && hi_list < hi && hi_list <= id_max) {
        sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, df);
        sqlite3_bind_int64(st, 3, hi_list > lo ? hi_list : lo);
        sqlite3_bind_int64(st, 4, hi);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            double *s;
            if (idvec_push(&out_id, sqlite3_column_int64(st, 0))
                || !(s = realloc(out_s, out_id.cap * sizeof *s))) {
                rc = SQLITE_NOMEM;
                break;
            }
            out_s = s;
            out_s[out_id.n - 1] = sqlite3_column_double(st, 1);
        }
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        for (size_t i = 0; rc == SQLITE_OK && i < out_id.n / 2; i++) {
            int64_t t = out_id.v[i];
            double d = out_s[i];
            out_id.v[i] = out_id.v[out_id.n - 1 - i];
            out_s[i] = out_s[out_id.n - 1 - i];
            out_id.v[out_id.n - 1 - i] = t;
            out_s[out_id.n - 1 - i] = d;
        }
        if ((int64_t)out_id.n > max) {
            out_id.n = (size_t)max;
            *more = 1;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        goto fail;
    /* candidates newest first; a stale id may repeat a listed one */
    if (cand.n > 1) {
        /* sort ascending (the stale ids were appended), then walk down */
        for (size_t i = 1; i < cand.n; i++) {
            int64_t v = cand.v[i];
            size_t j = i;
            for (; j > 0 && cand.v[j - 1] > v; j--)
                cand.v[j] = cand.v[j - 1];
            cand.v[j] = v;
        }
    }
    rc = sqlite3_prepare_v2(db->sql, "SELECT title, summary, arc_body(body, id) FROM article WHERE id = ?1",
                            -1, &row, NULL);
    for (size_t i = cand.n; i-- > 0 && rc == SQLITE_OK && !*more;) {
        int match = 0, dl = 0;
        double freq = 0, *s;
        if (i + 1 < cand.n && cand.v[i] == cand.v[i + 1])
            continue;
        rc = confirm_one(db, row, &tk, tok, &ph, cand.v[i], &match, &freq, &dl);
        if (rc != SQLITE_OK || !match)
            continue;
        if ((int64_t)out_id.n >= max) {
            *more = 1;
            break;
        }
        if (idvec_push(&out_id, cand.v[i]) || !(s = realloc(out_s, out_id.cap * sizeof *s))) {
            rc = SQLITE_NOMEM;
            break;
        }
        out_s = s;
        /* arc_bm25's expression, term for term */
        out_s[out_id.n - 1] = 0.0 + idf * (freq * (1.2 + 1.0))
                              / (freq + 1.2 * (1.0 - 0.75 + 0.75 * (double)dl / avgdl));
    }
    sqlite3_finalize(row);
    if (rc == SQLITE_MISMATCH)
        goto decline;
    if (rc != SQLITE_OK)
        goto fail;
    *ids_out = out_id.v;
    *scores_out = out_s;
    *n_out = out_id.n;
    *used = 1;
    free(cand.v);
    free(tmp.v);
    free(stale.v);
    free(words);
    tk.xDelete(tok);
    return ARC_OK;
fail:
    free(out_id.v);
    free(out_s);
    free(cand.v);
    free(tmp.v);
    free(stale.v);
    free(words);
    tk.xDelete(tok);
    if (rc == SQLITE_NOMEM)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    return Arc_db_sqlerr(db, "searching the pair lists");
decline:
    free(out_id.v);
    free(out_s);
    free(cand.v);
    free(tmp.v);
    free(stale.v);
    free(words);
    tk.xDelete(tok);
    if (rc == SQLITE_NOMEM)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    return ARC_OK;
}

/*
 * Without lists: a phrase with a word the word lists put in at most
 * PP_ASC_DF articles (or do not list) rarely has more than max matches
 * (the budget of a relevance search, the page of a newest-first one);
 * one walk in rowid order then finds them all, and FTS5 walks its
 * doclists about half again as fast forwards as backwards (a backward
 * walk of a phrase with a rowid bound first seeks through the pages of
 * its words). When the walk meets more than max matches it stops, having
 * walked the oldest part only, and the caller's backward walk answers.
 */
static arc_status_t
asc_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df, int64_t max,
         int64_t **ids_out, double **scores_out, size_t *n_out, int *more, int *used)
{
    toks_t ph;
    size_t len = strlen(fts);
    int best = -1, rc, over = 0;
    int64_t best_df = INT64_MAX;
    idvec_t out = { NULL, 0, 0 };
    double *sc = NULL;
    sqlite3_stmt *st = NULL;

    (void)more;               /* set only by the lists and the chunks */
    if (hi <= 0)
        hi = INT64_MAX;
    if (!phrase_tokens(db, fts, len, &ph))
        return ARC_OK;
    /* the rarest word by the word lists (a word without a row is rarer
     * than every listed one) */
    rc = sqlite3_prepare_v2(db->sql, "SELECT df FROM term_top WHERE term = ?1", -1, &st, NULL);
    for (int i = 0; i < ph.n && rc == SQLITE_OK; i++) {
        int64_t d = 0;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, ph.tok[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            d = sqlite3_column_int64(st, 0);
        if (d < best_df) {
            best_df = d;
            best = i;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    /* no word lists, or every word in more than PP_ASC_DF articles (the
     * phrase may well have more than max matches, and their newest max
     * are wanted): FTS5's own backward walk */
    if (rc != SQLITE_OK || best < 0 || best_df > PP_ASC_DF)
        return ARC_OK;
    rc = sqlite3_prepare_v2(db->sql, "SELECT rowid, arc_bm25(article_fts, 1, ?2) FROM article_fts"
                                     " WHERE article_fts MATCH ?1 AND rowid >= ?3 AND rowid < ?4"
                                     " ORDER BY rowid ASC", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, df);
        sqlite3_bind_int64(st, 3, lo);
        sqlite3_bind_int64(st, 4, hi);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            double *s2;
            if ((int64_t)out.n >= max) {
                rc = SQLITE_DONE;       /* more than max: not the newest */
                over = 1;
                break;
            }
            if (idvec_push(&out, sqlite3_column_int64(st, 0))
                || !(s2 = realloc(sc, out.cap * sizeof *s2))) {
                rc = SQLITE_NOMEM;
                break;
            }
            sc = s2;
            sc[out.n - 1] = sqlite3_column_double(st, 1);
        }
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        free(out.v);
        free(sc);
        if (rc == SQLITE_NOMEM)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        return Arc_db_sqlerr(db, "searching a phrase");
    }
    /* newest first, the newest max of them */
    for (size_t i = 0; i < out.n / 2; i++) {
        int64_t t = out.v[i];
        double d = sc[i];
        out.v[i] = out.v[out.n - 1 - i];
        sc[i] = sc[out.n - 1 - i];
        out.v[out.n - 1 - i] = t;
        sc[out.n - 1 - i] = d;
    }
    if (over) {
        /* more than max: FTS5's backward walk finds the newest */
        free(out.v);
        free(sc);
        return ARC_OK;
    }
    *ids_out = out.v;
    *scores_out = sc;
    *n_out = out.n;
    *used = 1;
    return ARC_OK;
}

/*
 * Newest first without lists, bounded by max (a newest page, or the
 * budget of a relevance search): FTS5 walks a phrase of common words
 * ~1.25x faster forwards than backwards (ORDER BY rowid DESC), so the id
 * range is cut into chunks from its newest end and each chunk is walked
 * forwards; the walk stops after the chunk that brings the matches to
 * max. The first chunk is 1/1024 of the range (a dense phrase's page is
 * there); the chunks grow 32-fold while nothing is found (a phrase with
 * few matches walks the range in 3 statements: more, smaller ones cost
 * more than they save, each restarting FTS5's iterators), else to the
 * size that the density met so far says holds the matches still wanted.
 * The newest max matches are those of FTS5's backward walk; *more = 1
 * when the walk stopped with max of them and older ids were left
 * unwalked, or met more than max.
 */
static arc_status_t
chunk_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df, int64_t max,
           int64_t **ids_out, double **scores_out, size_t *n_out, int *more, int *used)
{
    toks_t ph;
    size_t len = strlen(fts);
    int rc = SQLITE_OK;
    int64_t id_min = 0, id_max = -1, a, b, top, size;
    idvec_t out = { NULL, 0, 0 }, chunk = { NULL, 0, 0 };
    double *sc = NULL, *csc = NULL;
    size_t csc_cap = 0;
    sqlite3_stmt *st = NULL;

    if (hi <= 0)
        hi = INT64_MAX;
    if (max <= 0 || !phrase_tokens(db, fts, len, &ph))
        return ARC_OK;
    rc = sqlite3_prepare_v2(db->sql, "SELECT (SELECT min(id) FROM article),"
                                     " (SELECT max(id) FROM article)", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW
        && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        id_min = sqlite3_column_int64(st, 0);
        id_max = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        goto fail;
    a = lo > id_min ? lo : id_min;
    b = top = id_max < hi - 1 ? id_max + 1 : hi;
    size = b - a < 1024 ? b - a : (b - a) / 1024;
    if (size < 1)
        size = 1;
    rc = sqlite3_prepare_v2(db->sql, "SELECT rowid, arc_bm25(article_fts, 1, ?2) FROM article_fts"
                                     " WHERE article_fts MATCH ?1 AND rowid >= ?3 AND rowid < ?4"
                                     " ORDER BY rowid ASC", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, df);
    }
    while (rc == SQLITE_OK && b > a && (int64_t)out.n < max) {
        int64_t ca = b - a > size ? b - size : a, need;
        chunk.n = 0;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 3, ca);
        sqlite3_bind_int64(st, 4, b);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (idvec_push(&chunk, sqlite3_column_int64(st, 0))) {
                rc = SQLITE_NOMEM;
                break;
            }
            if (chunk.cap > csc_cap) {
                double *t = realloc(csc, chunk.cap * sizeof *t);
                if (!t) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                csc = t;
                csc_cap = chunk.cap;
            }
            csc[chunk.n - 1] = sqlite3_column_double(st, 1);
        }
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        /* the chunk's matches, newest first, after the newer ones */
        for (size_t i = chunk.n; rc == SQLITE_OK && i-- > 0;) {
            double *t;
            if (idvec_push(&out, chunk.v[i]) || !(t = realloc(sc, out.cap * sizeof *t))) {
                rc = SQLITE_NOMEM;
                break;
            }
            sc = t;
            sc[out.n - 1] = csc[i];
        }
        b = ca;
        /* the next chunk: 32 times larger while nothing is found, else
         * what the density so far says holds the rest (a quarter more),
         * within [size, 32 size] */
        need = max - (int64_t)out.n;
        if (out.n == 0 || need <= 0) {
            size = size > INT64_MAX / PP_CHUNK_GROW ? INT64_MAX : size * PP_CHUNK_GROW;
        } else {
            double covered = (double)(top - b);
            double want = 1.25 * (double)need * covered / (double)out.n;
            int64_t next = want > 9e18 ? INT64_MAX : (int64_t)want;
            if (next < size)
                next = size;
            if (next / PP_CHUNK_GROW > size)
                next = size > INT64_MAX / PP_CHUNK_GROW ? INT64_MAX : size * PP_CHUNK_GROW;
            size = next;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        goto fail;
    if ((int64_t)out.n > max || ((int64_t)out.n == max && b > a)) {
        out.n = (size_t)max;
        *more = 1;
    }
    free(chunk.v);
    free(csc);
    *ids_out = out.v;
    *scores_out = sc;
    *n_out = out.n;
    *used = 1;
    return ARC_OK;
fail:
    sqlite3_finalize(st);
    free(out.v);
    free(sc);
    free(chunk.v);
    free(csc);
    if (rc == SQLITE_NOMEM)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    return Arc_db_sqlerr(db, "searching a phrase");
}

/* Contract in archive-private.h. */
arc_status_t
Arc_phrase_pairs_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df,
                      int64_t max, int64_t walk_max, int64_t **ids, double **scores, size_t *n,
                      int *more, int *used)
{
    size_t len = fts ? strlen(fts) : 0;
    arc_status_t s;

    *ids = NULL;
    *scores = NULL;
    *n = 0;
    *more = 0;
    *used = 0;
    /* one plain phrase: "w1 w2 ..." and nothing else */
    if (!pp_enabled || len < 5 || fts[0] != '"' || fts[len - 1] != '"'
        || memchr(fts + 1, '"', len - 2) || !memchr(fts + 1, ' ', len - 2))
        return ARC_OK;
    s = lists_scan(db, fts, lo, hi, df, max, ids, scores, n, more, used);
    if (s != ARC_OK || *used || pp_enabled == 2 || walk_max <= 0)
        return s;
    /* a rare word: one forward walk while the matches fit */
    if (pp_enabled != 3)
        s = asc_scan(db, fts, lo, hi, df, walk_max < max ? walk_max : max, ids, scores, n,
                     more, used);
    /* else newest first up to max: forward walks from the newest end */
    if (s == ARC_OK && !*used && max < INT64_MAX && max <= walk_max)
        s = chunk_scan(db, fts, lo, hi, df, max, ids, scores, n, more, used);
    return s;
}
