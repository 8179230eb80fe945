/*
 * test_html_text.c - idx_html_to_text: tags dropped, hidden content
 * dropped, blocks become paragraphs, entities decoded exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"

typedef struct html_case {
    const char *html;
    const char *text;
} html_case_t;

static const html_case_t html_cases[] = {
    {"", ""},
    {"   \n\t ", ""},
    {"plain text", "plain text"},
    {"Hello <b>bold</b> world", "Hello bold world"},
    {"  lots   of\n\n  space  ", "lots of space"},
    {"<p>one</p><p>two</p>", "one\n\ntwo"},
    {"<div>a</div><div>b</div>", "a\n\nb"},
    {"line<br>next", "line\nnext"},
    {"line<br/><br/>para", "line\n\npara"},
    {"<ul><li>x</li><li>y</li></ul>", "x\n\ny"},
    {"<h1>Head</h1>text", "Head\n\ntext"},
    {"<h6>Six</h6><blockquote>quote</blockquote>", "Six\n\nquote"},
    {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
     "a b\n\nc"},
    {"<section>s</section><article>a</article>", "s\n\na"},
    {"<pre>code\nhere</pre>after", "code\nhere\n\nafter"},
    /* entities decoded once */
    {"AT&amp;T", "AT&T"},
    {"&amp;amp;", "&amp;"},
    {"&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"},
    {"caf&eacute; &#8211; &#x263A;", "caf\xc3\xa9 \xe2\x80\x93 \xe2\x98\xba"},
    {"don&#146;t", "don\xe2\x80\x99t"}, /* windows-1252 code point */
    /* hidden content */
    {"safe<script>alert('x')</script> text", "safe text"},
    {"<style>p{color:red}</style>shown", "shown"},
    {"a<iframe src=\"http://x/\">inner</iframe>b", "a b"},
    {"a<noscript>ns</noscript>b", "a b"},
    {"a<template>t</template>b", "ab"}, /* never rendered: no gap */
    {"a<script>s</script>b", "ab"},
    {"a<svg><text>svgtext</text></svg>b", "a b"},
    {"a<object><param name=\"movie\" value=\"x.swf\">fallback</object>b",
     "a fallback b"},
    {"a<applet code=\"x.class\">no java</applet>b", "a no java b"},
    {"area <math><mi>a</mi><mo>+</mo><mi>b</mi></math> m", "area a+b m"},
    {"a<form><label>name</label></form>b", "a\n\nb"}, /* form ends the p */
    {"<nav>menu</nav><p>story</p><aside>ad</aside><footer>(c)</footer>",
     "story"},
    {"safe<embed src=\"http://example.com/\"> <b>description</b>",
     "safe description"},
    {"<html><head><title>T</title></head><body><p>Body</p></body></html>",
     "Body"},
    {"<!-- comment --><p>x</p>", "x"},
    /* broken markup still yields its text */
    {"<p>unclosed <b>bold <i>italic", "unclosed bold italic"},
    {"</p>stray end</div>", "stray end"},
    {"a < b and c > d", "a < b and c > d"},
};

static void html_should_convert_table_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof html_cases / sizeof html_cases[0]; i++) {
        char *t = idx_html_to_text(html_cases[i].html,
                                   strlen(html_cases[i].html));
        assert_non_null(t);
        if (strcmp(t, html_cases[i].text) != 0)
            print_error("case %zu: \"%s\" -> \"%s\", want \"%s\"\n", i,
                        html_cases[i].html, t, html_cases[i].text);
        assert_string_equal(t, html_cases[i].text);
        free(t);
    }
}

static void html_should_accept_null_and_unterminated_input(void **state)
{
    char buf[4] = {'a', 'b', 'c', 'd'}; /* no NUL: only len counts */
    char *t;
    (void)state;
    t = idx_html_to_text(NULL, 0);
    assert_non_null(t);
    assert_string_equal(t, "");
    free(t);
    t = idx_html_to_text(buf, 3);
    assert_string_equal(t, "abc");
    free(t);
}

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2
                              : (*s & 0xF0) == 0xE0 ? 3
                              : (*s & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0)
            return 0;
        for (int k = 1; k < n; k++)
            if ((s[k] & 0xC0) != 0x80)
                return 0;
        s += n;
    }
    return 1;
}

static void html_should_return_valid_utf8_for_invalid_input(void **state)
{
    const char bad[] = "caf\xe9 <b>na\xefve</b> \xff\xfe end \xc3";
    char *t;
    (void)state;
    t = idx_html_to_text(bad, sizeof bad - 1);
    assert_non_null(t);
    assert_true(valid_utf8((const unsigned char *)t));
    assert_non_null(strstr(t, "end"));
    free(t);
}

static char *nested_divs(size_t depth, size_t *len)
{
    size_t o = 0;
    char *doc = malloc(depth * 5 + 16);
    if (doc == NULL)
        return NULL;
    for (size_t i = 0; i < depth; i++) {
        memcpy(doc + o, "<div>", 5);
        o += 5;
    }
    memcpy(doc + o, "deep", 4);
    *len = o + 4;
    return doc;
}

/* libxml2 refuses trees deeper than 256 (without XML_PARSE_HUGE): text
 * below that is lost, but nothing crashes or recurses without bound. */
static void html_should_survive_deep_nesting(void **state)
{
    size_t len;
    char *doc, *t;
    (void)state;
    doc = nested_divs(200, &len);
    assert_non_null(doc);
    t = idx_html_to_text(doc, len);
    assert_string_equal(t, "deep");
    free(t);
    free(doc);
    doc = nested_divs(20000, &len);
    assert_non_null(doc);
    t = idx_html_to_text(doc, len);
    assert_non_null(t);
    free(t);
    free(doc);
}

static void html_should_cap_output_at_16_mib(void **state)
{
    /* 18 MiB of text in paragraphs of two-byte characters */
    const char para[] = "<p>\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9</p>";
    size_t pl = sizeof para - 1, count = (size_t)18 * 1024 * 1024 / 12;
    char *doc = malloc(pl * count), *t;
    (void)state;
    assert_non_null(doc);
    for (size_t i = 0; i < count; i++)
        memcpy(doc + i * pl, para, pl);
    t = idx_html_to_text(doc, pl * count);
    assert_non_null(t);
    assert_true(strlen(t) <= (size_t)16 * 1024 * 1024);
    assert_true(strlen(t) > (size_t)15 * 1024 * 1024);
    assert_true(valid_utf8((const unsigned char *)t));
    free(t);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_should_convert_table_cases),
        cmocka_unit_test(html_should_accept_null_and_unterminated_input),
        cmocka_unit_test(html_should_return_valid_utf8_for_invalid_input),
        cmocka_unit_test(html_should_survive_deep_nesting),
        cmocka_unit_test(html_should_cap_output_at_16_mib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
