/*
 * import_pages.c - article pages into the archive: HTML files and the
 * responses inside WARC captures (see import_pages.h).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "feed.h"
#include "import_pages.h"
#include "warc.h"

static char *
dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

/* Move what the extractor found into an item. */
static void
page_to_item(idx_page_t *p, const char *url, int position, idx_item_t *it)
{
    memset(it, 0, sizeof *it);
    it->url = dup_or_null(url);
    it->title = dup_or_null(p->title);
    it->byline = dup_or_null(p->byline);
    it->summary = dup_or_null(p->description);
    it->body = dup_or_null(p->body);
    it->published = p->published;
    it->lang = dup_or_null(p->lang);
    it->source = dup_or_null(p->site_name);
    it->position = position;
    if (!it->url)
        it->reject = "no link (the page declares no canonical URL)";
    else if (!it->title)
        it->reject = "no title";
    else if (!it->body || strlen(it->body) < 80)
        it->reject = "no article text found on the page";
}

/* Report a problem with one record or page of the current input. */
static void
report(const char *path, idx_import_t *im, const char *what, const char *why,
       long failed, long files_failed)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s: %s: %s", path, what, why);
    idx_import_message(im, msg, failed, files_failed);
}

int
idx_import_html(idx_import_t *im, const char *buf, size_t len, const char *path)
{
    idx_page_t *p = NULL;
    idx_item_t it;
    char *err = NULL;
    int r;

    if (idx_extract_page(buf, len, NULL, NULL, &p, &err) != 0) {
        report(path, im, "page", err ? err : "nothing usable found", 0, 1);
        free(err);
        return 0;
    }
    page_to_item(p, p->canonical_url, 1, &it);
    idx_page_free(p);
    r = idx_import_take(im, &it, "page");
    idx_item_clear(&it);
    return r;
}

int
idx_is_warc_name(const char *name)
{
    static const char *const ext[] = { ".warc", ".warc.gz", ".arc", ".arc.gz", NULL };
    size_t n = strlen(name);

    for (size_t i = 0; ext[i]; i++) {
        size_t m = strlen(ext[i]);
        if (n >= m && strcasecmp(name + n - m, ext[i]) == 0)
            return 1;
    }
    return 0;
}

static int
is_html_type(const char *ct)
{
    return ct && (strncasecmp(ct, "text/html", 9) == 0 ||
                  strncasecmp(ct, "application/xhtml", 17) == 0);
}

static int
is_feed_type(const char *ct)
{
    return ct && (strstr(ct, "rss") || strstr(ct, "atom") || strstr(ct, "rdf") ||
                  strncasecmp(ct, "application/xml", 15) == 0 ||
                  strncasecmp(ct, "text/xml", 8) == 0);
}

/* The charset parameter of a Content-Type, copied into buf. */
static const char *
charset_of(const char *ct, char *buf, size_t n)
{
    const char *p = NULL;
    size_t i = 0;

    for (const char *q = ct; q && *q && !p; q++)
        if (strncasecmp(q, "charset=", 8) == 0)
            p = q + 8;
    if (!p)
        return NULL;
    if (*p == '"')
        p++;
    while (p[i] && p[i] != ';' && p[i] != '"' && !isspace((unsigned char)p[i]) && i + 1 < n) {
        buf[i] = p[i];
        i++;
    }
    buf[i] = '\0';
    return i ? buf : NULL;
}

static int
import_record(idx_import_t *im, idx_warc_reader_t *wr, const idx_warc_record_t *rec,
              const char *path, const char *shown, long *pages)
{
    unsigned char *payload = NULL;
    size_t plen = 0;
    char *err = NULL, ref[PATH_MAX + 32], where[64], cs[64];
    const char *ct = rec->http_content_type ? rec->http_content_type : rec->content_type;
    int r = 0;

    if (!rec->type || !rec->target_uri)
        return 0;
    if (strcmp(rec->type, "response") == 0) {
        if (rec->http_status != 200)
            return 0;
    } else if (strcmp(rec->type, "resource") != 0) {
        return 0;
    }
    if (!is_html_type(ct) && !is_feed_type(ct))
        return 0;
    snprintf(where, sizeof where, "record at offset %lld", (long long)rec->offset);
    if (idx_warc_payload_decode(wr, &payload, &plen, &err) != 0) {
        report(shown, im, where, err ? err : "cannot decode the payload", 1, 0);
        free(err);
        return 0;
    }
    snprintf(ref, sizeof ref, "%s#%lld", path, (long long)rec->offset);
    if (is_html_type(ct)) {
        idx_page_t *p = NULL;
        idx_item_t it;

        if (idx_extract_page((const char *)payload, plen, rec->target_uri,
                             charset_of(ct, cs, sizeof cs), &p, &err) != 0) {
            report(shown, im, where, err ? err : "nothing usable found", 1, 0);
            free(err);
        } else {
            /* the captured URI is where the page was; a declared canonical
             * URL is recorded by dedupe as the same article */
            page_to_item(p, rec->target_uri, (int)(*pages + 1), &it);
            idx_page_free(p);
            if (it.reject) {
                report(shown, im, where, it.reject, 1, 0);
            } else {
                it.capture = strdup(ref);
                (*pages)++;
                r = idx_import_take(im, &it, "page");
            }
            idx_item_clear(&it);
        }
    } else {
        idx_feed_t *feed = NULL;
        if (idx_feed_parse((const char *)payload, plen, rec->target_uri, &feed, &err) == 0) {
            for (size_t i = 0; i < feed->n_items && r == 0; i++) {
                feed->items[i].capture = strdup(ref);
                r = idx_import_take(im, &feed->items[i], "item");
            }
            idx_feed_free(feed);
        } else {
            free(err); /* an XML response that is not a feed: not news */
        }
    }
    free(payload);
    return r;
}

int
idx_import_warc(idx_import_t *im, const char *path)
{
    char *abspath = realpath(path, NULL);
    int r = idx_import_warc_ref(im, path, abspath ? abspath : path);

    free(abspath);
    return r;
}

int
idx_import_warc_ref(idx_import_t *im, const char *path, const char *ref_path)
{
    idx_warc_reader_t *r = NULL;
    const idx_warc_record_t *rec;
    char *err = NULL;
    long pages = 0;
    int rc, res = 0;

    if (idx_warc_open(path, &r, &err) != 0) {
        idx_import_message(im, err ? err : "cannot open the WARC file", 0, 1);
        free(err);
        return 0;
    }
    for (;;) {
        err = NULL;
        rc = idx_warc_next(r, &rec, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            idx_import_message(im, err ? err : "damaged record", 1, 0);
            free(err);
            continue;
        }
        if ((res = import_record(im, r, rec, ref_path, path, &pages)) != 0)
            break;
    }
    idx_warc_close(r);
    return res;
}
