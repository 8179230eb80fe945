/*
 * cluster.h - online, incremental, deterministic story clustering.
 *
 * Each new article either joins the best matching active story or starts a
 * new one. The match combines
 *  - text: cosine of TF-IDF vectors of the title (weighted double) and
 *    lead against each story's centroid (IDF frozen when a vector is
 *    added, so the result depends only on the input order);
 *  - entities: shared entities weighted by rarity (IDF over mentions,
 *    scaled to 0..1 by log N), combined as independent evidence;
 *  - time: a story goes quiet after a few days without articles; a quiet
 *    story can be revived only by a clearly stronger match.
 * Near-duplicates (syndicated copies) are found first by shingle sketches,
 * linked to their original and put in its story without changing it.
 *
 * The state (term and entity document frequencies, story centroids,
 * sketch index) lives in memory for one run; a run over an archive that
 * already has stories first replays the stored clustering in its order,
 * so an interrupted and continued import ends with the same stories as
 * an uninterrupted one.
 */
#ifndef IDX_CLUSTER_H
#define IDX_CLUSTER_H

#include "newsarc.h"
#include "shingle.h"
#include "text.h"

/* Tunable parameters (idx_cluster_params_default gives the tuned ones). */
typedef struct idx_cluster_params {
    double threshold;      /* join when score >= this (active story) */
    double revive_extra;   /* a quiet story needs threshold + this */
    double entity_weight;  /* score = cosine + entity_weight * entity evidence */
    double quiet_days;     /* no article for this long: the story is quiet */
    double max_gap_days;   /* never join a story silent for longer */
    double dup_min;        /* resemblance at or above which a text is a copy */
    double dup_days;       /* copies are looked for within this many days */
    double cos_gate;       /* entity evidence counts fully from this cosine up */
} idx_cluster_params_t;

void idx_cluster_params_default(idx_cluster_params_t *p);

typedef struct idx_cluster idx_cluster_t;

/*
 * Create clustering state over @p db. With @p load_recent, the stored
 * clustering is replayed (so an import continues it exactly); a rebuild
 * passes 0 after arc_story_reset_all().
 * @p params may be NULL for the defaults. Returns NULL without memory or
 * when loading fails (the reason is in arc_db_errmsg(db)).
 * The caller owns the state: idx_cluster_destroy() it.
 */
idx_cluster_t *idx_cluster_create(arc_db_t *db, int load_recent,
                                  const idx_cluster_params_t *params);
void idx_cluster_destroy(idx_cluster_t *c);

/*
 * What clustering derives from an article's text alone: its shingle sketch,
 * sentence spans and the word hashes of its title and lead terms. Computed
 * by idx_cluster_prepare() on any thread (the import's reader), so that
 * idx_cluster_add_prepared() on the writer only looks up and decides.
 */
typedef struct idx_cluster_prep {
    uint64_t sketch[IDX_SKETCH_K];
    size_t n_sketch;
    int *spans;            /* 2 * n_spans body byte offsets: start, end */
    size_t n_spans;
    uint64_t *terms;       /* title terms, then lead terms, in text order */
    size_t n_title_terms, n_terms;
    int ready;             /* set by a successful idx_cluster_prepare */
} idx_cluster_prep_t;

/*
 * Fill *p from an article's title and body (either may be NULL). Pure text
 * work, thread-safe. Returns 0, or -1 without memory (*p then empty).
 * Free with idx_cluster_prep_clear().
 */
int idx_cluster_prepare(const char *title, const char *body, idx_cluster_prep_t *p);
/* As idx_cluster_prepare, with the body's sentences already found
 * (idx_sentences of the same body, as idx_enrich_compute keeps them);
 * @p sent NULL: found here. */
int idx_cluster_prepare_sentences(const char *title, const char *body,
                                  const idx_span_t *sent, size_t n_sent,
                                  idx_cluster_prep_t *p);
/* Free what *p holds and zero it (NULL is allowed). */
void idx_cluster_prep_clear(idx_cluster_prep_t *p);

/*
 * As idx_cluster_add, with the text work already done by
 * idx_cluster_prepare(title, body). @p p stays the caller's.
 */
arc_status_t idx_cluster_add_prepared(idx_cluster_t *c, int64_t id, const char *title,
                                      const idx_cluster_prep_t *p, int64_t published,
                                      int64_t *story_out);

/*
 * Cluster one stored (and enriched) article: store its sketch and sentence
 * spans, link it when it is a near-duplicate, and assign its story.
 *   story_out OUT the story id (may be NULL)
 * Returns ARC_OK or the archive's status.
 */
arc_status_t idx_cluster_add(idx_cluster_t *c, int64_t id, const char *title,
                             const char *body, int64_t published,
                             int64_t *story_out);

/* Seconds spent deciding (idx_cluster_decide) so far (for benchmarks). */
double idx_cluster_seconds(const idx_cluster_t *c);

/*
 * idx_cluster_add() in two halves, so that the decision can be made on a
 * thread of its own while the connection's thread goes on writing
 * (cluster_async.h):
 *  - idx_cluster_decide() works in memory only, never on the archive: it
 *    finds the article's original or its story and updates the state as if
 *    the decision were already stored;
 *  - idx_cluster_apply() stores one decision.
 * Decisions must be applied in the order they were made. A story the
 * decision creates has no archive id until its decision is applied:
 * idx_cluster_set_story_id() then gives it (on the deciding thread, or
 * once that thread has stopped).
 */
typedef struct idx_cluster_decision {
    int64_t article;       /* the article decided */
    uint32_t story;        /* story index (idx_cluster_story_id), UINT32_MAX: none */
    int created;           /* the article starts story index @c story */
    int title_changed;     /* its title is now the story's headline */
    int64_t original;      /* a copy: the article it copies (else 0) */
    double similarity;     /* a copy: the resemblance of the two */
} idx_cluster_decision_t;

/*
 * Decide article @p id (features in @p p, archive entity ids in @p ents)
 * and update the in-memory state. Touches no archive. Returns ARC_OK or
 * ARC_E_NOMEM (the state may then be incomplete: stop the run).
 */
arc_status_t idx_cluster_decide(idx_cluster_t *c, int64_t id, const idx_cluster_prep_t *p,
                                const int64_t *ents, size_t n_ents, int64_t published,
                                idx_cluster_decision_t *d);

/*
 * Store decision @p d: link a copy to its original, assign the story
 * (@p story: the archive id of story index d->story, unused when the
 * decision creates it), set the headline to @p title when it changed.
 *   story_out OUT the story's archive id (a created story's new id)
 */
arc_status_t idx_cluster_apply(arc_db_t *db, const idx_cluster_decision_t *d, int64_t story,
                               const char *title, int64_t *story_out);

/* The archive id of story index @p si (0: not created yet or no such). */
int64_t idx_cluster_story_id(const idx_cluster_t *c, uint32_t si);
/* Record the archive id of a story a decision created. ARC_E_BAD_ARG for
 * no such index or id 0, ARC_E_NOMEM. */
arc_status_t idx_cluster_set_story_id(idx_cluster_t *c, uint32_t si, int64_t id);
/* Stories in the state, and articles decided so far (their order number). */
size_t idx_cluster_story_count(const idx_cluster_t *c);
int64_t idx_cluster_seq(const idx_cluster_t *c);

/*
 * The import pipeline's entry point: cluster article @p id with a state
 * kept for the process and bound to @p db (created, with load_recent, on
 * first use; recreated when another archive is used). @p lead is the body.
 */
arc_status_t idx_cluster_article(arc_db_t *db, int64_t id, const char *title,
                                 const char *lead, int64_t published);

/* As idx_cluster_article, with the text work done by idx_cluster_prepare. */
arc_status_t idx_cluster_article_prepared(arc_db_t *db, int64_t id, const char *title,
                                          const idx_cluster_prep_t *p, int64_t published);

/* The process-wide state of idx_cluster_article for @p db (NULL without
 * memory or when replaying the stored clustering failed). */
idx_cluster_t *idx_cluster_shared(arc_db_t *db);

/* Free the process-wide state of idx_cluster_article (also done at exit). */
void idx_cluster_release(void);

/*
 * Rearrange a[0, n) so that a[0, k) holds, in order, exactly the first k
 * elements of a sort of a[0, n) by cmp (k < n; cmp a total order). The
 * clustering scores in full only the MAX_SCORED best of a candidate list
 * that runs to thousands: sorting all of them cost a tenth of an import's
 * CPU, on the writer thread. Exposed for the tests.
 */
void idx_first_k_u32(uint32_t *a, size_t n, size_t k,
                     int (*cmp)(const void *, const void *));

#endif
