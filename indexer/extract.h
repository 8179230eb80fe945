/*
 * extract.h - extract an article from a news page (libxml2 HTML parser +
 * cJSON for JSON-LD): metadata the page declares, then a content-scoring
 * pass over the DOM for the body.
 */
#ifndef IDX_EXTRACT_H
#define IDX_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

typedef struct idx_page {
    char *title;
    char *byline;
    int64_t published;        /* UTC seconds or INT64_MIN */
    char *published_src;      /* "json-ld", "meta", "time", "url" or NULL */
    int64_t modified;         /* UTC seconds or INT64_MIN */
    char *canonical_url;      /* link rel=canonical / og:url, absolute */
    char *lang;
    char *image;              /* lead image URL */
    char *site_name;          /* og:site_name / publisher name */
    char *description;        /* meta description / og:description */
    char *body;               /* main text, paragraphs separated by "\n\n" */
} idx_page_t;

/*
 * Extract from an HTML document.
 *   html, len  IN  raw bytes (charset from meta or BOM; http_charset overrides
 *                  when not NULL)
 *   url        IN  the page's URL (for relative links and the URL date pattern)
 *   out        OUT the page (idx_page_free); NULL on failure
 * Returns 0, or -1 with *errmsg ("URL: reason") when nothing usable was found.
 * Never reads the network or the file system.
 */
int idx_extract_page(const char *html, size_t len, const char *url,
                     const char *http_charset, idx_page_t **out, char **errmsg);
void idx_page_free(idx_page_t *p);

/* ---- Limits ------------------------------------------------------------
 * Input larger than IDX_EXTRACT_MAX_INPUT is truncated to that many bytes
 * before parsing (the parser's recover mode closes what the cut left open);
 * a caller that wants to note the truncation compares len with it. News
 * articles sit in the first megabytes, so the cut loses chrome, not text. */
#define IDX_EXTRACT_MAX_INPUT ((size_t)50 << 20)

/* ---- Internal: shared by indexer/extract*.c only -----------------------
 * Nothing outside the extractor calls these; they are declared here so the
 * extractor's files (extract.c, extract_meta.c, extract_body.c,
 * extract_util.c) can share them, and so its unit test can reach them. */

struct _xmlDoc;
struct _xmlNode;

/* A growable byte buffer; oom is sticky, take() returns NULL after it. */
typedef struct idx_xbuf {
    char *s;
    size_t len, cap;
    int oom;
} idx_xbuf_t;
void idx_xbuf_put(idx_xbuf_t *b, const char *s, size_t n);
void idx_xbuf_putc(idx_xbuf_t *b, char c);
/* Returns the NUL-terminated contents (caller frees) and resets b. */
char *idx_xbuf_take(idx_xbuf_t *b);

/* Decode HTML character references (&amp; &#8217; &#x2019; &eacute;) once;
 * unknown ones are kept as written. Returns malloc'd UTF-8 or NULL (OOM). */
char *idx_extract_decode_entities(const char *s);

/* Collapse whitespace runs (including U+00A0) to one space and trim.
 * Returns malloc'd or NULL (OOM). */
char *idx_extract_squash(const char *s);

/* Copy of s[0..len) in which every invalid UTF-8 sequence is replaced by
 * U+FFFD and NUL bytes are dropped; *outlen gets the new length. Caller
 * frees. Returns NULL on OOM. */
char *idx_extract_utf8_repair(const char *s, size_t len, size_t *outlen);
/* 1 when s[0..len) is valid UTF-8 without NUL bytes, else 0. */
int idx_extract_utf8_valid(const char *s, size_t len);

/* A date in the URL's path: /YYYY/MM/DD/ or YYYY-MM-DD (midnight UTC).
 * Returns 0 and sets *utc, or -1 when the path holds no valid date. */
int idx_extract_url_date(const char *url, int64_t *utc);

/* Fill p's metadata from what the document declares (JSON-LD, OpenGraph,
 * article:* and other meta tags, <time>, <link rel=canonical>, <html lang>).
 * Reads the tree, never changes it. Run before idx_extract_body (which
 * drops scripts). *ld_body gets JSON-LD articleBody as clean text (caller
 * frees) or NULL. Returns 0, -1 on OOM. */
int idx_extract_meta(struct _xmlDoc *doc, const char *url, idx_page_t *p,
                     char **ld_body);

/* Main text of the document by content scoring. Removes junk subtrees
 * from the tree as it goes (the tree is the caller's, freed by it).
 * Returns malloc'd text, paragraphs separated by "\n\n" ("" when nothing
 * was found), NULL on OOM. */
char *idx_extract_body(struct _xmlDoc *doc);

#endif
