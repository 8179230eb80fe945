/*
 * item.h - the record every parser in the indexer produces: one article
 * as found in a feed, a JSON Lines file or a page, before it is stored.
 *
 * Ownership: every string in an idx_item_t is malloc'd and owned by the
 * item; idx_item_clear() frees them. Parsers never touch the archive.
 */
#ifndef IDX_ITEM_H
#define IDX_ITEM_H

#include <stddef.h>
#include <stdint.h>

typedef struct idx_item {
    char *url;            /* the item's link (absolute after xml:base) */
    char *guid;           /* RSS guid / Atom id, NULL if none */
    char *title;          /* plain text, entities decoded once */
    char *byline;         /* author / dc:creator */
    char *summary;        /* plain text of description/summary */
    char *body;           /* plain text of content:encoded/content, paragraphs
                             separated by "\n\n"; NULL if the item has none */
    char *published_raw;  /* the date string as found */
    int64_t published;    /* UTC seconds, INT64_MIN when unknown/unparsable */
    char *lang;           /* language code if declared */
    char *source;         /* source name (JSONL "source", feed title) */
    char *source_site;    /* host of the feed's link, when known */
    int position;         /* 1-based item number (feeds) or line (JSONL) */
    char *capture;        /* capture reference ("PATH#OFFSET") of the bytes
                             the item was read from, or NULL */
    const char *reject;   /* static reason when the item cannot be stored
                             ("no link", "no title"), else NULL */
} idx_item_t;

/* Free every string of the item and zero it. Safe on a zeroed item and on
 * NULL; published is reset to INT64_MIN. */
void idx_item_clear(idx_item_t *it);

/* Make an item string from len bytes of s (s need not be NUL-terminated):
 * invalid UTF-8 sequences become U+FFFD, NUL bytes are dropped, leading and
 * trailing whitespace is trimmed. Returns a malloc'd string the caller
 * frees, or NULL when the result is empty or memory ran out. */
char *idx_item_text(const char *s, size_t len);

#endif
