/*
 * test_feed.c - idx_feed_parse: RSS 0.91/1.0/2.0 and Atom 0.3/1.0 fields,
 * link resolution, text decoding, recovery, and hostile documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "feed.h"

/* Parse a NUL-terminated document that must succeed. */
static idx_feed_t *parse_ok(const char *doc)
{
    idx_feed_t *f = NULL;
    char *err = NULL;
    int rc = idx_feed_parse(doc, strlen(doc), "test.xml", &f, &err);
    if (rc != 0)
        print_error("unexpected failure: %s\n", err ? err : "(no message)");
    assert_int_equal(rc, 0);
    assert_non_null(f);
    assert_null(err);
    return f;
}

/* Parse a document that must fail; returns the message (caller frees). */
static char *parse_fail(const char *doc, size_t len)
{
    idx_feed_t *f = (idx_feed_t *)1;
    char *err = NULL;
    int rc = idx_feed_parse(doc, len, "bad.xml", &f, &err);
    assert_int_equal(rc, -1);
    assert_null(f);
    assert_non_null(err);
    return err;
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (want == NULL) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

/* ---- per-format field tables -------------------------------------------- */

typedef struct item_expect {
    const char *url, *guid, *title, *byline, *summary, *body, *lang;
    int64_t published;
    const char *reject;
} item_expect_t;

typedef struct feed_case {
    const char *name;
    const char *doc;
    const char *format, *title, *link, *lang, *source_site;
    size_t n_items;
    item_expect_t items[3];
} feed_case_t;

/* 2025-12-02T14:05:00Z */
#define T0 INT64_C(1764684300)

static const feed_case_t feed_cases[] = {
    {"rss2.0",
     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
     "     xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n"
     "<channel>\n"
     "  <title> Example News </title>\n"
     "  <link>https://www.Example.com/news/</link>\n"
     "  <language>en-gb</language>\n"
     "  <item>\n"
     "    <title>Talks resume in\n   Geneva</title>\n"
     "    <link>https://www.example.com/news/1</link>\n"
     "    <guid isPermaLink=\"false\">news-1</guid>\n"
     "    <author>desk@example.com (News Desk)</author>\n"
     "    <description>&lt;p&gt;Short &lt;b&gt;summary&lt;/b&gt;&lt;/p&gt;</description>\n"
     "    <content:encoded><![CDATA[<p>First para.</p><p>Second <i>para</i>.</p>"
     "<script>evil()</script>]]></content:encoded>\n"
     "    <pubDate>Tue, 02 Dec 2025 14:05:00 GMT</pubDate>\n"
     "  </item>\n"
     "  <item>\n"
     "    <title>Second</title>\n"
     "    <link>/news/2</link>\n"
     "    <dc:creator>A. Writer</dc:creator>\n"
     "    <dc:creator>B. Writer</dc:creator>\n"
     "    <dc:date>2025-12-02T15:05:00+01:00</dc:date>\n"
     "  </item>\n"
     "</channel>\n"
     "</rss>\n",
     "rss2.0", "Example News", "https://www.Example.com/news/", "en-gb",
     "www.example.com", 2,
     {{"https://www.example.com/news/1", "news-1", "Talks resume in Geneva",
       "desk@example.com (News Desk)", "Short summary",
       "First para.\n\nSecond para.", "en-gb", T0, NULL},
      {"https://www.Example.com/news/2", NULL, "Second",
       "A. Writer, B. Writer", NULL, NULL, "en-gb", T0, NULL}}},

    {"rss1.0",
     "<?xml version=\"1.0\"?>\n"
     "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
     "         xmlns=\"http://purl.org/rss/1.0/\"\n"
     "         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
     "  <channel rdf:about=\"http://rdf.example.org/\">\n"
     "    <title>RDF Site</title>\n"
     "    <link>http://rdf.example.org/</link>\n"
     "    <dc:language>fr</dc:language>\n"
     "    <items><rdf:Seq><rdf:li rdf:resource=\"http://rdf.example.org/a\"/></rdf:Seq></items>\n"
     "  </channel>\n"
     "  <item rdf:about=\"http://rdf.example.org/a\">\n"
     "    <title>RDF item</title>\n"
     "    <link>http://rdf.example.org/a</link>\n"
     "    <description>Plain description</description>\n"
     "    <dc:creator>Jean</dc:creator>\n"
     "    <dc:date>2025-12-02T14:05:00Z</dc:date>\n"
     "  </item>\n"
     "</rdf:RDF>\n",
     "rss1.0", "RDF Site", "http://rdf.example.org/", "fr", "rdf.example.org", 1,
     {{"http://rdf.example.org/a", "http://rdf.example.org/a", "RDF item", "Jean",
       "Plain description", NULL, "fr", T0, NULL}}},

    {"rss0.91",
     "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
     "<rss version=\"0.91\">\n"
     "<channel>\n"
     "<title>Caf\xe9 Weekly</title>\n"
     "<link>http://cafe.example.net/</link>\n"
     "<description>Old school</description>\n"
     "<language>de</language>\n"
     "<item>\n"
     "<title>Gr\xfc\xdf" "e</title>\n"
     "<link>http://cafe.example.net/gruesse</link>\n"
     "<description>Hallo</description>\n"
     "</item>\n"
     "</channel>\n"
     "</rss>\n",
     "rss0.91", "Caf\xc3\xa9 Weekly", "http://cafe.example.net/", "de",
     "cafe.example.net", 1,
     {{"http://cafe.example.net/gruesse", NULL, "Gr\xc3\xbc\xc3\x9f" "e", NULL,
       "Hallo", NULL, "de", INT64_MIN, NULL}}},

    {"atom1.0",
     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
     "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
     "  <title type=\"html\">Atom &lt;em&gt;Example&lt;/em&gt;</title>\n"
     "  <link rel=\"self\" href=\"http://atom.example.org/feed.xml\"/>\n"
     "  <link href=\"http://atom.example.org/\"/>\n"
     "  <author><name>Feed Author</name></author>\n"
     "  <id>urn:uuid:feed</id>\n"
     "  <entry xml:lang=\"de\">\n"
     "    <title>Atom entry</title>\n"
     "    <link rel=\"enclosure\" href=\"http://atom.example.org/a.mp3\"/>\n"
     "    <link rel=\"alternate\" type=\"text/html\" href=\"http://atom.example.org/1\"/>\n"
     "    <id>tag:example.org,2025:1</id>\n"
     "    <author><name>Ann</name><email>ann@example.org</email></author>\n"
     "    <updated>2025-12-03T00:00:00Z</updated>\n"
     "    <published>2025-12-02T14:05:00Z</published>\n"
     "    <summary type=\"html\">&lt;p&gt;Sum &amp;amp; more&lt;/p&gt;</summary>\n"
     "    <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
     "<p>Para <b>one</b></p><p>Para two</p></div></content>\n"
     "  </entry>\n"
     "  <entry>\n"
     "    <title type=\"text\">Only updated &amp; text</title>\n"
     "    <link href=\"http://atom.example.org/2\"/>\n"
     "    <id>tag:example.org,2025:2</id>\n"
     "    <updated>2025-12-02T14:05:00Z</updated>\n"
     "    <content type=\"text\">Keep &lt;b&gt; as text</content>\n"
     "  </entry>\n"
     "</feed>\n",
     "atom1.0", "Atom Example", "http://atom.example.org/", "en",
     "atom.example.org", 2,
     {{"http://atom.example.org/1", "tag:example.org,2025:1", "Atom entry", "Ann",
       "Sum & more", "Para one\n\nPara two", "de", T0, NULL},
      {"http://atom.example.org/2", "tag:example.org,2025:2",
       "Only updated & text", "Feed Author", NULL, "Keep <b> as text", "en", T0,
       NULL}}},

    {"atom0.3",
     "<?xml version=\"1.0\"?>\n"
     "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">\n"
     "  <title>Old Atom</title>\n"
     "  <link rel=\"alternate\" type=\"text/html\" href=\"http://old.example.com/\"/>\n"
     "  <entry>\n"
     "    <title>Old entry</title>\n"
     "    <link rel=\"alternate\" type=\"text/html\" href=\"http://old.example.com/e1\"/>\n"
     "    <id>http://old.example.com/e1</id>\n"
     "    <issued>2025-12-02T09:05:00-05:00</issued>\n"
     "    <modified>2025-12-05T00:00:00Z</modified>\n"
     "    <content type=\"text/html\" mode=\"escaped\">&lt;p&gt;Escaped &lt;b&gt;html&lt;/b&gt;&lt;/p&gt;</content>\n"
     "  </entry>\n"
     "</feed>\n",
     "atom0.3", "Old Atom", "http://old.example.com/", NULL, "old.example.com", 1,
     {{"http://old.example.com/e1", "http://old.example.com/e1", "Old entry", NULL,
       NULL, "Escaped html", NULL, T0, NULL}}},
};

static void feed_should_read_fields_of_each_format(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof feed_cases / sizeof feed_cases[0]; c++) {
        const feed_case_t *fc = &feed_cases[c];
        idx_feed_t *f;
        print_message("case %s\n", fc->name);
        f = parse_ok(fc->doc);
        assert_string_equal(f->format, fc->format);
        assert_str_or_null(f->title, fc->title);
        assert_str_or_null(f->link, fc->link);
        assert_str_or_null(f->lang, fc->lang);
        assert_null(f->warnings);
        assert_int_equal(f->n_items, fc->n_items);
        for (size_t i = 0; i < fc->n_items; i++) {
            const item_expect_t *e = &fc->items[i];
            const idx_item_t *it = &f->items[i];
            print_message("  item %zu\n", i + 1);
            assert_int_equal(it->position, (int)i + 1);
            assert_str_or_null(it->url, e->url);
            assert_str_or_null(it->guid, e->guid);
            assert_str_or_null(it->title, e->title);
            assert_str_or_null(it->byline, e->byline);
            assert_str_or_null(it->summary, e->summary);
            assert_str_or_null(it->body, e->body);
            assert_str_or_null(it->lang, e->lang);
            assert_true(it->published == e->published);
            assert_str_or_null(it->reject, e->reject);
            assert_str_or_null(it->source, fc->title);
            assert_str_or_null(it->source_site, fc->source_site);
        }
        idx_feed_free(f);
    }
}

static void feed_should_keep_raw_date_string(void **state)
{
    idx_feed_t *f = parse_ok(feed_cases[0].doc);
    (void)state;
    assert_string_equal(f->items[0].published_raw,
                        "Tue, 02 Dec 2025 14:05:00 GMT");
    idx_feed_free(f);
}

/* ---- links -------------------------------------------------------------- */

typedef struct link_case {
    const char *what;
    const char *doc;
    const char *url;      /* expected url of the first item */
    const char *reject;
} link_case_t;

#define RSS_ITEM(channel_extra, item_body)                                     \
    "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "         \
    "xmlns:feedburner=\"http://rssnamespace.org/feedburner/ext/1.0\">"         \
    "<channel><title>C</title>" channel_extra "<item><title>T</title>"         \
    item_body "</item></channel></rss>"

static const link_case_t link_cases[] = {
    {"rss relative link resolved against the channel link",
     RSS_ITEM("<link>http://site.example/dir/</link>", "<link>page.html</link>"),
     "http://site.example/dir/page.html", NULL},
    {"xml:base wins over the channel link",
     "<rss version=\"2.0\" xml:base=\"http://base.example/a/\"><channel>"
     "<link>http://site.example/</link><item><title>T</title>"
     "<link>b/c.html</link></item></channel></rss>",
     "http://base.example/a/b/c.html", NULL},
    {"nested relative xml:base in atom",
     "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://ex.org/blog/\">"
     "<title>F</title><entry xml:base=\"2025/\"><title>E</title>"
     "<link href=\"post.html\"/></entry></feed>",
     "http://ex.org/blog/2025/post.html", NULL},
    {"atom link without rel is the alternate",
     "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title><entry>"
     "<title>E</title><link rel=\"self\" href=\"http://ex.org/self\"/>"
     "<link href=\"http://ex.org/alt\"/></entry></feed>",
     "http://ex.org/alt", NULL},
    {"feedburner:origLink preferred",
     RSS_ITEM("", "<link>http://feeds.feedburner.com/~r/x/1</link>"
                  "<feedburner:origLink>https://real.example/story</feedburner:origLink>"),
     "https://real.example/story", NULL},
    {"atom:link alternate as fallback in rss",
     RSS_ITEM("", "<atom:link rel=\"self\" href=\"http://ex.org/self\"/>"
                  "<atom:link rel=\"alternate\" href=\"http://ex.org/alt\"/>"),
     "http://ex.org/alt", NULL},
    {"permalink guid counts as link",
     RSS_ITEM("", "<guid>https://ex.org/guid-link</guid>"),
     "https://ex.org/guid-link", NULL},
    {"guid isPermaLink=false is not a link",
     RSS_ITEM("", "<guid isPermaLink=\"false\">https://ex.org/x</guid>"),
     NULL, "no link"},
    {"non-http guid is not a link",
     RSS_ITEM("", "<guid>urn:uuid:1234</guid>"), NULL, "no link"},
    {"javascript link is unusable",
     RSS_ITEM("", "<link>javascript:alert(1)</link>"),
     "javascript:alert(1)", "no link"},
    {"no link at all", RSS_ITEM("", ""), NULL, "no link"},
};

static void feed_should_resolve_and_choose_links(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof link_cases / sizeof link_cases[0]; c++) {
        idx_feed_t *f;
        print_message("case: %s\n", link_cases[c].what);
        f = parse_ok(link_cases[c].doc);
        assert_int_equal(f->n_items, 1);
        assert_str_or_null(f->items[0].url, link_cases[c].url);
        assert_str_or_null(f->items[0].reject, link_cases[c].reject);
        idx_feed_free(f);
    }
}

/* ---- titles and text -------------------------------------------------- */

typedef struct text_case {
    const char *what;
    const char *item;   /* RSS item body */
    const char *title;
    const char *summary;
} text_case_t;

static const text_case_t text_cases[] = {
    {"entity decoded once", "<title>Fish &amp; Chips</title>", "Fish & Chips",
     NULL},
    {"double-escaped entity stays escaped once",
     "<title>AT&amp;amp;T</title>", "AT&amp;T", NULL},
    {"CDATA is not decoded again", "<title><![CDATA[AT&amp;T]]></title>",
     "AT&amp;T", NULL},
    {"CDATA with markup turned to text",
     "<title><![CDATA[<b>Bold</b> news]]></title>", "Bold news", NULL},
    {"escaped markup in title turned to text",
     "<title>&lt;em&gt;Big&lt;/em&gt; day</title>", "Big day", NULL},
    {"less-than sign that is no tag is kept", "<title>1 &lt; 2</title>",
     "1 < 2", NULL},
    {"numeric references", "<title>&#8220;Quote&#8221; &#x2014; end</title>",
     "\xe2\x80\x9cQuote\xe2\x80\x9d \xe2\x80\x94 end", NULL},
    {"escaped html description",
     "<title>t</title><description>&lt;p&gt;Hello &amp;amp; bye&lt;/p&gt;"
     "&lt;p&gt;Two&lt;/p&gt;</description>",
     "t", "Hello & bye\n\nTwo"},
    {"CDATA html description drops script",
     "<title>t</title><description><![CDATA[<p>Safe</p><script>var x=1;</script>"
     "<style>p{}</style>]]></description>",
     "t", "Safe"},
    {"title derived from summary at a word boundary",
     "<link>http://x.example/</link><description>The quick brown fox jumps "
     "over the lazy dog and keeps running across the field until the sun "
     "goes down</description>",
     /* 78 bytes: the next word would pass 80 */
     "The quick brown fox jumps over the lazy dog and keeps running across the "
     "field",
     "The quick brown fox jumps over the lazy dog and keeps running across the "
     "field until the sun goes down"},
};

static void feed_should_decode_titles_and_text_once(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof text_cases / sizeof text_cases[0]; c++) {
        char doc[2048];
        idx_feed_t *f;
        print_message("case: %s\n", text_cases[c].what);
        snprintf(doc, sizeof doc,
                 "<rss version=\"2.0\"><channel><title>C</title><item>%s"
                 "</item></channel></rss>",
                 text_cases[c].item);
        f = parse_ok(doc);
        assert_int_equal(f->n_items, 1);
        assert_str_or_null(f->items[0].title, text_cases[c].title);
        assert_str_or_null(f->items[0].summary, text_cases[c].summary);
        idx_feed_free(f);
    }
}

static void feed_should_reject_item_without_any_text(void **state)
{
    idx_feed_t *f = parse_ok(
        "<rss version=\"2.0\"><channel><item><link>http://x.example/1</link>"
        "</item><item><link>http://x.example/2</link>"
        "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
        "Body only</content:encoded></item></channel></rss>");
    (void)state;
    assert_int_equal(f->n_items, 2);
    assert_null(f->items[0].title);
    assert_string_equal(f->items[0].reject, "no title");
    assert_string_equal(f->items[1].title, "Body only");
    assert_null(f->items[1].reject);
    idx_feed_free(f);
}

/* ---- recovery ------------------------------------------------------------ */

static const char recover_doc[] =
    "<?xml version=\"1.0\"?>\n"                                    /* 1 */
    "<rss version=\"2.0\">\n"                                      /* 2 */
    "<channel>\n"                                                  /* 3 */
    "<title>Broken &amp; Co</title>\n"                             /* 4 */
    "<item>\n"                                                     /* 5 */
    "<title>Caf&eacute;&nbsp;news</title>\n"                       /* 6 */
    "<link>http://ex.org/1</link>\n"                               /* 7 */
    "</item>\n"                                                    /* 8 */
    "<item>\n"                                                     /* 9 */
    "<title>AT & T merger</title>\n"                               /* 10 */
    "<link>http://ex.org/2?a=1&b=2</link>\n"                       /* 11 */
    "</item>\n"                                                    /* 12 */
    "<item>\n"                                                     /* 13 */
    "<title>Unknown &bogus; entity</title>\n"                      /* 14 */
    "<link>http://ex.org/3</link>\n"                               /* 15 */
    "</item>\n"                                                    /* 16 */
    "</channel>\n"
    "</rss>\n";

static void feed_should_recover_from_undefined_entities_and_stray_ampersands(
    void **state)
{
    idx_feed_t *f = parse_ok(recover_doc);
    (void)state;
    assert_int_equal(f->n_items, 3);
    assert_string_equal(f->items[0].title, "Caf\xc3\xa9\xc2\xa0news");
    assert_string_equal(f->items[1].title, "AT & T merger");
    assert_string_equal(f->items[1].url, "http://ex.org/2?a=1&b=2");
    assert_string_equal(f->items[2].title, "Unknown &bogus; entity");
    assert_non_null(f->warnings);
    assert_non_null(strstr(f->warnings, "line 6: undefined entity 'eacute'"));
    assert_non_null(strstr(f->warnings, "line 6: undefined entity 'nbsp'"));
    assert_non_null(strstr(f->warnings, "line 10: stray '&'"));
    assert_non_null(strstr(f->warnings, "line 14: undefined entity 'bogus'"));
    idx_feed_free(f);
}

static void feed_should_recover_from_broken_markup(void **state)
{
    idx_feed_t *f = parse_ok(
        "<rss version=\"2.0\"><channel><title>C</title>\n"
        "<item><title>Good one</title><link>http://ex.org/1</link></item>\n"
        "<item><title>Unclosed <b>bold</title><link>http://ex.org/2</link></item>\n"
        "</channel>");
    (void)state;
    assert_true(f->n_items >= 1);
    assert_string_equal(f->items[0].title, "Good one");
    assert_non_null(f->warnings);
    assert_non_null(strstr(f->warnings, "line "));
    idx_feed_free(f);
}

/* libxml2 must report through our handler only, never on stderr. */
static void feed_should_not_print_parser_errors(void **state)
{
    const char *dir = getenv("TEST_TMPDIR");
    char path[512];
    FILE *tmp;
    int saved;
    long size;
    idx_feed_t *f = NULL;
    char *err = NULL;
    (void)state;

    snprintf(path, sizeof path, "%s/test_feed_stderr.txt", dir ? dir : "/tmp");
    tmp = fopen(path, "w+");
    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), 2) >= 0);
    (void)idx_feed_parse(recover_doc, strlen(recover_doc), "x", &f, &err);
    idx_feed_free(f);
    f = NULL;
    (void)idx_feed_parse("<rss><channel><item></rss", 25, "x", &f, &err);
    idx_feed_free(f);
    free(err);
    err = NULL;
    (void)idx_feed_parse("garbage", 7, "x", &f, &err);
    free(err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fseek(tmp, 0, SEEK_END);
    size = ftell(tmp);
    fclose(tmp);
    unlink(path);
    assert_int_equal(size, 0);
}

/* ---- hostile documents ------------------------------------------------- */

static int any_field_contains(const idx_feed_t *f, const char *needle)
{
    const char *fs[] = {f->title, f->link, f->lang, f->warnings};
    for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++)
        if (fs[k] && strstr(fs[k], needle))
            return 1;
    for (size_t i = 0; i < f->n_items; i++) {
        const idx_item_t *it = &f->items[i];
        const char *is[] = {it->url, it->guid, it->title, it->byline,
                            it->summary, it->body, it->lang};
        for (size_t k = 0; k < sizeof is / sizeof is[0]; k++)
            if (is[k] && strstr(is[k], needle))
                return 1;
    }
    return 0;
}

static void feed_should_not_expand_external_entities(void **state)
{
    static const char *const docs[] = {
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<rss version=\"2.0\"><channel><title>&xxe;</title><item>"
        "<title>t &xxe;</title><description>&xxe;</description>"
        "<link>http://ex.org/</link></item></channel></rss>",
        /* parameter entity pulling an external DTD */
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE rss [<!ENTITY % ext SYSTEM \"file:///etc/passwd\"> %ext;]>\n"
        "<rss version=\"2.0\"><channel><title>x</title></channel></rss>",
        /* external DTD by system id */
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">\n"
        "<rss version=\"2.0\"><channel><title>x</title></channel></rss>",
    };
    (void)state;
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        idx_feed_t *f = NULL;
        char *err = NULL;
        int rc = idx_feed_parse(docs[d], strlen(docs[d]), "xxe.xml", &f, &err);
        if (rc == 0) {
            assert_false(any_field_contains(f, "root:"));
            assert_false(any_field_contains(f, "/bin/"));
            idx_feed_free(f);
        } else {
            assert_null(strstr(err, "root:"));
            free(err);
        }
    }
}

static void feed_should_bound_billion_laughs(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE rss [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<rss version=\"2.0\"><channel><title>&lol9;</title><item>"
        "<title>&lol9;</title><description>&lol9;</description>"
        "<link>http://ex.org/</link></item></channel></rss>\n";
    struct timespec t0, t1;
    idx_feed_t *f = NULL;
    char *err = NULL;
    int rc;
    double secs;
    (void)state;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = idx_feed_parse(doc, strlen(doc), "lol.xml", &f, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("billion laughs: rc=%d in %.3f s\n", rc, secs);
    assert_true(secs < 5.0);
    if (rc == 0) {
        /* whatever survives is bounded far below 3 GB of "lol" */
        const char *fs[] = {f->title,
                            f->n_items ? f->items[0].title : NULL,
                            f->n_items ? f->items[0].summary : NULL};
        for (size_t k = 0; k < 3; k++)
            assert_true(fs[k] == NULL || strlen(fs[k]) <= (size_t)16 * 1024 * 1024);
        assert_non_null(f->warnings);
        idx_feed_free(f);
    } else {
        free(err);
    }
}

/* ---- documents that are not feeds ------------------------------------- */

typedef struct error_case {
    const char *doc;
    const char *prefix; /* errmsg must start with this */
    const char *also;   /* and contain this (or NULL) */
} error_case_t;

static const error_case_t error_cases[] = {
    {"", "bad.xml: empty document", NULL},
    {"  \n\t\n", "bad.xml: empty document", NULL},
    {"just some text", "bad.xml: not XML: ", " at line 1"},
    {"{\"json\": true}", "bad.xml: not XML: ", " at line "},
    {"<html><body><p>page</p></body></html>",
     "bad.xml: not an RSS or Atom feed (root element <html>)", NULL},
    {"<?xml version=\"1.0\"?><opml version=\"2.0\"><body/></opml>",
     "bad.xml: not an RSS or Atom feed (root element <opml>)", NULL},
    {"<feed xmlns=\"http://example.com/other\"><title>x</title></feed>",
     "bad.xml: not an RSS or Atom feed (root element <feed>)", NULL},
};

static void feed_should_refuse_non_feeds_with_a_message(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof error_cases / sizeof error_cases[0]; c++) {
        char *err = parse_fail(error_cases[c].doc, strlen(error_cases[c].doc));
        print_message("case %zu: %s\n", c, err);
        assert_memory_equal(err, error_cases[c].prefix,
                            strlen(error_cases[c].prefix));
        if (error_cases[c].also)
            assert_non_null(strstr(err, error_cases[c].also));
        free(err);
    }
}

static void feed_should_refuse_documents_over_64_mib(void **state)
{
    size_t n = (size_t)64 * 1024 * 1024 + 1;
    char *big = malloc(n), *err;
    (void)state;
    assert_non_null(big);
    memset(big, ' ', n);
    memcpy(big, "<rss>", 5);
    err = parse_fail(big, n);
    assert_non_null(strstr(err, "bad.xml: document too large"));
    free(err);
    free(big);
}

static void feed_should_accept_null_out_and_free_null(void **state)
{
    char *err = NULL;
    (void)state;
    idx_feed_free(NULL);
    assert_int_equal(idx_feed_parse(feed_cases[0].doc,
                                    strlen(feed_cases[0].doc), "x", NULL,
                                    &err),
                     0);
    assert_null(err);
}

/* ---- encodings ------------------------------------------------------------ */

/* A feed whose channel title is TITLE, as an ASCII template; the decl is
 * spliced in front. */
#define ENC_DOC(decl, title) \
    decl "<rss version=\"2.0\"><channel><title>" title "</title></channel></rss>"

typedef struct enc_case {
    const char *what;
    const char *doc;        /* bytes (single-byte layouts) */
    int wide;               /* 0, or 2/4: widen doc to UTF-16/32 */
    int big_endian, bom;
    const char *content_type;
    const char *title;      /* expected, UTF-8 */
    const char *encoding;   /* expected */
    int warned;             /* expect warnings */
} enc_case_t;

static const enc_case_t enc_cases[] = {
    {"utf-8 by default", ENC_DOC("", "caf\xc3\xa9"), 0, 0, 0, NULL,
     "caf\xc3\xa9", "utf-8", 0},
    {"utf-8 byte-order mark", ENC_DOC("\xef\xbb\xbf", "caf\xc3\xa9"), 0, 0, 0,
     NULL, "caf\xc3\xa9", "utf-8", 0},
    {"declared iso-8859-1",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", "caf\xe9"), 0,
     0, 0, NULL, "caf\xc3\xa9", "iso-8859-1", 0},
    {"declared windows-1252 quotes",
     ENC_DOC("<?xml version='1.0' encoding='windows-1252'?>", "\x93q\x94"), 0,
     0, 0, NULL, "\xe2\x80\x9cq\xe2\x80\x9d", "windows-1252", 0},
    {"HTTP charset overrides the declaration",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"iso-8859-2\"?>", "\x93q\x94"), 0,
     0, 0, "text/xml; charset=\"windows-1252\"", "\xe2\x80\x9cq\xe2\x80\x9d",
     "windows-1252", 0},
    {"HTTP western default loses to a real UTF-8 document",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"utf-8\"?>", "caf\xc3\xa9"), 0,
     0, 0, "text/xml; charset=iso-8859-1", "caf\xc3\xa9", "utf-8", 1},
    {"gb2312 read as its superset gb18030",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"gb2312\"?>", "\xd6\xd0"), 0, 0,
     0, NULL, "\xe4\xb8\xad", "gb18030", 0},
    {"euc-kr", ENC_DOC("<?xml version=\"1.0\" encoding=\"euc-kr\"?>", "\xb3\xe2"),
     0, 0, 0, NULL, "\xeb\x85\x84", "euc-kr", 0},
    {"undeclared windows-1252 bytes", ENC_DOC("", "don\x92t"), 0, 0, 0, NULL,
     "don\xe2\x80\x99t", "windows-1252", 1},
    {"stray windows-1252 byte in a UTF-8 feed",
     ENC_DOC("", "caf\xc3\xa9 don\x92t"), 0, 0, 0, NULL,
     "caf\xc3\xa9 don\xe2\x80\x99t", "utf-8", 1},
    {"us-ascii that is not", ENC_DOC("<?xml version=\"1.0\" encoding=\"us-ascii\"?>",
     "caf\xc3\xa9"), 0, 0, 0, NULL, "caf\xc3\xa9", "utf-8", 1},
    {"unknown encoding name",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"x-no-such\"?>", "plain"), 0, 0,
     0, NULL, "plain", "utf-8", 1},
    {"utf-16le with BOM",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"utf-16\"?>", "Title"), 2, 0, 1,
     NULL, "Title", "utf-16le", 0},
    {"utf-16be without BOM, Python's name",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"utf_16\"?>", "Title"), 2, 1, 0,
     NULL, "Title", "utf-16be", 0},
    {"utf-16be under a wrong declaration",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"u16\"?>", "Title"), 2, 1, 0,
     NULL, "Title", "utf-16be", 0},
    {"utf-32le with BOM", ENC_DOC("<?xml version=\"1.0\"?>", "Title"), 4, 0, 1,
     NULL, "Title", "utf-32le", 0},
    {"utf-32be without BOM",
     ENC_DOC("<?xml version=\"1.0\" encoding=\"utf-32\"?>", "Title"), 4, 1, 0,
     NULL, "Title", "utf-32be", 0},
};

/* doc widened to 2- or 4-byte code units; caller frees. */
static char *widen(const char *doc, int unit, int be, int bom, size_t *len)
{
    size_t n = strlen(doc), o = 0;
    char *out = calloc((n + 1) * (size_t)unit, 1);

    assert_non_null(out);
    for (size_t i = 0; i < n + (bom ? 1 : 0); i++) {
        unsigned long v = bom && i == 0 ? 0xFEFFul : (unsigned char)doc[i - (bom ? 1 : 0)];
        for (int k = 0; k < unit; k++) {
            int shift = be ? 8 * (unit - 1 - k) : 8 * k;
            out[o++] = (char)((v >> shift) & 0xFF);
        }
    }
    *len = o;
    return out;
}

static void feed_should_decode_declared_and_detected_encodings(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof enc_cases / sizeof enc_cases[0]; c++) {
        const enc_case_t *e = &enc_cases[c];
        idx_feed_http_t http = {e->content_type, NULL, NULL};
        idx_feed_t *f = NULL;
        char *err = NULL, *doc;
        size_t len;

        print_message("case: %s\n", e->what);
        if (e->wide) {
            doc = widen(e->doc, e->wide, e->big_endian, e->bom, &len);
        } else {
            doc = strdup(e->doc);
            len = strlen(doc);
        }
        assert_int_equal(idx_feed_parse_http(doc, len, "enc.xml", &http, &f, &err), 0);
        assert_non_null(f);
        assert_str_or_null(f->title, e->title);
        assert_str_or_null(f->encoding, e->encoding);
        if (e->warned)
            assert_non_null(f->warnings);
        else
            assert_null(f->warnings);
        idx_feed_free(f);
        free(doc);
    }
}

/* ---- HTTP headers ---------------------------------------------------------- */

typedef struct http_case {
    const char *what;
    const char *url;
    idx_feed_http_t http;
    const char *doc;
    const char *link;   /* expected item link */
    const char *lang;   /* expected feed language */
    int warned;
} http_case_t;

#define REL_ITEM                                                              \
    "<rss version=\"2.0\"><channel><item><title>t</title>"                  \
    "<link>/relative/uri</link></item></channel></rss>"

static const http_case_t http_cases[] = {
    {"relative link against the document URL", "http://a.example/feeds/x.xml",
     {NULL, NULL, NULL}, REL_ITEM, "http://a.example/relative/uri", NULL, 0},
    {"Content-Location is the base", "http://a.example/feeds/x.xml",
     {"application/rss+xml", "http://b.example/dir/", NULL}, REL_ITEM,
     "http://b.example/relative/uri", NULL, 0},
    {"relative Content-Location against the URL", "http://a.example/feeds/x.xml",
     {NULL, "/other/place.xml", NULL},
     "<rss version=\"2.0\"><channel><item><title>t</title><link>rel</link>"
     "</item></channel></rss>",
     "http://a.example/other/rel", NULL, 0},
    {"javascript: Content-Location ignored", "http://a.example/feeds/x.xml",
     {NULL, "javascript:alert(1)", NULL}, REL_ITEM,
     "http://a.example/relative/uri", NULL, 0},
    {"Content-Language when the feed has none", "http://a.example/x.xml",
     {NULL, NULL, "de-DE, en"}, REL_ITEM, "http://a.example/relative/uri",
     "de-DE", 0},
    {"the feed's own language wins", "http://a.example/x.xml",
     {NULL, NULL, "de"},
     "<rss version=\"2.0\"><channel><language>fr</language><item><title>t"
     "</title><link>/relative/uri</link></item></channel></rss>",
     "http://a.example/relative/uri", "fr", 0},
    {"served as text/plain is reported", "http://a.example/x.xml",
     {"text/plain; charset=utf-8", NULL, NULL}, REL_ITEM,
     "http://a.example/relative/uri", NULL, 1},
};

static void feed_should_use_http_headers(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof http_cases / sizeof http_cases[0]; c++) {
        const http_case_t *h = &http_cases[c];
        idx_feed_t *f = NULL;
        char *err = NULL;

        print_message("case: %s\n", h->what);
        assert_int_equal(idx_feed_parse_http(h->doc, strlen(h->doc), h->url,
                                             &h->http, &f, &err), 0);
        assert_int_equal(f->n_items, 1);
        assert_str_or_null(f->items[0].url, h->link);
        assert_str_or_null(f->lang, h->lang);
        if (h->lang != NULL)
            assert_str_or_null(f->items[0].lang, h->lang);
        if (h->warned)
            assert_non_null(f->warnings);
        else
            assert_null(f->warnings);
        idx_feed_free(f);
    }
}

/* ---- older and odder shapes ------------------------------------------------ */

typedef struct shape_case {
    const char *what;
    const char *doc;
    const char *format, *feed_title, *feed_link;
    const char *title, *url, *guid, *summary, *body;
    int64_t published;
} shape_case_t;

#define NONE INT64_MIN

static const shape_case_t shape_cases[] = {
    {"CDF channel and item",
     "<CHANNEL HREF=\"http://cdf.example/\"><TITLE>Chan</TITLE>"
     "<ITEM HREF=\"http://cdf.example/1\" LASTMOD=\"2025-12-02T14:05:00Z\">"
     "<TITLE>One</TITLE><ABSTRACT>Abs</ABSTRACT></ITEM></CHANNEL>",
     "cdf", "Chan", "http://cdf.example/", "One", "http://cdf.example/1", NULL,
     "Abs", NULL, T0},
    {"element names without case, namespace URI without case",
     "<rss xmlns:itunes=\"http://www.itunes.com/DTDs/Podcast-1.0.dtd\">"
     "<channel><TiTlE>Pod</TiTlE><item><Title>Ep</Title>"
     "<itunes:summary>Sum</itunes:summary><LINK>http://p.example/1</LINK>"
     "</item></channel></rss>",
     "rss", "Pod", NULL, "Ep", "http://p.example/1", NULL, "Sum", NULL, NONE},
    {"media:title when there is no title",
     "<rss xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><item>"
     "<media:title>Clip</media:title><link>http://m.example/1</link></item>"
     "</channel></rss>",
     "rss", NULL, NULL, "Clip", "http://m.example/1", NULL, NULL, NULL, NONE},
    {"RSS body without namespace, with markup",
     "<rss version=\"2.0\"><channel><item><title>t</title>"
     "<body><p>Para <b>one</b></p><p>two</p></body></item></channel></rss>",
     "rss2.0", NULL, NULL, "t", NULL, NULL, NULL, "Para one\n\ntwo", NONE},
    {"RSS fullitem with escaped html",
     "<rss version=\"2.0\"><channel><item><title>t</title>"
     "<fullitem>&lt;p&gt;Full&lt;/p&gt;</fullitem></item></channel></rss>",
     "rss2.0", NULL, NULL, "t", NULL, NULL, NULL, "Full", NONE},
    {"Atom draft under another namespace",
     "<feed version=\"0.3\" xmlns=\"http://purl.org/echo/\"><title>Echo</title>"
     "<entry><title>E</title></entry></feed>",
     "atom0.3", "Echo", NULL, "E", NULL, NULL, NULL, NULL, NONE},
    {"Atom 0.3 link written as element text, alternate preferred",
     "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>"
     "<title>L</title>"
     "<link rel=\"enclosure\" type=\"audio/mpeg\">http://l.example/a.mp3</link>"
     "<link rel=\"alternate\" type=\"text/html\">http://l.example/page</link>"
     "</entry></feed>",
     "atom0.3", NULL, NULL, "L", "http://l.example/page", NULL, NULL, NULL, NONE},
    {"Atom payload of another type is base64, kept when it is text",
     "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>B</title>"
     "<summary type=\"application/octet-stream\">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</summary>"
     "<content type=\"image/png\">iVBORw0KGgoAAAANSUhEUgAAAAE=</content>"
     "</entry></feed>",
     "atom1.0", NULL, NULL, "B", NULL, NULL, "Example <b>Atom</b>", NULL, NONE},
    {"Atom id written as a path resolves against xml:base",
     "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://i.example/\">"
     "<entry><title>I</title><id>/2025/post</id></entry>"
     "<entry><title>J</title><id>12345</id></entry></feed>",
     "atom1.0", NULL, NULL, "I", NULL, "http://i.example/2025/post", NULL, NULL,
     NONE},
};

static void feed_should_read_older_and_odder_shapes(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof shape_cases / sizeof shape_cases[0]; c++) {
        const shape_case_t *e = &shape_cases[c];
        idx_feed_t *f;

        print_message("case: %s\n", e->what);
        f = parse_ok(e->doc);
        assert_str_or_null(f->format, e->format);
        assert_str_or_null(f->title, e->feed_title);
        assert_str_or_null(f->link, e->feed_link);
        assert_true(f->n_items >= 1);
        assert_str_or_null(f->items[0].title, e->title);
        assert_str_or_null(f->items[0].url, e->url);
        assert_str_or_null(f->items[0].guid, e->guid);
        assert_str_or_null(f->items[0].summary, e->summary);
        assert_str_or_null(f->items[0].body, e->body);
        assert_true(f->items[0].published == e->published);
        if (f->n_items > 1 && strcmp(e->format, "atom1.0") == 0)
            assert_str_or_null(f->items[1].guid, "12345"); /* opaque id kept */
        idx_feed_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(feed_should_read_fields_of_each_format),
        cmocka_unit_test(feed_should_keep_raw_date_string),
        cmocka_unit_test(feed_should_resolve_and_choose_links),
        cmocka_unit_test(feed_should_decode_titles_and_text_once),
        cmocka_unit_test(feed_should_reject_item_without_any_text),
        cmocka_unit_test(
            feed_should_recover_from_undefined_entities_and_stray_ampersands),
        cmocka_unit_test(feed_should_recover_from_broken_markup),
        cmocka_unit_test(feed_should_not_print_parser_errors),
        cmocka_unit_test(feed_should_not_expand_external_entities),
        cmocka_unit_test(feed_should_bound_billion_laughs),
        cmocka_unit_test(feed_should_refuse_non_feeds_with_a_message),
        cmocka_unit_test(feed_should_refuse_documents_over_64_mib),
        cmocka_unit_test(feed_should_accept_null_out_and_free_null),
        cmocka_unit_test(feed_should_decode_declared_and_detected_encodings),
        cmocka_unit_test(feed_should_use_http_headers),
        cmocka_unit_test(feed_should_read_older_and_odder_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
