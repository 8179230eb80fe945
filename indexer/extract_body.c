/*
 * extract_body.c - the main text of a news page by content scoring.
 *
 * 1. Prune: subtrees that never hold article text are unlinked (script,
 *    style, iframe, forms' controls, nav, aside, hidden elements ...);
 *    elements whose class/id/role words name boilerplate (comment, related,
 *    share, cookie, newsletter, promo, ad ...) are marked negative.
 * 2. Measure: every element gets its subtree's text and link length, and
 *    every block its own inline text (the runs of text directly inside it,
 *    through inline elements only).
 * 3. Score: each block with enough own text scores by length and commas,
 *    damped by its link density; the score flows to a few ancestors with a
 *    decay. A container's final score is that sum times (1 - link density)
 *    plus class/id and tag hints (<article>, <main>, itemprop=articleBody).
 * 4. Choose: the best container; climb while the parent holds much more
 *    good paragraph text; add siblings that score well.
 * 5. Emit: the text of blocks inside the chosen containers, one paragraph
 *    per block, skipping negative subtrees, link lists, headlines and
 *    captions, and paragraphs that are only links.
 * Every walk is bounded by MAX_DEPTH, so malformed deep markup cannot
 * exhaust the stack.
 */
#include "extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 600
#define MIN_BLOCK 25         /* chars of own text for a block to score */
#define GOOD_BLOCK 80        /* chars of own text for "good" paragraph text */

typedef struct nstat {
    double acc;          /* score gathered from blocks below */
    double score;        /* final candidate score */
    long text;           /* chars of text in the subtree */
    long link;           /* chars of text inside <a> in the subtree */
    long own;            /* chars of own inline text (blocks) */
    long own_link;
    long own_commas;
    long good;           /* chars of good paragraph text in the subtree */
    long rawgood;        /* the same, before negative regions are known */
    int neg;             /* class/id names boilerplate */
    int pos;             /* class/id names content */
    int inneg;           /* this or an ancestor is negative */
    int block;
} nstat_t;

typedef struct ctx {
    nstat_t *st;
    size_t n_st, cap_st;
    int oom;
} ctx_t;

static nstat_t *S(xmlNodePtr n)
{
    return (nstat_t *)n->_private;
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name &&
           strcasecmp((const char *)n->name, name) == 0;
}

static int in_list(const char *name, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcasecmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* Elements whose content is never article text. */
static const char *const junk_tags[] = {
    "script", "style", "noscript", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "template", "button", "input",
    "select", "option", "textarea", "nav", "aside", "dialog", "menu", "video",
    "audio", "source", "track", "map", "link", "meta", "head", "picture",
    "noembed", "footer", "img", "figcaption", "label", "datalist", "output",
    "progress", "meter", NULL};

static const char *const inline_tags[] = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em",
    "font", "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
    "sub", "sup", "time", "tt", "u", "var", "wbr", "del", "ins", "big",
    "strike", "nobr", "acronym", NULL};

/* Words of class/id/role that name boilerplate: exact words, and prefixes. */
static const char *const neg_exact[] = {
    "ad", "ads", "adv", "nav", "menu", "tags", "tag", "rail", "popup", "modal",
    "overlay", "widget", "masthead", "toolbar", "pagination", "pager", "skip",
    "print", "more", "trending", "popular", "mostread", "most",
    "byline", "dateline", "author", "bio", "caption", "credit", "credits",
    "disclaimer", "copyright", "meta", "rating", "login", "signin", "footnote",
    "topics", "keywords", "embed", "video", "gallery", "slideshow", "timestamp",
    "outbrain", "taboola", "zergnet", "sr", "visually", "screen",
    NULL};
static const char *const neg_prefix[] = {
    "comment", "related", "sidebar", "share", "sharing", "social", "newsletter",
    "cookie", "consent", "gdpr", "promo", "advert", "sponsor", "subscri",
    "recommend", "breadcrumb", "footer", "navigation", "navbar", "banner",
    "signup", "paywall-promo", "readmore", "read-more", "next-article",
    "newsfeed", "inline-ad", "adslot", "adunit", "dfp", "teaser", NULL};
static const char *const pos_exact[] = {
    "article", "content", "story", "body", "post", "entry", "main", "text",
    "prose", "articlebody", "storybody", "blog", "paragraph", "rich", NULL};

/* Count boilerplate and content words in one attribute value. */
static void class_words(const char *v, int *neg, int *pos)
{
    char w[64];
    while (*v) {
        size_t n = 0;
        while (*v && !((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
                       (*v >= '0' && *v <= '9')))
            v++;
        while ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
               (*v >= '0' && *v <= '9')) {
            if (n < sizeof w - 1) {
                char c = *v;
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                w[n++] = c;
            }
            v++;
        }
        w[n] = '\0';
        if (n == 0)
            continue;
        if (strcmp(w, "commentary") == 0)
            continue;
        int hit = in_list(w, neg_exact);
        for (int i = 0; !hit && neg_prefix[i]; i++)
            hit = strncmp(w, neg_prefix[i], strlen(neg_prefix[i])) == 0;
        if (hit)
            (*neg)++;
        else if (in_list(w, pos_exact))
            (*pos)++;
    }
}

static void hints(xmlNodePtr n, int *neg, int *pos)
{
    static const char *const attrs[] = {"class", "id", "role", NULL};
    *neg = *pos = 0;
    for (int i = 0; attrs[i]; i++) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[i]);
        if (v) {
            class_words((const char *)v, neg, pos);
            xmlFree(v);
        }
    }
}

static int attr_is(xmlNodePtr n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = v && strcasecmp((const char *)v, value) == 0;
    xmlFree(v);
    return r;
}

static int hidden(xmlNodePtr n)
{
    if (xmlHasProp(n, (const xmlChar *)"hidden"))
        return 1;
    xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
    int r = 0;
    if (st) {
        char *s = (char *)st;
        for (char *q = s; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
        /* squeeze spaces out so "display : none" matches too */
        char *w = s;
        for (char *q = s; *q; q++)
            if (*q != ' ' && *q != '\t')
                *w++ = *q;
        *w = '\0';
        r = strstr(s, "display:none") || strstr(s, "visibility:hidden");
        xmlFree(st);
    }
    return r;
}

static nstat_t *new_stat(ctx_t *c)
{
    if (c->n_st == c->cap_st)
        return NULL;
    nstat_t *s = &c->st[c->n_st++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Step 1: unlink junk, give every remaining element a stat. */
static void prune(ctx_t *c, xmlNodePtr n, int depth)
{
    xmlNodePtr child = n->children;
    while (child) {
        xmlNodePtr next = child->next;
        int drop = 0;
        if (child->type == XML_COMMENT_NODE || child->type == XML_PI_NODE ||
            child->type == XML_DTD_NODE) {
            drop = 1;
        } else if (child->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)child->name;
            drop = depth >= MAX_DEPTH || !name || in_list(name, junk_tags) ||
                   hidden(child) || attr_is(child, "aria-hidden", "true") ||
                   attr_is(child, "role", "navigation") ||
                   attr_is(child, "role", "complementary") ||
                   attr_is(child, "role", "dialog");
            if (!drop) {
                nstat_t *s = new_stat(c);
                if (!s) {
                    c->oom = 1;
                    drop = 1;
                } else {
                    child->_private = s;
                    hints(child, &s->neg, &s->pos);
                    s->block = !in_list(name, inline_tags);
                    /* structural elements are never boilerplate by name */
                    if (is_el(child, "body") || is_el(child, "article") ||
                        is_el(child, "main") ||
                        attr_is(child, "itemprop", "articleBody"))
                        s->neg = 0;
                    prune(c, child, depth + 1);
                }
            }
        }
        if (drop) {
            xmlUnlinkNode(child);
            xmlFreeNode(child);
        }
        child = next;
    }
}

/* Characters (code points, whitespace runs counted once) of a text. */
static long text_chars(const char *s, long *commas)
{
    long n = 0;
    int space = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            if (!space)
                n++;
            space = 1;
            continue;
        }
        space = 0;
        if ((*p & 0xC0) != 0x80)
            n++;
        if (*p == ',')
            (*commas)++;
        /* full-width and ideographic commas, Arabic comma */
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8C)
            (*commas)++;
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x81)
            (*commas)++;
        if (p[0] == 0xD8 && p[1] == 0x8C)
            (*commas)++;
    }
    return n;
}

/* Step 2: subtree text/link, and own inline text of the nearest block. */
static void measure(xmlNodePtr n, xmlNodePtr block, int in_link, int depth)
{
    nstat_t *s = S(n);
    for (xmlNodePtr ch = n->children; ch; ch = ch->next) {
        if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE) {
            long commas = 0;
            long len = ch->content ? text_chars((const char *)ch->content,
                                                &commas) : 0;
            s->text += len;
            if (in_link)
                s->link += len;
            if (block) {
                nstat_t *b = S(block);
                b->own += len;
                b->own_commas += commas;
                if (in_link)
                    b->own_link += len;
            }
        } else if (ch->type == XML_ELEMENT_NODE && ch->_private &&
                   depth < MAX_DEPTH) {
            nstat_t *cs = S(ch);
            measure(ch, cs->block ? ch : block, in_link || is_el(ch, "a"),
                    depth + 1);
            s->text += cs->text;
            s->link += cs->link;
        }
    }
}

/* Good paragraph text below each element, before boilerplate is known. */
static void raw_good(xmlNodePtr n, int depth)
{
    nstat_t *s = S(n);
    for (xmlNodePtr ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE && ch->_private && depth < MAX_DEPTH) {
            raw_good(ch, depth + 1);
            s->rawgood += S(ch)->rawgood;
        }
    if (s->block && s->own >= GOOD_BLOCK &&
        (double)s->own_link < 0.3 * (double)s->own)
        s->rawgood += s->own;
}

/* A boilerplate name on an element that holds most of the page's prose is
 * a wrapper's name ("content-with-sidebar", "no-ads-layout"): ignore it.
 * Then mark everything under a remaining negative element. */
static void resolve_neg(xmlNodePtr n, long total, int inneg, int depth)
{
    nstat_t *s = S(n);
    if (s->neg && s->rawgood * 2 > total && total > 0)
        s->neg = 0;
    s->inneg = inneg || s->neg;
    for (xmlNodePtr ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE && ch->_private && depth < MAX_DEPTH)
            resolve_neg(ch, total, s->inneg, depth + 1);
}

static int is_heading(xmlNodePtr n)
{
    const char *nm = (const char *)n->name;
    return (nm[0] == 'h' || nm[0] == 'H') && nm[1] >= '1' && nm[1] <= '6' &&
           nm[2] == '\0';
}

/* Step 3a: each block's own text feeds itself and its ancestors. */
static void score_blocks(xmlNodePtr n, int depth)
{
    nstat_t *s = S(n);
    for (xmlNodePtr ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE && ch->_private && depth < MAX_DEPTH)
            score_blocks(ch, depth + 1);
    if (!s->block || s->own < MIN_BLOCK || s->inneg || is_heading(n))
        return;
    double ld = (double)s->own_link / (double)s->own;
    double v = 1.0 + (double)s->own_commas +
               ((double)s->own / 100.0 > 3.0 ? 3.0 : (double)s->own / 100.0);
    v *= (1.0 - ld) * (1.0 - ld);
    if (is_el(n, "li") || is_el(n, "td") || is_el(n, "dd"))
        v *= 0.5;
    int good = s->own >= GOOD_BLOCK && ld < 0.3;
    /* a paragraph element scores its container; a div that carries text
     * directly (br-separated prose) is itself a container too */
    int leaf = is_el(n, "p") || is_el(n, "li") || is_el(n, "blockquote") ||
               is_el(n, "pre") || is_el(n, "td") || is_el(n, "dd");
    if (!leaf)
        s->acc += v;
    static const double decay[] = {1.0, 0.5, 0.3, 0.2, 0.1};
    xmlNodePtr a = n->parent;
    for (int level = 0; a && a->type == XML_ELEMENT_NODE && a->_private;
         a = a->parent, level++) {
        if (level < 5)
            S(a)->acc += v * decay[level];
        if (good)
            S(a)->good += s->own;
    }
    if (good)
        s->good += s->own;
}

static double hint_bonus(xmlNodePtr n)
{
    nstat_t *s = S(n);
    double b = 0;
    if (is_el(n, "article"))
        b += 15;
    if (is_el(n, "main"))
        b += 5;
    if (attr_is(n, "itemprop", "articleBody") ||
        attr_is(n, "itemprop", "text") || attr_is(n, "property", "articleBody"))
        b += 30;
    if (s->pos)
        b += 10;
    if (s->neg)
        b -= 25;
    return b;
}

typedef struct best {
    xmlNodePtr node;
    double score;
} best_t;

/* Step 3b: final candidate scores; keep the best. */
static void pick(xmlNodePtr n, best_t *best, int depth)
{
    nstat_t *s = S(n);
    if (s->acc > 0 && !s->inneg && !is_el(n, "html")) {
        double ld = s->text ? (double)s->link / (double)s->text : 0;
        s->score = s->acc * (1.0 - ld) + hint_bonus(n);
        if (!best->node || s->score > best->score) {
            best->node = n;
            best->score = s->score;
        }
    }
    for (xmlNodePtr ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE && ch->_private && depth < MAX_DEPTH)
            pick(ch, best, depth + 1);
}

/* ---- emission ---------------------------------------------------------- */

typedef struct emit {
    idx_xbuf_t out;      /* the body so far */
    idx_xbuf_t para;     /* the paragraph being gathered */
    long para_chars, para_link;
} emit_t;

static int boilerplate_line(const char *s)
{
    static const char *const lines[] = {
        "advertisement", "ad", "story continues below",
        "story continues below advertisement", "continue reading",
        "continue reading below", "article continues below", "skip advertisement",
        "supported by", "scroll to continue with content", NULL};
    return in_list(s, lines);
}

static void flush(emit_t *e)
{
    char *raw = idx_xbuf_take(&e->para);
    char *sq = raw ? idx_extract_squash(raw) : NULL;
    int keep = sq && sq[0] && !boilerplate_line(sq);
    /* a paragraph that is only a link ("Read more: ...") is navigation */
    if (keep && e->para_chars > 0 &&
        (double)e->para_link / (double)e->para_chars > 0.8)
        keep = 0;
    if (keep) {
        if (e->out.len)
            idx_xbuf_put(&e->out, "\n\n", 2);
        idx_xbuf_put(&e->out, sq, strlen(sq));
    }
    if (!sq && raw)
        e->out.oom = 1;
    free(raw);
    free(sq);
    e->para_chars = e->para_link = 0;
}

/* Should a subtree inside the chosen container be left out? */
static int skip_subtree(xmlNodePtr n, xmlNodePtr top)
{
    nstat_t *s = S(n);
    if (is_el(n, "h1") || is_el(n, "figure"))
        return 1;
    /* a date standing alone in its block is a dateline, not prose */
    if (is_el(n, "time") && n->parent && n->parent->_private &&
        S(n->parent)->own <= s->text + 2)
        return 1;
    if (s->neg && !(top && s->good * 2 > S(top)->good))
        return 1;
    if (!s->block || s->text == 0)
        return 0;
    double ld = (double)s->link / (double)s->text;
    if ((is_el(n, "ul") || is_el(n, "ol") || is_el(n, "dl")) && ld > 0.5)
        return 1;
    if (ld > 0.65 && s->good == 0)
        return 1;
    return 0;
}

static void emit_node(emit_t *e, xmlNodePtr n, xmlNodePtr top, int in_link,
                      int depth)
{
    for (xmlNodePtr ch = n->children; ch; ch = ch->next) {
        if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE) {
            if (ch->content) {
                long commas = 0;
                long len = text_chars((const char *)ch->content, &commas);
                idx_xbuf_put(&e->para, (const char *)ch->content,
                             strlen((const char *)ch->content));
                e->para_chars += len;
                if (in_link)
                    e->para_link += len;
            }
            continue;
        }
        if (ch->type != XML_ELEMENT_NODE || !ch->_private || depth >= MAX_DEPTH)
            continue;
        if (is_el(ch, "br")) {
            flush(e);
            continue;
        }
        if (skip_subtree(ch, top))
            continue;
        int block = S(ch)->block;
        if (block)
            flush(e);
        emit_node(e, ch, top, in_link || is_el(ch, "a"), depth + 1);
        if (block)
            flush(e);
    }
}

/* Step 4: widen the winner to the nearest ancestor (a few levels up) that
 * holds much more good paragraph text: an article split into chunks. */
static xmlNodePtr climb(xmlNodePtr top)
{
    for (int rounds = 0; rounds < 4; rounds++) {
        xmlNodePtr p = top->parent, found = NULL;
        nstat_t *ts = S(top);
        for (int level = 0; level < 4 && p; level++, p = p->parent) {
            if (p->type != XML_ELEMENT_NODE || !p->_private ||
                is_el(p, "html") || is_el(p, "body") || S(p)->inneg)
                break;
            nstat_t *ps = S(p);
            double ld = ps->text ? (double)ps->link / (double)ps->text : 0;
            if (ps->good >= ts->good * 1.4 + 200 && ld <= 0.35 &&
                ps->score >= 0.6 * ts->score) {
                found = p;
                break;
            }
        }
        if (!found)
            break;
        top = found;
    }
    return top;
}

static int sibling_joins(xmlNodePtr sib, xmlNodePtr top)
{
    nstat_t *s = S(sib), *t = S(top);
    if (s->inneg || s->text == 0)
        return 0;
    double ld = (double)s->link / (double)s->text;
    if (s->score >= 10 && s->score >= t->score * 0.25 && ld < 0.35)
        return 1;
    if (s->block && s->own >= GOOD_BLOCK && ld < 0.25 &&
        (is_el(sib, "p") || s->good >= s->text / 2))
        return 1;
    return 0;
}


char *idx_extract_body(struct _xmlDoc *doc)
{
    ctx_t c;
    memset(&c, 0, sizeof c);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return calloc(1, 1);
    /* one stat per element: count them first (iteratively) */
    size_t count = 1;
    for (xmlNodePtr n = root; n;) {
        if (n->type == XML_ELEMENT_NODE)
            count++;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    c.st = calloc(count, sizeof *c.st);
    if (!c.st)
        return NULL;
    c.cap_st = count;
    nstat_t *rs = new_stat(&c);
    root->_private = rs;
    rs->block = 1;
    prune(&c, root, 0);
    measure(root, root, 0, 0);
    raw_good(root, 0);
    resolve_neg(root, S(root)->rawgood, 0, 0);
    score_blocks(root, 0);

    best_t best = {NULL, 0};
    pick(root, &best, 0);
    char *result = NULL;
    emit_t e;
    memset(&e, 0, sizeof e);
    if (best.node) {
        xmlNodePtr top = climb(best.node);
        xmlNodePtr parent = top->parent;
        if (parent && parent->type == XML_ELEMENT_NODE && parent->_private &&
            !is_el(top, "body")) {
            for (xmlNodePtr sib = parent->children; sib; sib = sib->next) {
                if (sib->type != XML_ELEMENT_NODE || !sib->_private)
                    continue;
                if (sib == top || sibling_joins(sib, top)) {
                    if (sib != top && skip_subtree(sib, top))
                        continue;
                    flush(&e);
                    emit_node(&e, sib, top, is_el(sib, "a"), 0);
                    flush(&e);
                }
            }
        } else {
            emit_node(&e, top, top, 0, 0);
            flush(&e);
        }
    }
    free(idx_xbuf_take(&e.para));
    result = idx_xbuf_take(&e.out);
    /* clear our pointers from the tree: it outlives this call */
    for (xmlNodePtr n = root; n;) {
        n->_private = NULL;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    free(c.st);
    return result;
}
