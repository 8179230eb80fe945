/*
 * features.c - what the clustering stage derives per article: its shingle
 * sketch and sentence spans (table article_features), its near-duplicate
 * link (near_duplicate), the entity ids it mentions, and a scan over stored
 * articles in id order for loading clustering state and for rebuilds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

/* Sketches are stored as 8-byte little-endian words, so the blob reads the
 * same on every platform. */
static unsigned char *
sketch_encode(const uint64_t *v, size_t n)
{
    unsigned char *b = malloc(n * 8 + 1);

    if (!b)
        return NULL;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 8; k++)
            b[i * 8 + (size_t)k] = (unsigned char)(v[i] >> (8 * k));
    return b;
}

static size_t
sketch_decode(const unsigned char *b, size_t bytes, uint64_t *out, size_t cap)
{
    size_t n = bytes / 8;

    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = 0;
        for (int k = 7; k >= 0; k--)
            x = (x << 8) | b[i * 8 + (size_t)k];
        out[i] = x;
    }
    return n;
}

/*
 * Sentence spans are stored as a blob of unsigned LEB128 varints, two per
 * span: the zigzag-coded gap from the previous span's end (start - prev_end)
 * and the length (end - start): about 2-3 bytes a sentence instead of the
 * 9-10 of "start-end " text. Archives written before keep the text form
 * "s-e s-e ...", which is still read (Arc_spans_column).
 */
static unsigned char *
spans_encode(const int *spans, size_t n, size_t *bytes)
{
    unsigned char *b = malloc(n * 20 + 1);
    size_t k = 0;
    int64_t prev = 0;

    if (!b)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int64_t gap = (int64_t)spans[2 * i] - prev;
        int64_t len = (int64_t)spans[2 * i + 1] - spans[2 * i];
        k += Arc_varint_put(b + k, gap >= 0 ? (uint64_t)gap << 1 : ((uint64_t)(-gap) << 1) - 1);
        k += Arc_varint_put(b + k, len >= 0 ? (uint64_t)len << 1 : ((uint64_t)(-len) << 1) - 1);
        prev = spans[2 * i + 1];
    }
    *bytes = k;
    return b;
}

static int64_t
unzigzag(uint64_t z)
{
    return z & 1 ? -(int64_t)((z + 1) >> 1) : (int64_t)(z >> 1);
}

/* Decode a spans blob into a malloc'd array of 2*n ints (NULL when empty
 * or malformed). */
static int *
spans_decode_blob(const unsigned char *b, size_t bytes, size_t *n)
{
    const unsigned char *p = b, *end = b + bytes;
    size_t cap = bytes / 2, k = 0;
    int64_t prev = 0;
    int *v;

    *n = 0;
    if (!b || cap == 0)
        return NULL;
    v = malloc(cap * 2 * sizeof *v);
    if (!v)
        return NULL;
    while (p < end && k < cap) {
        uint64_t g, l;
        int64_t start, stop;
        if (Arc_varint_get(&p, end, &g) < 0 || Arc_varint_get(&p, end, &l) < 0)
            break;
        start = prev + unzigzag(g);
        stop = start + unzigzag(l);
        if (start < 0 || stop < start || stop > INT32_MAX)
            break;
        v[2 * k] = (int)start;
        v[2 * k + 1] = (int)stop;
        k++;
        prev = stop;
    }
    *n = k;
    if (!k) {
        free(v);
        return NULL;
    }
    return v;
}

/* Parse "s-e s-e ..." into a malloc'd array of 2*n ints. */
static int *
spans_decode(const char *s, size_t *n)
{
    size_t cap = 0, k = 0;
    int *v = NULL;

    *n = 0;
    if (!s)
        return NULL;
    for (const char *p = s; *p; p++)
        if (*p == '-')
            cap++;
    if (!cap)
        return NULL;
    v = malloc(cap * 2 * sizeof *v);
    if (!v)
        return NULL;
    while (*s && k < cap) {
        char *end;
        long a = strtol(s, &end, 10), b;
        if (end == s || *end != '-')
            break;
        s = end + 1;
        b = strtol(s, &end, 10);
        if (end == s)
            break;
        v[2 * k] = (int)a;
        v[2 * k + 1] = (int)b;
        k++;
        s = end;
        while (*s == ' ')
            s++;
    }
    *n = k;
    if (!k) {
        free(v);
        return NULL;
    }
    return v;
}

int *
Arc_spans_decode(const char *s, size_t *n)
{
    return spans_decode(s, n);
}

int *
Arc_spans_column(sqlite3_stmt *st, int col, size_t *n)
{
    *n = 0;
    if (sqlite3_column_type(st, col) == SQLITE_BLOB)
        return spans_decode_blob(sqlite3_column_blob(st, col),
                                 (size_t)sqlite3_column_bytes(st, col), n);
    return spans_decode((const char *)sqlite3_column_text(st, col), n);
}

arc_status_t
arc_article_features_put(arc_db_t *db, int64_t article, int64_t seq,
                         const uint64_t *sketch, size_t n_sketch,
                         const int *spans, size_t n_spans)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    unsigned char *blob = NULL, *text = NULL;
    size_t text_bytes = 0;
    int rc;

    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (n_sketch && !(blob = sketch_encode(sketch, n_sketch)))
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    if (!(text = spans_encode(spans, n_spans, &text_bytes))) {
        free(blob);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    st = Arc_db_cached(db, ARC_ST_FEATURES_PUT,
        "INSERT INTO article_features(article_id, sketch, sentences, seq)"
        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(article_id) DO UPDATE"
        " SET sketch = excluded.sketch, sentences = excluded.sentences, seq = excluded.seq");
    if (!st) {
        free(blob);
        free(text);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(st, 1, article);
    if (blob)
        sqlite3_bind_blob(st, 2, blob, (int)(n_sketch * 8), SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 2);
    if (text_bytes)
        sqlite3_bind_blob(st, 3, text, (int)text_bytes, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, seq);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(blob);
    free(text);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "storing article features");
}

arc_status_t
arc_article_set_duplicate(arc_db_t *db, int64_t article, int64_t original,
                          double similarity)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    int rc;

    if (db->readonly)
        return Arc_db_error(db, ARC_E_READONLY, "%s: opened read-only", db->dir);
    if (article == original)
        return Arc_db_error(db, ARC_E_BAD_ARG, "an article cannot duplicate itself");
    st = Arc_db_cached(db, ARC_ST_DUP_PUT,
        "INSERT OR REPLACE INTO near_duplicate(article_id, original_id, similarity)"
        " VALUES (?1, ?2, ?3)");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_int64(st, 2, original);
    sqlite3_bind_double(st, 3, similarity);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "linking a near-duplicate");
}

arc_status_t
arc_article_entity_ids(arc_db_t *db, int64_t article, int64_t **ids, size_t *n)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st = Arc_db_cached(db, ARC_ST_ARTICLE_ENTITY_IDS,
        "SELECT entity_id FROM mention WHERE article_id = ?1 ORDER BY entity_id");
    int64_t *v = NULL;
    size_t len = 0, cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            int64_t *p = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) {
                free(v);
                sqlite3_reset(st);
                return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
            }
            v = p;
        }
        v[len++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return Arc_db_sqlerr(db, "reading mentions");
    }
    *ids = v;
    *n = len;
    return ARC_OK;
}

/* ---- scan ---- */

#define SCAN_SKETCH_MAX 64

struct arc_article_scan {
    arc_db_t *db;
    sqlite3_stmt *st;
    arc_scan_row_t row;
    uint64_t sketch[SCAN_SKETCH_MAX];
};

static arc_status_t
scan_open(arc_db_t *db, int64_t since, int lead_bytes, int by_seq,
          arc_article_scan_t **out)
{
    arc_article_scan_t *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    s->db = db;
    s->st = Arc_db_prepare(db, by_seq
        ? "SELECT a.id, a.title, CASE WHEN ?2 < 0 THEN arc_body(a.body, a.id) WHEN ?2 = 0 THEN NULL"
          " ELSE substr(arc_body(a.body, a.id, 4 * ?2), 1, ?2) END,"
          " a.published, a.story_id, d.original_id, f.sketch, f.seq"
          " FROM article_features f JOIN article a ON a.id = f.article_id"
          " LEFT JOIN near_duplicate d ON d.article_id = a.id"
          " WHERE ?1 <= 0 OR f.seq > (SELECT max(seq) FROM article_features) - ?1"
          " ORDER BY f.seq"
        : "SELECT a.id, a.title, CASE WHEN ?2 < 0 THEN arc_body(a.body, a.id) WHEN ?2 = 0 THEN NULL"
          " ELSE substr(arc_body(a.body, a.id, 4 * ?2), 1, ?2) END,"
          " a.published, a.story_id, d.original_id, f.sketch, f.seq"
          " FROM article a LEFT JOIN near_duplicate d ON d.article_id = a.id"
          " LEFT JOIN article_features f ON f.article_id = a.id"
          " WHERE a.id >= ?1 ORDER BY a.id");
    if (!s->st) {
        free(s);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(s->st, 1, by_seq ? since : since > 0 ? Arc_id_first_of_time(since) : 0);
    sqlite3_bind_int(s->st, 2, lead_bytes);
    *out = s;
    return ARC_OK;
}

arc_status_t
arc_article_scan_open(arc_db_t *db, int64_t since, int lead_bytes, int by_seq,
                      arc_article_scan_t **out)
{
    ARC_NO_SHARDS(db);
    return scan_open(db, since, lead_bytes, by_seq, out);
}

arc_status_t
arc_article_scan_next(arc_article_scan_t *s, const arc_scan_row_t **row)
{
    arc_scan_row_t *r = &s->row;
    int rc;

    *row = NULL;
    if (!s->st)
        return ARC_OK;
    rc = sqlite3_step(s->st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(s->st);
        s->st = NULL;
        return ARC_OK;
    }
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(s->db, "scanning articles");
    r->id = sqlite3_column_int64(s->st, 0);
    r->title = (const char *)sqlite3_column_text(s->st, 1);
    r->body = (const char *)sqlite3_column_text(s->st, 2);
    r->published = sqlite3_column_type(s->st, 3) == SQLITE_NULL
                       ? ARC_TIME_NONE : sqlite3_column_int64(s->st, 3);
    r->story = sqlite3_column_int64(s->st, 4);
    r->duplicate_of = sqlite3_column_int64(s->st, 5);
    r->n_sketch = 0;
    r->sketch = NULL;
    if (sqlite3_column_type(s->st, 6) == SQLITE_BLOB) {
        const unsigned char *b = sqlite3_column_blob(s->st, 6);
        size_t bytes = (size_t)sqlite3_column_bytes(s->st, 6);
        r->n_sketch = sketch_decode(b, bytes, s->sketch, SCAN_SKETCH_MAX);
        r->sketch = s->sketch;
    }
    r->seq = sqlite3_column_int64(s->st, 7);
    *row = r;
    return ARC_OK;
}

void
arc_article_scan_destroy(arc_article_scan_t *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->st);
    free(s);
}
