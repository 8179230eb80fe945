/*
 * cluster.c - online story clustering (see cluster.h for the model).
 *
 * Data kept in memory for a run:
 *  - a term dictionary (word -> id) with document frequencies, and an
 *    entity map (archive entity id -> dense id) with document frequencies;
 *  - per story: the centroid (sum of the unit TF-IDF vectors of its
 *    articles) with its squared norm kept up to date, the entities seen in
 *    it with counts, its time span and its best headline;
 *  - postings term -> stories and entity -> stories, which give the
 *    candidate stories of an article without looking at all of them
 *    (stale stories are dropped from the lists as they are met);
 *  - the shingle sketch of every recent article, indexed by its smallest
 *    hashes, for near-duplicate lookups.
 * Memory stays bounded on a long run (compact()): stale stories lose their
 * vectors and postings, old sketches are dropped.
 * Everything is ordered by arrival, and ties go to the older story, so the
 * same input order gives the same stories.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster.h"
#include "shingle.h"
#include "termvec.h"
#include "text.h"

#define DAY 86400.0
#define LEAD_BYTES 600       /* the lead: this much of the body */
#define TITLE_WEIGHT 2.0f    /* a title word counts as two lead words */
#define CAND_TERMS 16        /* postings read per article: its top terms */
/* Candidates scored in full: those with the best pre-scores. The winner
 * was the best pre-score in 86% of 76,000 articles and below the 16th in
 * 0.2% (first 80,000 of gencorpus's million); scoring 16 instead of 32
 * took a quarter off the clustering thread's CPU with B-cubed F1 against
 * the generator's stories 0.950 -> 0.954 at 80,000, 0.948 -> 0.950 at
 * 400,000 (BENCHMARKS.md, "Eleventh pass"). */
#define MAX_SCORED 16
#define DUP_BANDS 4          /* sketch hashes indexed per article */
#define REPLAY_MAX 50000     /* clustered articles replayed at start-up */
#define STALE_DAYS 45        /* a story this long past max_gap_days before the
                                newest article is never a candidate again */
#define SKETCH_LATE_DAYS 60  /* copies arriving up to this late still found */
#define COMPACT_MIN 16384    /* sketches kept before the first compaction */

void
idx_cluster_params_default(idx_cluster_params_t *p)
{
    /* tuned on samples/ (both input orders) and tools/eval/stories */
    p->threshold = 0.40;
    p->revive_extra = 0.15;
    p->entity_weight = 0.60;
    p->quiet_days = 4;
    p->max_gap_days = 40;
    p->dup_min = 0.5;
    p->dup_days = 7;
    p->cos_gate = 0.15;
}

/* ---- small maps ---- */

/* uint64 -> uint32 open addressing (key 0 is stored as a flag). */
typedef struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} u64map_t;

static uint64_t
hash64(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

static int
u64map_grow(u64map_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *k = calloc(cap, sizeof *k);
    uint32_t *v = malloc(cap * sizeof *v);

    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash64(m->keys[i]) & (cap - 1);
        while (k[j])
            j = (j + 1) & (cap - 1);
        k[j] = m->keys[i];
        v[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = cap;
    return 0;
}

/* Find key (stored +1 so 0 means empty). Returns a pointer to its value
 * slot, inserting with *created = 1 when absent; NULL without memory. */
static uint32_t *
u64map_slot(u64map_t *m, uint64_t key, int *created)
{
    uint64_t k = key + 1 ? key + 1 : 1;
    size_t j;

    *created = 0;
    if ((m->n + 1) * 2 > m->cap && u64map_grow(m) < 0)
        return NULL;
    j = hash64(k) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != k)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = k;
        m->vals[j] = 0;
        m->n++;
        *created = 1;
    }
    return &m->vals[j];
}

static const uint32_t *
u64map_find(const u64map_t *m, uint64_t key)
{
    uint64_t k = key + 1 ? key + 1 : 1;
    size_t j;

    if (!m->cap)
        return NULL;
    j = hash64(k) & (m->cap - 1);
    while (m->keys[j]) {
        if (m->keys[j] == k)
            return &m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

static void
u64map_free(u64map_t *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* A growable list of uint32. */
typedef struct u32list {
    uint32_t *v;
    uint32_t n, cap;
} u32list_t;

static int
u32list_push(u32list_t *l, uint32_t x)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        uint32_t *p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return -1;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = x;
    return 0;
}

/* ---- state ---- */

typedef struct story_state {
    /* what collect_postings reads of every story on a postings list, in
     * the first 32 bytes: one cache line a posting, not two (the stories
     * are far more than the caches hold) */
    double first, last;      /* publication times (seconds) */
    double pre;              /* cheap pre-score of the current article */
    uint32_t stamp;          /* candidate de-duplication */
    int n;                   /* articles (copies not counted) */
    int64_t id;              /* archive story id */
    double norm2;            /* squared norm of centroid */
    idx_tv_t centroid;
    idx_tv_t ents;           /* dense entity id -> articles mentioning it */
    idx_tv_t title_vec;      /* the best headline's unit vector */
} story_state_t;

typedef struct art_state {
    double t;
    int64_t id;
    uint32_t story;          /* index into stories */
} art_state_t;

/* The sketch of an indexed (not a copy) article, while it is recent. */
typedef struct sketch_rec {
    uint64_t h[IDX_SKETCH_K];
    uint32_t art;            /* index into arts */
    uint8_t n;
} sketch_rec_t;

struct idx_cluster {
    arc_db_t *db;
    idx_cluster_params_t p;
    /* terms */
    u64map_t term_ids;       /* hash of word -> term id */
    uint32_t *term_df;
    u32list_t *term_post;    /* term id -> stories */
    size_t n_terms, cap_terms;
    /* entities */
    u64map_t ent_ids;        /* archive id -> dense id */
    uint32_t *ent_df;
    u32list_t *ent_post;
    size_t n_ents, cap_ents;
    double n_docs;           /* articles seen (copies not counted) */
    /* stories */
    story_state_t *stories;
    size_t n_stories, cap_stories;
    u64map_t story_index;    /* archive story id -> index */
    uint32_t stamp;
    /* articles and sketches */
    art_state_t *arts;
    size_t n_arts, cap_arts;
    sketch_rec_t *sks;       /* sketches of recent indexed articles */
    size_t n_sks, cap_sks, live_sks;
    u64map_t sketch_head;    /* sketch hash -> 1 + first node */
    uint32_t *sketch_next;   /* node -> 1 + next node (0 = end) */
    uint32_t *sketch_rec;    /* node -> index into sks */
    size_t n_nodes, cap_nodes;
    double now;              /* latest publication time seen */
    int64_t seq;             /* articles clustered so far (their order) */
    double seconds;          /* time spent in idx_cluster_add */
    int failed;              /* an allocation failed */
    int debug;               /* $NEWSARCHIVE_CLUSTER_DEBUG: decisions on stderr */
    /* scratch */
    idx_tv_t tf;
    uint32_t *cand;
    size_t cap_cand;
    float *old;              /* story_add: centroid weights before */
    idx_tv_t vec, tvec;      /* the article's vectors */
    size_t cap_old;
};

static uint64_t
word_hash(const char *w, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 0x100000001b3ULL;
    return h;
}

/* The dense id of key in map, creating it with a zero document frequency
 * and an empty posting list in the arrays *df and *post (n used, cap
 * allocated). Returns UINT32_MAX without memory. */
static uint32_t
dense_id(u64map_t *map, uint64_t key, uint32_t **df, u32list_t **post, size_t *n,
         size_t *cap, size_t first_cap)
{
    int created;
    uint32_t *slot = u64map_slot(map, key, &created);

    if (!slot)
        return UINT32_MAX;
    if (created) {
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : first_cap;
            uint32_t *d = realloc(*df, ncap * sizeof *d);
            u32list_t *p;
            if (d)
                *df = d;
            p = realloc(*post, ncap * sizeof *p);
            if (!d || !p)
                return UINT32_MAX;
            *post = p;
            *cap = ncap;
        }
        (*df)[*n] = 0;
        memset(&(*post)[*n], 0, sizeof **post);
        *slot = (uint32_t)(*n)++;
    }
    return *slot;
}

/* The dense id of a word (by its hash) and of an archive entity id. */
static uint32_t
term_id(idx_cluster_t *c, uint64_t hash)
{
    return dense_id(&c->term_ids, hash, &c->term_df, &c->term_post, &c->n_terms,
                    &c->cap_terms, 4096);
}

static uint32_t
ent_id(idx_cluster_t *c, int64_t id)
{
    return dense_id(&c->ent_ids, (uint64_t)id, &c->ent_df, &c->ent_post, &c->n_ents,
                    &c->cap_ents, 1024);
}

static double
idf(const idx_cluster_t *c, uint32_t df)
{
    return log((c->n_docs + 1.0) / (df + 1.0)) + 1.0;
}

/* Rarity of an entity in 0..1: 1 for one never seen, 0 for one in every
 * article. */
static double
rarity(const idx_cluster_t *c, uint32_t df)
{
    double n = c->n_docs + 2.0;
    double r = log(n / (df + 1.0)) / log(n);
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

/* ---- the article's text, prepared (any thread) ---- */

typedef struct hashes {
    uint64_t *v;
    size_t n, cap;
    int failed;
} hashes_t;

static void
on_term(const char *w, size_t n, void *ctx)
{
    hashes_t *h = ctx;

    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 128;
        uint64_t *p = realloc(h->v, cap * sizeof *p);
        if (!p) {
            h->failed = 1;
            return;
        }
        h->v = p;
        h->cap = cap;
    }
    h->v[h->n++] = word_hash(w, n);
}

/* The word hashes of title terms, then of the lead's (title + the first
 * LEAD_BYTES of the body, ended at a word boundary), in text order. */
static int
prep_terms(const char *title, const char *body, idx_cluster_prep_t *p)
{
    hashes_t h = { NULL, 0, 0, 0 };
    size_t blen = body ? strlen(body) : 0;

    if (title)
        idx_terms(title, strlen(title), on_term, &h);
    p->n_title_terms = h.n;
    if (body) {
        size_t lead = blen < LEAD_BYTES ? blen : LEAD_BYTES;
        /* end the lead at a word boundary */
        while (lead < blen && lead < LEAD_BYTES + 40 && body[lead] != ' ')
            lead++;
        idx_terms(body, lead, on_term, &h);
    }
    p->terms = h.v;
    p->n_terms = h.n;
    return h.failed ? -1 : 0;
}

int
idx_cluster_prepare(const char *title, const char *body, idx_cluster_prep_t *p)
{
    return idx_cluster_prepare_sentences(title, body, NULL, 0, p);
}

int
idx_cluster_prepare_sentences(const char *title, const char *body, const idx_span_t *sent,
                              size_t n_sent, idx_cluster_prep_t *p)
{
    size_t blen = body ? strlen(body) : 0;
    idx_span_t *own = NULL;

    memset(p, 0, sizeof *p);
    p->n_sketch = body ? idx_shingle_sketch(body, blen, p->sketch) : 0;
    if (!sent) {
        n_sent = body ? idx_sentences(body, blen, &own) : 0;
        sent = own;
    }
    p->n_spans = body ? n_sent : 0;
    if (p->n_spans && !(p->spans = malloc(p->n_spans * 2 * sizeof *p->spans))) {
        free(own);
        p->n_spans = 0;
        return -1;
    }
    for (size_t i = 0; i < p->n_spans; i++) {
        p->spans[2 * i] = sent[i].start;
        p->spans[2 * i + 1] = sent[i].end;
    }
    free(own);
    if (prep_terms(title, body, p) < 0) {
        idx_cluster_prep_clear(p);
        return -1;
    }
    p->ready = 1;
    return 0;
}

void
idx_cluster_prep_clear(idx_cluster_prep_t *p)
{
    if (!p)
        return;
    free(p->spans);
    free(p->terms);
    memset(p, 0, sizeof *p);
}

/* ---- the article's vectors ---- */

/* Build the unit TF-IDF vector of title + lead into *out (terms created,
 * in text order, so term ids follow first appearance). */
static void
text_vector(idx_cluster_t *c, const idx_cluster_prep_t *p, idx_tv_t *out,
            idx_tv_t *title_vec)
{
    c->tf.n = 0;
    for (size_t i = 0; i < p->n_terms; i++) {
        uint32_t id;
        if (i == p->n_title_terms && title_vec) {
            title_vec->n = 0;
            for (size_t k = 0; k < c->tf.n; k++)
                if (idx_tv_add(title_vec, c->tf.v[k].term,
                               (float)idf(c, c->term_df[c->tf.v[k].term])) < 0)
                    c->failed = 1;
            idx_tv_normalise(title_vec);
            title_vec = NULL;
        }
        id = term_id(c, p->terms[i]);
        if (id == UINT32_MAX ||
            idx_tv_add(&c->tf, id, i < p->n_title_terms ? TITLE_WEIGHT : 1.0f) < 0)
            c->failed = 1;
    }
    if (title_vec) {    /* no lead terms */
        title_vec->n = 0;
        for (size_t k = 0; k < c->tf.n; k++)
            if (idx_tv_add(title_vec, c->tf.v[k].term,
                           (float)idf(c, c->term_df[c->tf.v[k].term])) < 0)
                c->failed = 1;
        idx_tv_normalise(title_vec);
    }
    out->n = 0;
    for (size_t i = 0; i < c->tf.n; i++) {
        double w = (1.0 + log(c->tf.v[i].w)) * idf(c, c->term_df[c->tf.v[i].term]);
        if (idx_tv_add(out, c->tf.v[i].term, (float)w) < 0)
            c->failed = 1;
    }
    idx_tv_normalise(out);
}

/* ---- stories ---- */

/* A new story at *index; id is its archive id, or 0 while the archive has
 * not created it yet (idx_cluster_set_story_id() gives it later). */
static story_state_t *
story_new(idx_cluster_t *c, int64_t id, double t, uint32_t *index)
{
    story_state_t *s;
    int created;
    uint32_t *slot;

    if (c->n_stories == c->cap_stories) {
        size_t cap = c->cap_stories ? c->cap_stories * 2 : 256;
        story_state_t *p = realloc(c->stories, cap * sizeof *p);
        if (!p)
            return NULL;
        c->stories = p;
        c->cap_stories = cap;
    }
    if (id) {
        slot = u64map_slot(&c->story_index, (uint64_t)id, &created);
        if (!slot)
            return NULL;
        *slot = (uint32_t)c->n_stories;
    }
    *index = (uint32_t)c->n_stories;
    s = &c->stories[c->n_stories++];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->first = s->last = t;
    return s;
}

/* Add an article's vectors to story si; updates postings and the best
 * headline. Returns 1 when the headline changed. */
static int
story_add(idx_cluster_t *c, uint32_t si, const idx_tv_t *vec, const uint32_t *ents,
          size_t n_ents, const idx_tv_t *title_vec, double t)
{
    story_state_t *s = &c->stories[si];
    int changed = 0;

    if (vec->n > c->cap_old) {
        float *p = realloc(c->old, vec->n * sizeof *p);
        if (!p) {
            c->failed = 1;
            return 0;
        }
        c->old = p;
        c->cap_old = vec->n;
    }
    if (idx_tv_merge_add(&s->centroid, vec, c->old) < 0) {
        c->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < vec->n; i++) {
        uint32_t term = vec->v[i].term;
        float old = c->old[i], w = vec->v[i].w;
        if (old == 0.0f && u32list_push(&c->term_post[term], si) < 0)
            c->failed = 1;
        s->norm2 += (double)(old + w) * (old + w) - (double)old * old;
    }
    for (size_t i = 0; i < n_ents; i++) {
        if (idx_tv_get(&s->ents, ents[i]) == 0.0f &&
            u32list_push(&c->ent_post[ents[i]], si) < 0)
            c->failed = 1;
        if (idx_tv_add(&s->ents, ents[i], 1.0f) < 0)
            c->failed = 1;
    }
    s->n++;
    if (t < s->first)
        s->first = t;
    if (t > s->last)
        s->last = t;
    if (title_vec && title_vec->n) {
        double cur = s->n > 1 ? idx_tv_dot(&s->title_vec, &s->centroid) : -1.0;
        double cand = idx_tv_dot(title_vec, &s->centroid);
        if (cand > cur + 1e-9) {
            s->title_vec.n = 0;
            for (size_t i = 0; i < title_vec->n; i++)
                if (idx_tv_add(&s->title_vec, title_vec->v[i].term, title_vec->v[i].w) < 0)
                    c->failed = 1;
            changed = s->n > 1;
        }
    }
    return changed;
}

static double
gap_days(const story_state_t *s, double t)
{
    if (t > s->last)
        return (t - s->last) / DAY;
    if (t < s->first)
        return (s->first - t) / DAY;
    return 0.0;
}

/* Score of an article against story si (0 when it may not join). */
static double
story_score(const idx_cluster_t *c, const story_state_t *s, const idx_tv_t *vec,
            const uint32_t *ents, size_t n_ents, double t, int *quiet)
{
    double dot = 0, cosv, evid = 1.0, g = gap_days(s, t), score, quiet_after;

    *quiet = 0;
    if (g > c->p.max_gap_days || (c->now - s->last) / DAY > c->p.max_gap_days + STALE_DAYS)
        return 0.0;
    dot = idx_tv_dot_into(vec, &s->centroid);
    cosv = s->norm2 > 0 ? dot / sqrt(s->norm2) : 0.0;
    /* shared entities as independent pieces of evidence: a rare one counts
     * nearly fully, one found in many articles nearly not at all; one seen
     * in only a few of a long story's articles counts less */
    for (size_t i = 0; i < n_ents; i++) {
        float k = idx_tv_get(&s->ents, ents[i]);
        if (k > 0) {
            double r = rarity(c, c->ent_df[ents[i]]);
            double share = sqrt((double)k / s->n);
            evid *= 1.0 - r * r * share;
        }
    }
    /* entities confirm a text match, they cannot make one: their weight
     * grows with the text similarity up to cos_gate */
    score = cosv + c->p.entity_weight * (1.0 - evid) *
                   (cosv >= c->p.cos_gate ? 1.0 : cosv / c->p.cos_gate);
    /* a story is quiet when nothing new came for a while; an article from
     * before the story began (a late arrival) is judged more loosely */
    quiet_after = t < s->first ? 2.0 * c->p.quiet_days : c->p.quiet_days;
    if (g > quiet_after) {
        *quiet = 1;
        score *= exp(-(g - quiet_after) / (3.0 * c->p.max_gap_days));
    }
    return score;
}

static int
cand_push(idx_cluster_t *c, size_t *n, uint32_t si)
{
    if (*n == c->cap_cand) {
        size_t cap = c->cap_cand ? c->cap_cand * 2 : 256;
        uint32_t *p = realloc(c->cand, cap * sizeof *p);
        if (!p)
            return -1;
        c->cand = p;
        c->cap_cand = cap;
    }
    c->cand[(*n)++] = si;
    return 0;
}

/* Collect candidate stories from one postings list, dropping stories that
 * have been silent too long for this article (order-preserving). */
static void
collect_postings(idx_cluster_t *c, u32list_t *l, double t, double w, size_t *n)
{
    uint32_t k = 0;

    for (uint32_t i = 0; i < l->n; i++) {
        story_state_t *s = &c->stories[l->v[i]];
        if ((c->now - s->last) / DAY > c->p.max_gap_days + STALE_DAYS)
            continue; /* stale for good: drop from the list */
        l->v[k++] = l->v[i];
        if (s->stamp == c->stamp) {
            s->pre += w;
            continue;
        }
        if (gap_days(s, t) > c->p.max_gap_days)
            continue;
        s->stamp = c->stamp;
        s->pre = w;
        if (cand_push(c, n, l->v[i]) < 0)
            c->failed = 1;
    }
    l->n = k;
}

/* qsort has no context argument: the stories being ordered. */
static const story_state_t *sort_stories;

static int
by_pre(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    double px = sort_stories[x].pre, py = sort_stories[y].pre;

    if (px != py)
        return px > py ? -1 : 1;
    return (x > y) - (x < y);
}

/* Contract in cluster.h. A selection (quickselect, median-of-three
 * pivots), then a sort of the k it keeps. */
void
idx_first_k_u32(uint32_t *a, size_t n, size_t k, int (*cmp)(const void *, const void *))
{
    size_t lo = 0, hi = n;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2, p = lo;
        uint32_t x;
        /* median of three as the pivot, moved to hi - 1 */
        if (cmp(&a[mid], &a[lo]) < 0)
            x = a[mid], a[mid] = a[lo], a[lo] = x;
        if (cmp(&a[hi - 1], &a[lo]) < 0)
            x = a[hi - 1], a[hi - 1] = a[lo], a[lo] = x;
        if (cmp(&a[mid], &a[hi - 1]) < 0)
            x = a[mid], a[mid] = a[hi - 1], a[hi - 1] = x;
        for (size_t i = lo; i < hi - 1; i++)
            if (cmp(&a[i], &a[hi - 1]) < 0) {
                x = a[i], a[i] = a[p], a[p] = x;
                p++;
            }
        x = a[p], a[p] = a[hi - 1], a[hi - 1] = x;
        /* a[lo, p) come before a[p], a(p, hi) after it */
        if (p == k)
            break;
        if (p > k)
            hi = p;
        else
            lo = p + 1;
    }
    qsort(a, k, sizeof *a, cmp);
}

/* The best story for an article, or UINT32_MAX for a new one. */
static uint32_t
best_story(idx_cluster_t *c, const idx_tv_t *vec, const uint32_t *ents,
           size_t n_ents, double t)
{
    uint32_t top[CAND_TERMS], best = UINT32_MAX;
    size_t n_top = 0, n_cand = 0;
    double best_score = 0;

    /* the article's heaviest terms (ties: lower term id) */
    for (size_t i = 0; i < vec->n; i++) {
        size_t j = n_top < CAND_TERMS ? n_top++ : CAND_TERMS;
        if (j == CAND_TERMS) {
            if (vec->v[i].w <= vec->v[top[CAND_TERMS - 1]].w)
                continue;
            j = CAND_TERMS - 1;
        }
        while (j > 0 && vec->v[top[j - 1]].w < vec->v[i].w) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = (uint32_t)i;
    }
    if (++c->stamp == 0) {
        for (size_t i = 0; i < c->n_stories; i++)
            c->stories[i].stamp = 0;
        c->stamp = 1;
    }
    for (size_t i = 0; i < n_top; i++)
        collect_postings(c, &c->term_post[vec->v[top[i]].term], t, vec->v[top[i]].w, &n_cand);
    for (size_t i = 0; i < n_ents; i++)
        collect_postings(c, &c->ent_post[ents[i]], t,
                         c->p.entity_weight * rarity(c, c->ent_df[ents[i]]), &n_cand);
    /* score in full only the candidates with the best pre-scores */
    if (n_cand > MAX_SCORED) {
        sort_stories = c->stories;
        idx_first_k_u32(c->cand, n_cand, MAX_SCORED, by_pre);
        n_cand = MAX_SCORED;
    }
    for (size_t i = 0; i < n_cand; i++) {
        uint32_t si = c->cand[i];
        int quiet;
        double s = story_score(c, &c->stories[si], vec, ents, n_ents, t, &quiet);
        double need = c->p.threshold + (quiet ? c->p.revive_extra : 0.0);
        if (c->debug)
            fprintf(stderr, "  story %lld: score %.3f (pre %.3f)%s\n",
                    (long long)c->stories[si].id, s, c->stories[si].pre, quiet ? " quiet" : "");
        if (s < need)
            continue;
        if (s > best_score + 1e-12 || (fabs(s - best_score) <= 1e-12 && si < best)) {
            best_score = s;
            best = si;
        }
    }
    return best;
}

/* ---- articles and near-duplicates ---- */

static art_state_t *
art_new(idx_cluster_t *c, int64_t id, double t)
{
    art_state_t *a;

    if (c->n_arts == c->cap_arts) {
        size_t cap = c->cap_arts ? c->cap_arts * 2 : 1024;
        art_state_t *p = realloc(c->arts, cap * sizeof *p);
        if (!p)
            return NULL;
        c->arts = p;
        c->cap_arts = cap;
    }
    a = &c->arts[c->n_arts++];
    a->t = t;
    a->id = id;
    a->story = UINT32_MAX;
    return a;
}

/* Index the smallest hashes of sketch record k. */
static void
sketch_bands(idx_cluster_t *c, uint32_t k)
{
    const sketch_rec_t *r = &c->sks[k];

    for (size_t b = 0; b < DUP_BANDS && b < r->n; b++) {
        int created;
        uint32_t *head = u64map_slot(&c->sketch_head, r->h[b], &created);
        if (!head) {
            c->failed = 1;
            return;
        }
        if (c->n_nodes == c->cap_nodes) {
            size_t cap = c->cap_nodes ? c->cap_nodes * 2 : 4096;
            uint32_t *nx = realloc(c->sketch_next, cap * sizeof *nx), *rc;
            if (nx)
                c->sketch_next = nx;
            rc = realloc(c->sketch_rec, cap * sizeof *rc);
            if (!nx || !rc) {
                c->failed = 1;
                return;
            }
            c->sketch_rec = rc;
            c->cap_nodes = cap;
        }
        c->sketch_rec[c->n_nodes] = k;
        c->sketch_next[c->n_nodes] = created ? 0 : *head;
        *head = (uint32_t)++c->n_nodes;
    }
}

/* Keep article ai's sketch and index it (an article without words has
 * none: sk may then be NULL). */
static void
sketch_index(idx_cluster_t *c, uint32_t ai, const uint64_t *sk, size_t n_sk)
{
    sketch_rec_t *r;

    if (!n_sk)
        return;
    if (n_sk > IDX_SKETCH_K)
        n_sk = IDX_SKETCH_K;
    if (c->n_sks == c->cap_sks) {
        size_t cap = c->cap_sks ? c->cap_sks * 2 : 1024;
        sketch_rec_t *p = realloc(c->sks, cap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return;
        }
        c->sks = p;
        c->cap_sks = cap;
    }
    r = &c->sks[c->n_sks];
    memcpy(r->h, sk, n_sk * sizeof *sk);
    r->n = (uint8_t)n_sk;
    r->art = ai;
    sketch_bands(c, (uint32_t)c->n_sks++);
}

/* The earlier article this one is a copy of (its index), or UINT32_MAX. */
static uint32_t
find_original(idx_cluster_t *c, const uint64_t *sk, size_t n_sk, double t,
              double *sim)
{
    uint32_t best = UINT32_MAX;
    double best_sim = 0;

    *sim = 0;
    for (size_t b = 0; b < DUP_BANDS && b < n_sk; b++) {
        const uint32_t *head = u64map_find(&c->sketch_head, sk[b]);
        for (uint32_t node = head ? *head : 0; node; node = c->sketch_next[node - 1]) {
            const sketch_rec_t *rec = &c->sks[c->sketch_rec[node - 1]];
            uint32_t ai = rec->art;
            const art_state_t *a = &c->arts[ai];
            double r;
            if (fabs(a->t - t) > c->p.dup_days * DAY || a->story == UINT32_MAX)
                continue;
            r = idx_shingle_resemblance(sk, n_sk, rec->h, rec->n);
            if (r > best_sim + 1e-12 || (fabs(r - best_sim) <= 1e-12 && ai < best)) {
                best_sim = r;
                best = ai;
            }
        }
    }
    if (best_sim < c->p.dup_min)
        return UINT32_MAX;
    *sim = best_sim;
    return best;
}

/* Dense ids of archive entity ids (malloc'd into *out; NULL when n is 0). */
static size_t
dense_entities(idx_cluster_t *c, const int64_t *ids, size_t n, uint32_t **out)
{
    size_t k = 0;

    *out = NULL;
    if (!n)
        return 0;
    *out = malloc(n * sizeof **out);
    if (!*out) {
        c->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t e = ent_id(c, ids[i]);
        if (e == UINT32_MAX) {
            c->failed = 1;
            continue;
        }
        (*out)[k++] = e;
    }
    return k;
}

/* Dense entity ids of a stored article (malloc'd into *out). */
static size_t
article_entities(idx_cluster_t *c, int64_t id, uint32_t **out, arc_status_t *st)
{
    int64_t *ids = NULL;
    size_t n = 0, k;

    *out = NULL;
    *st = arc_article_entity_ids(c->db, id, &ids, &n);
    if (*st || !n) {
        arc_free(ids);
        return 0;
    }
    k = dense_entities(c, ids, n, out);
    arc_free(ids);
    return k;
}

static void
count_document(idx_cluster_t *c, const idx_tv_t *vec, const uint32_t *ents, size_t n_ents)
{
    for (size_t i = 0; i < vec->n; i++)
        c->term_df[vec->v[i].term]++;
    for (size_t i = 0; i < n_ents; i++)
        c->ent_df[ents[i]]++;
    c->n_docs += 1.0;
}

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Place an article whose story is decided (joining story index *si_io, or
 * a new story, whose index goes to *si_io, when it is UINT32_MAX) into
 * the in-memory state. */
static arc_status_t
place(idx_cluster_t *c, uint32_t ai, uint32_t *si_io, int64_t story_id,
      const idx_tv_t *vec, const uint32_t *ents, size_t n_ents,
      const idx_tv_t *title_vec, const uint64_t *sk, size_t n_sk, int *title_changed)
{
    double t = c->arts[ai].t;
    uint32_t si = *si_io;

    if (si == UINT32_MAX) {
        if (!story_new(c, story_id, t, &si))
            return ARC_E_NOMEM;
        *si_io = si;
    }
    *title_changed = story_add(c, si, vec, ents, n_ents, title_vec, t);
    c->arts[ai].story = si;
    count_document(c, vec, ents, n_ents);
    sketch_index(c, ai, sk, n_sk);
    return ARC_OK;
}

/* Drop stale stories from one postings list (order-preserving). */
static void
prune_postings(idx_cluster_t *c, u32list_t *l, double stale_days)
{
    uint32_t k = 0;

    for (uint32_t i = 0; i < l->n; i++)
        if ((c->now - c->stories[l->v[i]].last) / DAY <= stale_days)
            l->v[k++] = l->v[i];
    l->n = k;
    if (l->cap > 16 && l->n < l->cap / 4) {
        uint32_t cap = l->n > 4 ? l->n : 4;
        uint32_t *p = realloc(l->v, cap * sizeof *p);
        if (p) {
            l->v = p;
            l->cap = cap;
        }
    }
}

/*
 * Bound the memory of a long run (called as articles are added; the cost
 * is amortised over the articles since the last call):
 *  - a story silent for max_gap_days + STALE_DAYS before the newest article
 *    is never a candidate again (story_score, collect_postings): its
 *    vectors are freed and it leaves every postings list;
 *  - sketches are kept for articles published within dup_days +
 *    SKETCH_LATE_DAYS of the newest one: a copy published more than
 *    SKETCH_LATE_DAYS before the newest article seen (a very late import)
 *    is no longer matched to its original; the articles of dropped
 *    sketches are dropped too.
 * Neither changes any decision for input arriving less than
 * SKETCH_LATE_DAYS late.
 */
static void
compact(idx_cluster_t *c)
{
    double horizon = c->now - (c->p.dup_days + SKETCH_LATE_DAYS) * DAY;
    double stale_days = c->p.max_gap_days + STALE_DAYS;
    size_t k = 0;

    u64map_free(&c->sketch_head);
    c->n_nodes = 0;
    for (size_t i = 0; i < c->n_sks; i++) {
        if (c->arts[c->sks[i].art].t < horizon)
            continue;
        if (k != i)
            c->sks[k] = c->sks[i];
        sketch_bands(c, (uint32_t)k);
        k++;
    }
    c->n_sks = c->live_sks = k;
    /* Only a kept sketch ever leads back to an older article (a copy's
     * original), so the articles no kept sketch names are dropped: the
     * array stays the size of the sketch window instead of growing by 24
     * bytes an article for the whole run. Sketches are kept in arrival
     * order, so their articles come in increasing order and move down in
     * place. Called before the current article is added (maybe_compact),
     * so no article index is held across it. */
    {
        size_t na = 0;
        uint32_t last = UINT32_MAX;

        for (size_t i = 0; i < k; i++) {
            uint32_t old = c->sks[i].art;
            if (old != last) {
                c->arts[na++] = c->arts[old];
                last = old;
            }
            c->sks[i].art = (uint32_t)(na - 1);
        }
        c->n_arts = na;
        if (c->cap_arts > 4096 && na < c->cap_arts / 4) {
            size_t cap = na * 2 > 1024 ? na * 2 : 1024;
            art_state_t *a = realloc(c->arts, cap * sizeof *a);
            if (a) {
                c->arts = a;
                c->cap_arts = cap;
            }
        }
    }
    for (size_t i = 0; i < c->n_stories; i++) {
        story_state_t *s = &c->stories[i];
        if (s->centroid.v && (c->now - s->last) / DAY > stale_days) {
            idx_tv_free(&s->centroid);
            idx_tv_free(&s->ents);
            idx_tv_free(&s->title_vec);
        }
    }
    for (size_t i = 0; i < c->n_terms; i++)
        prune_postings(c, &c->term_post[i], stale_days);
    for (size_t i = 0; i < c->n_ents; i++)
        prune_postings(c, &c->ent_post[i], stale_days);
}

static void
maybe_compact(idx_cluster_t *c)
{
    if (c->n_sks >= COMPACT_MIN && c->n_sks >= 2 * c->live_sks)
        compact(c);
}

arc_status_t
idx_cluster_decide(idx_cluster_t *c, int64_t id, const idx_cluster_prep_t *p,
                   const int64_t *ent_ids, size_t n_ent_ids, int64_t published,
                   idx_cluster_decision_t *d)
{
    uint32_t *ents = NULL, orig, si, ai;
    size_t n_ents;
    double t, sim, t0 = now_seconds();
    arc_status_t st = ARC_OK;

    memset(d, 0, sizeof *d);
    d->article = id;
    d->story = UINT32_MAX;
    t = published != ARC_TIME_NONE ? (double)published : c->now;
    if (t > c->now)
        c->now = t;
    maybe_compact(c);
    if (!art_new(c, id, t)) {
        st = ARC_E_NOMEM;
        goto done;
    }
    ai = (uint32_t)c->n_arts - 1;
    c->seq++;

    /* a syndicated copy joins its original's story and changes nothing */
    orig = find_original(c, p->sketch, p->n_sketch, t, &sim);
    if (orig != UINT32_MAX) {
        d->story = c->arts[orig].story;
        d->original = c->arts[orig].id;
        d->similarity = sim;
        c->arts[ai].story = d->story;
        goto done;
    }

    text_vector(c, p, &c->vec, &c->tvec);
    n_ents = dense_entities(c, ent_ids, n_ent_ids, &ents);
    if (c->debug)
        fprintf(stderr, "article %lld\n", (long long)id);
    si = best_story(c, &c->vec, ents, n_ents, t);
    d->created = si == UINT32_MAX;
    if ((st = place(c, ai, &si, si == UINT32_MAX ? 0 : c->stories[si].id, &c->vec, ents,
                    n_ents, &c->tvec, p->sketch, p->n_sketch, &d->title_changed)))
        goto done;
    d->story = si;
    if (c->failed)
        st = ARC_E_NOMEM;
done:
    free(ents);
    c->seconds += now_seconds() - t0;
    return st;
}

arc_status_t
idx_cluster_apply(arc_db_t *db, const idx_cluster_decision_t *d, int64_t story,
                  const char *title, int64_t *story_out)
{
    arc_status_t st;

    *story_out = 0;
    if (d->original) {
        if ((st = arc_article_set_duplicate(db, d->article, d->original, d->similarity)))
            return st;
        return arc_story_assign(db, d->article, story, story_out);
    }
    if ((st = arc_story_assign(db, d->article, d->created ? 0 : story, story_out)))
        return st;
    if (d->title_changed && title)
        return arc_story_set_title(db, *story_out, title);
    return ARC_OK;
}

int64_t
idx_cluster_story_id(const idx_cluster_t *c, uint32_t si)
{
    return si < c->n_stories ? c->stories[si].id : 0;
}

arc_status_t
idx_cluster_set_story_id(idx_cluster_t *c, uint32_t si, int64_t id)
{
    uint32_t *slot;
    int created;

    if (si >= c->n_stories || !id)
        return ARC_E_BAD_ARG;
    if (!(slot = u64map_slot(&c->story_index, (uint64_t)id, &created)))
        return ARC_E_NOMEM;
    *slot = si;
    c->stories[si].id = id;
    return ARC_OK;
}

size_t
idx_cluster_story_count(const idx_cluster_t *c)
{
    return c->n_stories;
}

int64_t
idx_cluster_seq(const idx_cluster_t *c)
{
    return c->seq;
}

arc_status_t
idx_cluster_add_prepared(idx_cluster_t *c, int64_t id, const char *title,
                         const idx_cluster_prep_t *p, int64_t published,
                         int64_t *story_out)
{
    idx_cluster_decision_t d;
    int64_t *ids = NULL, story = 0;
    size_t n = 0;
    arc_status_t st;

    if (story_out)
        *story_out = 0;
    /* features: sketch and sentence spans */
    if ((st = arc_article_features_put(c->db, id, c->seq + 1, p->sketch, p->n_sketch,
                                       p->spans, p->n_spans)))
        return st;
    if ((st = arc_article_entity_ids(c->db, id, &ids, &n)))
        return st;
    st = idx_cluster_decide(c, id, p, ids, n, published, &d);
    arc_free(ids);
    if (st)
        return st;
    if ((st = idx_cluster_apply(c->db, &d, idx_cluster_story_id(c, d.story), title, &story)))
        return st;
    if (d.created && (st = idx_cluster_set_story_id(c, d.story, story)))
        return st;
    if (story_out)
        *story_out = story;
    return ARC_OK;
}

arc_status_t
idx_cluster_add(idx_cluster_t *c, int64_t id, const char *title, const char *body,
                int64_t published, int64_t *story_out)
{
    idx_cluster_prep_t p;
    arc_status_t st;

    if (story_out)
        *story_out = 0;
    if (idx_cluster_prepare(title, body, &p) < 0)
        return ARC_E_NOMEM;
    st = idx_cluster_add_prepared(c, id, title, &p, published, story_out);
    idx_cluster_prep_clear(&p);
    return st;
}

/*
 * Replay the clustering of the stored articles, in the order they were
 * clustered, into the in-memory state: the same document frequencies,
 * centroids and sketch index an uninterrupted run would hold, so an import
 * continued later (or after a crash) decides exactly as one run would.
 * Stories are taken as stored (user corrections included), never
 * re-decided. Only the last REPLAY_MAX clustered articles are replayed
 * (about 90 us each): beyond that, frequencies come from that recent
 * window and a continued import may differ slightly from one long run.
 */
static arc_status_t
load_state(idx_cluster_t *c)
{
    arc_article_scan_t *scan = NULL;
    const arc_scan_row_t *r;
    arc_status_t st;
    idx_tv_t vec, tvec;
    idx_cluster_prep_t prep;

    if ((st = arc_article_scan_open(c->db, REPLAY_MAX, LEAD_BYTES + 40, 1, &scan)))
        return st;
    idx_tv_init(&vec);
    idx_tv_init(&tvec);
    /* entity ids need a second statement while the scan is open: reads
     * only, which SQLite allows on one connection */
    while ((st = arc_article_scan_next(scan, &r)) == ARC_OK && r) {
        double t = r->published != ARC_TIME_NONE ? (double)r->published : c->now;
        const uint32_t *known;
        uint32_t *ents = NULL, ai, si;
        size_t n_ents;
        int changed;

        if (r->seq > c->seq)
            c->seq = r->seq;
        if (!r->story)
            continue;
        if (t > c->now)
            c->now = t;
        if (!art_new(c, r->id, t)) {
            st = ARC_E_NOMEM;
            break;
        }
        ai = (uint32_t)c->n_arts - 1;
        known = u64map_find(&c->story_index, (uint64_t)r->story);
        if (r->duplicate_of) {
            if (known)
                c->arts[ai].story = *known;
            continue;
        }
        memset(&prep, 0, sizeof prep);
        if (prep_terms(r->title, r->body, &prep) < 0)
            c->failed = 1;
        text_vector(c, &prep, &vec, &tvec);
        idx_cluster_prep_clear(&prep);
        n_ents = article_entities(c, r->id, &ents, &st);
        if (st) {
            free(ents);
            break;
        }
        si = known ? *known : UINT32_MAX;
        st = place(c, ai, &si, r->story, &vec, ents, n_ents, &tvec, r->sketch, r->n_sketch,
                   &changed);
        free(ents);
        if (st)
            break;
    }
    idx_tv_free(&vec);
    idx_tv_free(&tvec);
    arc_article_scan_destroy(scan);
    if (!st && c->failed)
        st = ARC_E_NOMEM;
    return st;
}

/* Tuning aid: "threshold=0.3,entity_weight=0.45" overrides parameters
 * (used by tools/eval/stories to search them; unknown names are ignored). */
static void
params_from_env(idx_cluster_params_t *p, const char *spec)
{
    static const struct { const char *name; size_t off; } names[] = {
        { "threshold", offsetof(idx_cluster_params_t, threshold) },
        { "revive_extra", offsetof(idx_cluster_params_t, revive_extra) },
        { "entity_weight", offsetof(idx_cluster_params_t, entity_weight) },
        { "quiet_days", offsetof(idx_cluster_params_t, quiet_days) },
        { "max_gap_days", offsetof(idx_cluster_params_t, max_gap_days) },
        { "dup_min", offsetof(idx_cluster_params_t, dup_min) },
        { "dup_days", offsetof(idx_cluster_params_t, dup_days) },
        { "cos_gate", offsetof(idx_cluster_params_t, cos_gate) },
    };

    while (spec && *spec) {
        const char *eq = strchr(spec, '='), *end = strchr(spec, ',');
        if (!end)
            end = spec + strlen(spec);
        if (eq && eq < end)
            for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (strlen(names[i].name) == (size_t)(eq - spec) &&
                    strncmp(names[i].name, spec, (size_t)(eq - spec)) == 0)
                    *(double *)((char *)p + names[i].off) = strtod(eq + 1, NULL);
        spec = *end ? end + 1 : end;
    }
}

idx_cluster_t *
idx_cluster_create(arc_db_t *db, int load, const idx_cluster_params_t *params)
{
    idx_cluster_t *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->db = db;
    c->debug = getenv("NEWSARCHIVE_CLUSTER_DEBUG") != NULL;
    if (params)
        c->p = *params;
    else
        idx_cluster_params_default(&c->p);
    params_from_env(&c->p, getenv("NEWSARCHIVE_CLUSTER_PARAMS"));
    if (load && load_state(c) != ARC_OK) {
        idx_cluster_destroy(c);
        return NULL;
    }
    return c;
}

void
idx_cluster_destroy(idx_cluster_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_terms; i++)
        free(c->term_post[i].v);
    for (size_t i = 0; i < c->n_ents; i++)
        free(c->ent_post[i].v);
    for (size_t i = 0; i < c->n_stories; i++) {
        idx_tv_free(&c->stories[i].centroid);
        idx_tv_free(&c->stories[i].ents);
        idx_tv_free(&c->stories[i].title_vec);
    }
    u64map_free(&c->term_ids);
    u64map_free(&c->ent_ids);
    u64map_free(&c->story_index);
    u64map_free(&c->sketch_head);
    free(c->term_df);
    free(c->term_post);
    free(c->ent_df);
    free(c->ent_post);
    free(c->stories);
    free(c->arts);
    free(c->sketch_next);
    free(c->sketch_rec);
    free(c->sks);
    idx_tv_free(&c->tf);
    free(c->cand);
    free(c->old);
    idx_tv_free(&c->vec);
    idx_tv_free(&c->tvec);
    free(c);
}

double
idx_cluster_seconds(const idx_cluster_t *c)
{
    return c ? c->seconds : 0.0;
}

/* ---- the import pipeline's process-wide state ---- */

static idx_cluster_t *shared_state;
static arc_db_t *shared_db;
static char *shared_path;
static int release_registered;

void
idx_cluster_release(void)
{
    idx_cluster_destroy(shared_state);
    free(shared_path);
    shared_state = NULL;
    shared_db = NULL;
    shared_path = NULL;
}

static void
release_at_exit(void)
{
    idx_cluster_release();
}

/* The process-wide state for db, created (with load_recent) on first use. */
static idx_cluster_t *
shared_for(arc_db_t *db)
{
    const char *path = arc_db_path(db);

    if (shared_state && (shared_db != db || !shared_path || strcmp(shared_path, path) != 0))
        idx_cluster_release();
    if (!shared_state) {
        if (!release_registered) {
            atexit(release_at_exit);
            release_registered = 1;
        }
        shared_state = idx_cluster_create(db, 1, NULL);
        if (!shared_state)
            return NULL;
        shared_db = db;
        shared_path = strdup(path);
    }
    return shared_state;
}

idx_cluster_t *
idx_cluster_shared(arc_db_t *db)
{
    return shared_for(db);
}

arc_status_t
idx_cluster_article(arc_db_t *db, int64_t id, const char *title,
                    const char *lead, int64_t published)
{
    idx_cluster_t *c = shared_for(db);

    return c ? idx_cluster_add(c, id, title, lead, published, NULL) : ARC_E_NOMEM;
}

arc_status_t
idx_cluster_article_prepared(arc_db_t *db, int64_t id, const char *title,
                             const idx_cluster_prep_t *p, int64_t published)
{
    idx_cluster_t *c = shared_for(db);

    return c ? idx_cluster_add_prepared(c, id, title, p, published, NULL) : ARC_E_NOMEM;
}
