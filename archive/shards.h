/*
 * shards.h - private C declarations of the Xapian shard backend (issue 8):
 * the writable-shard wrapper implemented in xapian.cc, and the C helpers
 * (shards_text.c, shards.c) that xapian.cc calls back. (Not named
 * xapian.h: with -Iarchive that name would hide Xapian's own <xapian.h>.)
 * No C++ type appears here; every function of xapian.cc catches every exception and
 * turns it into an arc_status_t with the message kept.
 *
 * What a shard holds (built by shards_sync.c, read by xapian.cc):
 *  - article documents: boolean terms XAPIAN_T_ARTICLE and XAPIAN_Q_ARTICLE
 *    + id (unique); the text terms of title, summary and body exactly as
 *    the archive's FTS5 tokenizer makes them ('porter unicode61
 *    remove_diacritics 2', called through SQLite, so both backends stem
 *    alike), with positions (columns apart, so no phrase spans two) and
 *    wdf 10/3/1 (the archive's BM25 column weights); title terms again
 *    with prefix "S"; boolean terms for source name ("XSN" + lower-cased)
 *    and site suffixes ("XSS"), language prefixes ("XL"), story ("XT"),
 *    entities ("XE" + id, merges followed); values in the XAPIAN_SLOT_*
 *    slots; data: the record in the tag/length format below.
 *  - story documents (XAPIAN_T_STORY, "Qs" + id), entity documents
 *    (XAPIAN_T_ENTITY, "Qe" + id, "XK" + kind, "XN" + kind + ':' + lower-
 *    cased name or alias, "XM" + id of every entity merged into it).
 *  - metadata XAPIAN_META_SEQ (last change applied) and XAPIAN_META_LAYOUT
 *    ("k/n": the shard's position in the stub).
 */
#ifndef ARC_SHARDS_H
#define ARC_SHARDS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "archive-private.h"

#define XAPIAN_T_ARTICLE "Ka"
#define XAPIAN_T_STORY "Ks"
#define XAPIAN_T_ENTITY "Ke"
#define XAPIAN_Q_ARTICLE "Qa"
#define XAPIAN_Q_STORY "Qs"
#define XAPIAN_Q_ENTITY "Qe"
#define XAPIAN_META_SEQ "newsarchive.seq"
#define XAPIAN_META_LAYOUT "newsarchive.layout"

/* Value slots of article documents. */
enum {
    XAPIAN_SLOT_DATE = 0,   /* sortable_serialise(coalesce(published, first_seen)) */
    XAPIAN_SLOT_ID = 1,     /* sortable_serialise(id): newest/oldest order */
    XAPIAN_SLOT_STORY = 2,  /* decimal story id, "" when none (collapse key) */
    XAPIAN_SLOT_DAY = 3,    /* decimal publication day of the id (histograms) */
    XAPIAN_SLOT_ENTS = 4,   /* 'e' records "kind\x1fid\x1fname" (facets) */
    XAPIAN_SLOT_STORYDATE = 5, /* "story\x1fdate" or "" (matching stories) */
    XAPIAN_SLOT_EVENTS = 6  /* 'a' header + 'v' events, or "" (timelines) */
};

/* Position gap between the title, summary and body of a document. */
#define XAPIAN_COLUMN_GAP 100
/* Longest term written (Xapian's limit is 245 bytes); longer ones are
 * left out. */
#define XAPIAN_MAX_TERM 240

/* ---- the tag/length format of document data and values ----
 * A sequence of records: one tag byte, the length as 4 bytes little
 * endian, the bytes. */
void Arc_tlv_add(arc_buf_t *b, char tag, const char *s, size_t len);
void Arc_tlv_str(arc_buf_t *b, char tag, const char *s);   /* NULL: skipped */
void Arc_tlv_int(arc_buf_t *b, char tag, int64_t v);
/* Read the next record of p[0..n) from *off: 1 and the record, 0 at the
 * end or on a truncated record. */
int Arc_tlv_next(const char *p, size_t n, size_t *off, char *tag,
                 const char **s, size_t *len);

/* ---- the archive's FTS5 tokenizer, through SQLite ---- */

typedef struct arc_tok arc_tok_t;
/* One token (lower-cased, folded, stemmed) and its byte span in the text;
 * return non-zero to stop. */
typedef int (*arc_tok_fn)(void *ctx, const char *tok, int n, int start, int end);
/* Open the tokenizer on a private in-memory SQLite connection.
 * @retval ARC_OK, ARC_E_DB (FTS5 unavailable), ARC_E_NOMEM */
arc_status_t Arc_tok_open(arc_tok_t **out);
/* Tokenize text[0..len) as FTS5 does for a document (query = 0) or for a
 * query term (query = 1; prefix = 1 for word*). @retval ARC_OK, ARC_E_DB */
arc_status_t Arc_tok_run(arc_tok_t *t, int query, int prefix, const char *text,
                         size_t len, arc_tok_fn fn, void *ctx);
void Arc_tok_close(arc_tok_t *t);

/* A snippet term: a token as Arc_tok_run gives it, whole or as a prefix. */
typedef struct arc_snip_term {
    const char *tok;
    size_t len;
    int prefix;
} arc_snip_term_t;

/* A snippet like FTS5's snippet(-1, open, close, "…", 24): the column
 * (title, summary, body) whose best 24-token window holds the most
 * distinct query terms, the terms marked. malloc'd (free()), NULL when
 * out of memory. */
char *Arc_snippet_make(arc_tok_t *t, const arc_snip_term_t *terms, size_t n_terms,
                       const char *const cols[3], const char *mark_open,
                       const char *mark_close);

/* The publication-month index 12 * year + month - 1 of UTC time t. */
int64_t Arc_month_index(int64_t t);

/* ---- the stub file ---- */

typedef struct arc_shard_spec {
    char *name;             /* "HOST:PORT" or the path, for messages */
    char *host;             /* remote: the host, else NULL */
    unsigned port;
    char *path;             /* local: the directory, else NULL */
} arc_shard_spec_t;

/* Parse a stub file into *specs (malloc'd, Arc_shard_specs_free).
 * On failure *msg (size msglen) says which line and why.
 * @retval ARC_OK, ARC_E_IO, ARC_E_PARSE, ARC_E_NOMEM */
arc_status_t Arc_shard_specs_read(const char *stub, arc_shard_spec_t **specs,
                                  size_t *n, char *msg, size_t msglen);
void Arc_shard_specs_free(arc_shard_spec_t *specs, size_t n);

/* ---- xapian.cc: opening shards for searching ---- */

/* Open the shards for db (a fresh shards handle whose dir is the stub
 * path); takes ownership of specs. @retval ARC_OK, ARC_E_NET (message on
 * db), ARC_E_NOMEM */
arc_status_t Arc_xap_open(arc_db_t *db, arc_shard_spec_t *specs, size_t n,
                          int flags);
/* Hits a search cursor fetches first (then twice as many per page, up to
 * 20000); 0 restores the default 1000. Process-wide, for tests. */
void Arc_xap_set_page(unsigned n);
/* The skipped shards (see arc_db_unreachable). */
size_t Arc_xap_unreachable(const arc_db_t *db, const char *const **names);

/* ---- xapian.cc: writable shards and documents ---- */

typedef struct xap_wdb xap_wdb_t;
typedef struct xap_doc xap_doc_t;

/* Open a shard for writing: remote through xapian-tcpsrv --writable, local
 * created when missing (emptied first when overwrite is set; a remote one
 * is emptied with Xap_wdb_clear). On failure *msg (malloc'd) says why.
 * @retval ARC_OK, ARC_E_NET, ARC_E_IO, ARC_E_BUSY (locked), ARC_E_NOMEM */
arc_status_t Xap_wdb_open(const arc_shard_spec_t *spec, int overwrite,
                          xap_wdb_t **out, char **msg);
/* The message of the last failure on w (valid until the next call). */
const char *Xap_wdb_errmsg(const xap_wdb_t *w);
/* Metadata value of key (malloc'd, "" when unset). */
arc_status_t Xap_wdb_meta_get(xap_wdb_t *w, const char *key, char **val);
arc_status_t Xap_wdb_meta_set(xap_wdb_t *w, const char *key, const char *val);
/* Delete every document. */
arc_status_t Xap_wdb_clear(xap_wdb_t *w);
/* Replace (or add) the document whose unique term is uterm. */
arc_status_t Xap_wdb_replace(xap_wdb_t *w, const char *uterm, const xap_doc_t *d);
/* Delete the documents holding term (none is fine). */
arc_status_t Xap_wdb_delete(xap_wdb_t *w, const char *term);
arc_status_t Xap_wdb_commit(xap_wdb_t *w);
/* Close without committing what is pending. NULL is a no-op. */
void Xap_wdb_close(xap_wdb_t *w);

/* A document being built. The adders return 0, or -1 out of memory
 * (the document then stays unusable: Xap_doc_failed). */
xap_doc_t *Xap_doc_new(void);
void Xap_doc_free(xap_doc_t *d);
int Xap_doc_posting(xap_doc_t *d, const char *term, size_t len, unsigned pos,
                    unsigned wdf);
int Xap_doc_term(xap_doc_t *d, const char *term, size_t len);
int Xap_doc_value(xap_doc_t *d, unsigned slot, const char *v, size_t len);
int Xap_doc_value_num(xap_doc_t *d, unsigned slot, double v);
int Xap_doc_data(xap_doc_t *d, const char *v, size_t len);
int Xap_doc_failed(const xap_doc_t *d);

#ifdef __cplusplus
}
#endif
#endif
