/*
 * extract.c - idx_extract_page: decode a news page, parse it with libxml2's
 * HTML parser, read its declared metadata (extract_meta.c) and its main
 * text (extract_body.c).
 *
 * Decisions:
 * - Input over IDX_EXTRACT_MAX_INPUT (50 MiB) is truncated to it, not
 *   rejected: the article is near the top and recover mode closes the cut.
 * - Charset: http_charset, else a byte-order mark, else a <meta charset> or
 *   http-equiv declaration in the first 64 KiB, else UTF-8 when the bytes
 *   are (nearly) valid UTF-8, else windows-1252. ISO-8859-1 and US-ASCII
 *   labels mean windows-1252, as browsers read them. The chosen encoding is
 *   passed to the parser with HTML_PARSE_IGNORE_ENC, so a later meta tag
 *   cannot switch it mid-document; UTF-8 input has its invalid sequences
 *   replaced by U+FFFD first, so every string out is valid UTF-8.
 * - Parser options: RECOVER | NONET | NOERROR | NOWARNING | NODEFDTD |
 *   COMPACT | IGNORE_ENC, on a parser context of our own (no global error
 *   handler is touched). NOBLANKS is not used: it drops the whitespace-only
 *   text between inline elements and glues words together.
 * - JSON-LD articleBody replaces the DOM body only when it is substantial
 *   (>= 400 chars) and the DOM text is under 60% of its length.
 */
#include "extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHARSET_SCAN (64 * 1024)

static char *errf(const char *url, const char *what)
{
    size_t n = strlen(url ? url : "-") + strlen(what) + 3;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s: %s", url ? url : "-", what);
    return m;
}

void idx_page_free(idx_page_t *p)
{
    if (!p)
        return;
    free(p->title);
    free(p->byline);
    free(p->published_src);
    free(p->canonical_url);
    free(p->lang);
    free(p->image);
    free(p->site_name);
    free(p->description);
    free(p->body);
    free(p);
}

static int lc(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive search for needle in hay[0..n). */
static const char *find_ci(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && lc((unsigned char)hay[i + k]) == needle[k])
            k++;
        if (k == m)
            return hay + i;
    }
    return NULL;
}

/* The charset a <meta> declares in the first CHARSET_SCAN bytes, copied to
 * out (lower case), or "" when none. */
static void sniff_meta_charset(const char *html, size_t len, char *out,
                               size_t outsz)
{
    size_t n = len < CHARSET_SCAN ? len : CHARSET_SCAN;
    const char *p = html, *end = html + n;
    out[0] = '\0';
    while (p < end) {
        const char *m = find_ci(p, (size_t)(end - p), "<meta");
        if (!m)
            return;
        const char *gt = memchr(m, '>', (size_t)(end - m));
        if (!gt)
            return;
        const char *cs = find_ci(m, (size_t)(gt - m), "charset");
        if (cs) {
            cs += 7;
            while (cs < gt && (*cs == ' ' || *cs == '='  || *cs == '"' ||
                               *cs == '\''))
                cs++;
            size_t k = 0;
            while (cs < gt && k + 1 < outsz &&
                   ((*cs >= 'a' && *cs <= 'z') || (*cs >= 'A' && *cs <= 'Z') ||
                    (*cs >= '0' && *cs <= '9') || *cs == '-' || *cs == '_' ||
                    *cs == ':' || *cs == '.'))
                out[k++] = (char)lc((unsigned char)*cs++);
            out[k] = '\0';
            if (k > 0)
                return;
        }
        p = gt + 1;
    }
}

/* Map a declared label to the encoding we hand libxml2, or NULL when we
 * do not know it. */
static const char *normalise_charset(const char *label)
{
    static const char *const latin1[] = {"iso-8859-1", "iso8859-1", "latin1",
                                         "latin-1", "l1", "us-ascii", "ascii",
                                         "iso_8859-1", "windows-1252", "cp1252",
                                         "x-cp1252", NULL};
    if (!label || !*label)
        return NULL;
    if (strcasecmp(label, "utf-8") == 0 || strcasecmp(label, "utf8") == 0 ||
        strncasecmp(label, "utf-16", 6) == 0) /* a meta cannot mean UTF-16 */
        return "UTF-8";
    for (int i = 0; latin1[i]; i++)
        if (strcasecmp(label, latin1[i]) == 0)
            return "WINDOWS-1252";
    xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(label);
    if (!h)
        return NULL;
    xmlCharEncCloseFunc(h);
    return label;
}

/* Count invalid UTF-8 sequences (stops counting at limit). */
static size_t utf8_errors(const char *s, size_t len, size_t limit)
{
    size_t errs = 0, i = 0;
    while (i < len && errs < limit) {
        size_t j = i;
        /* find the end of a valid run quickly by validating in chunks */
        while (j < len && (unsigned char)s[j] < 0x80 && s[j] != 0)
            j++;
        if (j >= len)
            break;
        size_t k = 1;
        unsigned char c = (unsigned char)s[j];
        if (c >= 0xC2 && c <= 0xDF)
            k = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 4;
        if (k > 1 && j + k <= len && idx_extract_utf8_valid(s + j, k)) {
            i = j + k;
        } else {
            errs++;
            i = j + 1;
        }
    }
    return errs;
}

typedef struct decoded {
    const char *buf;     /* bytes for the parser */
    size_t len;
    const char *enc;     /* encoding name for the parser */
    char *owned;         /* repaired copy, when one was made */
    char label[48];      /* a <meta> charset label; enc may point here, so it
                            lives as long as the decoded input */
} decoded_t;

static int decode_input(const char *html, size_t len, const char *http_cs,
                        decoded_t *d)
{
    const unsigned char *u = (const unsigned char *)html;
    d->buf = html;
    d->len = len;
    d->owned = NULL;
    d->enc = normalise_charset(http_cs);
    if (!d->enc && len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        d->buf += 3;
        d->len -= 3;
        d->enc = "UTF-8";
    } else if (!d->enc && len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        d->enc = "UTF-16LE";
        d->buf += 2;
        d->len -= 2;
    } else if (!d->enc && len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        d->enc = "UTF-16BE";
        d->buf += 2;
        d->len -= 2;
    }
    if (!d->enc) {
        sniff_meta_charset(html, len, d->label, sizeof d->label);
        d->enc = normalise_charset(d->label);
    }
    if (!d->enc) {
        /* undeclared: UTF-8 unless the bytes clearly are not */
        size_t errs = utf8_errors(d->buf, d->len, 64);
        d->enc = errs < 8 ? "UTF-8" : "WINDOWS-1252";
    }
    if (strcmp(d->enc, "UTF-8") == 0 && !idx_extract_utf8_valid(d->buf, d->len)) {
        size_t n = 0;
        d->owned = idx_extract_utf8_repair(d->buf, d->len, &n);
        if (!d->owned)
            return -1;
        d->buf = d->owned;
        d->len = n;
    }
    return 0;
}

/* Make sure a field is valid UTF-8 (a stray byte from JSON-LD, say). */
static int fix_utf8(char **s)
{
    if (!*s || idx_extract_utf8_valid(*s, strlen(*s)))
        return 0;
    char *r = idx_extract_utf8_repair(*s, strlen(*s), NULL);
    if (!r)
        return -1;
    free(*s);
    *s = r;
    return 0;
}

int idx_extract_page(const char *html, size_t len, const char *url,
                     const char *http_charset, idx_page_t **out, char **errmsg)
{
    decoded_t d;
    htmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    idx_page_t *p = NULL;
    char *ld_body = NULL;
    const char *why = NULL;
    int rc = -1;

    if (out)
        *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    memset(&d, 0, sizeof d);
    if (!out || (!html && len > 0)) {
        why = "bad arguments";
        goto done;
    }
    if (len > IDX_EXTRACT_MAX_INPUT)
        len = IDX_EXTRACT_MAX_INPUT;
    if (len == 0) {
        why = "empty document";
        goto done;
    }
    if (decode_input(html, len, http_charset, &d) != 0) {
        why = "out of memory";
        goto done;
    }
    ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        why = "out of memory";
        goto done;
    }
    doc = htmlCtxtReadMemory(ctxt, d.buf, (int)d.len, url, d.enc,
                             HTML_PARSE_RECOVER | HTML_PARSE_NONET |
                                 HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NODEFDTD | HTML_PARSE_COMPACT |
                                 HTML_PARSE_IGNORE_ENC);
    if (!doc || !xmlDocGetRootElement(doc)) {
        why = "not parseable as HTML";
        goto done;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        why = "out of memory";
        goto done;
    }
    p->published = INT64_MIN;
    p->modified = INT64_MIN;
    if (idx_extract_meta(doc, url, p, &ld_body) != 0) {
        why = "out of memory";
        goto done;
    }
    p->body = idx_extract_body(doc);
    if (!p->body) {
        why = "out of memory";
        goto done;
    }
    if (ld_body) {
        size_t ll = strlen(ld_body), dl = strlen(p->body);
        if (ll >= 400 && (double)dl < 0.6 * (double)ll) {
            free(p->body);
            p->body = ld_body;
            ld_body = NULL;
        }
    }
    if (!p->title && !p->body[0]) {
        why = "no title and no article text found";
        goto done;
    }
    char **fields[] = {&p->title, &p->byline, &p->canonical_url, &p->lang,
                       &p->image, &p->site_name, &p->description, &p->body};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fix_utf8(fields[i]) != 0) {
            why = "out of memory";
            goto done;
        }
    *out = p;
    p = NULL;
    rc = 0;
done:
    if (rc != 0 && errmsg)
        *errmsg = errf(url, why ? why : "failed");
    free(ld_body);
    idx_page_free(p);
    if (doc)
        xmlFreeDoc(doc);
    if (ctxt)
        htmlFreeParserCtxt(ctxt);
    free(d.owned);
    return rc;
}
