/*
 * test_entities.c - the entity finder: aliasing within an article, what is
 * not a name, gazetteer choices, acronyms, possessives and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "entities.h"

/* Does some hit have this kind, canonical name and (if given) surface? */
static int has_hit(const idx_entity_hit_t *h, size_t n, arc_entity_kind_t kind,
                   const char *canonical, const char *surface)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].kind == kind && strcmp(h[i].canonical, canonical) == 0 &&
            (!surface || strcmp(h[i].surface, surface) == 0))
            return 1;
    return 0;
}

/* Does any hit, of any kind, have this surface text? */
static int has_surface(const idx_entity_hit_t *h, size_t n, const char *surface)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].surface, surface) == 0)
            return 1;
    return 0;
}

typedef struct expect_case {
    const char *name;
    const char *title, *body;
    arc_entity_kind_t kind;
    const char *canonical;
    const char *surface;      /* NULL: any surface */
} expect_case_t;

static const expect_case_t found_cases[] = {
    { "surname links to full name", "",
      "Russian President Vladimir Putin met envoys on Monday. Putin said talks were useful.",
      ARC_ENTITY_PERSON, "Vladimir Putin", "Putin" },
    { "titled mention links to full name", "",
      "Vladimir Putin spoke in Moscow. Later, President Putin left for Sochi.",
      ARC_ENTITY_PERSON, "Vladimir Putin", "Putin" },
    { "title stripped from canonical name", "",
      "Prime Minister Keir Starmer said on Monday the plan would work.",
      ARC_ENTITY_PERSON, "Keir Starmer", "Keir Starmer" },
    { "envoy surname links to full name", "",
      "U.S. envoy Steve Witkoff arrived in Moscow. Witkoff told reporters he was hopeful.",
      ARC_ENTITY_PERSON, "Steve Witkoff", "Witkoff" },
    { "title surname links to body full name", "Putin meets envoy",
      "Vladimir Putin received the envoy at the Kremlin.",
      ARC_ENTITY_PERSON, "Vladimir Putin", "Putin" },
    { "possessive stripped", "",
      "The plan was backed by Vladimir Putin. Putin's spokesman declined to comment.",
      ARC_ENTITY_PERSON, "Vladimir Putin", "Putin" },
    { "middle initial kept in a name", "",
      "President Donald J. Trump signed the order on Friday.",
      ARC_ENTITY_PERSON, "Donald J. Trump", "Donald J. Trump" },
    { "particles inside a name", "",
      "Commission President Ursula von der Leyen said Europe would respond.",
      ARC_ENTITY_PERSON, "Ursula von der Leyen", NULL },
    { "Paris is the French capital by default", "",
      "Thousands marched in Paris on Saturday against the pension reform.",
      ARC_ENTITY_PLACE, "Paris", "Paris" },
    { "Paris near Texas is Paris, Texas", "",
      "A tornado hit Paris, Texas, on Tuesday night.",
      ARC_ENTITY_PLACE, "Paris, Texas", "Paris" },
    { "US variants resolve to United States", "",
      "Officials in the U.S. said the deal was close.",
      ARC_ENTITY_PLACE, "United States", "U.S." },
    { "Kiev resolves to Kyiv", "",
      "Explosions were heard in Kiev overnight.",
      ARC_ENTITY_PLACE, "Kyiv", "Kiev" },
    { "hand-written region", "",
      "Fighting continued in the Donbas on Sunday.",
      ARC_ENTITY_PLACE, "Donbas", "Donbas" },
    { "known acronym is an organisation", "",
      "Leaders of NATO met in Brussels.",
      ARC_ENTITY_ORG, "NATO", "NATO" },
    { "acronym expands to canonical org", "",
      "The EU imposed new sanctions on Tuesday.",
      ARC_ENTITY_ORG, "European Union", "EU" },
    { "the Kremlin is an organisation", "",
      "The Kremlin said it had not received the proposal.",
      ARC_ENTITY_ORG, "Kremlin", "Kremlin" },
    { "org marker makes an organisation", "",
      "The decision was taken by the Monetary Policy Committee in London.",
      ARC_ENTITY_ORG, "Monetary Policy Committee", NULL },
    { "unknown acronym follows its expansion", "",
      "The Rapid Support Forces took the city. The RSF denied the reports.",
      ARC_ENTITY_ORG, "Rapid Support Forces", "RSF" },
    { "all-caps headline matched against known places", "RUSSIA STRIKES KYIV",
      "Missiles hit the capital overnight, officials said.",
      ARC_ENTITY_PLACE, "Kyiv", "KYIV" },
    /* "<title> of <department> <name>": the department is not part of a name */
    { "title of department before a name", "",
      "The talks were led by Secretary of State Marco Rubio on Sunday.",
      ARC_ENTITY_PERSON, "Marco Rubio", "Marco Rubio" },
    { "title of two-word department before a name", "",
      "Minister of Foreign Affairs Annalena Baerbock arrived in Kyiv on Monday.",
      ARC_ENTITY_PERSON, "Annalena Baerbock", NULL },
    { "surname after a titled-of name is the person", "Rubio calls talks delicate",
      "Secretary of State Marco Rubio said the talks were delicate. Rubio, who also took part, "
      "told reporters that more work was needed.",
      ARC_ENTITY_PERSON, "Marco Rubio", "Rubio" },
    { "title of country before a name keeps the country", "",
      "President of France Emmanuel Macron spoke in Brussels.",
      ARC_ENTITY_PLACE, "France", "France" },
    /* clubs named after their city, in a text about sport */
    { "city club beating another is an organisation", "",
      "Liverpool beat Chelsea 2-1 at Anfield on Saturday. The striker scored twice and the "
      "league leaders stretched their run to ten games.",
      ARC_ENTITY_ORG, "Liverpool", "Liverpool" },
    { "city club beaten is an organisation", "",
      "Liverpool beat Chelsea 2-1 at Anfield on Saturday. The striker scored twice and the "
      "league leaders stretched their run to ten games.",
      ARC_ENTITY_ORG, "Chelsea", "Chelsea" },
    { "unknown club that will play is an organisation", "",
      "Posavina Brod will play at their own ground on Sunday. The club opened the stadium "
      "to flood victims, and fans brought food before the game.",
      ARC_ENTITY_ORG, "Posavina Brod", NULL },
    { "city stays a place in a text about sport", "",
      "The match was played in Liverpool in front of 50,000 fans at the stadium.",
      ARC_ENTITY_PLACE, "Liverpool", "Liverpool" },
    { "city stays a place near sports verbs outside sport", "",
      "Storms hit Manchester on Friday, and officials said the city would face more rain.",
      ARC_ENTITY_PLACE, "Manchester", "Manchester" },
};

static void test_entities_found(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof found_cases / sizeof found_cases[0]; i++) {
        const expect_case_t *tc = &found_cases[i];
        idx_entity_hit_t *h = NULL;
        size_t n = idx_entities_find(tc->title, tc->body, &h);
        if (!has_hit(h, n, tc->kind, tc->canonical, tc->surface)) {
            print_error("case '%s': no kind %d '%s'\n", tc->name, (int)tc->kind, tc->canonical);
            for (size_t k = 0; k < n; k++)
                print_error("  got %d '%s' -> '%s'\n", (int)h[k].kind, h[k].surface, h[k].canonical);
            fail();
        }
        idx_entity_hits_free(h, n);
    }
}

typedef struct reject_case {
    const char *name;
    const char *body;
    const char *surface;      /* must not be any entity */
} reject_case_t;

static const reject_case_t reject_cases[] = {
    { "Air Force One is not a person", "He flew on Air Force One to Florida on Friday.", "Air Force One" },
    { "vehicle with model number", "The Boeing 747 landed safely.", "Boeing" },
    { "weekday", "On Tuesday the talks resumed in Geneva.", "Tuesday" },
    { "weekday mid-sentence", "Talks resumed on Wednesday in Geneva.", "Wednesday" },
    { "month", "The vote is due in December, officials said.", "December" },
    { "demonym", "Ukrainian officials said Russian drones were shot down.", "Ukrainian" },
    { "demonym plural", "Americans voted on Tuesday.", "Americans" },
    { "sentence-initial function word", "However, the plan failed.", "However" },
    { "sentence-initial plural noun with said", "Officials said the road was closed.", "Officials" },
    { "storm name later alone", "Hurricane Melissa hit Jamaica. Melissa was the strongest storm.", "Melissa" },
    { "all-caps non-entity", "The CEO said GDP would grow.", "GDP" },
    { "department after title of is not an org",
      "Secretary of State Marco Rubio said the talks were delicate.", "State Marco Rubio" },
    { "department after title of is not an org (defence)",
      "Secretary of Defense Pete Hegseth visited the base on Friday.", "Defense Pete Hegseth" },
};

static void test_entities_rejected(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof reject_cases / sizeof reject_cases[0]; i++) {
        const reject_case_t *tc = &reject_cases[i];
        idx_entity_hit_t *h = NULL;
        size_t n = idx_entities_find("", tc->body, &h);
        if (has_surface(h, n, tc->surface)) {
            print_error("case '%s': '%s' was taken as an entity\n", tc->name, tc->surface);
            fail();
        }
        idx_entity_hits_free(h, n);
    }
}

static void test_air_force_one_keeps_passenger(void **state)
{
    (void)state;
    idx_entity_hit_t *h = NULL;
    size_t n = idx_entities_find("", "Donald Trump boarded Air Force One in Florida.", &h);
    assert_true(has_hit(h, n, ARC_ENTITY_PERSON, "Donald Trump", NULL));
    assert_true(has_hit(h, n, ARC_ENTITY_PLACE, "Florida", NULL));
    assert_false(has_surface(h, n, "Air Force One"));
    idx_entity_hits_free(h, n);
}

static void test_offsets_point_at_surface(void **state)
{
    (void)state;
    const char *title = "Putin says talks useful";
    const char *body = "Russian President Vladimir Putin's aide spoke in Moscow.";
    idx_entity_hit_t *h = NULL;
    size_t n = idx_entities_find(title, body, &h);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        const char *src = h[i].in_title ? title : body;
        assert_true(h[i].start >= 0 && h[i].end > h[i].start);
        assert_int_equal(strlen(h[i].surface), (size_t)(h[i].end - h[i].start));
        assert_memory_equal(src + h[i].start, h[i].surface, strlen(h[i].surface));
    }
    idx_entity_hits_free(h, n);
}

static void test_mentions_fold_aliases(void **state)
{
    (void)state;
    const char *body = "Steve Witkoff met officials in Moscow. Witkoff said the talks went well. "
                       "Witkoff then flew home.";
    idx_entity_hit_t *h = NULL;
    size_t n = idx_entities_find("", body, &h);
    arc_mention_t *m = NULL;
    size_t nm = idx_entities_mentions(h, n, &m);
    int found = 0;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].kind == ARC_ENTITY_PERSON && strcmp(m[i].name, "Steve Witkoff") == 0) {
            found = 1;
            assert_int_equal(m[i].count, 3);
            assert_string_equal(m[i].alias, "Witkoff");
            assert_int_equal(m[i].first_offset, 0);
        }
    }
    assert_true(found);
    free(m);
    idx_entity_hits_free(h, n);
}

static void test_gazetteer_lookup(void **state)
{
    (void)state;
    const idx_place_info_t *p = idx_gazetteer_lookup("Paris");
    assert_non_null(p);
    assert_string_equal(p->country, "FR");
    assert_true(p->population > 1000000);
    p = idx_gazetteer_lookup("Paris, Texas");
    assert_non_null(p);
    assert_string_equal(p->country, "US");
    p = idx_gazetteer_lookup("Kiev");
    assert_non_null(p);
    assert_string_equal(p->country, "UA");
    assert_true(p->lat > 50.0 && p->lat < 51.0);
    assert_null(idx_gazetteer_lookup("Nowhereville Qzx"));
}

/* Bad input: no crash, time bounded and roughly linear. */
static void test_bad_input(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "\xff\xfe\x80 Putin \xc3\x28 met \xe2\x82 Trump \xf0\x90\x80",
        "\xd0\x9f\xd1\x83\xd1\x82\xd0\xb8\xd0\xbd \xe4\xb9\xa0\xe8\xbf\x91\xe5\xb9\xb3 \xd9\x85\xd8\xb5\xd8\xb1",
        "BREAKING: PUTIN AND TRUMP TO MEET IN ALASKA AS NATO WATCHES",
        "", ".", "'s", "al-", "Mr.", "U.S.", "A B C D E F G H I J K L M N O P",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        idx_entity_hit_t *h = NULL;
        size_t n = idx_entities_find(odd[i], odd[i], &h);
        idx_entity_hits_free(h, n);
    }
    idx_entity_hit_t *h = NULL;
    assert_int_equal(idx_entities_find(NULL, NULL, &h), 0);
    assert_null(h);

    /* 10 MB body of names, junk bytes and prose */
    size_t big = 10u * 1024 * 1024;
    char *body = malloc(big + 1);
    assert_non_null(body);
    static const char chunk[] = "Vladimir Putin met Steve Witkoff in Moscow. \xff\xfe Witkoff said "
                                "NATO and the EU watched from Brussels on Tuesday.\n";
    size_t cl = sizeof chunk - 1;
    for (size_t o = 0; o < big; o += cl)
        memcpy(body + o, chunk, o + cl <= big ? cl : big - o);
    body[big] = '\0';
    clock_t t0 = clock();
    size_t n = idx_entities_find("", body, &h);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(n > 100000);
    assert_true(has_hit(h, n, ARC_ENTITY_PERSON, "Steve Witkoff", "Witkoff"));
    idx_entity_hits_free(h, n);
    assert_true(secs < 30.0);
    /* one long word without spaces */
    memset(body, 'A', big);
    body[big] = '\0';
    n = idx_entities_find(body, body, &h);
    idx_entity_hits_free(h, n);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entities_found),
        cmocka_unit_test(test_entities_rejected),
        cmocka_unit_test(test_air_force_one_keeps_passenger),
        cmocka_unit_test(test_offsets_point_at_surface),
        cmocka_unit_test(test_mentions_fold_aliases),
        cmocka_unit_test(test_gazetteer_lookup),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
