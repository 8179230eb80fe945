/*
 * mention.c - every occurrence of an entity in an article (issue 3, schema
 * v6), packed per article, and the entity ids an event names.
 *
 * article_mentions.data, all integers unsigned LEB128 varints:
 *   1                          format
 *   n_ids, id_0, d_1 .. d_n-1  entity ids, ascending: the first, then deltas
 *   n_occ, then per occurrence (title ones first, each field by start):
 *     (index into the ids << 1) | in_title
 *     start - previous start in the same field (the first: start)
 *     end - start
 *     body only: sentence - previous body sentence (sentences ascend)
 * About 4 bytes an occurrence; a WITHOUT ROWID row per occurrence
 * (article, start, entity, end, sentence) costs about 20 with its key.
 *
 * event_row.entities: n, id_0, d_1 .. d_n-1 (ascending ids, deltas).
 *
 * Entity ids in both are live ids: a merge (Arc_entity_redirect) rewrites
 * the articles of the merged entity through Arc_mentions_redirect.
 *
 * The entity name -> id cache of the enrichment writer lives here too: it
 * is dropped when the connection rolls back (rollback hook), when another
 * connection commits (PRAGMA data_version), on merges and renames, and it
 * is freed with the connection (the destructor of a private SQL function).
 */
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

/* ------------------------------------------------------------------ */
/* Varints                                                              */
/* ------------------------------------------------------------------ */

typedef struct obuf {
    unsigned char *b;
    size_t len, cap;
    int oom;
} obuf_t;

static void put_varint(obuf_t *o, uint64_t v)
{
    if (o->len + 10 > o->cap) {
        size_t n = o->cap ? o->cap * 2 : 256;
        unsigned char *p = realloc(o->b, n);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->b = p;
        o->cap = n;
    }
    o->len += Arc_varint_put(o->b + o->len, v);
}

/* ------------------------------------------------------------------ */
/* Occurrence lists                                                     */
/* ------------------------------------------------------------------ */

/* One occurrence with its entity id. */
typedef struct occ {
    int64_t entity;
    int in_title, start, end, sentence;
} occ_t;

static int cmp_occ(const void *x, const void *y)
{
    const occ_t *a = x, *b = y;

    if (a->in_title != b->in_title)
        return b->in_title - a->in_title;   /* title first */
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->entity < b->entity ? -1 : a->entity > b->entity;
}

static int cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return a < b ? -1 : a > b;
}

/* Sort and deduplicate ids in place; returns the new count. */
static size_t unique_ids(int64_t *ids, size_t n)
{
    size_t k = 0;

    qsort(ids, n, sizeof *ids, cmp_id);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || ids[k - 1] != ids[i])
            ids[k++] = ids[i];
    return k;
}

static void put_ids(obuf_t *o, const int64_t *ids, size_t n)
{
    put_varint(o, n);
    for (size_t i = 0; i < n; i++)
        put_varint(o, (uint64_t)(i ? ids[i] - ids[i - 1] : ids[i]));
}

/* Pack occurrences (sorted here) into o. Returns 0, or -1 out of memory. */
static int encode_occ(occ_t *v, size_t n, obuf_t *o)
{
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    size_t nid;
    int prev_start = 0, prev_sent = 0, title = 1;

    if (!ids)
        return -1;
    qsort(v, n, sizeof *v, cmp_occ);
    for (size_t i = 0; i < n; i++)
        ids[i] = v[i].entity;
    nid = unique_ids(ids, n);
    put_varint(o, 1);
    put_ids(o, ids, nid);
    put_varint(o, n);
    for (size_t i = 0; i < n; i++) {
        const int64_t *at = bsearch(&v[i].entity, ids, nid, sizeof *ids, cmp_id);
        uint64_t idx = (uint64_t)(at - ids);

        if (title && !v[i].in_title) {
            title = 0;
            prev_start = 0;
        }
        put_varint(o, idx << 1 | (v[i].in_title ? 1u : 0u));
        put_varint(o, (uint64_t)(v[i].start - prev_start));
        put_varint(o, (uint64_t)(v[i].end - v[i].start));
        if (!v[i].in_title) {
            put_varint(o, (uint64_t)(v[i].sentence - prev_sent));
            prev_sent = v[i].sentence;
        }
        prev_start = v[i].start;
    }
    free(ids);
    return o->oom ? -1 : 0;
}

/* Unpack data into a malloc'd occurrence array. Returns 0, -1 when the
 * data is malformed or memory runs out. */
static int decode_occ(const unsigned char *p, size_t len, occ_t **out, size_t *n_out)
{
    const unsigned char *end = p + len;
    uint64_t fmt, nid, nocc, v;
    int64_t *ids = NULL;
    occ_t *occ = NULL;
    int prev_start = 0, prev_sent = 0, title = 1;

    *out = NULL;
    *n_out = 0;
    if (len == 0)
        return 0;
    if (Arc_varint_get(&p, end, &fmt) || fmt != 1 || Arc_varint_get(&p, end, &nid) ||
        nid > len)
        return -1;
    ids = malloc((nid ? nid : 1) * sizeof *ids);
    if (!ids)
        return -1;
    for (uint64_t i = 0; i < nid; i++) {
        if (Arc_varint_get(&p, end, &v))
            goto bad;
        ids[i] = (int64_t)v + (i ? ids[i - 1] : 0);
    }
    if (Arc_varint_get(&p, end, &nocc) || nocc > len)
        goto bad;
    occ = malloc((nocc ? nocc : 1) * sizeof *occ);
    if (!occ)
        goto bad;
    for (uint64_t i = 0; i < nocc; i++) {
        uint64_t tag, ds, dl, dsent = 0;

        if (Arc_varint_get(&p, end, &tag) || Arc_varint_get(&p, end, &ds) ||
            Arc_varint_get(&p, end, &dl) || (tag >> 1) >= nid)
            goto bad;
        occ[i].entity = ids[tag >> 1];
        occ[i].in_title = (int)(tag & 1);
        if (title && !occ[i].in_title) {
            title = 0;
            prev_start = 0;
        }
        occ[i].start = prev_start + (int)ds;
        occ[i].end = occ[i].start + (int)dl;
        if (!occ[i].in_title) {
            if (Arc_varint_get(&p, end, &dsent))
                goto bad;
            occ[i].sentence = prev_sent + (int)dsent;
            prev_sent = occ[i].sentence;
        } else {
            occ[i].sentence = -1;
        }
        prev_start = occ[i].start;
    }
    free(ids);
    *out = occ;
    *n_out = (size_t)nocc;
    return 0;
bad:
    free(ids);
    free(occ);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Event entity lists and arc_ids_has()                                 */
/* ------------------------------------------------------------------ */

/* Contract in archive-private.h. */
int
Arc_ids_has(const void *list, size_t len, int64_t id)
{
    const unsigned char *p = list, *end = p + len;
    uint64_t n, v;
    int64_t cur = 0;

    if (Arc_varint_get(&p, end, &n))
        return 0;
    for (uint64_t i = 0; i < n; i++) {
        if (Arc_varint_get(&p, end, &v))
            return 0;
        cur = i ? cur + (int64_t)v : (int64_t)v;
        if (cur == id)
            return 1;
        if (cur > id)
            return 0;
    }
    return 0;
}

static void sql_ids_has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int(ctx, Arc_ids_has(sqlite3_value_blob(argv[0]),
                                    (size_t)sqlite3_value_bytes(argv[0]),
                                    sqlite3_value_int64(argv[1])));
}

/* Contract in archive-private.h. */
arc_status_t
Arc_mentions_sql_functions(arc_db_t *db)
{
    /* once per connection: (re)defining a function expires every prepared
     * statement, and an import merges entities every hundred articles */
    if (db->ids_fn)
        return ARC_OK;
    if (sqlite3_create_function_v2(db->sql, "arc_ids_has", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   NULL, sql_ids_has, NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "registering arc_ids_has");
    db->ids_fn = 1;
    return ARC_OK;
}

/* ------------------------------------------------------------------ */
/* Storing                                                              */
/* ------------------------------------------------------------------ */

/* Contract in archive-private.h. */
arc_status_t
Arc_mentions_put(arc_db_t *db, int64_t article, const int64_t *entity_of_mention,
                 const arc_occurrence_t *o, size_t n)
{
    occ_t *v;
    obuf_t ob = { 0 };
    sqlite3_stmt *st;
    arc_status_t s;
    int rc;

    if (n == 0)
        return ARC_OK;
    v = malloc(n * sizeof *v);
    if (!v)
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        v[i].entity = entity_of_mention[o[i].mention];
        v[i].in_title = o[i].in_title != 0;
        v[i].start = o[i].start;
        v[i].end = o[i].end > o[i].start ? o[i].end : o[i].start;
        v[i].sentence = o[i].in_title || o[i].sentence < 0 ? 0 : o[i].sentence;
    }
    rc = encode_occ(v, n, &ob);
    free(v);
    if (rc) {
        free(ob.b);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    st = Arc_db_cached(db, ARC_ST_OCC_PUT,
        "INSERT INTO article_mentions(article_id, data) VALUES (?1, ?2)"
        " ON CONFLICT(article_id) DO UPDATE SET data = excluded.data");
    if (!st) {
        free(ob.b);
        return ARC_E_DB;
    }
    sqlite3_bind_int64(st, 1, article);
    sqlite3_bind_blob(st, 2, ob.b, (int)ob.len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    free(ob.b);
    s = rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "storing occurrences");
    return s;
}

/* Contract in archive-private.h. */
void *
Arc_ids_pack(const int64_t *ids, size_t n, size_t *len)
{
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    obuf_t ob = { 0 };

    *len = 0;
    if (!v)
        return NULL;
    memcpy(v, ids, n * sizeof *v);
    n = unique_ids(v, n);
    put_ids(&ob, v, n);
    free(v);
    if (ob.oom) {
        free(ob.b);
        return NULL;
    }
    *len = ob.len;
    return ob.b;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

arc_status_t
arc_article_mentions(arc_db_t *db, int64_t article, arc_article_mention_t **out,
                     size_t *n_out)
{
    ARC_NO_SHARDS(db);
    sqlite3_stmt *st;
    occ_t *occ = NULL;
    size_t n = 0, names = 0;
    int64_t *ids = NULL;
    char **name = NULL;
    int *kind = NULL;
    size_t nid = 0;
    arc_article_mention_t *m = NULL;
    arc_status_t s = ARC_OK;
    int rc;

    *out = NULL;
    *n_out = 0;
    ARC_NO_SHARDS(db);
    st = Arc_db_prepare(db, "SELECT data FROM article_mentions WHERE article_id = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_int64(st, 1, article);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (decode_occ(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                       &occ, &n))
            s = Arc_db_error(db, ARC_E_CORRUPT, "article %lld: malformed occurrences",
                             (long long)article);
    } else if (rc != SQLITE_DONE) {
        s = Arc_db_sqlerr(db, "reading occurrences");
    }
    sqlite3_finalize(st);
    if (s || n == 0) {
        free(occ);
        return s;
    }
    /* the distinct entities, their kinds and canonical names */
    ids = malloc(n * sizeof *ids);
    kind = calloc(n, sizeof *kind);
    name = calloc(n, sizeof *name);
    if (!ids || !kind || !name) {
        s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = occ[i].entity;
    nid = unique_ids(ids, n);
    st = Arc_db_prepare(db, "SELECT kind, name FROM entity WHERE id = ?1");
    if (!st) {
        s = ARC_E_DB;
        goto done;
    }
    for (size_t i = 0; i < nid && !s; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            kind[i] = sqlite3_column_int(st, 0);
            name[i] = Arc_strdup((const char *)sqlite3_column_text(st, 1));
        } else if (rc == SQLITE_DONE) {
            name[i] = Arc_strdup("");
        } else {
            s = Arc_db_sqlerr(db, "reading an entity");
        }
        if (!s && !name[i])
            s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        else if (!s)
            names += strlen(name[i]) + 1;
    }
    sqlite3_finalize(st);
    if (s)
        goto done;
    /* one allocation: the array, then the names it points at */
    m = malloc(n * sizeof *m + names);
    if (!m) {
        s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        goto done;
    }
    {
        char *pool = (char *)(m + n);
        size_t off = 0;

        for (size_t i = 0; i < nid; i++) {
            size_t l = strlen(name[i]) + 1;
            memcpy(pool + off, name[i], l);
            free(name[i]);
            name[i] = pool + off;   /* now points into m */
            off += l;
        }
        for (size_t i = 0; i < n; i++) {
            const int64_t *hit = bsearch(&occ[i].entity, ids, nid, sizeof *ids, cmp_id);
            size_t k = (size_t)(hit - ids);

            m[i].entity = occ[i].entity;
            m[i].kind = (arc_entity_kind_t)kind[k];
            m[i].name = name[k];
            m[i].in_title = occ[i].in_title;
            m[i].start = occ[i].start;
            m[i].end = occ[i].end;
            m[i].sentence = occ[i].sentence;
        }
        nid = 0;   /* names now belong to m */
    }
    *out = m;
    *n_out = n;
done:
    for (size_t i = 0; name && i < nid; i++)
        free(name[i]);
    free(name);
    free(kind);
    free(ids);
    free(occ);
    return s;
}

void
arc_article_mentions_free(arc_article_mention_t *m, size_t n)
{
    (void)n;
    free(m);
}

/* ------------------------------------------------------------------ */
/* Merges                                                               */
/* ------------------------------------------------------------------ */

/* Rewrite the packed occurrences of one article: from -> to. */
static arc_status_t
redirect_article(arc_db_t *db, sqlite3_stmt *rd, sqlite3_stmt *wr, int64_t article,
                 int64_t from, int64_t to)
{
    occ_t *occ = NULL;
    size_t n = 0;
    obuf_t ob = { 0 };
    int rc;

    sqlite3_reset(rd);
    sqlite3_bind_int64(rd, 1, article);
    rc = sqlite3_step(rd);
    if (rc == SQLITE_DONE)
        return ARC_OK;
    if (rc != SQLITE_ROW)
        return Arc_db_sqlerr(db, "reading occurrences");
    if (decode_occ(sqlite3_column_blob(rd, 0), (size_t)sqlite3_column_bytes(rd, 0), &occ, &n))
        return ARC_OK;  /* malformed: leave it as it is */
    sqlite3_reset(rd);
    for (size_t i = 0; i < n; i++)
        if (occ[i].entity == from)
            occ[i].entity = to;
    if (encode_occ(occ, n, &ob)) {
        free(occ);
        free(ob.b);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    free(occ);
    sqlite3_reset(wr);
    sqlite3_bind_int64(wr, 1, article);
    sqlite3_bind_blob(wr, 2, ob.b, (int)ob.len, SQLITE_STATIC);
    rc = sqlite3_step(wr);
    sqlite3_reset(wr);
    free(ob.b);
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "rewriting occurrences");
}

/* Rewrite the entity lists of one article's events: from -> to. */
static arc_status_t
redirect_events(arc_db_t *db, sqlite3_stmt *rd, sqlite3_stmt *wr, int64_t article,
                int64_t from, int64_t to)
{
    int rc;

    sqlite3_reset(rd);
    sqlite3_bind_int64(rd, 1, article);
    sqlite3_bind_int64(rd, 2, from);
    while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(rd, 1), *end;
        size_t len = (size_t)sqlite3_column_bytes(rd, 1), n = 0, packed_len;
        int64_t ev = sqlite3_column_int64(rd, 0), ids[256], cur = 0;
        uint64_t cnt, v;
        void *packed;

        end = p + len;
        if (Arc_varint_get(&p, end, &cnt))
            continue;
        for (uint64_t i = 0; i < cnt && n < 256; i++) {
            if (Arc_varint_get(&p, end, &v))
                break;
            cur = i ? cur + (int64_t)v : (int64_t)v;
            ids[n++] = cur == from ? to : cur;
        }
        packed = Arc_ids_pack(ids, n, &packed_len);
        if (!packed)
            return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
        sqlite3_reset(wr);
        sqlite3_bind_int64(wr, 1, ev);
        sqlite3_bind_blob(wr, 2, packed, (int)packed_len, SQLITE_TRANSIENT);
        free(packed);
        if (sqlite3_step(wr) != SQLITE_DONE) {
            sqlite3_reset(wr);
            return Arc_db_sqlerr(db, "rewriting event entities");
        }
        sqlite3_reset(wr);
    }
    return rc == SQLITE_DONE ? ARC_OK : Arc_db_sqlerr(db, "reading event entities");
}

/* Contract in archive-private.h. */
arc_status_t
Arc_mentions_redirect(arc_db_t *db, int64_t from, int64_t to)
{
    sqlite3_stmt *list = NULL, *rd = NULL, *wr = NULL, *erd = NULL, *ewr = NULL;
    int64_t *arts = NULL;
    size_t n = 0, cap = 0;
    arc_status_t s = ARC_OK;
    int rc;

    Arc_entity_cache_merged(db, from);
    if ((s = Arc_mentions_sql_functions(db)))
        return s;
    list = Arc_db_prepare(db, "SELECT article_id FROM mention WHERE entity_id = ?1");
    if (!list)
        return ARC_E_DB;
    sqlite3_bind_int64(list, 1, from);
    while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *p = realloc(arts, (cap = cap ? cap * 2 : 64) * sizeof *p);
            if (!p) {
                s = Arc_db_error(db, ARC_E_NOMEM, "out of memory");
                break;
            }
            arts = p;
        }
        arts[n++] = sqlite3_column_int64(list, 0);
    }
    if (!s && rc != SQLITE_DONE)
        s = Arc_db_sqlerr(db, "listing an entity's articles");
    sqlite3_finalize(list);
    if (!s) {
        rd = Arc_db_prepare(db, "SELECT data FROM article_mentions WHERE article_id = ?1");
        wr = Arc_db_prepare(db, "UPDATE article_mentions SET data = ?2 WHERE article_id = ?1");
        erd = Arc_db_prepare(db, "SELECT id, entities FROM event_row WHERE article_id = ?1"
                                 " AND entities IS NOT NULL AND arc_ids_has(entities, ?2)");
        ewr = Arc_db_prepare(db, "UPDATE event_row SET entities = ?2 WHERE id = ?1");
        if (!rd || !wr || !erd || !ewr)
            s = ARC_E_DB;
    }
    for (size_t i = 0; i < n && !s; i++) {
        s = redirect_article(db, rd, wr, arts[i], from, to);
        if (!s)
            s = redirect_events(db, erd, ewr, arts[i], from, to);
    }
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    sqlite3_finalize(erd);
    sqlite3_finalize(ewr);
    free(arts);
    return s;
}

/* ------------------------------------------------------------------ */
/* Entity name -> id cache                                              */
/* ------------------------------------------------------------------ */

#define CACHE_MAX 65536   /* entries before the cache starts afresh */

typedef struct centry {
    char *key;            /* kind byte + name, NUL-terminated */
    int64_t id;
} centry_t;

struct arc_entity_cache {
    centry_t *t;
    size_t cap, n;
    int64_t data_version;
};

static uint32_t ckey_hash(int kind, const char *name)
{
    uint32_t h = 2166136261u ^ (uint32_t)kind;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

static void cache_empty(struct arc_entity_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->t[i].key);
    memset(c->t, 0, c->cap * sizeof *c->t);
    c->n = 0;
}

static void cache_destroy(void *p)
{
    struct arc_entity_cache *c = p;

    if (!c)
        return;
    cache_empty(c);
    free(c->t);
    free(c);
}

static void cache_noop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_null(ctx);
}

static void cache_on_rollback(void *p)
{
    struct arc_entity_cache *c = p;

    if (c)
        cache_empty(c);
}

/* The cache, created (and tied to the connection) on first use. */
static struct arc_entity_cache *cache_of(arc_db_t *db)
{
    struct arc_entity_cache *c = db->ent_cache;

    if (c || db->readonly)
        return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = 1024;
    c->t = calloc(c->cap, sizeof *c->t);
    c->data_version = -1;
    if (!c->t) {
        free(c);
        return NULL;
    }
    /* the function's destructor frees the cache when the connection closes */
    if (sqlite3_create_function_v2(db->sql, "arc_entity_cache_", 0, SQLITE_UTF8, c,
                                   cache_noop, NULL, NULL, cache_destroy) != SQLITE_OK)
        return NULL;   /* the destructor has run */
    sqlite3_rollback_hook(db->sql, cache_on_rollback, c);
    db->ent_cache = c;
    return c;
}

/* Contract in archive-private.h. */
void
Arc_entity_cache_clear(arc_db_t *db)
{
    if (db->ent_cache)
        cache_empty(db->ent_cache);
}

/* Contract in archive-private.h. */
void
Arc_entity_cache_merged(arc_db_t *db, int64_t from)
{
    struct arc_entity_cache *c = db->ent_cache;
    centry_t *keep;
    size_t nk = 0;

    if (!c)
        return;
    keep = malloc((c->n ? c->n : 1) * sizeof *keep);
    if (!keep) {
        cache_empty(c);
        return;
    }
    /* alias rows (kinds 3..5, see add_alias_cached in entity.c) of other
     * entities stay: a merge deletes only the merged entity's aliases */
    for (size_t i = 0; i < c->cap; i++) {
        int k = c->t[i].key ? c->t[i].key[0] - 1 : -1;

        if (k >= 3 && k <= 5 && c->t[i].id != from)
            keep[nk++] = c->t[i];
        else
            free(c->t[i].key);
    }
    memset(c->t, 0, c->cap * sizeof *c->t);
    c->n = 0;
    for (size_t i = 0; i < nk; i++) {
        size_t j = ckey_hash(keep[i].key[0] - 1, keep[i].key + 1) & (c->cap - 1);

        while (c->t[j].key)
            j = (j + 1) & (c->cap - 1);
        c->t[j] = keep[i];
        c->n++;
    }
    free(keep);
}

/* Contract in archive-private.h. */
void
Arc_entity_cache_validate(arc_db_t *db)
{
    struct arc_entity_cache *c = cache_of(db);
    sqlite3_stmt *st;
    int64_t v = -1;

    if (!c)
        return;
    st = Arc_db_cached(db, ARC_ST_DATA_VERSION, "PRAGMA data_version");
    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    if (st)
        sqlite3_reset(st);
    if (v < 0 || v != c->data_version)
        cache_empty(c);
    c->data_version = v;
}

/* Contract in archive-private.h. */
int64_t
Arc_entity_cache_get(arc_db_t *db, int kind, const char *name)
{
    struct arc_entity_cache *c = db->ent_cache;
    size_t j;

    if (!c || !name)
        return 0;
    j = ckey_hash(kind, name) & (c->cap - 1);
    while (c->t[j].key) {
        if (c->t[j].key[0] == (char)(kind + 1) && strcmp(c->t[j].key + 1, name) == 0)
            return c->t[j].id;
        j = (j + 1) & (c->cap - 1);
    }
    return 0;
}

/* Contract in archive-private.h. */
void
Arc_entity_cache_put(arc_db_t *db, int kind, const char *name, int64_t id)
{
    struct arc_entity_cache *c = db->ent_cache;
    size_t j, l;
    char *k;

    if (!c || !name || id <= 0)
        return;
    if (c->n >= CACHE_MAX)
        cache_empty(c);
    if ((c->n + 1) * 2 > c->cap) {
        size_t ncap = c->cap * 2;
        centry_t *nt = calloc(ncap, sizeof *nt);

        if (!nt)
            return;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->t[i].key)
                continue;
            j = ckey_hash(c->t[i].key[0] - 1, c->t[i].key + 1) & (ncap - 1);
            while (nt[j].key)
                j = (j + 1) & (ncap - 1);
            nt[j] = c->t[i];
        }
        free(c->t);
        c->t = nt;
        c->cap = ncap;
    }
    j = ckey_hash(kind, name) & (c->cap - 1);
    while (c->t[j].key) {
        if (c->t[j].key[0] == (char)(kind + 1) && strcmp(c->t[j].key + 1, name) == 0) {
            c->t[j].id = id;
            return;
        }
        j = (j + 1) & (c->cap - 1);
    }
    l = strlen(name);
    k = malloc(l + 2);
    if (!k)
        return;
    k[0] = (char)(kind + 1);
    memcpy(k + 1, name, l + 1);
    c->t[j].key = k;
    c->t[j].id = id;
    c->n++;
}
