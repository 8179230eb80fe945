/*
 * import_pages.h - importing article pages: HTML files and the HTML
 * responses (and feed documents) inside WARC/ARC captures, such as
 * Common Crawl's CC-NEWS.
 */
#ifndef IDX_IMPORT_PAGES_H
#define IDX_IMPORT_PAGES_H

#include <stddef.h>
#include "import.h"

/* Import one HTML page read from @p path. Its URL is the one the page
 * declares (rel=canonical or og:url); a page that declares none is
 * reported and skipped, since an article is identified by its URL. */
int idx_import_html(idx_import_t *im, const char *buf, size_t len,
                    const char *path);

/* Import every HTML response (as an article page) and every feed document
 * (as a feed) of a WARC or ARC file, plain or gzipped. Each article's
 * capture reference is "PATH#OFFSET" of its record. Damaged records are
 * reported with their offset and skipped; reading goes on after them. */
int idx_import_warc(idx_import_t *im, const char *path);

/* The same, with capture references "REF_PATH#OFFSET" (rebuild names the
 * archive's own files relative to the archive: "warc/FILE"). */
int idx_import_warc_ref(idx_import_t *im, const char *path, const char *ref_path);

/* Does the file name look like a WARC/ARC capture? */
int idx_is_warc_name(const char *name);

#endif
