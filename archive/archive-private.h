/*
 * archive-private.h - interfaces shared between the library's own files.
 * Nothing here is exported; programs use newsarc.h only.
 */
#ifndef ARCHIVE_PRIVATE_H
#define ARCHIVE_PRIVATE_H

#include <sqlite3.h>
#include "newsarc.h"

/* ==== Interface to code in db.c ==== */

/* arc_db_open() flag, not public: the connection is used by one thread
 * at a time, which never hands it to another while a call is under way
 * (SQLITE_OPEN_NOMUTEX). The timeline's walkers (entity_timeline.c). */
#define ARC_OPEN_ONE_THREAD (1 << 16)

/* How long a connection waits for another's lock before ARC_E_BUSY. */
#define ARC_BUSY_TIMEOUT_MS 10000

/* Statements prepared once per handle (see Arc_db_cached). */
enum {
    ARC_ST_URL_LOOKUP, ARC_ST_GUID_LOOKUP, ARC_ST_HASH_LOOKUP, ARC_ST_SOURCE_FIND,
    ARC_ST_SOURCE_ADD, ARC_ST_MAX_ID, ARC_ST_ARTICLE_INS, ARC_ST_URL_INS,
    ARC_ST_ARTICLE_OLD, ARC_ST_VERSION_INS, ARC_ST_ARTICLE_UPD,
    ARC_ST_MENTION_DEL, ARC_ST_EVENT_DEL, ARC_ST_ENTITY_FIND, ARC_ST_ALIAS_FIND,
    ARC_ST_ENTITY_INS, ARC_ST_ALIAS_INS, ARC_ST_MENTION_INS, ARC_ST_EVENT_INS,
    ARC_ST_VERSION_SEEN, ARC_ST_STORY_NEW, ARC_ST_STORY_SET, ARC_ST_STORY_REFRESH, ARC_ST_STORY_OF,
    /* story clustering (story.c, features.c) */
    ARC_ST_FEATURES_PUT, ARC_ST_DUP_PUT, ARC_ST_STORY_TITLE, ARC_ST_ARTICLE_ENTITY_IDS,
    /* bulk import: explicit FTS writes (article.c, issue 6) */
    ARC_ST_FTS_INS, ARC_ST_FTS_TEXT, ARC_ST_STORY_JOINED,
    /* cross-archive entity resolution (entity.c, entity_admin.c, issue 3) */
    ARC_ST_ENTITY_MENTIONS, ARC_ST_ENTITY_SURNAME, ARC_ST_ENTITY_PLACE,
    /* every occurrence, event entities (mention.c, entity.c, issue 3 v6) */
    ARC_ST_OCC_PUT, ARC_ST_OCC_DEL, ARC_ST_BODY_OF, ARC_ST_DATA_VERSION,
    /* the change log written by code, not triggers (changelog.c, W v13) */
    ARC_ST_CL_ARTICLE, ARC_ST_CL_LAST, ARC_ST_PP_COVERS, ARC_ST_PP_STALE,
    /* an article by its own URL (article.c, W v13) */
    ARC_ST_URL_OWN,
    /* batches owed to the index file (index_file.c, schema 17) */
    ARC_ST_OWED_INS, ARC_ST_OWED_DEL, ARC_ST_OWED_UPD,
    ARC_ST_COUNT
};

/* Most new articles whose FTS rows wait for arc_article_index_pending(). */
#define ARC_FTS_PENDING_MAX 2048

struct arc_db {
    sqlite3 *sql;          /* the connection */
    sqlite3_stmt *cache[ARC_ST_COUNT]; /* prepared on first use, reset after */
    char *dir;             /* archive directory */
    int readonly;          /* opened with ARC_OPEN_READONLY */
    int in_txn;            /* an explicit transaction is open */
    char errmsg[512];      /* last failure on this handle */
    int sqlite_code;       /* SQLite's extended code of the last failure */
    /* bulk import (article.c, issue 6): ids of new articles whose FTS rows
     * are written by arc_article_index_pending(), in id order */
    int fts_defer;         /* arc_article_defer_index() is on */
    int n_fts_pending;
    int64_t fts_pending[ARC_FTS_PENDING_MAX];
    /* entity name -> id cache of the enrichment writer (mention.c, issue 3);
     * freed with the connection (a function destructor), never by db.c */
    struct arc_entity_cache *ent_cache;
    /* arc_ids_has() is registered (mention.c): registering a function
     * again would expire every prepared statement of the connection */
    int ids_fn;
    /* compressed bodies of the new articles in fts_pending, with their
     * plain text, so indexing them does not decode (body.c, schema 11) */
    struct arc_body_kept *body_kept;
    /* the dictionary arc_article_put() compresses bodies with (body.c,
     * schema 16): looked up once per handle, or set by
     * arc_body_dict_store() */
    struct arc_body_dict *body_dict;
    int body_dict_tried;
    /* issue 8 (X1): non-NULL on a handle from arc_shards_open(), whose
     * `sql` is then NULL (state owned by xapian.cc, freed by
     * Arc_xap_close from arc_db_close) */
    struct arc_xap *xap;
    /* bulk import (index_file.c, schema 17): the thread and connection
     * that write index.db, or NULL */
    struct arc_ixw *ixw;
    /* bulk import (checkpoint.c): the thread that copies archive.db's
     * log back, or NULL */
    struct arc_ckpt *ckpt;
};

/* Record a failure message on db (printf-style) and return st. */
arc_status_t Arc_db_error(arc_db_t *db, arc_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record SQLite's current error on db with a context phrase; returns
 * ARC_E_BUSY, ARC_E_READONLY, ARC_E_CORRUPT or ARC_E_DB as fits. */
arc_status_t Arc_db_sqlerr(arc_db_t *db, const char *context);
/* Prepare a statement; on failure records the error and returns NULL. */
sqlite3_stmt *Arc_db_prepare(arc_db_t *db, const char *sql);
/* The cached statement @p slot, prepared from @p sql on first use and reset
 * with its bindings cleared; NULL (error recorded) when it cannot be
 * prepared. The handle owns it: never finalize it. */
sqlite3_stmt *Arc_db_cached(arc_db_t *db, int slot, const char *sql);
/* Bind text or NULL. */
int Arc_bind_text(sqlite3_stmt *st, int i, const char *s);
/* strdup that tolerates NULL */
char *Arc_strdup(const char *s);

/* ==== Interface to code in schema.c ==== */

/* Create or migrate the schema inside a transaction. */
arc_status_t Arc_schema_migrate(arc_db_t *db);
/* Check the database is ours and not newer than us (no writes). */
arc_status_t Arc_schema_check(arc_db_t *db);

/* ==== Interface to code in checkpoint.c ==== */

/* Start the thread that checkpoints archive.db's log in place of the
 * connection (a bulk import); ARC_OK without one when read-only. */
arc_status_t Arc_ckpt_start(arc_db_t *db);
/* Before a transaction begins: when the log has grown long, wait for the
 * thread to copy all of it, so that the log starts again. */
void Arc_ckpt_before_begin(arc_db_t *db);
/* Stop the thread (none is allowed); the connection checkpoints again. */
void Arc_ckpt_stop(arc_db_t *db);
/* Tests: the log's length, in pages, at which the writer waits for the
 * copy so that the log starts again (no thread: nothing). */
void Arc_ckpt_set_restart(arc_db_t *db, int pages);
/* Tests: the log's length in pages after the last commit (since the
 * writer last waited for the copy), or -1 without a thread. */
int Arc_ckpt_log_pages(const arc_db_t *db);

/* ==== Interface to code in index_file.c (schema 17) ==== */

/* Keep the connection's temporary data (statement journals, TEMP
 * tables, sorts) in memory or where SQLite's default puts it. A change
 * drops every TEMP object, the TEMP triggers that carry deletes and text
 * updates of articles to the index among them: they are made again here,
 * so change temp_store only through this (and create no TEMP table that
 * must outlive a change). */
arc_status_t Arc_temp_store(arc_db_t *db, int memory);

/* Write the FTS5 settings of a bulk import (hashsize, automerge; article.c)
 * where the index lacks them: at the first import, and before a new
 * index.db is filled from the records. */
void Arc_fts_tune(arc_db_t *db);

/* Index every record (into an empty index: after 'delete-all', or new). */
#define ARC_INDEX_FILL "INSERT INTO ix.article_fts(rowid, title, summary, body)" \
    " SELECT id, title, summary, arc_body(body, id) FROM main.article ORDER BY id"

/* Attach index.db as "ix" (flags: arc_db_open's); on a read-write
 * connection also build it when missing, create the TEMP triggers that
 * carry deletes and text updates of articles to it, and index the
 * batches a killed import left owed (Arc_index_recover). */
arc_status_t Arc_index_attach(arc_db_t *db, int flags);
/* Index the articles of main.fts_owed batches that ix.index_done lacks
 * (each unless the index has it), then forget the done batches. */
arc_status_t Arc_index_recover(arc_db_t *db);
/* The import's index thread, with its own connection to index.db. */
arc_status_t Arc_ixw_start(arc_db_t *db);
/* Wait for every handed batch, stop the thread (its failure, if any). */
arc_status_t Arc_ixw_stop(arc_db_t *db);
/* A new article of the open transaction, for the thread (title and
 * summary copied, the body as stored: body, compressed, or a's text). */
struct arc_body_packed;
arc_status_t Arc_ixw_add(arc_db_t *db, int64_t id, const arc_article_t *a,
                         const struct arc_body_packed *body);
/* Before a commit: note the open transaction's new articles in
 * main.fts_owed (in the transaction) and forget batches done. */
arc_status_t Arc_ixw_seal(arc_db_t *db);
/* After a commit: hand the sealed batch to the thread (waits while it is
 * IX_QUEUE_MAX batches behind). */
void Arc_ixw_committed(arc_db_t *db);
/* After a rollback: drop the open transaction's articles. */
void Arc_ixw_rolled_back(arc_db_t *db);
/* Before this connection writes the index itself: every handed batch
 * written, and the open transaction's new articles indexed in it. */
arc_status_t Arc_ixw_settle(arc_db_t *db);

/* ==== Interface to code in query.c (the parser and planner) ==== */

typedef enum {
    ARC_QN_WORD,     /* text: one word, matched stemmed */
    ARC_QN_PREFIX,   /* text: a word prefix (word*) */
    ARC_QN_PHRASE,   /* text: a phrase of words */
    ARC_QN_AND,      /* kids: all must match */
    ARC_QN_OR,       /* kids: any must match */
    ARC_QN_NOT,      /* kids[0]: must not match (only inside AND) */
    ARC_QN_FIELD     /* field: name; text: value; is_phrase when quoted */
} arc_qnode_kind_t;

typedef struct arc_qnode {
    arc_qnode_kind_t kind;
    char *field;              /* ARC_QN_FIELD: "person", "title", ... */
    char *text;               /* word, prefix, phrase or field value */
    int is_phrase;            /* value was quoted */
    struct arc_qnode **kids;
    size_t n_kids;
    int column;               /* 1-based column in the query text */
} arc_qnode_t;

struct arc_query {
    arc_qnode_t *root;        /* NULL for the empty query (matches all) */
    char *text;               /* copy of the original text */
};

/* A filter on an entity, from person:/place:/org:. */
typedef struct arc_plan_entity {
    arc_entity_kind_t kind;
    char *name;
    int column;
} arc_plan_entity_t;

/*
 * A plan: what a query asks of the archive, split into the full-text part
 * and the filters. Field terms are only allowed as top-level conjuncts
 * (not under OR or -); the planner reports others as ARC_E_BAD_QUERY.
 */
typedef struct arc_plan {
    char *fts;                /* FTS5 MATCH expression (quoted), or NULL */
    int64_t since, until;     /* from date: terms (0 = open), [since, until) */
    char **sources;           /* source: values, any of them matches */
    size_t n_sources;
    int64_t story;            /* story: value, 0 = any */
    arc_plan_entity_t *entities; /* all must be mentioned */
    size_t n_entities;
    char *lang;               /* lang: value or NULL */
} arc_plan_t;

arc_status_t Arc_query_plan(const arc_query_t *q, arc_plan_t *plan,
                            arc_query_error_t *err);
void Arc_plan_clear(arc_plan_t *plan);

/* ==== Interface to code in features.c ==== */

/* Parse stored sentence spans "s-e s-e ..." into a malloc'd array of 2*n
 * ints (NULL and *n = 0 when there are none or no memory). */
int *Arc_spans_decode(const char *s, size_t *n);
/* Sentence spans of column @p col of a row of @p st, stored either as a
 * varint blob (as written now) or as that text (older archives). */
int *Arc_spans_column(sqlite3_stmt *st, int col, size_t *n);

/* ==== Interface to code in facets.c (histogram buckets) ==== */

/* Days since 1970-01-01 of the bucket holding day d (weeks start on
 * Monday), and the first day of the bucket after the one starting on day
 * start; shared by the SQLite and the shard histograms. */
int64_t Arc_bucket_start(int64_t d, arc_bucket_t by);
int64_t Arc_bucket_next(int64_t start, arc_bucket_t by);

/* ==== Interface to code in search.c (timelines) ==== */

/* Levenshtein distance of a and b (ASCII case folded), capped at cap + 1:
 * how unknown entity names find their suggestions (search.c, xapian.cc). */
int Arc_edit_distance(const char *a, const char *b, int cap);

/* Step a timeline statement (columns: date, granularity, text,
 * from_published, article, source, url, title, start, end, story) into
 * *e; *out = e, or NULL at the end (then *st is finalized and cleared). */
arc_status_t Arc_timeline_step(arc_db_t *db, sqlite3_stmt **st,
                               arc_timeline_entry_t *e,
                               const arc_timeline_entry_t **out);

/* ==== Interface to code in entity_timeline.c (issue 5) ==== */

/* Test hook: bytes of entries an entity timeline sorts in memory before it
 * writes them out as one sorted run of a temporary file and merges the
 * runs (0 = the default, 4 MiB). Process-wide; tests set it small to
 * exercise the merge. */
void Arc_entity_timeline_set_run_bytes(size_t n);

/* Test hook: the number of walkers (threads, each on a connection of its
 * own) that read an entity timeline, whatever the entity's size (0 = the
 * default: several for a busy entity on a machine with cores to spare,
 * else one), and the mentions in each range of article ids they take one
 * at a time (0 = the default, 1024). Process-wide. */
void Arc_entity_timeline_set_walkers(int n, size_t chunk);

/* ==== Interface to code in ids.c ==== */

/* Article ids follow publication day so that a date range is a rowid range:
 * id = (day + ARC_ID_DAY_BIAS) << ARC_ID_SEQ_BITS | seq. */
#define ARC_ID_SEQ_BITS 22          /* 4,194,304 articles a day */
#define ARC_ID_DAY_BIAS 25567       /* days from 1900-01-01 to 1970-01-01 */
/* Smallest id of the UTC day holding t (days before 1900 share day 0). */
int64_t Arc_id_first_of_time(int64_t t);

/* ==== Interface to code in util/buf.c ==== */

/* A growing string with a sticky failure flag: append freely, check
 * `failed` once at the end (SQLite's fts5_buffer idiom). */
typedef struct arc_buf {
    char *data;      /* NUL-terminated, malloc'd */
    size_t len, cap;
    int failed;      /* an allocation failed; data is incomplete */
} arc_buf_t;

void Arc_buf_add(arc_buf_t *b, const char *s);
void Arc_buf_addn(arc_buf_t *b, const char *s, size_t n);
void Arc_buf_free(arc_buf_t *b);

/* ==== Interface to code in util/ ==== */
/* Unsigned LEB128 varints (util/varint.c), the packing of the archive's
 * blobs. _put writes x at p (room for 10 bytes) and returns its length;
 * _get reads one at *p (< end), advancing *p: 0, or -1 when truncated. */
size_t Arc_varint_put(unsigned char *p, uint64_t x);
int Arc_varint_get(const unsigned char **p, const unsigned char *end, uint64_t *x);

/* Content hash of an article: 32 hex chars of two independent 64-bit
 * FNV-1a digests over title and body with whitespace runs collapsed and
 * letters lower-cased, so re-flowed copies of the same text hash alike. */
void Arc_hash_text(const char *title, const char *body, char out[33]);

/* ==== Interface to code in search.c (used by facets.c) ==== */

/* Prepare the statement `head (M) tail`, where M is a SELECT yielding one
 * column, the ids of the articles matching @p q (may be NULL: all) and the
 * since/until/source of @p o (may be NULL). Parameters of M are bound;
 * the caller binds its own by name (:name) and may use them in tail only.
 * Returns NULL with *st set (and the error recorded on db) on failure:
 * ARC_E_BAD_QUERY (e.g. an unknown entity), ARC_E_DB, ARC_E_NOMEM. */
sqlite3_stmt *Arc_search_prepare_ids(arc_db_t *db, const arc_query_t *q,
                                     const arc_search_opts_t *o,
                                     const char *head, const char *tail,
                                     arc_status_t *st);

/* ==== Interface to code in rank.c (bounded top-k, docs/ranking.md) ==== */

/* What a bounded top-k did (for tests and benchmarks). */
typedef struct arc_rank_info {
    int exact;           /* every match was scored */
    int64_t scored;      /* matching rows scored */
    int64_t lead_scored; /* of which in the title/summary tier */
} arc_rank_info_t;

/* The k best matches of the FTS5 expression @p fts among rowids [lo, hi)
 * (hi 0 = open) by BM25 (weights 10, 3, 1), scoring at most the rank
 * budget of rows. @p terms are the FTS5 expressions of the query's
 * positive terms (n_terms of them; may be 0): the lead tier is the
 * matches holding one of them in the title or summary (docs/ranking.md).
 * *ids and *scores are malloc'd (free), best first, *n of them (<= k).
 * @p info may be NULL. */
arc_status_t Arc_rank_topk(arc_db_t *db, const char *fts, const char *const *terms,
                           size_t n_terms, int64_t lo, int64_t hi, size_t k,
                           int64_t **ids, double **scores, size_t *n,
                           arc_rank_info_t *info);
/* Set the rank budget (rows scored per query); <= 0 restores the default.
 * Process-wide; for benchmarks and tests. */
void Arc_rank_set_budget(int64_t budget);
/* FNV-1a of n bytes (rank.c), for the hash tables of the ranking lists. */
uint64_t Arc_hash_bytes(const char *s, size_t n);
/* For scoring rows in another order (newest first): register arc_bm25()
 * on db (SQL: arc_bm25(article_fts, n, df_1, ..., df_n), BM25 as FTS5's
 * bm25(10, 3, 1) with the given document frequencies) and estimate the
 * document frequency of each phrase of @p fts (exact below 1,000 rows)
 * into df[0..*n). *n = -1 when the expression has more than @p max
 * phrases (max <= 64): then use FTS5's rank. ARC_OK or ARC_E_DB. */
arc_status_t Arc_rank_phrase_dfs(arc_db_t *db, const char *fts, int max, int *n,
                                 double *df);
/* The estimated document frequency of one FTS5 term over the archive
 * (exact up to 5,000 rows, then extrapolated as docs/ranking.md says)
 * into *df; id_min/id_max the archive's id range. An SQLite code. */
int Arc_rank_df_estimate(arc_db_t *db, const char *expr, int64_t id_min, int64_t id_max,
                         double *df);
/* The number of indexed articles (FTS5's own count, one row read) into
 * *n. An SQLite code. */
int Arc_rank_rows(arc_db_t *db, double *n);

/* ==== Interface to code in rank_phrase.c (pair lists for phrases, issue 5) ==== */

/* Rebuild the pair lists (docs/ranking.md "Phrases of frequent words")
 * from the articles: pairs of adjacent tokens both among the listed words
 * of term_top (built first), one of them among the most frequent. The
 * caller holds a write transaction.
 * *pairs = pairs stored, *bytes = bytes of their lists and keys.
 * ARC_OK, ARC_E_DB or ARC_E_NOMEM. */
arc_status_t Arc_phrase_pairs_build(arc_db_t *db, int64_t *pairs, int64_t *bytes);
/* Bytes of pair lists Arc_phrase_pairs_build holds in memory before it
 * moves them to a temporary table (0: the default, 32 MB). The lists
 * stored are the same whatever the budget. Process-wide; for tests. */
void Arc_phrase_pairs_build_budget(size_t bytes);
/* The words Arc_phrase_pairs_build lists: the @p frequent most frequent
 * (0: 256, at most 256) pair with each other and with every word in at
 * least 1/@p mid_div of the rows (0: 200). Process-wide; for tests. */
void Arc_phrase_pairs_build_words(int frequent, int mid_div);
/* Ids a row of phrase_pair_ord holds when Arc_phrase_pairs_build writes
 * it (0: 4,096, at most 4,096); searches read it from the first row.
 * Process-wide; for tests of maps of many rows. */
void Arc_phrase_pairs_ord_block(int ids);
/* Every match of @p fts among rowids [lo, hi) (hi <= 0 open) through the
 * pair lists, when @p fts is one plain phrase of several words and the
 * lists make it cheaper than FTS5's walk; else *used = 0 and nothing else.
 * Without usable lists, when @p walk_max > 0: with max <= walk_max, the
 * newest max matches by forward walks of chunks of the id range, newest
 * chunk first (always answers); else, when a word of the phrase is not
 * frequent, one forward walk, given up (*used = 0) past walk_max
 * matches. With *used = 1: *ids (malloc'd, newest
 * first) and *scores (malloc'd, arc_bm25(article_fts, 1, df) of each
 * row), *n of them; at most @p max, *more = 1 when there were more, or
 * may be (a walk that stopped at max; the newest max are given). Exact: the same rows as FTS5's phrase match.
 * arc_bm25 must be registered on db. ARC_OK, ARC_E_DB or ARC_E_NOMEM. */
arc_status_t Arc_phrase_pairs_scan(arc_db_t *db, const char *fts, int64_t lo, int64_t hi,
                                   double df, int64_t max, int64_t walk_max, int64_t **ids,
                                   double **scores, size_t *n, int *more, int *used);
/* Arc_phrase_pairs_scan for a relevance search (unit IDF, max = its
 * budget, walks up to max), which may also sample: when a phrase's lists
 * leave more candidates than can be confirmed, the candidates of a match
 * in a title or summary (lead lists) and the newest others are confirmed,
 * until Arc_phrase_pairs_sample of them are and at least @p need matched
 * (the page), *more = 1, and *df_est is the phrase's estimated count
 * (else 0). The matches are then not in id order. */
arc_status_t Arc_phrase_pairs_rank(arc_db_t *db, const char *fts, int64_t lo, int64_t hi,
                                   int64_t max, int64_t need, int64_t **ids, double **scores,
                                   size_t *n, int *more, double *df_est, int *used);
/* Candidates Arc_phrase_pairs_rank confirms besides those of the lead
 * lists when it samples (0: 400), the candidates confirmed at most from
 * windows and by reading whole articles (0: 1,000 and 300), beyond which
 * it samples and Arc_phrase_pairs_scan declines, and div: it samples only
 * a phrase whose every word is in at least 1/div of the rows (0: 10).
 * Process-wide; for tests. */
void Arc_phrase_pairs_sample(int64_t n, int confirm_fast, int confirm_max, int div);
/* Arc_phrase_pairs_rank through a shorter phrase (a relevance search of a
 * phrase whose end words are in a quarter of the rows or more, and whose
 * every word is in more than @p rare rows (0: 20,000): the shorter one's
 * scores bound the phrase's, and its matches are confirmed in the order of
 * their bounds until no other can enter the page): on (1, the default) or
 * off (0), confirming at most @p confirm articles (0: 400) before it
 * declines. Process-wide; for tests. */
void Arc_phrase_pairs_bound(int on, int confirm, int64_t rare);
/* How many searches in this process Arc_phrase_pairs_rank answered
 * through a shorter phrase (*bound), and by walking the newest matches of
 * a phrase whose every pair is too frequent to be listed and reading its
 * lead lists (*dense: only in an archive of 10 confirm_fast articles or
 * more, see Arc_phrase_pairs_sample). For tests. */
void Arc_phrase_pairs_counts(int64_t *bound, int64_t *dense);
/* The rows of [id_min, id_max] matching something of which cnt rows were
 * counted from the newest end down to id last: by the share of the id
 * range, or of the articles when the ids mislead (rank.c). */
double Arc_rank_extrapolate(arc_db_t *db, int64_t cnt, int64_t last, int64_t id_min,
                            int64_t id_max);
/* 1 (the default): use the pair lists, else forward walks (newest chunk
 * first up to max; one chunk for a phrase with a rare word); 2: the lists
 * only; 3: no lists, and the walk always in chunks; 0: neither.
 * Process-wide; for tests and benchmarks. */
void Arc_phrase_pairs_enable(int on);

/* ==== Interface to code in rank_and.c (words joined by AND, issue 5) ==== */

/* The exact top k of @p fts when it is a conjunction of plain words
 * (`("w1" AND "w2" ...)`, @p terms its n_terms words as query.c quotes
 * them) whose rarest word is not too frequent: one pass over the matches
 * in rowids [lo, hi) (hi 0 = open), lengths read only for rows that can
 * enter the top k (beside words at FTS5's IDF floor: the one other
 * word's best matches, each checked against @p fts). Fills ids[0..*n) and scores (caller's arrays of k,
 * unordered) and sets *used = 1 and info; otherwise *used = 0, *n = 0 and
 * info is untouched. id_min/id_max: the archive's id range. An SQLite
 * code. */
int Arc_rank_and_topk(arc_db_t *db, const char *fts, const char *const *terms,
                      size_t n_terms, int64_t lo, int64_t hi, int64_t id_min,
                      int64_t id_max, size_t k, int64_t *ids, double *scores, size_t *n,
                      arc_rank_info_t *info, int *used);

/* ==== Interface to code in snippet.c (snippets without FTS5, issue 5) ==== */

typedef struct arc_snippeter arc_snippeter_t;

/* A snippet maker for one query. @p terms are the FTS5 expressions of the
 * query's positive terms as query.c writes them (`"w1 w2"`, `"w" *`,
 * `title : ("w")`); at most 256 are marked. Marks default to "[" and "]".
 * *out is freed with Arc_snippeter_free. ARC_OK, ARC_E_NOMEM or ARC_E_DB. */
arc_status_t Arc_snippeter_new(arc_db_t *db, const char *const *terms, size_t n_terms,
                             const char *mark_open, const char *mark_close,
                             arc_snippeter_t **out);
/* The snippet of one row from its columns col[0..2] = title, summary, body
 * (each may be NULL): up to 24 tokens of the best column around the
 * matches, matches marked, "…" where cut. The string is owned by @p s and
 * valid until the next call; NULL when out of memory. */
const char *Arc_snippeter_make(arc_snippeter_t *s, const char *const col[3]);
void Arc_snippeter_free(arc_snippeter_t *s);
/* The index's tokenizer (porter over unicode61, remove_diacritics 2) on
 * db's connection: *tk its methods, *tok the instance, freed with
 * tk->xDelete(*tok). ARC_OK or ARC_E_DB. */
arc_status_t Arc_fts5_tokenizer(arc_db_t *db, fts5_tokenizer *tk, Fts5Tokenizer **tok);

/* ==== Interface to code in entity_admin.c (issue 3) ==== */

/* Redirect entity @p from into @p to (both live, same kind, different):
 * its mentions (counts added where both are in one article), its aliases
 * and its own name (as an alias) move to @p to; entity_redirect gets
 * from -> to and every redirect that pointed at @p from now points at
 * @p to, so one hop always reaches a live entity. The caller holds a
 * transaction. @retval ARC_OK, ARC_E_DB */
arc_status_t Arc_entity_redirect(arc_db_t *db, int64_t from, int64_t to);

/* The live entity an id stands for (following entity_redirect), in *out.
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such entity), ARC_E_DB */
arc_status_t Arc_entity_final(arc_db_t *db, int64_t id, int64_t *out);

/* ==== Interface to code in changelog.c (schema v13) ==== */

/* Log a change to what article @p article's shard document holds (its
 * mentions, events): appends (0, article) to change_log unless the newest
 * row already names it, the rule of the v8 triggers. Call after the change,
 * in its transaction. @retval ARC_OK, ARC_E_DB */
arc_status_t Arc_change_log_article(arc_db_t *db, int64_t article);

/* Log every article that mentions entity @p entity, before its mentions
 * are moved or rewritten (an entity merge). @retval ARC_OK, ARC_E_DB */
arc_status_t Arc_change_log_entity_articles(arc_db_t *db, int64_t entity);

/* ==== Interface to code in mention.c (every occurrence, issue 3) ==== */

/* Rewrite the packed occurrences and event entities of every article that
 * mentions @p from so they name @p to instead (called by
 * Arc_entity_redirect before the mention rows move), and forget cached
 * entity ids. @retval ARC_OK, ARC_E_DB, ARC_E_NOMEM */
arc_status_t Arc_mentions_redirect(arc_db_t *db, int64_t from, int64_t to);

/* Store the occurrences @p o of an article (replacing earlier ones);
 * entity_of_mention[o[i].mention] is the entity id of each.
 * @retval ARC_OK, ARC_E_DB, ARC_E_NOMEM */
arc_status_t Arc_mentions_put(arc_db_t *db, int64_t article,
                              const int64_t *entity_of_mention,
                              const arc_occurrence_t *o, size_t n);

/* Pack entity ids (any order, duplicates allowed) as event_row.entities:
 * a malloc'd buffer (free()) of *len bytes, NULL out of memory. */
void *Arc_ids_pack(const int64_t *ids, size_t n, size_t *len);

/* Does the packed id list list[0..len) (event_row.entities) hold id? */
int Arc_ids_has(const void *list, size_t len, int64_t id);

/* Register the SQL function arc_ids_has(blob, id) (1 when the packed id
 * list holds id, NULL for a NULL list) on the connection; idempotent. */
arc_status_t Arc_mentions_sql_functions(arc_db_t *db);

/* The entity name -> id cache (NULL when it is off or stale): look up and
 * remember. Entries are dropped whenever another connection commits. */
int64_t Arc_entity_cache_get(arc_db_t *db, int kind, const char *name);
void Arc_entity_cache_put(arc_db_t *db, int kind, const char *name, int64_t id);
void Arc_entity_cache_clear(arc_db_t *db);
/* Entity @p from was merged into another: forget every resolved name, but
 * keep the remembered alias rows of other entities (a merge deletes only
 * the merged entity's), so they are not inserted again. */
void Arc_entity_cache_merged(arc_db_t *db, int64_t from);
/* Create the cache on first use; empty it when another connection has
 * committed since the last call. Call once per enriched article. */
void Arc_entity_cache_validate(arc_db_t *db);

/* ==== Interface to code in body.c (compressed bodies, issue 6, schema 11) ==== */

/* A body ready to bind: the compressed BLOB (blob, blob_len) or, when it
 * is not worth compressing, the plain text; both NULL for no body. */
typedef struct arc_body_packed {
    const char *text;           /* the plain body (the caller's), or NULL */
    const void *blob;           /* compressed form, or NULL: store text */
    size_t blob_len;
    void *owned;                /* what Arc_body_packed_free() frees */
} arc_body_packed_t;

/* Prepare text (NULL or "" = no body) for storing. given/given_len: a
 * precompressed form from arc_body_compress() (NULL = none): it is used
 * when its length and CRC-32 match text (no decoding), else
 * ARC_E_BAD_ARG with a message on db; without it the text is compressed
 * here. p starts zeroed; a second call on a packed p does nothing. The
 * caller keeps text and given alive while p is bound and calls
 * Arc_body_packed_free(p) after; returns ARC_OK, ARC_E_BAD_ARG,
 * ARC_E_NOMEM, ARC_E_INTERNAL. */
arc_status_t Arc_body_pack(arc_db_t *db, const char *text, const void *given,
                           size_t given_len, arc_body_packed_t *p);
/* Bind a packed body to parameter idx (SQLITE_STATIC: p must outlive the
 * step). */
void Arc_body_bind(sqlite3_stmt *st, int idx, const arc_body_packed_t *p);
void Arc_body_packed_free(arc_body_packed_t *p);
/* Decode a compressed body blob[0..n): at least its first `want` bytes
 * (SIZE_MAX = all, then checked against its length and checksum). *out is
 * malloc'd (free), NUL-terminated, *out_len bytes long. On failure *out is
 * NULL and *why a static phrase. Returns ARC_OK, ARC_E_CORRUPT,
 * ARC_E_NOMEM. */
arc_status_t Arc_body_decode(arc_db_t *db, const void *blob, size_t n, size_t want, char **out,
                             size_t *out_len, const char **why);
/* Register the SQL function arc_body(body [, id [, n]]) on a connection:
 * the plain text of a stored body (TEXT passes through, a compressed BLOB
 * is decoded; with n > 0 at least its first n bytes; a corrupt one fails
 * the statement naming article id). Every SQL read of article.body or
 * article_version.body goes through it, and so do the FTS5 content view
 * article_text, the FTS triggers and the event view (schema 11), so db.c
 * registers it on every connection it opens. Returns an SQLite code. */
int Arc_body_sql_register(sqlite3 *sql);

/* Decoding many compressed bodies in a row (entity_timeline.c) with one
 * Zstandard context and one buffer: Arc_body_read() decodes the first
 * `want` bytes (SIZE_MAX: all; checks as Arc_body_decode) of blob[0..n)
 * into the reader's buffer; *out (NUL-terminated, *out_len bytes) stays
 * valid until the next call. Returns ARC_OK, ARC_E_CORRUPT or ARC_E_NOMEM
 * with *why a static phrase. Arc_body_reader_new() returns NULL when out
 * of memory. */
typedef struct arc_body_reader arc_body_reader_t;
arc_body_reader_t *Arc_body_reader_new(sqlite3 *sql);
void Arc_body_reader_free(arc_body_reader_t *r);
arc_status_t Arc_body_read(arc_body_reader_t *r, const void *blob, size_t n, size_t want,
                           const char **out, size_t *out_len, const char **why);
/* Decode every compressed body (articles and versions); report(ctx, line)
 * gets one line per corrupt one naming the article (the first 20, then a
 * count). Returns ARC_OK (corrupt bodies are reported, not an error),
 * ARC_E_DB or ARC_E_NOMEM. Used by arc_db_check(). */
arc_status_t Arc_body_check(arc_db_t *db, void (*report)(void *ctx, const char *line),
                            void *ctx);
/* The plain text of new articles whose FTS rows wait in db->fts_pending
 * (article.c), kept with their compressed form so that indexing them
 * reads the text without decoding: keep (best effort; a TEXT body is not
 * kept), find the latest kept for an id (1 = found; pointers valid until
 * the clear), clear after indexing, free on close. */
void Arc_body_keep(arc_db_t *db, int64_t id, const arc_body_packed_t *p);
/* With the index written by its own thread nothing waits to be indexed,
 * but enrichment reads the body of the article just stored (its events'
 * offsets are checked against it, entity.c): only that one is kept, in a
 * buffer reused from article to article; found as the others are (its
 * pointers valid until the next Arc_body_keep_last). */
void Arc_body_keep_last(arc_db_t *db, int64_t id, const arc_body_packed_t *p);
int Arc_body_kept_find(arc_db_t *db, int64_t id, const void **blob, size_t *blob_len,
                       const char **text);
void Arc_body_kept_clear(arc_db_t *db);
void Arc_body_kept_free(arc_db_t *db);

/* ==== Interface to code in shards*.c and xapian.cc (Xapian shards, issue 8) ==== */

/* Calls that a shards handle cannot answer start with ARC_NO_SHARDS(db):
 * they fail with ARC_E_UNSUPPORTED (message on db) instead of touching the
 * NULL SQLite connection. */
arc_status_t Arc_shards_unsupported(arc_db_t *db, const char *what);
#define ARC_NO_SHARDS(db)                                                   \
    do {                                                                    \
        if ((db) && (db)->xap)                                              \
            return Arc_shards_unsupported((db), __func__);                  \
    } while (0)

/* The read side on shards (xapian.cc); same contracts as the public
 * functions they stand for. Cursors and timelines they return start with
 * an `arc_db_t *db` member like search.c's, so arc_cursor_next() and
 * friends dispatch on c->db->xap. */
arc_status_t Arc_xap_search(arc_db_t *db, const arc_query_t *q,
                            const arc_search_opts_t *opts, arc_cursor_t **out);
arc_status_t Arc_xap_cursor_next(arc_cursor_t *c, const arc_hit_t **hit);
void Arc_xap_cursor_destroy(arc_cursor_t *c);
arc_status_t Arc_xap_search_count(arc_db_t *db, const arc_query_t *q,
                                  const arc_search_opts_t *opts, int64_t *count);
arc_status_t Arc_xap_facets(arc_db_t *db, const arc_query_t *q,
                            const arc_search_opts_t *opts, int kind, int64_t with,
                            int64_t limit, arc_entity_ref_t **out, size_t *n);
arc_status_t Arc_xap_histogram(arc_db_t *db, const arc_query_t *q,
                               const arc_search_opts_t *opts, arc_bucket_t by,
                               arc_hist_bucket_t **out, size_t *n);
arc_status_t Arc_xap_story_matches(arc_db_t *db, const arc_query_t *q,
                                   const arc_search_opts_t *opts,
                                   arc_story_match_t **out, size_t *n);
arc_status_t Arc_xap_timeline_open(arc_db_t *db, const arc_query_t *q, int64_t story,
                                   const arc_search_opts_t *opts, arc_timeline_t **out);
arc_status_t Arc_xap_timeline_next(arc_timeline_t *t, const arc_timeline_entry_t **e);
void Arc_xap_timeline_destroy(arc_timeline_t *t);
arc_status_t Arc_xap_entity_find(arc_db_t *db, int kind, const char *name,
                                 arc_entity_ref_t *out);
arc_status_t Arc_xap_article_get(arc_db_t *db, int64_t id, arc_article_t **out);
arc_status_t Arc_xap_story_get(arc_db_t *db, int64_t id, arc_story_t **out);
/* Free the shards state of a shards handle (from arc_db_close). */
void Arc_xap_close(arc_db_t *db);

#endif
