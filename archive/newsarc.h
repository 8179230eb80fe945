/*
 * newsarc.h - the one public interface of the newsarchive storage library.
 *
 * An archive is a directory holding `archive.db` (SQLite in WAL mode: the
 * records and their FTS5 full-text index, written in the same transactions)
 * and `warc/` (raw captures). This header exposes operations on it (put an
 * article, search, list a story), never tables: nothing outside the library
 * writes SQL.
 *
 * Conventions used throughout:
 *  - Every fallible function returns arc_status_t and hands results back
 *    through OUT pointers, which are set to NULL/0 on failure.
 *  - Details of the last failure on a handle are in arc_db_errmsg(); the text
 *    stays valid until the next call on that handle.
 *  - A returned `const char *` is borrowed from the object named in its
 *    comment; a returned `char *` must be released with arc_free().
 *  - Every _destroy()/_close() accepts NULL as a no-op.
 *  - Times are seconds since 1970-01-01 UTC (int64_t); ARC_TIME_NONE means
 *    "unknown".
 *
 * The library never prints, never exits and never reads user configuration.
 */
#ifndef NEWSARC_H
#define NEWSARC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARC_VERSION "0.1.0"

/** Status codes. @since 0.1 */
typedef enum {
    ARC_OK = 0,
    ARC_E_NOMEM,        /**< an allocation failed */
    ARC_E_IO,           /**< a file or directory could not be read/written */
    ARC_E_DB,           /**< SQLite reported an error */
    ARC_E_CORRUPT,      /**< the archive is damaged or is not an archive */
    ARC_E_VERSION,      /**< the archive was written by a newer version */
    ARC_E_READONLY,     /**< a write was attempted on a read-only handle */
    ARC_E_BUSY,         /**< another writer holds the archive */
    ARC_E_PARSE,        /**< input could not be parsed */
    ARC_E_NET,          /**< a network transfer failed */
    ARC_E_BAD_ARG,      /**< a caller passed an invalid argument */
    ARC_E_NOT_FOUND,    /**< the requested record does not exist */
    ARC_E_BAD_QUERY,    /**< a query could not be parsed */
    ARC_E_INTERNAL,     /**< a bug: an invariant did not hold */
    ARC_E_UNSUPPORTED   /**< the operation is not available on this kind of
                             handle (e.g. a write on Xapian shards) @since 0.4 */
} arc_status_t;

#define ARC_TIME_NONE INT64_MIN

/** Static English text for a status code (never NULL). @since 0.1 */
const char *arc_status_string(arc_status_t st);

/** Free memory the library handed to the caller as `char *`. NULL is a no-op.
 *  @since 0.1 */
void arc_free(void *p);

/* ------------------------------------------------------------------------
 * Opening an archive
 * ------------------------------------------------------------------------ */

typedef struct arc_db arc_db_t;

/**
 * Optional, once at program start, before anything else opens an SQLite
 * database in the process: turn off SQLite's memory statistics, which take
 * a process-wide mutex on every allocation (about 4% of an import's CPU).
 * sqlite3_memory_used() then reports nothing. When SQLite is already in
 * use the call changes nothing. newsindex and newsquery call it; a program
 * that embeds the library and wants the statistics does not.
 * @since 0.5 */
void arc_global_init(void);

enum {
    ARC_OPEN_READONLY = 1 << 0, /**< open for reading only (newsquery) */
    ARC_OPEN_CREATE   = 1 << 1, /**< create the directory and database if missing */
    /** the handle reads many rows, each page about once (an export): a
     *  small page cache (2 MB instead of 64 MB), which costs nothing there
     *  and saves the memory and its first-touch faults.
     *  @since 0.7 */
    ARC_OPEN_SCAN     = 1 << 2
};

/**
 * Open (and with ARC_OPEN_CREATE, create) the archive in directory @p dir.
 *
 * On a read-write open the schema is migrated forward to the current
 * version. A database that is not a newsarchive archive (wrong application
 * id, foreign tables without our metadata) is refused with ARC_E_CORRUPT
 * and a database of a newer schema with ARC_E_VERSION; neither is modified.
 *
 * @param dir     IN  archive directory (not the .db file).
 * @param flags   IN  ARC_OPEN_* bits.
 * @param out     OUT the handle, owned by the caller: arc_db_close() it.
 * @param errmsg  OUT on failure, a malloc'd message naming the path and the
 *                    reason (caller frees with arc_free); NULL on success.
 *                    May be NULL if the caller does not want it.
 * @retval ARC_OK, ARC_E_IO (directory cannot be created/read),
 *         ARC_E_NOT_FOUND (no archive there and no ARC_OPEN_CREATE),
 *         ARC_E_CORRUPT, ARC_E_VERSION, ARC_E_DB, ARC_E_NOMEM.
 *
 * Typical usage:
 * @code
 *   arc_db_t *db; char *err;
 *   if (arc_db_open (dir, ARC_OPEN_CREATE, &db, &err)) {
 *       fprintf (stderr, "%s\n", err); arc_free (err); return 3;
 *   }
 *   ...
 *   arc_db_close (db);
 * @endcode
 * @since 0.1
 */
arc_status_t arc_db_open(const char *dir, int flags, arc_db_t **out,
                         char **errmsg);

/** Close the archive and free the handle. NULL is a no-op. @since 0.1 */
void arc_db_close(arc_db_t *db);

/** The message of the last failure on @p db (borrowed from db, valid until
 *  the next call on it). Never NULL. @since 0.1 */
const char *arc_db_errmsg(const arc_db_t *db);

/** The path of the archive's directory (borrowed from db). @since 0.1 */
const char *arc_db_path(const arc_db_t *db);

/**
 * Resolve the archive directory the way both programs do: @p given (from
 * --archive) if set, else @p env_dir ($NEWSARCHIVE_DIR), else
 * @p xdg_data_home/newsarchive, else @p home/.local/share/newsarchive. The
 * caller passes the environment's values: the library reads none itself.
 * @return malloc'd path (arc_free), NULL when nothing is set or no memory.
 * @since 0.1
 */
char *arc_dir_resolve(const char *given, const char *env_dir,
                      const char *xdg_data_home, const char *home);

/** The schema version this library writes. @since 0.1 */
int arc_schema_version(void);

/**
 * Transactions. Writes outside an explicit transaction are each their own
 * transaction; an importer wraps a batch of articles in begin/commit so that
 * a crash loses at most the uncommitted batch. begin takes the write lock
 * at once (BEGIN IMMEDIATE), so a second writer waits up to the busy
 * timeout and then gets ARC_E_BUSY.
 * @retval ARC_OK, ARC_E_BUSY, ARC_E_READONLY, ARC_E_DB
 * @since 0.1
 */
arc_status_t arc_db_begin(arc_db_t *db);
arc_status_t arc_db_commit(arc_db_t *db);
/** Roll back the open transaction; a no-op when none is open. */
void arc_db_rollback(arc_db_t *db);

/**
 * Verify the archive: SQLite's integrity_check, foreign keys and the FTS5
 * index against the records.
 * @param problems OUT malloc'd text listing problems (NULL when none).
 * @retval ARC_OK (clean), ARC_E_CORRUPT (problems found), ARC_E_DB.
 * @since 0.1
 */
arc_status_t arc_db_check(arc_db_t *db, char **problems);

/* ------------------------------------------------------------------------
 * Articles
 * ------------------------------------------------------------------------ */

/**
 * An article as written to or read from the archive. For arc_article_put()
 * the caller owns every string; for arc_article_get() all strings are owned
 * by the record and freed by arc_article_destroy(). Any string may be NULL.
 */
typedef struct arc_article {
    int64_t id;             /**< archive id; ordered by publication day */
    const char *url;        /**< as given; stored canonicalised */
    const char *guid;       /**< feed GUID, unique within its source */
    const char *source;     /**< source name, e.g. "Northern Ledger" */
    const char *source_site;/**< source site, e.g. "ledger.example" */
    const char *title;
    const char *byline;
    int64_t published;      /**< UTC seconds or ARC_TIME_NONE */
    const char *published_src; /**< where the date came from: "feed", "first-seen", ... */
    int64_t first_seen;     /**< UTC seconds; 0 on put means "now" */
    int64_t updated;        /**< UTC seconds of the last change (get only) */
    const char *lang;
    const char *summary;
    const char *body;
    const char *content_hash; /**< get only: hex SHA-256-like digest of title+body */
    const char *capture;    /**< capture reference, e.g. "warc/x.warc.gz#1234" */
    int64_t story;          /**< story id or 0 (get only) */
    int version;            /**< number of stored versions (get only) */
    const char *published_raw; /**< the date as the source wrote it, or NULL (@since 0.1, schema 5) */
    /** put only, optional: `body` already compressed by arc_body_compress()
     *  (e.g. on another thread), so arc_article_put() does not compress it
     *  itself; NULL = compress it there. It must be made from exactly
     *  `body` (checked by length and checksum: ARC_E_BAD_ARG otherwise).
     *  The caller owns it. @since 0.5 (schema 11) */
    const void *body_z;
    size_t body_z_len;      /**< bytes of body_z @since 0.5 */
    /** put only, optional: arc_article_hash() of exactly `title` and
     *  `body`, computed beforehand (e.g. on another thread), so that
     *  arc_article_put() does not hash the text itself; NULL = hashed
     *  there. A wrong one makes the article a duplicate of the wrong
     *  article, or of none. @since 0.8 */
    const char *body_hash;
} arc_article_t;

/**
 * The content hash arc_article_put() matches articles by (32 hex digits
 * and a NUL into out): the same for texts that differ only in case and in
 * runs of white space. Pure text work, thread-safe.
 * @since 0.8
 */
void arc_article_hash(const char *title, const char *body, char out[33]);

/** What arc_article_put() did. */
typedef enum {
    ARC_PUT_NEW = 0,    /**< a new article was stored */
    ARC_PUT_UPDATED,    /**< an existing article changed; the old version is kept */
    ARC_PUT_DUPLICATE   /**< the same article was already stored: nothing changed */
} arc_put_result_t;

/**
 * Store an article. It is the same article as a stored one when its
 * canonical URL, its GUID within the same source, or its content hash
 * matches; then a changed title/summary/body updates the record (the
 * previous text is kept in the article's version history) and an unchanged
 * one is reported as a duplicate. The FTS index is written in the same
 * transaction. The source is created on first use.
 *
 * @param a    IN  the article; url and title are required.
 * @param id   OUT the article's id (may be NULL).
 * @param res  OUT what happened (may be NULL).
 * @retval ARC_OK, ARC_E_BAD_ARG (missing url/title, or a body_z not made
 *         from body, with the reason in arc_db_errmsg), ARC_E_READONLY,
 *         ARC_E_BUSY, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_article_put(arc_db_t *db, const arc_article_t *a,
                             int64_t *id, arc_put_result_t *res);

/**
 * Compress an article body the way the archive stores it (Zstandard, schema
 * 11; docs/internals/bodies.md), for arc_article_t.body_z. Thread-safe and
 * needs no archive: an importer calls it on its parsing thread so that the
 * thread that writes the archive does not spend the CPU.
 * @param body    IN  the text that will be arc_article_t.body.
 * @param len     IN  its length in bytes (strlen(body)).
 * @param out     OUT malloc'd compressed form (arc_free), or NULL when the
 *                    body is better stored as it is (short, incompressible).
 * @param out_len OUT bytes of *out (0 when NULL).
 * @retval ARC_OK, ARC_E_NOMEM, ARC_E_INTERNAL.
 * @since 0.5
 */
arc_status_t arc_body_compress(const char *body, size_t len, void **out, size_t *out_len);

/**
 * A Zstandard dictionary for article bodies (schema 16;
 * docs/internals/bodies.md "Dictionaries"). Bodies compressed with one
 * take about an eighth less room; an archive keeps the dictionaries its
 * bodies need (table body_dict) and every reader finds them there.
 * Immutable once made: one may be used by several threads at once.
 */
typedef struct arc_body_dict arc_body_dict_t;

/** Bodies a dictionary is trained on (newsindex import collects this many
 *  of an archive's first ones). @since 0.6 */
#define ARC_BODY_DICT_SAMPLES 1000

/**
 * Train a dictionary on n sample bodies (texts[i], lens[i] bytes; NULL
 * entries and bodies too short to compress are skipped). Needs no archive.
 * @param out OUT the dictionary (arc_body_dict_free), or NULL when the
 *            samples are too few or too small to learn from.
 * @retval ARC_OK, ARC_E_NOMEM.
 * @since 0.6
 */
arc_status_t arc_body_dict_train(const char *const *texts, const size_t *lens, size_t n,
                                 arc_body_dict_t **out);
/**
 * The archive's newest dictionary, the one new bodies are compressed with.
 * @param out OUT the dictionary (arc_body_dict_free), or NULL: none yet.
 * @retval ARC_OK, ARC_E_CORRUPT (its stored dictionary is damaged),
 *         ARC_E_DB, ARC_E_NOMEM.
 * @since 0.6
 */
arc_status_t arc_body_dict_load(arc_db_t *db, arc_body_dict_t **out);
/**
 * Store a dictionary in the archive (in the caller's transaction, if one is
 * open) before any body compressed with it; this handle's own
 * arc_article_put() compresses with it from then on.
 * @retval ARC_OK, ARC_E_BAD_ARG (the archive holds another dictionary with
 *         the same id), ARC_E_READONLY, ARC_E_BUSY, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.6
 */
arc_status_t arc_body_dict_store(arc_db_t *db, const arc_body_dict_t *d);
/**
 * Give the archive a dictionary trained on its newest ARC_BODY_DICT_SAMPLES
 * bodies when it has none and holds that many (newsindex optimize: for
 * archives filled a few articles at a time). Bodies already stored stay as
 * they are. @param made OUT 1 when one was made.
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_BUSY, ARC_E_DB, ARC_E_CORRUPT,
 *         ARC_E_NOMEM.
 * @since 0.6
 */
arc_status_t arc_body_dict_ensure(arc_db_t *db, int *made);
/**
 * arc_body_compress() with dictionary d (which must be stored in the
 * archive, arc_body_dict_store(), before the article is put). Thread-safe.
 * @since 0.6
 */
arc_status_t arc_body_compress_dict(const arc_body_dict_t *d, const char *body, size_t len,
                                    void **out, size_t *out_len);
void arc_body_dict_free(arc_body_dict_t *d);

/**
 * Read one article with its body.
 * @param out OUT the record, owned by the caller: arc_article_destroy() it.
 * @retval ARC_OK, ARC_E_NOT_FOUND, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_article_get(arc_db_t *db, int64_t id, arc_article_t **out);
void arc_article_destroy(arc_article_t *a);

/**
 * Canonicalise a URL: scheme and host lower-cased, default port, fragment
 * and tracking parameters (utm_*, fbclid, gclid, ...) removed.
 * @param out OUT malloc'd canonical form (arc_free), NULL on failure.
 * @retval ARC_OK, ARC_E_BAD_ARG (not an absolute http(s) URL), ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_url_canonicalize(const char *url, char **out);

/* ------------------------------------------------------------------------
 * Stories, entities and events (filled by the enrichment stages)
 * ------------------------------------------------------------------------ */

/** Entity kinds. */
typedef enum {
    ARC_ENTITY_PERSON = 0,
    ARC_ENTITY_PLACE,
    ARC_ENTITY_ORG
} arc_entity_kind_t;

/** Static name of a kind: "person", "place", "org". */
const char *arc_entity_kind_name(arc_entity_kind_t k);

/** Date granularity of an event. */
typedef enum { ARC_GRAN_DAY = 0, ARC_GRAN_MONTH, ARC_GRAN_YEAR } arc_granularity_t;
const char *arc_granularity_name(arc_granularity_t g);

/** One entity mention found in an article (input to arc_article_enrich). */
typedef struct arc_mention {
    arc_entity_kind_t kind;
    const char *name;       /**< canonical name, e.g. "Vladimir Putin" */
    const char *alias;      /**< the form seen, e.g. "Putin" (may be NULL) */
    int count;              /**< occurrences in the article */
    int first_offset;       /**< byte offset of the first occurrence in body */
    /* issue 3: gazetteer facts of a place, stored on the entity row when
     * it is created; NULL / 0 mean unknown */
    const char *country;    /**< ISO 3166-1 alpha-2, or NULL */
    double lat, lon;        /**< coordinates (both 0 = unknown) */
} arc_mention_t;

/** One dated statement (input to arc_article_enrich; output of timelines). */
typedef struct arc_event {
    int64_t date;           /**< UTC midnight of the day (or month/year start) */
    arc_granularity_t granularity;
    const char *text;       /**< the sentence */
    int start, end;         /**< byte offsets of the sentence in the body */
    int from_published;     /**< 1 when the date is the publication date */
} arc_event_t;

/**
 * Replace the article's mentions and events with the given ones (so
 * re-enrichment is idempotent). Entities are created on first use; an
 * existing entity is found by kind and canonical name or alias. Entity
 * ids never change once given.
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such article), ARC_E_DB, ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_article_enrich(arc_db_t *db, int64_t article,
                                const arc_mention_t *mentions, size_t n_mentions,
                                const arc_event_t *events, size_t n_events);

/** An entity as listed for an article or a result set. */
typedef struct arc_entity_ref {
    int64_t id;             /**< stable entity id */
    arc_entity_kind_t kind;
    char *name;             /**< canonical name (owned by the array) */
    int64_t count;          /**< mentions in the article, or articles in a set */
} arc_entity_ref_t;

/**
 * The entities an article mentions, most mentioned first.
 * @param out OUT malloc'd array (arc_entity_refs_free), NULL when none.
 * @param n   OUT its length.
 * @since 0.1
 */
arc_status_t arc_article_entities(arc_db_t *db, int64_t article,
                                  arc_entity_ref_t **out, size_t *n);
void arc_entity_refs_free(arc_entity_ref_t *refs, size_t n);

/* ---- Every occurrence of an entity; entities of events (issue 3, v6) ---- */

/** One occurrence of an entity in an article (input to
 *  arc_article_enrich_all). */
typedef struct arc_occurrence {
    int mention;            /**< index of its entity in the mentions array */
    int in_title;           /**< 1: offsets are into the title, 0: the body */
    int start, end;         /**< byte range [start, end) */
    int sentence;           /**< body sentence, 0-based, in the order of the
                                 article's sentence spans (-1 in the title) */
} arc_occurrence_t;

/** Everything the enrichment stage found in one article. */
typedef struct arc_enrichment {
    const arc_mention_t *mentions;       /**< one per (kind, canonical name) */
    size_t n_mentions;
    const arc_occurrence_t *occurrences; /**< every occurrence (may be NULL) */
    size_t n_occurrences;
    const arc_event_t *events;           /**< event text may be NULL when body is set */
    size_t n_events;
    const char *body;       /**< the text event offsets refer to (may be NULL).
                                 When it equals the stored body, event text is
                                 not stored but read back from the body. */
} arc_enrichment_t;

/** arc_article_enrich_all flag: the article was created just now, so
 *  there are no earlier mentions or events to replace. */
#define ARC_ENRICH_NEW 1u

/**
 * Store an article's mentions, every occurrence, and its events with the
 * ids of the entities each event's sentence names, replacing earlier ones
 * (unless @p flags has ARC_ENRICH_NEW). Entities are resolved and created
 * as by arc_article_enrich().
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.4
 */
arc_status_t arc_article_enrich_all(arc_db_t *db, int64_t article,
                                    const arc_enrichment_t *e, unsigned flags);

/** One stored occurrence, as read back. */
typedef struct arc_article_mention {
    int64_t entity;         /**< live entity id */
    arc_entity_kind_t kind;
    const char *name;       /**< canonical name (owned by the array) */
    int in_title;           /**< offsets are into the title (1) or body (0) */
    int start, end;         /**< byte range [start, end) */
    int sentence;           /**< body sentence index, -1 in the title */
} arc_article_mention_t;

/**
 * Every stored occurrence of an entity in an article: title ones first,
 * then the body's, each in text order.
 * @param out OUT malloc'd array (arc_article_mentions_free), NULL when none
 *            (also for an article enriched before schema v6).
 * @param n   OUT its length.
 * @retval ARC_OK, ARC_E_CORRUPT (malformed stored data), ARC_E_DB, ARC_E_NOMEM
 * @since 0.4
 */
arc_status_t arc_article_mentions(arc_db_t *db, int64_t article,
                                  arc_article_mention_t **out, size_t *n);
void arc_article_mentions_free(arc_article_mention_t *m, size_t n);

/**
 * Put the article into story @p story, or into a new story when story is 0.
 * The story's title, dates and counts are refreshed.
 * @param story_out OUT the story id (may be NULL).
 * @since 0.1
 */
arc_status_t arc_story_assign(arc_db_t *db, int64_t article, int64_t story,
                              int64_t *story_out);

/* ------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------ */

/** A parsed query (an AST). Owned by the caller: arc_query_destroy(). */
typedef struct arc_query arc_query_t;

/** Where and why a query failed to parse. */
typedef struct arc_query_error {
    int column;             /**< 1-based character column of the problem */
    char message[160];      /**< e.g. "unclosed quote" */
} arc_query_error_t;

/**
 * Parse query text in the language of docs/query-syntax.md: words,
 * "phrases", implicit AND, OR, -exclusion, parentheses, word* prefixes
 * and field:value terms. The text never reaches SQLite as raw text: the
 * AST is compiled to a quoted FTS5 expression bound as a parameter.
 * @param text IN  the query (UTF-8; invalid bytes are an error).
 * @param out  OUT the AST (caller destroys), NULL on error.
 * @param err  OUT on ARC_E_BAD_QUERY the column and message (may be NULL).
 * @retval ARC_OK, ARC_E_BAD_QUERY, ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_query_parse(const char *text, arc_query_t **out,
                             arc_query_error_t *err);
void arc_query_destroy(arc_query_t *q);

/**
 * The FTS5 expression the query compiles to (for debugging and tests);
 * malloc'd, arc_free it. NULL when the query has no full-text part.
 */
char *arc_query_fts_expression(const arc_query_t *q);

typedef enum {
    ARC_SORT_RELEVANCE = 0,
    ARC_SORT_NEWEST,
    ARC_SORT_OLDEST
} arc_sort_t;

/** Options of a search. Zero-initialise, then set what you need. */
typedef struct arc_search_opts {
    int64_t since;          /**< inclusive UTC seconds; 0 = no bound */
    int64_t until;          /**< exclusive UTC seconds; 0 = no bound */
    int64_t limit;          /**< 0 = no limit */
    int64_t offset;
    arc_sort_t sort;
    int want_snippet;       /**< compute snippets (costs time) */
    int want_entities;      /**< fill persons/places/orgs of each hit */
    const char *mark_open;  /**< snippet match markers; default "[" */
    const char *mark_close; /**< default "]" */
    const char *source;     /**< only this source (name or site), or NULL */
    /* added for the query tool (0.2); zero keeps the 0.1 behaviour */
    int collapse_story;     /**< at most one hit per story (the best); limit
                                 and offset count the collapsed hits */
    int want_body;          /**< fill summary, body and lang of each hit */
    int exact_rank;         /**< ARC_SORT_RELEVANCE: always compute BM25 for
                                 every match instead of the bounded top-k
                                 (docs/ranking.md) */
} arc_search_opts_t;

/** One search result. Owned by its cursor; valid until the next
 *  arc_cursor_next() or arc_cursor_destroy(). */
typedef struct arc_hit {
    int64_t id;
    const char *url;
    const char *source;
    const char *title;
    int64_t published;      /**< UTC seconds or ARC_TIME_NONE */
    const char *snippet;    /**< NULL unless want_snippet */
    double score;           /**< higher is better; 0 when not ranked */
    int64_t story;          /**< 0 when in no story */
    const char *const *persons; size_t n_persons; /**< canonical names */
    const char *const *places;  size_t n_places;
    const char *const *orgs;    size_t n_orgs;
    /* added for the query tool (0.2); NULL unless want_body */
    const char *summary;
    const char *body;
    const char *lang;
} arc_hit_t;

typedef struct arc_cursor arc_cursor_t;

/**
 * Run a search. Results are produced lazily, one arc_cursor_next() at a
 * time, so a result set of any size is streamed in constant memory.
 * @param q    IN  the parsed query (must outlive the cursor).
 * @param out  OUT the cursor, owned by the caller: arc_cursor_destroy().
 * @retval ARC_OK, ARC_E_BAD_QUERY (e.g. a query with no positive term),
 *         ARC_E_DB, ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_search(arc_db_t *db, const arc_query_t *q,
                        const arc_search_opts_t *opts, arc_cursor_t **out);

/**
 * Advance the cursor. On ARC_OK, *hit is the next result, or NULL when
 * the results are exhausted.
 * @since 0.1
 */
arc_status_t arc_cursor_next(arc_cursor_t *c, const arc_hit_t **hit);
void arc_cursor_destroy(arc_cursor_t *c);

/**
 * Count the articles matching a query (ignoring limit/offset/sort).
 * @since 0.1
 */
arc_status_t arc_search_count(arc_db_t *db, const arc_query_t *q,
                              const arc_search_opts_t *opts, int64_t *count);

/* ------------------------------------------------------------------------
 * Stories and timelines
 * ------------------------------------------------------------------------ */

/** A story summary. Owned by the caller: arc_story_destroy(). */
typedef struct arc_story {
    int64_t id;
    const char *title;
    int64_t first_date, last_date, updated;
    int article_count;
} arc_story_t;

/** @retval ARC_OK, ARC_E_NOT_FOUND, ARC_E_DB @since 0.1 */
arc_status_t arc_story_get(arc_db_t *db, int64_t id, arc_story_t **out);
void arc_story_destroy(arc_story_t *s);

/** A story's articles, oldest first. Uses the hit cursor; hits have no
 *  score or snippet. @since 0.1 */
arc_status_t arc_story_articles(arc_db_t *db, int64_t story, arc_cursor_t **out);

/** One timeline entry: an event with its source article. Owned by its
 *  timeline cursor, valid until the next call. */
typedef struct arc_timeline_entry {
    int64_t date;
    arc_granularity_t granularity;
    const char *text;
    int from_published;
    int64_t article;
    const char *source;
    const char *url;
    const char *title;
    int start, end;
    int64_t story;
} arc_timeline_entry_t;

typedef struct arc_timeline arc_timeline_t;

/**
 * Dated events in date order (then article id), restricted to articles
 * matching @p q (may be NULL for all), to story @p story (0 for any) and to
 * event dates within opts->since/until.
 * @since 0.1
 */
arc_status_t arc_timeline_open(arc_db_t *db, const arc_query_t *q,
                               int64_t story, const arc_search_opts_t *opts,
                               arc_timeline_t **out);
arc_status_t arc_timeline_next(arc_timeline_t *t, const arc_timeline_entry_t **e);
void arc_timeline_destroy(arc_timeline_t *t);

/* ------------------------------------------------------------------------
 * Story clustering, corrections and story pages (issue 4)
 *
 * The clustering stage (indexer/cluster.c) derives per article a shingle
 * sketch (near-duplicate detection) and its sentence spans, links
 * syndicated copies to their original, and assigns stories. Users correct
 * stories with decisions (merge, split, move) that are stored and
 * re-applied after every rebuild.
 * ------------------------------------------------------------------------ */

/**
 * Store what clustering derived from an article, replacing earlier values.
 * @param seq      IN  the article's position in clustering order (1, 2, ...)
 * @param sketch   IN  ascending 64-bit shingle hashes (may be NULL when
 *                     n_sketch is 0).
 * @param spans    IN  2*n_spans byte offsets: sentence i is the body's bytes
 *                     [spans[2i], spans[2i+1]).
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_article_features_put(arc_db_t *db, int64_t article, int64_t seq,
                                      const uint64_t *sketch, size_t n_sketch,
                                      const int *spans, size_t n_spans);

/**
 * Record that @p article is a near-duplicate (syndicated copy) of
 * @p original, with the estimated text @p similarity (0..1). A copy is
 * counted once, with its original, in story counts.
 * @retval ARC_OK, ARC_E_BAD_ARG (article == original), ARC_E_READONLY, ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_article_set_duplicate(arc_db_t *db, int64_t article,
                                       int64_t original, double similarity);

/**
 * The ids of the entities an article mentions, ascending (cheap: a cached
 * statement; for the clustering stage).
 * @param ids OUT malloc'd array (arc_free), NULL when none.
 * @retval ARC_OK, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_article_entity_ids(arc_db_t *db, int64_t article,
                                    int64_t **ids, size_t *n);

/** One stored article as read by arc_article_scan_next(). All pointers are
 *  owned by the scan and valid until the next call. */
typedef struct arc_scan_row {
    int64_t id;
    const char *title;
    const char *body;          /**< the first `lead_bytes` bytes, or NULL */
    int64_t published;         /**< ARC_TIME_NONE when unknown */
    int64_t story;             /**< 0 when none */
    int64_t duplicate_of;      /**< 0 unless a near-duplicate */
    const uint64_t *sketch;    /**< stored sketch (NULL when none) */
    size_t n_sketch;
    int64_t seq;               /**< clustering order (0 when not clustered) */
} arc_scan_row_t;

typedef struct arc_article_scan arc_article_scan_t;

/**
 * Read stored articles in id order (= publication day order) from the
 * first article of the day holding @p since (0 = all); with @p by_seq, only
 * the clustered ones, in the order they were clustered (for replaying the
 * clustering state), and @p since is how many of the most recently
 * clustered to read (0 = all).
 * @param lead_bytes IN how much of each body to return (0 = none, -1 = all).
 * @param out OUT the scan (arc_article_scan_destroy()).
 * Do not write to the archive through the same handle while a scan is open.
 * @since 0.2
 */
arc_status_t arc_article_scan_open(arc_db_t *db, int64_t since, int lead_bytes,
                                   int by_seq, arc_article_scan_t **out);
/** Next row in *row, or *row = NULL at the end. @since 0.2 */
arc_status_t arc_article_scan_next(arc_article_scan_t *s, const arc_scan_row_t **row);
void arc_article_scan_destroy(arc_article_scan_t *s);

/**
 * Set a story's title (its most representative headline).
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_story_set_title(arc_db_t *db, int64_t story, const char *title);

/**
 * Move every article of story @p from into story @p into; @p from is left
 * empty (and so disappears from listings). Counts and dates are refreshed.
 * @retval ARC_OK, ARC_E_NOT_FOUND (either story is empty or unknown),
 *         ARC_E_BAD_ARG (into == from), ARC_E_READONLY, ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_story_merge(arc_db_t *db, int64_t into, int64_t from);

/**
 * Forget every story assignment, story, near-duplicate link and derived
 * feature, before clustering again from scratch (newsindex rebuild). Story
 * ids start again from 1. User decisions are kept.
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_story_reset_all(arc_db_t *db);

/**
 * The story an article is in (0 when none).
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such article), ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_article_story(arc_db_t *db, int64_t article, int64_t *story);

/**
 * The ids of a story's articles, ascending (near-duplicates included).
 * @param ids OUT malloc'd array (arc_free), NULL when the story is empty.
 * @since 0.2
 */
arc_status_t arc_story_article_ids(arc_db_t *db, int64_t story, int64_t **ids,
                                   size_t *n);

/** One article of a story with what a story page needs. Owned by the
 *  array returned by arc_story_members(). */
typedef struct arc_story_member {
    int64_t id;
    char *url, *source, *title;
    int64_t published;         /**< ARC_TIME_NONE when unknown */
    int64_t duplicate_of;      /**< 0, or the original this copy repeats */
    char *body;                /**< NULL unless asked for */
    int *spans;                /**< sentence spans (2*n_spans), NULL when unknown */
    size_t n_spans;
} arc_story_member_t;

/**
 * A story's articles in id order (oldest first).
 * @param want_text IN also read bodies and sentence spans.
 * @param out OUT malloc'd array (arc_story_members_free), NULL when empty.
 * @retval ARC_OK, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_story_members(arc_db_t *db, int64_t story, int want_text,
                               arc_story_member_t **out, size_t *n);
void arc_story_members_free(arc_story_member_t *m, size_t n);

/** A user's correction, as stored. Strings owned by the array. */
typedef struct arc_decision {
    int64_t id;
    char *kind;      /**< "story-merge", "story-split", "story-move", ... */
    int64_t a, b;    /**< the ids named when it was made (meaning per kind) */
    char *args;      /**< JSON with the article lists it applies to */
    int64_t created; /**< UTC seconds */
} arc_decision_t;

/**
 * Store a user decision (kept across rebuilds; applied in id order).
 * @param id OUT the decision's id (may be NULL).
 * @retval ARC_OK, ARC_E_BAD_ARG (no kind), ARC_E_READONLY, ARC_E_DB
 * @since 0.2
 */
arc_status_t arc_decision_add(arc_db_t *db, const char *kind, int64_t a,
                              int64_t b, const char *args, int64_t *id);

/**
 * The stored decisions whose kind starts with @p kind_prefix (NULL = all),
 * oldest first.
 * @param out OUT malloc'd array (arc_decisions_free), NULL when none.
 * @since 0.2
 */
arc_status_t arc_decision_list(arc_db_t *db, const char *kind_prefix,
                               arc_decision_t **out, size_t *n);
void arc_decisions_free(arc_decision_t *d, size_t n);

/**
 * Canonical name and kind of an entity id (following merges).
 * @param name OUT malloc'd (arc_free).
 * @retval ARC_OK, ARC_E_NOT_FOUND, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_entity_lookup(arc_db_t *db, int64_t id, arc_entity_kind_t *kind,
                               char **name);

typedef struct arc_entity_timeline arc_entity_timeline_t;

/**
 * Dated events of the articles that mention entity @p entity (following
 * merges), in date order (then article id, then offset), with event dates
 * within opts->since/until and the article restricted to opts->source.
 * Driven by the mention index, so a busy entity's year stays fast.
 * @param out OUT the cursor (arc_entity_timeline_destroy()).
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such entity), ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_entity_timeline_open(arc_db_t *db, int64_t entity,
                                      const arc_search_opts_t *opts,
                                      arc_entity_timeline_t **out);
/** Next entry (owned by the cursor, valid until the next call), NULL at
 *  the end. @since 0.2 */
arc_status_t arc_entity_timeline_next(arc_entity_timeline_t *t,
                                      const arc_timeline_entry_t **e);
void arc_entity_timeline_destroy(arc_entity_timeline_t *t);

/* ------------------------------------------------------------------------
 * Entity corrections (issue 3): merges and renames asked for by the user.
 * Entity ids never change: a merged id redirects (entity_redirect) to the
 * entity it was merged into, and every reader follows the redirect. The
 * callers (newsindex entity ...) store them as user decisions
 * ("entity-merge", "entity-rename") so `newsindex rebuild` re-applies them.
 * ------------------------------------------------------------------------ */

/**
 * Merge entity @p from into entity @p into: mentions, aliases and the old
 * canonical name (as an alias) move to @p into, and @p from redirects to it.
 * Both ids are first followed through earlier merges.
 * @param merged OUT 1 when something changed, 0 when they were already one
 *               entity (may be NULL).
 * @retval ARC_OK, ARC_E_NOT_FOUND (either id unknown), ARC_E_BAD_ARG (the
 *         kinds differ), ARC_E_READONLY, ARC_E_DB
 * @since 0.3
 */
arc_status_t arc_entity_merge(arc_db_t *db, int64_t from, int64_t into,
                              int *merged);

/**
 * Give entity @p id (followed through merges) a new canonical name; the
 * old name stays an alias, the new one becomes an alias too.
 * @param renamed OUT 1 when the name changed, 0 when it already had it
 *                (may be NULL).
 * @retval ARC_OK, ARC_E_NOT_FOUND, ARC_E_BAD_ARG (empty name, or another
 *         entity of the kind already has it: merge instead),
 *         ARC_E_READONLY, ARC_E_DB
 * @since 0.3
 */
arc_status_t arc_entity_rename(arc_db_t *db, int64_t id, const char *name,
                               int *renamed);

/**
 * The live entity an id stands for, following merges.
 * @retval ARC_OK, ARC_E_NOT_FOUND, ARC_E_DB
 * @since 0.3
 */
arc_status_t arc_entity_resolve_id(arc_db_t *db, int64_t id, int64_t *out);

/* ------------------------------------------------------------------------
 * The query tool: facets, histograms, matching stories, versions (issue 5)
 *
 * Each takes a parsed query (NULL or empty = every article) and the
 * since/until/source of arc_search_opts_t (limit/offset/sort are ignored
 * unless said otherwise). A person:/place:/org: term naming no known
 * entity fails with ARC_E_BAD_QUERY and a message suggesting close names.
 * ------------------------------------------------------------------------ */

/**
 * Find an entity by name the way person:/place:/org: do: canonical name or
 * any alias (case-insensitive), following merges (entity_redirect).
 * @param kind  IN  ARC_ENTITY_* or -1 for any kind.
 * @param name  IN  the name, or a decimal entity id.
 * @param out   OUT id, kind and canonical name (name malloc'd: free it
 *                  with arc_entity_refs_free(out, 1) or arc_free(out->name)).
 * @retval ARC_OK, ARC_E_NOT_FOUND (message in arc_db_errmsg suggests close
 *         names), ARC_E_DB, ARC_E_NOMEM.
 * @since 0.2
 */
arc_status_t arc_entity_find(arc_db_t *db, int kind, const char *name,
                             arc_entity_ref_t *out);

/**
 * The entities most often mentioned by the matching articles: count is the
 * number of matching articles mentioning each, most first (ties by name).
 * @param kind  IN  ARC_ENTITY_* or -1 for all kinds.
 * @param with  IN  0, or an entity id: only articles that also mention it
 *                  count, and it is left out of the list (co-occurrence).
 * @param limit IN  at most this many (0 = all).
 * @param out   OUT malloc'd array (arc_entity_refs_free), NULL when none.
 * @retval ARC_OK, ARC_E_BAD_QUERY, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_facets(arc_db_t *db, const arc_query_t *q,
                        const arc_search_opts_t *opts, int kind, int64_t with,
                        int64_t limit, arc_entity_ref_t **out, size_t *n);

/** Histogram bucket widths. Weeks start on Monday (ISO 8601). */
typedef enum { ARC_BUCKET_DAY = 0, ARC_BUCKET_WEEK, ARC_BUCKET_MONTH } arc_bucket_t;

/** One bucket: [start, end) in UTC seconds and the matching articles
 *  published in it (by publication day, or first-seen day when undated). */
typedef struct arc_hist_bucket {
    int64_t start, end;
    int64_t count;
} arc_hist_bucket_t;

/**
 * Counts of matching articles per day, week or month, every bucket from
 * the first to the last non-empty one (empty ones in between included).
 * @param out OUT malloc'd array (arc_free), NULL when nothing matches.
 * @retval ARC_OK, ARC_E_BAD_QUERY, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_histogram(arc_db_t *db, const arc_query_t *q,
                           const arc_search_opts_t *opts, arc_bucket_t by,
                           arc_hist_bucket_t **out, size_t *n);

/** A story with matching articles. Strings owned by the array. */
typedef struct arc_story_match {
    int64_t id;
    char *title;
    int64_t article_count;      /**< articles in the story */
    int64_t first_date, last_date; /**< of the whole story */
    int64_t matches;            /**< matching articles in the story */
    int64_t first_match, last_match; /**< their first/last publication */
} arc_story_match_t;

/**
 * Stories holding matching articles, most matches first (then newest).
 * opts->limit/offset apply to the stories (0 = all).
 * @param out OUT malloc'd array (arc_story_matches_free), NULL when none.
 * @retval ARC_OK, ARC_E_BAD_QUERY, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_story_matches(arc_db_t *db, const arc_query_t *q,
                               const arc_search_opts_t *opts,
                               arc_story_match_t **out, size_t *n);
void arc_story_matches_free(arc_story_match_t *m, size_t n);

/** An earlier version of an article's text. Strings owned by the array. */
typedef struct arc_version {
    int version;                /**< 1 = the first text seen */
    int64_t seen;               /**< when this text was current (UTC s) */
    char *title, *summary, *body, *content_hash, *capture;
} arc_version_t;

/**
 * The stored earlier versions of an article, oldest first (the current
 * text is the article itself and is not repeated).
 * @param out OUT malloc'd array (arc_versions_free), NULL when none.
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such article), ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_article_versions(arc_db_t *db, int64_t article,
                                  arc_version_t **out, size_t *n);
void arc_versions_free(arc_version_t *v, size_t n);

/* ------------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------------ */

typedef struct arc_stats {
    int64_t articles, sources, stories, entities, mentions, events, versions;
    int64_t first_published, last_published; /**< ARC_TIME_NONE when empty */
    int64_t db_bytes;
    int schema_version;
} arc_stats_t;

/** @since 0.1 */
arc_status_t arc_db_stats(arc_db_t *db, arc_stats_t *out);

/* ------------------------------------------------------------------------
 * Time helpers shared by both programs
 * ------------------------------------------------------------------------ */

/**
 * Parse a date as users type it on the command line: YYYY, YYYY-MM,
 * YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]. @p start receives the first
 * second of the period, @p end the first second after it.
 * @retval ARC_OK, ARC_E_PARSE
 * @since 0.1
 */
arc_status_t arc_time_parse_user(const char *s, int64_t *start, int64_t *end);

/** Format UTC seconds as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21
 *  bytes). Returns buf; an empty string for ARC_TIME_NONE. */
char *arc_time_format(int64_t t, char *buf, size_t n);

/** Days since 1970-01-01 of a civil date, and the reverse. Proleptic
 *  Gregorian, valid for all years 0000-9999. */
int64_t arc_days_from_civil(int y, int m, int d);
void arc_civil_from_days(int64_t days, int *y, int *m, int *d);

/* ------------------------------------------------------------------------
 * Repair (archive/repair.c)
 * ------------------------------------------------------------------------ */

/**
 * Rebuild the data the archive derives from its records, in one
 * transaction: SQLite's indexes (REINDEX), the FTS5 index from the article
 * records, and each story's article count and first/last dates. Records
 * (articles, versions, mentions, events, captures) are never changed.
 * Run arc_db_check() afterwards to confirm the archive is sound.
 * @param db     IN  a handle opened read-write, no transaction open.
 * @param report OUT (may be NULL) malloc'd text, one line per step done
 *               ("rebuilt the full-text index from the article records");
 *               arc_free it. NULL on failure.
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_BUSY, ARC_E_CORRUPT (the damage is
 *         in the records themselves), ARC_E_DB, ARC_E_BAD_ARG (a
 *         transaction is open). On failure nothing is changed.
 * @since 0.2
 */
arc_status_t arc_db_repair(arc_db_t *db, char **report);

/* ------------------------------------------------------------------------
 * Sources and feeds: fetch state, robots.txt cache, captures
 *
 * A feed is a source with a feed URL. Its fetch state (validators for
 * conditional GET, last status and error, when it is next due, how many
 * fetches in a row failed) lives in the archive, so that `newsindex fetch`
 * run from cron picks up where the previous run stopped.
 * ------------------------------------------------------------------------ */

/** Seconds between two regular fetches of a feed when the caller gives no
 *  interval. @since 0.2 */
#define ARC_FEED_INTERVAL 3600
/** Delay after the first failure; it doubles with each further failure in
 *  a row, up to ARC_FEED_BACKOFF_MAX. @since 0.2 */
#define ARC_FEED_BACKOFF_BASE 900
#define ARC_FEED_BACKOFF_MAX 86400
/** The longest Retry-After a server is granted. @since 0.2 */
#define ARC_FEED_RETRY_AFTER_MAX (7 * 86400)

/** A feed with all its state. Every string is owned by the array it came
 *  in (arc_feeds_free); any may be NULL. */
typedef struct arc_feed {
    int64_t id;             /**< the source's id */
    char *name;             /**< source name (unique, case-insensitive) */
    char *site;             /**< source site, e.g. "ledger.example" */
    char *url;              /**< feed URL as added */
    char *etag;             /**< ETag of the last 200 response */
    char *last_modified;    /**< Last-Modified of the last 200 response */
    int last_status;        /**< HTTP status of the last fetch; 0 when never
                                 fetched or when no response came */
    char *last_error;       /**< why the last fetch failed; NULL if it did not */
    int64_t next_due;       /**< UTC seconds; ARC_TIME_NONE: due now */
    int error_count;        /**< failed fetches in a row */
    int64_t added;          /**< when the source was created (UTC seconds) */
    int64_t articles;       /**< articles stored from this source */
} arc_feed_t;

/**
 * Add a feed. The name defaults to the URL without its scheme; after the
 * first successful fetch such a feed takes the feed's own title as name
 * (arc_feed_record). A name that belongs to a source without a feed (one
 * created by `import`) gets the feed attached to it.
 * @param url     IN  absolute http(s) URL, stored as given.
 * @param name    IN  source name or NULL.
 * @param id      OUT the source id (may be NULL).
 * @param existed OUT 1 when this URL was already a feed (nothing changed),
 *                    else 0 (may be NULL).
 * @retval ARC_OK, ARC_E_BAD_ARG (not an http(s) URL, or the name belongs to
 *         another feed; reason in arc_db_errmsg), ARC_E_READONLY, ARC_E_DB.
 * @since 0.2
 */
arc_status_t arc_feed_add(arc_db_t *db, const char *url, const char *name,
                          int64_t *id, int *existed);

/**
 * Remove the feed named by its URL or its source name. The source's
 * articles and captures stay (the source is then a plain source); a source
 * with neither is deleted.
 * @param removed_url OUT (may be NULL) malloc'd URL of the removed feed
 *                    (arc_free).
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such feed), ARC_E_READONLY, ARC_E_DB.
 * @since 0.2
 */
arc_status_t arc_feed_remove(arc_db_t *db, const char *url_or_name,
                             char **removed_url);

/**
 * Every feed, by name (case-insensitive); with arc_feed_list_due() only
 * those due at @p now (never fetched, or next_due <= now), soonest first.
 * @param out OUT malloc'd array (arc_feeds_free), NULL when there are none.
 * @param n   OUT its length.
 * @retval ARC_OK, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.2
 */
arc_status_t arc_feed_list(arc_db_t *db, arc_feed_t **out, size_t *n);
arc_status_t arc_feed_list_due(arc_db_t *db, int64_t now, arc_feed_t **out,
                               size_t *n);
/** Free an array from arc_feed_list*(). NULL is a no-op. @since 0.2 */
void arc_feeds_free(arc_feed_t *feeds, size_t n);

/** The outcome of one fetch of a feed, for arc_feed_record(). The caller
 *  owns the strings. */
typedef struct arc_fetch_result {
    int64_t fetched;        /**< when the fetch ended (UTC seconds) */
    int status;             /**< HTTP status; 0 when no response came */
    const char *error;      /**< NULL: success (a 200 that parsed, or 304);
                                 else why the fetch failed */
    const char *etag;       /**< validators of a 200 (NULL: none sent);
                                 ignored for 304 and failures */
    const char *last_modified;
    int64_t retry_after;    /**< seconds the server asked us to wait; 0: none */
    int64_t interval;       /**< seconds to the next regular fetch;
                                 0: ARC_FEED_INTERVAL */
    const char *title;      /**< the feed's title, or NULL (see arc_feed_add) */
} arc_fetch_result_t;

/**
 * When a feed is next due. After a success (@p error_count 0): now +
 * interval. After the n-th failure in a row: now + min(ARC_FEED_BACKOFF_BASE
 * * 2^(n-1), ARC_FEED_BACKOFF_MAX), and never before the server's
 * Retry-After (capped at ARC_FEED_RETRY_AFTER_MAX). Pure function.
 * @param interval 0 for ARC_FEED_INTERVAL.
 * @since 0.2
 */
int64_t arc_feed_next_due(int64_t now, int error_count, int64_t interval,
                          int64_t retry_after);

/**
 * Record the outcome of a fetch of feed @p id: the status, the error text
 * (or none), new validators after a 200, the error count (reset by a
 * success, incremented by a failure) and the next due time from
 * arc_feed_next_due().
 * @retval ARC_OK, ARC_E_NOT_FOUND (no such feed), ARC_E_READONLY, ARC_E_DB.
 * @since 0.2
 */
arc_status_t arc_feed_record(arc_db_t *db, int64_t id,
                             const arc_fetch_result_t *r);

/**
 * The cached robots.txt of an origin ("https://host[:port]").
 * @param body    OUT malloc'd text (arc_free); NULL when none was stored.
 * @param status  OUT the HTTP status it was fetched with (0: no response).
 * @param fetched OUT when it was fetched (UTC seconds).
 * @retval ARC_OK, ARC_E_NOT_FOUND (never fetched), ARC_E_DB, ARC_E_NOMEM.
 * @since 0.2
 */
arc_status_t arc_robots_get(arc_db_t *db, const char *origin, char **body,
                            int *status, int64_t *fetched);
/** Store (replace) the robots.txt of an origin. @p body may be NULL.
 *  @retval ARC_OK, ARC_E_READONLY, ARC_E_DB. @since 0.2 */
arc_status_t arc_robots_put(arc_db_t *db, const char *origin, const char *body,
                            int status, int64_t fetched);

/** A stored capture: where the response record of a fetched URL is in the
 *  archive's WARC files. For arc_capture_add() the caller owns the strings;
 *  from arc_capture_latest() they belong to the record. */
typedef struct arc_capture {
    int64_t id;
    const char *uri;        /**< the URL fetched (after redirects) */
    const char *file;       /**< WARC path relative to the archive directory */
    int64_t offset;         /**< offset of the response record in the file */
    int64_t fetched;        /**< UTC seconds */
    const char *kind;       /**< "feed", "page", "robots" or "import" */
    int status;             /**< HTTP status */
    int64_t source_id;      /**< 0 when not tied to a source */
} arc_capture_t;

/**
 * Record a capture (the WARC record itself is written by the caller first).
 * @param id OUT the capture's id (may be NULL).
 * @retval ARC_OK, ARC_E_BAD_ARG (uri, file or kind missing), ARC_E_READONLY,
 *         ARC_E_DB.
 * @since 0.2
 */
arc_status_t arc_capture_add(arc_db_t *db, const arc_capture_t *c, int64_t *id);

/**
 * The most recent capture of @p uri.
 * @param out OUT the record (arc_capture_destroy).
 * @retval ARC_OK, ARC_E_NOT_FOUND, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.2
 */
arc_status_t arc_capture_latest(arc_db_t *db, const char *uri,
                                arc_capture_t **out);
void arc_capture_destroy(arc_capture_t *c);

/**
 * Set the capture reference ("warc/FILE.warc.gz#OFFSET") of the article
 * stored under @p url (any URL it was stored under, canonicalised).
 * @param overwrite IN 0: only when the article has none yet.
 * @param id        OUT the article id (may be NULL).
 * @retval ARC_OK, ARC_E_NOT_FOUND (no article under that URL), ARC_E_BAD_ARG,
 *         ARC_E_READONLY, ARC_E_DB.
 * @since 0.2
 */
arc_status_t arc_article_set_capture(arc_db_t *db, const char *url,
                                     const char *ref, int overwrite,
                                     int64_t *id);

/* ------------------------------------------------------------------------
 * Bulk import (issue 6)
 * ------------------------------------------------------------------------ */

/**
 * Defer the full-text indexing of new articles stored by arc_article_put()
 * inside an explicit transaction. From 0.8 (schema 17) the index lives in
 * a file of its own (index.db) and, while this is on, a thread of the
 * handle with its own connection writes each committed transaction's new
 * articles there, in id order, while the caller stores the next ones: an
 * article becomes searchable shortly after its commit, once the thread
 * wrote it. Turning this off, and arc_db_close(), wait for the thread.
 * A killed process loses nothing: archive.db notes each committed batch
 * until the index has it, and the next read-write open indexes what is
 * owed. Should the thread fail to start, the connection itself indexes
 * each transaction's articles before its commit.
 * Call arc_article_index_pending() before every arc_db_commit() while this
 * is on (arc_db_commit() does it when the caller did not).
 * Outside a transaction articles are always indexed at once.
 * While on, the connection also keeps a smaller page cache (24 MB instead
 * of 64 MB), which bounds an import's memory without costing it time.
 * @param on IN 1 to defer, 0 to index every article when stored (default).
 * @since 0.3 (the thread: 0.8)
 */
void arc_article_defer_index(arc_db_t *db, int on);

/**
 * Make the articles whose indexing was deferred ready to be indexed at the
 * next arc_db_commit(): noted in archive.db for the index thread, or (with
 * no thread) written to the index now. Rows of articles rolled back
 * meanwhile are skipped. A no-op when none wait.
 * @retval ARC_OK, ARC_E_BUSY, ARC_E_DB (also when the index thread failed:
 *         the message says why; what it had not written stays owed).
 * @since 0.3
 */
arc_status_t arc_article_index_pending(arc_db_t *db);

/* ------------------------------------------------------------------------
 * Capture references of articles (for checking them)
 * ------------------------------------------------------------------------ */

/** One article's capture reference. Owned by its iterator, valid until the
 *  next arc_capture_refs_next(). */
typedef struct arc_capture_ref {
    int64_t article;
    const char *url;        /**< the article's canonical URL */
    const char *capture;    /**< "warc/FILE.warc.gz#OFFSET" or "/abs/path#OFFSET" */
} arc_capture_ref_t;

typedef struct arc_capture_refs arc_capture_refs_t;

/**
 * Iterate over the articles that carry a capture reference, in id order.
 * @param out OUT the iterator (arc_capture_refs_destroy()).
 * @retval ARC_OK, ARC_E_DB, ARC_E_NOMEM
 * @since 0.2
 */
arc_status_t arc_capture_refs_open(arc_db_t *db, arc_capture_refs_t **out);
/** Next reference in *row, or *row = NULL at the end. @since 0.2 */
arc_status_t arc_capture_refs_next(arc_capture_refs_t *r, const arc_capture_ref_t **row);
void arc_capture_refs_destroy(arc_capture_refs_t *r);

/* ------------------------------------------------------------------------
 * Xapian shards (issue 8)
 *
 * Past one machine, the archive's search runs on Xapian shards: the SQLite
 * archive stays the system of record on the indexing machine and
 * arc_shards_sync() pushes its articles, events, stories and entities to
 * the shards; arc_shards_open() gives a read-only arc_db_t that answers
 * the query calls from the shards alone.
 *
 * The stub file lists the shards, one a line, in a fixed order (the order
 * is part of the sharding rule: changing it means a ARC_SHARDS_REBUILD):
 *     remote :HOST:PORT          a TCP shard served by xapian-tcpsrv
 *     remote tcp HOST PORT       the same (both spellings are accepted)
 *     auto PATH                  a local shard directory (relative paths
 *                                are taken from the stub's directory)
 *     PATH                       the same
 * Blank lines and lines starting with '#' are ignored. A later "remote"
 * field ":HOST:PORT" may also be written "HOST:PORT".
 *
 * Sharding rule: an article (with its events) lives in the shard numbered
 * (12 * year + month - 1) mod N of its publication month (first-seen
 * month when undated), N the number of shards in stub order; an article
 * whose month changes moves shard at the next sync. Story documents live
 * in shard (story id mod N), entity documents in shard (entity id mod N).
 * Details: docs/internals/shards.md.
 *
 * A shards handle supports: arc_search, arc_cursor_next/destroy,
 * arc_search_count, arc_facets, arc_histogram, arc_story_matches,
 * arc_timeline_open/next/destroy, arc_entity_find, arc_article_get,
 * arc_story_get, arc_db_errmsg, arc_db_path (the stub path),
 * arc_db_unreachable and arc_db_close. Every other call returns
 * ARC_E_UNSUPPORTED with a message in arc_db_errmsg (functions that cannot
 * report a status return an empty result).
 * ------------------------------------------------------------------------ */

/** Flags of arc_shards_open() and arc_shards_sync(). @since 0.4 */
enum {
    /** open/search: skip an unreachable shard (recording it, see
     *  arc_db_unreachable) instead of failing with ARC_E_NET */
    ARC_SHARDS_ALLOW_PARTIAL = 1 << 0,
    /** sync: send every document again (clears each shard first) instead
     *  of only the changes after the shard's last applied one */
    ARC_SHARDS_REBUILD = 1 << 1
};

/**
 * Open the shards listed in a Xapian stub file for searching (read-only).
 * @param stub    IN  path of the stub file (format above).
 * @param flags   IN  ARC_SHARDS_ALLOW_PARTIAL or 0.
 * @param out     OUT the handle (arc_db_close it); NULL on failure.
 * @param errmsg  OUT on failure a malloc'd message (arc_free) naming the
 *                    stub or the shard ("127.0.0.1:7001: ..." or the
 *                    path) and the reason; NULL on success. May be NULL.
 * @retval ARC_OK, ARC_E_IO (stub unreadable), ARC_E_PARSE (bad stub line,
 *         with its line number; a stub with no shard), ARC_E_NET (a shard
 *         cannot be opened and ALLOW_PARTIAL is not set, or no shard at
 *         all can be opened), ARC_E_CORRUPT (a shard holds documents
 *         but was never written by arc_shards_sync),
 *         ARC_E_NOMEM.
 * @since 0.4
 */
arc_status_t arc_shards_open(const char *stub, int flags, arc_db_t **out,
                             char **errmsg);

/** 1 when @p db is a shards handle from arc_shards_open(), else 0.
 *  @since 0.4 */
int arc_db_is_shards(const arc_db_t *db);

/**
 * The shards skipped because they could not be reached (at open, or
 * dropped later by a search with ARC_SHARDS_ALLOW_PARTIAL).
 * @param names OUT (may be NULL) array of shard names ("HOST:PORT" or the
 *              path), borrowed from db, valid until the next call on db.
 * @return how many; 0 for a SQLite handle or when every shard answered.
 *
 * When a shard dies after the open, a query fails with ARC_E_NET and a
 * message naming it ("shard 127.0.0.1:7002 is unreachable: ..."); with
 * ARC_SHARDS_ALLOW_PARTIAL the query drops it, records it here and
 * answers from the others (callers mark such answers partial).
 * @since 0.4
 */
size_t arc_db_unreachable(const arc_db_t *db, const char *const **names);

/** What one shard did in a sync. Strings owned by the report. */
typedef struct arc_shard_status {
    char *name;             /**< "HOST:PORT" or the local path */
    arc_status_t status;    /**< ARC_OK, or why it failed (ARC_E_NET...) */
    char *message;          /**< NULL on success, else the reason */
    int64_t from_seq;       /**< the last change it had applied before
                                 (-1: unknown, the shard could not be read) */
    int64_t to_seq;         /**< the last change it has applied now (on
                                 failure: still from_seq) */
    int64_t written;        /**< documents added or replaced */
    int64_t deleted;        /**< documents deleted */
} arc_shard_status_t;

/** The outcome of arc_shards_sync(). Zero-initialise; release with
 *  arc_shard_sync_report_clear(). */
typedef struct arc_shard_sync_report {
    arc_shard_status_t *shards; /**< one per stub line, in stub order */
    size_t n_shards;
    size_t n_failed;            /**< shards whose status is not ARC_OK */
    int64_t head_seq;           /**< the archive's last change synced to */
    int64_t articles;           /**< article documents written (all shards) */
    int64_t events;             /**< event documents written */
    int64_t stories;            /**< story documents written */
    int64_t entities;           /**< entity documents written */
    int64_t deleted;            /**< documents deleted */
} arc_shard_sync_report_t;

/** Free what a report holds and zero it. NULL is a no-op. @since 0.4 */
void arc_shard_sync_report_clear(arc_shard_sync_report_t *rep);

/**
 * Progress of a sync: @p done of @p total changes applied to @p shard
 * (called every few hundred documents and once at the end of each shard).
 */
typedef void (*arc_shard_progress_fn)(void *ud, const char *shard,
                                      int64_t done, int64_t total);

/**
 * Bring every shard of the stub up to date with the archive. Each shard
 * records (Xapian metadata) the archive's change sequence number it has
 * applied; only later changes are sent, so a shard that was down catches
 * up without a rebuild. Writable shards are opened through
 * `xapian-tcpsrv --writable` (remote lines) or directly (local paths,
 * created when missing); documents are committed in batches. Up to four
 * shards are synced at once, each by its own thread on its own read-only
 * connection to the archive; @p progress is called from those threads,
 * one call at a time.
 * A shard that fails is reported in @p rep and the others still sync.
 * @param db       IN  a read-write SQLite handle (not a shards handle), no
 *                     transaction open.
 * @param stub     IN  the stub file.
 * @param flags    IN  ARC_SHARDS_REBUILD or 0.
 * @param progress IN  may be NULL.
 * @param rep      OUT (may be NULL) per-shard outcome (clear it after).
 * @retval ARC_OK, ARC_E_NET (at least one shard failed: see rep and
 *         arc_db_errmsg), ARC_E_IO/ARC_E_PARSE (stub), ARC_E_READONLY,
 *         ARC_E_UNSUPPORTED (db is a shards handle), ARC_E_BAD_ARG (a
 *         transaction is open), ARC_E_DB, ARC_E_NOMEM.
 * @since 0.4
 */
arc_status_t arc_shards_sync(arc_db_t *db, const char *stub, int flags,
                             arc_shard_progress_fn progress, void *ud,
                             arc_shard_sync_report_t *rep);

/* ------------------------------------------------------------------------
 * Relevance lists of frequent words (issue 5, docs/ranking.md)
 * ------------------------------------------------------------------------ */

/** What arc_rank_optimize() did. */
typedef struct arc_optimize_report {
    int64_t sampled;        /**< articles whose words were counted */
    int64_t terms;          /**< words given a list */
    int64_t scored;         /**< rows scored to build them */
    int64_t pairs;          /**< word pairs given a list for phrases */
    int64_t pair_bytes;     /**< bytes of those lists */
} arc_optimize_report_t;

/**
 * Precompute the relevance order of the archive's frequent words
 * ("champion lists"): for every word estimated (from a sample of the
 * articles) to be in at least @p min_df articles, its best articles for
 * that word alone by BM25, kept in the archive (table term_top, schema 7)
 * and replacing earlier lists. A one-word relevance search then reads the
 * list and scores only the articles stored since, instead of scanning the
 * word's matches. Lists are ignored, never wrong, once articles are
 * deleted or imported with older ids; run this again after large imports.
 * It also lists, for adjacent pairs of the most frequent words, the
 * articles holding each pair (tables phrase_pair*, schema 9), which phrase
 * searches of such words intersect instead of walking FTS5's doclists.
 * @param min_df IN  0 for the default (2,000 articles).
 * @param rep    OUT (may be NULL) what was done.
 * @retval ARC_OK, ARC_E_READONLY, ARC_E_BUSY, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.4
 */
arc_status_t arc_rank_optimize(arc_db_t *db, int64_t min_df, arc_optimize_report_t *rep);

/**
 * How current the lists of arc_rank_optimize() are, so that a long import
 * can suggest running it again.
 * @param listed OUT articles indexed when the lists were built, or -1 when
 *                   the archive has none (or not all of them: the phrase
 *                   lists are gone after an upgrade to schema 15).
 * @param newer  OUT articles stored with a larger id since (every article
 *                   when there are no lists). Late imports with older ids
 *                   are not counted.
 * @retval ARC_OK, ARC_E_DB.
 * @since 0.5
 */
arc_status_t arc_rank_lists_state(arc_db_t *db, int64_t *listed, int64_t *newer);

#ifdef __cplusplus
}
#endif
#endif /* NEWSARC_H */
