/*
 * decisions.c - applying story corrections (see decisions.h).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "decisions.h"
#include "termvec.h"

/* ---- titles ---- */

typedef struct title_terms {
    uint64_t h[64];
    size_t n;
} title_terms_t;

static void
on_title_term(const char *w, size_t n, void *ctx)
{
    title_terms_t *t = ctx;
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 0x100000001b3ULL;
    for (size_t i = 0; i < t->n; i++)
        if (t->h[i] == h)
            return;
    if (t->n < 64)
        t->h[t->n++] = h;
}

/* Overlap of two headline term sets (Dice coefficient). */
static double
title_overlap(const title_terms_t *a, const title_terms_t *b)
{
    size_t both = 0;

    if (!a->n || !b->n)
        return 0.0;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (a->h[i] == b->h[j]) {
                both++;
                break;
            }
    return 2.0 * (double)both / (double)(a->n + b->n);
}

arc_status_t
idx_story_retitle(arc_db_t *db, int64_t story)
{
    arc_story_member_t *m = NULL;
    title_terms_t *tt;
    size_t n = 0, best = 0;
    double best_score = -1;
    arc_status_t st;

    if ((st = arc_story_members(db, story, 0, &m, &n)) || !n)
        return st;
    tt = calloc(n, sizeof *tt);
    if (!tt) {
        arc_story_members_free(m, n);
        return ARC_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        idx_terms(m[i].title, strlen(m[i].title), on_title_term, &tt[i]);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        if (m[i].duplicate_of)
            continue;
        for (size_t j = 0; j < n; j++)
            if (j != i && !m[j].duplicate_of)
                s += title_overlap(&tt[i], &tt[j]);
        if (s > best_score + 1e-12) {
            best_score = s;
            best = i;
        }
    }
    st = arc_story_set_title(db, story, m[best].title);
    free(tt);
    arc_story_members_free(m, n);
    return st;
}

/* ---- applying ---- */

/* Read an array of article ids. Returns the count, -1 when malformed. */
static long
id_array(const cJSON *a, int64_t **out)
{
    const cJSON *x;
    long n = 0;

    *out = NULL;
    if (!cJSON_IsArray(a))
        return -1;
    *out = malloc(((size_t)cJSON_GetArraySize(a) + 1) * sizeof **out);
    if (!*out)
        return -1;
    cJSON_ArrayForEach(x, a) {
        if (!cJSON_IsNumber(x) || x->valuedouble < 1) {
            free(*out);
            *out = NULL;
            return -1;
        }
        (*out)[n++] = (int64_t)x->valuedouble;
    }
    return n;
}

/* The story of an article; 0 when it is gone or in none. */
static arc_status_t
story_of(arc_db_t *db, int64_t article, int64_t *story)
{
    arc_status_t st = arc_article_story(db, article, story);

    if (st == ARC_E_NOT_FOUND) {
        *story = 0;
        return ARC_OK;
    }
    return st;
}

static arc_status_t
apply_merge(arc_db_t *db, const cJSON *args, int64_t *out)
{
    int64_t *into = NULL, *from = NULL, target = 0, s;
    long ni = id_array(cJSON_GetObjectItemCaseSensitive(args, "into"), &into);
    long nf = id_array(cJSON_GetObjectItemCaseSensitive(args, "from"), &from);
    arc_status_t st = ARC_OK;

    if (ni < 0 || nf < 0) {
        st = ARC_E_PARSE;
        goto done;
    }
    for (long i = 0; i < ni && !target && !st; i++)
        st = story_of(db, into[i], &target);
    for (long i = 0; i < nf && !target && !st; i++)
        st = story_of(db, from[i], &target);
    if (st)
        goto done;
    if (!target) {
        st = ARC_E_NOT_FOUND;
        goto done;
    }
    for (long i = 0; i < ni + nf && !st; i++) {
        int64_t a = i < ni ? into[i] : from[i - ni];
        if ((st = story_of(db, a, &s)) == ARC_OK && s && s != target)
            st = arc_story_merge(db, target, s);
    }
    if (!st)
        st = idx_story_retitle(db, target);
    *out = target;
done:
    free(into);
    free(from);
    return st;
}

static arc_status_t
apply_split(arc_db_t *db, const cJSON *args, int64_t *out)
{
    int64_t *ids = NULL, fresh = 0, old = 0, *olds = NULL;
    long n = id_array(cJSON_GetObjectItemCaseSensitive(args, "articles"), &ids);
    size_t n_old = 0;
    arc_status_t st = ARC_OK;

    if (n <= 0) {
        free(ids);
        return ARC_E_PARSE;
    }
    olds = calloc((size_t)n, sizeof *olds);
    if (!olds) {
        free(ids);
        return ARC_E_NOMEM;
    }
    for (long i = 0; i < n && !st; i++) {
        if ((st = story_of(db, ids[i], &old)) || !old)
            continue;            /* gone: skip it */
        olds[n_old++] = old;
        st = arc_story_assign(db, ids[i], fresh, fresh ? NULL : &fresh);
    }
    if (!st && !fresh)
        st = ARC_E_NOT_FOUND;
    if (!st)
        st = idx_story_retitle(db, fresh);
    for (size_t i = 0; i < n_old && !st; i++)
        st = idx_story_retitle(db, olds[i]);
    *out = fresh;
    free(olds);
    free(ids);
    return st;
}

static arc_status_t
apply_move(arc_db_t *db, const cJSON *args, int64_t *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(args, "article");
    int64_t *to = NULL, target = 0, old = 0, article;
    long n = id_array(cJSON_GetObjectItemCaseSensitive(args, "to"), &to);
    arc_status_t st = ARC_OK;

    if (!cJSON_IsNumber(a) || n < 0) {
        free(to);
        return ARC_E_PARSE;
    }
    article = (int64_t)a->valuedouble;
    for (long i = 0; i < n && !target && !st; i++)
        if (to[i] != article)
            st = story_of(db, to[i], &target);
    if (!st)
        st = story_of(db, article, &old);
    if (!st && (!target || !old))
        st = ARC_E_NOT_FOUND;
    if (!st && old != target)
        st = arc_story_assign(db, article, target, NULL);
    if (!st)
        st = idx_story_retitle(db, target);
    if (!st && old != target)
        st = idx_story_retitle(db, old);
    *out = target;
    free(to);
    return st;
}

arc_status_t
idx_decision_apply(arc_db_t *db, const arc_decision_t *d, int64_t *story_out)
{
    cJSON *args = d->args ? cJSON_Parse(d->args) : NULL;
    int64_t story = 0;
    arc_status_t st;

    if (story_out)
        *story_out = 0;
    if (!args)
        return ARC_E_PARSE;
    if (strcmp(d->kind, "story-merge") == 0)
        st = apply_merge(db, args, &story);
    else if (strcmp(d->kind, "story-split") == 0)
        st = apply_split(db, args, &story);
    else if (strcmp(d->kind, "story-move") == 0)
        st = apply_move(db, args, &story);
    else
        st = ARC_E_BAD_ARG;
    cJSON_Delete(args);
    if (story_out)
        *story_out = story;
    return st;
}

arc_status_t
idx_decisions_reapply(arc_db_t *db, size_t *applied)
{
    arc_decision_t *d = NULL;
    size_t n = 0, ok = 0;
    arc_status_t st;

    if (applied)
        *applied = 0;
    if ((st = arc_decision_list(db, "story-", &d, &n)))
        return st;
    for (size_t i = 0; i < n; i++) {
        st = idx_decision_apply(db, &d[i], NULL);
        if (st == ARC_OK)
            ok++;
        else if (st == ARC_E_NOT_FOUND || st == ARC_E_PARSE || st == ARC_E_BAD_ARG)
            st = ARC_OK;  /* its articles are gone, or not ours: skip it */
        else
            break;
    }
    arc_decisions_free(d, n);
    if (applied)
        *applied = ok;
    return st;
}
