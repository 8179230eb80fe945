/*
 * feed.h - parse RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 documents (libxml2).
 *
 * The parser needs no network and no database: it takes the document's
 * bytes and returns the feed's own fields and its items.
 */
#ifndef IDX_FEED_H
#define IDX_FEED_H

#include "item.h"

typedef struct idx_feed {
    char *format;        /* "rss2.0", "rss1.0", "rss0.91", "atom1.0", ... */
    char *title;
    char *link;
    char *lang;
    idx_item_t *items;   /* n_items items, in document order */
    size_t n_items;
    char *warnings;      /* what recovery dropped ("undefined entity at line 3"), or NULL */
    char *encoding;      /* the charset the bytes were decoded from, lower
                            case ("utf-8", "windows-1252", "utf-16le") */
} idx_feed_t;

/*
 * Parse a feed document.
 *   buf, len  IN  the raw bytes (any encoding the XML declares)
 *   name      IN  file name or URL, used in messages and to resolve
 *                 relative links when the feed has no base
 *   out       OUT the feed (idx_feed_free it); NULL on failure
 *   errmsg    OUT on failure, a malloc'd message "NAME: what was wrong"
 * Returns 0 on success, -1 when the document is not a feed at all or is
 * too broken to recover anything. External entities and network access
 * are disabled.
 */
int idx_feed_parse(const char *buf, size_t len, const char *name,
                   idx_feed_t **out, char **errmsg);
void idx_feed_free(idx_feed_t *f);

/* What the HTTP response said about a feed document; every member may be
 * NULL. The strings are only read during the call. */
typedef struct idx_feed_http {
    const char *content_type;     /* Content-Type value; its charset
                                     parameter decides the encoding (RFC
                                     7303), after a byte-order mark */
    const char *content_location; /* Content-Location: the document's own
                                     URL, the base of relative links */
    const char *content_language; /* Content-Language: the language of a
                                     feed that declares none */
} idx_feed_http_t;

/*
 * idx_feed_parse for a document fetched over HTTP: the same contract, plus
 *   http  IN  the response's headers (NULL: none, the same as
 *             idx_feed_parse)
 * name should then be the URL the document was fetched from.
 * A Content-Type that is not an XML or feed type is reported in warnings.
 */
int idx_feed_parse_http(const char *buf, size_t len, const char *name,
                        const idx_feed_http_t *http, idx_feed_t **out,
                        char **errmsg);

/* Parse a date as feeds write it (RFC 822/1123 with any zone form, RFC 3339 /
 * ISO 8601, and lenient variants). Returns 0 and sets *utc, or -1. */
int idx_date_parse(const char *s, int64_t *utc);

/* Turn HTML (a fragment or a document) into plain text: tags dropped,
 * script/style/iframe content dropped, entities decoded once, block
 * elements become paragraph breaks ("\n\n"), whitespace collapsed.
 * Returns a malloc'd string (never NULL unless out of memory). */
char *idx_html_to_text(const char *html, size_t len);

#endif
