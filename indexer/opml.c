/*
 * opml.c - OPML subscription lists in and out.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "opml.h"

static char *
message(const char *name, const char *what)
{
    size_t n = strlen(name) + strlen(what) + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s: %s", name, what);
    return s;
}

/* The text of an attribute's children: text as decoded by the parser, a
 * reference to a user-defined entity kept as "&name;" (never expanded, so
 * neither an external entity nor an entity bomb can reach us). Malloc'd or
 * NULL. */
static char *
attr_text(xmlNode *kids)
{
    size_t len = 0, cap = 64;
    char *s = malloc(cap), *p;

    if (!s)
        return NULL;
    s[0] = '\0';
    for (xmlNode *k = kids; k; k = k->next) {
        const char *piece = NULL;
        char ref[128];
        size_t n;
        if (k->type == XML_TEXT_NODE && k->content) {
            piece = (const char *)k->content;
        } else if (k->type == XML_ENTITY_REF_NODE && k->name) {
            snprintf(ref, sizeof ref, "&%.100s;", (const char *)k->name);
            piece = ref;
        }
        if (!piece)
            continue;
        n = strlen(piece);
        if (len + n + 1 > cap) {
            while (len + n + 1 > cap)
                cap *= 2;
            p = realloc(s, cap);
            if (!p) {
                free(s);
                return NULL;
            }
            s = p;
        }
        memcpy(s + len, piece, n + 1);
        len += n;
    }
    return s;
}

/* An attribute by name, compared without case; malloc'd trimmed copy or
 * NULL when absent or blank. */
static char *
attr(xmlNode *node, const char *name)
{
    for (xmlAttr *a = node->properties; a; a = a->next) {
        char *v, *s, *p, *e;
        if (!a->name || strcasecmp((const char *)a->name, name) != 0)
            continue;
        v = attr_text(a->children);
        if (!v)
            return NULL;
        for (p = v; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
            ;
        e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            e--;
        s = e > p ? strndup(p, (size_t)(e - p)) : NULL;
        free(v);
        return s;
    }
    return NULL;
}

typedef struct collect {
    idx_opml_feed_t *v;
    size_t n, cap;
    int oom;
} collect_t;

static void
walk(xmlNode *node, const char *category, collect_t *c)
{
    for (xmlNode *k = node; k && !c->oom; k = k->next) {
        char *url, *label;
        if (k->type != XML_ELEMENT_NODE || !k->name ||
            strcasecmp((const char *)k->name, "outline") != 0)
            continue;
        url = attr(k, "xmlUrl");
        label = attr(k, "title");
        if (!label)
            label = attr(k, "text");
        if (url) {
            if (c->n == c->cap) {
                idx_opml_feed_t *p = realloc(c->v, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof *p);
                if (!p) {
                    c->oom = 1;
                    free(url);
                    free(label);
                    return;
                }
                c->v = p;
            }
            c->v[c->n].url = url;
            c->v[c->n].title = label;
            c->v[c->n].html_url = attr(k, "htmlUrl");
            c->v[c->n].category = category ? strdup(category) : NULL;
            c->n++;
            label = NULL;
        }
        if (k->children) {
            /* a folder: its label becomes part of the category path */
            char *sub = NULL;
            if (label) {
                size_t n = (category ? strlen(category) + 1 : 0) + strlen(label) + 1;
                sub = malloc(n);
                if (sub)
                    snprintf(sub, n, "%s%s%s", category ? category : "",
                             category ? "/" : "", label);
            }
            walk(k->children, sub ? sub : category, c);
            free(sub);
        }
        free(label);
    }
}

int
idx_opml_parse(const char *buf, size_t len, const char *name,
               idx_opml_feed_t **out, size_t *n, char **errmsg)
{
    xmlDoc *doc;
    xmlNode *root;
    collect_t c = { NULL, 0, 0, 0 };

    *out = NULL;
    *n = 0;
    if (errmsg)
        *errmsg = NULL;
    if (!name)
        name = "OPML";
    if (len > (size_t)INT32_MAX) {
        if (errmsg)
            *errmsg = message(name, "too large");
        return -1;
    }
    doc = xmlReadMemory(buf, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_NOCDATA);
    if (!doc) {
        if (errmsg)
            *errmsg = message(name, "not well-formed XML (not an OPML file)");
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !root->name || strcasecmp((const char *)root->name, "opml") != 0) {
        if (errmsg)
            *errmsg = message(name, "not an OPML file (the root element is not <opml>)");
        xmlFreeDoc(doc);
        return -1;
    }
    for (xmlNode *k = root->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && k->name &&
            strcasecmp((const char *)k->name, "body") == 0)
            walk(k->children, NULL, &c);
    xmlFreeDoc(doc);
    if (c.oom) {
        idx_opml_free(c.v, c.n);
        if (errmsg)
            *errmsg = message(name, "out of memory");
        return -1;
    }
    *out = c.v;
    *n = c.n;
    return 0;
}

void
idx_opml_free(idx_opml_feed_t *feeds, size_t n)
{
    if (!feeds)
        return;
    for (size_t i = 0; i < n; i++) {
        free(feeds[i].url);
        free(feeds[i].title);
        free(feeds[i].html_url);
        free(feeds[i].category);
    }
    free(feeds);
}

/* Write s with the five XML specials escaped (and control characters,
 * which XML 1.0 cannot carry, dropped). */
static void
put_escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\t': fputs("&#9;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if ((unsigned char)*s >= 0x20)
                fputc(*s, f);
        }
    }
}

int
idx_opml_write(FILE *f, const idx_opml_feed_t *feeds, size_t n,
               const char *title, int64_t created)
{
    char date[64];
    time_t t = (time_t)created;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n"
          "    <title>", f);
    put_escaped(f, title ? title : "newsarchive feeds");
    fprintf(f, "</title>\n    <dateCreated>%s</dateCreated>\n  </head>\n  <body>\n", date);
    for (size_t i = 0; i < n; i++) {
        const char *label = feeds[i].title ? feeds[i].title : feeds[i].url;
        fputs("    <outline type=\"rss\" text=\"", f);
        put_escaped(f, label);
        fputs("\" title=\"", f);
        put_escaped(f, label);
        fputs("\" xmlUrl=\"", f);
        put_escaped(f, feeds[i].url);
        if (feeds[i].html_url) {
            fputs("\" htmlUrl=\"", f);
            put_escaped(f, feeds[i].html_url);
        }
        fputs("\"/>\n", f);
    }
    fputs("  </body>\n</opml>\n", f);
    return ferror(f) ? -1 : 0;
}
