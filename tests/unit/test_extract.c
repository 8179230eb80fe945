/*
 * test_extract.c - article pages: metadata precedence, dates never invented,
 * boilerplate and scripts kept out of the body, charsets, size cap, and
 * malformed deep markup.
 *
 * Pages live in tests/corpora/pages/ (found from this file's path, or from
 * $EXTRACT_PAGES when set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"

static char *read_page(const char *name, size_t *len)
{
    char path[4096];
    const char *dir = getenv("EXTRACT_PAGES");
    if (dir) {
        snprintf(path, sizeof path, "%s/%s", dir, name);
    } else {
        const char *src = __FILE__;
        const char *slash = strrchr(src, '/');
        int n = slash ? (int)(slash - src) : 1;
        snprintf(path, sizeof path, "%.*s/../corpora/pages/%s", n,
                 slash ? src : ".", name);
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
    buf[sz] = '\0';
    fclose(f);
    *len = (size_t)sz;
    return buf;
}

static idx_page_t *extract_file(const char *name, const char *url,
                                const char *http_charset)
{
    size_t len;
    char *html = read_page(name, &len);
    idx_page_t *p = NULL;
    char *err = NULL;
    int rc = idx_extract_page(html, len, url, http_charset, &p, &err);
    if (rc != 0)
        fail_msg("%s: %s", name, err ? err : "?");
    free(html);
    assert_non_null(p);
    return p;
}

static idx_page_t *extract_str(const char *html, const char *url)
{
    idx_page_t *p = NULL;
    char *err = NULL;
    int rc = idx_extract_page(html, strlen(html), url, NULL, &p, &err);
    if (rc != 0)
        fail_msg("inline page: %s", err ? err : "?");
    return p;
}

/* ---- metadata ---------------------------------------------------------- */

static void test_jsonld_fields_win_over_meta_and_time(void **state)
{
    (void)state;
    idx_page_t *p = extract_file("jsonld.html",
                                 "https://ledger.example/news/2025/12/02/x", NULL);
    /* headline from JSON-LD, its &amp; decoded once */
    assert_string_equal(p->title, "Harbour bridge reopens after eight months & a storm");
    assert_string_equal(p->byline, "Maria Okafor, Tomas Lind");
    /* 2025-12-01T06:30:00+01:00, not the meta, <time> or URL date */
    assert_int_equal(p->published, 1764567000);
    assert_string_equal(p->published_src, "json-ld");
    assert_int_equal(p->modified, 1764580500);
    /* rel=canonical beats og:url, made absolute against the page URL */
    assert_string_equal(p->canonical_url,
                        "https://ledger.example/news/2025/12/02/harbour-bridge-reopens");
    assert_string_equal(p->image, "https://ledger.example/img/bridge.jpg");
    assert_string_equal(p->site_name, "The Coastal Ledger");
    assert_string_equal(p->lang, "en-GB");
    assert_non_null(strstr(p->body, "forty steel panels"));
    assert_null(strstr(p->body, "29 November"));
    idx_page_free(p);
}

static void test_opengraph_only_page(void **state)
{
    (void)state;
    idx_page_t *p = extract_file("opengraph.html",
                                 "https://valleypost.example/farming/x", NULL);
    assert_string_equal(p->title, "Orchard growers expect a record apple harvest");
    /* article:author is a profile URL: the byl meta gives the name */
    assert_string_equal(p->byline, "Hannah Reyes");
    assert_int_equal(p->published, 1757882700); /* 2025-09-14T20:45:00Z */
    assert_string_equal(p->published_src, "meta");
    assert_int_equal(p->modified, INT64_MIN);
    assert_string_equal(p->canonical_url,
                        "https://valleypost.example/farming/record-apple-harvest");
    assert_string_equal(p->image, "https://valleypost.example/images/apples.jpg");
    assert_string_equal(p->lang, "en-US");
    assert_string_equal(p->description,
                        "Growers say a mild spring and a dry autumn produced the best crop in decades.");
    idx_page_free(p);
}

/* One row: which declarations a page carries, and what must win. */
typedef struct date_case {
    const char *name;
    int jsonld, meta, time_el;
    const char *url;
    int64_t want;
    const char *want_src;
} date_case_t;

static void test_published_date_precedence(void **state)
{
    (void)state;
    static const date_case_t cases[] = {
        {"all four: json-ld", 1, 1, 1, "https://x.example/2021/05/06/a", 1609502400, "json-ld"},
        {"meta beats time and url", 0, 1, 1, "https://x.example/2021/05/06/a", 1612180800, "meta"},
        {"time beats url", 0, 0, 1, "https://x.example/2021/05/06/a", 1614600000, "time"},
        {"url slashes", 0, 0, 0, "https://x.example/2021/05/06/a", 1620259200, "url"},
        {"url dashes", 0, 0, 0, "https://x.example/news/2021-05-06-a.html", 1620259200, "url"},
        {"nothing: no date", 0, 0, 0, "https://x.example/news/a", INT64_MIN, NULL},
        {"bad url date: no date", 0, 0, 0, "https://x.example/2021/13/45/a", INT64_MIN, NULL},
        {"date in query only: no date", 0, 0, 0, "https://x.example/a?d=2021-05-06", INT64_MIN, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const date_case_t *c = &cases[i];
        char html[4096];
        snprintf(html, sizeof html,
                 "<html><head><title>t</title>%s%s</head><body><article>%s"
                 "<p>Some article text that is long enough to count as a paragraph "
                 "of prose, with commas, and more words.</p></article></body></html>",
                 c->jsonld ? "<script type=\"application/ld+json\">{\"@type\":"
                             "\"NewsArticle\",\"headline\":\"h\",\"datePublished\":"
                             "\"2021-01-01T12:00:00Z\"}</script>" : "",
                 c->meta ? "<meta property=\"article:published_time\" "
                           "content=\"2021-02-01T12:00:00Z\">" : "",
                 c->time_el ? "<time datetime=\"2021-03-01T12:00:00Z\">1 March</time>" : "");
        idx_page_t *p = extract_str(html, c->url);
        if (p->published != c->want)
            fail_msg("%s: published %lld, want %lld", c->name,
                     (long long)p->published, (long long)c->want);
        if (c->want_src)
            assert_string_equal(p->published_src, c->want_src);
        else if (p->published_src)
            fail_msg("%s: published_src %s, want none", c->name, p->published_src);
        idx_page_free(p);
    }
}

static void test_url_date_patterns(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        int64_t want; /* INT64_MIN: none */
    } cases[] = {
        {"https://a.example/2025/12/02/story", 1764633600},
        {"https://a.example/world/2025/12/02", 1764633600},
        {"https://a.example/x/2025-12-02-story.html", 1764633600},
        {"https://a.example/2024/02/29/leap", 1709164800},
        {"https://a.example/2023/02/29/not-leap", INT64_MIN},
        {"https://a.example/2025/12/story", INT64_MIN},
        {"https://a.example/id/120251202/x", INT64_MIN},
        {"https://a.example/1850/01/01/too-old", INT64_MIN},
        {"https://a.example/story#2025-12-02", INT64_MIN},
        {NULL, INT64_MIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = INT64_MIN;
        int rc = idx_extract_url_date(cases[i].url, &t);
        if (cases[i].want == INT64_MIN) {
            if (rc == 0)
                fail_msg("%s: found %lld, want none", cases[i].url, (long long)t);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(t, cases[i].want);
        }
    }
}

static void test_no_date_is_invented(void **state)
{
    (void)state;
    idx_page_t *p = extract_file("boilerplate.html",
                                 "https://towncrier.example/news/library-hours", NULL);
    assert_int_equal(p->published, INT64_MIN);
    assert_null(p->published_src);
    assert_int_equal(p->modified, INT64_MIN);
    idx_page_free(p);
}

static void test_unparseable_declared_date_falls_through(void **state)
{
    (void)state;
    idx_page_t *p = extract_str(
        "<html><head><meta property=\"article:published_time\" content=\"soon\">"
        "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":"
        "\"h\",\"datePublished\":\"not a date\"}</script></head><body><p>Text of "
        "the article, long enough to be a paragraph, with commas, and words.</p>"
        "</body></html>",
        "https://a.example/story");
    assert_int_equal(p->published, INT64_MIN);
    assert_null(p->published_src);
    idx_page_free(p);
}

/* ---- body -------------------------------------------------------------- */

static void test_boilerplate_is_removed(void **state)
{
    (void)state;
    static const char *const kept[] = {
        "The central library will stay open until nine",
        "Council members said the longer hours",
        "Students had campaigned for the change",
    };
    static const char *const dropped[] = {
        "cookie", "Advertisement", "sofas", "Related stories", "Swimming pool",
        "Share on", "CommentUser42", "ReaderTwo", "Sidebar teaser",
        "newsletter", "Copyright", "Weather", "Sam Whitfield",
        "Library extends opening hours", /* the h1 headline */
    };
    idx_page_t *p = extract_file("boilerplate.html",
                                 "https://towncrier.example/news/library-hours", NULL);
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (!strstr(p->body, kept[i]))
            fail_msg("lost \"%s\" from body:\n%s", kept[i], p->body);
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
        if (strstr(p->body, dropped[i]))
            fail_msg("\"%s\" leaked into body:\n%s", dropped[i], p->body);
    /* paragraphs are separated by one blank line */
    assert_non_null(strstr(p->body, "five years ago.\n\nCouncil members"));
    idx_page_free(p);
}

static void test_script_style_iframe_never_in_body(void **state)
{
    (void)state;
    static const char *const sentinels[] = {
        "STYLESENTINEL", "HEADSCRIPTSENTINEL", "INLINESCRIPTSENTINEL",
        "INLINESTYLESENTINEL", "IFRAMESENTINEL", "NOSCRIPTSENTINEL",
        "TEMPLATESENTINEL", "SVGSENTINEL", "BUTTONSENTINEL", "OPTIONSENTINEL",
        "LDBODYSENTINEL", "googletag", "document.write",
    };
    idx_page_t *p = extract_file("scripts.html", "https://ferry.example/winter", NULL);
    for (size_t i = 0; i < sizeof sentinels / sizeof sentinels[0]; i++)
        if (strstr(p->body, sentinels[i]))
            fail_msg("\"%s\" reached the body:\n%s", sentinels[i], p->body);
    assert_non_null(strstr(p->body, "six crossings a day"));
    assert_non_null(strstr(p->body, "restore the midday crossing"));
    idx_page_free(p);
}

static void test_jsonld_body_used_only_when_dom_is_poorer(void **state)
{
    (void)state;
    const char *para = "The first paragraph is the only one left in the DOM, "
                       "because the rest sits behind a subscription wall.";
    char html[8192];
    snprintf(html, sizeof html,
             "<html><head><script type=\"application/ld+json\">{\"@type\":"
             "\"NewsArticle\",\"headline\":\"h\",\"articleBody\":\"%s\\n"
             "Second paragraph from the structured data, with the figures "
             "that the page itself no longer shows to readers.\\nThird "
             "paragraph from the structured data, with a quote from the "
             "minister and the reaction of the opposition parties.\\nFourth "
             "paragraph, so that the structured body is clearly the longer "
             "and fuller of the two versions of the same article text.\"}"
             "</script></head><body><div class=\"article-body\"><p>%s</p>"
             "</div></body></html>", para, para);
    idx_page_t *p = extract_str(html, "https://a.example/x");
    assert_non_null(strstr(p->body, "Fourth paragraph"));
    assert_memory_equal(p->body, para, strlen(para));
    assert_non_null(strstr(p->body, "\n\nSecond paragraph"));
    idx_page_free(p);

    /* a short structured body never replaces a full DOM body */
    p = extract_file("scripts.html", "https://ferry.example/winter", NULL);
    assert_null(strstr(p->body, "LDBODYSENTINEL"));
    idx_page_free(p);
}

static void test_entities_decoded_once(void **state)
{
    (void)state;
    idx_page_t *p = extract_str(
        "<html><body><article><p>Fish &amp;amp; chips cost &pound;5 at the "
        "&lsquo;Anchor&rsquo; in town, and &#x263A; &#9731; are symbols, not "
        "&notanentity; words.</p></article></body></html>",
        "https://a.example/x");
    assert_string_equal(p->body,
                        "Fish &amp; chips cost \xC2\xA3" "5 at the \xE2\x80\x98"
                        "Anchor\xE2\x80\x99 in town, and \xE2\x98\xBA \xE2\x98\x83"
                        " are symbols, not &notanentity; words.");
    idx_page_free(p);
}

/* ---- encodings --------------------------------------------------------- */

static void test_latin1_page_declared_by_meta(void **state)
{
    (void)state;
    idx_page_t *p = extract_file("latin1.html", "https://zeitung.example/cafe", NULL);
    assert_string_equal(p->title, "Caf\xC3\xA9 in Z\xC3\xBCrich er\xC3\xB6" "ffnet");
    assert_non_null(strstr(p->body, "Das Caf\xC3\xA9 am See in Z\xC3\xBCrich"));
    assert_non_null(strstr(p->body, "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e"));
    assert_non_null(strstr(p->body, "Schlie\xC3\x9F" "ung"));
    assert_non_null(strstr(p->body, "genie\xC3\x9F" "en k\xC3\xB6nnten & ob"));
    assert_string_equal(p->lang, "de");
    idx_page_free(p);
}

static void test_http_charset_overrides_meta(void **state)
{
    (void)state;
    /* UTF-8 bytes mislabelled as latin-1 in the page; the header knows */
    const char *html = "<html><head><meta charset=\"iso-8859-1\"></head><body>"
                       "<p>Caf\xC3\xA9 cr\xC3\xA8me, the header is right and the "
                       "meta tag is wrong about this page.</p></body></html>";
    idx_page_t *p = NULL;
    char *err = NULL;
    assert_int_equal(idx_extract_page(html, strlen(html), "https://a.example/",
                                      "utf-8", &p, &err), 0);
    assert_non_null(strstr(p->body, "Caf\xC3\xA9 cr\xC3\xA8me"));
    idx_page_free(p);
}

static void test_invalid_utf8_comes_out_valid(void **state)
{
    (void)state;
    const char *html = "<html><head><meta charset=\"utf-8\"></head><body><p>Broken "
                       "\xC3 byte and \xFF another, in a paragraph long enough to "
                       "count as article text.</p></body></html>";
    idx_page_t *p = NULL;
    char *err = NULL;
    assert_int_equal(idx_extract_page(html, strlen(html), "https://a.example/",
                                      NULL, &p, &err), 0);
    assert_true(idx_extract_utf8_valid(p->body, strlen(p->body)));
    assert_non_null(strstr(p->body, "Broken \xEF\xBF\xBD byte"));
    idx_page_free(p);
}

/* ---- limits and robustness --------------------------------------------- */

static void test_page_over_50_mib_is_truncated_to_the_cap(void **state)
{
    (void)state;
    const char *head = "<html><head><title>Big page</title></head><body>"
                       "<div class=\"story\"><p>The article sits at the top of an "
                       "enormous page, and it must come out whole, with commas, "
                       "even though the page is far over the size cap.</p></div>";
    const char *tail = "<p>TAILSENTINEL sits past the cap and must never be "
                       "parsed, read, or reach the body of the article.</p>"
                       "</body></html>";
    size_t cap = IDX_EXTRACT_MAX_INPUT + (1u << 20);
    char *html = malloc(cap + strlen(tail) + 1);
    assert_non_null(html);
    size_t len = strlen(head);
    memcpy(html, head, len);
    /* filler: hidden blocks of 64 KiB of words */
    while (len + 70000 < cap) {
        memcpy(html + len, "<div hidden>", 12);
        len += 12;
        for (int i = 0; i < 8192; i++) {
            memcpy(html + len, "filler. ", 8);
            len += 8;
        }
        memcpy(html + len, "</div>\n", 7);
        len += 7;
    }
    while (len < cap)
        html[len++] = ' ';
    memcpy(html + len, tail, strlen(tail));
    len += strlen(tail);
    assert_true(len > IDX_EXTRACT_MAX_INPUT);

    idx_page_t *p = NULL;
    char *err = NULL;
    clock_t t0 = clock();
    assert_int_equal(idx_extract_page(html, len, "https://a.example/big", NULL,
                                      &p, &err), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 60.0);
    assert_non_null(strstr(p->body, "The article sits at the top"));
    assert_null(strstr(p->body, "TAILSENTINEL"));
    assert_null(strstr(p->body, "filler"));
    idx_page_free(p);
    free(html);
}

static void test_malformed_deep_markup_does_not_crash(void **state)
{
    (void)state;
    idx_page_t *p = extract_file("nested.html", "https://a.example/deep", NULL);
    assert_non_null(strstr(p->body, "nests its markup far too deeply"));
    idx_page_free(p);

    /* 200,000 unclosed elements, generated */
    size_t n = 200000, len = 0;
    char *html = malloc(n * 16 + 256);
    assert_non_null(html);
    len += (size_t)snprintf(html, 256, "<html><body><p>Top paragraph of a "
                            "page that never closes anything, with commas, "
                            "and enough words.</p>");
    for (size_t i = 0; i < n; i++) {
        const char *t = (i % 3 == 0) ? "<div>" : (i % 3 == 1) ? "<span><b>" : "<a>";
        memcpy(html + len, t, strlen(t));
        len += strlen(t);
    }
    char *err = NULL;
    p = NULL;
    int rc = idx_extract_page(html, len, "https://a.example/deeper", NULL, &p, &err);
    if (rc == 0)
        assert_non_null(p->body);
    else
        assert_non_null(err);
    idx_page_free(p);
    free(err);
    free(html);
}

static void test_failures_report_url_and_reason(void **state)
{
    (void)state;
    static const struct {
        const char *html;
        const char *want;
    } cases[] = {
        {"", "https://a.example/e: empty document"},
        {"<html><body></body></html>",
         "https://a.example/e: no title and no article text found"},
        {"<html><body><script>var x = 'only a script';</script></body></html>",
         "https://a.example/e: no title and no article text found"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        idx_page_t *p = (idx_page_t *)1;
        char *err = NULL;
        assert_int_equal(idx_extract_page(cases[i].html, strlen(cases[i].html),
                                          "https://a.example/e", NULL, &p, &err),
                         -1);
        assert_null(p);
        assert_non_null(err);
        assert_string_equal(err, cases[i].want);
        free(err);
    }
    idx_page_free(NULL); /* no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonld_fields_win_over_meta_and_time),
        cmocka_unit_test(test_opengraph_only_page),
        cmocka_unit_test(test_published_date_precedence),
        cmocka_unit_test(test_url_date_patterns),
        cmocka_unit_test(test_no_date_is_invented),
        cmocka_unit_test(test_unparseable_declared_date_falls_through),
        cmocka_unit_test(test_boilerplate_is_removed),
        cmocka_unit_test(test_script_style_iframe_never_in_body),
        cmocka_unit_test(test_jsonld_body_used_only_when_dom_is_poorer),
        cmocka_unit_test(test_entities_decoded_once),
        cmocka_unit_test(test_latin1_page_declared_by_meta),
        cmocka_unit_test(test_http_charset_overrides_meta),
        cmocka_unit_test(test_invalid_utf8_comes_out_valid),
        cmocka_unit_test(test_page_over_50_mib_is_truncated_to_the_cap),
        cmocka_unit_test(test_malformed_deep_markup_does_not_crash),
        cmocka_unit_test(test_failures_report_url_and_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
