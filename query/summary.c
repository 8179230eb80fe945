/*
 * summary.c - extractive story summaries (see summary.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "summary.h"
#include "sentsim.h"

#define PER_ARTICLE 15       /* sentences considered per article */
#define MIN_BYTES 40
#define MAX_BYTES 420
#define MIN_WORDS 5
#define PER_PARAGRAPH 3
#define MMR_PENALTY 1.0

typedef struct cand {
    size_t art;              /* index into articles */
    int start, end;          /* trimmed span in the body */
    int pos;                 /* sentence index in the article */
    qry_sig_t sig;
    int group;
} cand_t;

typedef struct group {
    int rep;                 /* representative candidate */
    int *members;            /* candidates, one per article */
    size_t n_members;
    double score;
    double wnorm;            /* sqrt of the sum of squared word weights */
    int picked;              /* -1, or paragraph index */
} group_t;

typedef struct sumctx {
    const qry_sum_article_t *arts;
    size_t n_arts;
    cand_t *c;
    size_t n_c;
    group_t *g;
    size_t n_g;
    /* word weights: document frequency over candidates */
    uint32_t *words;
    double *weight;
    size_t n_words;
} sumctx_t;

/* Skip a dateline ("BRČKO, Bosnia and Herzegovina – ", "MIAMI, Nov. 30
 * (Meridian Wire) – ") at the start of an article's first sentence: a
 * capitalised first word, then a dash within the first 80 bytes. */
static int
skip_dateline(const char *s, int start, int end)
{
    int caps = 0;

    for (int i = start; i < end && !isspace((unsigned char)s[i]) && s[i] != ','; i++)
        if (isupper((unsigned char)s[i]))
            caps++;
        else if (islower((unsigned char)s[i]))
            return start;
    if (caps < 2)
        return start;
    for (int i = start; i < end - 3 && i - start < 80; i++) {
        unsigned char c = (unsigned char)s[i];
        int dash = 0;
        if (c == ' ' && s[i + 1] == '-' && s[i + 2] == ' ')
            dash = 3;
        else if (c == ' ' && (unsigned char)s[i + 1] == 0xE2 && (unsigned char)s[i + 2] == 0x80 &&
                 ((unsigned char)s[i + 3] == 0x93 || (unsigned char)s[i + 3] == 0x94))
            dash = 4;
        if (dash) {
            int j = i + dash;
            while (j < end && s[j] == ' ')
                j++;
            return j < end ? j : start;
        }
        if (c == '"')
            break;
    }
    return start;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static double
word_weight(const sumctx_t *x, uint32_t h)
{
    size_t lo = 0, hi = x->n_words;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->words[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n_words && x->words[lo] == h ? x->weight[lo] : 0.0;
}

/* IDF-weighted cosine of two groups' representative sentences. */
static double
group_sim(const sumctx_t *x, const group_t *a, const group_t *b)
{
    const qry_sig_t *p = &x->c[a->rep].sig, *q = &x->c[b->rep].sig;
    size_t i = 0, j = 0;
    double dot = 0;

    if (a->wnorm <= 0 || b->wnorm <= 0)
        return 0.0;
    while (i < p->n && j < q->n) {
        if (p->h[i] == q->h[j]) {
            double w = word_weight(x, p->h[i]);
            dot += w * w;
            i++;
            j++;
        } else if (p->h[i] < q->h[j]) {
            i++;
        } else {
            j++;
        }
    }
    return dot / (a->wnorm * b->wnorm);
}

static int
collect(sumctx_t *x)
{
    size_t cap = 0;

    for (size_t a = 0; a < x->n_arts; a++) {
        const qry_sum_article_t *ar = &x->arts[a];
        for (size_t k = 0; ar->body && k < ar->n_spans && k < PER_ARTICLE; k++) {
            int start = ar->spans[2 * k], end = ar->spans[2 * k + 1];
            cand_t *c;
            if (start < 0 || end <= start || (size_t)end > strlen(ar->body))
                continue;
            if (k == 0)
                start = skip_dateline(ar->body, start, end);
            if (end - start < MIN_BYTES || end - start > MAX_BYTES)
                continue;
            if (ar->body[end - 1] == ':')
                continue;
            if (x->n_c == cap) {
                cand_t *p = realloc(x->c, (cap = cap ? cap * 2 : 64) * sizeof *p);
                if (!p)
                    return -1;
                x->c = p;
            }
            c = &x->c[x->n_c];
            memset(c, 0, sizeof *c);
            c->art = a;
            c->start = start;
            c->end = end;
            c->pos = (int)k;
            if (qry_sig_make(ar->body + start, (size_t)(end - start), &c->sig) < 0)
                return -1;
            if (c->sig.n < MIN_WORDS) {
                qry_sig_free(&c->sig);
                continue;
            }
            x->n_c++;
        }
    }
    return 0;
}

static int
weigh_words(sumctx_t *x)
{
    size_t total = 0, k = 0;
    uint32_t *all;

    for (size_t i = 0; i < x->n_c; i++)
        total += x->c[i].sig.n;
    all = malloc((total + 1) * sizeof *all);
    x->words = malloc((total + 1) * sizeof *x->words);
    x->weight = malloc((total + 1) * sizeof *x->weight);
    if (!all || !x->words || !x->weight) {
        free(all);
        return -1;
    }
    for (size_t i = 0; i < x->n_c; i++)
        for (size_t j = 0; j < x->c[i].sig.n; j++)
            all[k++] = x->c[i].sig.h[j];
    qsort(all, total, sizeof *all, cmp_u32);
    for (size_t i = 0; i < total;) {
        size_t j = i;
        while (j < total && all[j] == all[i])
            j++;
        x->words[x->n_words] = all[i];
        x->weight[x->n_words] = log((double)(x->n_c + 1) / (double)(j - i));
        x->n_words++;
        i = j;
    }
    free(all);
    return 0;
}

static int
group_candidates(sumctx_t *x)
{
    x->g = calloc(x->n_c + 1, sizeof *x->g);
    if (!x->g)
        return -1;
    for (size_t i = 0; i < x->n_c; i++) {
        size_t k;
        for (k = 0; k < x->n_g; k++) {
            group_t *g = &x->g[k];
            int same_art = 0;
            for (size_t m = 0; m < g->n_members; m++)
                same_art |= x->c[g->members[m]].art == x->c[i].art;
            if (!same_art && qry_sig_same_statement(&x->c[g->rep].sig, &x->c[i].sig))
                break;
        }
        if (k == x->n_g) {
            group_t *g = &x->g[x->n_g++];
            double s = 0;
            g->rep = (int)i;
            g->picked = -1;
            g->members = malloc(x->n_arts * sizeof *g->members);
            if (!g->members)
                return -1;
            for (size_t j = 0; j < x->c[i].sig.n; j++) {
                double w = word_weight(x, x->c[i].sig.h[j]);
                s += w * w;
            }
            g->wnorm = sqrt(s);
        }
        if (x->g[k].n_members < x->n_arts)
            x->g[k].members[x->g[k].n_members++] = (int)i;
        x->c[i].group = (int)k;
    }
    return 0;
}

static void
score_groups(sumctx_t *x)
{
    double maxc = 0;

    for (size_t a = 0; a < x->n_g; a++) {
        double s = 0;
        for (size_t b = 0; b < x->n_g; b++)
            if (a != b)
                s += group_sim(x, &x->g[a], &x->g[b]) * (double)x->g[b].n_members;
        x->g[a].score = s;
        if (s > maxc)
            maxc = s;
    }
    for (size_t a = 0; a < x->n_g; a++) {
        group_t *g = &x->g[a];
        int pos = x->c[g->rep].pos;
        g->score = (maxc > 0 ? g->score / maxc : 0.0)
                 + 0.4 * (double)(g->n_members - 1)
                 + (pos == 0 ? 0.35 : pos == 1 ? 0.2 : pos == 2 ? 0.1 : 0.0);
    }
}

static cJSON *
sentence_json(const sumctx_t *x, const group_t *g)
{
    const cand_t *rep = &x->c[g->rep];
    const qry_sum_article_t *ra = &x->arts[rep->art];
    cJSON *o = cJSON_CreateObject(), *cites;
    char *text = malloc((size_t)(rep->end - rep->start) + 1);

    if (text) {
        memcpy(text, ra->body + rep->start, (size_t)(rep->end - rep->start));
        text[rep->end - rep->start] = '\0';
    }
    cJSON_AddStringToObject(o, "text", text ? text : "");
    free(text);
    cites = cJSON_AddArrayToObject(o, "citations");
    /* citations in source-number order */
    for (size_t a = 0; a < x->n_arts; a++)
        for (size_t m = 0; m < g->n_members; m++) {
            const cand_t *c = &x->c[g->members[m]];
            const qry_sum_article_t *ar = &x->arts[c->art];
            cJSON *ci;
            if (c->art != a)
                continue;
            ci = cJSON_CreateObject();
            cJSON_AddNumberToObject(ci, "n", ar->n);
            qry_json_int(ci, "article", ar->id);
            if (ar->source)
                cJSON_AddStringToObject(ci, "source", ar->source);
            else
                cJSON_AddNullToObject(ci, "source");
            if (ar->url)
                cJSON_AddStringToObject(ci, "url", ar->url);
            else
                cJSON_AddNullToObject(ci, "url");
            cJSON_AddNumberToObject(ci, "start", c->start);
            cJSON_AddNumberToObject(ci, "end", c->end);
            cJSON_AddItemToArray(cites, ci);
        }
    return o;
}

/* The opening clause of a sentence as a heading: up to the first comma,
 * dash or colon, when that is 3 to 12 words; else its first 8 words. */
static char *
clause_heading(const char *s, int len)
{
    int words = 0, i, cut = -1, in_word = 0;
    char *h;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ',' || c == ':' || c == ';' ||
            (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80)) {
            if (words >= 3 && words <= 12)
                cut = i;
            break;
        }
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            if (++words > 8 && cut < 0 && words > 12)
                break;
        }
    }
    if (cut < 0) {
        words = 0;
        in_word = 0;
        for (i = 0; i < len; i++) {
            if (isspace((unsigned char)s[i])) {
                if (in_word && ++words == 8)
                    break;
                in_word = 0;
            } else {
                in_word = 1;
            }
        }
        cut = i;
    }
    while (cut > 0 && (s[cut - 1] == '.' || isspace((unsigned char)s[cut - 1])))
        cut--;
    h = malloc((size_t)cut + 1);
    if (!h)
        return NULL;
    memcpy(h, s, (size_t)cut);
    h[cut] = '\0';
    return h;
}

cJSON *
qry_summary_build(const qry_sum_article_t *articles, size_t n, int max_paragraphs,
                  const char *avoid_heading)
{
    sumctx_t x;
    cJSON *out = cJSON_CreateArray();
    int n_par = 0, *seeds = NULL, *used_title = NULL;
    size_t n_pick = 0, want, **par = NULL, *par_len = NULL;

    memset(&x, 0, sizeof x);
    x.arts = articles;
    x.n_arts = n;
    if (!out)
        return NULL;
    if (!n || collect(&x) < 0 || !x.n_c || weigh_words(&x) < 0 ||
        group_candidates(&x) < 0)
        goto done;
    score_groups(&x);

    n_par = n <= 3 ? 3 : n <= 8 ? 4 : 5;
    if (n_par > max_paragraphs)
        n_par = max_paragraphs;
    if ((size_t)n_par > x.n_g)
        n_par = (int)x.n_g;
    want = (size_t)n_par * PER_PARAGRAPH;
    if (want > x.n_g)
        want = x.n_g;
    /* a one-article story keeps its summary short */
    if (n == 1 && want > 5)
        want = 5;
    seeds = malloc((size_t)n_par * sizeof *seeds);
    par = calloc((size_t)n_par, sizeof *par);
    par_len = calloc((size_t)n_par, sizeof *par_len);
    used_title = calloc(n, sizeof *used_title);
    if (!seeds || !par || !par_len || !used_title)
        goto done;
    for (int p = 0; p < n_par; p++)
        if (!(par[p] = malloc(PER_PARAGRAPH * sizeof **par)))
            goto done;
    /* the page's title is not repeated as a paragraph heading */
    for (size_t a = 0; a < n && avoid_heading; a++)
        if (articles[a].title && strcmp(articles[a].title, avoid_heading) == 0)
            used_title[a] = 1;

    /* maximal marginal relevance */
    while (n_pick < want) {
        int best = -1;
        double best_v = -1e9;
        for (size_t a = 0; a < x.n_g; a++) {
            double red = 0, v;
            if (x.g[a].picked >= 0)
                continue;
            for (size_t b = 0; b < x.n_g; b++)
                if (x.g[b].picked >= 0) {
                    double s = group_sim(&x, &x.g[a], &x.g[b]);
                    if (s > red)
                        red = s;
                }
            v = x.g[a].score - MMR_PENALTY * red;
            if (v > best_v + 1e-12) {
                best_v = v;
                best = (int)a;
            }
        }
        if (best < 0)
            break;
        if ((int)n_pick < n_par) {
            seeds[n_pick] = best;
            x.g[best].picked = (int)n_pick;
            par[n_pick][par_len[n_pick]++] = (size_t)best;
        } else {
            /* join the closest paragraph that has room */
            int to = -1;
            double to_s = -1;
            for (int p = 0; p < n_par; p++) {
                double s;
                if (par_len[p] >= PER_PARAGRAPH)
                    continue;
                s = group_sim(&x, &x.g[best], &x.g[seeds[p]]);
                if (s > to_s + 1e-12) {
                    to_s = s;
                    to = p;
                }
            }
            if (to < 0)
                break;
            x.g[best].picked = to;
            par[to][par_len[to]++] = (size_t)best;
        }
        n_pick++;
    }

    for (int p = 0; p < n_par && (size_t)p < n_pick; p++) {
        cJSON *po = cJSON_CreateObject(), *sents;
        const group_t *seed = &x.g[seeds[p]];
        int head = -1;
        char *clause = NULL;

        /* order the paragraph's later sentences by article, then position */
        for (size_t i = 1; i < par_len[p]; i++)
            for (size_t j = i + 1; j < par_len[p]; j++) {
                const cand_t *ci = &x.c[x.g[par[p][i]].rep], *cj = &x.c[x.g[par[p][j]].rep];
                if (cj->art < ci->art || (cj->art == ci->art && cj->pos < ci->pos)) {
                    size_t t = par[p][i];
                    par[p][i] = par[p][j];
                    par[p][j] = t;
                }
            }
        /* heading: an unused headline of an article stating the seed,
         * else the seed sentence's opening clause */
        for (size_t m = 0; m < seed->n_members && head < 0; m++) {
            size_t a = x.c[seed->members[m]].art;
            if (!used_title[a] && articles[a].title && *articles[a].title)
                head = (int)a;
        }
        if (head >= 0) {
            used_title[head] = 1;
            cJSON_AddStringToObject(po, "heading", articles[head].title);
            cJSON_AddNumberToObject(po, "heading_article", (double)articles[head].id);
        } else {
            const cand_t *rc = &x.c[seed->rep];
            clause = clause_heading(articles[rc->art].body + rc->start, rc->end - rc->start);
            cJSON_AddStringToObject(po, "heading", clause ? clause : "");
            cJSON_AddNullToObject(po, "heading_article");
            free(clause);
        }
        sents = cJSON_AddArrayToObject(po, "sentences");
        for (size_t i = 0; i < par_len[p]; i++)
            cJSON_AddItemToArray(sents, sentence_json(&x, &x.g[par[p][i]]));
        cJSON_AddItemToArray(out, po);
    }
done:
    for (size_t i = 0; i < x.n_c; i++)
        qry_sig_free(&x.c[i].sig);
    for (size_t i = 0; i < x.n_g; i++)
        free(x.g[i].members);
    if (par)
        for (int p = 0; p < n_par; p++)
            free(par[p]);
    free(par);
    free(x.c);
    free(x.g);
    free(x.words);
    free(x.weight);
    free(seeds);
    free(used_title);
    free(par_len);
    return out;
}
