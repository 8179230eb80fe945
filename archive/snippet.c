/*
 * snippet.c - search-result snippets made from the stored text of a row,
 * without FTS5's snippet().
 *
 * FTS5's snippet() re-runs the MATCH for the row (a seek in every segment
 * of every phrase's doclist), then tokenises every column whole. At a
 * million articles that cost ~1.5 ms per hit, 30 ms for a page of 20.
 * Here the query's positive phrases are tokenised once with the index's
 * own tokenizer (porter over unicode61, remove_diacritics 2, found through
 * the fts5_api), and each row's title, summary and body are tokenised only
 * as far as needed: the body in growing chunks, stopping once a window
 * holding every phrase has been seen (the first good window).
 *
 * The window is chosen with FTS5's rule (fts5_aux.c): a window of 24
 * tokens is scored 1000 per distinct phrase in it plus 1 per repeat; each
 * match is tried as a window centred on the matches it starts, and, in a
 * column longer than the window, the window starting at the beginning of
 * the match's sentence (after ". " or ": ") with a bonus of 100, or 120 at
 * the column's start; the first best window wins, columns in order title,
 * summary, body. Differences: a later column is not read once the best
 * window so far could only be beaten by repeats (1000 per phrase + 120),
 * and the body stops at its first window with every phrase; matches are
 * coalesced and marked the same way, and a mark is always closed.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

#define SNIP_TOKENS 24          /* tokens per snippet, as snippet(..., 24) */
#define SNIP_MAX_PHRASES 256    /* phrases beyond these are not marked */
#define SNIP_MAX_PHRASE_LEN 32  /* tokens per phrase kept */
#define SNIP_FIRST_CHUNK 160    /* body tokens read before the first check */
#define SNIP_STOP 1000          /* private code: enough tokens were read */

typedef struct snip_tok {
    int start, end;             /* byte offsets in the column text */
    int stem_off, stem_len;     /* the token as indexed, in the stem pool */
    int sentence;               /* starts a sentence */
} snip_tok_t;

typedef struct snip_phrase {
    int n;                      /* tokens */
    int off[SNIP_MAX_PHRASE_LEN], len[SNIP_MAX_PHRASE_LEN]; /* in the pool */
    int prefix;                 /* the last token is a prefix */
    int title_only;             /* title : (...) */
} snip_phrase_t;

typedef struct snip_inst {
    int phrase, pos;            /* phrase index, first token */
} snip_inst_t;

struct arc_snippeter {
    fts5_tokenizer tk;
    Fts5Tokenizer *tok;
    snip_phrase_t *ph;
    int n_ph;
    arc_buf_t qpool;            /* query tokens */
    char *mo, *mc;              /* marks */
    /* per column, reused */
    snip_tok_t *t;
    int n_t, cap_t;
    char *pool;                 /* stems of the column's tokens */
    size_t n_pool, cap_pool;
    int pool_failed;
    const char *text;           /* column being tokenised */
    int base;                   /* byte offset of the chunk in text */
    int limit;                  /* stop after this many tokens (0 = none) */
    snip_inst_t *inst;
    int n_inst, cap_inst;
    unsigned char *seen;
    arc_buf_t out;
};

/* ---- the tokenizer ---- */

static fts5_api *
fts5_api_of(sqlite3 *sql)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(sql, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

typedef struct qtok_ctx {
    arc_snippeter_t *s;
    snip_phrase_t *p;
} qtok_ctx_t;

static int
query_token_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    qtok_ctx_t *q = ctx;

    (void)start;
    (void)end;
    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (q->p->n < SNIP_MAX_PHRASE_LEN) {
        q->p->off[q->p->n] = (int)q->s->qpool.len;
        q->p->len[q->p->n] = n;
        Arc_buf_addn(&q->s->qpool, tok, (size_t)n);
        q->p->n++;
    }
    return SQLITE_OK;
}

/*
 * Add the phrase of one term as query.c writes it: `"w1 w2"`, `"w" *`,
 * `title : ("w")` or `title : ("w" *)` (a quote inside doubled).
 */
static int
add_term(arc_snippeter_t *s, const char *term)
{
    snip_phrase_t *p;
    const char *q = strchr(term, '"'), *e;
    arc_buf_t str = { NULL, 0, 0, 0 };
    qtok_ctx_t ctx;
    int rc;

    if (!q || s->n_ph >= SNIP_MAX_PHRASES)
        return SQLITE_OK;
    p = &s->ph[s->n_ph];
    memset(p, 0, sizeof *p);
    p->title_only = strncmp(term, "title", 5) == 0;
    for (e = q + 1; *e; e++) {
        if (*e == '"' && e[1] == '"') {
            Arc_buf_addn(&str, e, 1);
            e++;
        } else if (*e == '"') {
            break;
        } else {
            Arc_buf_addn(&str, e, 1);
        }
    }
    p->prefix = *e == '"' && strncmp(e + 1, " *", 2) == 0;
    if (str.failed) {
        Arc_buf_free(&str);
        return SQLITE_NOMEM;
    }
    ctx.s = s;
    ctx.p = p;
    rc = s->tk.xTokenize(s->tok, &ctx, FTS5_TOKENIZE_QUERY | (p->prefix ? FTS5_TOKENIZE_PREFIX : 0),
                         str.data ? str.data : "", (int)str.len, query_token_cb);
    Arc_buf_free(&str);
    if (rc == SQLITE_OK && s->qpool.failed)
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK && p->n > 0)
        s->n_ph++;
    return rc;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_fts5_tokenizer(arc_db_t *db, fts5_tokenizer *tk, Fts5Tokenizer **tok)
{
    static const char *const args[] = { "unicode61", "remove_diacritics", "2" };
    fts5_api *api = fts5_api_of(db->sql);
    void *ud = NULL;

    *tok = NULL;
    if (!api || api->xFindTokenizer(api, "porter", &ud, tk) != SQLITE_OK
        || tk->xCreate(ud, (const char **)args, 3, tok) != SQLITE_OK) {
        *tok = NULL;
        return Arc_db_error(db, ARC_E_DB, "the FTS5 tokenizer is not available");
    }
    return ARC_OK;
}

/* Contract in archive-private.h. */
arc_status_t
Arc_snippeter_new(arc_db_t *db, const char *const *terms, size_t n_terms,
                const char *mark_open, const char *mark_close, arc_snippeter_t **out)
{
    arc_snippeter_t *s = calloc(1, sizeof *s);
    int rc = SQLITE_OK;

    *out = NULL;
    if (!s)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    if (Arc_fts5_tokenizer(db, &s->tk, &s->tok)) {
        free(s);
        return ARC_E_DB;
    }
    s->mo = Arc_strdup(mark_open ? mark_open : "[");
    s->mc = Arc_strdup(mark_close ? mark_close : "]");
    s->ph = calloc(n_terms ? (n_terms < SNIP_MAX_PHRASES ? n_terms : SNIP_MAX_PHRASES) : 1,
                   sizeof *s->ph);
    if (!s->mo || !s->mc || !s->ph)
        rc = SQLITE_NOMEM;
    for (size_t i = 0; i < n_terms && rc == SQLITE_OK; i++)
        rc = add_term(s, terms[i]);
    if (rc == SQLITE_OK)
        s->seen = calloc((size_t)(s->n_ph ? s->n_ph : 1), 1);
    if (rc != SQLITE_OK || !s->seen) {
        Arc_snippeter_free(s);
        return rc == SQLITE_OK || rc == SQLITE_NOMEM
                   ? Arc_db_error(db, ARC_E_NOMEM, "out of memory")
                   : Arc_db_error(db, ARC_E_DB, "tokenising the query for snippets");
    }
    *out = s;
    return ARC_OK;
}

/* Contract in archive-private.h. */
void
Arc_snippeter_free(arc_snippeter_t *s)
{
    if (!s)
        return;
    if (s->tok)
        s->tk.xDelete(s->tok);
    free(s->ph);
    Arc_buf_free(&s->qpool);
    free(s->mo);
    free(s->mc);
    free(s->t);
    free(s->pool);
    free(s->inst);
    free(s->seen);
    Arc_buf_free(&s->out);
    free(s);
}

/* ---- a column's tokens ---- */

static int
column_token_cb(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
    arc_snippeter_t *s = ctx;
    snip_tok_t *t;

    if (tflags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (s->limit && s->n_t >= s->limit)
        return SNIP_STOP;
    if (s->n_t == s->cap_t) {
        int cap = s->cap_t ? 2 * s->cap_t : 256;
        snip_tok_t *p = realloc(s->t, (size_t)cap * sizeof *p);
        if (!p)
            return SQLITE_NOMEM;
        s->t = p;
        s->cap_t = cap;
    }
    if (s->n_pool + (size_t)n > s->cap_pool) {
        size_t cap = s->cap_pool ? 2 * s->cap_pool : 4096;
        char *p;
        while (cap < s->n_pool + (size_t)n)
            cap *= 2;
        if (!(p = realloc(s->pool, cap)))
            return SQLITE_NOMEM;
        s->pool = p;
        s->cap_pool = cap;
    }
    t = &s->t[s->n_t];
    t->start = s->base + start;
    t->end = s->base + end;
    t->stem_off = (int)s->n_pool;
    t->stem_len = n;
    memcpy(s->pool + s->n_pool, tok, (size_t)n);
    s->n_pool += (size_t)n;
    /* a sentence starts at the first token and after '.' or ':' and a space */
    t->sentence = 0;
    if (s->n_t == 0) {
        t->sentence = 1;
    } else {
        int i = t->start - 1;
        char c = 0;
        while (i >= 0 && ((c = s->text[i]) == ' ' || c == '\t' || c == '\n' || c == '\r'))
            i--;
        t->sentence = i != t->start - 1 && i >= 0 && (c == '.' || c == ':');
    }
    s->n_t++;
    return SQLITE_OK;
}

/* Whether the phrase p occurs at token pos of the column. */
static int
phrase_at(const arc_snippeter_t *s, const snip_phrase_t *p, int pos)
{
    if (pos + p->n > s->n_t)
        return 0;
    for (int j = 0; j < p->n; j++) {
        const snip_tok_t *t = &s->t[pos + j];
        const char *q = s->qpool.data + p->off[j];
        int last_prefix = p->prefix && j == p->n - 1;
        if (last_prefix ? t->stem_len < p->len[j] : t->stem_len != p->len[j])
            return 0;
        if (memcmp(s->pool + t->stem_off, q, (size_t)p->len[j]) != 0)
            return 0;
    }
    return 1;
}

/* Append the matches starting at tokens [from, n_t - longest + 1), or up to
 * n_t when the column is complete. Returns 0 or -1 (out of memory). */
static int
find_instances(arc_snippeter_t *s, int col, int from, int to)
{
    for (int pos = from; pos < to; pos++) {
        for (int i = 0; i < s->n_ph; i++) {
            const snip_phrase_t *p = &s->ph[i];
            if ((p->title_only && col != 0) || !phrase_at(s, p, pos))
                continue;
            if (s->n_inst == s->cap_inst) {
                int cap = s->cap_inst ? 2 * s->cap_inst : 64;
                snip_inst_t *v = realloc(s->inst, (size_t)cap * sizeof *v);
                if (!v)
                    return -1;
                s->inst = v;
                s->cap_inst = cap;
            }
            s->inst[s->n_inst].phrase = i;
            s->inst[s->n_inst].pos = pos;
            s->n_inst++;
        }
    }
    return 0;
}

/* FTS5's window score from token pos: 1000 per distinct phrase, 1 per
 * repeat; *adj the start that centres the matches (clamped to the column
 * of n_doc tokens) when adj is not NULL. */
static int
window_score(arc_snippeter_t *s, int pos, int n_doc, int *adj)
{
    int score = 0, first = -1, last = 0;
    int64_t end = (int64_t)pos + SNIP_TOKENS;

    memset(s->seen, 0, (size_t)s->n_ph);
    for (int i = 0; i < s->n_inst; i++) {
        const snip_inst_t *in = &s->inst[i];
        if (in->pos < pos || in->pos >= end)
            continue;
        score += s->seen[in->phrase] ? 1 : 1000;
        s->seen[in->phrase] = 1;
        if (first < 0)
            first = in->pos;
        last = in->pos + s->ph[in->phrase].n;
    }
    if (adj) {
        int a = first - (SNIP_TOKENS - (last - first)) / 2;
        if (a + SNIP_TOKENS > n_doc)
            a = n_doc - SNIP_TOKENS;
        if (a < 0)
            a = 0;
        *adj = a;
    }
    return score;
}

typedef struct best {
    int score, col, start;
} best_t;

/* Try the windows of instance ii (FTS5's two candidates) against *b;
 * returns the better of their two scores. */
static int
try_instance(arc_snippeter_t *s, int col, int ii, int n_doc, best_t *b)
{
    int io = s->inst[ii].pos, adj = 0, score, jj, top;

    top = score = window_score(s, io, n_doc, &adj);
    if (score > b->score) {
        b->score = score;
        b->col = col;
        b->start = adj;
    }
    if (n_doc <= SNIP_TOKENS)
        return top;
    for (jj = io; jj > 0 && !s->t[jj].sentence; jj--)
        ;
    if (jj < io) {
        score = window_score(s, jj, n_doc, NULL) + (jj == 0 ? 120 : 100);
        if (score > top)
            top = score;
        if (score > b->score) {
            b->score = score;
            b->col = col;
            b->start = jj;
        }
    }
    return top;
}

/* Phrases that can match in column col. */
static int
phrases_for(const arc_snippeter_t *s, int col)
{
    int n = 0;

    for (int i = 0; i < s->n_ph; i++)
        if (!s->ph[i].title_only || col == 0)
            n++;
    return n;
}

/* Tokenise the column (all of it, or while s->limit allows); returns an
 * SQLite code, SQLITE_OK when the column was read to its end. */
static int
tokenise(arc_snippeter_t *s, const char *text, int len, int from_byte)
{
    s->text = text;
    s->base = from_byte;
    return s->tk.xTokenize(s->tok, s, FTS5_TOKENIZE_DOCUMENT, text + from_byte,
                           len - from_byte, column_token_cb);
}

static void
reset_column(arc_snippeter_t *s)
{
    s->n_t = 0;
    s->n_pool = 0;
    s->n_inst = 0;
    s->limit = 0;
}

/*
 * Score column col: every window, or (body) windows until the first one
 * holding every phrase. On return the column's tokens are in s->t (as far
 * as read), *complete says whether all were read. Returns an SQLite code.
 */
static int
score_column(arc_snippeter_t *s, int col, const char *text, int len, int chunked,
             best_t *b, int *complete)
{
    int want = phrases_for(s, col) * 1000, rc, done_inst = 0, scanned = 0;

    reset_column(s);
    *complete = 0;
    if (!chunked) {
        rc = tokenise(s, text, len, 0);
        if (rc != SQLITE_OK)
            return rc;
        *complete = 1;
        if (find_instances(s, col, 0, s->n_t))
            return SQLITE_NOMEM;
        for (int ii = 0; ii < s->n_inst; ii++)
            try_instance(s, col, ii, s->n_t, b);
        return SQLITE_OK;
    }
    s->limit = SNIP_FIRST_CHUNK;
    for (;;) {
        int from = s->n_t ? s->t[s->n_t - 1].end : 0, longest = 1, upto;

        rc = tokenise(s, text, len, from);
        if (rc == SQLITE_OK)
            *complete = 1;
        else if (rc != SNIP_STOP)
            return rc;
        for (int i = 0; i < s->n_ph; i++)
            if (s->ph[i].n > longest)
                longest = s->ph[i].n;
        /* matches are known for starts whose phrase fits in what was read */
        upto = *complete ? s->n_t : s->n_t - longest + 1;
        if (upto > scanned) {
            if (find_instances(s, col, scanned, upto))
                return SQLITE_NOMEM;
            scanned = upto;
        }
        /* a window is final when the tokens after it were read too */
        while (done_inst < s->n_inst) {
            int io = s->inst[done_inst].pos;
            if (!*complete && (io + SNIP_TOKENS + 1 > s->n_t || io + SNIP_TOKENS > scanned))
                break;
            int got = try_instance(s, col, done_inst,
                                   *complete ? s->n_t : s->n_t + SNIP_TOKENS + 1, b);
            done_inst++;
            if (got >= want + 100 && want > 0 && !*complete)
                return SQLITE_OK;   /* the first good window */
        }
        if (*complete)
            return SQLITE_OK;
        s->limit *= 2;
    }
}

static void
out_text(arc_snippeter_t *s, const char *text, int from, int to)
{
    if (to > from)
        Arc_buf_addn(&s->out, text + from, (size_t)(to - from));
}

/*
 * Write the window [start, start + SNIP_TOKENS) of the column whose tokens
 * are in s->t (complete: all of them) with its matches marked as FTS5's
 * snippet() marks them: overlapping matches coalesced into one mark, a mark
 * closed before the text that follows its last token, "…" where text is
 * cut. The matches are s->inst, in token order.
 */
static void
render(arc_snippeter_t *s, const char *text, int len, int start, int complete)
{
    int end = start + SNIP_TOKENS - 1, off = 0, open = 0, ii = 0, open_end = -1;
    int rs = -1, re = -1;       /* the current coalesced match [rs, re] */

    s->out.len = 0;
    s->out.failed = 0;
    if (end >= s->n_t)
        end = s->n_t - 1;
    if (start > 0) {
        Arc_buf_add(&s->out, "…");
        off = start < s->n_t ? s->t[start].start : len;
    }
    for (int pos = start; pos <= end; pos++) {
        const snip_tok_t *t = &s->t[pos];
        /* the coalesced match ending at or after pos */
        while (re < pos && ii < s->n_inst) {
            rs = s->inst[ii].pos;
            re = rs + s->ph[s->inst[ii].phrase].n - 1;
            for (ii++; ii < s->n_inst && s->inst[ii].pos <= re; ii++) {
                int z = s->inst[ii].pos + s->ph[s->inst[ii].phrase].n - 1;
                if (z > re)
                    re = z;
            }
        }
        if (open && pos > open_end) {
            Arc_buf_add(&s->out, s->mc);
            open = 0;
        }
        if (!open && pos >= rs && pos <= re) {
            out_text(s, text, off, t->start);
            Arc_buf_add(&s->out, s->mo);
            off = t->start;
            open = 1;
            open_end = re;
        }
        out_text(s, text, off, t->end);
        off = t->end;
    }
    if (open)
        Arc_buf_add(&s->out, s->mc);
    if (complete && end >= s->n_t - 1)
        out_text(s, text, off, len);
    else
        Arc_buf_add(&s->out, "…");
    Arc_buf_addn(&s->out, "", 1);   /* the NUL, not counted */
    s->out.len--;
}

/* Contract in archive-private.h. */
const char *
Arc_snippeter_make(arc_snippeter_t *s, const char *const col[3])
{
    static const int fallback[3] = { 1, 2, 0 };
    best_t b = { 0, 0, 0 };
    int complete = 0, last = -1, lens[3], rc;

    for (int c = 0; c < 3; c++)
        lens[c] = col[c] ? (int)strlen(col[c]) : 0;
    for (int c = 0; c < 3; c++) {
        if (!lens[c])
            continue;
        /* a later column beats the best only with more phrases or the
         * sentence bonus; repeats alone are not worth reading it */
        if (b.score > 0 && b.score >= phrases_for(s, c) * 1000 + 120)
            break;
        if ((rc = score_column(s, c, col[c], lens[c], c == 2, &b, &complete)) != SQLITE_OK)
            return NULL;
        last = c;
    }
    if (b.score > 0 && b.col != last) {
        /* an earlier (short, whole) column won: read it again */
        reset_column(s);
        if (tokenise(s, col[b.col], lens[b.col], 0) != SQLITE_OK
            || find_instances(s, b.col, 0, s->n_t))
            return NULL;
        complete = 1;
    }
    if (b.score > 0) {
        render(s, col[b.col], lens[b.col], b.start, complete);
        return s->out.failed ? NULL : s->out.data;
    }
    /* no match in any column (an OR of absent words, a title-only term):
     * the start of the summary, else the body, else the title */
    for (int k = 0; k < 3; k++) {
        int c = fallback[k];
        if (!lens[c])
            continue;
        reset_column(s);
        s->limit = SNIP_TOKENS + 1;
        rc = tokenise(s, col[c], lens[c], 0);
        if (rc != SQLITE_OK && rc != SNIP_STOP)
            return NULL;
        s->n_inst = 0;
        render(s, col[c], lens[c], 0, rc == SQLITE_OK);
        return s->out.failed ? NULL : s->out.data;
    }
    return "";
}
