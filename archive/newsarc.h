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
    ARC_E_INTERNAL      /**< a bug: an invariant did not hold */
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

enum {
    ARC_OPEN_READONLY = 1 << 0, /**< open for reading only (newsquery) */
    ARC_OPEN_CREATE   = 1 << 1  /**< create the directory and database if missing */
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
} arc_article_t;

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
 * @retval ARC_OK, ARC_E_BAD_ARG (missing url/title, with the reason in
 *         arc_db_errmsg), ARC_E_READONLY, ARC_E_BUSY, ARC_E_DB, ARC_E_NOMEM.
 * @since 0.1
 */
arc_status_t arc_article_put(arc_db_t *db, const arc_article_t *a,
                             int64_t *id, arc_put_result_t *res);

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

#ifdef __cplusplus
}
#endif
#endif /* NEWSARC_H */
