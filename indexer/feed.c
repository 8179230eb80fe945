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
 * Before libxml2 sees the bytes, a repair pass rewrites the two mistakes
 * real feeds make most: HTML entities (&nbsp; &eacute;) that XML does not
 * define become numeric references, and a bare '&' becomes &amp;. Both are
 * reported in feed->warnings. Documents that declare their own entities
 * (<!ENTITY) or are not ASCII-compatible are left untouched.
 */
#include "feed.h"

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

enum feed_kind { KIND_RSS, KIND_RDF, KIND_ATOM };

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
    xmlDocPtr doc;
    strbuf_t warnings;
    int n_warnings;
    char *first_error; /* libxml2's first error message, for "not XML" */
    int first_error_line;
    char *feed_link;   /* absolute channel/feed link, base of last resort */
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
static int in_core(const parse_state_t *ps, const xmlNode *n)
{
    const char *href = ns_of(n);
    if (href == NULL)
        return 1;
    if (ps->kind == KIND_ATOM)
        return strcmp(href, NS_ATOM10) == 0 || strcmp(href, NS_ATOM03) == 0;
    return strcmp(href, NS_RSS10) == 0 || strcmp(href, NS_RSS090) == 0 ||
           strcmp(href, "http://backend.userland.com/rss2") == 0 ||
           strcmp(href, "http://backend.userland.com/rss") == 0 ||
           strcmp(href, "http://blogs.law.harvard.edu/tech/rss") == 0;
}

/* ns NULL: the feed's own vocabulary. */
static int is_el(const parse_state_t *ps, const xmlNode *n, const char *ns,
                 const char *local)
{
    const char *href;
    if (n == NULL || n->type != XML_ELEMENT_NODE ||
        strcmp((const char *)n->name, local) != 0)
        return 0;
    if (ns == NULL)
        return in_core(ps, n);
    href = ns_of(n);
    return href != NULL && strcmp(href, ns) == 0;
}

static xmlNode *child_el(const parse_state_t *ps, const xmlNode *parent,
                         const char *ns, const char *local)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (is_el(ps, c, ns, local))
            return c;
    return NULL;
}

/* The attribute without namespace, or NULL; caller xmlFree()s. */
static char *attr(xmlNode *n, const char *name)
{
    return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
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
    if (as_html) {
        t = html_string_to_text(out);
        free(out);
        return t;
    }
    t = idx_item_text(out, o);
    free(out);
    return t;
}

enum construct { TEXT_PLAIN, TEXT_HTML, TEXT_XHTML, TEXT_NONE };

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
        c = TEXT_NONE; /* images, binaries */
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
    if (ps->kind == KIND_ATOM) {
        t = atom_text(ps, n, 0);
        collapse_spaces(t);
        return t;
    }
    return rss_title(ps, n);
}

/* ---- links ------------------------------------------------------------- */

/* Resolve href against the xml:base in scope at n, else the feed link,
 * else the document name. Returns malloc'd, or NULL. */
static char *resolve(parse_state_t *ps, xmlNode *n, const char *href)
{
    xmlChar *base, *abs = NULL;
    char *clean, *r;

    clean = idx_item_text(href, strlen(href));
    if (clean == NULL)
        return NULL;
    base = xmlNodeGetBase(ps->doc, n);
    if (base != NULL)
        abs = xmlBuildURI((const xmlChar *)clean, base);
    else if (ps->feed_link != NULL)
        abs = xmlBuildURI((const xmlChar *)clean,
                          (const xmlChar *)ps->feed_link);
    else if (is_http_url(ps->name))
        abs = xmlBuildURI((const xmlChar *)clean, (const xmlChar *)ps->name);
    xmlFree(base);
    if (abs != NULL && ps->feed_link != NULL && !has_scheme((char *)abs)) {
        /* a relative xml:base: resolve the result against the feed */
        xmlChar *again = xmlBuildURI(abs, (const xmlChar *)ps->feed_link);
        if (again != NULL) {
            xmlFree(abs);
            abs = again;
        }
    }
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
        if (href == NULL) {
            continue;
        }
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
    if (n != NULL)
        return xhtml_text(ps, n);
    n = child_el(ps, item, NS_ATOM10, "content");
    return n ? atom_text(ps, n, 1) : NULL;
}

static char *summary_of(parse_state_t *ps, xmlNode *item)
{
    xmlNode *n;
    if (ps->kind == KIND_ATOM)
        return atom_text(ps, child_el(ps, item, NULL, "summary"), 1);
    n = child_el(ps, item, NULL, "description");
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
        g = plain_text(ps, child_el(ps, item, NULL, "id"));
        collapse_spaces(g);
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

    if (ps->kind != KIND_ATOM)
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
        if (rc == 0)
            rc = parse_items(ps, f, root, "item", &cap);
    }
    return rc;
}

static int classify_root(parse_state_t *ps, xmlNode *root)
{
    const char *href = ns_of(root);
    const char *name = (const char *)root->name;

    if (strcmp(name, "rss") == 0) {
        ps->kind = KIND_RSS;
    } else if (strcmp(name, "RDF") == 0) {
        ps->kind = KIND_RDF;
    } else if (strcmp(name, "feed") == 0 &&
               (href == NULL || strcmp(href, NS_ATOM10) == 0 ||
                strcmp(href, NS_ATOM03) == 0)) {
        ps->kind = KIND_ATOM;
        if (href != NULL)
            ps->atom03 = strcmp(href, NS_ATOM03) == 0;
        else
            ps->atom03 = attr_is(root, "version", "0.3");
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
    free(f);
}

int idx_feed_parse(const char *buf, size_t len, const char *name,
                   idx_feed_t **out, char **errmsg)
{
    parse_state_t ps;
    xmlParserCtxtPtr ctxt = NULL;
    xmlNode *root;
    idx_feed_t *f = NULL;
    char *repaired = NULL;
    size_t repaired_len = 0;
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
    if (repair_document(&ps, buf, len, &repaired, &repaired_len) != 0)
        goto oom;
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || ctxt->sax == NULL)
        goto oom;
    ctxt->_private = &ps;
    ctxt->sax->serror = on_xml_error;
    ps.doc = xmlCtxtReadMemory(ctxt, repaired ? repaired : buf,
                               (int)(repaired ? repaired_len : len), NULL, NULL,
                               XML_PARSE_NONET | XML_PARSE_RECOVER |
                                   XML_PARSE_NOCDATA);
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
