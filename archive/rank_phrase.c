/*
 * rank_phrase.c - lists of word pairs for phrase searches (issue 5; the
 * design is in docs/ranking.md, "Phrases of frequent words").
 *
 * FTS5 finds a phrase by walking the intersection of its words' doclists
 * and checking positions: for "the off are" that is every article holding
 * the three words, hundreds of thousands at a million articles, to find
 * fifty. `newsindex optimize` therefore stores, for every pair of adjacent
 * tokens that are both listed words, one of them among the archive's
 * PP_WORDS most frequent words (the other may be any word in at least
 * 1/PP_MID_DIV of the rows: "common grams"), the articles holding that
 * pair (table phrase_pair: their ordinals in id order, ascending as delta
 * varints; phrase_pair_ord maps ordinals to ids). A phrase whose adjacent
 * listed pairs have lists gets its candidates by intersecting them (and,
 * when still many, the rowids of one of its other words), confirms each
 * candidate by tokenising the article with the index's own tokenizer
 * (FTS5's phrase rule: consecutive positions in one column), and scores it
 * with the same formula as arc_bm25. Articles with ids above the lists
 * (stored since) are searched by FTS5 itself; articles inserted with older
 * ids or whose text changed since are recorded in phrase_pair_stale and
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

#define PP_WORDS 256          /* most frequent words: their pairs are listed */
#define PP_MID_DIV 200        /* a word in 1/200 of the rows: listed beside them */
#define PP_VOCAB_MAX 16384    /* words listed at most, frequent ones included */
#define PP_ORD_BLOCK 4096     /* ids per row of phrase_pair_ord */
#define PP_MOVE_MIN 256       /* bytes of a list that moves first */
#define PP_BUILD_CACHE_KIB "8192" /* page cache while building */
#define PP_DENSE_DIV 4        /* a pair in more than 1/4 of the rows: no list */
#define PP_CONFIRM_MAX 300    /* candidates confirmed at most */
#define PP_CONFIRM_FAST 1000  /* the same, confirmed from windows */
#define PP_SAMPLE 400         /* a relevance search over those: the newest confirmed */
#define PP_SAMPLE_DIV 10      /* ... when every word is in 1/10 of the rows or more */
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

/* The SQLite varint at p[*at] (of len bytes: 7 bits a byte, high bit set
 * on all but the last, a ninth byte gives 8 bits), *at moved past it. */
static uint64_t
sqlite_varint(const unsigned char *p, int len, int *at)
{
    uint64_t v = 0;

    for (int i = 0; *at < len && i < 9; i++) {
        unsigned char c = p[(*at)++];
        if (i == 8)
            return (v << 8) | c;
        v = (v << 7) | (c & 0x7f);
        if (!(c & 0x80))
            break;
    }
    return v;
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
            uint64_t v = sqlite_varint(p, len, &at);
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

/* The key of pair "a b" in phrase_pair: the two words' places in the
 * order of spelling (phrase_pair_word.ix), so that the table is a rowid
 * table. Since schema 16: keyed by the text "a b" it was an index b-tree,
 * where a row over ~2 KB keeps 1 KB in the leaf and the rest on overflow
 * pages of its own, about half of each left empty (a third of the
 * table's 920 MB at 1M articles); a rowid table keeps rows of up to 8 KB
 * whole in its leaves. */
static int64_t
pair_key(uint32_t ix_a, uint32_t ix_b, int lead)
{
    return (int64_t)(lead ? 1 : 0) << 32 | (int64_t)ix_a << 16 | ix_b;
}

/* ---- building (newsindex optimize) ---- */

#ifndef PP_BUILD_BUDGET      /* (-D for a benchmark of the moves) */
#define PP_BUILD_BUDGET ((size_t)32 << 20) /* bytes of lists held while building */
#endif

static size_t pp_budget = PP_BUILD_BUDGET;
static int64_t pp_sample = PP_SAMPLE;
static int pp_confirm_fast = PP_CONFIRM_FAST, pp_confirm_max = PP_CONFIRM_MAX;
static int pp_sample_div = PP_SAMPLE_DIV;

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_sample(int64_t n, int confirm_fast, int confirm_max, int div)
{
    pp_sample = n > 0 ? n : PP_SAMPLE;
    pp_sample_div = div > 0 ? div : PP_SAMPLE_DIV;
    pp_confirm_fast = confirm_fast > 0 ? confirm_fast : PP_CONFIRM_FAST;
    pp_confirm_max = confirm_max > 0 ? confirm_max : PP_CONFIRM_MAX;
}
static int pp_ord_block = PP_ORD_BLOCK;
static int pp_words = PP_WORDS;
static int pp_mid_div = PP_MID_DIV;

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_build_budget(size_t bytes)
{
    pp_budget = bytes ? bytes : PP_BUILD_BUDGET;
}

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_ord_block(int ids)
{
    pp_ord_block = ids > 0 && ids <= PP_ORD_BLOCK ? ids : PP_ORD_BLOCK;
}

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_build_words(int frequent, int mid_div)
{
    pp_words = frequent > 0 && frequent <= PP_WORDS ? frequent : PP_WORDS;
    pp_mid_div = mid_div > 0 ? mid_div : PP_MID_DIV;
}

/* One pair's list while building: the ordinals since the last move to
 * the temporary table (delta varints continuing from the ordinals moved
 * before, so that the pieces concatenate), or nothing once the pair is
 * dense. */
typedef struct plist {
    union {
        unsigned char in[8];  /* len <= 8: the bytes themselves */
        unsigned char *b;     /* else allocated (the next power of two) */
    } u;
    uint32_t len;             /* bytes since the last move */
    uint32_t n : 30;          /* ordinals of the whole list */
    uint32_t dense : 1;       /* in more than 1/PP_DENSE_DIV of the rows */
    uint32_t lead : 1;        /* the pair in the title or summary only */
    int32_t last;             /* last ordinal, -1 before the first */
    uint16_t w1, w2;          /* the pair's words */
} plist_t;

#define PL_INLINE 8

/* The bytes allocated to a list of len bytes (0 while inline). */
static uint32_t
plist_cap(uint32_t len)
{
    uint32_t cap = 16;

    if (len <= PL_INLINE)
        return 0;
    while (cap < len)
        cap *= 2;
    return cap;
}

static const unsigned char *
plist_bytes(const plist_t *p)
{
    return p->len <= PL_INLINE ? p->u.in : p->u.b;
}

static void
plist_clear(plist_t *p)
{
    if (p->len > PL_INLINE)
        free(p->u.b);
    p->len = 0;
}

typedef struct builder {
    char (*word)[PP_TOK_MAX + 1]; /* the listed words, most frequent first */
    int k, k_freq;            /* words, and how many of them are frequent */
    int32_t *wslot;           /* word hash: index + 1, 0 empty */
    uint32_t wmask;
    plist_t *pl;              /* the pairs met so far */
    uint32_t n_pl, cap_pl;
    uint32_t *pslot;          /* index into pl + 1 of each possible pair, 0 none */
    double n_row;             /* rows of the index: the dense line */
    size_t held;              /* bytes allocated to the lists */
    int32_t ord;              /* ordinal of the article being read */
    int prev;                 /* listed word at the previous position, or -1 */
    int col;                  /* the column being read: 1 title, 2 summary, 3 body */
    int64_t *runs;            /* first temporary rowid of each move */
    size_t n_runs, runs_cap;
    int64_t next_row;         /* next temporary rowid */
    uint32_t *by;             /* the words in the order of spelling */
    uint32_t *fby;            /* the frequent words in the order of spelling */
    uint32_t *rank;           /* each word's place in the order of spelling */
    int failed;               /* an SQLite code */
} builder_t;

static int
word_find(const builder_t *b, const char *tok, int n)
{
    uint32_t i = (uint32_t)Arc_hash_bytes(tok, (size_t)n) & b->wmask;

    for (; b->wslot[i]; i = (i + 1) & b->wmask) {
        const char *w = b->word[b->wslot[i] - 1];
        if (strncmp(w, tok, (size_t)n) == 0 && w[n] == '\0')
            return b->wslot[i] - 1;
    }
    return -1;
}

/* The slots of one kind of list (pair_slot): 2 * k_freq * k. */
static size_t
slots_of(const builder_t *b)
{
    return (size_t)b->k_freq * (size_t)b->k * 2;
}

/* The slot of pair (w1, w2), one of them frequent: a frequent word first,
 * w1 * k + w2; else after those, w2 * k + w1; the lead lists' after all
 * those of the whole articles. */
static size_t
pair_slot(const builder_t *b, uint32_t w1, uint32_t w2, int lead)
{
    size_t k = (size_t)b->k;
    size_t slot = (int)w1 < b->k_freq ? (size_t)w1 * k + w2
                                      : (size_t)b->k_freq * k + (size_t)w2 * k + w1;

    return lead ? slot + slots_of(b) : slot;
}

/* The list of pair (w1, w2), one of them frequent, in whole articles or
 * (lead) in titles and summaries, made on first sight; NULL when out of
 * memory. Every possible pair has a slot, so that finding one is a read. */
static plist_t *
pair_get(builder_t *b, int w1, int w2, int lead)
{
    size_t slot = pair_slot(b, (uint32_t)w1, (uint32_t)w2, lead);

    if (b->pslot[slot])
        return &b->pl[b->pslot[slot] - 1];
    if (b->n_pl == b->cap_pl) {
        uint32_t cap = b->cap_pl ? b->cap_pl * 2 : 4096;
        plist_t *pl = realloc(b->pl, cap * sizeof *pl);
        if (!pl)
            return NULL;
        b->pl = pl;
        b->cap_pl = cap;
    }
    memset(&b->pl[b->n_pl], 0, sizeof b->pl[b->n_pl]);
    b->pl[b->n_pl].w1 = (uint16_t)w1;
    b->pl[b->n_pl].w2 = (uint16_t)w2;
    b->pl[b->n_pl].lead = lead ? 1 : 0;
    b->pl[b->n_pl].last = -1;
    b->pslot[slot] = ++b->n_pl;
    return &b->pl[b->n_pl - 1];
}

static int
plist_add(builder_t *b, plist_t *p, int32_t ord)
{
    unsigned char tmp[10];
    size_t n;

    if (p->last == ord)
        return 0;
    if (p->dense) {
        p->last = ord;
        return 0;
    }
    if ((double)(p->n + 1) * PP_DENSE_DIV > b->n_row) {
        /* dense: only marked in the end, so its ordinals are dropped now */
        b->held -= plist_cap(p->len);
        plist_clear(p);
        p->dense = 1;
        p->last = ord;
        return 0;
    }
    n = Arc_varint_put(tmp, (uint64_t)(ord - p->last));
    if (p->len + n > PL_INLINE && p->len + n > plist_cap(p->len)) {
        uint32_t old = plist_cap(p->len), cap = plist_cap(p->len + (uint32_t)n);
        unsigned char *nb = realloc(old ? p->u.b : NULL, cap);
        if (!nb)
            return -1;
        if (!old)
            memcpy(nb, p->u.in, p->len);
        b->held += cap - old;
        p->u.b = nb;
    }
    memcpy((p->len + n <= PL_INLINE ? p->u.in : p->u.b) + p->len, tmp, n);
    p->len += (uint32_t)n;
    p->last = ord;
    p->n++;
    return 0;
}

/* Each token of an article, as the index makes it: a listed word right
 * after a listed word, one of them frequent, adds the article to the
 * pair's list, and in a title or summary to its lead list too. */
static int
build_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    builder_t *b = ctx;
    int w;

    (void)start;
    (void)end;
    if (b->failed)
        return SQLITE_OK;
    if (tflags & FTS5_TOKEN_COLOCATED) {
        b->failed = SQLITE_MISMATCH;  /* never made by this tokenizer */
        return SQLITE_OK;
    }
    w = n > 0 && n <= PP_TOK_MAX ? word_find(b, tok, n) : -1;
    if (w >= 0 && b->prev >= 0 && (w < b->k_freq || b->prev < b->k_freq)) {
        plist_t *p = pair_get(b, b->prev, w, 0);
        if (!p || plist_add(b, p, b->ord))
            b->failed = SQLITE_NOMEM;
        else if (b->col < 3 && (!(p = pair_get(b, b->prev, w, 1)) || plist_add(b, p, b->ord)))
            b->failed = SQLITE_NOMEM;
    }
    b->prev = w;
    return SQLITE_OK;
}

typedef struct spelt {
    const char *w;
    uint32_t i;
} spelt_t;

static int
cmp_word(const void *a, const void *b)
{
    return strcmp(((const spelt_t *)a)->w, ((const spelt_t *)b)->w);
}

/* A walk over the pairs met so far in the order of their keys in
 * phrase_pair (pair_key: the whole articles' lists, then the lead lists,
 * each in the order of a's place in spelling, then of b's). Writing the
 * rows in that order appends to the table instead of inserting all over
 * it. */
typedef struct pair_walk {
    uint32_t a, c;            /* places of the first and second word */
    int lead;                 /* 0 the whole articles' lists, 1 the lead lists */
} pair_walk_t;

/* The next pair of the walk (an index into b->pl), or -1 at its end. */
static int64_t
pair_next(const builder_t *b, pair_walk_t *it)
{
    for (; it->lead < 2; it->lead++, it->a = 0, it->c = 0) {
        for (; it->a < (uint32_t)b->k; it->a++, it->c = 0) {
            uint32_t w1 = b->by[it->a];
            int freq = (int)w1 < b->k_freq;
            uint32_t lim = freq ? (uint32_t)b->k : (uint32_t)b->k_freq;
            while (it->c < lim) {
                uint32_t w2 = freq ? b->by[it->c] : b->fby[it->c];
                size_t slot = pair_slot(b, w1, w2, it->lead);
                it->c++;
                if (b->pslot[slot])
                    return (int64_t)b->pslot[slot] - 1;
            }
        }
    }
    return -1;
}

/* Move the lists of at least min bytes to the temporary table
 * arc_pp_chunk (one row per list, pairs in key order: one "run"),
 * freeing their memory. */
static int
lists_move(builder_t *b, sqlite3_stmt *ins, uint32_t min)
{
    pair_walk_t it = { 0, 0, 0 };
    int64_t j;
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
    while (rc == SQLITE_OK && (j = pair_next(b, &it)) >= 0) {
        uint32_t i = (uint32_t)j;
        plist_t *p = &b->pl[i];
        if (p->len == 0 || p->len < min)
            continue;
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, b->next_row++);
        sqlite3_bind_int64(ins, 2, (int64_t)i);
        sqlite3_bind_blob(ins, 3, plist_bytes(p), (int)p->len, SQLITE_STATIC);
        rc = sqlite3_step(ins);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        b->held -= plist_cap(p->len);
        plist_clear(p);
    }
    sqlite3_reset(ins);
    return rc;
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

/* The listed words: the most frequent of term_top (built just before),
 * kept when the word, written as a query, gives itself; the first
 * pp_words are frequent, the others (in at least 1/pp_mid_div of the
 * rows) are listed only beside a frequent one. */
static int
words_choose(arc_db_t *db, builder_t *b, fts5_tokenizer *tk, Fts5Tokenizer *tok)
{
    sqlite3_stmt *st = NULL;
    double min_df = b->n_row / pp_mid_div;
    int rc;

    if (!(b->word = malloc((size_t)PP_VOCAB_MAX * sizeof *b->word)))
        return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db->sql, "SELECT term, df FROM term_top ORDER BY df DESC, term"
                                     " LIMIT ?1", -1, &st, NULL);
    if (rc == SQLITE_OK)
        sqlite3_bind_int(st, 1, PP_VOCAB_MAX * 2);
    while (rc == SQLITE_OK && b->k < PP_VOCAB_MAX && sqlite3_step(st) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        toks_t t;
        if (b->k >= pp_words && (double)sqlite3_column_int64(st, 1) < min_df)
            break;
        memset(&t, 0, sizeof t);
        if (!w || strlen(w) > PP_TOK_MAX || strpbrk(w, "\" "))
            continue;
        tk->xTokenize(tok, &t, FTS5_TOKENIZE_QUERY, w, (int)strlen(w), toks_cb);
        if (t.bad || t.n != 1 || strcmp(t.tok[0], w) != 0)
            continue;
        snprintf(b->word[b->k], sizeof b->word[b->k], "%s", w);
        b->k++;
    }
    sqlite3_finalize(st);
    b->k_freq = b->k < pp_words ? b->k : pp_words;
    b->wmask = 1;
    while (b->wmask + 1 < (uint32_t)b->k * 2)
        b->wmask = b->wmask * 2 + 1;
    if (!(b->wslot = calloc((size_t)b->wmask + 1, sizeof *b->wslot)))
        return SQLITE_NOMEM;
    /* the order of spelling, for writing the pairs in key order */
    {
        spelt_t *sp = malloc(((size_t)b->k + 1) * sizeof *sp);
        int nf = 0;
        if (!sp || !(b->by = malloc(((size_t)b->k + 1) * sizeof *b->by))
            || !(b->rank = malloc(((size_t)b->k + 1) * sizeof *b->rank))
            || !(b->fby = malloc(((size_t)b->k_freq + 1) * sizeof *b->fby))) {
            free(sp);
            return SQLITE_NOMEM;
        }
        for (int i = 0; i < b->k; i++) {
            sp[i].w = b->word[i];
            sp[i].i = (uint32_t)i;
        }
        qsort(sp, (size_t)b->k, sizeof *sp, cmp_word);
        for (int i = 0; i < b->k; i++) {
            b->by[i] = sp[i].i;
            b->rank[sp[i].i] = (uint32_t)i;
            if ((int)sp[i].i < b->k_freq)
                b->fby[nf++] = sp[i].i;
        }
        free(sp);
    }
    for (int i = 0; i < b->k; i++) {
        uint32_t s = (uint32_t)Arc_hash_bytes(b->word[i], strlen(b->word[i])) & b->wmask;
        while (b->wslot[s])
            s = (s + 1) & b->wmask;
        b->wslot[s] = i + 1;
    }
    /* (untouched slots cost address space, not memory) */
    if (!(b->pslot = calloc(slots_of(b) * 2 + 1, sizeof *b->pslot)))
        return SQLITE_NOMEM;
    return rc;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_phrase_pairs_build(arc_db_t *db, int64_t *pairs, int64_t *bytes)
{
    int rc = SQLITE_OK;
    int64_t upto = 0, gen = 0;
    double n_tok = 0;
    arc_buf_t list = { NULL, 0, 0, 0 };
    builder_t b;
    sqlite3_stmt *st = NULL, *mv = NULL, *ordst = NULL;
    run_t *cur = NULL;
    piece_t whole = { NULL, 0, 0 }, blk = { NULL, 0, 0 };
    int made = 0, n_blk = 0;
    pair_walk_t walk = { 0, 0, 0 };
    int64_t j_pair;
    int64_t cache_kib = 0;
    int64_t blk_last = 0;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    arc_status_t s;

    *pairs = *bytes = 0;
    memset(&b, 0, sizeof b);
    if (sqlite3_exec(db->sql, "DELETE FROM phrase_pair; DELETE FROM phrase_pair_meta;"
                              " DELETE FROM phrase_pair_stale; DELETE FROM phrase_pair_word;"
                              " DELETE FROM phrase_pair_ord", NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "clearing the pair lists");
    if ((s = Arc_fts5_tokenizer(db, &tk, &tok)))
        return s;
    /* the pass reads each page once and appends: a small page cache is
     * enough, and the memory goes to the lists (restored at the end) */
    if (sqlite3_prepare_v2(db->sql, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        cache_kib = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
        if (sqlite3_exec(db->sql, "PRAGMA cache_size = -" PP_BUILD_CACHE_KIB, NULL, NULL, NULL)
            != SQLITE_OK)
            cache_kib = 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = averages(db, &b.n_row, &n_tok);
    if (rc == SQLITE_OK)
        rc = words_choose(db, &b, &tk, tok);
    if (rc != SQLITE_OK || b.k_freq < 2)
        goto done;
    if (sqlite3_prepare_v2(db->sql, "SELECT max(id) FROM article", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        upto = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
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
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "INSERT INTO phrase_pair_ord(blk, ids) VALUES (?1, ?2)",
                                -1, &ordst, NULL);
    /* one pass over the articles, in id order: the ordinal of an article
     * is its place in that order (the lists hold ordinals, which take
     * about half the bytes of ids; phrase_pair_ord maps them back), its
     * tokens those of the index's own tokenizer */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "SELECT id, title, summary, arc_body(body, id)"
                                         " FROM article WHERE id <= ?1 ORDER BY id", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, upto);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            unsigned char v[10];
            if (b.ord == INT32_MAX) {
                rc = SQLITE_FULL;
                break;
            }
            for (int col = 1; col <= 3 && !b.failed; col++) {
                const char *t = (const char *)sqlite3_column_text(st, col);
                int len = sqlite3_column_bytes(st, col);
                b.prev = -1;
                b.col = col;
                if (t && len > 0
                    && (rc = tk.xTokenize(tok, &b, FTS5_TOKENIZE_DOCUMENT, t, len, build_cb))
                           != SQLITE_OK)
                    break;
            }
            if (rc != SQLITE_OK || b.failed)
                break;
            if (buf_put(&blk, v, Arc_varint_put(v, (uint64_t)(id - blk_last)))) {
                rc = SQLITE_NOMEM;
                break;
            }
            blk_last = id;
            if (++b.ord % pp_ord_block == 0) {
                sqlite3_reset(ordst);
                sqlite3_bind_int64(ordst, 1, n_blk++);
                sqlite3_bind_blob(ordst, 2, blk.b, (int)blk.len, SQLITE_STATIC);
                rc = sqlite3_step(ordst);
                if (rc != SQLITE_DONE)
                    break;
                rc = SQLITE_OK;
                blk.len = 0;
                blk_last = 0;
            }
            /* over the budget: the long lists move (few rows, most of
             * the bytes), all of them when that is not enough */
            if (b.held > pp_budget
                && ((rc = lists_move(&b, mv, PP_MOVE_MIN)) != SQLITE_OK
                    || (b.held > pp_budget / 2 && (rc = lists_move(&b, mv, 1)) != SQLITE_OK)))
                break;
        }
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK && b.failed)
        rc = b.failed;
    if (rc == SQLITE_OK && blk.len > 0) {
        sqlite3_reset(ordst);
        sqlite3_bind_int64(ordst, 1, n_blk++);
        sqlite3_bind_blob(ordst, 2, blk.b, (int)blk.len, SQLITE_STATIC);
        rc = sqlite3_step(ordst);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
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
        rc = sqlite3_prepare_v2(db->sql, "INSERT INTO phrase_pair(k, n, ids)"
                                         " VALUES (?1, ?2, ?3)", -1, &st, NULL);
    while (rc == SQLITE_OK && (j_pair = pair_next(&b, &walk)) >= 0) {
        uint32_t i = (uint32_t)j_pair;
        plist_t *l = &b.pl[i];
        const unsigned char *ids = plist_bytes(l);
        size_t len = l->len;
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
        if (rc != SQLITE_OK)
            continue;
        if (moved && !l->dense) {
            if (buf_put(&whole, plist_bytes(l), l->len)) {
                rc = SQLITE_NOMEM;
                continue;
            }
            ids = whole.b;
            len = whole.len;
        }
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, pair_key(b.rank[l->w1], b.rank[l->w2], l->lead));
        sqlite3_bind_int64(st, 2, l->dense ? -1 : (int64_t)l->n);
        if (l->dense)
            sqlite3_bind_null(st, 3);
        else
            sqlite3_bind_blob(st, 3, ids, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        (*pairs)++;
        if (!l->dense)
            *bytes += (int64_t)len;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* the words, so that a search knows which pairs have lists */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "INSERT INTO phrase_pair_word(term, kind, ix)"
                                         " VALUES (?1, ?2, ?3)",
                                -1, &st, NULL);
    for (int i = 0; i < b.k && rc == SQLITE_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, b.word[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, i < b.k_freq ? 1 : 2);
        sqlite3_bind_int(st, 3, (int)b.rank[i]);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        if (i < b.k_freq) {
            Arc_buf_add(&list, i ? " " : "");
            Arc_buf_add(&list, b.word[i]);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK && list.failed)
        rc = SQLITE_NOMEM;
    /* a new generation: a reader's cached map of ordinals is then stale */
    sqlite3_randomness(sizeof gen, &gen);
    gen &= INT64_MAX;
    if (rc == SQLITE_OK
        && (rc = sqlite3_prepare_v2(db->sql, "INSERT INTO phrase_pair_meta(id, upto, words, gen)"
                                             " VALUES (1, ?1, ?2, ?3)", -1, &st, NULL))
               == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, upto);
        sqlite3_bind_text(st, 2, list.data ? list.data : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, gen);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
done:
    tk.xDelete(tok);
    if (cache_kib) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)cache_kib);
        sqlite3_exec(db->sql, pragma, NULL, NULL, NULL);
    }
    for (size_t r = 0; cur && r < b.n_runs; r++)
        sqlite3_finalize(cur[r].st);
    free(cur);
    sqlite3_finalize(mv);
    sqlite3_finalize(ordst);
    if (made) {
        int drc = sqlite3_exec(db->sql, "DROP TABLE IF EXISTS temp.arc_pp_chunk", NULL, NULL,
                               NULL);
        if (rc == SQLITE_OK)
            rc = drc;
    }
    for (uint32_t i = 0; i < b.n_pl; i++)
        plist_clear(&b.pl[i]);
    free(b.pl);
    free(b.pslot);
    free(b.word);
    free(b.wslot);
    free(b.by);
    free(b.fby);
    free(b.rank);
    free(b.runs);
    free(whole.b);
    free(blk.b);
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

/* Token tok (n bytes) at position pos: the longest prefix of the phrase
 * that ends there, from every prefix that ended at pos - 1 (ring[m - 1]:
 * the last position where a prefix of m tokens ended; the phrase is
 * short). 1 when the whole phrase ends at pos. */
static int
ring_step(const toks_t *ph, int *ring, int pos, const char *tok, int n)
{
    int whole = 0;

    for (int m = ph->n; m >= 1; m--) {
        int prev_ok = m == 1 || (pos >= 1 && ring[m - 2] == pos - 1);
        if (prev_ok && (int)strlen(ph->tok[m - 1]) == n
            && memcmp(ph->tok[m - 1], tok, (size_t)n) == 0) {
            ring[m - 1] = pos;
            whole |= m == ph->n;
        }
    }
    return whole;
}

static int
confirm_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    confirm_t *c = ctx;
    int pos;

    (void)start;
    (void)end;
    if (tflags & FTS5_TOKEN_COLOCATED) {
        c->failed = 1;        /* never made by this tokenizer */
        return SQLITE_OK;
    }
    pos = c->pos++;
    c->dl++;
    if (ring_step(c->ph, c->ring, pos, tok, n))
        c->freq += pp_weight[c->col];
    return SQLITE_OK;
}

/*
 * Confirming from windows. Tokenising a whole article costs ~65 us at a
 * million (most of it the tokenizer); a phrase with a long word can be
 * confirmed from the few places where that word can be. The Porter
 * stemmer only rewrites the end of a word (at most its last two letters
 * differ from the word's own: "happy" -> "happi", "sensibility" ->
 * "sensibl"), so in ASCII text (lowercased, and split at every byte that
 * is not a letter or a digit, as unicode61 does) every token stemming to
 * a stem of 6 or more bytes starts with the stem's first len - 3 bytes:
 * the anchor. Each place where the anchor starts a token is the centre of
 * a window of phrase-length tokens either side, tokenised with the
 * index's tokenizer as the whole column would be (a window starts and
 * ends at token boundaries); every instance of the phrase holds the
 * anchor's word, so it is in some window, and instances found twice are
 * counted once (by their first byte). A column with any byte above 0x7f
 * (where folding and diacritics could make the anchor) is tokenised
 * whole. The row's length comes from FTS5's own docsize record.
 */
#define PP_ANCHOR_MIN 6       /* bytes of a stem that gives an anchor */
#define PP_ANCHOR_TRIM 3      /* bytes of its end left out */

typedef struct win {
    const toks_t *ph;
    int n;                    /* tokens of the window so far */
    int ring[PP_MAX_TOKENS];  /* matched prefix lengths ending at each token */
    int start[PP_MAX_TOKENS]; /* byte starts of the last tokens */
    int base;                 /* byte of the window in its column */
    int *found;               /* first bytes of the instances found */
    size_t n_found, cap_found;
    int failed;
} win_t;

static int
win_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    win_t *w = ctx;
    const toks_t *ph = w->ph;
    int pos = w->n++;

    (void)end;
    if (tflags & FTS5_TOKEN_COLOCATED) {
        w->failed = SQLITE_MISMATCH;
        return SQLITE_OK;
    }
    w->start[pos % PP_MAX_TOKENS] = w->base + start;
    if (ring_step(ph, w->ring, pos, tok, n)) {
        /* an instance: counted once, by its first byte */
        int first = w->start[(pos - (ph->n - 1)) % PP_MAX_TOKENS];
        size_t i = 0;
        while (i < w->n_found && w->found[i] != first)
            i++;
        if (i == w->n_found) {
            if (w->n_found == w->cap_found) {
                size_t cap = w->cap_found ? w->cap_found * 2 : 16;
                int *f = realloc(w->found, cap * sizeof *f);
                if (!f) {
                    w->failed = SQLITE_NOMEM;
                    return SQLITE_OK;
                }
                w->found = f;
                w->cap_found = cap;
            }
            w->found[w->n_found++] = first;
        }
    }
    return SQLITE_OK;
}

/* The anchor of phrase ph (see above) into a: 1 when it has one. */
static int
anchor_of(const toks_t *ph, char a[PP_TOK_MAX + 1])
{
    size_t best = 0;

    for (int i = 0; i < ph->n; i++) {
        size_t l = strlen(ph->tok[i]);
        int ascii = 1;
        for (size_t j = 0; j < l; j++)
            if ((unsigned char)ph->tok[i][j] > 0x7f
                || !((ph->tok[i][j] >= 'a' && ph->tok[i][j] <= 'z')
                     || (ph->tok[i][j] >= '0' && ph->tok[i][j] <= '9')))
                ascii = 0;
        if (ascii && l >= PP_ANCHOR_MIN && l > best) {
            best = l;
            memcpy(a, ph->tok[i], l - PP_ANCHOR_TRIM);
            a[l - PP_ANCHOR_TRIM] = '\0';
        }
    }
    return best > 0;
}

static int
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The instances of ph in the ASCII column t (len bytes) through the
 * windows around anchor a: *count of them. */
static int
windows_count(fts5_tokenizer *tk, Fts5Tokenizer *tok, const toks_t *ph, const char *a,
              const char *t, int len, int *count)
{
    size_t al = strlen(a);
    win_t w;
    int rc = SQLITE_OK;

    memset(&w, 0, sizeof w);
    w.ph = ph;
    for (int i = 0; i + (int)al <= len && rc == SQLITE_OK && !w.failed; i++) {
        int ws, we, k;
        if ((t[i] | 0x20) != a[0] || (i > 0 && is_alnum((unsigned char)t[i - 1])))
            continue;
        for (k = 1; k < (int)al && (t[i + k] | 0x20) == a[k]; k++)
            ;
        if (k < (int)al || !is_alnum((unsigned char)t[i]))
            continue;
        /* phrase-length tokens before and after the anchor's token */
        ws = i;
        for (int back = 0; back < ph->n - 1; back++) {
            int j = ws;
            while (j > 0 && !is_alnum((unsigned char)t[j - 1]))
                j--;
            if (j == 0)
                break;
            while (j > 0 && is_alnum((unsigned char)t[j - 1]))
                j--;
            ws = j;
        }
        we = i;
        while (we < len && is_alnum((unsigned char)t[we]))
            we++;
        for (int fwd = 0; fwd < ph->n - 1; fwd++) {
            while (we < len && !is_alnum((unsigned char)t[we]))
                we++;
            while (we < len && is_alnum((unsigned char)t[we]))
                we++;
        }
        w.n = 0;
        w.base = ws;
        for (int m = 0; m < PP_MAX_TOKENS; m++)
            w.ring[m] = -2;
        rc = tk->xTokenize(tok, &w, FTS5_TOKENIZE_DOCUMENT, t + ws, we - ws, win_cb);
        /* the next anchor can only start after this token */
        i += (int)al - 1;
    }
    if (rc == SQLITE_OK)
        rc = w.failed;
    *count = (int)w.n_found;
    free(w.found);
    return rc;
}

/* The row's length in tokens from FTS5's docsize record (a varint per
 * column, SQLite's varint format). */
static int
docsize_of(sqlite3_stmt *dsz, int64_t id, int *dl)
{
    int rc;

    *dl = 0;
    sqlite3_reset(dsz);
    sqlite3_bind_int64(dsz, 1, id);
    rc = sqlite3_step(dsz);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(dsz, 0);
        int len = sqlite3_column_bytes(dsz, 0), at = 0;
        while (p && at < len)
            *dl += (int)sqlite_varint(p, len, &at);
        return SQLITE_OK;
    }
    return rc == SQLITE_DONE ? SQLITE_MISMATCH : rc;
}

/* An article read to be confirmed (confirm_one's row). */
#define PP_ROW_SQL "SELECT title, summary, arc_body(body, id) FROM article WHERE id = ?1"

/* Read and tokenise article id: *match when it holds the phrase, with the
 * row's weighted frequency and length. With an anchor (and dsz, FTS5's
 * docsize row), from windows of its ASCII columns (see above). Row gives
 * the first ncols columns (title, summary, body); with fewer than 3, dsz
 * is required and gives the length. */
static int
confirm_cols(arc_db_t *db, sqlite3_stmt *row, int ncols, fts5_tokenizer *tk,
             Fts5Tokenizer *tok, const toks_t *ph, const char *anchor, sqlite3_stmt *dsz,
             int64_t id, int *match, double *freq, int *dl)
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
    for (int col = 0; col < ncols; col++) {
        const char *t = (const char *)sqlite3_column_text(row, col);
        int len = sqlite3_column_bytes(row, col);
        if (anchor && t && len > 0) {
            int high = 0, count = 0;
            for (int i = 0; i < len && !high; i++)
                high = (unsigned char)t[i] > 0x7f;
            if (!high) {
                if ((rc = windows_count(tk, tok, ph, anchor, t, len, &count)) != SQLITE_OK)
                    return rc;
                c.freq += pp_weight[col] * count;
                continue;
            }
        }
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
    if ((anchor || ncols < 3) && *match)
        return docsize_of(dsz, id, dl);
    return SQLITE_OK;
}

static int
confirm_one(arc_db_t *db, sqlite3_stmt *row, fts5_tokenizer *tk, Fts5Tokenizer *tok,
            const toks_t *ph, const char *anchor, sqlite3_stmt *dsz, int64_t id, int *match,
            double *freq, int *dl)
{
    return confirm_cols(db, row, 3, tk, tok, ph, anchor, dsz, id, match, freq, dl);
}


/* The ordinals of the pair whose key is key in [lo, hi) (ascending) into
 * out; *state 0 no row (the pair occurs in no listed article), 1 a list,
 * 2 too frequent to be listed. */
static int
pair_ids(sqlite3_stmt *st, int64_t key, int64_t lo, int64_t hi, idvec_t *out, int *state)
{
    int rc;

    out->n = 0;
    *state = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, key);
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
        int64_t ord = -1;
        uint64_t d;
        while (p && p < end && Arc_varint_get(&p, end, &d) == 0) {
            ord += (int64_t)d;
            if (ord >= hi)
                break;
            if (ord >= lo && idvec_push(out, ord))
                return SQLITE_NOMEM;
        }
    }
    return SQLITE_OK;
}

/* Ordinals to ids through phrase_pair_ord, a row (PP_ORD_BLOCK ids) at a
 * time: a search maps its date bounds and its candidates only, so a
 * process that runs one search does not read the whole map (1M ids
 * took ~15 ms to read and decode, more than the search). */
typedef struct ordmap {
    sqlite3_stmt *st;         /* SELECT ids FROM phrase_pair_ord WHERE blk = ? */
    int64_t blk;              /* the row decoded in ids, -1 none */
    int64_t ids[PP_ORD_BLOCK];
    int n;
    int64_t n_blk;            /* rows of the map */
    int64_t per;              /* ids a row (all but the last have as many) */
} ordmap_t;

static int ordmap_load(ordmap_t *m, int64_t blk);

static int
ordmap_open(arc_db_t *db, ordmap_t *m)
{
    sqlite3_stmt *st = NULL;
    int rc;

    m->st = NULL;
    m->blk = -1;
    m->n = 0;
    m->n_blk = 0;
    rc = sqlite3_prepare_v2(db->sql, "SELECT coalesce(max(blk) + 1, 0) FROM phrase_pair_ord", -1,
                            &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        m->n_blk = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "SELECT ids FROM phrase_pair_ord WHERE blk = ?1", -1,
                                &m->st, NULL);
    /* the first row says how many ids a row holds */
    m->per = PP_ORD_BLOCK;
    if (rc == SQLITE_OK && m->n_blk > 1 && (rc = ordmap_load(m, 0)) == SQLITE_OK)
        m->per = m->n > 0 ? m->n : PP_ORD_BLOCK;
    return rc;
}

/* Row blk of the map into m->ids (delta varints from 0 in each row). */
static int
ordmap_load(ordmap_t *m, int64_t blk)
{
    int rc;

    if (m->blk == blk)
        return SQLITE_OK;
    m->blk = -1;
    m->n = 0;
    sqlite3_reset(m->st);
    sqlite3_bind_int64(m->st, 1, blk);
    rc = sqlite3_step(m->st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(m->st, 0);
        const unsigned char *end = p + sqlite3_column_bytes(m->st, 0);
        int64_t id = 0;
        uint64_t d;
        while (p && p < end && m->n < PP_ORD_BLOCK && Arc_varint_get(&p, end, &d) == 0) {
            id += (int64_t)d;
            m->ids[m->n++] = id;
        }
        m->blk = blk;
        return SQLITE_OK;
    }
    return rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
}

/* *id of ordinal ord; SQLITE_CORRUPT when the map has none. */
static int
ordmap_id(ordmap_t *m, int64_t ord, int64_t *id)
{
    int rc = ordmap_load(m, ord / m->per);

    if (rc != SQLITE_OK)
        return rc;
    if (ord % m->per >= m->n)
        return SQLITE_CORRUPT;
    *id = m->ids[ord % m->per];
    return SQLITE_OK;
}

/* *ord: the first ordinal whose id is at least id (the map's size when
 * none is): a binary search over the rows' first ids, then in a row. */
static int
ordmap_ord(ordmap_t *m, int64_t id, int64_t *ord)
{
    int64_t a = 0, b = m->n_blk;
    int lo = 0, hi, rc;

    /* the last row whose first id is below id */
    while (b - a > 1) {
        int64_t mid = a + (b - a) / 2;
        if ((rc = ordmap_load(m, mid)) != SQLITE_OK)
            return rc;
        if (m->n > 0 && m->ids[0] < id)
            a = mid;
        else
            b = mid;
    }
    *ord = 0;
    if (m->n_blk == 0)
        return SQLITE_OK;
    if ((rc = ordmap_load(m, a)) != SQLITE_OK)
        return rc;
    hi = m->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (m->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *ord = a * m->per + lo;
    return SQLITE_OK;
}

/* The candidates of a search newest first, each once: those of the lists
 * (ascending; ordinals mapped one at a time when om, else ids) merged with
 * the articles changed since (ids, ascending). A search that samples
 * reads only the newest few of tens of thousands of ordinals, and mapping
 * them all reads the whole map (~20 ms at a million). */
typedef struct cand_it {
    const idvec_t *c;
    ordmap_t *om;
    const idvec_t *late;
    size_t ci, li;            /* unread: c->v[0, ci) and late->v[0, li) */
    int64_t last;             /* the id given last, -1 none */
} cand_it_t;

/* 1 and *id: the next; 0: the end, or an error in *rc. */
static int
cand_next(cand_it_t *it, int64_t *id, int *rc)
{
    while (it->ci > 0 || it->li > 0) {
        int64_t a = -1, b = -1;
        if (it->ci > 0) {
            a = it->c->v[it->ci - 1];
            if (it->om && (*rc = ordmap_id(it->om, a, &a)) != SQLITE_OK)
                return 0;
        }
        if (it->li > 0)
            b = it->late->v[it->li - 1];
        if (a >= b)
            it->ci--;
        if (b >= a)
            it->li--;
        *id = a > b ? a : b;
        if (*id == it->last)
            continue;         /* a changed article that is in the lists too */
        it->last = *id;
        return 1;
    }
    return 0;
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
/* arc_bm25's expression, term for term (rank.c): a phrase of IDF idf
 * weighted freq times in a row of dl tokens. */
static double
bm25_of(double idf, double freq, int dl, double avgdl)
{
    return 0.0 + idf * (freq * (1.2 + 1.0))
           / (freq + 1.2 * (1.0 - 0.75 + 0.75 * (double)dl / avgdl));
}

/* A match and its score onto the answer. */
static int
out_push(idvec_t *out, double **out_s, int64_t id, double score)
{
    double *s;

    if (idvec_push(out, id) || !(s = realloc(*out_s, out->cap * sizeof *s)))
        return SQLITE_NOMEM;
    *out_s = s;
    s[out->n - 1] = score;
    return SQLITE_OK;
}

/* An article and a score: a bound, or a score without its body. */
typedef struct bcand {
    int64_t id;
    double ub;
} bcand_t;

static int
cmp_bcand(const void *a, const void *b)
{
    const bcand_t *x = a, *y = b;

    if (x->ub != y->ub)
        return x->ub < y->ub ? 1 : -1;          /* highest first */
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* then newest */
}

/*
 * The lead candidates of a sampled search (ids, ascending) older than
 * below: those whose title or summary holds the phrase, onto out. Their
 * titles and summaries are read (not their bodies: ~8 us an article
 * against ~45) and each is scored by them alone, a score its body can
 * only raise; the best max(PP_LEAD_EXACT, 2 need) by that score are read
 * whole and scored exactly, the rest keep it. BM25 saturates: with the
 * phrase in the title (weight 10) the body's few instances move a score
 * by about what a tenth of the row's length does, so an article outside
 * those read whole rarely belongs on the page, and when it does it is
 * still found, a little low.
 */
#define PP_LEAD_EXACT 100

static int
lead_confirm(arc_db_t *db, sqlite3_stmt *row, fts5_tokenizer *tk, Fts5Tokenizer *tok,
             const toks_t *ph, const char *anchor, const idvec_t *lead, int64_t below,
             int64_t need, double idf, double avgdl, int64_t max, idvec_t *out, double **out_s,
             int *more)
{
    sqlite3_stmt *ts = NULL, *lsz = NULL;
    bcand_t *c = NULL;
    size_t n = 0, exact = (size_t)(need * 2 > PP_LEAD_EXACT ? need * 2 : PP_LEAD_EXACT);
    int rc;

    rc = sqlite3_prepare_v2(db->sql, "SELECT title, summary FROM article WHERE id = ?1", -1, &ts,
                            NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, "SELECT sz FROM article_fts_docsize WHERE id = ?1",
                                -1, &lsz, NULL);
    if (rc == SQLITE_OK && lead->n > 0 && !(c = malloc(lead->n * sizeof *c)))
        rc = SQLITE_NOMEM;
    for (size_t i = lead->n; rc == SQLITE_OK && i-- > 0;) {
        int match = 0, dl = 0;
        double freq = 0;
        if (lead->v[i] >= below)
            continue;         /* (confirmed among the newest) */
        rc = confirm_cols(db, ts, 2, tk, tok, ph, anchor, lsz, lead->v[i], &match, &freq, &dl);
        if (rc == SQLITE_OK && match) {
            c[n].id = lead->v[i];
            c[n++].ub = bm25_of(idf, freq, dl, avgdl);
        }
    }
    if (rc == SQLITE_OK && n > 1)
        qsort(c, n, sizeof *c, cmp_bcand);
    for (size_t j = 0; rc == SQLITE_OK && j < n; j++) {
        double score = c[j].ub;
        if (j < exact) {
            int match = 0, dl = 0;
            double freq = 0;
            rc = confirm_one(db, row, tk, tok, ph, anchor, lsz, c[j].id, &match, &freq, &dl);
            if (rc == SQLITE_OK && match)
                score = bm25_of(idf, freq, dl, avgdl);
        }
        if ((int64_t)out->n >= max) {
            *more = 1;
            break;
        }
        if (rc == SQLITE_OK)
            rc = out_push(out, out_s, c[j].id, score);
    }
    sqlite3_finalize(ts);
    sqlite3_finalize(lsz);
    free(c);
    return rc;
}

static arc_status_t chunk_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi,
                               double df, int64_t max, int64_t **ids_out, double **scores_out,
                               size_t *n_out, int *more, int *used);

/* The matches in [lo, hi) (0: open) of a phrase of which cnt were met
 * walking down from the newest to id last (Arc_rank_extrapolate over the
 * archive's ids within the bounds). */
static double
newest_extrapolate(arc_db_t *db, int64_t cnt, int64_t last, int64_t lo, int64_t hi)
{
    sqlite3_stmt *st = NULL;
    int64_t first = 0, top = last;

    /* (two subqueries: min() and max() in one scan the whole table) */
    if (sqlite3_prepare_v2(db->sql, "SELECT (SELECT min(id) FROM article),"
                           " (SELECT max(id) FROM article)", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        first = sqlite3_column_int64(st, 0);
        top = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (lo > first)
        first = lo;
    if (hi > 0 && hi - 1 < top)
        top = hi - 1;
    return Arc_rank_extrapolate(db, cnt, last, first, top);
}

/* The lead lists of the pairs i, i + 1 of the n words with use[i] set
 * (ordinals in [lo_o, hi_o)), intersected into lead (tmp: room); *found
 * 0 when none of them has a list (all too frequent). A pair without a
 * lead row is in no title or summary: nothing is left. */
static int
lead_lists(sqlite3_stmt *st, const uint32_t *ix, const int *use, int n, int64_t lo_o,
           int64_t hi_o, idvec_t *lead, idvec_t *tmp, int *found)
{
    int rc = SQLITE_OK;

    *found = 0;
    for (int i = 0; i + 1 < n && rc == SQLITE_OK; i++) {
        int state;
        if (!use[i])
            continue;
        rc = pair_ids(st, pair_key(ix[i], ix[i + 1], 1), lo_o, hi_o, tmp, &state);
        if (rc != SQLITE_OK || state == 2)
            continue;
        if (!*found) {
            idvec_t t = *lead;
            *lead = *tmp;
            *tmp = t;
            *found = 1;
        } else {
            idvec_and(lead, tmp);
        }
    }
    return rc;
}

#define PP_DENSE_ROWS 10     /* articles, in PP_CONFIRM_FAST: fewer, the walk */
static int64_t pp_dense_answered, pp_bound_answered;

/*
 * A relevance search of a phrase whose every pair is in more than a
 * quarter of the articles, so that none has a list ("and and and", "the
 * the and": FTS5's walk of the budget took ~450 ms at a million), and
 * whose every word is in a tenth of them: FTS5 walks it newest first
 * (chunk_scan) until a quarter of `sample` matches (or the page), each
 * scored exactly (the walk costs ~0.1 ms a match for "and and and"); then
 * the newest 2 PP_CONFIRM_FAST candidates of the pairs' lead lists
 * (ordinals, ascending) older than those are confirmed as a sampled
 * search's are (lead_confirm: their titles and summaries, ~8 us an
 * article), and the phrase's count is estimated from the walk's density.
 * The answer is on out (newest first, then the lead matches), *more = 1
 * unless the walk met every match. SQLITE_MISMATCH: declined. Measured
 * at a million: ~26 ms against ~450, top 20 overlap with exact BM25 0.55
 * and 0.65 (of 1.0 and 0.10 before: "and and and" has 6,764 matches, all
 * of them walked within the budget; its lead list holds 6,335 articles, of
 * which the newest 2,000 are read). With the phrase in the summary of
 * nearly all of them, what orders them is the body's count, which only
 * the articles read whole have.
 */
static int
dense_rank(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df, int64_t max,
           int64_t sample, int64_t need, int64_t id_max, idvec_t *lead, ordmap_t *om,
           fts5_tokenizer *tk, Fts5Tokenizer *tok, const toks_t *ph, double *df_est,
           idvec_t *out, double **out_s, int *more)
{
    int64_t *wid = NULL, walk = sample / 4 > need ? sample / 4 : need, below;
    int64_t cap = 2 * (int64_t)pp_confirm_fast;
    double *wsc = NULL, n_row = 0, n_tok = 0, est;
    size_t wn = 0;
    int wmore = 0, wused = 0, rc = SQLITE_OK;
    sqlite3_stmt *row = NULL;
    char anchor[PP_TOK_MAX + 1];

    if (walk > max)
        walk = max;
    if (chunk_scan(db, fts, lo, hi, df, walk, &wid, &wsc, &wn, &wmore, &wused) != ARC_OK
        || !wused) {
        free(wid);
        free(wsc);
        return SQLITE_MISMATCH;
    }
    for (size_t i = 0; i < wn && rc == SQLITE_OK; i++)
        rc = out_push(out, out_s, wid[i], wsc[i]);
    below = wn > 0 ? wid[wn - 1] : 0;
    free(wid);
    free(wsc);
    if (rc != SQLITE_OK || !wmore || wn == 0)
        return rc;            /* every match met: exact */
    /* the lead candidates older than the walk (the newest of them) */
    if (lead->n > (size_t)cap) {
        memmove(lead->v, lead->v + lead->n - cap, (size_t)cap * sizeof *lead->v);
        lead->n = (size_t)cap;
    }
    for (size_t i = 0; i < lead->n && rc == SQLITE_OK; i++)
        rc = ordmap_id(om, lead->v[i], &lead->v[i]);
    if (rc == SQLITE_OK && (rc = averages(db, &n_row, &n_tok)) == SQLITE_OK && n_row <= 0)
        rc = SQLITE_MISMATCH;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->sql, PP_ROW_SQL, -1, &row, NULL);
    if (rc == SQLITE_OK)
        rc = lead_confirm(db, row, tk, tok, ph, anchor_of(ph, anchor) ? anchor : NULL, lead,
                          below, need, pp_idf(n_row, df), n_tok / n_row, max, out, out_s, more);
    sqlite3_finalize(row);
    if (rc != SQLITE_OK)
        return rc == SQLITE_CORRUPT ? SQLITE_MISMATCH : rc;
    /* the count: the walk's matches, scaled to the archive */
    est = newest_extrapolate(db, (int64_t)wn, below, lo, hi);
    *df_est = est < 1 ? 1 : est;
    *more = 1;
    pp_dense_answered++;
    return SQLITE_OK;
}

static arc_status_t
lists_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df,
           int64_t max, int64_t sample, int64_t need, double *df_est, int64_t **ids_out,
           double **scores_out, size_t *n_out, int *more, int *used)
{
    toks_t ph;
    size_t len = fts ? strlen(fts) : 0;
    int kind[PP_MAX_TOKENS], in_pair[PP_MAX_TOKENS], rc = SQLITE_OK, n_lists = 0, meta = 0;
    int listed[PP_MAX_TOKENS], sampled = 0, lazy = 0, dense[PP_MAX_TOKENS], n_dense = 0;
    int n_pairs = 0, found = 0;
    uint32_t ix[PP_MAX_TOKENS];
    idvec_t lead = { NULL, 0, 0 };
    size_t n_main = 0, n_sample = 0, m_sample = 0, n_conf = 0;
    int64_t sample_lo = 0;
    int64_t upto = 0, stale_n = 0, hi_list, id_max = INT64_MAX, lo_o, hi_o;
    double n_row = 0, n_tok = 0, idf, avgdl;
    idvec_t cand = { NULL, 0, 0 }, tmp = { NULL, 0, 0 }, stale = { NULL, 0, 0 };
    idvec_t out_id = { NULL, 0, 0 };
    double *out_s = NULL;
    sqlite3_stmt *st = NULL, *row = NULL, *dsz = NULL;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    char anchor[PP_TOK_MAX + 1];
    ordmap_t om;

    om.st = NULL;
    *ids_out = NULL;
    *scores_out = NULL;
    *n_out = 0;
    *more = 0;
    *used = 0;
    *df_est = 0;
    if (hi <= 0)
        hi = INT64_MAX;
    /* one plain phrase: "w1 w2 ..." and nothing else */
    if (!pp_enabled || pp_enabled == 3 || len < 5 || fts[0] != '"' || fts[len - 1] != '"'
        || memchr(fts + 1, '"', len - 2) || !memchr(fts + 1, ' ', len - 2))
        return ARC_OK;
    /* (an archive before schema 15 has no gen: its lists hold ids, and
     * are not used) */
    if (sqlite3_prepare_v2(db->sql, "SELECT upto, gen, (SELECT max(id) FROM article)"
                           " FROM phrase_pair_meta WHERE id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return ARC_OK;        /* no lists in this archive */
    if (sqlite3_step(st) == SQLITE_ROW) {
        upto = sqlite3_column_int64(st, 0);
        id_max = sqlite3_column_int64(st, 2);
        meta = 1;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!meta)
        return ARC_OK;
    if (Arc_fts5_tokenizer(db, &tk, &tok))
        return ARC_OK;
    memset(&ph, 0, sizeof ph);
    tk.xTokenize(tok, &ph, FTS5_TOKENIZE_QUERY, fts + 1, (int)len - 2, toks_cb);
    if (ph.bad || ph.n < 2)
        goto decline;
    /* sampling only when every word is frequent: with a rarer one FTS5's
     * walk of the phrase is cheap enough, and exact ("the Limkeine
     * Valley", 30,037 articles hold Limkeine at 1M: the walk takes ~40
     * ms, and its top results are articles naming the valley again and
     * again in the body, which a sample of the newest misses) */
    if (sample > 0) {
        double nr = 0, nt = 0;
        if (averages(db, &nr, &nt) != SQLITE_OK || nr <= 0)
            sample = 0;
        for (int i = 0; i < ph.n && sample > 0; i++)
            if ((double)term_df(db, ph.tok[i]) < nr / pp_sample_div)
                sample = 0;
    }
    /* which words are listed: 1 frequent, 2 listed beside a frequent one */
    rc = sqlite3_prepare_v2(db->sql, "SELECT kind, ix FROM phrase_pair_word WHERE term = ?1",
                            -1, &st, NULL);
    for (int i = 0; i < ph.n && rc == SQLITE_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, ph.tok[i], -1, SQLITE_STATIC);
        kind[i] = 0;
        if (sqlite3_step(st) == SQLITE_ROW) {
            sqlite3_int64 x = sqlite3_column_int64(st, 1);
            if (x >= 0 && x < PP_VOCAB_MAX) {
                kind[i] = sqlite3_column_int(st, 0);
                ix[i] = (uint32_t)x;
            }
        }
        in_pair[i] = 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        goto decline;
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
    /* the candidates: articles holding every listed pair (ordinals in
     * the lists, ids once intersected) */
    hi_list = upto < INT64_MAX ? upto + 1 : upto;
    if (hi_list > hi)
        hi_list = hi;
    /* (no date bound: no search for it in the map) */
    lo_o = 0;
    hi_o = INT64_MAX;
    if ((rc = ordmap_open(db, &om)) != SQLITE_OK
        || (lo > 0 && (rc = ordmap_ord(&om, lo, &lo_o)) != SQLITE_OK)
        || (hi_list <= upto && (rc = ordmap_ord(&om, hi_list, &hi_o)) != SQLITE_OK))
        goto decline;
    rc = sqlite3_prepare_v2(db->sql, "SELECT n, ids FROM phrase_pair WHERE k = ?1", -1, &st,
                            NULL);
    for (int i = 0; i + 1 < ph.n && rc == SQLITE_OK; i++) {
        int state;
        listed[i] = dense[i] = 0;
        if (!kind[i] || !kind[i + 1] || (kind[i] != 1 && kind[i + 1] != 1))
            continue;
        rc = pair_ids(st, pair_key(ix[i], ix[i + 1], 0), lo_o, hi_o, &tmp, &state);
        n_pairs += rc == SQLITE_OK;
        dense[i] = rc == SQLITE_OK && state == 2;
        n_dense += dense[i];
        if (rc != SQLITE_OK || state == 2)
            continue;
        listed[i] = 1;
        in_pair[i] = in_pair[i + 1] = 1;
        if (n_lists++ == 0) {
            idvec_t t = cand;
            cand = tmp;
            tmp = t;
        } else {
            idvec_and(&cand, &tmp);
        }
    }
    /* a relevance search that may sample (below): the candidates of a
     * match in a title or summary too, from the lead lists of the same
     * pairs (a pair without one is in no title or summary) */
    if (rc == SQLITE_OK && n_lists > 0 && sample > 0 && cand.n > (size_t)sample)
        rc = lead_lists(st, ix, listed, ph.n, lo_o, hi_o, &lead, &tmp, &found);
    /* every pair too frequent to be listed: the lead lists of the pairs */
    if (rc == SQLITE_OK && n_lists == 0 && sample > 0 && n_dense > 0 && n_dense == n_pairs
        && averages(db, &n_row, &n_tok) == SQLITE_OK
        && n_row >= (double)PP_DENSE_ROWS * pp_confirm_fast) {
        rc = lead_lists(st, ix, dense, ph.n, lo_o, hi_o, &lead, &tmp, &found);
        if (found)
            n_lists = -1;     /* (below) */
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK && n_lists < 0) {
        rc = dense_rank(db, fts, lo, hi, df, max, sample, need, id_max, &lead, &om, &tk, tok,
                        &ph, df_est, &out_id, &out_s, more);
        if (rc != SQLITE_OK)
            goto decline;     /* (the walk answers; an error it meets again) */
        goto answer;
    }
    if (rc != SQLITE_OK || n_lists == 0)
        goto decline;
    /* (too many to confirm, and no other word to narrow them: the walk,
     * unless the search may sample them) */
    if (cand.n > (size_t)pp_confirm_fast && sample <= 0) {
        int narrow = 0;
        for (int i = 0; i < ph.n && !narrow; i++)
            narrow = !in_pair[i] && term_df(db, ph.tok[i]) <= PP_RARE_CAP;
        if (!narrow)
            goto decline;
    }
    /* confirmed from windows around a long word (~45 us a candidate at
     * 1M, against ~65 us tokenising the whole article): more of them */
    if (anchor_of(&ph, anchor)
        && sqlite3_prepare_v2(db->sql, "SELECT sz FROM article_fts_docsize WHERE id = ?1", -1,
                              &dsz, NULL) != SQLITE_OK)
        anchor[0] = '\0';
    /* a search that will sample, with no other word to narrow its
     * candidates: their ordinals mapped as they are confirmed */
    if (sample > 0 && cand.n > (size_t)(dsz ? pp_confirm_fast : pp_confirm_max)) {
        lazy = 1;
        for (int i = 0; i < ph.n && lazy; i++)
            lazy = in_pair[i] || term_df(db, ph.tok[i]) > PP_RARE_CAP;
    }
    for (size_t i = 0; i < cand.n && !lazy; i++)
        if ((rc = ordmap_id(&om, cand.v[i], &cand.v[i])) != SQLITE_OK)
            goto decline;     /* a list beyond the map: not used */
    /* still many: keep those holding another word, by its rowids */
    for (int i = 0; i < ph.n && rc == SQLITE_OK && !lazy && cand.n > (size_t)pp_confirm_max / 4;
         i++) {
        arc_buf_t q = { NULL, 0, 0, 0 };
        int64_t seen = 0;
        if (in_pair[i] || term_df(db, ph.tok[i]) > PP_RARE_CAP)
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
    if (rc != SQLITE_OK)
        goto decline;
    if (cand.n > (size_t)(dsz ? pp_confirm_fast : pp_confirm_max)) {
        /* too many to confirm: a relevance search confirms every
         * candidate of a title or summary match (BM25's column weights put
         * nearly every top result there) and the newest `sample` others,
         * and estimates the phrase's count from those; else the walk */
        size_t keep = (size_t)(dsz ? sample : sample * pp_confirm_max / pp_confirm_fast);
        if (sample <= 0 || keep == 0)
            goto decline;
        n_main = cand.n;
        n_sample = keep;
        sampled = 1;
        /* (at most as many as are confirmed without sampling: the
         * newest of them) */
        if (lead.n > (size_t)pp_confirm_fast) {
            memmove(lead.v, lead.v + lead.n - pp_confirm_fast,
                    (size_t)pp_confirm_fast * sizeof *lead.v);
            lead.n = (size_t)pp_confirm_fast;
        }
        for (size_t i = 0; i < lead.n; i++)
            if ((rc = ordmap_id(&om, lead.v[i], &lead.v[i])) != SQLITE_OK)
                goto decline;
    } else {
        lead.n = 0;           /* (every candidate is confirmed) */
    }
    /* the stale articles (ascending) join the candidates as they are
     * walked */
    while (stale.n > 0 && stale.v[stale.n - 1] >= hi_list)
        stale.n--;
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
    rc = sqlite3_prepare_v2(db->sql, PP_ROW_SQL, -1, &row, NULL);
    /* the candidates newest first; sampling: until `sample` of them are
     * confirmed and `need` matched (never an empty page while there are
     * matches) */
    {
        cand_it_t it = { &cand, lazy ? &om : NULL, &stale, cand.n, stale.n, -1 };
        int64_t id, last_conf = 0;
        while (rc == SQLITE_OK && !*more && cand_next(&it, &id, &rc)) {
            int match = 0, dl = 0;
            double freq = 0;
            if (sampled && n_conf >= n_sample && (int64_t)m_sample >= need) {
                sample_lo = last_conf;
                break;
            }
            rc = confirm_one(db, row, &tk, tok, &ph, dsz ? anchor : NULL, dsz, id, &match,
                             &freq, &dl);
            n_conf++;
            last_conf = id;
            if (rc != SQLITE_OK || !match)
                continue;
            m_sample++;
            if ((int64_t)out_id.n >= max)
                *more = 1;
            else
                rc = out_push(&out_id, &out_s, id, bm25_of(idf, freq, dl, avgdl));
        }
        if (rc == SQLITE_CORRUPT)
            rc = SQLITE_MISMATCH;       /* a list beyond the map: not used */
    }
    /* then the lead candidates older than those */
    if (rc == SQLITE_OK && sampled && sample_lo > 0 && !*more)
        rc = lead_confirm(db, row, &tk, tok, &ph, dsz ? anchor : NULL, &lead, sample_lo, need,
                          idf, avgdl, max, &out_id, &out_s, more);
    sqlite3_finalize(row);
    sqlite3_finalize(dsz);
    dsz = NULL;
    if (rc == SQLITE_MISMATCH)
        goto decline;
    if (rc != SQLITE_OK)
        goto fail;
    if (sampled && sample_lo > 0) {
        /* the matches among the newest candidates, over all of them;
         * those newer than the lists and of the lead candidates as found */
        *more = 1;
        *df_est = (double)m_sample * (double)n_main / (double)n_conf
                  + (double)(out_id.n - m_sample);
        if (*df_est < 1)
            *df_est = 1;
    }
answer:
    *ids_out = out_id.v;
    *scores_out = out_s;
    *n_out = out_id.n;
    *used = 1;
    sqlite3_finalize(om.st);
    free(lead.v);
    free(cand.v);
    free(tmp.v);
    free(stale.v);
    tk.xDelete(tok);
    return ARC_OK;
fail:
    sqlite3_finalize(om.st);
    sqlite3_finalize(dsz);
    free(out_id.v);
    free(out_s);
    free(lead.v);
    free(cand.v);
    free(tmp.v);
    free(stale.v);
    tk.xDelete(tok);
    if (rc == SQLITE_NOMEM)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    return Arc_db_sqlerr(db, "searching the pair lists");
decline:
    sqlite3_finalize(om.st);
    sqlite3_finalize(dsz);
    free(out_id.v);
    free(out_s);
    free(lead.v);
    free(cand.v);
    free(tmp.v);
    free(stale.v);
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

/*
 * A phrase's best matches through a shorter phrase (relevance only).
 * FTS5 matches a phrase by reading the positions of every one of its
 * words in each article holding them all, and a word like "the" has
 * positions in every article: at a million, "the Haine region" (2,640
 * matches) takes 48 ms of CPU, "Haine region" 15. Every instance of a
 * phrase holds an instance of the phrase left when words are taken off
 * its ends, so in every column the longer phrase's count is at most the
 * shorter's, and BM25 grows with the count: the shorter phrase's score of
 * an article (same IDF, same length) bounds the longer's from above. So
 * the shorter phrase is walked (its matches and their bounds, newest
 * first up to the budget, as a phrase search walks), and its matches are
 * confirmed against the whole phrase in the order of their bounds, each
 * scored exactly, until the page is full and the lowest score on it is
 * above the next bound (ties are confirmed): no article left can enter
 * the page, and the answer is the one the longer phrase's own walk gives. A word comes off
 * an end while it is in at least a quarter of the articles and two words
 * remain. With a word in at most PP_ASC_DF articles the phrase's own walk
 * is short (asc_scan), and is taken. When the bounds are loose (the
 * shorter phrase often without the end words, in a title: "Neitalandian
 * Ministry") and PP_BOUND_CONFIRM articles do not settle the page, the
 * search declines and the phrase is walked after all.
 */
static arc_status_t scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df,
                         int64_t max, int64_t walk_max, int64_t sample, int64_t need,
                         double *df_est, int64_t **ids, double **scores, size_t *n, int *more,
                         int *used);

#define PP_BOUND_DIV 4        /* an end word in 1/4 of the rows comes off */
#define PP_BOUND_CONFIRM 400  /* articles confirmed at most */

static int pp_bound = 1, pp_bound_confirm = PP_BOUND_CONFIRM;
static int64_t pp_bound_rare = PP_ASC_DF;

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_bound(int on, int confirm, int64_t rare)
{
    pp_bound = on;
    pp_bound_confirm = confirm > 0 ? confirm : PP_BOUND_CONFIRM;
    pp_bound_rare = rare > 0 ? rare : PP_ASC_DF;
}

/* Contract in archive-private.h. */
void
Arc_phrase_pairs_counts(int64_t *bound, int64_t *dense)
{
    *bound = pp_bound_answered;
    *dense = pp_dense_answered;
}

static arc_status_t
bound_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, int64_t max, int64_t need,
           double *df_est, int64_t **ids_out, double **scores_out, size_t *n_out, int *more,
           int *used)
{
    toks_t ph;
    size_t len = strlen(fts);
    int a = 0, b = 0, rc = SQLITE_OK, s_more = 0, s_used = 0;
    int64_t df[PP_MAX_TOKENS], *s_id = NULL, id_min = 0;
    double n_row = 0, n_tok = 0, *s_sc = NULL, s_est, idf, avgdl, *top = NULL;
    size_t s_n = 0, n_top = 0, n_conf = 0, n_match = 0, i;
    arc_buf_t q = { NULL, 0, 0, 0 };
    bcand_t *c = NULL;
    idvec_t out = { NULL, 0, 0 };
    double *out_s = NULL;
    sqlite3_stmt *row = NULL, *dsz = NULL;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok = NULL;
    char anchor[PP_TOK_MAX + 1];
    arc_status_t s;

    if (!pp_bound || need <= 0 || max == INT64_MAX || !phrase_tokens(db, fts, len, &ph)
        || ph.n < 3 || averages(db, &n_row, &n_tok) != SQLITE_OK || n_row <= 0)
        return ARC_OK;
    for (int k = 0; k < ph.n; k++)
        if ((df[k] = term_df(db, ph.tok[k])) <= pp_bound_rare)
            return ARC_OK;    /* a rare word: the phrase's own walk is short */
    /* the frequent words off the ends, the more frequent first */
    while (ph.n - a - b > 2) {
        int64_t l = df[a], r = df[ph.n - 1 - b];
        if ((double)(l >= r ? l : r) * PP_BOUND_DIV < n_row)
            break;
        if (l >= r)
            a++;
        else
            b++;
    }
    if (a + b == 0)
        return ARC_OK;
    Arc_buf_add(&q, "\"");
    Arc_buf_addn(&q, fts + 1 + ph.start[a], (size_t)(ph.end[ph.n - 1 - b] - ph.start[a]));
    Arc_buf_add(&q, "\"");
    if (q.failed) {
        Arc_buf_free(&q);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    /* the shorter phrase's matches, newest first, with their bounds */
    s = scan(db, q.data, lo, hi, 1.0, max, max, 0, 0, &s_est, &s_id, &s_sc, &s_n, &s_more,
             &s_used);
    Arc_buf_free(&q);
    if (s != ARC_OK || !s_used) {
        free(s_id);
        free(s_sc);
        return s;
    }
    if (s_n > 0 && !(c = malloc(s_n * sizeof *c))) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    for (i = 0; i < s_n; i++) {
        c[i].id = s_id[i];
        c[i].ub = s_sc[i];
    }
    if (s_n > 0)
        id_min = s_id[s_n - 1];
    free(s_id);
    free(s_sc);
    s_id = NULL;
    s_sc = NULL;
    if (s_n > 1)
        qsort(c, s_n, sizeof *c, cmp_bcand);
    if (!(top = malloc((size_t)(need < (int64_t)s_n + 1 ? need : (int64_t)s_n + 1)
                       * sizeof *top))) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    if (Arc_fts5_tokenizer(db, &tk, &tok)) {
        rc = SQLITE_ERROR;
        goto done;
    }
    idf = pp_idf(n_row, 1.0);
    avgdl = n_tok / n_row;
    rc = sqlite3_prepare_v2(db->sql, PP_ROW_SQL, -1, &row, NULL);
    if (rc == SQLITE_OK && anchor_of(&ph, anchor)
        && sqlite3_prepare_v2(db->sql, "SELECT sz FROM article_fts_docsize WHERE id = ?1", -1,
                              &dsz, NULL) != SQLITE_OK)
        dsz = NULL;
    for (i = 0; i < s_n && rc == SQLITE_OK; i++) {
        int match = 0, dl = 0;
        double freq = 0, sc;
        size_t j;
        /* the page full, and nothing left can enter it */
        if ((int64_t)n_top >= need && top[n_top - 1] > c[i].ub)
            break;
        if ((int)n_conf >= pp_bound_confirm) {
            rc = SQLITE_MISMATCH;       /* the bounds are loose: the walk */
            break;
        }
        rc = confirm_one(db, row, &tk, tok, &ph, dsz ? anchor : NULL, dsz, c[i].id, &match,
                         &freq, &dl);
        n_conf++;
        if (rc != SQLITE_OK || !match)
            continue;
        n_match++;
        sc = bm25_of(idf, freq, dl, avgdl);
        if ((rc = out_push(&out, &out_s, c[i].id, sc)) != SQLITE_OK)
            break;
        /* the page's scores, highest first */
        if ((int64_t)n_top < need)
            n_top++;
        else if (sc <= top[n_top - 1])
            continue;
        for (j = n_top - 1; j > 0 && top[j - 1] < sc; j--)
            top[j] = top[j - 1];
        top[j] = sc;
    }
    if (rc == SQLITE_OK) {
        if (i < s_n || s_more) {
            /* not every match confirmed: the count, from the share of
             * the confirmed that matched, over the matches of the
             * shorter phrase (extrapolated by ids when those stopped at
             * the budget) */
            double est = (double)s_n;
            *more = 1;
            if (s_more)
                est = newest_extrapolate(db, (int64_t)s_n, id_min, lo, hi);
            est *= (double)n_match / (double)(n_conf ? n_conf : 1);
            *df_est = est < 1 ? 1 : est;
        }
        *ids_out = out.v;
        *scores_out = out_s;
        *n_out = out.n;
        *used = 1;
        out.v = NULL;
        out_s = NULL;
        pp_bound_answered++;
    }
done:
    sqlite3_finalize(row);
    sqlite3_finalize(dsz);
    if (tok)
        tk.xDelete(tok);
    free(s_id);
    free(s_sc);
    free(c);
    free(top);
    free(out.v);
    free(out_s);
    if (rc == SQLITE_NOMEM)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    return ARC_OK;            /* (else declined: the walk answers) */
}

/* Arc_phrase_pairs_scan and Arc_phrase_pairs_rank. */
static arc_status_t
scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df, int64_t max,
     int64_t walk_max, int64_t sample, int64_t need, double *df_est, int64_t **ids,
     double **scores, size_t *n, int *more, int *used)
{
    size_t len = fts ? strlen(fts) : 0;
    arc_status_t s;

    *df_est = 0;
    *ids = NULL;
    *scores = NULL;
    *n = 0;
    *more = 0;
    *used = 0;
    /* one plain phrase: "w1 w2 ..." and nothing else */
    if (!pp_enabled || len < 5 || fts[0] != '"' || fts[len - 1] != '"'
        || memchr(fts + 1, '"', len - 2) || !memchr(fts + 1, ' ', len - 2))
        return ARC_OK;
    s = lists_scan(db, fts, lo, hi, df, max, sample, need, df_est, ids, scores, n, more, used);
    if (s != ARC_OK || *used || pp_enabled == 2 || walk_max <= 0)
        return s;
    /* a relevance search: through a shorter phrase when frequent words
     * end it */
    if (sample > 0 && pp_enabled != 3) {
        s = bound_scan(db, fts, lo, hi, max, need, df_est, ids, scores, n, more, used);
        if (s != ARC_OK || *used)
            return s;
    }
    /* a rare word: one forward walk while the matches fit */
    if (pp_enabled != 3)
        s = asc_scan(db, fts, lo, hi, df, walk_max < max ? walk_max : max, ids, scores, n,
                     more, used);
    /* else newest first up to max: forward walks from the newest end */
    if (s == ARC_OK && !*used && max < INT64_MAX && max <= walk_max)
        s = chunk_scan(db, fts, lo, hi, df, max, ids, scores, n, more, used);
    return s;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_phrase_pairs_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, double df,
                      int64_t max, int64_t walk_max, int64_t **ids, double **scores, size_t *n,
                      int *more, int *used)
{
    double est;

    return scan(db, fts, lo, hi, df, max, walk_max, 0, 0, &est, ids, scores, n, more, used);
}

/* Contract in archive-private.h. */
arc_status_t
Arc_phrase_pairs_rank(arc_db_t *db, const char *fts, int64_t lo, int64_t hi, int64_t max,
                      int64_t need, int64_t **ids, double **scores, size_t *n, int *more,
                      double *df_est, int *used)
{
    return scan(db, fts, lo, hi, 1.0, max, max, pp_sample, need, df_est, ids, scores, n, more,
                used);
}
