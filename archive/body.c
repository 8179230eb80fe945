/*
 * body.c - article bodies stored compressed (issue 6, schema v11;
 * docs/internals/bodies.md).
 *
 * article.body (and article_version.body, which copies the stored value)
 * holds either
 *   - TEXT: the plain body (every archive before schema 11, and bodies
 *     too short or too repetitive-free to gain from compression), or
 *   - a BLOB in this format:
 *       byte 0      the format: BODY_ZSTD, or (schema 16) BODY_ZSTD_DICT,
 *                   compressed with one of the archive's dictionaries
 *                   (table body_dict), whose id the frame header holds
 *       bytes 1..4  the plain text's length in bytes, little-endian
 *       bytes 5..8  the CRC-32 of the plain text, little-endian (lets a
 *                   writer check a precompressed body without decoding)
 *       bytes 9..   one Zstandard frame (RFC 8878) holding its content
 *                   size and the XXH64 checksum of the plain text, which
 *                   a whole decode checks)
 * The storage class alone tells them apart; no archive is rewritten.
 *
 * Readers never decode by hand: SQL reads a body as arc_body(body, id),
 * a function registered on every connection the library opens
 * (Arc_body_sql_register, from db.c). TEXT passes through unchanged, a
 * BLOB is decoded; a corrupt one fails the statement with an error that
 * names the article. The FTS5 index reads its external content through
 * the view article_text (schema v11), which applies arc_body(), so
 * 'rebuild', 'integrity-check' and the update/delete triggers all see
 * the plain text the index was built from.
 *
 * Writers: arc_body_compress() (public) makes the BLOB on any thread (the
 * import's reader thread), and arc_article_put() stores a precompressed
 * body after checking it matches the text (Arc_body_pack), compressing
 * by itself only when it was not given one.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>         /* crc32 */
#include <zdict.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "archive-private.h"

#define BODY_ZSTD 0x02          /* format byte of a compressed body */
#define BODY_ZSTD_DICT 0x03     /* ... compressed with a dictionary */
#define BODY_HEAD 9             /* format, plain length, CRC-32 of the text */
#define BODY_FRAME_MIN 9        /* magic, frame header, one block header */
/* Bodies shorter than this stay TEXT: the header and the frame (22 bytes
 * and more) eat most of what compression saves on a few sentences. */
#define BODY_MIN_COMPRESS 200
/* Zstandard level: 1 is the fastest; see docs/internals/bodies.md for the
 * measured sizes and CPU against zlib on the benchmark corpus. */
#define BODY_LEVEL 1
/* Dictionaries (schema 16): trained on BODY_DICT_SAMPLES bodies, at most
 * BODY_DICT_BYTES, used at level BODY_DICT_LEVEL, which then costs about
 * what level 1 without one does (docs/internals/bodies.md). 16 KB: a
 * body decodes as fast as without one (9.5 us a 4 KB body; with 64 KB
 * 11.0, a busy timeline's walk is mostly decoding) for 0.470 of the text
 * instead of 0.456. */
#define BODY_DICT_BYTES (16 * 1024)
#define BODY_DICT_LEVEL 2
#define BODY_DICTS 4            /* dictionaries a reader keeps loaded */

struct arc_body_dict {
    uint32_t id;                /* the dictionary's own id (ZDICT) */
    void *bytes;
    size_t len;
    ZSTD_CDict *cd;
};

static uint32_t
get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8 & 0xff);
    p[2] = (unsigned char)(v >> 16 & 0xff);
    p[3] = (unsigned char)(v >> 24 & 0xff);
}

static uint32_t
text_crc(const char *text, size_t len)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)text, (uInt)len);
}

/* One compression context per thread, kept: making one per body was a
 * third of the compression's time (20,000 bodies of the benchmark corpus
 * with a dictionary: 0.59 s with a new context each, 0.42 s reusing one,
 * the same bytes). Freed when the thread ends. */
static pthread_key_t cctx_key;
static pthread_once_t cctx_once = PTHREAD_ONCE_INIT;
static int cctx_key_ok;

static void
cctx_free(void *cc)
{
    ZSTD_freeCCtx(cc);
}

static void
cctx_key_make(void)
{
    cctx_key_ok = pthread_key_create(&cctx_key, cctx_free) == 0;
}

/* The calling thread's context, reset to no parameters; NULL without
 * memory. *own is set when the caller must free it (no key). */
static ZSTD_CCtx *
cctx_get(int *own)
{
    ZSTD_CCtx *cc;

    pthread_once(&cctx_once, cctx_key_make);
    *own = 0;
    if (cctx_key_ok && (cc = pthread_getspecific(cctx_key))) {
        ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
        return cc;
    }
    if (!(cc = ZSTD_createCCtx()))
        return NULL;
    if (!cctx_key_ok || pthread_setspecific(cctx_key, cc) != 0)
        *own = 1;
    return cc;
}

static arc_status_t
compress_with(const arc_body_dict_t *d, const char *body, size_t len, void **out,
              size_t *out_len)
{
    ZSTD_CCtx *cc;
    int own;
    unsigned char *buf;
    size_t cap, z;

    *out = NULL;
    *out_len = 0;
    if (!body || len < BODY_MIN_COMPRESS || len > UINT32_MAX || len > UINT_MAX)
        return ARC_OK;
    cap = BODY_HEAD + ZSTD_compressBound(len);
    if (!(buf = malloc(cap)))
        return ARC_E_NOMEM;
    if (!(cc = cctx_get(&own))) {
        free(buf);
        return ARC_E_NOMEM;
    }
    if ((d ? ZSTD_isError(ZSTD_CCtx_refCDict(cc, d->cd))
           : ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, BODY_LEVEL))) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1))) {
        if (own)
            ZSTD_freeCCtx(cc);
        free(buf);
        return ARC_E_INTERNAL;
    }
    z = ZSTD_compress2(cc, buf + BODY_HEAD, cap - BODY_HEAD, body, len);
    if (own)
        ZSTD_freeCCtx(cc);
    if (ZSTD_isError(z)) {
        free(buf);
        return ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation ? ARC_E_NOMEM
                                                                    : ARC_E_INTERNAL;
    }
    if (BODY_HEAD + z + len / 16 >= len) {
        free(buf);   /* saves less than 1/16 of the text: stays TEXT */
        return ARC_OK;
    }
    buf[0] = d ? BODY_ZSTD_DICT : BODY_ZSTD;
    put_le32(buf + 1, (uint32_t)len);
    put_le32(buf + 5, text_crc(body, len));
    {
        /* the room for the worst case back (about half of it): a
         * compressed body may wait in an import's queue */
        unsigned char *fit = realloc(buf, BODY_HEAD + z);
        if (fit)
            buf = fit;
    }
    *out = buf;
    *out_len = BODY_HEAD + z;
    return ARC_OK;
}

arc_status_t
arc_body_compress(const char *body, size_t len, void **out, size_t *out_len)
{
    return compress_with(NULL, body, len, out, out_len);
}

arc_status_t
arc_body_compress_dict(const arc_body_dict_t *d, const char *body, size_t len, void **out,
                       size_t *out_len)
{
    return compress_with(d, body, len, out, out_len);
}

/* ---- dictionaries (schema 16) ---- */

/* A dictionary from its bytes (copied); NULL *out and ARC_E_CORRUPT when
 * they are not a Zstandard dictionary with an id. */
static arc_status_t
dict_make(const void *bytes, size_t len, arc_body_dict_t **out)
{
    arc_body_dict_t *d;
    uint32_t id = bytes && len ? (uint32_t)ZDICT_getDictID(bytes, len) : 0;

    *out = NULL;
    if (!id)
        return ARC_E_CORRUPT;
    if (!(d = calloc(1, sizeof *d)) || !(d->bytes = malloc(len))) {
        free(d);
        return ARC_E_NOMEM;
    }
    memcpy(d->bytes, bytes, len);
    d->len = len;
    d->id = id;
    if (!(d->cd = ZSTD_createCDict(d->bytes, len, BODY_DICT_LEVEL))) {
        arc_body_dict_free(d);
        return ARC_E_NOMEM;
    }
    *out = d;
    return ARC_OK;
}

void
arc_body_dict_free(arc_body_dict_t *d)
{
    if (!d)
        return;
    ZSTD_freeCDict(d->cd);
    free(d->bytes);
    free(d);
}

arc_status_t
arc_body_dict_train(const char *const *texts, const size_t *lens, size_t n,
                    arc_body_dict_t **out)
{
    size_t total = 0, used = 0, got;
    unsigned nsamp = 0;
    char *all = NULL;
    size_t *sizes = NULL;
    void *dict = NULL;
    arc_status_t st = ARC_OK;

    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (texts[i] && lens[i] >= BODY_MIN_COMPRESS && lens[i] <= UINT32_MAX)
            total += lens[i];
    if (total < (size_t)BODY_DICT_BYTES * 8)
        return ARC_OK;      /* too little text to learn from */
    if (!(all = malloc(total)) || !(sizes = malloc(n * sizeof *sizes))
        || !(dict = malloc(BODY_DICT_BYTES))) {
        st = ARC_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!texts[i] || lens[i] < BODY_MIN_COMPRESS || lens[i] > UINT32_MAX)
            continue;
        memcpy(all + used, texts[i], lens[i]);
        used += lens[i];
        sizes[nsamp++] = lens[i];
    }
    got = ZDICT_trainFromBuffer(dict, BODY_DICT_BYTES, all, sizes, nsamp);
    /* (texts too alike or too few to train on: no dictionary) */
    if (!ZDICT_isError(got))
        st = dict_make(dict, got, out);
    if (st == ARC_E_CORRUPT)
        st = ARC_OK;
done:
    free(all);
    free(sizes);
    free(dict);
    return st;
}

arc_status_t
arc_body_dict_load(arc_db_t *db, arc_body_dict_t **out)
{
    sqlite3_stmt *st;
    arc_status_t s = ARC_OK;
    int rc;

    *out = NULL;
    if (!(st = Arc_db_prepare(db, "SELECT dict FROM body_dict ORDER BY seq DESC LIMIT 1")))
        return ARC_E_DB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s = dict_make(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), out);
        if (s == ARC_E_CORRUPT)
            s = Arc_db_error(db, s, "the archive's body dictionary is corrupt");
        else if (s)
            s = Arc_db_error(db, s, "out of memory");
    } else if (rc != SQLITE_DONE) {
        s = Arc_db_sqlerr(db, "reading the body dictionary");
    }
    sqlite3_finalize(st);
    return s;
}

/* The handle's dictionary (db->body_dict): the archive's newest, looked
 * up once. A damaged one is not used: bodies are then stored without,
 * so that one bad row never stops the archive taking articles (the check
 * names it, and arc_body_dict_ensure makes a new one). */
static arc_status_t
handle_dict(arc_db_t *db)
{
    arc_status_t s;

    if (db->body_dict_tried)
        return ARC_OK;
    db->body_dict_tried = 1;
    s = arc_body_dict_load(db, &db->body_dict);
    return s == ARC_E_CORRUPT ? ARC_OK : s;
}

/* Does the archive hold dictionary id? 1 yes, 0 no, -1 an SQLite failure.
 * (The handle's own, handle_dict, is known without a query: every body of
 * an import.) */
static int
dict_known(arc_db_t *db, uint32_t id)
{
    sqlite3_stmt *st;
    int rc;

    if (db->body_dict && db->body_dict->id == id)
        return 1;
    if (!(st = Arc_db_prepare(db, "SELECT 1 FROM body_dict WHERE id = ?1")))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

arc_status_t
arc_body_dict_store(arc_db_t *db, const arc_body_dict_t *d)
{
    sqlite3_stmt *st;
    arc_body_dict_t *mine = NULL;
    arc_status_t s;
    int rc, same = 0;

    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "the archive is open read-only");
    if (!d)
        return ARC_OK;
    if (!(st = Arc_db_prepare(db, "INSERT OR IGNORE INTO body_dict(id, dict) VALUES (?1, ?2)")))
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, d->id);
    sqlite3_bind_blob(st, 2, d->bytes, (int)d->len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "storing the body dictionary");
    /* an id already taken must be this very dictionary */
    if (!(st = Arc_db_prepare(db, "SELECT dict = ?2 FROM body_dict WHERE id = ?1")))
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, d->id);
    sqlite3_bind_blob(st, 2, d->bytes, (int)d->len, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        same = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (!same)
        return Arc_db_error(db, ARC_E_BAD_ARG,
                            "the archive holds another body dictionary with id %lu",
                            (unsigned long)d->id);
    /* this handle compresses with it from now on */
    if ((s = dict_make(d->bytes, d->len, &mine)))
        return Arc_db_error(db, s, "out of memory");
    arc_body_dict_free(db->body_dict);
    db->body_dict = mine;
    db->body_dict_tried = 1;
    return ARC_OK;
}

arc_status_t
arc_body_dict_ensure(arc_db_t *db, int *made)
{
    sqlite3_stmt *st;
    const char **texts = NULL;
    size_t *lens = NULL, n = 0;
    arc_body_dict_t *d = NULL;
    arc_status_t s = ARC_OK;
    int rc;

    *made = 0;
    /* (a damaged newest one counts as none: the new one replaces it) */
    s = arc_body_dict_load(db, &d);
    if (s == ARC_E_CORRUPT)
        s = ARC_OK;
    else if (s || d) {
        arc_body_dict_free(d);
        return s;
    }
    /* the newest bodies: what is stored next is most like them (one that
     * does not decode, say a dictionary's that is damaged, is passed by;
     * at most four times the samples are read) */
    if (!(st = Arc_db_prepare(db, "SELECT body FROM article WHERE body IS NOT NULL"
                                  " ORDER BY id DESC LIMIT ?1")))
        return ARC_E_DB;
    sqlite3_bind_int(st, 1, 4 * ARC_BODY_DICT_SAMPLES);
    if (!(texts = calloc(ARC_BODY_DICT_SAMPLES, sizeof *texts))
        || !(lens = calloc(ARC_BODY_DICT_SAMPLES, sizeof *lens)))
        s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    while (!s && n < ARC_BODY_DICT_SAMPLES && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        size_t blen = (size_t)sqlite3_column_bytes(st, 0);
        char *t = NULL;
        size_t tlen = 0;
        const char *why = NULL;
        arc_status_t ds;
        if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
            ds = (t = malloc(blen + 1)) ? ARC_OK : ARC_E_NOMEM;
            if (t) {
                memcpy(t, b, blen);
                t[blen] = '\0';
                tlen = blen;
            }
        } else {
            ds = Arc_body_decode(db, b, blen, SIZE_MAX, &t, &tlen, &why);
        }
        if (ds == ARC_E_NOMEM)
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        if (ds != ARC_OK)
            continue;
        texts[n] = t;
        lens[n++] = tlen;
    }
    if (!s && rc != SQLITE_DONE && rc != SQLITE_ROW)
        s = Arc_db_sqlerr(db, "reading bodies for a dictionary");
    sqlite3_finalize(st);
    if (!s && n == ARC_BODY_DICT_SAMPLES && (s = arc_body_dict_train(texts, lens, n, &d)))
        s = Arc_db_error(db, s, "out of memory");
    if (!s && d && !(s = arc_body_dict_store(db, d)))
        *made = 1;
    arc_body_dict_free(d);
    for (size_t i = 0; texts && i < n; i++)
        free((char *)texts[i]);
    free(texts);
    free(lens);
    return s;
}

/* The dictionaries a reader has loaded, from the connection sql. */
typedef struct {
    sqlite3 *sql;
    int next;
    uint32_t id[BODY_DICTS];
    ZSTD_DDict *dd[BODY_DICTS];
} ddicts_t;

static void
ddicts_free(ddicts_t *c)
{
    for (int i = 0; i < BODY_DICTS; i++) {
        ZSTD_freeDDict(c->dd[i]);
        c->dd[i] = NULL;
        c->id[i] = 0;
    }
}

/* The dictionary compressed body b[0..n) (its length checked) needs:
 * *dd NULL for one compressed without. Returns ARC_OK, ARC_E_CORRUPT or
 * ARC_E_NOMEM with *why a static phrase. */
static arc_status_t
ddict_for(ddicts_t *c, const unsigned char *b, size_t n, ZSTD_DDict **dd, const char **why)
{
    uint32_t id;
    sqlite3_stmt *st = NULL;
    int rc, slot;

    *dd = NULL;
    if (b[0] != BODY_ZSTD_DICT)
        return ARC_OK;
    if (!(id = (uint32_t)ZSTD_getDictID_fromFrame(b + BODY_HEAD, n - BODY_HEAD))) {
        *why = "it names no dictionary";
        return ARC_E_CORRUPT;
    }
    for (int i = 0; i < BODY_DICTS; i++)
        if (c->dd[i] && c->id[i] == id) {
            *dd = c->dd[i];
            return ARC_OK;
        }
    if (!c->sql
        || sqlite3_prepare_v2(c->sql, "SELECT dict FROM body_dict WHERE id = ?1", -1, &st, NULL)
               != SQLITE_OK) {
        sqlite3_finalize(st);
        *why = "its dictionary cannot be read";
        return ARC_E_CORRUPT;
    }
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        *why = rc == SQLITE_DONE ? "the archive lacks the dictionary it was compressed with"
                                 : "its dictionary cannot be read";
        return ARC_E_CORRUPT;
    }
    if (ZDICT_getDictID(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0)) != id) {
        sqlite3_finalize(st);
        *why = "its dictionary is corrupt";
        return ARC_E_CORRUPT;
    }
    slot = c->next;
    c->next = (c->next + 1) % BODY_DICTS;
    ZSTD_freeDDict(c->dd[slot]);
    c->dd[slot] = ZSTD_createDDict(sqlite3_column_blob(st, 0),
                                   (size_t)sqlite3_column_bytes(st, 0));
    c->id[slot] = c->dd[slot] ? id : 0;
    sqlite3_finalize(st);
    if (!c->dd[slot]) {
        /* (its tables do not load; 64 KB are seldom what is missing) */
        *why = "its dictionary is corrupt";
        return ARC_E_CORRUPT;
    }
    *dd = c->dd[slot];
    return ARC_OK;
}

/* How many bytes decoding compressed body b[0..n) for its first `want`
 * bytes gives (*get); ARC_OK or ARC_E_CORRUPT (*why: a static phrase). */
static arc_status_t
decode_size(const unsigned char *b, size_t n, size_t want, size_t *get, const char **why)
{
    size_t plain;

    *why = "not a compressed body";
    if (n < BODY_HEAD + BODY_FRAME_MIN || (b[0] != BODY_ZSTD && b[0] != BODY_ZSTD_DICT)
        || n - BODY_HEAD > UINT_MAX)
        return ARC_E_CORRUPT;
    plain = get_le32(b + 1);
    /* the header and the frame must agree on the length before anything
     * is allocated for it (a repeated text may well shrink 10,000 times,
     * so no ratio can tell a corrupt length) */
    if (ZSTD_getFrameContentSize(b + BODY_HEAD, n - BODY_HEAD) != (unsigned long long)plain) {
        *why = "its stated length is wrong";
        return ARC_E_CORRUPT;
    }
    /* a text of one block (ZSTD_BLOCKSIZE_MAX, 128 KB: nearly every
     * article) is decoded whole: zstd decodes a block at a time, so a
     * prefix saves nothing, and one call costs less than streaming (12.4
     * against 13.4 us a 4 KB body with a dictionary) */
    *get = want < plain && plain > ZSTD_BLOCKSIZE_MAX ? want : plain;
    return ARC_OK;
}

/* Decode the first `get` bytes (from decode_size) of compressed body
 * b[0..n) into buf (get + 1 bytes, NUL-terminated) with the context dc
 * and the body's dictionary from c; the whole text is checked against
 * the frame's checksum, a prefix is not. Returns ARC_OK, ARC_E_CORRUPT
 * or ARC_E_NOMEM, *why as above. */
static arc_status_t
decode_into(ZSTD_DCtx *dc, ddicts_t *c, const unsigned char *b, size_t n, size_t get,
            char *buf, const char **why)
{
    size_t plain = get_le32(b + 1), r;
    ZSTD_DDict *dd = NULL;
    arc_status_t st;

    if ((st = ddict_for(c, b, n, &dd, why)))
        return st;
    if (get == plain) {
        /* the whole text: one call, which checks the content size and
         * the checksum the frame carries */
        r = ZSTD_decompress_usingDDict(dc, buf, get, b + BODY_HEAD, n - BODY_HEAD, dd);
        if (ZSTD_isError(r) || r != get) {
            *why = ZSTD_isError(r)
                ? (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall
                   ? "it is longer than its stated length"
                   : ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? "out of memory"
                   : ZSTD_getErrorName(r))
                : "it is shorter than its stated length";
            return ZSTD_isError(r) && ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
                ? ARC_E_NOMEM : ARC_E_CORRUPT;
        }
    } else {
        /* a prefix: stream until the buffer is full */
        ZSTD_inBuffer in = { b + BODY_HEAD, n - BODY_HEAD, 0 };
        ZSTD_outBuffer o = { buf, get, 0 };

        ZSTD_DCtx_reset(dc, ZSTD_reset_session_only);
        if (ZSTD_isError(ZSTD_DCtx_refDDict(dc, dd))) {
            *why = "out of memory";
            return ARC_E_NOMEM;
        }
        st = ARC_OK;
        while (o.pos < get) {
            size_t before_in = in.pos, before_out = o.pos;
            r = ZSTD_decompressStream(dc, &o, &in);
            if (ZSTD_isError(r)) {
                *why = ZSTD_getErrorName(r);
                st = ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? ARC_E_NOMEM
                                                                          : ARC_E_CORRUPT;
                break;
            }
            if (o.pos < get && (r == 0 || (in.pos == before_in && o.pos == before_out))) {
                *why = "it is shorter than its stated length";
                st = ARC_E_CORRUPT;
                break;
            }
        }
        /* (the context forgets the dictionary: the next body may have none) */
        ZSTD_DCtx_reset(dc, ZSTD_reset_session_and_parameters);
        if (st)
            return st;
    }
    buf[get] = '\0';
    return ARC_OK;
}

/* Decode a compressed body with the context dc: at least the first
 * `want` bytes of the text (SIZE_MAX: all of it; decoding may stop there,
 * so only the whole text is checked against the frame's checksum).
 * *out: malloc'd, NUL-terminated, *out_len bytes; *why: a static phrase on
 * failure. Returns ARC_OK, ARC_E_CORRUPT or ARC_E_NOMEM. */
static arc_status_t
decode_with(ZSTD_DCtx *dc, ddicts_t *c, const unsigned char *b, size_t n, size_t want,
            char **out, size_t *out_len, const char **why)
{
    size_t get = 0;
    arc_status_t st;
    char *buf;

    *out = NULL;
    *out_len = 0;
    if ((st = decode_size(b, n, want, &get, why)))
        return st;
    if (!(buf = malloc(get + 1))) {
        *why = "out of memory";
        return ARC_E_NOMEM;
    }
    if ((st = decode_into(dc, c, b, n, get, buf, why))) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_len = get;
    return ARC_OK;
}

/* Contract in archive-private.h. */
struct arc_body_reader {
    ZSTD_DCtx *dc;
    ddicts_t dicts;
    char *buf;
    size_t cap;
};

arc_body_reader_t *
Arc_body_reader_new(sqlite3 *sql)
{
    arc_body_reader_t *r = calloc(1, sizeof *r);

    if (r && !(r->dc = ZSTD_createDCtx())) {
        free(r);
        r = NULL;
    }
    if (r)
        r->dicts.sql = sql;
    return r;
}

void
Arc_body_reader_free(arc_body_reader_t *r)
{
    if (!r)
        return;
    ZSTD_freeDCtx(r->dc);
    ddicts_free(&r->dicts);
    free(r->buf);
    free(r);
}

arc_status_t
Arc_body_read(arc_body_reader_t *r, const void *blob, size_t n, size_t want,
              const char **out, size_t *out_len, const char **why)
{
    size_t get = 0;
    arc_status_t st;

    *out = NULL;
    *out_len = 0;
    if ((st = decode_size(blob, n, want, &get, why)))
        return st;
    if (get + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        char *b;
        while (cap < get + 1)
            cap *= 2;
        if (!(b = realloc(r->buf, cap))) {
            *why = "out of memory";
            return ARC_E_NOMEM;
        }
        r->buf = b;
        r->cap = cap;
    }
    if ((st = decode_into(r->dc, &r->dicts, blob, n, get, r->buf, why)))
        return st;
    *out = r->buf;
    *out_len = get;
    return ARC_OK;
}

arc_status_t
Arc_body_decode(arc_db_t *db, const void *blob, size_t n, size_t want, char **out,
                size_t *out_len, const char **why)
{
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    ddicts_t dicts;
    arc_status_t st;

    memset(&dicts, 0, sizeof dicts);
    dicts.sql = db ? db->sql : NULL;
    if (!dc) {
        *out = NULL;
        *out_len = 0;
        *why = "out of memory";
        return ARC_E_NOMEM;
    }
    st = decode_with(dc, &dicts, blob, n, want, out, out_len, why);
    ZSTD_freeDCtx(dc);
    ddicts_free(&dicts);
    return st;
}

/* Does the compressed body b[0..n) claim to be exactly text[0..len)?
 * Checks the header's length and CRC-32 against the text and the frame's
 * magic number (cheap: no decoding), so a caller's precompressed body
 * cannot disagree with the text that is indexed and hashed. */
static int
blob_matches(const unsigned char *b, size_t n, const char *text, size_t len)
{
    if (n < BODY_HEAD + BODY_FRAME_MIN || (b[0] != BODY_ZSTD && b[0] != BODY_ZSTD_DICT)
        || get_le32(b + 1) != len || len > UINT_MAX)
        return 0;
    if (get_le32(b + BODY_HEAD) != ZSTD_MAGICNUMBER)
        return 0;
    return get_le32(b + 5) == text_crc(text, len);
}

arc_status_t
Arc_body_pack(arc_db_t *db, const char *text, const void *given, size_t given_len,
              arc_body_packed_t *p)
{
    size_t len;
    arc_status_t st;

    if (p->text)
        return ARC_OK;  /* packed already */
    memset(p, 0, sizeof *p);
    if (!text || !*text)
        return ARC_OK;
    p->text = text;
    len = strlen(text);
    if (given && given_len) {
        const unsigned char *g = given;
        if (!blob_matches(given, given_len, text, len))
            return Arc_db_error(db, ARC_E_BAD_ARG,
                                "the article's compressed body (body_z) does not match its body");
        /* a dictionary the archive does not hold would make it unreadable */
        if (g[0] == BODY_ZSTD_DICT) {
            int k;
            if ((st = handle_dict(db)))
                return st;
            k = dict_known(db, (uint32_t)ZSTD_getDictID_fromFrame(g + BODY_HEAD,
                                                                      given_len - BODY_HEAD));
            if (k < 0)
                return Arc_db_sqlerr(db, "reading the body dictionaries");
            if (!k)
                return Arc_db_error(db, ARC_E_BAD_ARG,
                                    "the article's compressed body (body_z) needs a dictionary"
                                    " the archive does not hold");
        }
        p->blob = given;
        p->blob_len = given_len;
        return ARC_OK;
    }
    if ((st = handle_dict(db)))
        return st;
    if ((st = compress_with(db->body_dict, text, len, &p->owned, &p->blob_len)))
        return Arc_db_error(db, st, "compressing an article body: %s",
                            st == ARC_E_NOMEM ? "out of memory" : "zstd failed");
    p->blob = p->owned;
    return ARC_OK;
}

void
Arc_body_bind(sqlite3_stmt *st, int idx, const arc_body_packed_t *p)
{
    if (p->blob)
        sqlite3_bind_blob(st, idx, p->blob, (int)p->blob_len, SQLITE_STATIC);
    else if (p->text)
        sqlite3_bind_text(st, idx, p->text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, idx);
}

void
Arc_body_packed_free(arc_body_packed_t *p)
{
    free(p->owned);
    memset(p, 0, sizeof *p);
}

/* ---- arc_body(body [, id [, n]]) ---- */

/* The bodies decoded last, per connection (shared by the three arities):
 * a page reads the same bodies more than once (a story's members, then
 * its timeline, whose events each slice their article's body). An entry
 * is found by the compressed bytes themselves. */
#define BODY_CACHE 32

typedef struct {
    unsigned char *key;         /* the compressed body */
    size_t key_len;
    char *plain;                /* its first plain_len bytes, decoded */
    size_t plain_len;
    int whole;                  /* plain holds the whole text */
    unsigned long used;         /* LRU stamp; 0 = empty */
} body_entry_t;

typedef struct {
    int refs;                   /* registrations still holding it */
    ZSTD_DCtx *dc;              /* reused across calls */
    ddicts_t dicts;             /* the connection's dictionaries, as needed */
    unsigned long clock;
    body_entry_t e[BODY_CACHE];
} body_fn_t;

static void
body_fn_free(void *p)
{
    body_fn_t *f = p;

    if (!f || --f->refs > 0)
        return;
    ZSTD_freeDCtx(f->dc);
    ddicts_free(&f->dicts);
    for (int i = 0; i < BODY_CACHE; i++) {
        free(f->e[i].key);
        free(f->e[i].plain);
    }
    free(f);
}

static void
body_fn_error(sqlite3_context *ctx, int argc, sqlite3_value **argv, const char *why)
{
    char msg[200];

    if (argc >= 2 && sqlite3_value_type(argv[1]) == SQLITE_INTEGER)
        snprintf(msg, sizeof msg, "article %lld: its stored body is corrupt (%s)",
                 (long long)sqlite3_value_int64(argv[1]), why);
    else
        snprintf(msg, sizeof msg, "an article's stored body is corrupt (%s)", why);
    sqlite3_result_error(ctx, msg, -1);
}

/* The entry holding compressed body b[0..n), or NULL. The text's CRC-32
 * and the length rule out nearly every other body before the bytes are
 * compared. */
static body_entry_t *
cache_find(body_fn_t *f, const unsigned char *b, size_t n)
{
    for (int i = 0; i < BODY_CACHE; i++) {
        body_entry_t *e = &f->e[i];
        if (e->used && e->key_len == n &&
            memcmp(e->key + 5, b + 5, 4) == 0 &&
            memcmp(e->key, b, n) == 0)
            return e;
    }
    return NULL;
}

/* Remember plain (taken over) as the decoding of b[0..n); best effort. */
static void
cache_put(body_fn_t *f, body_entry_t *e, const unsigned char *b, size_t n, char *plain,
          size_t plain_len)
{
    if (!e) {
        e = &f->e[0];
        for (int i = 1; i < BODY_CACHE && e->used; i++)
            if (f->e[i].used < e->used)
                e = &f->e[i];
        if (!e->key || e->key_len < n) {
            unsigned char *k = realloc(e->key, n);
            if (!k) {
                free(plain);
                return;
            }
            e->key = k;
        }
        memcpy(e->key, b, n);
        e->key_len = n;
    }
    free(e->plain);
    e->plain = plain;
    e->plain_len = plain_len;
    e->whole = plain_len == get_le32(b + 1);
    e->used = ++f->clock;
}

/* arc_body(body): the plain text of a stored body (TEXT unchanged, a
 * compressed BLOB decoded). arc_body(body, id): the same, id named in an
 * error. arc_body(body, id, n): n > 0 asks for the first n bytes only
 * (the result may be longer; a prefix may end inside a UTF-8 sequence,
 * so take bytes of it with CAST(... AS BLOB)). */
static void
body_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    body_fn_t *f = sqlite3_user_data(ctx);
    const unsigned char *b;
    body_entry_t *e;
    size_t n, want = SIZE_MAX;
    char *plain = NULL;
    size_t plain_len = 0;
    const char *why = NULL;
    arc_status_t st;

    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    if (argc >= 3 && sqlite3_value_type(argv[2]) != SQLITE_NULL &&
        sqlite3_value_int64(argv[2]) > 0)
        want = (size_t)sqlite3_value_int64(argv[2]);
    b = sqlite3_value_blob(argv[0]);
    n = (size_t)sqlite3_value_bytes(argv[0]);
    if (!b || n < BODY_HEAD + BODY_FRAME_MIN) {
        body_fn_error(ctx, argc, argv, "too short");
        return;
    }
    e = cache_find(f, b, n);
    if (e && (e->whole || e->plain_len >= want)) {
        e->used = ++f->clock;
        sqlite3_result_text(ctx, e->plain, (int)(e->plain_len < want ? e->plain_len : want),
                            SQLITE_TRANSIENT);
        return;
    }
    if (!f->dc && !(f->dc = ZSTD_createDCtx())) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    f->dicts.sql = sqlite3_context_db_handle(ctx);
    st = decode_with(f->dc, &f->dicts, b, n, want, &plain, &plain_len, &why);
    if (st == ARC_E_NOMEM) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (st) {
        body_fn_error(ctx, argc, argv, why);
        return;
    }
    sqlite3_result_text(ctx, plain, (int)plain_len, SQLITE_TRANSIENT);
    cache_put(f, e, b, n, plain, plain_len);
}

int
Arc_body_sql_register(sqlite3 *sql)
{
    body_fn_t *f = calloc(1, sizeof *f);

    if (!f)
        return SQLITE_NOMEM;
    f->refs = 3;
    for (int argc = 1; argc <= 3; argc++) {
        /* each registration drops its reference when it goes (also at
         * once if registering fails); the ones not made drop theirs here */
        int rc = sqlite3_create_function_v2(sql, "arc_body", argc,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                            f, body_fn, NULL, NULL, body_fn_free);
        if (rc != SQLITE_OK) {
            while (argc++ < 3)
                body_fn_free(f);
            return rc;
        }
    }
    return SQLITE_OK;
}

arc_status_t
Arc_body_check(arc_db_t *db, void (*report)(void *ctx, const char *line), void *ctx)
{
    static const char *const sql[] = {
        "SELECT id, 0, body FROM article WHERE typeof(body) = 'blob'",
        "SELECT article_id, version, body FROM article_version WHERE typeof(body) = 'blob'",
    };
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    arc_status_t st = ARC_OK;
    int found = 0;
    ddicts_t dicts;

    memset(&dicts, 0, sizeof dicts);
    dicts.sql = db->sql;
    if (!dc)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    /* the dictionaries themselves, used by a body or not yet */
    {
        sqlite3_stmt *s = Arc_db_prepare(db, "SELECT id, dict FROM body_dict ORDER BY seq");
        int rc;
        if (!s) {
            ZSTD_freeDCtx(dc);
            return ARC_E_DB;
        }
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const void *d = sqlite3_column_blob(s, 1);
            size_t len = (size_t)sqlite3_column_bytes(s, 1);
            ZSTD_DDict *dd = NULL;
            char line[160];
            if (d && ZDICT_getDictID(d, len) == (unsigned)sqlite3_column_int64(s, 0)
                && (dd = ZSTD_createDDict(d, len))) {
                ZSTD_freeDDict(dd);
                continue;
            }
            snprintf(line, sizeof line, "body dictionary %lld is corrupt: the bodies"
                     " compressed with it cannot be read", (long long)sqlite3_column_int64(s, 0));
            report(ctx, line);
            found++;
        }
        if (rc != SQLITE_DONE)
            st = Arc_db_sqlerr(db, "checking body dictionaries");
        sqlite3_finalize(s);
    }
    for (size_t q = 0; q < sizeof sql / sizeof sql[0] && !st; q++) {
        sqlite3_stmt *s = Arc_db_prepare(db, sql[q]);
        int rc;
        if (!s) {
            st = ARC_E_DB;
            break;
        }
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            char *plain = NULL, line[256];
            size_t n = 0;
            const char *why = NULL;
            arc_status_t r = decode_with(dc, &dicts, sqlite3_column_blob(s, 2),
                                          (size_t)sqlite3_column_bytes(s, 2), SIZE_MAX,
                                          &plain, &n, &why);
            free(plain);
            if (r == ARC_E_NOMEM) {
                st = Arc_db_error(db, r, "out of memory");
                break;
            }
            if (r == ARC_OK)
                continue;
            if (++found > 20)
                continue;   /* counted below, not listed */
            if (q == 0)
                snprintf(line, sizeof line, "article %lld: its stored body is corrupt (%s)",
                         (long long)sqlite3_column_int64(s, 0), why);
            else
                snprintf(line, sizeof line,
                         "article %lld: the body of its version %d is corrupt (%s)",
                         (long long)sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1), why);
            report(ctx, line);
        }
        if (!st && rc != SQLITE_DONE && rc != SQLITE_ROW)
            st = Arc_db_sqlerr(db, "checking stored bodies");
        sqlite3_finalize(s);
    }
    ZSTD_freeDCtx(dc);
    ddicts_free(&dicts);
    if (found > 20) {
        char line[96];
        snprintf(line, sizeof line, "%d corrupt stored bodies in all", found);
        report(ctx, line);
    }
    return st;
}

/* ---- plain bodies of new articles whose FTS rows wait (article.c) ---- */

/* One kept body: mem holds the compressed bytes, then the plain text. */
typedef struct {
    int64_t id;
    size_t seq;                 /* order of keeping: the latest wins */
    char *mem;
    size_t blob_len;
} kept_t;

struct arc_body_kept {
    kept_t *v;
    size_t n, cap, seq;
    int sorted;
    /* the last new article's body alone (Arc_body_keep_last): one
     * buffer, reused */
    kept_t last;
    size_t last_cap;
    int have_last;
};

/* The kept bodies of db, made on first use (NULL without memory). */
static struct arc_body_kept *
kept_of(arc_db_t *db)
{
    if (!db->body_kept)
        db->body_kept = calloc(1, sizeof *db->body_kept);
    return db->body_kept;
}

void
Arc_body_keep(arc_db_t *db, int64_t id, const arc_body_packed_t *p)
{
    struct arc_body_kept *k = db->body_kept;
    size_t tlen;
    char *mem;

    if (!p->blob || !p->text)
        return;     /* a TEXT body is read back as it is */
    if (!(k = kept_of(db)))
        return;
    k->have_last = 0;   /* the list's latest wins */
    if (k->n == k->cap) {
        size_t nc = k->cap ? 2 * k->cap : 256;
        kept_t *v = realloc(k->v, nc * sizeof *v);
        if (!v)
            return;
        k->v = v;
        k->cap = nc;
    }
    tlen = strlen(p->text);
    if (!(mem = malloc(p->blob_len + tlen + 1)))
        return;
    memcpy(mem, p->blob, p->blob_len);
    memcpy(mem + p->blob_len, p->text, tlen + 1);
    k->v[k->n].id = id;
    k->v[k->n].seq = k->seq++;
    k->v[k->n].mem = mem;
    k->v[k->n].blob_len = p->blob_len;
    k->n++;
    k->sorted = 0;
}

void
Arc_body_keep_last(arc_db_t *db, int64_t id, const arc_body_packed_t *p)
{
    struct arc_body_kept *k = kept_of(db);
    size_t tlen, need;

    if (!k)
        return;
    k->have_last = 0;
    if (!p->blob || !p->text)
        return;
    tlen = strlen(p->text);
    need = p->blob_len + tlen + 1;
    if (need > k->last_cap) {
        char *mem = realloc(k->last.mem, need);
        if (!mem)
            return;
        k->last.mem = mem;
        k->last_cap = need;
    }
    memcpy(k->last.mem, p->blob, p->blob_len);
    memcpy(k->last.mem + p->blob_len, p->text, tlen + 1);
    k->last.id = id;
    k->last.blob_len = p->blob_len;
    k->have_last = 1;
}

static int
cmp_kept(const void *a, const void *b)
{
    const kept_t *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->seq > y->seq ? -1 : x->seq < y->seq;    /* latest first */
}

int
Arc_body_kept_find(arc_db_t *db, int64_t id, const void **blob, size_t *blob_len,
                   const char **text)
{
    struct arc_body_kept *k = db->body_kept;
    size_t lo = 0, hi;

    if (!k)
        return 0;
    if (k->have_last && k->last.id == id) {
        *blob = k->last.mem;
        *blob_len = k->last.blob_len;
        *text = k->last.mem + k->last.blob_len;
        return 1;
    }
    if (k->n == 0)
        return 0;
    /* the article just stored (enrichment asks right after the put) */
    if (!k->sorted && k->v[k->n - 1].id == id) {
        lo = k->n - 1;
        *blob = k->v[lo].mem;
        *blob_len = k->v[lo].blob_len;
        *text = k->v[lo].mem + k->v[lo].blob_len;
        return 1;
    }
    if (!k->sorted) {
        qsort(k->v, k->n, sizeof k->v[0], cmp_kept);
        k->sorted = 1;
    }
    hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == k->n || k->v[lo].id != id)
        return 0;
    *blob = k->v[lo].mem;
    *blob_len = k->v[lo].blob_len;
    *text = k->v[lo].mem + k->v[lo].blob_len;
    return 1;
}

void
Arc_body_kept_clear(arc_db_t *db)
{
    struct arc_body_kept *k = db->body_kept;

    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].mem);
    k->n = 0;
    k->seq = 0;
}

void
Arc_body_kept_free(arc_db_t *db)
{
    if (!db->body_kept)
        return;
    Arc_body_kept_clear(db);
    free(db->body_kept->v);
    free(db->body_kept->last.mem);
    free(db->body_kept);
    db->body_kept = NULL;
}
