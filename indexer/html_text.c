/*
 * html_text.c - idx_html_to_text: HTML (a fragment or a whole page) to
 * plain text, using libxml2's forgiving HTML parser.
 *
 * The parse tree is walked without recursion (pages can nest thousands of
 * elements deep). Text is collected into a buffer with a "pending
 * separator" that is only written once more text follows, which collapses
 * whitespace runs and trims both ends in one pass.
 */
#include "feed.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* Output never grows past this (bytes). */
#define HTML_TEXT_MAX_OUT ((size_t)16 * 1024 * 1024)
/* Input beyond this is ignored: such pages are not articles. */
#define HTML_TEXT_MAX_IN ((size_t)64 * 1024 * 1024)

enum { SEP_NONE, SEP_SPACE, SEP_LINE, SEP_PARAGRAPH };

typedef struct text_buf {
    char *p;
    size_t len, cap;
    int pending; /* separator owed before the next text */
    int full;    /* output cap reached: ignore everything else */
    int oom;
} text_buf_t;

/* <embed> is a void element: it has no contents to drop, and listing it
 * here would drop the text that follows an unclosed <embed ...> (libxml2
 * nests it there). Its own attributes never produce text anyway. */
/* <object> and <applet> are not here: no plugin runs any more, so their
 * fallback content is what readers see. <math> is the formula's text. */
static const char *const dropped_elements[] = {
    "script", "style", "iframe", "noscript", "template", "svg",
    "form", "nav", "aside", "footer", "head",
    "select", "textarea", "button",
};

static const char *const block_elements[] = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "tr", "section", "article", "pre", "ul", "ol",
    "dl", "dt", "dd", "table", "figure", "figcaption", "hr", "main",
    "header", "address", "caption", "details", "summary", "center",
};

static int name_in(const xmlChar *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0)
            return 1;
    return 0;
}

static int is_dropped(const xmlNode *n)
{
    return name_in(n->name, dropped_elements,
                   sizeof dropped_elements / sizeof dropped_elements[0]);
}

static int is_block(const xmlNode *n)
{
    return name_in(n->name, block_elements,
                   sizeof block_elements / sizeof block_elements[0]);
}

/* Elements whose content stands apart from the words around it: table
 * cells, and the fallback content of an object or applet. */
static int is_cell(const xmlNode *n)
{
    return xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
           xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0 ||
           xmlStrcasecmp(n->name, (const xmlChar *)"object") == 0 ||
           xmlStrcasecmp(n->name, (const xmlChar *)"applet") == 0;
}

static void owe(text_buf_t *b, int sep)
{
    if (sep > b->pending)
        b->pending = sep;
}

/* Make room for `extra` more bytes plus a NUL; sets full/oom on failure. */
static int reserve(text_buf_t *b, size_t extra)
{
    size_t want;
    char *np;

    if (b->full || b->oom)
        return -1;
    if (b->len + extra > HTML_TEXT_MAX_OUT) {
        b->full = 1;
        return -1;
    }
    want = b->len + extra + 1;
    if (want <= b->cap)
        return 0;
    if (want < b->cap * 2)
        want = b->cap * 2;
    if (want < 256)
        want = 256;
    np = realloc(b->p, want);
    if (np == NULL) {
        b->oom = 1;
        return -1;
    }
    b->p = np;
    b->cap = want;
    return 0;
}

static void flush_separator(text_buf_t *b)
{
    static const char *const seps[] = {"", " ", "\n", "\n\n"};
    size_t n;

    if (b->len == 0 || b->pending == SEP_NONE) {
        b->pending = SEP_NONE;
        return;
    }
    n = strlen(seps[b->pending]);
    if (reserve(b, n) != 0)
        return;
    memcpy(b->p + b->len, seps[b->pending], n);
    b->len += n;
    b->pending = SEP_NONE;
}

static int is_html_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Append a text node's content; inside <pre> line breaks are kept. */
static void add_text(text_buf_t *b, const unsigned char *s, int in_pre)
{
    size_t i = 0;

    while (s[i] != '\0' && !b->full && !b->oom) {
        size_t run = 0;
        if (is_html_space(s[i])) {
            owe(b, in_pre && s[i] == '\n' ? SEP_LINE : SEP_SPACE);
            i++;
            continue;
        }
        while (s[i + run] != '\0' && !is_html_space(s[i + run]))
            run++;
        flush_separator(b);
        if (reserve(b, run) != 0) {
            /* Take what fits, ending on a character boundary. */
            size_t room = HTML_TEXT_MAX_OUT - b->len;
            if (b->oom || room >= run)
                return;
            while (room > 0 && (s[i + room] & 0xC0) == 0x80)
                room--;
            b->full = 0;
            if (room > 0 && reserve(b, room) == 0) {
                memcpy(b->p + b->len, s + i, room);
                b->len += room;
            }
            b->full = 1;
            return;
        }
        memcpy(b->p + b->len, s + i, run);
        b->len += run;
        i += run;
    }
}

/* Entering a node: returns 1 when its children should be visited. */
static int enter_node(text_buf_t *b, xmlNode *n, int *pre_depth)
{
    switch (n->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (n->content != NULL)
            add_text(b, n->content, *pre_depth > 0);
        return 0;
    case XML_ELEMENT_NODE:
        if (is_dropped(n)) {
            /* replaced content (iframe, svg, form...) stands between words;
             * script, style and template are not rendered at all */
            if (xmlStrcasecmp(n->name, (const xmlChar *)"script") != 0 &&
                xmlStrcasecmp(n->name, (const xmlChar *)"style") != 0 &&
                xmlStrcasecmp(n->name, (const xmlChar *)"template") != 0)
                owe(b, SEP_SPACE);
            return 0;
        }
        if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
            /* two line breaks in a row separate paragraphs */
            owe(b, b->pending == SEP_LINE ? SEP_PARAGRAPH : SEP_LINE);
            return 0;
        }
        if (is_block(n))
            owe(b, SEP_PARAGRAPH);
        else if (is_cell(n))
            owe(b, SEP_SPACE);
        if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0)
            (*pre_depth)++;
        return 1;
    default:
        return 0;
    }
}

static void leave_node(text_buf_t *b, xmlNode *n, int *pre_depth)
{
    if (n->type != XML_ELEMENT_NODE)
        return;
    if (is_block(n))
        owe(b, SEP_PARAGRAPH);
    else if (is_cell(n))
        owe(b, SEP_SPACE);
    if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0 && *pre_depth > 0)
        (*pre_depth)--;
}

static void walk(text_buf_t *b, xmlNode *top)
{
    xmlNode *n = top->children;
    int pre_depth = 0;

    while (n != NULL && !b->full && !b->oom) {
        int descend = enter_node(b, n, &pre_depth);
        if (descend && n->children != NULL) {
            n = n->children;
            continue;
        }
        if (descend)
            leave_node(b, n, &pre_depth);
        while (n != NULL && n->next == NULL) {
            n = n->parent;
            if (n == NULL || n == top) {
                n = NULL;
                break;
            }
            leave_node(b, n, &pre_depth);
        }
        if (n != NULL)
            n = n->next;
    }
}

static int has_c1_controls(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F)
            return 1;
    return 0;
}

char *idx_html_to_text(const char *html, size_t len)
{
    text_buf_t b = {0};
    char *clean;
    htmlDocPtr doc = NULL;

    if (html != NULL && len > 0) {
        if (len > HTML_TEXT_MAX_IN)
            len = HTML_TEXT_MAX_IN;
        /* libxml2 stops at the first invalid UTF-8 byte when told the
         * input is UTF-8, so make it valid first. */
        clean = idx_item_text(html, len);
        if (clean != NULL && strlen(clean) <= (size_t)INT_MAX) {
            doc = htmlReadMemory(clean, (int)strlen(clean), NULL, "UTF-8",
                                 HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                     HTML_PARSE_NOWARNING |
                                     HTML_PARSE_RECOVER);
        }
        free(clean);
    }
    if (doc != NULL) {
        walk(&b, (xmlNode *)doc);
        xmlFreeDoc(doc);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    if (b.p == NULL)
        return calloc(1, 1);
    b.p[b.len] = '\0';
    if (has_c1_controls(b.p, b.len)) {
        /* &#146; and friends: idx_item_text maps them to what
         * windows-1252 meant (rare, so the copy is only made then) */
        char *mapped = idx_item_text(b.p, b.len);
        if (mapped != NULL) {
            free(b.p);
            return mapped;
        }
    }
    return b.p;
}
