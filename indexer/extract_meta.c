/*
 * extract_meta.c - what a news page declares about itself: JSON-LD
 * (schema.org Article types, @graph, arrays of types), OpenGraph and
 * article:* meta tags, other common meta names, <time datetime>,
 * <link rel=canonical> and <html lang>.
 *
 * Precedence, first found wins:
 *   title      JSON-LD headline, og:title, twitter:title, <title>
 *   byline     JSON-LD author(s), meta author / article:author / byl /
 *              parsely-author / sailthru.author
 *   published  JSON-LD datePublished ("json-ld"), date meta tags ("meta"),
 *              a <time datetime> of the article ("time"), the URL ("url")
 *   modified   JSON-LD dateModified, article:modified_time and kin
 *   canonical  <link rel=canonical>, og:url, JSON-LD url / mainEntityOfPage
 *   lang       <html lang>, JSON-LD inLanguage, og:locale, content-language
 *   image      JSON-LD image, og:image, twitter:image
 *   site_name  og:site_name, JSON-LD publisher.name
 *   description og:description, meta description, JSON-LD description
 * A date that does not parse is skipped, never guessed.
 */
#include "extract.h"
#include "feed.h"

#include <cjson/cJSON.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_META 512
#define MAX_LD 32
#define LD_MAX_DEPTH 10

typedef struct meta_kv {
    char *key;    /* lower-cased name / property / itemprop */
    char *value;  /* content */
} meta_kv_t;

typedef struct collected {
    meta_kv_t meta[MAX_META];
    size_t n_meta;
    char *ld[MAX_LD];          /* JSON-LD script texts */
    size_t n_ld;
    char *canonical;
    char *html_lang;
    char *title_el;
    char *time_article;        /* datetime of the article's <time> */
    char *time_any_marked;     /* <time pubdate> / itemprop=datePublished */
    int oom;
} collected_t;

static char *xstrdup(collected_t *c, const char *s)
{
    char *r = s ? strdup(s) : NULL;
    if (s && !r)
        c->oom = 1;
    return r;
}

static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static int name_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name &&
           strcasecmp((const char *)n->name, name) == 0;
}

static void lower(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* Does the class or id of n or an ancestor name an article region? */
static int in_article_region(xmlNodePtr n)
{
    static const char *words[] = {"article", "story", "post", "byline",
                                  "dateline", "entry", "meta", "publish",
                                  "timestamp", NULL};
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (name_is(n, "article") || name_is(n, "main"))
            return 1;
        for (int k = 0; k < 2; k++) {
            char *v = attr(n, k ? "id" : "class");
            int hit = 0;
            if (v) {
                lower(v);
                for (int w = 0; words[w] && !hit; w++)
                    hit = strstr(v, words[w]) != NULL;
                xmlFree(v);
            }
            if (hit)
                return 1;
        }
    }
    return 0;
}

static void add_meta(collected_t *c, const char *key, const char *value)
{
    if (!key || !value || c->n_meta >= MAX_META)
        return;
    meta_kv_t *m = &c->meta[c->n_meta];
    m->key = xstrdup(c, key);
    m->value = idx_extract_squash(value);
    if (!m->key || !m->value) {
        free(m->key);
        free(m->value);
        c->oom = 1;
        return;
    }
    lower(m->key);
    c->n_meta++;
}

static char *node_text(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = t ? idx_extract_squash((const char *)t) : NULL;
    xmlFree(t);
    return s;
}

/* One visit of an element: collect what it declares. */
static void visit(collected_t *c, xmlNodePtr n)
{
    if (name_is(n, "meta")) {
        char *content = attr(n, "content");
        if (content) {
            static const char *keys[] = {"property", "name", "itemprop",
                                         "http-equiv"};
            for (int k = 0; k < 4; k++) {
                char *key = attr(n, keys[k]);
                if (key)
                    add_meta(c, key, content);
                xmlFree(key);
            }
        }
        xmlFree(content);
    } else if (name_is(n, "link")) {
        char *rel = attr(n, "rel");
        if (rel && !c->canonical && strcasecmp(rel, "canonical") == 0) {
            char *href = attr(n, "href");
            if (href && *href)
                c->canonical = xstrdup(c, href);
            xmlFree(href);
        }
        xmlFree(rel);
    } else if (name_is(n, "script")) {
        char *type = attr(n, "type");
        if (type && strcasecmp(type, "application/ld+json") == 0 &&
            c->n_ld < MAX_LD) {
            xmlChar *t = xmlNodeGetContent(n);
            if (t) {
                c->ld[c->n_ld] = xstrdup(c, (const char *)t);
                if (c->ld[c->n_ld])
                    c->n_ld++;
            }
            xmlFree(t);
        }
        xmlFree(type);
    } else if (name_is(n, "html")) {
        char *lang = attr(n, "lang");
        if (!lang)
            lang = (char *)xmlGetNsProp(n, (const xmlChar *)"lang",
                                        XML_XML_NAMESPACE);
        if (lang && *lang && !c->html_lang)
            c->html_lang = xstrdup(c, lang);
        xmlFree(lang);
    } else if (name_is(n, "title")) {
        if (!c->title_el && n->parent && !name_is(n->parent, "svg"))
            c->title_el = node_text(n);
    } else if (n->type == XML_ELEMENT_NODE) {
        char *ip = attr(n, "itemprop");
        char *dt = attr(n, "datetime");
        if (ip && (name_is(n, "time") || dt)) {
            /* itemprop=datePublished on a <time> or another element */
            if (!dt)
                dt = attr(n, "content");
            if (dt)
                add_meta(c, ip, dt);
        }
        if (name_is(n, "time") && dt && *dt) {
            char *pub = attr(n, "pubdate");
            int marked = pub || (ip && strcasecmp(ip, "datePublished") == 0);
            if (marked && !c->time_any_marked)
                c->time_any_marked = xstrdup(c, dt);
            if (!c->time_article && in_article_region(n))
                c->time_article = xstrdup(c, dt);
            xmlFree(pub);
        }
        xmlFree(ip);
        xmlFree(dt);
    }
}

/* Iterative pre-order walk (the tree can be deep). */
static void collect(collected_t *c, xmlNodePtr root)
{
    xmlNodePtr n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE)
            visit(c, n);
        if (n->type == XML_ELEMENT_NODE && n->children &&
            !name_is(n, "script") && !name_is(n, "style")) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static const char *meta_get(const collected_t *c, const char *key)
{
    for (size_t i = 0; i < c->n_meta; i++)
        if (strcmp(c->meta[i].key, key) == 0 && c->meta[i].value[0])
            return c->meta[i].value;
    return NULL;
}

static const char *meta_first(const collected_t *c, const char *const *keys)
{
    for (size_t k = 0; keys[k]; k++) {
        const char *v = meta_get(c, keys[k]);
        if (v)
            return v;
    }
    return NULL;
}

/* ---- JSON-LD ----------------------------------------------------------- */

static int is_article_type_name(const char *t)
{
    static const char *types[] = {
        "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle",
        "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
        "SocialMediaPosting", "TechArticle", "ScholarlyArticle", "Report",
        "SatiricalArticle", "AdvertiserContentArticle", "Blog", NULL};
    const char *slash = strrchr(t, '/');
    const char *colon = strrchr(t, ':');
    if (slash && slash[1])
        t = slash + 1;
    else if (colon && colon[1])
        t = colon + 1;
    for (int i = 0; types[i]; i++)
        if (strcasecmp(t, types[i]) == 0)
            return 1;
    return 0;
}

static int is_article(const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "@type");
    if (cJSON_IsString(t))
        return is_article_type_name(t->valuestring);
    if (cJSON_IsArray(t)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, t) {
            if (cJSON_IsString(e) && is_article_type_name(e->valuestring))
                return 1;
        }
    }
    return 0;
}

/* The best article object in the tree: the first with a headline or a
 * body, else the first article at all. */
static const cJSON *find_article(const cJSON *j, int depth, const cJSON **any)
{
    if (!j || depth > LD_MAX_DEPTH)
        return NULL;
    if (cJSON_IsObject(j) && is_article(j)) {
        if (cJSON_GetObjectItemCaseSensitive(j, "headline") ||
            cJSON_GetObjectItemCaseSensitive(j, "articleBody"))
            return j;
        if (!*any)
            *any = j;
    }
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, j) {
            const cJSON *r = find_article(e, depth + 1, any);
            if (r)
                return r;
        }
    }
    return NULL;
}

/* Text of a JSON-LD string value: entities decoded once, tags dropped,
 * whitespace squashed. NULL when empty. */
static char *ld_text(const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    const char *s = v->valuestring;
    idx_xbuf_t b = {0};
    int in_tag = 0;
    /* drop tags only when the value looks like markup */
    int markup = strchr(s, '<') && strchr(s, '>');
    for (; *s; s++) {
        if (markup && *s == '<') {
            in_tag = 1;
            idx_xbuf_putc(&b, ' ');
            continue;
        }
        if (in_tag) {
            if (*s == '>')
                in_tag = 0;
            continue;
        }
        idx_xbuf_putc(&b, *s);
    }
    char *raw = idx_xbuf_take(&b);
    char *dec = idx_extract_decode_entities(raw);
    free(raw);
    char *sq = idx_extract_squash(dec);
    free(dec);
    if (sq && !sq[0]) {
        free(sq);
        sq = NULL;
    }
    return sq;
}

/* articleBody keeps its paragraph breaks: each line becomes a paragraph. */
static char *ld_body_text(const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    idx_xbuf_t out = {0};
    const char *s = v->valuestring;
    while (*s) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        cJSON tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.type = cJSON_String;
        tmp.valuestring = line;
        char *t = line ? ld_text(&tmp) : NULL;
        if (t) {
            if (out.len)
                idx_xbuf_put(&out, "\n\n", 2);
            idx_xbuf_put(&out, t, strlen(t));
        }
        free(t);
        free(line);
        s += n;
        if (*s)
            s++;
    }
    char *r = idx_xbuf_take(&out);
    if (r && !r[0]) {
        free(r);
        r = NULL;
    }
    return r;
}

/* A name from a string, an object with "name", or the first of an array. */
static char *ld_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return ld_text(v);
    if (cJSON_IsObject(v))
        return ld_text(cJSON_GetObjectItemCaseSensitive(v, "name"));
    if (cJSON_IsArray(v)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            char *s = ld_name(e);
            if (s)
                return s;
        }
    }
    return NULL;
}

/* A URL from a string, an object with "url" / "@id", or an array. */
static char *ld_url(const cJSON *v)
{
    if (cJSON_IsString(v))
        return ld_text(v);
    if (cJSON_IsObject(v)) {
        char *s = ld_text(cJSON_GetObjectItemCaseSensitive(v, "url"));
        return s ? s : ld_text(cJSON_GetObjectItemCaseSensitive(v, "@id"));
    }
    if (cJSON_IsArray(v)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            char *s = ld_url(e);
            if (s)
                return s;
        }
    }
    return NULL;
}

static char *strip_by(char *s)
{
    if (s && strncasecmp(s, "by ", 3) == 0)
        memmove(s, s + 3, strlen(s + 3) + 1);
    return s;
}

/* All author names, joined with ", ", deduplicated. */
static char *ld_authors(const cJSON *v)
{
    idx_xbuf_t b = {0};
    const cJSON *e;
    if (!v)
        return NULL;
    if (!cJSON_IsArray(v))
        return strip_by(ld_name(v));
    cJSON_ArrayForEach(e, v) {
        char *n = strip_by(ld_name(e));
        if (n && *n && !(b.s && strstr(b.s, n))) {
            if (b.len)
                idx_xbuf_put(&b, ", ", 2);
            idx_xbuf_put(&b, n, strlen(n));
        }
        free(n);
    }
    char *r = idx_xbuf_take(&b);
    if (r && !r[0]) {
        free(r);
        r = NULL;
    }
    return r;
}

static cJSON *parse_ld(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (j)
        return j;
    /* lenient retry: raw control characters inside strings, HTML comment
     * or CDATA wrappers around the JSON */
    char *fixed = strdup(text);
    if (!fixed)
        return NULL;
    for (char *p = fixed; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    char *start = fixed;
    char *brace = strpbrk(fixed, "{[");
    if (brace)
        start = brace;
    char *end = start + strlen(start);
    while (end > start && end[-1] != '}' && end[-1] != ']')
        end--;
    *end = '\0';
    j = cJSON_Parse(start);
    free(fixed);
    return j;
}

typedef struct ld_fields {
    char *headline, *author, *published, *modified, *body, *image,
        *publisher, *lang, *url, *description;
} ld_fields_t;

static void ld_fields_free(ld_fields_t *f)
{
    free(f->headline);
    free(f->author);
    free(f->published);
    free(f->modified);
    free(f->body);
    free(f->image);
    free(f->publisher);
    free(f->lang);
    free(f->url);
    free(f->description);
}

static void ld_extract(const collected_t *c, ld_fields_t *f)
{
    for (size_t i = 0; i < c->n_ld && !f->headline && !f->body; i++) {
        cJSON *j = parse_ld(c->ld[i]);
        const cJSON *any = NULL;
        const cJSON *a = find_article(j, 0, &any);
        if (!a)
            a = any;
        if (a) {
            /* an earlier block without headline or body may have set the
             * other fields: this block's replace them (freed, not leaked) */
            ld_fields_free(f);
            memset(f, 0, sizeof *f);
            f->headline = ld_text(cJSON_GetObjectItemCaseSensitive(a, "headline"));
            if (!f->headline)
                f->headline = ld_text(cJSON_GetObjectItemCaseSensitive(a, "name"));
            f->author = ld_authors(cJSON_GetObjectItemCaseSensitive(a, "author"));
            if (!f->author)
                f->author = ld_authors(cJSON_GetObjectItemCaseSensitive(a, "creator"));
            f->published = ld_text(cJSON_GetObjectItemCaseSensitive(a, "datePublished"));
            if (!f->published)
                f->published = ld_text(cJSON_GetObjectItemCaseSensitive(a, "dateCreated"));
            f->modified = ld_text(cJSON_GetObjectItemCaseSensitive(a, "dateModified"));
            f->body = ld_body_text(cJSON_GetObjectItemCaseSensitive(a, "articleBody"));
            f->image = ld_url(cJSON_GetObjectItemCaseSensitive(a, "image"));
            if (!f->image)
                f->image = ld_url(cJSON_GetObjectItemCaseSensitive(a, "thumbnailUrl"));
            f->publisher = ld_name(cJSON_GetObjectItemCaseSensitive(a, "publisher"));
            f->lang = ld_text(cJSON_GetObjectItemCaseSensitive(a, "inLanguage"));
            f->url = ld_text(cJSON_GetObjectItemCaseSensitive(a, "url"));
            if (!f->url)
                f->url = ld_url(cJSON_GetObjectItemCaseSensitive(a, "mainEntityOfPage"));
            f->description = ld_text(cJSON_GetObjectItemCaseSensitive(a, "description"));
        }
        cJSON_Delete(j);
    }
}

/* ---- assembling -------------------------------------------------------- */

/* Absolute form of ref against base; NULL when ref is empty or not http(s). */
static char *absolute(const char *ref, const char *base)
{
    if (!ref || !*ref)
        return NULL;
    xmlChar *u = xmlBuildURI((const xmlChar *)ref, (const xmlChar *)base);
    char *r = NULL;
    const char *s = u ? (const char *)u : ref;
    if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
        !base)
        r = strdup(s);
    xmlFree(u);
    return r;
}

static char *dup_or_null(const char *s)
{
    return (s && *s) ? strdup(s) : NULL;
}

static int parse_date(const char *s, int64_t *out)
{
    int64_t t;
    if (!s || !*s || idx_date_parse(s, &t) != 0)
        return -1;
    *out = t;
    return 0;
}

/* Meta author values are often profile URLs; keep names only. */
static const char *meta_byline(const collected_t *c)
{
    static const char *keys[] = {"author", "article:author", "byl",
                                 "parsely-author", "sailthru.author",
                                 "dc.creator", "twitter:creator", NULL};
    for (size_t k = 0; keys[k]; k++) {
        const char *v = meta_get(c, keys[k]);
        if (v && strncasecmp(v, "http", 4) != 0 && v[0] != '@')
            return v;
    }
    return NULL;
}

int idx_extract_meta(struct _xmlDoc *doc, const char *url, idx_page_t *p,
                     char **ld_body)
{
    collected_t *c = calloc(1, sizeof *c);
    ld_fields_t f;
    int rc = 0;
    memset(&f, 0, sizeof f);
    *ld_body = NULL;
    if (!c)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        collect(c, root);
    ld_extract(c, &f);

    static const char *k_title[] = {"og:title", "twitter:title", "parsely-title",
                                    "sailthru.title", "headline", NULL};
    static const char *k_pub[] = {"article:published_time", "og:published_time",
                                  "article:published", "datepublished",
                                  "parsely-pub-date", "sailthru.date",
                                  "pubdate", "publishdate", "publish-date",
                                  "dc.date.issued", "dc.date", "dcterms.created",
                                  "date", "article.published", NULL};
    static const char *k_mod[] = {"article:modified_time", "og:updated_time",
                                  "article:modified", "datemodified",
                                  "lastmod", "dcterms.modified", NULL};
    static const char *k_image[] = {"og:image", "og:image:url",
                                    "og:image:secure_url", "twitter:image",
                                    "twitter:image:src", NULL};
    static const char *k_desc[] = {"og:description", "description",
                                   "twitter:description", NULL};

    /* title */
    const char *t = f.headline ? f.headline : meta_first(c, k_title);
    p->title = dup_or_null(t ? t : c->title_el);

    /* byline */
    if (f.author) {
        p->byline = f.author;
        f.author = NULL;
    } else {
        p->byline = dup_or_null(meta_byline(c));
        if (p->byline)
            strip_by(p->byline);
    }

    /* published, with its source */
    const char *src = NULL;
    if (parse_date(f.published, &p->published) == 0) {
        src = "json-ld";
    } else {
        for (size_t k = 0; k_pub[k] && !src; k++)
            if (parse_date(meta_get(c, k_pub[k]), &p->published) == 0)
                src = "meta";
        if (!src && (parse_date(c->time_any_marked, &p->published) == 0 ||
                     parse_date(c->time_article, &p->published) == 0))
            src = "time";
        if (!src && idx_extract_url_date(url, &p->published) == 0)
            src = "url";
    }
    p->published_src = src ? strdup(src) : NULL;

    /* modified */
    if (parse_date(f.modified, &p->modified) != 0)
        for (size_t k = 0; k_mod[k]; k++)
            if (parse_date(meta_get(c, k_mod[k]), &p->modified) == 0)
                break;

    /* canonical */
    const char *canon = c->canonical ? c->canonical : meta_get(c, "og:url");
    if (!canon)
        canon = f.url;
    p->canonical_url = absolute(canon, url);

    /* language */
    if (c->html_lang) {
        p->lang = idx_extract_squash(c->html_lang);
    } else if (f.lang) {
        p->lang = f.lang;
        f.lang = NULL;
    } else {
        const char *loc = meta_get(c, "og:locale");
        if (!loc)
            loc = meta_get(c, "content-language");
        p->lang = dup_or_null(loc);
        for (char *q = p->lang; q && *q; q++)
            if (*q == '_')
                *q = '-';
    }

    /* image, site, description */
    const char *img = f.image ? f.image : meta_first(c, k_image);
    p->image = absolute(img, url);
    const char *site = meta_get(c, "og:site_name");
    p->site_name = dup_or_null(site ? site : f.publisher);
    const char *desc = meta_first(c, k_desc);
    p->description = dup_or_null(desc ? desc : f.description);

    *ld_body = f.body;
    f.body = NULL;
    if (c->oom)
        rc = -1;

    ld_fields_free(&f);
    for (size_t i = 0; i < c->n_meta; i++) {
        free(c->meta[i].key);
        free(c->meta[i].value);
    }
    for (size_t i = 0; i < c->n_ld; i++)
        free(c->ld[i]);
    free(c->canonical);
    free(c->html_lang);
    free(c->title_el);
    free(c->time_article);
    free(c->time_any_marked);
    free(c);
    return rc;
}
