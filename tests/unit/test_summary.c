/*
 * test_summary.c - sentence signatures and the extractive story summary:
 * the same statement in several sources is one sentence citing all of
 * them, every sentence is a verbatim span of an article, the most central
 * statement leads, and paragraphs are led by headline-like phrases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sentsim.h"
#include "summary.h"

static void
same_statement_should_match_rewordings_but_not_other_facts(void **state)
{
    static const struct { const char *a, *b; int same; } cases[] = {
        { "Putin and Witkoff met for five hours in Moscow on Tuesday.",
          "Putin and Witkoff met in Moscow for five hours on Tuesday, officials said.", 1 },
        { "The river crested at 9.2 metres in Slavonski Brod.",
          "The river crested at 9.2 metres in Slavonski Brod.", 1 },
        { "The river crested at 9.2 metres in Slavonski Brod.",
          "The mayor opened a shelter in the football stadium for 400 people.", 0 },
        { "Trump said the talks went well.",
          "Rubio said the talks were delicate and complicated and would take time.", 0 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qry_sig_t a, b;
        assert_int_equal(qry_sig_make(cases[i].a, strlen(cases[i].a), &a), 0);
        assert_int_equal(qry_sig_make(cases[i].b, strlen(cases[i].b), &b), 0);
        assert_int_equal(qry_sig_same_statement(&a, &b), cases[i].same);
        qry_sig_free(&a);
        qry_sig_free(&b);
    }
}

/* Sentence spans of a body whose sentences end with ". " */
static size_t
spans_of(const char *body, int *spans, size_t cap)
{
    size_t n = 0;
    int start = 0, len = (int)strlen(body);

    for (int i = 0; i < len && n < cap; i++)
        if (body[i] == '.' && (i + 1 == len || body[i + 1] == ' ')) {
            spans[2 * n] = start;
            spans[2 * n + 1] = i + 1;
            n++;
            start = i + 2;
        }
    return n;
}

static const char *const bodies[] = {
    "Special envoy Steve Witkoff met Rustem Umerov in Miami on Thursday for talks on ending the war. "
    "The meeting followed a five-hour session between Witkoff and Vladimir Putin in Moscow earlier in the week. "
    "Umerov called the Miami talks productive and said more meetings were planned.",
    "Steve Witkoff met Rustem Umerov in Miami on Thursday for talks on ending the war, officials said. "
    "Secretary of State Marco Rubio described the negotiations as delicate and complicated. "
    "President Zelensky called the weekend meetings very constructive in a statement from Paris.",
    "Ukraine insists any ceasefire must follow the current front lines in the east of the country. "
    "Steve Witkoff met Rustem Umerov in Miami on Thursday for talks on ending the war. "
    "Putin demanded that Ukrainian troops leave the Donbas region or be driven out by force.",
};
static const char *const titles[] = {
    "Witkoff and Umerov meet in Miami",
    "U.S. and Ukraine hold Miami talks",
    "Kyiv sets its line on territory",
};

static void
summary_should_cite_every_source_of_a_statement_verbatim(void **state)
{
    qry_sum_article_t a[3];
    int spans[3][20];
    cJSON *sum, *p, *s, *c;
    int paragraphs = 0, cited_three = 0;

    (void)state;
    for (int i = 0; i < 3; i++) {
        memset(&a[i], 0, sizeof a[i]);
        a[i].n = i + 1;
        a[i].id = 100 + i;
        a[i].title = titles[i];
        a[i].source = "Src";
        a[i].url = "https://x.example/";
        a[i].body = bodies[i];
        a[i].spans = spans[i];
        a[i].n_spans = spans_of(bodies[i], spans[i], 10);
    }
    sum = qry_summary_build(a, 3, 5, NULL);
    assert_non_null(sum);
    assert_true(cJSON_GetArraySize(sum) >= 3 && cJSON_GetArraySize(sum) <= 5);
    cJSON_ArrayForEach(p, sum) {
        const char *heading = cJSON_GetObjectItem(p, "heading")->valuestring;
        assert_true(heading && *heading);
        paragraphs++;
        cJSON_ArrayForEach(s, cJSON_GetObjectItem(p, "sentences")) {
            const char *text = cJSON_GetObjectItem(s, "text")->valuestring;
            int n = 0;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(s, "citations")) {
                int k = cJSON_GetObjectItem(c, "n")->valueint;
                int st = cJSON_GetObjectItem(c, "start")->valueint;
                int en = cJSON_GetObjectItem(c, "end")->valueint;
                /* each citation points at that article's own sentence */
                assert_true(k >= 1 && k <= 3);
                assert_true(en > st && (size_t)en <= strlen(bodies[k - 1]));
                n++;
            }
            /* the text is a verbatim span of the first cited article */
            c = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "citations"), 0);
            assert_memory_equal(bodies[cJSON_GetObjectItem(c, "n")->valueint - 1] +
                                cJSON_GetObjectItem(c, "start")->valueint, text, strlen(text));
            if (n == 3)
                cited_three++;
        }
    }
    /* the statement all three sources make is one sentence citing all,
     * and as the most central one it leads the summary */
    assert_int_equal(cited_three, 1);
    s = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(sum, 0), "sentences"), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s, "citations")), 3);
    assert_true(paragraphs >= 3);
    cJSON_Delete(sum);
}

static void
summary_of_nothing_should_be_empty(void **state)
{
    cJSON *sum = qry_summary_build(NULL, 0, 5, NULL);
    (void)state;
    assert_non_null(sum);
    assert_int_equal(cJSON_GetArraySize(sum), 0);
    cJSON_Delete(sum);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_statement_should_match_rewordings_but_not_other_facts),
        cmocka_unit_test(summary_should_cite_every_source_of_a_statement_verbatim),
        cmocka_unit_test(summary_of_nothing_should_be_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
