/*
 * cmd_inspect.c - `newsindex inspect FILE|URL|WARC[#OFFSET]`: print as JSON
 * what would be ingested, touching no archive.
 *
 *   a feed file or URL   the feed's fields and every item, each rejected
 *                        one with its reason
 *   an HTML page         what the extractor finds in it
 *   a WARC file          its records (offset, type, URI, date, status,
 *                        digests checked)
 *   WARC#OFFSET          the record at that offset (a capture reference),
 *                        and its payload inspected as a feed or a page
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "entities.h"
#include "dates.h"
#include "enrich.h"
#include "readfile.h"
#include "cli.h"
#include "extract.h"
#include "feed.h"
#include "fetch.h"
#include "warc.h"

#define INSPECT_MAX_BYTES (256L << 20)

/* What enrichment would find in an article, as it would be stored:
 * entities (canonical, with the form seen, count and first offset), every
 * occurrence (entity index, field, byte offsets, body sentence), resolved
 * dates, and the dated events with the entities their sentence names. */
static cJSON *
enrichment_json(const char *title, const char *text, int64_t published)
{
    cJSON *o = cJSON_CreateObject(), *ents, *occ, *dates, *evs;
    idx_enrichment_t en;
    idx_timex_t *tx = NULL;
    size_t nt = 0, len = text ? strlen(text) : 0;
    char buf[32];

    idx_enrich_compute(title, text, published, &en);
    if (len)
        nt = idx_timex_find(text, len, published, &tx);
    ents = cJSON_AddArrayToObject(o, "entities");
    for (size_t i = 0; i < en.n_mentions; i++) {
        const arc_mention_t *m = &en.mentions[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "kind", arc_entity_kind_name(m->kind));
        idx_json_str(e, "name", m->name);
        idx_json_str(e, "alias", m->alias);
        cJSON_AddNumberToObject(e, "count", m->count);
        cJSON_AddNumberToObject(e, "first_offset", m->first_offset);
        cJSON_AddItemToArray(ents, e);
    }
    occ = cJSON_AddArrayToObject(o, "mentions");
    for (size_t i = 0; i < en.n_occ; i++) {
        const arc_occurrence_t *m = &en.occ[i];
        const char *src = m->in_title ? title : text;
        cJSON *e = cJSON_CreateObject();
        char *surface = strndup(src + m->start, (size_t)(m->end - m->start));
        cJSON_AddNumberToObject(e, "entity", m->mention);   /* index in "entities" */
        idx_json_str(e, "text", surface);
        free(surface);
        cJSON_AddStringToObject(e, "field", m->in_title ? "title" : "body");
        cJSON_AddNumberToObject(e, "start", m->start);
        cJSON_AddNumberToObject(e, "end", m->end);
        if (m->in_title)
            cJSON_AddNullToObject(e, "sentence");
        else
            cJSON_AddNumberToObject(e, "sentence", m->sentence);
        cJSON_AddItemToArray(occ, e);
    }
    dates = cJSON_AddArrayToObject(o, "dates");
    for (size_t i = 0; i < nt; i++) {
        cJSON *d = cJSON_CreateObject();
        char *expr = strndup(text + tx[i].start, (size_t)(tx[i].end - tx[i].start));
        idx_json_str(d, "text", expr);
        free(expr);
        arc_time_format(tx[i].value, buf, sizeof buf);
        buf[10] = '\0';
        cJSON_AddStringToObject(d, "value", buf);
        cJSON_AddStringToObject(d, "granularity", arc_granularity_name(tx[i].granularity));
        cJSON_AddNumberToObject(d, "start", tx[i].start);
        cJSON_AddNumberToObject(d, "end", tx[i].end);
        cJSON_AddItemToArray(dates, d);
    }
    evs = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < en.n_events; i++) {
        const arc_event_t *ev = &en.events[i];
        cJSON *e = cJSON_CreateObject(), *names;
        char *sentence = strndup(text + ev->start, (size_t)(ev->end - ev->start));
        arc_time_format(ev->date, buf, sizeof buf);
        buf[10] = '\0';
        cJSON_AddStringToObject(e, "date", buf);
        cJSON_AddStringToObject(e, "granularity", arc_granularity_name(ev->granularity));
        idx_json_str(e, "text", sentence);
        free(sentence);
        cJSON_AddNumberToObject(e, "start", ev->start);
        cJSON_AddNumberToObject(e, "end", ev->end);
        cJSON_AddBoolToObject(e, "from_published", ev->from_published);
        /* the entities the sentence names, once each, in entity order */
        names = cJSON_AddArrayToObject(e, "entities");
        for (size_t k = 0; k < en.n_mentions; k++) {
            for (size_t j = 0; j < en.n_occ; j++) {
                const arc_occurrence_t *m = &en.occ[j];
                if ((size_t)m->mention == k && !m->in_title && m->start >= ev->start &&
                    m->start < ev->end) {
                    cJSON_AddItemToArray(names, cJSON_CreateString(en.mentions[k].name));
                    break;
                }
            }
        }
        cJSON_AddItemToArray(evs, e);
    }
    free(tx);
    idx_enrich_clear(&en);
    return o;
}

static cJSON *
item_json(const idx_item_t *it)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "position", it->position);
    idx_json_str(o, "url", it->url);
    idx_json_str(o, "guid", it->guid);
    idx_json_str(o, "title", it->title);
    idx_json_str(o, "byline", it->byline);
    idx_json_time(o, "published", it->published);
    idx_json_str(o, "published_raw", it->published_raw);
    idx_json_str(o, "lang", it->lang);
    idx_json_str(o, "summary", it->summary);
    idx_json_str(o, "body", it->body);
    idx_json_str(o, "rejected", it->reject);
    if (!it->reject) {
        const char *text = it->body && *it->body ? it->body : it->summary;
        cJSON_AddItemToObject(o, "found", enrichment_json(it->title, text, it->published));
    }
    return o;
}

static int
print_json(cJSON *o)
{
    char *txt = cJSON_Print(o);
    int rc = 0;

    if (txt)
        puts(txt);
    else
        rc = -1;
    cJSON_free(txt);
    cJSON_Delete(o);
    return rc;
}

/* Is the document an HTML page rather than a feed? */
static int
is_html(const char *buf, size_t len, const char *content_type)
{
    const char *p = buf, *end = buf + len;

    if (content_type && (strncasecmp(content_type, "text/html", 9) == 0 ||
                         strncasecmp(content_type, "application/xhtml", 17) == 0))
        return 1;
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        /* skip comments and an XML declaration before the root */
        if (end - p > 4 && strncmp(p, "<!--", 4) == 0) {
            const char *c = strstr(p + 4, "-->");
            if (!c || c >= end)
                return 0;
            p = c + 3;
            continue;
        }
        if (end - p > 5 && strncmp(p, "<?xml", 5) == 0) {
            const char *c = strstr(p, "?>");
            if (!c || c >= end)
                return 0;
            p = c + 2;
            continue;
        }
        break;
    }
    return (end - p >= 14 && strncasecmp(p, "<!doctype html", 14) == 0) ||
           (end - p >= 5 && strncasecmp(p, "<html", 5) == 0 &&
            (p[5] == '>' || p[5] == ' ' || p[5] == '\n' || p[5] == '\r' || p[5] == '\t'));
}

/* Fill o with the feed or page found in buf; returns 0 or -1 with the
 * message printed. */
static int
describe_document(cJSON *o, const char *buf, size_t len, const char *name,
                  const char *content_type)
{
    char *err = NULL;

    if (is_html(buf, len, content_type)) {
        idx_page_t *p = NULL;
        char charset[64];

        if (idx_extract_page(buf, len, name,
                             idx_fetch_charset(content_type, charset, sizeof charset) == 0
                                 ? charset : NULL,
                             &p, &err) != 0) {
            fprintf(stderr, "newsindex: %s\n", err ? err : "nothing usable in the page");
            free(err);
            return -1;
        }
        cJSON_AddStringToObject(o, "kind", "page");
        idx_json_str(o, "title", p->title);
        idx_json_str(o, "byline", p->byline);
        idx_json_time(o, "published", p->published);
        idx_json_str(o, "published_src", p->published_src);
        idx_json_time(o, "modified", p->modified);
        idx_json_str(o, "canonical_url", p->canonical_url);
        idx_json_str(o, "lang", p->lang);
        idx_json_str(o, "image", p->image);
        idx_json_str(o, "site_name", p->site_name);
        idx_json_str(o, "description", p->description);
        idx_json_str(o, "body", p->body);
        cJSON_AddItemToObject(o, "found", enrichment_json(p->title, p->body, p->published));
        idx_page_free(p);
        return 0;
    }
    {
        idx_feed_t *feed = NULL;
        cJSON *items;
        size_t rlen = 0;
        char *recoded = idx_fetch_recode_undeclared(buf, len, content_type, &rlen);
        int bad = idx_feed_parse(recoded ? recoded : buf, recoded ? rlen : len, name,
                                 &feed, &err) != 0;

        free(recoded);
        if (bad) {
            fprintf(stderr, "newsindex: %s\n", err ? err : "cannot parse");
            free(err);
            return -1;
        }
        cJSON_AddStringToObject(o, "kind", "feed");
        idx_json_str(o, "format", feed->format);
        idx_json_str(o, "title", feed->title);
        idx_json_str(o, "link", feed->link);
        idx_json_str(o, "lang", feed->lang);
        idx_json_str(o, "warnings", feed->warnings);
        items = cJSON_AddArrayToObject(o, "items");
        for (size_t i = 0; i < feed->n_items; i++)
            cJSON_AddItemToArray(items, item_json(&feed->items[i]));
        idx_feed_free(feed);
    }
    return 0;
}

/* ---- WARC files -------------------------------------------------------- */

static cJSON *
record_json(idx_warc_reader_t *r, const idx_warc_record_t *rec)
{
    cJSON *o = cJSON_CreateObject();
    int bd = idx_warc_verify_block_digest(r), pd = idx_warc_verify_payload_digest(r);

    cJSON_AddNumberToObject(o, "offset", (double)rec->offset);
    idx_json_str(o, "type", rec->type);
    idx_json_str(o, "target_uri", rec->target_uri);
    idx_json_str(o, "date", rec->date);
    idx_json_str(o, "record_id", rec->record_id);
    if (rec->http_status)
        cJSON_AddNumberToObject(o, "http_status", rec->http_status);
    else
        cJSON_AddNullToObject(o, "http_status");
    idx_json_str(o, "http_content_type", rec->http_content_type);
    cJSON_AddNumberToObject(o, "payload_length", (double)rec->payload_len);
    idx_json_str(o, "payload_digest", rec->payload_digest);
    if (bd < 0)
        cJSON_AddNullToObject(o, "block_digest_ok");
    else
        cJSON_AddBoolToObject(o, "block_digest_ok", bd);
    if (pd < 0)
        cJSON_AddNullToObject(o, "payload_digest_ok");
    else
        cJSON_AddBoolToObject(o, "payload_digest_ok", pd);
    return o;
}

static int
inspect_warc(const char *path)
{
    idx_warc_reader_t *r = NULL;
    const idx_warc_record_t *rec;
    char *err = NULL;
    cJSON *o, *records, *errors;
    int rc = 0, got;

    if (idx_warc_open(path, &r, &err) != 0) {
        fprintf(stderr, "newsindex: %s\n", err ? err : "cannot open");
        free(err);
        return EXIT_PARTIAL;
    }
    o = cJSON_CreateObject();
    idx_json_str(o, "file", path);
    cJSON_AddStringToObject(o, "kind", "warc");
    records = cJSON_AddArrayToObject(o, "records");
    errors = cJSON_AddArrayToObject(o, "errors");
    while ((got = idx_warc_next(r, &rec, &err)) != 0) {
        const char *w = idx_warc_warning(r);
        if (w)
            cJSON_AddItemToArray(errors, cJSON_CreateString(w));
        if (got < 0) {
            cJSON_AddItemToArray(errors, cJSON_CreateString(err ? err : "damaged record"));
            free(err);
            err = NULL;
            rc = EXIT_PARTIAL;
            continue;
        }
        cJSON_AddItemToArray(records, record_json(r, rec));
    }
    idx_warc_close(r);
    print_json(o);
    return rc;
}

/* FILE#OFFSET: one record, and its payload inspected. */
static int
inspect_capture(const char *path, long long offset)
{
    idx_warc_reader_t *r = NULL;
    const idx_warc_record_t *rec;
    unsigned char *payload = NULL;
    size_t plen = 0;
    char *err = NULL;
    cJSON *o, *doc;
    int rc = 0;

    if (idx_warc_open_at(path, offset, &r, &err) != 0) {
        fprintf(stderr, "newsindex: %s\n", err ? err : "cannot open");
        free(err);
        return EXIT_PARTIAL;
    }
    if (idx_warc_next(r, &rec, &err) != 1) {
        fprintf(stderr, "newsindex: %s#%lld: %s\n", path, offset,
                err ? err : "no record at this offset");
        free(err);
        idx_warc_close(r);
        return EXIT_PARTIAL;
    }
    o = cJSON_CreateObject();
    idx_json_str(o, "file", path);
    cJSON_AddStringToObject(o, "kind", "capture");
    cJSON_AddItemToObject(o, "record", record_json(r, rec));
    if (idx_warc_payload_decode(r, &payload, &plen, &err) == 0 && plen > 0) {
        doc = cJSON_CreateObject();
        if (describe_document(doc, (const char *)payload, plen,
                              rec->target_uri ? rec->target_uri : path,
                              rec->http_content_type) == 0)
            cJSON_AddItemToObject(o, "payload", doc);
        else {
            cJSON_Delete(doc);
            cJSON_AddNullToObject(o, "payload");
            rc = EXIT_PARTIAL;
        }
    } else {
        free(err);
        cJSON_AddNullToObject(o, "payload");
    }
    free(payload);
    idx_warc_close(r);
    print_json(o);
    return rc;
}

static int
looks_like_warc(const char *path, const char *buf, size_t len)
{
    size_t n = strlen(path);

    if ((n > 5 && strcasecmp(path + n - 5, ".warc") == 0) ||
        (n > 8 && strcasecmp(path + n - 8, ".warc.gz") == 0))
        return 1;
    return len >= 5 && strncmp(buf, "WARC/", 5) == 0;
}

/* ---- files and URLs ------------------------------------------------------ */

static int
inspect_file(const char *path)
{
    char *buf;
    size_t len = 0;
    const char *hash = strrchr(path, '#');
    cJSON *o;

    /* a capture reference: FILE#OFFSET */
    if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            char *file = strndup(path, (size_t)(hash - path));
            int rc = file ? inspect_capture(file, atoll(hash + 1)) : EXIT_PARTIAL;
            free(file);
            return rc;
        }
        fclose(f);
    }
    buf = idx_read_file(path, &len, (size_t)INSPECT_MAX_BYTES);
    if (!buf) {
        fprintf(stderr, "newsindex: %s: cannot read: %s\n", path,
                errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
        return EXIT_PARTIAL;
    }
    if (looks_like_warc(path, buf, len) ||
        (len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b)) {
        free(buf);
        return inspect_warc(path);
    }
    o = cJSON_CreateObject();
    idx_json_str(o, "file", path);
    if (describe_document(o, buf, len, path, NULL) != 0) {
        cJSON_Delete(o);
        free(buf);
        return EXIT_PARTIAL;
    }
    free(buf);
    print_json(o);
    return 0;
}

typedef struct url_ctx {
    int rc;
} url_ctx_t;

static void
on_fetched(void *ctx, const idx_fetch_job_t *job, const idx_fetch_result_t *res)
{
    url_ctx_t *u = ctx;
    cJSON *o;

    (void)job;
    if (res->outcome != IDX_FETCH_OK) {
        fprintf(stderr, "newsindex: %s: %s\n", res->url, res->error ? res->error : "failed");
        u->rc = EXIT_PARTIAL;
        return;
    }
    o = cJSON_CreateObject();
    idx_json_str(o, "url", res->url);
    idx_json_str(o, "final_url", res->final_url);
    cJSON_AddNumberToObject(o, "status", res->status);
    idx_json_str(o, "content_type", res->content_type);
    cJSON_AddNumberToObject(o, "bytes", (double)res->body_len);
    if (describe_document(o, (const char *)res->body, res->body_len, res->final_url,
                          res->content_type) != 0) {
        cJSON_Delete(o);
        u->rc = EXIT_PARTIAL;
        return;
    }
    print_json(o);
    u->rc = 0;
}

static int
inspect_url(const char *url)
{
    idx_fetch_opts_t opts;
    idx_fetch_job_t job;
    url_ctx_t u = { EXIT_PARTIAL };
    char *err = NULL;

    memset(&opts, 0, sizeof opts);
    memset(&job, 0, sizeof job);
    opts.jobs = 1;
    opts.accept = "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                  "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5";
    job.url = url;
    if (idx_fetch_run(&opts, &job, 1, on_fetched, &u, &err) != 0) {
        fprintf(stderr, "newsindex: %s\n", err ? err : "cannot fetch");
        free(err);
        return EXIT_PARTIAL;
    }
    return u.rc;
}

int
idx_cmd_inspect(const globals_t *g, int argc, char **argv)
{
    (void)g;
    if (argc != 2)
        idx_cli_usage_error("%s", "inspect needs exactly one FILE or URL");
    if (strncasecmp(argv[1], "http://", 7) == 0 || strncasecmp(argv[1], "https://", 8) == 0)
        return inspect_url(argv[1]);
    return inspect_file(argv[1]);
}
