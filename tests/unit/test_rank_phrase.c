/*
 * test_rank_phrase.c - the pair lists of frequent words for phrase
 * searches (archive/rank_phrase.c, docs/ranking.md "Phrases of frequent
 * words"): a phrase answered through the lists gives exactly FTS5's
 * matches (same ids, same count), also after articles are added, inserted
 * with older ids, changed and deleted since `optimize`; a phrase never
 * matches across the title/summary/body boundary; searches give the same
 * pages and scores with and without the lists.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "archive-private.h"
#include "newsarc.h"
#include "test_archive_util.h"
#include "test_dir.h"

static const char *
fresh_dir(const char *name)
{
    return test_fresh_dir("test_rank_phrase", name);
}

/* Zipf-like text over a small vocabulary: every word is frequent, so
 * most adjacent pairs get a list and the densest are left out. */
static const char *const vocab[] = {
    "the", "and", "said", "of", "harbour", "council", "off", "are", "city", "week",
    "last", "new", "ministers", "running", "river", "budget", "quiet", "bridge", "votes",
    "late", "north", "plans", "green", "school", "market", "winter", "trains", "fire",
    "old", "mayor"
};
#define N_VOCAB (sizeof vocab / sizeof vocab[0])

static uint64_t rng = 88172645463325252ULL;

static unsigned
next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

static const char *
word(void)
{
    /* rank r with weight ~ 1 / (r + 1) */
    unsigned x = next_rand() % 1000;
    size_t r = 0;
    double acc = 0, total = 0;

    for (size_t i = 0; i < N_VOCAB; i++)
        total += 1.0 / (double)(i + 1);
    for (r = 0; r < N_VOCAB; r++) {
        acc += 1000.0 / (double)(r + 1) / total;
        if (x < acc)
            break;
    }
    return vocab[r < N_VOCAB ? r : N_VOCAB - 1];
}

static void
words(char *out, size_t cap, int n, const char *first)
{
    size_t len = 0;

    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *w = i == 0 && first ? first : word();
        int k = snprintf(out + len, cap - len, "%s%s%s", i ? " " : "",
                         i == 0 && !first && next_rand() % 3 == 0 ? "The " : "", w);
        if (k < 0 || (size_t)k >= cap - len)
            break;
        len += (size_t)k;
    }
}

/* Article i of day d; the title ends and the body starts with fixed words
 * for one in five, so "bridge fire" spans the boundary there. */
static void
put(arc_db_t *db, int i, int d, const char *body_override)
{
    char url[64], title[200], summary[300], body[1200];
    arc_article_t a;

    snprintf(url, sizeof url, "https://p.example/%d-%d", d, i);
    words(title, sizeof title, 6, NULL);
    if (i % 37 == 5) {
        /* letters the tokenizer folds: the phrase is in the title */
        size_t l = strlen(title);
        snprintf(title + l, sizeof title - l, " H\xc3\xa4rbour C\xc3\xb6uncil said");
    }
    if (i % 5 == 0) {
        size_t l = strlen(title);
        snprintf(title + l, sizeof title - l, " bridge");
    }
    words(summary, sizeof summary, 12, NULL);
    if (i % 8 == 5) {
        /* words the stemmer rewrites at the end (sensibl, gener, hope,
         * happi), for the windows of a long word */
        size_t l = strlen(summary);
        snprintf(summary + l, sizeof summary - l, " the Sensibility harbour hoping"
                 " generalizations, happy-council");
    }
    if (i % 8 == 3) {
        /* words in one row in eight: below every word of the vocabulary */
        size_t l = strlen(summary);
        snprintf(summary + l, sizeof summary - l, " the keeper mayor and lighthouse");
    }
    words(body, sizeof body, 90, i % 5 == 0 ? "fire" : NULL);
    memset(&a, 0, sizeof a);
    a.url = url;
    a.title = title;
    a.summary = summary;
    a.body = body_override ? body_override : body;
    a.source = "Phrase Post";
    a.lang = "en";
    a.published = arc_days_from_civil(2025, 3, 1) * 86400 + (int64_t)d * 86400 + 60 * (i % 600);
    a.first_seen = a.published;
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
}

/* The phrases checked: fixed ones (frequent, rare, dense pairs, the
 * title/body boundary, words not in the vocabulary) and windows of
 * generated text. */
static char phrases[80][100];
static size_t n_phrases;

static void
make_phrases(void)
{
    static const char *const fixed[] = {
        "\"the off are\"", "\"said the\"", "\"the the\"", "\"bridge fire\"",
        "\"harbour council said\"", "\"last week\"", "\"of the and\"", "\"running river\"",
        "\"the harbour\"", "\"mayor votes\"", "\"zebra the\"", "\"the zebra and\"",
        "\"and and and\"", "\"fire the\"", "\"the sensibility harbour\"",
        "\"hoping generalizations\"", "\"generalizations happy council\""
    };
    n_phrases = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        snprintf(phrases[n_phrases++], sizeof phrases[0], "%s", fixed[i]);
    while (n_phrases < 60) {
        char w[80];
        words(w, sizeof w, 2 + (int)(next_rand() % 3), NULL);
        snprintf(phrases[n_phrases++], sizeof phrases[0], "\"%s\"", w);
    }
}

/* FTS5's own matches of a phrase, newest first. */
static size_t
fts_ids(arc_db_t *db, const char *fts, int64_t *out, size_t cap)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;

    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT rowid FROM article_fts WHERE article_fts"
                                        " MATCH ?1 ORDER BY rowid DESC", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < cap)
            out[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* Every phrase: the lists' answer (when they answer) is FTS5's. Returns
 * how many phrases the lists answered. */
static int
check_all(arc_db_t *db)
{
    static int64_t want[4000];
    int answered = 0;

    /* the lists alone first (counted), then with the forward walk too */
    Arc_phrase_pairs_enable(2);
    for (int pass = 0; pass < 2; pass++, Arc_phrase_pairs_enable(1)) {
        for (size_t p = 0; p < n_phrases; p++) {
            int64_t *ids = NULL;
            double *scores = NULL;
            size_t n = 0, n_want = fts_ids(db, phrases[p], want, 4000);
            int more = 0, used = 0;

            assert_true(n_want <= 4000);
            if (Arc_phrase_pairs_scan(db, phrases[p], 0, 0, 1.0, 100000, 100000, &ids, &scores, &n,
                                      &more, &used) != ARC_OK)
                fail_msg("%s: %s", phrases[p], arc_db_errmsg(db));
            if (!used)
                continue;
            answered += pass == 0;
            if (n != n_want)
                fail_msg("%s: %zu matches through the lists, FTS5 has %zu", phrases[p], n, n_want);
            assert_int_equal(more, 0);
            for (size_t i = 0; i < n; i++)
                if (ids[i] != want[i])
                    fail_msg("%s: match %zu is %lld, FTS5 says %lld", phrases[p], i,
                             (long long)ids[i], (long long)want[i]);
            free(ids);
            free(scores);
        }
    }
    return answered;
}

static arc_db_t *
build(const char *name, int n, arc_optimize_report_t *rep)
{
    arc_db_t *db = NULL;
    char *err = NULL;

    rng = 88172645463325252ULL;
    assert_int_equal(arc_db_open(fresh_dir(name), ARC_OPEN_CREATE, &db, &err), ARC_OK);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    for (int i = 0; i < n; i++)
        put(db, i, 10 + i / 50, NULL);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    assert_int_equal(arc_rank_optimize(db, 1, rep), ARC_OK);
    make_phrases();
    return db;
}

static void
test_phrase_matches_equal_fts5_through_the_lists(void **state)
{
    arc_optimize_report_t rep;
    arc_db_t *db;
    int answered;

    (void)state;
    /* the map of ordinals in rows of 7 ids: searches find their bounds
     * and candidates across 58 rows */
    Arc_phrase_pairs_ord_block(7);
    db = build("equal", 400, &rep);
    Arc_phrase_pairs_ord_block(0);
    assert_true(rep.pairs > 50);
    assert_true(rep.pair_bytes > 0);
    answered = check_all(db);
    /* most phrases are answered by the lists (the rest: a dense pair
     * only, a word outside the vocabulary alone, too many candidates) */
    assert_true(answered >= 30);
    arc_db_close(db);
}

/* Whether the lists alone answer phrase fts. */
static int
lists_answer(arc_db_t *db, const char *fts)
{
    int64_t *ids = NULL;
    double *scores = NULL;
    size_t n = 0;
    int more = 0, used = 0;

    Arc_phrase_pairs_enable(2);
    assert_int_equal(Arc_phrase_pairs_scan(db, fts, 0, 0, 1.0, 100000, 100000, &ids, &scores,
                                           &n, &more, &used), ARC_OK);
    Arc_phrase_pairs_enable(1);
    free(ids);
    free(scores);
    return used;
}

/* With few frequent words, the other words in enough rows are listed
 * beside a frequent one (never beside each other): a phrase of a
 * frequent word and such a word is answered by the lists, exactly; a
 * phrase of two such words is not (no list says where the pair is not). */
static void
test_a_frequent_word_beside_a_listed_word_has_a_list(void **state)
{
    static const char *const extra[] = {
        "\"the keeper\"", "\"keeper mayor\"", "\"the keeper mayor\"",
        "\"mayor and lighthouse\"", "\"keeper and\"", "\"and keeper\"", "\"and fire\""
    };
    arc_optimize_report_t rep;
    arc_db_t *db;
    int64_t pairs_without;

    (void)state;
    /* the 8 most frequent words only (the words in every row among them) */
    Arc_phrase_pairs_build_words(8, 1);
    db = build("mid_none", 400, &rep);
    Arc_phrase_pairs_build_words(0, 0);
    pairs_without = rep.pairs;
    assert_false(lists_answer(db, "\"the keeper\""));
    arc_db_close(db);
    /* and beside them every word in 1/40 of the rows: "keeper" in 1/8,
     * "mayor" in more, "lighthouse" too but its stem is no query word */
    Arc_phrase_pairs_build_words(8, 40);
    db = build("mid", 400, &rep);
    Arc_phrase_pairs_build_words(0, 0);
    assert_true(rep.pairs > pairs_without);
    assert_true(lists_answer(db, "\"the keeper\""));
    assert_true(lists_answer(db, "\"the keeper mayor\""));
    assert_true(lists_answer(db, "\"mayor and lighthouse\""));
    assert_false(lists_answer(db, "\"keeper mayor\""));
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        snprintf(phrases[n_phrases++], sizeof phrases[0], "%s", extra[i]);
    /* every answer is FTS5's; the phrases of two words both outside
     * the 8 (half the generated ones) are not answered */
    assert_true(check_all(db) >= 20);
    arc_db_close(db);
}

static void
test_phrase_matches_stay_exact_after_changes_since_optimize(void **state)
{
    arc_optimize_report_t rep;
    arc_db_t *db = build("changes", 400, &rep);
    sqlite3_stmt *st = NULL;
    int64_t victim = 0, changed = 0;

    (void)state;
    assert_true(check_all(db) >= 30);
    assert_int_equal(arc_db_begin(db), ARC_OK);
    /* newer articles, and older ones (late imports: ids inside the lists'
     * range), some with the rare phrase */
    for (int i = 0; i < 30; i++)
        put(db, 1000 + i, 40 + i % 3,
            i % 4 == 0 ? "they said the zebra and the off are here" : NULL);
    for (int i = 0; i < 10; i++)
        put(db, 2000 + i, 11 + i % 6, i % 2 ? "the zebra and the off are late" : NULL);
    /* a changed body: it gains and loses phrases */
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT id FROM article ORDER BY id LIMIT 1"
                                        " OFFSET 17", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    changed = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "UPDATE article SET body = 'mayor votes the off"
                                        " are the zebra and' WHERE id = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, changed);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    /* a deleted article that held a listed phrase */
    {
        int64_t ids[4000];
        size_t n = fts_ids(db, "\"said the\"", ids, 4000);
        assert_true(n > 2);
        victim = ids[n / 2];
    }
    assert_int_equal(sqlite3_prepare_v2(db->sql, "DELETE FROM article WHERE id = ?1", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, victim);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(arc_db_commit(db), ARC_OK);
    /* the late and changed ones are recorded, and every answer is exact */
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM phrase_pair_stale", -1,
                                        &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int64(st, 0) >= 11);
    sqlite3_finalize(st);
    assert_true(check_all(db) >= 30);
    /* optimize again: the stale set is empty, the answers the same */
    assert_int_equal(arc_rank_optimize(db, 1, &rep), ARC_OK);
    assert_true(check_all(db) >= 30);
    arc_db_close(db);
}

static void
test_phrase_never_spans_title_and_body(void **state)
{
    arc_optimize_report_t rep;
    arc_db_t *db = build("boundary", 400, &rep);
    int64_t *ids = NULL, want[4000];
    double *scores = NULL;
    size_t n = 0, n_want;
    int more = 0, used = 0;

    (void)state;
    /* every fifth title ends with "bridge" and its body starts with
     * "fire": those do not match unless a column has the pair itself */
    n_want = fts_ids(db, "\"bridge fire\"", want, 4000);
    assert_true(n_want < 80);
    assert_int_equal(Arc_phrase_pairs_scan(db, "\"bridge fire\"", 0, 0, 1.0, 100000, 0, &ids,
                                           &scores, &n, &more, &used), ARC_OK);
    assert_int_equal(used, 1);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i], want[i]);
    free(ids);
    free(scores);
    arc_db_close(db);
}

/* One page of a search: ids and scores. */
static size_t
page(arc_db_t *db, const char *text, arc_sort_t sort, int offset, int ranged, int64_t *ids,
     double *scores)
{
    arc_query_t *q = NULL;
    arc_query_error_t qe;
    arc_search_opts_t o;
    arc_cursor_t *c = NULL;
    const arc_hit_t *h;
    size_t n = 0;

    assert_int_equal(arc_query_parse(text, &q, &qe), ARC_OK);
    memset(&o, 0, sizeof o);
    o.limit = 20;
    o.offset = offset;
    o.sort = sort;
    o.want_snippet = 1;
    if (ranged) {
        /* whole days inside the archive's span */
        o.since = arc_days_from_civil(2025, 3, 1) * 86400 + 12 * 86400;
        o.until = arc_days_from_civil(2025, 3, 1) * 86400 + 15 * 86400;
    }
    assert_int_equal(arc_search(db, q, &o, &c), ARC_OK);
    while (arc_cursor_next(c, &h) == ARC_OK && h && n < 20) {
        ids[n] = h->id;
        scores[n] = h->score;
        n++;
    }
    arc_cursor_destroy(c);
    arc_query_destroy(q);
    return n;
}

static void
test_search_pages_are_the_same_with_and_without_the_lists(void **state)
{
    static const arc_sort_t sorts[] = { ARC_SORT_RELEVANCE, ARC_SORT_NEWEST, ARC_SORT_OLDEST };
    arc_optimize_report_t rep;
    arc_db_t *db = build("pages", 400, &rep);

    (void)state;
    for (size_t p = 0; p < n_phrases; p++) {
        for (size_t s = 0; s < 3; s++) {
            for (int v = 0; v < 4; v++) {
                int offset = v == 1 ? 5 : 0, ranged = v == 2;
                int64_t a_id[20], b_id[20];
                double a_s[20], b_s[20];
                size_t na, nb;
                /* v 3: a budget below the matches (the newest 6 scored) */
                Arc_rank_set_budget(v == 3 ? 6 : 0);
                Arc_phrase_pairs_enable(0);
                na = page(db, phrases[p], sorts[s], offset, ranged, a_id, a_s);
                /* the lists and one-chunk walks, or chunked walks only */
                Arc_phrase_pairs_enable(p % 2 ? 3 : 1);
                nb = page(db, phrases[p], sorts[s], offset, ranged, b_id, b_s);
                Arc_phrase_pairs_enable(1);
                Arc_rank_set_budget(0);
                if (na != nb)
                    fail_msg("%s sort %d: %zu hits without the lists, %zu with", phrases[p],
                             (int)sorts[s], na, nb);
                for (size_t i = 0; i < na; i++) {
                    if (a_id[i] != b_id[i])
                        fail_msg("%s sort %d: hit %zu differs", phrases[p], (int)sorts[s], i);
                    assert_float_equal(a_s[i], b_s[i], 1e-9 * (a_s[i] > 1 ? a_s[i] : 1));
                }
            }
        }
    }
    arc_db_close(db);
}

/* A relevance search through a shorter phrase (the end words, in a
 * quarter of the articles or more, taken off; its matches confirmed in
 * the order of the bounds its scores give): the page is the one the
 * phrase's own walk gives, article for article, with scores in the same
 * proportions (the count, and so the IDF, may be estimated), at offsets
 * and in a date range; and so when it declines for loose bounds (one
 * article confirmed at most). The threshold of a rare word is lowered to
 * 10 articles so that the 400 here qualify. */
static void
test_a_phrase_through_a_shorter_one_gives_the_walks_page(void **state)
{
    arc_optimize_report_t rep;
    arc_db_t *db = build("bound", 400, &rep);
    int64_t bound0, bound1, bound2, dense;

    (void)state;
    Arc_phrase_pairs_counts(&bound0, &dense);
    for (int cap = 0; cap < 2; cap++) {
        for (size_t p = 0; p < n_phrases; p++) {
            for (int v = 0; v < 3; v++) {
                int64_t a_id[20], b_id[20];
                double a_s[20], b_s[20];
                size_t na, nb;
                Arc_phrase_pairs_bound(0, 0, 0);
                na = page(db, phrases[p], ARC_SORT_RELEVANCE, v == 1 ? 5 : 0, v == 2, a_id, a_s);
                Arc_phrase_pairs_bound(1, cap ? 1 : 0, 10);
                nb = page(db, phrases[p], ARC_SORT_RELEVANCE, v == 1 ? 5 : 0, v == 2, b_id, b_s);
                Arc_phrase_pairs_bound(1, 0, 0);
                if (na != nb)
                    fail_msg("%s (%d): %zu hits walked, %zu through a shorter phrase", phrases[p],
                             v, na, nb);
                for (size_t i = 0; i < na; i++) {
                    if (a_id[i] != b_id[i])
                        fail_msg("%s (%d): hit %zu is %lld walked, %lld through a shorter phrase",
                                 phrases[p], v, i, (long long)a_id[i], (long long)b_id[i]);
                    if (i > 0 && a_s[0] > 0 && b_s[0] > 0)
                        if (fabs(a_s[i] / a_s[0] - b_s[i] / b_s[0]) > 1e-9)
                            fail_msg("%s (%d): hit %zu scores %.12g of the first walked,"
                                     " %.12g through a shorter phrase", phrases[p], v, i,
                                     a_s[i] / a_s[0], b_s[i] / b_s[0]);
                }
            }
        }
        Arc_phrase_pairs_counts(cap ? &bound2 : &bound1, &dense);
    }
    /* it answered some, and fewer when one article is all it may read */
    if (bound1 - bound0 < 5 || bound2 - bound1 >= bound1 - bound0)
        fail_msg("answered %lld searches, then %lld confirming one article at most",
                 (long long)(bound1 - bound0), (long long)(bound2 - bound1));
    arc_db_close(db);
}

/* A phrase with more matches than the budget: its IDF comes from the
 * density of the newest matches over the ids walked. The scores are then
 * arc_bm25's with that estimate: the ratio to the score with the true
 * count is idf(estimate) / idf(count), which gives the estimate back; it
 * must be near the count (within 2x: 20 matches are a small sample; the
 * density taken from the oldest end instead, or the budget itself, are
 * off 2.6x and 3.7x here: both checked). */
static void
test_a_phrase_over_the_budget_gets_an_idf_near_its_count(void **state)
{
    static int64_t all[4000];
    arc_optimize_report_t rep;
    arc_db_t *db = build("idf", 400, &rep);
    int checked = 0;

    (void)state;
    for (size_t p = 0; p < n_phrases; p++) {
        int64_t ids[20];
        double scores[20];
        size_t n, count = fts_ids(db, phrases[p], all, 4000);
        sqlite3_stmt *st = NULL;
        char df[32];
        if (count < 60 || count > 150)
            continue;
        /* the newest 20 scored */
        Arc_rank_set_budget(20);
        n = page(db, phrases[p], ARC_SORT_RELEVANCE, 0, 0, ids, scores);
        Arc_rank_set_budget(0);
        assert_true(n > 0 && n <= 20);
        snprintf(df, sizeof df, "%zu", count);
        assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT arc_bm25(article_fts, 1, ?3)"
                                            " FROM article_fts WHERE article_fts MATCH ?1"
                                            " AND rowid = ?2", -1, &st, NULL), SQLITE_OK);
        for (size_t i = 0; i < n; i++) {
            double exact, e, est;
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, phrases[p], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, ids[i]);
            sqlite3_bind_double(st, 3, (double)count);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            exact = sqlite3_column_double(st, 0);
            /* idf = log((rows - df + 0.5) / (df + 0.5)), rows 400 */
            e = exp(scores[i] / exact * log((400.0 - (double)count + 0.5) / ((double)count + 0.5)));
            est = (400.5 - 0.5 * e) / (1.0 + e);
            if (est < (double)count / 2 || est > (double)count * 2)
                fail_msg("%s (%zu matches): IDF as of %.1f matches", phrases[p], count, est);
        }
        sqlite3_finalize(st);
        checked++;
    }
    assert_true(checked >= 2);
    arc_db_close(db);
}

/* ---- a brute-force phrase check (no FTS5): lower-cased words of each
 * column, consecutive in one column. The vocabulary has no two words with
 * one stem, so the words are the index's tokens; the only letters beyond
 * ASCII, a with diaeresis and o with diaeresis, fold to a and o. ---- */

static int
column_has(const char *text, char ph[][24], int n_ph)
{
    char tok[400][24];
    int n = 0;

#define FOLDED(p) ((unsigned char)(p)[0] == 0xc3 && ((unsigned char)(p)[1] == 0xa4 \
                                                     || (unsigned char)(p)[1] == 0xb6))
#define LETTER(p) ((*(p) >= 'a' && *(p) <= 'z') || (*(p) >= 'A' && *(p) <= 'Z') || FOLDED(p))
    for (const char *p = text; *p && n < 400;) {
        int l = 0;
        while (*p && !LETTER(p))
            p++;
        while (LETTER(p)) {
            char c = FOLDED(p) ? ((unsigned char)p[1] == 0xa4 ? 'a' : 'o')
                               : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            if (l < 23)
                tok[n][l++] = c;
            p += FOLDED(p) ? 2 : 1;
        }
        if (l)
            tok[n++][l] = '\0';
    }
    for (int i = 0; i + n_ph <= n; i++) {
        int j = 0;
        while (j < n_ph && strcmp(tok[i + j], ph[j]) == 0)
            j++;
        if (j == n_ph)
            return 1;
    }
    return 0;
}

/* The ids in [lo, hi) (hi 0: open) whose title, summary or body holds
 * phrase (quoted), newest first. */
static size_t
brute_ids(arc_db_t *db, const char *phrase, int64_t lo, int64_t hi, int64_t *out, size_t cap)
{
    char ph[8][24];
    int n_ph = 0;
    size_t n = 0;
    sqlite3_stmt *st = NULL;

    for (const char *p = phrase; *p && n_ph < 8;) {
        int l = 0;
        while (*p == '"' || *p == ' ')
            p++;
        while (*p && *p != '"' && *p != ' ') {
            if (l < 23)
                ph[n_ph][l++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            p++;
        }
        if (l)
            ph[n_ph++][l] = '\0';
    }
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT id, title, summary, arc_body(body, id)"
                                        " FROM article"
                                        " WHERE id >= ?1 AND id < ?2 ORDER BY id DESC", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi > 0 ? hi : INT64_MAX);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int hit = 0;
        for (int c = 1; c <= 3 && !hit; c++)
            hit = sqlite3_column_text(st, c)
                  && column_has((const char *)sqlite3_column_text(st, c), ph, n_ph);
        if (!hit)
            continue;
        if (n < cap)
            out[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* The newest max matches, walked in chunks from the newest end (no lists),
 * for pages (max 1, 3, 20), a relevance budget below the matches and every
 * match, over the whole archive and a range: a brute-force check's. */
static void
test_chunked_walk_gives_the_newest_matches_of_a_brute_force_check(void **state)
{
    static const int64_t maxes[] = { 1, 3, 20, 150, 100000 };
    static int64_t want[4000];
    arc_optimize_report_t rep;
    arc_db_t *db;
    int64_t id_lo, id_hi;
    sqlite3_stmt *st = NULL;

    /* (a map of ordinals in rows of 5 ids: date bounds found across rows) */
    Arc_phrase_pairs_ord_block(5);
    db = build("chunks", 400, &rep);
    Arc_phrase_pairs_ord_block(0);

    (void)state;
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT min(id), max(id) FROM article", -1, &st,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    id_lo = sqlite3_column_int64(st, 0);
    id_hi = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    /* arc_bm25 registered (as a search would) */
    {
        int n_df = 0;
        double df = 0;
        assert_int_equal(Arc_rank_phrase_dfs(db, "\"the off\"", 1, &n_df, &df), ARC_OK);
    }
    for (int mode = 1; mode <= 3; mode += 2) {
        Arc_phrase_pairs_enable(mode);
        for (size_t p = 0; p < n_phrases; p++) {
            for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
                for (int ranged = 0; ranged < 2; ranged++) {
                    int64_t lo = ranged ? id_lo + (id_hi - id_lo) / 3 : 0;
                    int64_t hi = ranged ? id_hi - (id_hi - id_lo) / 4 : 0;
                    int64_t *ids = NULL;
                    double *scores = NULL;
                    size_t n = 0, n_want = brute_ids(db, phrases[p], lo, hi, want, 4000);
                    int more = 0, used = 0;
                    assert_int_equal(Arc_phrase_pairs_scan(db, phrases[p], lo, hi, 1.0,
                                                           maxes[m], maxes[m], &ids, &scores,
                                                           &n, &more, &used), ARC_OK);
                    if (mode == 3)   /* no lists: the chunked walk always answers */
                        assert_int_equal(used, 1);
                    if (!used)
                        continue;
                    if ((int64_t)n_want > maxes[m]) {
                        assert_int_equal(n, (size_t)maxes[m]);
                        assert_int_equal(more, 1);
                    } else if ((int64_t)n_want < maxes[m]) {
                        if (n != n_want)
                            fail_msg("%s max %lld: %zu matches, brute force %zu", phrases[p],
                                     (long long)maxes[m], n, n_want);
                        assert_int_equal(more, 0);
                    } else {
                        assert_int_equal(n, n_want);
                    }
                    for (size_t i = 0; i < n; i++) {
                        if (ids[i] != want[i])
                            fail_msg("%s max %lld: match %zu is %lld, brute force %lld",
                                     phrases[p], (long long)maxes[m], i, (long long)ids[i],
                                     (long long)want[i]);
                        assert_true(scores[i] > 0);
                    }
                    free(ids);
                    free(scores);
                }
            }
        }
    }
    Arc_phrase_pairs_enable(1);
    arc_db_close(db);
}

/* search --count of one phrase: through the lists (when they answer) the
 * brute-force count, and FTS5's count within a date range. */
static void
test_phrase_counts_equal_a_brute_force_check(void **state)
{
    static int64_t want[4000];
    arc_optimize_report_t rep;
    arc_db_t *db = build("counts", 400, &rep);

    (void)state;
    for (size_t p = 0; p < n_phrases; p++) {
        for (int ranged = 0; ranged < 2; ranged++) {
            arc_query_t *q = NULL;
            arc_query_error_t qe;
            arc_search_opts_t o;
            int64_t with = -1, without = -1;
            assert_int_equal(arc_query_parse(phrases[p], &q, &qe), ARC_OK);
            memset(&o, 0, sizeof o);
            if (ranged) {
                o.since = arc_days_from_civil(2025, 3, 1) * 86400 + 12 * 86400;
                o.until = arc_days_from_civil(2025, 3, 1) * 86400 + 15 * 86400;
            }
            Arc_phrase_pairs_enable(0);
            assert_int_equal(arc_search_count(db, q, &o, &without), ARC_OK);
            Arc_phrase_pairs_enable(1);
            assert_int_equal(arc_search_count(db, q, &o, &with), ARC_OK);
            if (with != without)
                fail_msg("%s: count %lld with the lists, %lld without", phrases[p],
                         (long long)with, (long long)without);
            if (!ranged && (size_t)with != brute_ids(db, phrases[p], 0, 0, want, 4000))
                fail_msg("%s: count %lld, brute force %zu", phrases[p], (long long)with,
                         brute_ids(db, phrases[p], 0, 0, want, 4000));
            arc_query_destroy(q);
        }
    }
    arc_db_close(db);
}

/* Every stored list (pair, n, ids) and the meta row as one text, with
 * counts of the dense (n = -1) and listed pairs. */
static char *
lists_dump(arc_db_t *db, int *dense, int *listed)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    size_t len = 0;

    *dense = *listed = 0;
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT k || ' ' || n || ' ' ||"
                                                 " CASE WHEN ids IS NULL THEN '-' ELSE hex(ids) END"
                                                 " FROM phrase_pair"
                                                 " UNION ALL SELECT upto || ' ' || words"
                                                 " FROM phrase_pair_meta",
                                        -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *row = (const char *)sqlite3_column_text(st, 0);
        size_t n = strlen(row);
        char *t = realloc(out, len + n + 2);
        assert_non_null(t);
        out = t;
        memcpy(out + len, row, n);
        out[len + n] = '\n';
        len += n + 1;
        out[len] = '\0';
        if (strstr(row, " -1 -"))
            (*dense)++;
        else
            (*listed)++;
    }
    sqlite3_finalize(st);
    assert_non_null(out);
    return out;
}

/* The lists are built within a memory budget, the rest waiting in a
 * temporary table: whatever the budget (one byte moves the lists after
 * every article), the stored lists are byte for byte the same, dense
 * pairs included, and the temporary table is gone afterwards. */
static void
test_pair_lists_are_the_same_whatever_the_memory_budget(void **state)
{
    static const size_t budgets[] = { 1, 100, 4096, 1 << 20 };
    arc_optimize_report_t rep, again;
    arc_db_t *db;
    char *want;
    int dense, listed;

    (void)state;
    Arc_phrase_pairs_build_budget(0);
    db = build("budget", 400, &rep);
    want = lists_dump(db, &dense, &listed);
    assert_true(dense >= 1);
    assert_true(listed >= 50);
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        sqlite3_stmt *st = NULL;
        char *got;
        int d, l;
        Arc_phrase_pairs_build_budget(budgets[i]);
        assert_int_equal(arc_rank_optimize(db, 1, &again), ARC_OK);
        got = lists_dump(db, &d, &l);
        if (strcmp(want, got) != 0)
            fail_msg("budget %zu: the lists differ", budgets[i]);
        assert_int_equal(again.pairs, rep.pairs);
        assert_int_equal(again.pair_bytes, rep.pair_bytes);
        free(got);
        assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM temp.sqlite_master"
                                                     " WHERE name = 'arc_pp_chunk'",
                                            -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 0);
        sqlite3_finalize(st);
    }
    /* and the lists still answer exactly */
    assert_true(check_all(db) >= 30);
    Arc_phrase_pairs_build_budget(0);
    free(want);
    arc_db_close(db);
}

/* The word lists, every column of every row, as one text. */
static char *
word_lists_dump(arc_db_t *db)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;

    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT group_concat(term || ' ' || df || ' '"
                                                 " || upto || ' ' || n_rows || ' ' || hex(top),"
                                                 " char(10)) FROM (SELECT * FROM term_top"
                                                 " ORDER BY term)", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_non_null(sqlite3_column_text(st, 0));
    out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_non_null(out);
    return out;
}

/* A schema-15 archive (both kinds of lists in WITHOUT ROWID tables, pairs
 * keyed by their text) is brought forward on open: the word lists keep
 * every row and are read from a rowid table; the pair lists are dropped,
 * so phrases are FTS5's alone and the lists count as not built, until
 * optimize writes them again, keyed by number, and they answer exactly. */
static void
test_a_schema_15_archive_keeps_its_word_lists(void **state)
{
    arc_optimize_report_t rep;
    arc_db_t *db;
    char dir[700], path[760], *want, *got, *err = NULL;
    sqlite3 *raw = NULL;
    sqlite3_stmt *st = NULL;
    int64_t listed = 0, newer = 0;

    (void)state;
    db = build("v15", 300, &rep);
    snprintf(dir, sizeof dir, "%s", arc_db_path(db));
    want = word_lists_dump(db);
    assert_true(strchr(want, '\n') != NULL);   /* more than one word listed */
    arc_db_close(db);
    /* back to schema 15's tables */
    snprintf(path, sizeof path, "%s/archive.db", dir);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
        "BEGIN;"
        " CREATE TABLE t15(term TEXT PRIMARY KEY, df INTEGER NOT NULL, upto INTEGER NOT NULL,"
        "  n_rows INTEGER NOT NULL, top BLOB NOT NULL) WITHOUT ROWID;"
        " INSERT INTO t15 SELECT term, df, upto, n_rows, top FROM term_top;"
        " DROP TABLE term_top; ALTER TABLE t15 RENAME TO term_top;"
        " DROP TABLE phrase_pair;"
        " CREATE TABLE phrase_pair(pair TEXT PRIMARY KEY, n INTEGER NOT NULL, ids BLOB)"
        "  WITHOUT ROWID;"
        " INSERT INTO phrase_pair VALUES ('the said', 1, x'05');"
        " DROP TABLE phrase_pair_word;"
        " CREATE TABLE phrase_pair_word(term TEXT PRIMARY KEY, kind INTEGER NOT NULL)"
        "  WITHOUT ROWID;"
        " INSERT INTO phrase_pair_word VALUES ('the', 1), ('said', 1);"
        " PRAGMA user_version = 15; COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);

    assert_int_equal(arc_db_open(dir, 0, &db, &err), ARC_OK);
    got = word_lists_dump(db);
    assert_string_equal(got, want);
    free(got);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT group_concat(sql) FROM sqlite_schema"
                                        " WHERE name IN ('term_top', 'phrase_pair')", -1, &st,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_null(strstr((const char *)sqlite3_column_text(st, 0), "WITHOUT ROWID"));
    sqlite3_finalize(st);
    assert_int_equal(arc_rank_lists_state(db, &listed, &newer), ARC_OK);
    assert_int_equal(listed, -1);
    /* phrases are still answered, by FTS5, and the lists answer none */
    for (size_t p = 0; p < 5; p++) {
        static int64_t ids[4000];
        arc_query_t *q = NULL;
        arc_query_error_t qe;
        arc_search_opts_t o;
        int64_t count = -1;
        assert_int_equal(arc_query_parse(phrases[p], &q, &qe), ARC_OK);
        memset(&o, 0, sizeof o);
        assert_int_equal(arc_search_count(db, q, &o, &count), ARC_OK);
        assert_int_equal(count, (int64_t)fts_ids(db, phrases[p], ids, 4000));
        arc_query_destroy(q);
    }
    assert_int_equal(check_all(db), 0);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT (SELECT count(*) FROM phrase_pair)"
                                        " + (SELECT count(*) FROM phrase_pair_word)"
                                        " + (SELECT count(*) FROM phrase_pair_meta)", -1, &st,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    assert_int_equal(arc_rank_optimize(db, 1, &rep), ARC_OK);
    assert_true(check_all(db) >= 30);
    free(want);
    arc_db_close(db);
}

/* The articles with each pair of words of phrase ("w1 w2 ...") in their
 * title or summary, newest first: a sampled search's lead candidates. */
static size_t
lead_candidates(arc_db_t *db, const char *phrase, int64_t *out, size_t cap)
{
    char w[100], q[600], *save = NULL, *prev = NULL;
    size_t len = 0;

    snprintf(w, sizeof w, "%.99s", phrase + 1);
    w[strcspn(w, "\"")] = '\0';
    q[0] = '\0';
    for (char *t = strtok_r(w, " ", &save); t; prev = t, t = strtok_r(NULL, " ", &save))
        if (prev)
            len += (size_t)snprintf(q + len, sizeof q - len, "%s{title summary} : \"%s %s\"",
                                    len ? " AND " : "", prev, t);
    assert_true(len > 0 && len < sizeof q);
    return fts_ids(db, q, out, cap);
}

/* A relevance search of a phrase whose lists leave more candidates than
 * it confirms (caps lowered to a few) samples them: every match in a
 * title or summary (FTS5's own `{title summary} :` matches) is among
 * those it returns (up to the cap, the newest), everything it returns is
 * a match, and its count estimate is within 3x of the true count; it
 * gives at least the page (5) while there are as many matches, and it
 * never samples a phrase with a word in under a quarter of the articles
 * (the threshold set so).
 * With the caps as they are, the same call returns every match. */
static void
test_a_sampled_phrase_keeps_every_title_and_summary_match(void **state)
{
    static int64_t want[4000], lead_want[4000], cands[4000];
    arc_optimize_report_t rep;
    arc_db_t *db = build("sample", 400, &rep);
    int sampled = 0, with_lead = 0;
    int64_t bound, dense0, dense1;

    (void)state;
    Arc_phrase_pairs_counts(&bound, &dense0);
    dense1 = dense0;
    for (int caps = 0; caps < 2; caps++) {
        if (caps)
            Arc_phrase_pairs_sample(30, 35, 20, 4);
        for (size_t p = 0; p < n_phrases; p++) {
            int64_t *ids = NULL;
            double *scores = NULL, est = -1;
            size_t n = 0, n_want = fts_ids(db, phrases[p], want, 4000), n_lead;
            int more = 0, used = 0;
            char lead_q[140];

            snprintf(lead_q, sizeof lead_q, "{title summary} : %.100s", phrases[p]);
            n_lead = fts_ids(db, lead_q, lead_want, 4000);
            if (Arc_phrase_pairs_rank(db, phrases[p], 0, 0, 100000, 5, &ids, &scores, &n, &more,
                                      &est, &used) != ARC_OK)
                fail_msg("%s: %s", phrases[p], arc_db_errmsg(db));
            if (!used)
                continue;
            /* a phrase with a word in under 1/4 of the rows (as set) is
             * never sampled: FTS5's walk answers it exactly */
            if (caps && more) {
                char w[100], *save = NULL;
                snprintf(w, sizeof w, "%.99s", phrases[p] + 1);
                w[strcspn(w, "\"")] = '\0';
                for (char *t = strtok_r(w, " ", &save); t; t = strtok_r(NULL, " ", &save))
                    if (test_count(db, t) < 400 / 4)
                        fail_msg("%s: sampled, though %s is in %lld articles", phrases[p], t,
                                 (long long)test_count(db, t));
            }
            if (!caps || !more) {
                /* not sampled: every match, no estimate */
                if (n != n_want)
                    fail_msg("%s: %zu matches, FTS5 has %zu", phrases[p], n, n_want);
                assert_true(est == 0);
            } else {
                /* (more candidates than the cap: those among the newest
                 * of them only, the articles with each of the phrase's
                 * pairs in the title or summary; twice as many for a
                 * phrase whose every pair is too frequent for a list) */
                int64_t d0 = dense1;
                size_t n_cand, keep;
                Arc_phrase_pairs_counts(&bound, &dense1);
                n_cand = lead_candidates(db, phrases[p], cands, 4000);
                keep = dense1 > d0 ? 70 : 35;
                if (n_cand > keep) {
                    size_t o = 0;
                    for (size_t j = 0; j < n_lead; j++)
                        if (lead_want[j] >= cands[keep - 1])
                            lead_want[o++] = lead_want[j];
                    n_lead = o;
                }
                sampled++;
                with_lead += n_lead > 0;
                for (size_t i = 0; i < n; i++) {
                    size_t j = 0;
                    while (j < n_want && want[j] != ids[i])
                        j++;
                    if (j == n_want)
                        fail_msg("%s: %lld is no match", phrases[p], (long long)ids[i]);
                }
                for (size_t j = 0; j < n_lead; j++) {
                    size_t i = 0;
                    while (i < n && ids[i] != lead_want[j])
                        i++;
                    if (i == n)
                        fail_msg("%s: title or summary match %lld left out", phrases[p],
                                 (long long)lead_want[j]);
                }
                /* never short of the page while there are matches */
                if (n < (n_want < 5 ? n_want : 5))
                    fail_msg("%s: %zu matches given, %zu exist", phrases[p], n, n_want);
                if (est < (double)n_want / 3 || est > (double)n_want * 3)
                    fail_msg("%s: estimated %.0f matches, there are %zu", phrases[p], est,
                             n_want);
            }
            free(ids);
            free(scores);
        }
    }
    Arc_phrase_pairs_sample(0, 0, 0, 0);
    Arc_phrase_pairs_counts(&bound, &dense1);
    if (sampled < 3 || with_lead < 2 || dense1 - dense0 < 2)
        fail_msg("only %d phrases sampled, %d with title or summary matches, %lld with every"
                 " pair too frequent for a list", sampled, with_lead,
                 (long long)(dense1 - dense0));
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phrase_matches_equal_fts5_through_the_lists),
        cmocka_unit_test(test_a_frequent_word_beside_a_listed_word_has_a_list),
        cmocka_unit_test(test_phrase_matches_stay_exact_after_changes_since_optimize),
        cmocka_unit_test(test_phrase_never_spans_title_and_body),
        cmocka_unit_test(test_search_pages_are_the_same_with_and_without_the_lists),
        cmocka_unit_test(test_a_phrase_through_a_shorter_one_gives_the_walks_page),
        cmocka_unit_test(test_a_phrase_over_the_budget_gets_an_idf_near_its_count),
        cmocka_unit_test(test_chunked_walk_gives_the_newest_matches_of_a_brute_force_check),
        cmocka_unit_test(test_phrase_counts_equal_a_brute_force_check),
        cmocka_unit_test(test_pair_lists_are_the_same_whatever_the_memory_budget),
        cmocka_unit_test(test_a_schema_15_archive_keeps_its_word_lists),
        cmocka_unit_test(test_a_sampled_phrase_keeps_every_title_and_summary_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
