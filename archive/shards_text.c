/*
 * shards_text.c - text helpers of the Xapian shard backend (issue 8): the
 * archive's own FTS5 tokenizer called through SQLite (so shard terms are
 * exactly the FTS5 index's terms), snippets, the tag/length record format
 * of shard documents, month indexes. Contracts in shards.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shards.h"

/* ---- tag/length records ---- */

void
Arc_tlv_add(arc_buf_t *b, char tag, const char *s, size_t len)
{
    unsigned char hdr[5];

    if (len > 0xFFFFFFFFu) {
        b->failed = 1;
        return;
    }
    hdr[0] = (unsigned char)tag;
    hdr[1] = (unsigned char)(len & 0xFF);
    hdr[2] = (unsigned char)((len >> 8) & 0xFF);
    hdr[3] = (unsigned char)((len >> 16) & 0xFF);
    hdr[4] = (unsigned char)((len >> 24) & 0xFF);
    Arc_buf_addn(b, (const char *)hdr, 5);
    if (len)
        Arc_buf_addn(b, s, len);
}

void
Arc_tlv_str(arc_buf_t *b, char tag, const char *s)
{
    if (s)
        Arc_tlv_add(b, tag, s, strlen(s));
}

void
Arc_tlv_int(arc_buf_t *b, char tag, int64_t v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", (long long)v);
    Arc_tlv_add(b, tag, num, (size_t)n);
}

int
Arc_tlv_next(const char *p, size_t n, size_t *off, char *tag, const char **s,
             size_t *len)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t o = *off, l;

    if (o + 5 > n)
        return 0;
    l = (size_t)u[o + 1] | (size_t)u[o + 2] << 8 | (size_t)u[o + 3] << 16
        | (size_t)u[o + 4] << 24;
    if (l > n - o - 5)
        return 0;
    *tag = p[o];
    *s = p + o + 5;
    *len = l;
    *off = o + 5 + l;
    return 1;
}

/* ---- months ---- */

int64_t
Arc_month_index(int64_t t)
{
    int64_t days = t / 86400 - (t % 86400 < 0 ? 1 : 0);
    int y, m, d;

    arc_civil_from_days(days, &y, &m, &d);
    return (int64_t)y * 12 + m - 1;
}

/* ---- the FTS5 tokenizer ---- */

struct arc_tok {
    sqlite3 *sql;              /* private in-memory connection */
    fts5_tokenizer api;
    Fts5Tokenizer *tok;
};

void
Arc_tok_close(arc_tok_t *t)
{
    if (!t)
        return;
    if (t->tok)
        t->api.xDelete(t->tok);
    sqlite3_close_v2(t->sql);
    free(t);
}

arc_status_t
Arc_tok_open(arc_tok_t **out)
{
    /* the tokenizer of the article_fts table (schema.c, version 1) */
    static const char *const args[] = { "unicode61", "remove_diacritics", "2" };
    arc_tok_t *t = calloc(1, sizeof *t);
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    void *ctx = NULL;

    *out = NULL;
    if (!t)
        return ARC_E_NOMEM;
    if (sqlite3_open_v2(":memory:", &t->sql, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_prepare_v2(t->sql, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->xFindTokenizer(api, "porter", &ctx, &t->api) != SQLITE_OK)
        goto fail;
    if (t->api.xCreate(ctx, (const char **)args, 3, &t->tok) != SQLITE_OK) {
        t->tok = NULL;
        goto fail;
    }
    *out = t;
    return ARC_OK;
fail:
    Arc_tok_close(t);
    return ARC_E_DB;
}

typedef struct tok_ctx {
    arc_tok_fn fn;
    void *ctx;
} tok_ctx_t;

static int
tok_cb(void *p, int tflags, const char *tok, int n, int start, int end)
{
    tok_ctx_t *c = p;
    (void)tflags;
    return c->fn(c->ctx, tok, n, start, end) ? SQLITE_DONE : SQLITE_OK;
}

arc_status_t
Arc_tok_run(arc_tok_t *t, int query, int prefix, const char *text, size_t len,
            arc_tok_fn fn, void *ctx)
{
    tok_ctx_t c = { fn, ctx };
    int flags = query ? FTS5_TOKENIZE_QUERY | (prefix ? FTS5_TOKENIZE_PREFIX : 0)
                      : FTS5_TOKENIZE_DOCUMENT;
    int rc;

    if (!text || !len)
        return ARC_OK;
    if (len > 0x7FFFFFFF)
        len = 0x7FFFFFFF;
    rc = t->api.xTokenize(t->tok, &c, flags, text, (int)len, tok_cb);
    return rc == SQLITE_OK || rc == SQLITE_DONE ? ARC_OK : ARC_E_DB;
}

/* ---- snippets ---- */

#define SNIPPET_TOKENS 24

typedef struct snip_tok {
    int start, end;
    int term;              /* index of the matched term, -1 when none */
} snip_tok_t;

typedef struct snip_col {
    snip_tok_t *v;
    size_t n, cap;
    const arc_snip_term_t *terms;
    size_t n_terms;
    int failed;
} snip_col_t;

static int
term_match(const arc_snip_term_t *terms, size_t n, const char *tok, int len)
{
    for (size_t i = 0; i < n; i++) {
        const arc_snip_term_t *t = &terms[i];
        if (t->prefix ? (size_t)len >= t->len && memcmp(tok, t->tok, t->len) == 0
                      : (size_t)len == t->len && memcmp(tok, t->tok, t->len) == 0)
            return (int)i;
    }
    return -1;
}

static int
snip_cb(void *p, const char *tok, int n, int start, int end)
{
    snip_col_t *c = p;

    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        snip_tok_t *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->failed = 1;
            return 1;
        }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n].start = start;
    c->v[c->n].end = end;
    c->v[c->n].term = term_match(c->terms, c->n_terms, tok, n);
    c->n++;
    return 0;
}

/* Score of the window [s, s + SNIPPET_TOKENS): distinct terms, then hits;
 * *last is the index of its last hit. */
static long
window_score(const snip_col_t *c, size_t s, size_t *last)
{
    unsigned char seen[64];
    long distinct = 0, hits = 0;
    size_t e = s + SNIPPET_TOKENS < c->n ? s + SNIPPET_TOKENS : c->n;

    memset(seen, 0, sizeof seen);
    *last = s;
    for (size_t i = s; i < e; i++) {
        int t = c->v[i].term;
        if (t < 0)
            continue;
        hits++;
        *last = i;
        if (t < 64 && !seen[t]) {
            seen[t] = 1;
            distinct++;
        }
    }
    return distinct * 10000 + hits;
}

char *
Arc_snippet_make(arc_tok_t *t, const arc_snip_term_t *terms, size_t n_terms,
                 const char *const cols[3], const char *mark_open,
                 const char *mark_close)
{
    snip_col_t col[3];
    long best = -1;
    int bc = -1;
    size_t bs = 0;
    arc_buf_t out = { NULL, 0, 0, 0 };
    const char *mo = mark_open ? mark_open : "[";
    const char *mc = mark_close ? mark_close : "]";

    memset(col, 0, sizeof col);
    for (int k = 0; k < 3; k++) {
        col[k].terms = terms;
        col[k].n_terms = n_terms;
        if (cols[k] && *cols[k])
            Arc_tok_run(t, 0, 0, cols[k], strlen(cols[k]), snip_cb, &col[k]);
        if (col[k].failed)
            goto done;
        for (size_t i = 0; i < col[k].n; i++) {
            size_t s, last, span;
            long sc;
            if (col[k].v[i].term < 0 && i != 0)
                continue;
            /* like FTS5: score the window starting at a hit, then centre
             * its hits in the window */
            sc = window_score(&col[k], i, &last);
            span = last - i;
            s = i > (SNIPPET_TOKENS - span) / 2 ? i - (SNIPPET_TOKENS - span) / 2 : 0;
            if (col[k].n > SNIPPET_TOKENS && s > col[k].n - SNIPPET_TOKENS)
                s = col[k].n - SNIPPET_TOKENS;
            if (sc > best) {
                best = sc;
                bc = k;
                bs = s;
            }
        }
    }
    if (bc < 0) {
        Arc_buf_add(&out, "");
    } else {
        const snip_col_t *c = &col[bc];
        const char *text = cols[bc];
        size_t e = bs + SNIPPET_TOKENS < c->n ? bs + SNIPPET_TOKENS : c->n;
        size_t pos = bs == 0 ? 0 : (size_t)c->v[bs].start;

        if (bs > 0)
            Arc_buf_add(&out, "…");
        for (size_t i = bs; i < e; i++) {
            const snip_tok_t *k = &c->v[i];
            Arc_buf_addn(&out, text + pos, (size_t)k->start - pos);
            if (k->term >= 0)
                Arc_buf_add(&out, mo);
            Arc_buf_addn(&out, text + k->start, (size_t)(k->end - k->start));
            if (k->term >= 0)
                Arc_buf_add(&out, mc);
            pos = (size_t)k->end;
        }
        if (e == c->n)
            Arc_buf_add(&out, text + pos);
        else
            Arc_buf_add(&out, "…");
    }
done:
    for (int k = 0; k < 3; k++)
        free(col[k].v);
    if (out.failed || !out.data) {
        Arc_buf_free(&out);
        return NULL;
    }
    return out.data;
}
