/*
 * opml.h - read and write OPML subscription lists (libxml2), the format
 * feed readers import and export.
 */
#ifndef IDX_OPML_H
#define IDX_OPML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One subscription. Strings are malloc'd and owned by the array. */
typedef struct idx_opml_feed {
    char *url;        /* xmlUrl */
    char *title;      /* title, else text; NULL when neither */
    char *html_url;   /* htmlUrl or NULL */
    char *category;   /* text/title of the enclosing outlines joined by "/",
                         or NULL at the top level */
} idx_opml_feed_t;

/*
 * Parse an OPML document: every <outline> with an xmlUrl attribute, at any
 * depth (folders are outlines without one), in document order. Attribute
 * names are matched without case (xmlUrl, xmlurl). No network access, no
 * external entities.
 *   out, n  OUT malloc'd array (idx_opml_free) and its length; NULL/0 when
 *               the document has no subscriptions
 *   errmsg  OUT on failure, malloc'd "NAME: reason"
 * Returns 0, or -1 when the document is not XML or its root is not <opml>.
 */
int idx_opml_parse(const char *buf, size_t len, const char *name,
                   idx_opml_feed_t **out, size_t *n, char **errmsg);
void idx_opml_free(idx_opml_feed_t *feeds, size_t n);

/*
 * Write an OPML 2.0 document listing the feeds (title, xmlUrl, htmlUrl
 * when set) to f, with the given document title and dateCreated (UTC
 * seconds). Attribute values are escaped. Returns 0, or -1 on a write
 * error.
 */
int idx_opml_write(FILE *f, const idx_opml_feed_t *feeds, size_t n,
                   const char *title, int64_t created);

#endif
