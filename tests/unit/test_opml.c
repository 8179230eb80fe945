/*
 * test_opml.c - OPML subscription lists: nested folders, attribute
 * spellings, hostile input, and a write/read round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opml.h"

static const char nested[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<opml version=\"2.0\"><head><title>My feeds</title></head><body>\n"
    "  <outline text=\"Top level\" type=\"rss\" xmlUrl=\"https://a.example/feed\"/>\n"
    "  <outline text=\"News\">\n"
    "    <outline title=\"Bee &amp; Co\" text=\"ignored\" xmlUrl=\" https://b.example/rss \""
    "             htmlUrl=\"https://b.example/\"/>\n"
    "    <outline text=\"Local\">\n"
    "      <outline text=\"Deep one\" xmlurl=\"https://c.example/atom\"/>\n"
    "    </outline>\n"
    "  </outline>\n"
    "  <outline text=\"A folder with no feeds\"/>\n"
    "  <outline xmlUrl=\"https://d.example/untitled\"/>\n"
    "</body></opml>\n";

static void
opml_should_find_feeds_at_any_depth(void **state)
{
    idx_opml_feed_t *f = NULL;
    size_t n = 0;
    char *err = NULL;
    (void)state;

    assert_int_equal(idx_opml_parse(nested, strlen(nested), "subs.opml", &f, &n, &err), 0);
    assert_null(err);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].url, "https://a.example/feed");
    assert_string_equal(f[0].title, "Top level");
    assert_null(f[0].category);
    assert_string_equal(f[1].url, "https://b.example/rss");   /* trimmed */
    assert_string_equal(f[1].title, "Bee & Co");              /* title before text */
    assert_string_equal(f[1].html_url, "https://b.example/");
    assert_string_equal(f[1].category, "News");
    assert_string_equal(f[2].url, "https://c.example/atom");  /* xmlurl spelling */
    assert_string_equal(f[2].category, "News/Local");
    assert_null(f[3].title);
    idx_opml_free(f, n);
}

static void
opml_should_refuse_what_is_not_opml(void **state)
{
    static const char *const bad[] = {
        "",
        "not xml at all",
        "<rss version=\"2.0\"><channel/></rss>",
        "<opml><body><outline xmlUrl=\"x\">",   /* unclosed */
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        idx_opml_feed_t *f = NULL;
        size_t n = 7;
        char *err = NULL;
        assert_int_equal(idx_opml_parse(bad[i], strlen(bad[i]), "bad.opml", &f, &n, &err), -1);
        assert_null(f);
        assert_int_equal(n, 0);
        assert_non_null(err);
        assert_non_null(strstr(err, "bad.opml"));
        free(err);
    }
}

static void
opml_should_not_expand_external_or_nested_entities(void **state)
{
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE opml [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
        "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n"
        "<opml version=\"2.0\"><body>"
        "<outline title=\"&x;\" xmlUrl=\"https://e.example/&c;\"/></body></opml>";
    idx_opml_feed_t *f = NULL;
    size_t n = 0;
    char *err = NULL;
    (void)state;

    if (idx_opml_parse(xxe, strlen(xxe), "xxe.opml", &f, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++) {
            assert_true(f[i].title == NULL || strstr(f[i].title, "root:") == NULL);
            assert_true(strlen(f[i].url) < 200);
        }
        idx_opml_free(f, n);
    } else {
        free(err);
    }
}

static void
opml_should_round_trip_through_the_writer(void **state)
{
    idx_opml_feed_t in[] = {
        { "https://a.example/feed?x=1&y=2", "Quotes \"and\" <angles> & 'apostrophes'", NULL, NULL },
        { "https://b.example/rss", NULL, NULL, NULL },
    };
    char *buf = NULL;
    size_t len = 0, n = 0;
    FILE *f = open_memstream(&buf, &len);
    idx_opml_feed_t *out = NULL;
    char *err = NULL;
    (void)state;

    assert_non_null(f);
    assert_int_equal(idx_opml_write(f, in, 2, "T & T", 1764583200), 0);
    fclose(f);
    assert_non_null(strstr(buf, "<dateCreated>Mon, 01 Dec 2025 10:00:00 GMT</dateCreated>"));
    assert_int_equal(idx_opml_parse(buf, len, "mem", &out, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(out[0].url, in[0].url);
    assert_string_equal(out[0].title, in[0].title);
    assert_string_equal(out[1].url, in[1].url);
    assert_string_equal(out[1].title, in[1].url); /* no name: the URL labels it */
    idx_opml_free(out, n);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opml_should_find_feeds_at_any_depth),
        cmocka_unit_test(opml_should_refuse_what_is_not_opml),
        cmocka_unit_test(opml_should_not_expand_external_or_nested_entities),
        cmocka_unit_test(opml_should_round_trip_through_the_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
