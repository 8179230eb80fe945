/*
 * jsonl.h - read JSON Lines of articles: one object per line with the keys
 * url, title, published, source, summary, body (also guid, byline, lang,
 * site); other keys are ignored.
 */
#ifndef IDX_JSONL_H
#define IDX_JSONL_H

#include <stdio.h>
#include "item.h"

/* Called for each line that parsed as a JSON object (item->reject set when it
 * lacks url/title). The callback owns nothing: the reader clears the item
 * after it returns. A non-zero return stops the reading. */
typedef int (*idx_item_fn)(void *ctx, idx_item_t *item);

/* Called for each line that is not valid JSON or not an object:
 * line number and a reason ("invalid JSON at column 14"). */
typedef void (*idx_bad_line_fn)(void *ctx, long line, const char *reason);

/* Read the stream to the end. Blank lines are skipped. Lines may be up to
 * 64 MiB long; a longer one is reported as bad ("line longer than 64 MiB")
 * and skipped without being held in memory. Returns 0, or the callback's
 * non-zero value, or -1 on a read error. */
int idx_jsonl_read(FILE *f, idx_item_fn on_item, idx_bad_line_fn on_bad,
                   void *ctx);

#endif
