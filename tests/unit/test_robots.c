/*
 * test_robots.c - robots.txt matching (RFC 9309): which group applies to
 * our product token, longest-match precedence, wildcards, and what a
 * missing or failing robots.txt means.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "robots.h"

static const char site[] =
    "# a typical site\n"
    "User-agent: *\n"
    "Disallow: /private/\n"
    "Disallow: /search\n"
    "Allow: /private/press/\n"
    "Disallow: /*.pdf$\n"
    "Disallow: /tmp/*/draft\n"
    "\n"
    "User-agent: otherbot\n"
    "User-agent: thirdbot\n"
    "Disallow: /\n"
    "Sitemap: https://site.example/sitemap.xml\n";

static const char ours[] =
    "User-agent: *\n"
    "Disallow: /\n"
    "\n"
    "User-agent: NewsArchive/0.1\n"   /* names us despite case and version */
    "Disallow: /members/\n"
    "crawl-delay: 5\n"
    "Disallow: /paywall   # comment after a rule\n";

static void
robots_should_follow_the_rules_for_our_agent(void **state)
{
    static const struct {
        const char *txt, *path;
        int want;
    } cases[] = {
        /* the '*' group applies when no group names us */
        { site, "/", 1 },
        { site, "/news/2025/12/story.html", 1 },
        { site, "/private/notes.html", 0 },
        { site, "/private/press/release.html", 1 },  /* longer Allow wins */
        { site, "/search?q=x", 0 },
        { site, "/searching", 0 },                     /* prefix match */
        { site, "/files/report.pdf", 0 },              /* $ anchors the end */
        { site, "/files/report.pdf?download=1", 1 },
        { site, "/tmp/a/b/draft-2", 0 },               /* * spans segments */
        { site, "/tmp/draft", 1 },
        { site, "/robots.txt", 1 },
        /* a group naming us replaces '*' entirely */
        { ours, "/", 1 },
        { ours, "/news/story", 1 },
        { ours, "/members/page", 0 },
        { ours, "/paywall/x", 0 },
        /* edge cases */
        { "", "/anything", 1 },
        { "User-agent: *\nDisallow:\n", "/anything", 1 },   /* empty Disallow */
        { "Disallow: /\n", "/x", 1 },                         /* rule before any group */
        { "User-agent: *\nDisallow: /a\nAllow: /a\n", "/a/b", 1 }, /* tie: Allow */
        { "user-agent: *\r\ndisallow: /x\r\n", "/x/y", 0 },  /* CRLF, lower case */
        { "User-agent: newsarchivebot\nDisallow: /\n", "/x", 1 }, /* not our token */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int got = idx_robots_allowed(cases[i].txt, strlen(cases[i].txt), "newsarchive",
                                     cases[i].path);
        if (got != cases[i].want)
            fail_msg("case %zu (%s): got %d, want %d", i, cases[i].path, got, cases[i].want);
    }
}

static void
robots_status_should_decide_when_there_are_no_rules(void **state)
{
    const char *deny = "User-agent: *\nDisallow: /\n";
    (void)state;
    assert_int_equal(idx_robots_check(200, deny, strlen(deny), "newsarchive", "/a"), 0);
    assert_int_equal(idx_robots_check(404, NULL, 0, "newsarchive", "/a"), 1);
    assert_int_equal(idx_robots_check(403, NULL, 0, "newsarchive", "/a"), 1);
    assert_int_equal(idx_robots_check(503, NULL, 0, "newsarchive", "/a"), 0);
    assert_int_equal(idx_robots_check(0, NULL, 0, "newsarchive", "/a"), 0);
}

static void
robots_path_should_be_path_and_query(void **state)
{
    static const struct { const char *url, *want; } cases[] = {
        { "https://a.example/x/y?z=1#frag", "/x/y?z=1" },
        { "https://a.example", "/" },
        { "https://a.example?q", "/?q" },
        { "https://a.example/#top", "/" },
    };
    char buf[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(idx_robots_path_of(cases[i].url, buf, sizeof buf), 0);
        assert_string_equal(buf, cases[i].want);
    }
    assert_int_equal(idx_robots_path_of("https://a.example/a-very-long-path", buf, 8), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(robots_should_follow_the_rules_for_our_agent),
        cmocka_unit_test(robots_status_should_decide_when_there_are_no_rules),
        cmocka_unit_test(robots_path_should_be_path_and_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
