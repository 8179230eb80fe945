/*
 * import.c - the ingestion pipeline: inputs -> parsers -> archive.
 *
 * idx_import_path() runs on three threads: a reader (walks the inputs,
 * parses them and finds each article's entities and dated events: text
 * work only, no archive), the writer (the calling thread: stores,
 * enrichment rows, story rows, commits) and a clustering thread that
 * decides each new article's story in memory (cluster_async.c; the writer
 * stores the decisions before each commit). Reader and writer meet in a
 * bounded queue of jobs that also carries every message and count of the
 * reader, so the output and the archive are the same, in the same order,
 * as with one thread.
 */
#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "cluster_async.h"
#include "enrich.h"
#include "feed.h"
#include "import.h"
#include "import_pages.h"
#include "jsonl.h"

#define MAX_DOCUMENT (256L * 1024 * 1024) /* largest feed/page read whole */

void
idx_import_init(idx_import_t *im, arc_db_t *db)
{
    memset(im, 0, sizeof *im);
    im->db = db;
    im->enrich = 1;
    im->cluster = 1;
    /* a crash loses at most the open batch (the next import adds it
     * again); per commit, FTS5 writes one segment and the WAL is
     * checkpointed: 2000 costs about 2-5% less CPU than 500 */
    im->batch = 2000;
    im->err = stderr;
    /* FTS rows are written per batch, in id order, before each commit */
    arc_article_defer_index(db, 1);
}

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
show_progress(idx_import_t *im, int force)
{
    double t;
    const idx_counts_t *c = &im->counts;

    if (!im->progress)
        return;
    t = now_seconds();
    if (!force && t - im->last_progress < 0.25)
        return;
    im->last_progress = t;
    fprintf(im->err, "\r\033[K%s: %ld new, %ld updated, %ld duplicate, %ld failed",
            im->current ? im->current : "", c->new_articles, c->updated,
            c->duplicates, c->failed);
    fflush(im->err);
}

static void
clear_progress(idx_import_t *im)
{
    if (im->progress)
        fprintf(im->err, "\r\033[K");
}

/* ---- the reader -> writer queue ---- */

/* Jobs in flight (bounds memory: about 14 KB a job of the generated
 * corpus). The writer's work comes in bursts: at each batch's end it
 * indexes and commits for some hundred milliseconds, and the reader,
 * which needs no archive, reads ahead meanwhile only as far as the queue
 * lets it. With 64 jobs it stopped after ~10 ms and a core stayed idle:
 * the first 80,000 articles of the 1M corpus took 28-30 s with 64 and
 * 25-26.5 s with 1,024 (alternated runs). Since the index has a thread
 * of its own (schema 17) four threads share the two cores and the queue
 * matters less: 384 jobs with the writer's 24 MB page cache (article.c)
 * took the first 400,000 articles in 147.8 s, 260 s of CPU and 259 MB
 * peak, against 152.6 s, 272 s and 275 MB with 768 and 32 MB (KB /
 * 1024, the unit of make bench's table). */
#define QUEUE_CAP 384

typedef enum { JOB_ITEM, JOB_MSG, JOB_CURRENT, JOB_DICT, JOB_END } job_kind_t;

typedef struct job {
    job_kind_t kind;
    struct job *next;           /* on a list of spent jobs */
    idx_item_t item;            /* JOB_ITEM: taken over from the parser */
    idx_enrichment_t enr;       /* JOB_ITEM: found by the reader */
    int enriched;
    idx_cluster_prep_t prep;    /* JOB_ITEM: clustering's text work */
    void *body_z;               /* JOB_ITEM: the body compressed (arc_body_compress) */
    size_t body_z_len;
    char hash[33];              /* JOB_ITEM: arc_article_hash of the text, or "" */
    int z_dict;                 /* JOB_ITEM: body_z needs the dictionary;
                                   JOB_DICT: store im->body_dict */
    char *text;                 /* JOB_MSG: a line to print, or NULL;
                                   JOB_CURRENT: the input's name */
    long d_failed, d_files, d_files_failed; /* JOB_MSG: count changes */
    int result;                 /* JOB_END: the reader's return value */
} job_t;

typedef struct pipe_q {
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    job_t *ring[QUEUE_CAP];
    size_t head, n;
    size_t want;                /* the writer waits for this many jobs (0: no) */
    int full;                   /* the reader waits for room */
    job_t *spent;               /* stored jobs the reader frees (spend_job) */
    atomic_int stop;            /* the writer failed: reader stops early */
    char *current;              /* writer side: the input being read */
    const char *path;           /* reader side: what to import */
    const char *reading;        /* reader side: the input being read */
} pipe_q_t;

/* The last job when memory for it ran out. */
static job_t end_fallback = { .kind = JOB_END };

static void
job_free(job_t *j)
{
    if (!j)
        return;
    idx_item_clear(&j->item);
    idx_enrich_clear(&j->enr);
    idx_cluster_prep_clear(&j->prep);
    arc_free(j->body_z);
    free(j->text);
    free(j);
}

/*
 * The two threads wake each other for runs of jobs, not for each one. A
 * writer that emptied the queue waits for POP_BATCH jobs (any other job
 * than an item, or POP_WAIT_MS without them, ends the wait: a slow input,
 * a pipe, is stored as it comes); a reader that filled it waits until
 * POP_BATCH have gone. Woken for each job, the writer slept 27,000 times
 * at 80,000 articles, its core idle each time.
 */
#define POP_BATCH 16
#define POP_WAIT_MS 20

static void
free_jobs(job_t *j)
{
    while (j) {
        job_t *next = j->next;
        job_free(j);
        j = next;
    }
}

static void
queue_push(pipe_q_t *q, job_t *j)
{
    job_t *spent;

    pthread_mutex_lock(&q->mu);
    if (q->n == QUEUE_CAP) {
        q->full = 1;
        while (q->n > QUEUE_CAP - POP_BATCH)
            pthread_cond_wait(&q->not_full, &q->mu);
        q->full = 0;
    }
    q->ring[(q->head + q->n) % QUEUE_CAP] = j;
    q->n++;
    if (q->want && j->kind != JOB_ITEM)
        q->want = 1;
    if (q->want && q->n >= q->want)
        pthread_cond_signal(&q->not_empty);
    spent = q->spent;
    q->spent = NULL;
    pthread_mutex_unlock(&q->mu);
    free_jobs(spent);
}

static job_t *
queue_pop(pipe_q_t *q)
{
    job_t *j;

    pthread_mutex_lock(&q->mu);
    if (q->n == 0) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += POP_WAIT_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        q->want = POP_BATCH;
        while (q->n < q->want) {
            if (q->want == 1)
                pthread_cond_wait(&q->not_empty, &q->mu);
            else if (pthread_cond_timedwait(&q->not_empty, &q->mu, &until) != 0)
                q->want = 1;    /* timed out: take what there is, or wait for one */
        }
        q->want = 0;
    }
    j = q->ring[q->head];
    q->head = (q->head + 1) % QUEUE_CAP;
    q->n--;
    if (q->full && q->n <= QUEUE_CAP - POP_BATCH)
        pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->mu);
    return j;
}

/*
 * A job the writer is done with goes back to the reader, which allocated
 * it, to be freed there (at its next push), SPEND_BATCH at a time. Freed
 * by the writer, each free() of the reader's memory took the lock of the
 * reader's malloc arena, which the reader held for its own allocations
 * most of the time: at 80,000 articles about half of the writer's sleeps
 * were in free() (perf, sched_switch with call graphs), its core idle
 * each time. *batch and *n are the writer's own list; the first job put
 * on it stays its last, so *last is where the list is joined to q->spent.
 */
#define SPEND_BATCH 64

static void
spend_job(pipe_q_t *q, job_t *j, job_t **batch, job_t **last, size_t *n)
{
    j->next = *batch;
    *batch = j;
    if (!*last)
        *last = j;
    if (++*n < SPEND_BATCH)
        return;
    pthread_mutex_lock(&q->mu);
    (*last)->next = q->spent;
    q->spent = *batch;
    pthread_mutex_unlock(&q->mu);
    *batch = *last = NULL;
    *n = 0;
}

/* The reader should stop: the writer hit a storage failure. */
static int
stopped(const idx_import_t *im)
{
    const pipe_q_t *q = im->pipe;
    return q ? atomic_load(&((pipe_q_t *)q)->stop) : im->fatal != 0;
}

/* Print a line (if any) and apply count changes: at once on one thread, or
 * queued behind the items read before it. */
static void
emit_msg(idx_import_t *im, const char *text, long d_failed, long d_files,
         long d_files_failed)
{
    pipe_q_t *q = im->pipe;
    job_t *j;

    if (q && (j = calloc(1, sizeof *j))) {
        j->kind = JOB_MSG;
        j->text = text ? strdup(text) : NULL;
        j->d_failed = d_failed;
        j->d_files = d_files;
        j->d_files_failed = d_files_failed;
        queue_push(q, j);
        return;
    }
    if (text) {
        clear_progress(im);
        fprintf(im->err, "%s\n", text);
    }
    im->counts.failed += d_failed;
    im->counts.files += d_files;
    im->counts.files_failed += d_files_failed;
}

/* The name of the input the reader is on (for its messages). */
static const char *
cur(const idx_import_t *im)
{
    const pipe_q_t *q = im->pipe;
    return q ? q->reading : im->current;
}

/* The reader moves on to another input (named in messages). */
static void
emit_current(idx_import_t *im, const char *name)
{
    pipe_q_t *q = im->pipe;
    job_t *j;

    if (!q) {
        im->current = name;
        return;
    }
    q->reading = name;
    if ((j = calloc(1, sizeof *j))) {
        j->kind = JOB_CURRENT;
        j->text = strdup(name);
        queue_push(q, j);
    }
}

/* Report a problem with an input, counted as one unreadable file when
 * bad_file (the progress line is cleared first). */
static void
report_msg(idx_import_t *im, int bad_file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
report_msg(idx_import_t *im, int bad_file, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit_msg(im, buf, 0, 0, bad_file);
}

static int
storage_failed(idx_import_t *im, arc_status_t st)
{
    im->fatal = st;
    clear_progress(im);
    fprintf(im->err, "newsindex: %s\n", arc_db_errmsg(im->db));
    if (st == ARC_E_BUSY)
        fprintf(im->err, "newsindex: another program is writing to this archive "
                "and held it too long; run the import again when it has finished\n");
    arc_db_rollback(im->db);
    /* What the rolled-back batch counted was not stored after all. */
    im->counts.new_articles = im->committed.new_articles;
    im->counts.updated = im->committed.updated;
    im->counts.duplicates = im->committed.duplicates;
    fprintf(im->err, "newsindex: stopped; the archive keeps what was "
            "committed before the failure\n");
    im->in_batch = 0;
    return -1;
}

/* After a successful commit: the running counts, when asked for. */
static void
log_commit(idx_import_t *im)
{
    const idx_counts_t *c = &im->counts;

    im->committed = im->counts;
#ifdef __GLIBC__
    /* Hand the free pages of every thread's heap back to the system:
     * glibc keeps what the queue, the batch and the clustering once held,
     * and at the end of the million about 90 MB of the heaps were free
     * but resident. Peak RSS of the 1M import: 304 MB with a 1,024-job
     * queue and no trim, 284 MB with 768 jobs and this (the smaller
     * queue accounts for about 4 MB of the difference). */
    malloc_trim(0);
#endif
    if (!im->log_commits)
        return;
    clear_progress(im);
    fprintf(im->err, "newsindex: committed: %ld new, %ld updated, %ld duplicate, %ld failed\n",
            c->new_articles, c->updated, c->duplicates, c->failed);
    fflush(im->err);
}

/* Cluster new article id: on the clustering thread when there is one
 * (taking prep over), else in line. */
static arc_status_t
cluster_item(idx_import_t *im, int64_t id, const idx_item_t *it, const char *text,
             idx_cluster_prep_t *prep)
{
    idx_cluster_prep_t own;
    arc_status_t st;

    if (!im->cluster_async)
        return prep && prep->ready
                   ? idx_cluster_article_prepared(im->db, id, it->title, prep, it->published)
                   : idx_cluster_article(im->db, id, it->title, text, it->published);
    if (prep && prep->ready)
        return idx_cluster_async_add(im->cluster_async, id, it->title, prep, it->published);
    /* the reader ran out of memory for it: the text work is done here */
    if (idx_cluster_prepare(it->title, text, &own) < 0)
        return ARC_E_NOMEM;
    st = idx_cluster_async_add(im->cluster_async, id, it->title, &own, it->published);
    idx_cluster_prep_clear(&own);
    return st;
}

/* Before a commit: every clustering decision of the batch is stored. */
static arc_status_t
cluster_drain(idx_import_t *im)
{
    return im->cluster_async ? idx_cluster_async_drain(im->cluster_async) : ARC_OK;
}

/* Store one item; pre holds its enrichment and prep its clustering text
 * work when the reader did them already (else NULL: done here; prep may
 * be taken over). */
static int
store_item(idx_import_t *im, idx_item_t *it, const idx_enrichment_t *pre,
           idx_cluster_prep_t *prep, const void *body_z, size_t body_z_len,
           const char *hash)
{
    arc_article_t a;
    arc_put_result_t res;
    int64_t id;
    arc_status_t st;
    const char *text;

    if (im->in_batch == 0) {
        st = arc_db_begin(im->db);
        if (st)
            return storage_failed(im, st);
    }
    memset(&a, 0, sizeof a);
    a.url = it->url;
    a.guid = it->guid;
    a.source = it->source;
    a.source_site = it->source_site;
    a.title = it->title;
    a.byline = it->byline;
    a.published = it->published;
    a.published_src = "feed";
    a.published_raw = it->published_raw;
    a.lang = it->lang;
    a.capture = it->capture;
    /* A feed that carries no separate content puts the article's text in its
     * description: then that text is the body we have. */
    if (it->body && *it->body) {
        a.summary = it->summary;
        a.body = it->body;
    } else {
        a.body = it->summary;
    }
    /* compressed by the reader (take_item), or NULL: the archive does it */
    a.body_z = body_z;
    a.body_z_len = body_z_len;
    a.body_hash = hash && *hash ? hash : NULL;
    st = arc_article_put(im->db, &a, &id, &res);
    if (st == ARC_E_BAD_ARG) {
        char where[64];
        snprintf(where, sizeof where, "%d", it->position);
        clear_progress(im);
        fprintf(im->err, "%s: item %s: %s\n", im->current, where, arc_db_errmsg(im->db));
        im->counts.failed++;
        /* the batch's transaction stays open: count the item in it, so the
         * next item does not try to begin a second one */
        im->in_batch++;
        return 0;
    }
    if (st)
        return storage_failed(im, st);
    switch (res) {
    case ARC_PUT_NEW: im->counts.new_articles++; break;
    case ARC_PUT_UPDATED: im->counts.updated++; break;
    case ARC_PUT_DUPLICATE: im->counts.duplicates++; break;
    }
    if (res != ARC_PUT_DUPLICATE) {
        text = it->body && *it->body ? it->body : it->summary;
        if (im->enrich) {
            if (pre) {
                st = idx_enrich_store_new(im->db, id, pre, res == ARC_PUT_NEW);
            } else {
                st = idx_enrich_article(im->db, id, it->title, text, it->published);
            }
            if (st)
                return storage_failed(im, st);
        }
        if (im->cluster && res == ARC_PUT_NEW) {
            if ((st = cluster_item(im, id, it, text, prep)))
                return storage_failed(im, st);
        }
    }
    if (++im->in_batch >= im->batch) {
        st = cluster_drain(im);
        if (!st)
            st = arc_article_index_pending(im->db);
        if (!st)
            st = arc_db_commit(im->db);
        im->in_batch = 0;
        if (st)
            return storage_failed(im, st);
        log_commit(im);
    }
    show_progress(im, 0);
    return 0;
}

int
idx_import_item(idx_import_t *im, idx_item_t *it)
{
    return store_item(im, it, NULL, NULL, NULL, 0, NULL);
}

/* Forget the samples; with dict_release the body dictionary too (no
 * reader running). */
static void
samples_free(idx_import_t *im)
{
    for (size_t i = 0; i < im->dict_n; i++)
        free(im->dict_text[i]);
    free(im->dict_text);
    free(im->dict_len);
    im->dict_text = NULL;
    im->dict_len = NULL;
    im->dict_n = 0;
}

static void
dict_release(idx_import_t *im)
{
    samples_free(im);
    arc_body_dict_free(im->body_dict);
    im->body_dict = NULL;
    im->dict_state = 0;
    im->dict_lost = 0;
}

/* Reader thread: keep a copy of body text as a sample for the
 * dictionary (before its job is queued: the writer frees it). */
static void
dict_sample(idx_import_t *im, const char *text, size_t len)
{
    if (len < 200)
        return;     /* (not compressed at all) */
    if (!im->dict_text) {
        im->dict_text = calloc(ARC_BODY_DICT_SAMPLES, sizeof *im->dict_text);
        im->dict_len = calloc(ARC_BODY_DICT_SAMPLES, sizeof *im->dict_len);
        if (!im->dict_text || !im->dict_len) {
            im->dict_state = 1;     /* no memory: no dictionary this run */
            return;
        }
    }
    if (!(im->dict_text[im->dict_n] = malloc(len + 1)))
        return;
    memcpy(im->dict_text[im->dict_n], text, len + 1);
    im->dict_len[im->dict_n++] = len;
}

/* Reader thread: with enough samples, train the dictionary and queue it
 * for the writer to store before the items compressed with it (the queue
 * keeps their order). */
static void
dict_train(idx_import_t *im, pipe_q_t *q)
{
    arc_body_dict_t *d = NULL;
    job_t *j;

    if (im->dict_n < ARC_BODY_DICT_SAMPLES)
        return;
    im->dict_state = 1;
    if (arc_body_dict_train((const char *const *)im->dict_text, im->dict_len, im->dict_n, &d)
        != ARC_OK)
        d = NULL;
    samples_free(im);
    if (!d)
        return;
    if (!(j = calloc(1, sizeof *j))) {
        arc_body_dict_free(d);
        return;
    }
    j->kind = JOB_DICT;
    im->body_dict = d;
    queue_push(q, j);
}

int
idx_import_finish(idx_import_t *im)
{
    arc_status_t st;

    if (im->in_batch) {
        im->in_batch = 0;
        st = cluster_drain(im);
        if (!st)
            st = arc_article_index_pending(im->db);
        if (!st)
            st = arc_db_commit(im->db);
        if (st) {
            dict_release(im);
            return storage_failed(im, st);
        }
        log_commit(im);
    }
    dict_release(im);
    clear_progress(im);
    return 0;
}

/* An item the parser found: store it or report why not. */
static int
take_item(idx_import_t *im, idx_item_t *it, const char *unit)
{
    pipe_q_t *q = im->pipe;
    job_t *j;
    const char *text;

    if (it->reject) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: %s %d: %s (skipped)", cur(im), unit,
                 it->position, it->reject);
        emit_msg(im, msg, 1, 0, 0);
        return 0;
    }
    if (!q)
        return idx_import_item(im, it);
    if (!(j = calloc(1, sizeof *j))) {
        /* never store from the reader thread: the writer owns the
         * connection */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: %s %d: out of memory (not stored)", cur(im), unit,
                 it->position);
        emit_msg(im, msg, 1, 0, 0);
        return 0;
    }
    if (stopped(im)) {
        free(j);
        return -1;
    }
    /* take the item's strings over; the parser frees an empty item */
    j->kind = JOB_ITEM;
    j->item = *it;
    memset(it, 0, sizeof *it);
    it->published = INT64_MIN;
    if (im->enrich) {
        text = j->item.body && *j->item.body ? j->item.body : j->item.summary;
        idx_enrich_compute(j->item.title, text, j->item.published, &j->enr);
        j->enriched = 1;
    }
    if (im->cluster) {
        text = j->item.body && *j->item.body ? j->item.body : j->item.summary;
        /* without memory: prep stays empty and the writer does it; the
         * sentences are those the enrichment found, when it ran */
        idx_cluster_prepare_sentences(j->item.title, text, j->enr.sent, j->enr.n_sent,
                                      &j->prep);
    }
    /* the body as the archive stores it (compressed), here rather than on
     * the writer thread; without memory the writer compresses it */
    text = j->item.body && *j->item.body ? j->item.body : j->item.summary;
    if (text) {
        size_t len = strlen(text);
        /* and its content hash (~4% of the writer's time when it hashed) */
        arc_article_hash(j->item.title, text, j->hash);
        arc_status_t st = im->body_dict
            ? arc_body_compress_dict(im->body_dict, text, len, &j->body_z, &j->body_z_len)
            : arc_body_compress(text, len, &j->body_z, &j->body_z_len);
        if (st != ARC_OK) {
            j->body_z = NULL;
            j->body_z_len = 0;
        }
        j->z_dict = im->body_dict != NULL;
        if (im->dict_state == 2)
            dict_sample(im, text, len);
        queue_push(q, j);
        /* (after the item: it went without, the next ones go with) */
        if (im->dict_state == 2)
            dict_train(im, q);
        return 0;
    }
    queue_push(q, j);
    return 0;
}

int
idx_import_take(idx_import_t *im, idx_item_t *it, const char *unit)
{
    return take_item(im, it, unit);
}

void
idx_import_message(idx_import_t *im, const char *text, long failed,
                   long files_failed)
{
    emit_msg(im, text, failed, 0, files_failed);
}

static int
on_jsonl_item(void *ctx, idx_item_t *it)
{
    return take_item(ctx, it, "line");
}

static void
on_jsonl_bad(void *ctx, long line, const char *reason)
{
    idx_import_t *im = ctx;
    char msg[1024];

    snprintf(msg, sizeof msg, "%s: line %ld: %s (skipped)", cur(im), line, reason);
    emit_msg(im, msg, 1, 0, 0);
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int
import_jsonl_stream(idx_import_t *im, FILE *f)
{
    int r = idx_jsonl_read(f, on_jsonl_item, on_jsonl_bad, im);

    if (r < 0 && !stopped(im)) {
        report_msg(im, 1, "%s: read error: %s", cur(im), strerror(errno));
        return 0;
    }
    return stopped(im) ? -1 : 0;
}

/* Read a whole file into memory (bounded). */
static char *
slurp(FILE *f, size_t *len, const char **why)
{
    size_t cap = 65536, n = 0, got;
    char *buf = malloc(cap + 1), *p;

    *why = NULL;
    if (!buf) {
        *why = "out of memory";
        return NULL;
    }
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= (size_t)MAX_DOCUMENT) {
                free(buf);
                *why = "document larger than 256 MiB";
                return NULL;
            }
            cap *= 2;
            p = realloc(buf, cap + 1);
            if (!p) {
                free(buf);
                *why = "out of memory";
                return NULL;
            }
            buf = p;
        }
    }
    if (ferror(f)) {
        free(buf);
        *why = strerror(errno);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int
import_feed(idx_import_t *im, const char *buf, size_t len)
{
    idx_feed_t *feed = NULL;
    char *err = NULL;

    if (idx_feed_parse(buf, len, cur(im), &feed, &err) != 0) {
        report_msg(im, 1, "%s", err ? err : "cannot parse feed");
        free(err);
        return 0;
    }
    if (feed->warnings && !im->quiet)
        report_msg(im, 0, "%s: recovered from errors: %s", cur(im), feed->warnings);
    for (size_t i = 0; i < feed->n_items && !stopped(im); i++)
        take_item(im, &feed->items[i], "item");
    idx_feed_free(feed);
    return stopped(im) ? -1 : 0;
}

/* First significant byte of a document (after a BOM and whitespace). */
static const char *
first_significant(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;

    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p < end ? p : NULL;
}

/* An HTML page rather than a feed: a doctype or an <html> root near the
 * start (feeds begin with <?xml, <rss, <feed or <rdf:RDF). */
static int
looks_like_html(const char *p, size_t len)
{
    size_t n = len < 1024 ? len : 1024;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != '<')
            continue;
        if (i + 14 <= n && strncasecmp(p + i, "<!doctype html", 14) == 0)
            return 1;
        if (i + 5 <= n && strncasecmp(p + i, "<html", 5) == 0)
            return 1;
    }
    return 0;
}

static int
import_file(idx_import_t *im, const char *path)
{
    FILE *f;
    char *buf;
    size_t len = 0;
    const char *why, *p;
    int r;

    emit_current(im, path);
    emit_msg(im, NULL, 0, 1, 0);
    f = fopen(path, "rb");
    if (!f) {
        report_msg(im, 1, "%s: cannot open: %s", path, strerror(errno));
        return 0;
    }
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) {
        /* read in 1 MB steps, not stdio's 4 KB: a million-article file
         * is some 4.5 GB, a million system calls fewer (glibc ignores
         * the size unless given the buffer; without memory, 4 KB) */
        char *vbuf = malloc(1 << 20);
        if (vbuf)
            setvbuf(f, vbuf, _IOFBF, 1 << 20);
        r = import_jsonl_stream(im, f);
        fclose(f);
        free(vbuf);
        return r;
    }
    if (idx_is_warc_name(path)) {
        fclose(f);
        return idx_import_warc(im, path);
    }
    {
        /* a regular file larger than we would ever read whole is refused
         * before a byte of it is read */
        struct stat sb;
        if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > MAX_DOCUMENT) {
            fclose(f);
            report_msg(im, 1, "%s: document of %lld bytes is larger than the 256 MiB limit "
                       "(split it, or use JSON Lines)", path, (long long)sb.st_size);
            return 0;
        }
    }
    buf = slurp(f, &len, &why);
    fclose(f);
    if (!buf) {
        report_msg(im, 1, "%s: cannot read: %s", path, why);
        return 0;
    }
    p = first_significant(buf, len);
    if (!p) {
        report_msg(im, 1, "%s: %s", path, "empty file");
        r = 0;
    } else if (*p == '{') {
        FILE *mf = fmemopen(buf, len, "rb");
        if (!mf) {
            report_msg(im, 1, "%s: %s", path, "out of memory");
            r = 0;
        } else {
            r = import_jsonl_stream(im, mf);
            fclose(mf);
        }
    } else if (*p == '<' && looks_like_html(p, len - (size_t)(p - buf))) {
        r = idx_import_html(im, buf, len, path);
    } else if (*p == '<') {
        r = import_feed(im, buf, len);
    } else {
        report_msg(im, 1, "%s: %s", path,
                   "not a feed or JSON Lines file (expected RSS, Atom or one JSON object a line)");
        r = 0;
    }
    free(buf);
    return r;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Inside a directory only files that look like news inputs are read;
 * README files, notes and the like are skipped without complaint. A file
 * named on the command line is always tried. */
static int
wanted_in_dir(const char *name)
{
    static const char *const ext[] = {
        ".rss", ".xml", ".atom", ".rdf", ".jsonl", ".ndjson", ".json",
        ".html", ".htm", ".warc", ".warc.gz", ".arc", ".arc.gz", NULL
    };
    for (size_t i = 0; ext[i]; i++)
        if (ends_with(name, ext[i]))
            return 1;
    return 0;
}

static int
import_dir(idx_import_t *im, const char *path, int depth)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int r = 0;

    if (depth > 32) {
        report_msg(im, 1, "%s: %s", path, "directories nested too deeply");
        return 0;
    }
    d = opendir(path);
    if (!d) {
        report_msg(im, 1, "%s: cannot open directory: %s", path, strerror(errno));
        return 0;
    }
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *p);
            if (!p)
                break;
            names = p;
        }
        names[n] = strdup(de->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        struct stat sb;
        if (full) {
            snprintf(full, len, "%s/%s", path, names[i]);
            if (r == 0 && stat(full, &sb) == 0) {
                if (S_ISDIR(sb.st_mode))
                    r = import_dir(im, full, depth + 1);
                else if (S_ISREG(sb.st_mode) && wanted_in_dir(names[i]))
                    r = import_file(im, full);
            }
            free(full);
        }
        free(names[i]);
    }
    free(names);
    return r;
}

/* Walk one command-line input: the reader's whole job. */
static int
read_path(idx_import_t *im, const char *path)
{
    struct stat sb;

    if (strcmp(path, "-") == 0) {
        emit_current(im, "<stdin>");
        emit_msg(im, NULL, 0, 1, 0);
        return import_jsonl_stream(im, stdin);
    }
    if (stat(path, &sb) != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: cannot open: %s", path, strerror(errno));
        emit_msg(im, msg, 0, 1, 1);
        return 0;
    }
    return S_ISDIR(sb.st_mode) ? import_dir(im, path, 0) : import_file(im, path);
}

static void *
reader_main(void *arg)
{
    idx_import_t *im = arg;
    pipe_q_t *q = im->pipe;
    job_t *end = calloc(1, sizeof *end);

    prctl(PR_SET_NAME, "ni-reader");   /* as top -H and perf name it */

    if (!end)
        end = &end_fallback;
    end->kind = JOB_END;
    end->result = read_path(im, q->path);
    queue_push(q, end);
    return NULL;
}

/* The writer's side: play the reader's jobs back in order. */
static int
write_jobs(idx_import_t *im, pipe_q_t *q)
{
    job_t *j, *spent = NULL, *spent_last = NULL;
    size_t n_spent = 0;
    int r = 0;

    for (;;) {
        j = queue_pop(q);
        if (j->kind == JOB_END) {
            r = j->result;
            if (j != &end_fallback)
                free(j);
            break;
        }
        if (im->fatal) {
            /* stopped: drain what the reader had queued */
            spend_job(q, j, &spent, &spent_last, &n_spent);
            continue;
        }
        switch (j->kind) {
        case JOB_ITEM:
            /* (a dictionary the archive could not take: compressed again
             * there, without it) */
            if (j->z_dict && im->dict_lost) {
                arc_free(j->body_z);
                j->body_z = NULL;
                j->body_z_len = 0;
            }
            if (store_item(im, &j->item, j->enriched ? &j->enr : NULL, &j->prep,
                           j->body_z, j->body_z_len, j->hash) != 0 ||
                im->fatal)
                atomic_store(&q->stop, 1);
            break;
        case JOB_DICT:
            if (arc_body_dict_store(im->db, im->body_dict) != ARC_OK) {
                clear_progress(im);
                fprintf(im->err, "newsindex: warning: bodies are stored without a compression"
                        " dictionary: %s\n", arc_db_errmsg(im->db));
                im->dict_lost = 1;
            }
            break;
        case JOB_MSG:
            if (j->text) {
                clear_progress(im);
                fprintf(im->err, "%s\n", j->text);
            }
            im->counts.failed += j->d_failed;
            im->counts.files += j->d_files;
            im->counts.files_failed += j->d_files_failed;
            break;
        case JOB_CURRENT:
            free(q->current);
            q->current = j->text;
            j->text = NULL;
            im->current = q->current;
            break;
        case JOB_END:
            break;
        }
        spend_job(q, j, &spent, &spent_last, &n_spent);
    }
    /* the reader has pushed its last job: what it did not take is freed
     * here */
    free_jobs(spent);
    pthread_mutex_lock(&q->mu);
    spent = q->spent;
    q->spent = NULL;
    pthread_mutex_unlock(&q->mu);
    free_jobs(spent);
    return r;
}

/* While the reader runs, new articles are clustered on a thread of their
 * own; without one (no memory, no thread) they are clustered in line. */
static void
start_clustering(idx_import_t *im)
{
    idx_cluster_t *c;

    if (!im->cluster || !(c = idx_cluster_shared(im->db)))
        return;
    im->cluster_async = idx_cluster_async_start(c, im->db);
}

/* Store the last decisions (the batch stays open for idx_import_finish),
 * stop the thread. After a failure the clustering state is dropped: the
 * next run replays what the archive kept. */
static void
stop_clustering(idx_import_t *im)
{
    arc_status_t st;

    if (!im->cluster_async)
        return;
    st = idx_cluster_async_stop(im->cluster_async, !im->fatal);
    im->cluster_async = NULL;
    if (st && !im->fatal)
        storage_failed(im, st);
    if (im->fatal)
        idx_cluster_release();
}

int
idx_import_path(idx_import_t *im, const char *path)
{
    pipe_q_t q;
    pthread_t reader;
    int r;

    memset(&q, 0, sizeof q);
    q.path = path;
    atomic_init(&q.stop, 0);
    if (pthread_mutex_init(&q.mu, NULL) != 0) {
        r = read_path(im, path);
        show_progress(im, 1);
        return r;
    }
    /* (queue_pop's timed wait counts on the monotonic clock) */
    {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&q.not_empty, &ca);
        pthread_condattr_destroy(&ca);
    }
    pthread_cond_init(&q.not_full, NULL);
    /* the archive's body dictionary, or collect the first bodies to
     * train one on (dict_sample) */
    if (im->dict_state == 0) {
        arc_body_dict_t *d = NULL;
        im->dict_state = arc_body_dict_load(im->db, &d) == ARC_OK && !d ? 2 : 1;
        im->body_dict = d;
    }
    im->pipe = &q;
    if (pthread_create(&reader, NULL, reader_main, im) != 0) {
        im->pipe = NULL;
        r = read_path(im, path);
    } else {
        start_clustering(im);
        r = write_jobs(im, &q);
        pthread_join(reader, NULL);
        im->pipe = NULL;
        stop_clustering(im);
        if (im->fatal)
            r = -1;
    }
    show_progress(im, 1);
    im->current = NULL;
    free(q.current);
    if (im->fatal)
        dict_release(im);   /* (no idx_import_finish after a failure) */
    pthread_cond_destroy(&q.not_empty);
    pthread_cond_destroy(&q.not_full);
    pthread_mutex_destroy(&q.mu);
    return r;
}
