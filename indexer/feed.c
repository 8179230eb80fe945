/*
 * feed.c - idx_feed_parse: RSS 0.90/0.91/0.92/1.0 (RDF)/2.0 and Atom 0.3/1.0
 * documents to idx_item_t records, with libxml2.
 *
 * Safety: the document is read with XML_PARSE_NONET | XML_PARSE_RECOVER |
 * XML_PARSE_NOCDATA only. Without XML_PARSE_NOENT and XML_PARSE_DTDLOAD
 * libxml2 neither loads external entities nor substitutes entities in the
 * tree, and every walk over entity references below is bounded by a node
 * and byte budget, so XXE and "billion laughs" documents stay harmless.
 * Errors are collected per parser context (structured handler on the
 * context's own SAX table), never printed and never global.
 *
 * Before libxml2 sees the bytes they are decoded to UTF-8 (BOM, HTTP
 * charset, XML declaration, UTF-16/32 detection; see "decoding"), and a
 * repair pass rewrites the two mistakes real feeds make most: HTML
 * entities (&nbsp; &eacute;) that XML does not define become numeric
 * references, and a bare '&' becomes &amp;. Both are reported in
 * feed->warnings. Documents that declare their own entities (<!ENTITY)
 * are not repaired.
 *
 * Besides RSS and Atom it reads CDF (<CHANNEL HREF>), Atom drafts under
 * other namespaces, and element names in any case (<TiTlE>).
 */
#include "feed.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#define FEED_MAX_DOC ((size_t)64 * 1024 * 1024)
#define FEED_MAX_WARNINGS 20
/* Bounds for collecting the text of one element (entity references
 * included): nodes visited, bytes produced, entity nesting. */
#define TEXT_MAX_NODES 200000
#define TEXT_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define TEXT_MAX_ENTITY_DEPTH 8
#define DERIVED_TITLE_LEN 80

#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_FEEDBURNER "http://rssnamespace.org/feedburner/ext/1.0"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_MEDIA "http://search.yahoo.com/mrss/"

/* CDF is Microsoft's Channel Definition Format (<CHANNEL HREF=...>). */
enum feed_kind { KIND_RSS, KIND_RDF, KIND_ATOM, KIND_CDF };

/* A growable string; `oom` is sticky. */
typedef struct strbuf {
    char *p;
    size_t len, cap;
    int oom;
} strbuf_t;

typedef struct parse_state {
    const char *name;
    enum feed_kind kind;
    int atom03;
    const char *root_ns; /* the root element's namespace (a feed's own) */
    xmlDocPtr doc;
    strbuf_t warnings;
    int n_warnings;
    char *first_error; /* libxml2's first error message, for "not XML" */
    int first_error_line;
    char *feed_link;   /* absolute channel/feed link, base of last resort */
    char *doc_base;    /* the document's URL (Content-Location or name) */
    char *encoding;    /* charset the document was decoded from */
    char *feed_author; /* Atom feed-level author, inherited by entries */
} parse_state_t;

/* ---- strings ------------------------------------------------------------ */

static void sb_add(strbuf_t *b, const char *s, size_t n)
{
    char *np;
    size_t want;

    if (b->oom || n == 0)
        return;
    if (b->len + n + 1 > b->cap) {
        want = b->cap ? b->cap * 2 : 128;
        while (want < b->len + n + 1)
            want *= 2;
        np = realloc(b->p, want);
        if (np == NULL) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = want;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_addf(strbuf_t *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof tmp)
        n = (int)sizeof tmp - 1;
    sb_add(b, tmp, (size_t)n);
}

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static int is_space_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Collapse whitespace runs to one space, in place (titles are one line). */
static void collapse_spaces(char *s)
{
    size_t o = 0;
    int in_space = 0;

    if (s == NULL)
        return;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (is_space_byte((unsigned char)s[i])) {
            in_space = 1;
            continue;
        }
        if (in_space && o > 0)
            s[o++] = ' ';
        in_space = 0;
        s[o++] = s[i];
    }
    s[o] = '\0';
}

static int has_markup(const char *s)
{
    for (const char *p = s; (p = strchr(p, '<')) != NULL; p++) {
        char c = p[1];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
            c == '!')
            return 1;
    }
    return 0;
}

static int is_http_url(const char *s)
{
    return s != NULL && (xmlStrncasecmp((const xmlChar *)s,
                                        (const xmlChar *)"http://", 7) == 0 ||
                         xmlStrncasecmp((const xmlChar *)s,
                                        (const xmlChar *)"https://", 8) == 0);
}

/* Does the URI reference start with "scheme:"? */
static int has_scheme(const char *s)
{
    size_t i = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
           (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
           s[i] == '.')
        i++;
    return s[i] == ':';
}

/* ---- errors -------------------------------------------------------------- */

static void add_warning(parse_state_t *ps, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    ps->n_warnings++;
    if (ps->n_warnings > FEED_MAX_WARNINGS)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ps->warnings.len > 0)
        sb_add(&ps->warnings, "; ", 2);
    if (line > 0)
        sb_addf(&ps->warnings, "line %d: %s", line, msg);
    else
        sb_addf(&ps->warnings, "%s", msg);
}

/* Structured error handler installed on our parser context only. libxml2
 * passes the context's userData, which for the default SAX2 handler is
 * the context itself; our state hangs off ctxt->_private. */
static void on_xml_error(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    parse_state_t *ps;
    char msg[300];
    size_t n;

    if (ctxt == NULL || err == NULL || ctxt->_private == NULL)
        return;
    ps = ctxt->_private;
    if (err->level < XML_ERR_ERROR)
        return; /* warnings do not mean anything was dropped */
    if ((err->code == XML_ERR_UNDECLARED_ENTITY ||
         err->code == XML_WAR_UNDECLARED_ENTITY) && err->str1 != NULL) {
        snprintf(msg, sizeof msg, "undefined entity '%s'", err->str1);
    } else {
        snprintf(msg, sizeof msg, "%s",
                 err->message ? err->message : "unknown error");
    }
    n = strlen(msg);
    while (n > 0 && is_space_byte((unsigned char)msg[n - 1]))
        msg[--n] = '\0';
    if (ps->first_error == NULL) {
        ps->first_error = strdup(msg);
        ps->first_error_line = err->line;
    }
    add_warning(ps, err->line, "%s", msg);
}

/* ---- decoding ------------------------------------------------------------
 *
 * Every document is turned into UTF-8 before libxml2 sees it, so that one
 * repair pass and one parser setting serve all encodings. The charset is,
 * in order: a byte-order mark; the HTTP charset parameter (RFC 7303);
 * the XML declaration; UTF-16/32 recognised from the zero bytes around
 * the first '<' (XML 1.0 appendix F); UTF-8. Bytes that are not valid in
 * the chosen charset make us try UTF-8, then windows-1252 (which reads any
 * byte), and say so in the warnings. */

enum family { FAM_BYTES, FAM_UTF16BE, FAM_UTF16LE, FAM_UTF32BE, FAM_UTF32LE };

static const char *const family_names[] = {
    "utf-8", "utf-16be", "utf-16le", "utf-32be", "utf-32le",
};

/* The code unit layout of the document, and the length of its BOM. */
static enum family sniff_family(const unsigned char *u, size_t len,
                                size_t *bom)
{
    *bom = 0;
    if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF) {
        *bom = 4;
        return FAM_UTF32BE;
    }
    if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) {
        *bom = 4;
        return FAM_UTF32LE;
    }
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        *bom = 2;
        return FAM_UTF16BE;
    }
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        *bom = 2;
        return FAM_UTF16LE;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *bom = 3;
        return FAM_BYTES;
    }
    if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] != 0)
        return FAM_UTF32BE;
    if (len >= 4 && u[0] != 0 && u[1] == 0 && u[2] == 0 && u[3] == 0)
        return FAM_UTF32LE;
    if (len >= 2 && u[0] == 0 && u[1] != 0)
        return FAM_UTF16BE;
    if (len >= 2 && u[0] != 0 && u[1] == 0)
        return FAM_UTF16LE;
    return FAM_BYTES;
}

/* The first code units of the document as ASCII ('?' for anything else),
 * enough to read the XML declaration whatever the layout. */
static void ascii_head(const unsigned char *u, size_t len, enum family fam,
                       char *out, size_t cap)
{
    size_t unit = fam == FAM_BYTES ? 1 : (fam <= FAM_UTF16LE ? 2 : 4), o = 0;

    for (size_t i = 0; i + unit <= len && o + 1 < cap; i += unit) {
        unsigned long v = 0;
        for (size_t k = 0; k < unit; k++) {
            int be = fam == FAM_UTF16BE || fam == FAM_UTF32BE;
            size_t idx = be ? k : unit - 1 - k;
            v = (v << 8) | u[i + idx];
        }
        out[o++] = v > 0 && v < 0x80 ? (char)v : '?';
    }
    out[o] = '\0';
}

/* The encoding="..." of an XML declaration at the start of head. */
static int declared_encoding(const char *head, char *out, size_t cap)
{
    const char *end, *p;
    size_t n = 0;
    char q;

    while (*head == ' ' || *head == '\t' || *head == '\r' || *head == '\n')
        head++;
    if (strncmp(head, "<?xml", 5) != 0 || (end = strstr(head, "?>")) == NULL)
        return -1;
    for (p = head + 5; p < end; p++)
        if (strncmp(p, "encoding", 8) == 0)
            break;
    if (p >= end)
        return -1;
    p += 8;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p++ != '=')
        return -1;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    q = *p++;
    if (q != '"' && q != '\'')
        return -1;
    while (p < end && *p != q && n + 1 < cap)
        out[n++] = *p++;
    out[n] = '\0';
    return n > 0 && *p == q ? 0 : -1;
}

/* The charset parameter of a Content-Type value ("text/xml; charset=x",
 * quoted or not, spaces around '=' allowed). */
static int content_type_charset(const char *ct, char *out, size_t cap)
{
    const char *p = ct ? strchr(ct, ';') : NULL;
    size_t n = 0;

    while (p != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (xmlStrncasecmp((const xmlChar *)p, (const xmlChar *)"charset", 7) == 0) {
            const char *v = p + 7;
            while (*v == ' ' || *v == '\t')
                v++;
            if (*v == '=') {
                v++;
                while (*v == ' ' || *v == '\t' || *v == '"' || *v == '\'')
                    v++;
                while (*v && *v != ';' && *v != '"' && *v != '\'' && *v != ' ' &&
                       n + 1 < cap)
                    out[n++] = *v++;
                out[n] = '\0';
                return n > 0 ? 0 : -1;
            }
        }
        p = strchr(p, ';');
    }
    return -1;
}

typedef struct charset_alias {
    const char *label;
    const char *name;
} charset_alias_t;

/* Labels feeds use, to the names we report and decode with. A name of
 * "utf-16"/"utf-32" takes its byte order from the document. gb2312 and
 * GBK documents are read with their superset gb18030, as browsers do. */
static const charset_alias_t charset_aliases[] = {
    {"utf8", "utf-8"},          {"unicode-1-1-utf-8", "utf-8"},
    {"utf16", "utf-16"},        {"u16", "utf-16"},
    {"ucs-2", "utf-16"},        {"iso-10646-ucs-2", "utf-16"},
    {"unicode", "utf-16"},      {"utf32", "utf-32"},
    {"u32", "utf-32"},          {"ucs-4", "utf-32"},
    {"iso-10646-ucs-4", "utf-32"}, {"utf-16", "utf-16"},
    {"utf-32", "utf-32"},       {"ascii", "us-ascii"},
    {"iso646-us", "us-ascii"},  {"ansi_x3.4-1968", "us-ascii"},
    {"latin1", "iso-8859-1"},   {"latin-1", "iso-8859-1"},
    {"l1", "iso-8859-1"},       {"iso8859-1", "iso-8859-1"},
    {"iso_8859-1", "iso-8859-1"}, {"cp1252", "windows-1252"},
    {"x-cp1252", "windows-1252"}, {"gb2312", "gb18030"},
    {"gbk", "gb18030"},         {"x-gbk", "gb18030"},
    {"cp936", "gb18030"},       {"ks_c_5601-1987", "euc-kr"},
    {"sjis", "shift_jis"},      {"x-sjis", "shift_jis"},
};

/* Lower-case, trimmed, alias-resolved charset name into out; the byte
 * order of UTF-16/32 comes from fam. */
static void canonical_charset(const char *label, enum family fam, char *out,
                              size_t cap)
{
    size_t n = 0;

    while (*label == ' ' || *label == '"' || *label == '\'')
        label++;
    for (; *label && *label != ' ' && *label != '"' && *label != '\'' &&
           n + 1 < cap; label++)
        out[n++] = (char)(*label >= 'A' && *label <= 'Z' ? *label + 32 : *label);
    out[n] = '\0';
    if (strncmp(out, "utf_", 4) == 0) /* "utf_16", "utf_8": Python's spelling */
        for (char *p = out; *p; p++)
            if (*p == '_')
                *p = '-';
    for (size_t k = 0; k < sizeof charset_aliases / sizeof charset_aliases[0];
         k++) {
        if (strcmp(out, charset_aliases[k].label) == 0) {
            snprintf(out, cap, "%s", charset_aliases[k].name);
            break;
        }
    }
    if (strcmp(out, "utf-16") == 0)
        snprintf(out, cap, "%s", fam == FAM_UTF16LE ? "utf-16le" : "utf-16be");
    else if (strcmp(out, "utf-32") == 0)
        snprintf(out, cap, "%s", fam == FAM_UTF32LE ? "utf-32le" : "utf-32be");
}

/* Is the charset name one of the layout's own (or, for byte layouts, not a
 * 16/32-bit one)? */
static int fits_family(const char *name, enum family fam)
{
    int wide = strncmp(name, "utf-16", 6) == 0 || strncmp(name, "utf-32", 6) == 0;
    if (fam == FAM_BYTES)
        return !wide;
    return strcmp(name, family_names[fam]) == 0;
}

/* Length of the valid UTF-8 sequence at u[0..avail), 0 when invalid. */
static size_t utf8_length(const unsigned char *u, size_t avail)
{
    size_t need;

    if (u[0] < 0x80)
        return 1;
    if (u[0] >= 0xC2 && u[0] <= 0xDF)
        need = 2;
    else if (u[0] >= 0xE0 && u[0] <= 0xEF)
        need = 3;
    else if (u[0] >= 0xF0 && u[0] <= 0xF4)
        need = 4;
    else
        return 0;
    if (avail < need)
        return 0;
    for (size_t k = 1; k < need; k++)
        if ((u[k] & 0xC0) != 0x80)
            return 0;
    if (need == 3 && ((u[0] == 0xE0 && u[1] < 0xA0) || (u[0] == 0xED && u[1] >= 0xA0)))
        return 0;
    if (need == 4 && ((u[0] == 0xF0 && u[1] < 0x90) || (u[0] == 0xF4 && u[1] >= 0x90)))
        return 0;
    return need;
}

static int valid_utf8(const char *s, size_t len, int *non_ascii)
{
    const unsigned char *u = (const unsigned char *)s;

    *non_ascii = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_length(u + i, len - i);
        if (n == 0)
            return 0;
        if (n > 1)
            *non_ascii = 1;
        i += n;
    }
    return 1;
}

/* iconv len bytes from charset to UTF-8 (NUL-terminated, malloc'd).
 * A sequence the charset does not have becomes U+FFFD (`unit` bytes are
 * skipped) and counts in *bad. NULL when iconv does not know the charset
 * or memory ran out. */
static char *iconv_to_utf8(const char *buf, size_t len, const char *charset,
                           size_t unit, size_t *out_len, size_t *bad)
{
    iconv_t cd;
    size_t cap = len * 2 + 64, left = len, room;
    char *out, *in = (char *)buf, *w;

    *bad = 0;
    cd = iconv_open("UTF-8", strcmp(charset, "us-ascii") == 0 ? "ASCII" : charset);
    if (cd == (iconv_t)-1)
        return NULL;
    out = malloc(cap);
    if (out == NULL) {
        iconv_close(cd);
        return NULL;
    }
    w = out;
    room = cap - 1;
    while (left > 0) {
        if (iconv(cd, &in, &left, &w, &room) != (size_t)-1)
            continue;
        if (errno == E2BIG || (errno == EILSEQ && room < 3)) {
            size_t used = (size_t)(w - out);
            char *nb = realloc(out, cap * 2);
            if (nb == NULL) {
                free(out);
                iconv_close(cd);
                return NULL;
            }
            out = nb;
            cap *= 2;
            w = out + used;
            room = cap - 1 - used;
            continue;
        }
        if (errno != EILSEQ)
            break; /* EINVAL: a sequence cut off at the end */
        memcpy(w, "\xEF\xBF\xBD", 3);
        w += 3;
        room -= 3;
        (*bad)++;
        if (left <= unit) {
            left = 0;
            break;
        }
        in += unit;
        left -= unit;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    if (left > 0)
        (*bad)++;
    iconv_close(cd);
    *w = '\0';
    *out_len = (size_t)(w - out);
    return out;
}

/* UTF-8 as it is, except bytes that start no valid sequence: those are
 * read as ISO-8859-1 code points, and since idx_item_text later reads the
 * C1 range 0x80-0x9F as windows-1252, such a byte ends up as the
 * windows-1252 character it stands for (a stray 0x92 pasted into a UTF-8
 * feed becomes the apostrophe it was). Counts those bytes in *bad and the
 * valid multi-byte sequences in *multi. */
static char *utf8_mixed(const char *buf, size_t len, size_t *out_len,
                        size_t *bad, size_t *multi)
{
    const unsigned char *u = (const unsigned char *)buf;
    char *out = malloc(len * 2 + 1);
    size_t o = 0;

    *bad = *multi = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_length(u + i, len - i);
        if (n == 0) {
            out[o++] = (char)(0xC0 | (u[i] >> 6));
            out[o++] = (char)(0x80 | (u[i] & 0x3F));
            (*bad)++;
            i++;
            continue;
        }
        if (n > 1)
            (*multi)++;
        memcpy(out + o, u + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static int single_byte_western(const char *name)
{
    return strcmp(name, "us-ascii") == 0 || strcmp(name, "iso-8859-1") == 0 ||
           strcmp(name, "windows-1252") == 0;
}

/* Decode buf to UTF-8 (BOM removed) into *out (malloc'd) and set
 * ps->encoding to the charset used. Returns 0, or -1 when out of memory. */
static int decode_document(parse_state_t *ps, const char *buf, size_t len,
                           const char *content_type, char **out,
                           size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)buf;
    char head[512], label[64], declared[64] = "", http[64] = "", chosen[64];
    size_t bom, bad = 0, multi = 0;
    enum family fam = sniff_family(u, len, &bom);
    int non_ascii = 0, utf8_ok;
    char *r = NULL;

    ascii_head(u + bom, len - bom, fam, head, sizeof head);
    if (declared_encoding(head, label, sizeof label) == 0)
        canonical_charset(label, fam, declared, sizeof declared);
    if (content_type_charset(content_type, label, sizeof label) == 0)
        canonical_charset(label, fam, http, sizeof http);
    buf += bom;
    len -= bom;
    utf8_ok = fam == FAM_BYTES && valid_utf8(buf, len, &non_ascii);

    if (bom > 0)
        snprintf(chosen, sizeof chosen, "%s", family_names[fam]);
    else if (http[0] && fits_family(http, fam))
        snprintf(chosen, sizeof chosen, "%s", http);
    else if (declared[0] && fits_family(declared, fam))
        snprintf(chosen, sizeof chosen, "%s", declared);
    else
        snprintf(chosen, sizeof chosen, "%s", family_names[fam]);
    if (declared[0] && !fits_family(declared, fam) && bom == 0)
        add_warning(ps, 0, "the document says %s but is written in %s", declared,
                    family_names[fam]);
    /* a server's western default over a document that says, and is, UTF-8 */
    if (bom == 0 && http[0] && single_byte_western(http) &&
        strcmp(declared, "utf-8") == 0 && utf8_ok && non_ascii) {
        add_warning(ps, 0, "Content-Type says %s, the document is UTF-8", http);
        snprintf(chosen, sizeof chosen, "utf-8");
    }

    if (strcmp(chosen, "utf-8") != 0) {
        size_t unit = fam == FAM_BYTES ? 1 : (fam <= FAM_UTF16LE ? 2 : 4);
        r = iconv_to_utf8(buf, len, chosen, unit, out_len, &bad);
        if (r != NULL && (bad == 0 || fam != FAM_BYTES)) {
            if (bad > 0)
                add_warning(ps, 0, "%zu sequences not valid in %s replaced", bad,
                            chosen);
            goto found;
        }
        free(r);
        r = NULL;
        add_warning(ps, 0, bad ? "not valid %s, read as utf-8"
                               : "unknown encoding '%s', read as utf-8",
                    chosen);
        snprintf(chosen, sizeof chosen, "utf-8");
    }
    r = utf8_mixed(buf, len, out_len, &bad, &multi);
    if (r != NULL && bad > 0) {
        if (multi == 0) {
            add_warning(ps, 0, "not UTF-8, read as windows-1252");
            snprintf(chosen, sizeof chosen, "windows-1252");
        } else {
            add_warning(ps, 0, "%zu bytes not valid in UTF-8 read as windows-1252",
                        bad);
        }
    }
found:
    if (r == NULL)
        return -1;
    /* a BOM iconv kept, or a second one */
    if (*out_len >= 3 && memcmp(r, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r, r + 3, *out_len - 2);
        *out_len -= 3;
    }
    ps->encoding = strdup(chosen);
    *out = r;
    return ps->encoding == NULL ? -1 : 0;
}

/* ---- repair pass ------------------------------------------------------- */

static int is_name_byte(unsigned char c, int first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
        c == ':' || c >= 0x80)
        return 1;
    return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

/* Length of a syntactically valid reference at s ("&name;", "&#123;",
 * "&#x1F;"), 0 when '&' starts none. */
static size_t reference_length(const char *s, size_t n)
{
    size_t i = 1;

    if (i < n && s[i] == '#') {
        i++;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            i++;
            while (i < n && ((s[i] >= '0' && s[i] <= '9') ||
                             ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')))
                i++;
        } else {
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
        }
        if (i == 2 || (i == 3 && (s[2] | 0x20) == 'x'))
            return 0;
    } else {
        if (i >= n || !is_name_byte((unsigned char)s[i], 1))
            return 0;
        while (i < n && i < 64 && is_name_byte((unsigned char)s[i], 0))
            i++;
    }
    return i < n && s[i] == ';' ? i + 1 : 0;
}

static int is_xml_predefined(const char *name)
{
    return strcmp(name, "amp") == 0 || strcmp(name, "lt") == 0 ||
           strcmp(name, "gt") == 0 || strcmp(name, "quot") == 0 ||
           strcmp(name, "apos") == 0;
}

static int ascii_compatible(const char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)buf;
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) ||
                     (u[0] == 0xFF && u[1] == 0xFE)))
        return 0;
    if (len >= 2 && (u[0] == 0 || u[1] == 0))
        return 0;
    return 1;
}

static int contains(const char *buf, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; i + nl <= len; i++)
        if (buf[i] == needle[0] && memcmp(buf + i, needle, nl) == 0)
            return 1;
    return 0;
}

/* Returns a repaired malloc'd copy in *out (NULL when nothing changed). */
static int repair_document(parse_state_t *ps, const char *buf, size_t len,
                           char **out, size_t *out_len)
{
    strbuf_t b = {0};
    size_t i = 0, copied = 0;
    int line = 1, changed = 0;

    *out = NULL;
    *out_len = 0;
    if (!ascii_compatible(buf, len) || contains(buf, len, "<!ENTITY"))
        return 0;
    while (i < len) {
        char c = buf[i];
        if (c == '\n') {
            line++;
            i++;
        } else if (c == '<' && len - i >= 9 &&
                   memcmp(buf + i, "<![CDATA[", 9) == 0) {
            i += 9;
            while (i < len && !(buf[i] == ']' && len - i >= 3 &&
                                memcmp(buf + i, "]]>", 3) == 0)) {
                if (buf[i] == '\n')
                    line++;
                i++;
            }
        } else if (c == '<' && len - i >= 4 && memcmp(buf + i, "<!--", 4) == 0) {
            i += 4;
            while (i < len && !(buf[i] == '-' && len - i >= 3 &&
                                memcmp(buf + i, "-->", 3) == 0)) {
                if (buf[i] == '\n')
                    line++;
                i++;
            }
        } else if (c == '&') {
            size_t rl = reference_length(buf + i, len - i);
            char name[64];
            const htmlEntityDesc *ent;

            if (rl > 0 && buf[i + 1] == '#' && buf[i + 2] == 'X') {
                /* "&#X41;": XML only knows the lower-case x */
                sb_add(&b, buf + copied, i + 2 - copied);
                sb_add(&b, "x", 1);
                i += 3;
                copied = i;
                changed = 1;
                continue;
            }
            if (rl > 0 && buf[i + 1] == '#') {
                i += rl;
                continue;
            }
            if (rl > 0) {
                memcpy(name, buf + i + 1, rl - 2);
                name[rl - 2] = '\0';
                ent = htmlEntityLookup((const xmlChar *)name);
                if (is_xml_predefined(name)) {
                    i += rl;
                    continue;
                }
                sb_add(&b, buf + copied, i - copied);
                if (ent != NULL) {
                    sb_addf(&b, "&#%u;", ent->value);
                    add_warning(ps, line,
                                "undefined entity '%s' read as HTML", name);
                } else {
                    /* unknown: keep the reference as literal text */
                    sb_add(&b, "&amp;", 5);
                    sb_add(&b, name, strlen(name));
                    sb_add(&b, ";", 1);
                    add_warning(ps, line,
                                "undefined entity '%s' kept as text", name);
                }
            } else {
                sb_add(&b, buf + copied, i - copied);
                sb_add(&b, "&amp;", 5);
                add_warning(ps, line, "stray '&' read as text");
                rl = 1;
            }
            i += rl;
            copied = i;
            changed = 1;
        } else {
            i++;
        }
    }
    if (!changed)
        return 0;
    sb_add(&b, buf + copied, len - copied);
    if (b.oom) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *out_len = b.len;
    return 0;
}

/* ---- element matching ------------------------------------------------- */

static const char *ns_of(const xmlNode *n)
{
    return n->ns != NULL && n->ns->href != NULL ? (const char *)n->ns->href
                                                 : NULL;
}

/* Is the element in the feed's own vocabulary (RSS or Atom)? */
static int same_ns(const char *a, const char *b)
{
    return xmlStrcasecmp((const xmlChar *)a, (const xmlChar *)b) == 0;
}

static int in_core(const parse_state_t *ps, const xmlNode *n)
{
    const char *href = ns_of(n);
    if (href == NULL)
        return 1;
    if (ps->root_ns != NULL && ps->kind == KIND_ATOM && same_ns(href, ps->root_ns))
        return 1;
    if (ps->kind == KIND_ATOM)
        return same_ns(href, NS_ATOM10) || same_ns(href, NS_ATOM03);
    return same_ns(href, NS_RSS10) || same_ns(href, NS_RSS090) ||
           same_ns(href, "http://backend.userland.com/rss2") ||
           same_ns(href, "http://backend.userland.com/rss") ||
           same_ns(href, "http://blogs.law.harvard.edu/tech/rss");
}

/* ns NULL: the feed's own vocabulary. */
static int is_el(const parse_state_t *ps, const xmlNode *n, const char *ns,
                 const char *local)
{
    const char *href;
    /* element names compare without case (<TiTlE>, CDF's <ITEM>) */
    if (n == NULL || n->type != XML_ELEMENT_NODE ||
        xmlStrcasecmp(n->name, (const xmlChar *)local) != 0)
        return 0;
    if (ns == NULL)
        return in_core(ps, n);
    href = ns_of(n);
    return href != NULL && same_ns(href, ns);
}

static xmlNode *child_el(const parse_state_t *ps, const xmlNode *parent,
                         const char *ns, const char *local)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (is_el(ps, c, ns, local))
            return c;
    return NULL;
}

/* The attribute without namespace (name compared without case when no
 * exact match: CDF writes HREF), or NULL; caller xmlFree()s. */
static char *attr(xmlNode *n, const char *name)
{
    char *v = (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
    if (v != NULL)
        return v;
    for (xmlAttr *a = n->properties; a != NULL; a = a->next)
        if (a->ns == NULL && xmlStrcasecmp(a->name, (const xmlChar *)name) == 0)
            return (char *)xmlNodeGetContent((xmlNode *)a);
    return NULL;
}

static int attr_is(xmlNode *n, const char *name, const char *value)
{
    char *v = attr(n, name);
    int r = v != NULL && xmlStrcasecmp((xmlChar *)v, (const xmlChar *)value) == 0;
    xmlFree(v);
    return r;
}

/* ---- text of elements ------------------------------------------------- */

typedef struct gather {
    strbuf_t out;
    long nodes;
    xmlDocPtr doc;
} gather_t;

static void gather_list(gather_t *g, xmlNode *first, int depth);

static void gather_node(gather_t *g, xmlNode *c, int depth)
{
    if (++g->nodes > TEXT_MAX_NODES || g->out.len > TEXT_MAX_BYTES)
        return;
    switch (c->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (c->content != NULL)
            sb_add(&g->out, (const char *)c->content,
                   strlen((const char *)c->content));
        break;
    case XML_ELEMENT_NODE:
        gather_list(g, c->children, depth);
        break;
    case XML_ENTITY_REF_NODE: {
        /* Only internal entities; external ones were never loaded. */
        xmlEntityPtr ent = xmlGetDocEntity(g->doc, c->name);
        if (ent == NULL || depth >= TEXT_MAX_ENTITY_DEPTH ||
            ent->etype != XML_INTERNAL_GENERAL_ENTITY)
            break;
        if (ent->children != NULL)
            gather_list(g, ent->children, depth + 1);
        else if (ent->content != NULL && strchr((char *)ent->content, '&') == NULL &&
                 strchr((char *)ent->content, '<') == NULL)
            sb_add(&g->out, (const char *)ent->content,
                   strlen((const char *)ent->content));
        break;
    }
    default:
        break;
    }
}

static void gather_list(gather_t *g, xmlNode *first, int depth)
{
    for (xmlNode *c = first; c != NULL; c = c->next) {
        if (g->nodes > TEXT_MAX_NODES || g->out.len > TEXT_MAX_BYTES)
            return;
        gather_node(g, c, depth);
    }
}

/* All text below n, entity references expanded within the budget; the
 * raw result (not trimmed), malloc'd, or NULL when empty. */
static char *raw_text(parse_state_t *ps, xmlNode *n)
{
    gather_t g = {{0}, 0, ps->doc};
    if (n == NULL)
        return NULL;
    gather_list(&g, n->children, 0);
    if (g.out.oom) {
        free(g.out.p);
        return NULL;
    }
    return g.out.p;
}

static char *plain_text(parse_state_t *ps, xmlNode *n)
{
    char *raw = raw_text(ps, n), *t;
    if (raw == NULL)
        return NULL;
    t = idx_item_text(raw, strlen(raw));
    free(raw);
    return t;
}

static char *html_string_to_text(const char *html)
{
    char *t, *r;
    if (html == NULL)
        return NULL;
    t = idx_html_to_text(html, strlen(html));
    if (t == NULL)
        return NULL;
    r = idx_item_text(t, strlen(t));
    free(t);
    return r;
}

static char *html_text(parse_state_t *ps, xmlNode *n)
{
    char *raw = raw_text(ps, n), *t;
    t = html_string_to_text(raw);
    free(raw);
    return t;
}

/* Serialise the children of n (inline XHTML) and read that as HTML. */
static char *xhtml_text(parse_state_t *ps, xmlNode *n)
{
    xmlBufferPtr buf = xmlBufferCreate();
    char *t;

    if (buf == NULL)
        return NULL;
    for (xmlNode *c = n->children; c != NULL; c = c->next) {
        if (xmlBufferLength(buf) > (int)TEXT_MAX_BYTES)
            break;
        xmlNodeDump(buf, ps->doc, c, 0, 0);
    }
    t = html_string_to_text((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return t;
}

/* The base64 payload of n as text: as_html > 0 read as HTML, 0 as plain
 * text, < 0 as plain text only if it is text at all. */
static char *base64_text(parse_state_t *ps, xmlNode *n, int as_html)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *raw = raw_text(ps, n), *out, *t;
    size_t o = 0;
    unsigned long acc = 0;
    int bits = 0;

    if (raw == NULL)
        return NULL;
    out = malloc(strlen(raw) + 1);
    if (out == NULL) {
        free(raw);
        return NULL;
    }
    for (const char *p = raw; *p && *p != '='; p++) {
        const char *pos = strchr(alphabet, *p);
        if (pos == NULL || *p == '\0')
            continue;
        acc = ((acc << 6) | (unsigned long)(pos - alphabet)) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out[o] = '\0';
    free(raw);
    if (as_html < 0) {
        /* a payload of another media type: text only when it reads as
         * text (valid UTF-8 without control characters), else nothing */
        int ascii;
        for (size_t i = 0; i < o; i++) {
            unsigned char c = (unsigned char)out[i];
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                free(out);
                return NULL;
            }
        }
        if (!valid_utf8(out, o, &ascii)) {
            free(out);
            return NULL;
        }
    }
    if (as_html > 0) {
        t = html_string_to_text(out);
        free(out);
        return t;
    }
    t = idx_item_text(out, o);
    free(out);
    return t;
}

/* TEXT_OTHER: another media type, base64-encoded (RFC 4287 4.1.3.3). */
enum construct { TEXT_PLAIN, TEXT_HTML, TEXT_XHTML, TEXT_OTHER, TEXT_NONE };

/* How an Atom text construct (1.0 type=, 0.3 type= + mode=) is encoded. */
static enum construct atom_construct(xmlNode *n, int *base64)
{
    char *type = attr(n, "type"), *mode = attr(n, "mode"), *src = attr(n, "src");
    enum construct c = TEXT_PLAIN;

    *base64 = mode != NULL && xmlStrcasecmp((xmlChar *)mode,
                                            (const xmlChar *)"base64") == 0;
    if (src != NULL) {
        c = TEXT_NONE;
    } else if (type == NULL || type[0] == '\0' || strcmp(type, "text") == 0 ||
               strcmp(type, "text/plain") == 0) {
        c = TEXT_PLAIN;
    } else if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0) {
        c = TEXT_HTML;
    } else if (strcmp(type, "xhtml") == 0 ||
               strcmp(type, "application/xhtml+xml") == 0) {
        c = TEXT_XHTML;
    } else if (strncmp(type, "text/", 5) == 0) {
        c = TEXT_PLAIN;
    } else if (strstr(type, "xml") != NULL) {
        c = TEXT_XHTML; /* any XML payload: read its markup as text */
    } else {
        c = TEXT_OTHER; /* images, binaries, octet streams: base64 */
    }
    if (mode != NULL && strcmp(mode, "xml") == 0 && c == TEXT_PLAIN)
        c = TEXT_XHTML;
    xmlFree(type);
    xmlFree(mode);
    xmlFree(src);
    return c;
}

/* Text of an Atom text construct (title, summary, content, rights...). */
static char *atom_text(parse_state_t *ps, xmlNode *n, int keep_lines)
{
    int b64;
    char *t;

    if (n == NULL)
        return NULL;
    switch (atom_construct(n, &b64)) {
    case TEXT_HTML:
        return b64 ? base64_text(ps, n, 1) : html_text(ps, n);
    case TEXT_XHTML:
        return xhtml_text(ps, n);
    case TEXT_PLAIN:
        t = b64 ? base64_text(ps, n, 0) : plain_text(ps, n);
        if (!keep_lines)
            collapse_spaces(t);
        return t;
    case TEXT_OTHER:
        t = base64_text(ps, n, -1);
        if (!keep_lines)
            collapse_spaces(t);
        return t;
    default:
        return NULL;
    }
}

/* An RSS title: plain text unless it carries markup. */
static char *rss_title(parse_state_t *ps, xmlNode *n)
{
    char *raw, *t;
    if (n == NULL)
        return NULL;
    raw = raw_text(ps, n);
    if (raw == NULL)
        return NULL;
    t = has_markup(raw) ? html_string_to_text(raw)
                        : idx_item_text(raw, strlen(raw));
    free(raw);
    collapse_spaces(t);
    return t;
}

static char *title_of(parse_state_t *ps, xmlNode *parent)
{
    xmlNode *n = child_el(ps, parent, NULL, "title");
    char *t;

    if (n == NULL && ps->kind != KIND_ATOM)
        n = child_el(ps, parent, NS_DC, "title");
    if (n == NULL && ps->kind != KIND_ATOM)
        n = child_el(ps, parent, NS_MEDIA, "title");
    if (ps->kind == KIND_ATOM) {
        t = atom_text(ps, n, 0);
        collapse_spaces(t);
        return t;
    }
    return rss_title(ps, n);
}

/* ---- links ------------------------------------------------------------- */

/* Resolve href against the xml:base in scope at n (itself resolved
 * against the document), else the document's URL, else the feed's link.
 * Returns malloc'd, or NULL. */
static char *resolve(parse_state_t *ps, xmlNode *n, const char *href)
{
    xmlChar *base, *abs = NULL, *full_base = NULL;
    const char *outer = ps->doc_base ? ps->doc_base : ps->feed_link;
    const xmlChar *use;
    char *clean, *r;

    clean = idx_item_text(href, strlen(href));
    if (clean == NULL)
        return NULL;
    base = xmlNodeGetBase(ps->doc, n);
    if (base != NULL && !has_scheme((const char *)base) && outer != NULL)
        full_base = xmlBuildURI(base, (const xmlChar *)outer);
    use = full_base ? full_base : base ? base : (const xmlChar *)outer;
    if (use != NULL)
        abs = xmlBuildURI((const xmlChar *)clean, use);
    xmlFree(base);
    xmlFree(full_base);
    if (abs == NULL)
        return clean;
    free(clean);
    r = idx_item_text((const char *)abs, (size_t)xmlStrlen(abs));
    xmlFree(abs);
    return r;
}

static int is_alternate_rel(xmlNode *link)
{
    char *rel = attr(link, "rel");
    int r = rel == NULL || strcmp(rel, "alternate") == 0 ||
            strcmp(rel, "http://www.iana.org/assignments/relation/alternate") == 0;
    xmlFree(rel);
    return r;
}

static char *element_link(parse_state_t *ps, xmlNode *n);

/* The alternate link among parent's <link> elements of namespace ns
 * (NULL: the feed's own), preferring an HTML one. */
static char *atom_alternate(parse_state_t *ps, xmlNode *parent, const char *ns)
{
    xmlNode *best = NULL;
    char *href, *r;

    for (xmlNode *c = parent->children; c != NULL; c = c->next) {
        char *type;
        int html;
        if (!is_el(ps, c, ns, "link") || !is_alternate_rel(c))
            continue;
        href = attr(c, "href");
        if (href == NULL && c->children == NULL)
            continue;
        xmlFree(href);
        type = attr(c, "type");
        html = type == NULL || strstr(type, "html") != NULL;
        xmlFree(type);
        if (best == NULL || html) {
            best = c;
            if (html)
                break;
        }
    }
    if (best == NULL)
        return NULL;
    href = attr(best, "href");
    if (href == NULL) /* early Atom 0.3: <link rel="alternate">URL</link> */
        return element_link(ps, best);
    r = resolve(ps, best, href);
    xmlFree(href);
    return r;
}

static char *element_link(parse_state_t *ps, xmlNode *n)
{
    char *raw, *r;
    if (n == NULL)
        return NULL;
    raw = raw_text(ps, n);
    if (raw == NULL)
        return NULL;
    r = resolve(ps, n, raw);
    free(raw);
    return r;
}

static char *link_of(parse_state_t *ps, xmlNode *parent)
{
    char *l;
    if (ps->kind == KIND_ATOM)
        return atom_alternate(ps, parent, NULL);
    if (ps->kind == KIND_CDF) {
        char *href = attr(parent, "href");
        l = href ? resolve(ps, parent, href) : NULL;
        xmlFree(href);
        return l;
    }
    l = element_link(ps, child_el(ps, parent, NULL, "link"));
    if (l == NULL)
        l = atom_alternate(ps, parent, NS_ATOM10);
    return l;
}

static char *host_of(const char *url)
{
    xmlURIPtr u;
    char *h = NULL;

    if (url == NULL)
        return NULL;
    u = xmlParseURI(url);
    if (u == NULL)
        return NULL;
    if (u->server != NULL) {
        h = idx_item_text(u->server, strlen(u->server));
        for (char *p = h; p && *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    xmlFreeURI(u);
    return h;
}

/* ---- other fields ------------------------------------------------------ */

/* Names of Atom persons (author) below parent, joined with ", ". */
static char *atom_authors(parse_state_t *ps, xmlNode *parent)
{
    strbuf_t b = {0};
    char *r;

    for (xmlNode *c = parent->children; c != NULL; c = c->next) {
        char *name;
        if (!is_el(ps, c, NULL, "author"))
            continue;
        name = plain_text(ps, child_el(ps, c, NULL, "name"));
        if (name == NULL)
            name = plain_text(ps, child_el(ps, c, NULL, "email"));
        if (name == NULL)
            name = plain_text(ps, c); /* <author>Name</author> */
        if (name != NULL) {
            if (b.len > 0)
                sb_add(&b, ", ", 2);
            sb_add(&b, name, strlen(name));
            free(name);
        }
    }
    if (b.p == NULL || b.oom) {
        free(b.p);
        return NULL;
    }
    r = idx_item_text(b.p, b.len);
    free(b.p);
    return r;
}

/* Text of every (ns, local) child joined with ", " (dc:creator). */
static char *joined_children(parse_state_t *ps, xmlNode *parent,
                             const char *ns, const char *local)
{
    strbuf_t b = {0};
    char *r;

    for (xmlNode *c = parent->children; c != NULL; c = c->next) {
        char *t;
        if (!is_el(ps, c, ns, local))
            continue;
        t = plain_text(ps, c);
        if (t != NULL) {
            collapse_spaces(t);
            if (b.len > 0)
                sb_add(&b, ", ", 2);
            sb_add(&b, t, strlen(t));
            free(t);
        }
    }
    if (b.p == NULL || b.oom) {
        free(b.p);
        return NULL;
    }
    r = idx_item_text(b.p, b.len);
    free(b.p);
    return r;
}

static char *byline_of(parse_state_t *ps, xmlNode *item)
{
    char *b = NULL;
    if (ps->kind == KIND_ATOM) {
        b = atom_authors(ps, item);
        if (b == NULL) {
            xmlNode *src = child_el(ps, item, NULL, "source");
            if (src != NULL)
                b = atom_authors(ps, src);
        }
        if (b == NULL && ps->feed_author != NULL)
            b = strdup(ps->feed_author);
    } else {
        b = joined_children(ps, item, NULL, "author");
    }
    if (b == NULL)
        b = joined_children(ps, item, NS_DC, "creator");
    if (b == NULL)
        b = joined_children(ps, item, NS_DC, "author");
    if (b == NULL)
        b = joined_children(ps, item, NS_ITUNES, "author");
    collapse_spaces(b);
    return b;
}

typedef struct date_source {
    const char *ns; /* NULL: the feed's own vocabulary */
    const char *local;
} date_source_t;

static void date_of(parse_state_t *ps, xmlNode *item, idx_item_t *it)
{
    static const date_source_t rss_dates[] = {
        {NULL, "pubDate"},     {NS_DC, "date"},        {NS_DCTERMS, "issued"},
        {NS_DCTERMS, "created"}, {NS_ATOM10, "published"}, {NS_DCTERMS, "modified"},
        {NS_ATOM10, "updated"}, {NULL, "lastBuildDate"},
    };
    static const date_source_t atom_dates[] = {
        {NULL, "published"}, {NULL, "issued"},  {NULL, "created"},
        {NS_DC, "date"},     {NULL, "updated"}, {NULL, "modified"},
    };
    const date_source_t *list = ps->kind == KIND_ATOM ? atom_dates : rss_dates;
    size_t n = ps->kind == KIND_ATOM ? sizeof atom_dates / sizeof atom_dates[0]
                                     : sizeof rss_dates / sizeof rss_dates[0];

    if (ps->kind == KIND_CDF) { /* <ITEM LASTMOD="2004-04-06T23:05:43-05:00"> */
        char *v = attr(item, "lastmod");
        it->published_raw = v ? idx_item_text(v, strlen(v)) : NULL;
        xmlFree(v);
        if (it->published_raw == NULL ||
            idx_date_parse(it->published_raw, &it->published) != 0)
            it->published = INT64_MIN;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        xmlNode *d = child_el(ps, item, list[k].ns, list[k].local);
        char *raw = d ? plain_text(ps, d) : NULL;
        if (raw == NULL)
            continue;
        it->published_raw = raw;
        if (idx_date_parse(raw, &it->published) != 0)
            it->published = INT64_MIN;
        return;
    }
}

/* "en_US" -> "en-US": language tags use hyphens. */
static void normalise_lang(char *l)
{
    for (; l != NULL && *l; l++)
        if (*l == '_')
            *l = '-';
}

static char *lang_of(parse_state_t *ps, xmlNode *n, const char *inherited)
{
    xmlChar *l = xmlNodeGetLang(n);
    char *r = NULL;

    if (l != NULL) {
        r = idx_item_text((const char *)l, (size_t)xmlStrlen(l));
        xmlFree(l);
    }
    if (r == NULL)
        r = plain_text(ps, child_el(ps, n, NS_DC, "language"));
    if (r == NULL && inherited != NULL)
        r = strdup(inherited);
    normalise_lang(r);
    return r;
}

/* A title made from the start of a text: up to DERIVED_TITLE_LEN bytes of
 * its first paragraph, cut at a word boundary. */
static char *derive_title(const char *text)
{
    size_t n = strcspn(text, "\n"), cut;
    char *t;

    if (n > DERIVED_TITLE_LEN) {
        cut = DERIVED_TITLE_LEN;
        while (cut > DERIVED_TITLE_LEN / 4 && text[cut] != ' ')
            cut--;
        if (text[cut] != ' ') {
            cut = DERIVED_TITLE_LEN;
            while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
                cut--;
        }
        n = cut;
    }
    t = idx_item_text(text, n);
    collapse_spaces(t);
    return t;
}

/* ---- items --------------------------------------------------------------- */

static int has_element_child(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

static char *body_of(parse_state_t *ps, xmlNode *item)
{
    xmlNode *n;
    if (ps->kind == KIND_ATOM) {
        for (xmlNode *c = item->children; c != NULL; c = c->next) {
            char *t;
            if (!is_el(ps, c, NULL, "content"))
                continue;
            t = atom_text(ps, c, 1);
            if (t != NULL)
                return t;
        }
        n = child_el(ps, item, NS_CONTENT, "encoded");
        return n ? html_text(ps, n) : NULL;
    }
    n = child_el(ps, item, NS_CONTENT, "encoded");
    if (n != NULL)
        return html_text(ps, n);
    n = child_el(ps, item, NS_XHTML, "body");
    if (n == NULL) /* <body> without namespace, and the old <fullitem> */
        n = child_el(ps, item, NULL, "body");
    if (n == NULL)
        n = child_el(ps, item, NULL, "fullitem");
    if (n != NULL)
        return has_element_child(n) ? xhtml_text(ps, n) : html_text(ps, n);
    n = child_el(ps, item, NS_ATOM10, "content");
    return n ? atom_text(ps, n, 1) : NULL;
}

static char *summary_of(parse_state_t *ps, xmlNode *item)
{
    xmlNode *n;
    if (ps->kind == KIND_ATOM)
        return atom_text(ps, child_el(ps, item, NULL, "summary"), 1);
    n = child_el(ps, item, NULL, ps->kind == KIND_CDF ? "abstract" : "description");
    if (n == NULL)
        n = child_el(ps, item, NS_DC, "description");
    if (n != NULL)
        return html_text(ps, n);
    n = child_el(ps, item, NS_ATOM10, "summary");
    if (n != NULL)
        return atom_text(ps, n, 1);
    n = child_el(ps, item, NS_ITUNES, "summary");
    return n ? plain_text(ps, n) : NULL;
}

static char *guid_of(parse_state_t *ps, xmlNode *item, int *permalink)
{
    xmlNode *n;
    char *g, *pl;

    *permalink = 0;
    if (ps->kind == KIND_ATOM) {
        n = child_el(ps, item, NULL, "id");
        g = plain_text(ps, n);
        collapse_spaces(g);
        /* An id written as a path ("/2025/12/post") is a relative IRI:
         * it names the entry at the document's base (RFC 4287 2). Other
         * scheme-less ids are opaque and kept as they are. */
        if (g != NULL && g[0] == '/' && g[1] != '/') {
            char *abs = resolve(ps, n, g);
            if (abs != NULL && has_scheme(abs)) {
                free(g);
                g = abs;
            } else {
                free(abs);
            }
        }
        return g;
    }
    n = child_el(ps, item, NULL, "guid");
    if (n != NULL) {
        g = plain_text(ps, n);
        pl = attr(n, "isPermaLink");
        *permalink = pl == NULL || xmlStrcasecmp((xmlChar *)pl,
                                                 (const xmlChar *)"false") != 0;
        xmlFree(pl);
        if (g != NULL)
            return g;
    }
    if (ps->kind == KIND_RDF) {
        xmlChar *about = xmlGetNsProp(item, (const xmlChar *)"about",
                                      (const xmlChar *)NS_RDF);
        if (about != NULL) {
            g = idx_item_text((const char *)about, (size_t)xmlStrlen(about));
            xmlFree(about);
            return g;
        }
    }
    return NULL;
}

static void parse_item(parse_state_t *ps, xmlNode *node, const idx_feed_t *f,
                       idx_item_t *it, int position)
{
    xmlNode *orig;
    int permalink;

    memset(it, 0, sizeof *it);
    it->published = INT64_MIN;
    it->position = position;
    it->guid = guid_of(ps, node, &permalink);
    orig = child_el(ps, node, NS_FEEDBURNER, "origLink");
    if (orig != NULL)
        it->url = element_link(ps, orig);
    if (it->url == NULL)
        it->url = link_of(ps, node);
    if (it->url == NULL && permalink && is_http_url(it->guid))
        it->url = strdup(it->guid);
    it->title = title_of(ps, node);
    it->byline = byline_of(ps, node);
    it->summary = summary_of(ps, node);
    it->body = body_of(ps, node);
    date_of(ps, node, it);
    it->lang = lang_of(ps, node, f->lang);
    if (f->title != NULL)
        it->source = strdup(f->title);
    it->source_site = host_of(f->link);
    if (it->title == NULL && it->summary != NULL)
        it->title = derive_title(it->summary);
    if (it->title == NULL && it->body != NULL)
        it->title = derive_title(it->body);
    if (!is_http_url(it->url))
        it->reject = "no link";
    else if (it->title == NULL)
        it->reject = "no title";
}

/* ---- document ------------------------------------------------------------ */

static int add_item(idx_feed_t *f, size_t *cap)
{
    idx_item_t *ni;
    if (f->n_items < *cap)
        return 0;
    *cap = *cap ? *cap * 2 : 16;
    ni = realloc(f->items, *cap * sizeof *ni);
    if (ni == NULL)
        return -1;
    f->items = ni;
    return 0;
}

static int parse_items(parse_state_t *ps, idx_feed_t *f, xmlNode *container,
                       const char *local, size_t *cap)
{
    for (xmlNode *c = container ? container->children : NULL; c; c = c->next) {
        if (!is_el(ps, c, NULL, local))
            continue;
        if (add_item(f, cap) != 0)
            return -1;
        parse_item(ps, c, f, &f->items[f->n_items], (int)f->n_items + 1);
        f->n_items++;
    }
    return 0;
}

static char *format_name(parse_state_t *ps, xmlNode *root, xmlNode *channel)
{
    char *version = attr(root, "version"), *r;
    const char *href;

    if (ps->kind == KIND_RDF) {
        href = channel ? ns_of(channel) : NULL;
        r = strdup(href && strcmp(href, NS_RSS090) == 0 ? "rss0.90" : "rss1.0");
    } else if (ps->kind == KIND_ATOM) {
        r = strdup(ps->atom03 ? "atom0.3" : "atom1.0");
    } else if (ps->kind == KIND_CDF) {
        r = strdup("cdf");
    } else if (version != NULL && strlen(version) < 16) {
        r = dup_printf("rss%s", version);
    } else {
        r = strdup("rss");
    }
    xmlFree(version);
    return r;
}

static int fill_feed(parse_state_t *ps, xmlNode *root, idx_feed_t *f)
{
    xmlNode *channel = root;
    size_t cap = 0;
    int rc = 0;

    if (ps->kind == KIND_RSS || ps->kind == KIND_RDF)
        channel = child_el(ps, root, NULL, "channel");
    f->format = format_name(ps, root, channel);
    if (channel != NULL) {
        f->title = title_of(ps, channel);
        f->link = link_of(ps, channel);
        if (ps->kind == KIND_RSS) {
            f->lang = plain_text(ps, child_el(ps, channel, NULL, "language"));
            if (f->lang == NULL)
                f->lang = lang_of(ps, channel, NULL);
            normalise_lang(f->lang);
        } else {
            f->lang = lang_of(ps, channel, NULL);
        }
        if (ps->kind == KIND_ATOM)
            ps->feed_author = atom_authors(ps, channel);
    }
    if (f->link != NULL && is_http_url(f->link))
        ps->feed_link = strdup(f->link);
    if (ps->kind == KIND_ATOM) {
        rc = parse_items(ps, f, root, "entry", &cap);
    } else {
        /* RSS 1.0 keeps items beside the channel; some 0.9x feeds too. */
        rc = parse_items(ps, f, channel, "item", &cap);
        if (rc == 0 && channel != root)
            rc = parse_items(ps, f, root, "item", &cap);
    }
    return rc;
}

static int classify_root(parse_state_t *ps, xmlNode *root)
{
    const char *href = ns_of(root);
    const char *name = (const char *)root->name;

    ps->root_ns = href;
    if (xmlStrcasecmp((const xmlChar *)name, (const xmlChar *)"rss") == 0) {
        ps->kind = KIND_RSS;
    } else if (strcmp(name, "RDF") == 0) {
        ps->kind = KIND_RDF;
    } else if (strcmp(name, "feed") == 0 &&
               (href == NULL || same_ns(href, NS_ATOM10) || same_ns(href, NS_ATOM03) ||
                xmlHasProp(root, (const xmlChar *)"version") != NULL)) {
        /* Atom, or one of its pre-standard drafts (echo, necho...) under
         * another namespace: those always wrote a version attribute */
        ps->kind = KIND_ATOM;
        if (href != NULL && (same_ns(href, NS_ATOM10) || same_ns(href, NS_ATOM03)))
            ps->atom03 = same_ns(href, NS_ATOM03);
        else
            ps->atom03 = attr_is(root, "version", "0.3") || href != NULL;
    } else if (xmlStrcasecmp((const xmlChar *)name, (const xmlChar *)"channel") == 0 &&
               href == NULL) {
        ps->kind = KIND_CDF;
    } else {
        return -1;
    }
    return 0;
}

static int only_space(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_space_byte((unsigned char)buf[i]))
            return 0;
    return 1;
}

void idx_feed_free(idx_feed_t *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n_items; i++)
        idx_item_clear(&f->items[i]);
    free(f->items);
    free(f->format);
    free(f->title);
    free(f->link);
    free(f->lang);
    free(f->warnings);
    free(f->encoding);
    free(f);
}

/* Is the Content-Type's media type one a feed may be served as? */
static int xml_media_type(const char *ct)
{
    size_t n = strcspn(ct, "; \t");
    for (size_t i = 0; i + 3 <= n; i++)
        if (xmlStrncasecmp((const xmlChar *)ct + i, (const xmlChar *)"xml", 3) == 0)
            return 1;
    return n == 0;
}

/* The document's URL: Content-Location resolved against the name, when it
 * is an http(s) URL (a javascript: or other scheme is ignored), else the
 * name when that is one. */
static char *document_base(const char *name, const idx_feed_http_t *http)
{
    const char *loc = http ? http->content_location : NULL;
    xmlChar *abs = NULL;
    char *r;

    if (loc != NULL && *loc != '\0') {
        if (is_http_url(name))
            abs = xmlBuildURI((const xmlChar *)loc, (const xmlChar *)name);
        else if (is_http_url(loc))
            abs = xmlStrdup((const xmlChar *)loc);
        if (abs != NULL && is_http_url((const char *)abs)) {
            r = strdup((const char *)abs);
            xmlFree(abs);
            return r;
        }
        xmlFree(abs);
    }
    return is_http_url(name) ? strdup(name) : NULL;
}

int idx_feed_parse(const char *buf, size_t len, const char *name,
                   idx_feed_t **out, char **errmsg)
{
    return idx_feed_parse_http(buf, len, name, NULL, out, errmsg);
}

int idx_feed_parse_http(const char *buf, size_t len, const char *name,
                        const idx_feed_http_t *http, idx_feed_t **out,
                        char **errmsg)
{
    parse_state_t ps;
    xmlParserCtxtPtr ctxt = NULL;
    xmlNode *root;
    idx_feed_t *f = NULL;
    char *repaired = NULL, *decoded = NULL;
    size_t repaired_len = 0, decoded_len = 0;
    char *err = NULL;
    int rc = -1;

    memset(&ps, 0, sizeof ps);
    ps.name = name ? name : "(feed)";
    if (out)
        *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (buf != NULL && len > FEED_MAX_DOC) {
        err = dup_printf("%s: document too large (%zu bytes; the limit is 64 MiB)",
                         ps.name, len);
        goto done;
    }
    if (buf == NULL || len == 0 || only_space(buf, len)) {
        err = dup_printf("%s: empty document", ps.name);
        goto done;
    }
    if (http != NULL && http->content_type != NULL &&
        !xml_media_type(http->content_type))
        add_warning(&ps, 0, "served as %.*s, read as XML",
                    (int)strcspn(http->content_type, "; \t"), http->content_type);
    if (decode_document(&ps, buf, len, http ? http->content_type : NULL,
                        &decoded, &decoded_len) != 0)
        goto oom;
    buf = decoded;
    len = decoded_len;
    ps.doc_base = document_base(ps.name, http);
    if (repair_document(&ps, buf, len, &repaired, &repaired_len) != 0)
        goto oom;
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || ctxt->sax == NULL)
        goto oom;
    ctxt->_private = &ps;
    ctxt->sax->serror = on_xml_error;
    ps.doc = xmlCtxtReadMemory(ctxt, repaired ? repaired : buf,
                               (int)(repaired ? repaired_len : len), NULL, "UTF-8",
                               XML_PARSE_NONET | XML_PARSE_RECOVER |
                                   XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC);
    root = ps.doc ? xmlDocGetRootElement(ps.doc) : NULL;
    if (root == NULL) {
        if (ps.first_error != NULL)
            err = dup_printf("%s: not XML: %s at line %d", ps.name,
                             ps.first_error, ps.first_error_line);
        else
            err = dup_printf("%s: empty document", ps.name);
        goto done;
    }
    if (classify_root(&ps, root) != 0) {
        if (root->ns != NULL && root->ns->prefix != NULL)
            err = dup_printf("%s: not an RSS or Atom feed (root element <%s:%s>)",
                             ps.name, root->ns->prefix, root->name);
        else
            err = dup_printf("%s: not an RSS or Atom feed (root element <%s>)",
                             ps.name, root->name);
        goto done;
    }
    f = calloc(1, sizeof *f);
    if (f == NULL || fill_feed(&ps, root, f) != 0)
        goto oom;
    if (f->lang == NULL && http != NULL && http->content_language != NULL) {
        f->lang = idx_item_text(http->content_language,
                                strcspn(http->content_language, ","));
        normalise_lang(f->lang);
        for (size_t i = 0; i < f->n_items; i++)
            if (f->items[i].lang == NULL && f->lang != NULL)
                f->items[i].lang = strdup(f->lang);
    }
    f->encoding = ps.encoding;
    ps.encoding = NULL;
    if (ps.n_warnings > FEED_MAX_WARNINGS)
        sb_addf(&ps.warnings, "; and %d more", ps.n_warnings - FEED_MAX_WARNINGS);
    if (ps.warnings.oom)
        goto oom;
    f->warnings = ps.warnings.p;
    ps.warnings.p = NULL;
    if (out)
        *out = f;
    else
        idx_feed_free(f);
    f = NULL;
    rc = 0;
    goto done;
oom:
    err = dup_printf("%s: out of memory", ps.name);
done:
    idx_feed_free(f);
    if (ps.doc != NULL)
        xmlFreeDoc(ps.doc);
    if (ctxt != NULL)
        xmlFreeParserCtxt(ctxt);
    free(repaired);
    free(decoded);
    free(ps.encoding);
    free(ps.doc_base);
    free(ps.warnings.p);
    free(ps.first_error);
    free(ps.feed_link);
    free(ps.feed_author);
    if (rc != 0 && errmsg != NULL)
        *errmsg = err;
    else
        free(err);
    return rc;
}
