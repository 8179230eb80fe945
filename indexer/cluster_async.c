/*
 * cluster_async.c - story decisions on a thread of their own (see
 * cluster_async.h).
 *
 * A ring of SLOTS jobs runs between the two threads, in three counters:
 * the writer fills slot `sent`, the clustering thread decides slot
 * `decided`, the writer stores slot `applied`; always
 * applied <= decided <= sent <= applied + SLOTS. A slot's fields belong to
 * the writer until it counts the slot sent, then to the clustering thread
 * until it counts it decided, then to the writer again: the counters move
 * under the mutex, so each side sees what the other wrote.
 *
 * The clustering state never learns a story's archive id while the thread
 * runs (the writer creates the story row when it stores the decision), so
 * the writer keeps the ids by story index and hands them over at the end.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "cluster_async.h"

#define SLOTS 256       /* decisions in flight; the writer waits beyond */
#define WAKE_BATCH 64   /* articles queued before the idle thread is woken */
#define DONE_BATCH 32   /* decisions made before the waiting writer is woken */

typedef struct slot {
    int64_t id, published;
    char *title;                /* for the headline (NULL: none) */
    idx_cluster_prep_t prep;    /* freed by the clustering thread */
    int64_t *ents;              /* archive entity ids (arc_free) */
    size_t n_ents;
    idx_cluster_decision_t d;   /* the clustering thread's answer */
    arc_status_t st;
} slot_t;

struct idx_cluster_async {
    idx_cluster_t *c;
    arc_db_t *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    slot_t slot[SLOTS];
    uint64_t sent, decided, applied;
    uint64_t want;              /* the writer waits until decided reaches it
                                 * (0: it does not wait) */
    int quit;
    int idle;                   /* the clustering thread waits for work */
    int64_t seq;                /* order number of the last article sent */
    int64_t *ids;               /* story index -> archive id (0: unknown) */
    size_t n_ids, cap_ids, n_known;
    arc_status_t failed;        /* first failure: nothing more is stored */
};

static void
slot_clear(slot_t *s)
{
    free(s->title);
    idx_cluster_prep_clear(&s->prep);
    arc_free(s->ents);
    memset(s, 0, sizeof *s);
}

static void *
cluster_main(void *arg)
{
    idx_cluster_async_t *a = arg;
    arc_status_t st;
    slot_t *s;

    prctl(PR_SET_NAME, "ni-cluster");   /* as top -H and perf name it */

    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->decided == a->sent && !a->quit) {
            a->idle = 1;
            pthread_cond_wait(&a->work, &a->mu);
            a->idle = 0;
        }
        if (a->decided == a->sent)
            break;
        s = &a->slot[a->decided % SLOTS];
        pthread_mutex_unlock(&a->mu);
        st = idx_cluster_decide(a->c, s->id, &s->prep, s->ents, s->n_ents, s->published,
                                &s->d);
        if (!s->st) /* a failure the writer marked stays */
            s->st = st;
        /* the text work is not needed any more: free it on this thread */
        idx_cluster_prep_clear(&s->prep);
        arc_free(s->ents);
        s->ents = NULL;
        pthread_mutex_lock(&a->mu);
        a->decided++;
        if (a->want && a->decided >= a->want)
            pthread_cond_signal(&a->done);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

idx_cluster_async_t *
idx_cluster_async_start(idx_cluster_t *c, arc_db_t *db)
{
    idx_cluster_async_t *a = calloc(1, sizeof *a);
    size_t n = idx_cluster_story_count(c);

    if (!a)
        return NULL;
    a->c = c;
    a->db = db;
    a->seq = idx_cluster_seq(c);
    a->cap_ids = n + 1024;
    if (!(a->ids = malloc(a->cap_ids * sizeof *a->ids))) {
        free(a);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        a->ids[i] = idx_cluster_story_id(c, (uint32_t)i);
    a->n_ids = a->n_known = n;
    if (pthread_mutex_init(&a->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&a->work, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        goto fail;
    }
    if (pthread_cond_init(&a->done, NULL) != 0) {
        pthread_cond_destroy(&a->work);
        pthread_mutex_destroy(&a->mu);
        goto fail;
    }
    if (pthread_create(&a->thread, NULL, cluster_main, a) != 0) {
        pthread_cond_destroy(&a->done);
        pthread_cond_destroy(&a->work);
        pthread_mutex_destroy(&a->mu);
        goto fail;
    }
    return a;
fail:
    free(a->ids);
    free(a);
    return NULL;
}

/* Store the decision of slot s (the next in order). */
static arc_status_t
apply_slot(idx_cluster_async_t *a, slot_t *s)
{
    const idx_cluster_decision_t *d = &s->d;
    int64_t story = 0, out = 0;
    arc_status_t st;

    if (s->st)
        return s->st;
    if (d->story != UINT32_MAX && !d->created) {
        if (d->story >= a->n_ids || !a->ids[d->story])
            return ARC_E_INTERNAL;
        story = a->ids[d->story];
    }
    if ((st = idx_cluster_apply(a->db, d, story, s->title, &out)))
        return st;
    if (d->created) {
        /* stories are created in index order */
        if (d->story != a->n_ids)
            return ARC_E_INTERNAL;
        if (a->n_ids == a->cap_ids) {
            size_t cap = a->cap_ids * 2;
            int64_t *p = realloc(a->ids, cap * sizeof *p);
            if (!p)
                return ARC_E_NOMEM;
            a->ids = p;
            a->cap_ids = cap;
        }
        a->ids[a->n_ids++] = out;
    }
    return ARC_OK;
}

/*
 * Store the oldest queued decision (after a failure: drop it), waiting for
 * it when the thread has not made it yet. Decisions are stored only here,
 * one at a time, at points that depend on the article sequence alone (a
 * full ring, a drain), never on how far the thread has got: so the
 * archive's rows, the change log's order included, are the same from run
 * to run.
 */
static void
apply_next(idx_cluster_async_t *a)
{
    slot_t *s;

    pthread_mutex_lock(&a->mu);
    /* Only when the decision is not made yet: wake the thread if it
     * sleeps, and wait for a run of decisions, not for one. Woken for
     * each article (the writer used to signal here whenever the thread was
     * idle, even with nothing new for it), the two threads switched
     * 30,000 times at 80,000 articles, a core idle each time. */
    if (a->decided == a->applied) {
        a->want = a->applied + DONE_BATCH < a->sent ? a->applied + DONE_BATCH : a->sent;
        if (a->idle)
            pthread_cond_signal(&a->work);
        while (a->decided < a->want)
            pthread_cond_wait(&a->done, &a->mu);
        a->want = 0;
    }
    pthread_mutex_unlock(&a->mu);
    s = &a->slot[a->applied % SLOTS];
    if (!a->failed)
        a->failed = apply_slot(a, s);
    slot_clear(s);
    a->applied++; /* the writer's own counter: the other thread never reads it */
}

arc_status_t
idx_cluster_async_add(idx_cluster_async_t *a, int64_t id, const char *title,
                      idx_cluster_prep_t *p, int64_t published)
{
    int64_t *ents = NULL;
    size_t n_ents = 0;
    arc_status_t st;
    slot_t *s;

    if (a->failed)
        return a->failed;
    /* what is stored before the decision, as in idx_cluster_add_prepared */
    if ((st = arc_article_features_put(a->db, id, a->seq + 1, p->sketch, p->n_sketch,
                                       p->spans, p->n_spans)))
        return a->failed = st;
    if ((st = arc_article_entity_ids(a->db, id, &ents, &n_ents)))
        return a->failed = st;
    a->seq++;
    if (a->sent - a->applied >= SLOTS)
        apply_next(a);
    s = &a->slot[a->sent % SLOTS];
    s->id = id;
    s->published = published;
    s->title = title ? strdup(title) : NULL;
    s->prep = *p;
    memset(p, 0, sizeof *p);
    s->ents = ents;
    s->n_ents = n_ents;
    if (title && !s->title)
        s->st = ARC_E_NOMEM; /* decided all the same, so the order holds */
    pthread_mutex_lock(&a->mu);
    a->sent++;
    /* wake the thread for a run of articles, not for each: a wake-up per
     * article kept both threads switching on one core */
    if (a->idle && a->sent - a->decided >= WAKE_BATCH)
        pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
    return a->failed;
}

arc_status_t
idx_cluster_async_drain(idx_cluster_async_t *a)
{
    while (a->applied < a->sent)
        apply_next(a);
    return a->failed;
}

arc_status_t
idx_cluster_async_stop(idx_cluster_async_t *a, int store)
{
    arc_status_t st;

    if (!a)
        return ARC_OK;
    if (!store && !a->failed)
        a->failed = ARC_E_INTERNAL; /* discard: nothing more is stored */
    st = idx_cluster_async_drain(a);
    pthread_mutex_lock(&a->mu);
    a->quit = 1;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    /* the state may use its own ids again: give it those of the stories
     * created meanwhile */
    for (size_t i = a->n_known; i < a->n_ids && !st; i++)
        st = idx_cluster_set_story_id(a->c, (uint32_t)i, a->ids[i]);
    pthread_cond_destroy(&a->done);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->mu);
    free(a->ids);
    free(a);
    return store ? st : ARC_OK;
}
