/*
 * checkpoint.c - archive.db's WAL copied back by a thread of its own
 * while a bulk import writes (issue 6).
 *
 * SQLite copies the write-ahead log into the database file ("checkpoint")
 * in the connection that commits, once the log holds 1,000 pages: during
 * an import that is the writer, at every batch's end, and its two syncs
 * wait for the disk. Meanwhile nothing else can run: the clustering
 * thread has no article until the next batch begins, and the reader
 * fills its queue and stops. So at one million articles the cores were
 * busy 1.68 of 2 (docs/internals/checkpoints.md).
 *
 * Here the writer's connection checkpoints no more; each of its commits
 * wakes a thread that checkpoints on a connection of its own (PASSIVE:
 * it never waits for the writer) while the writer stores the next batch.
 *
 * SQLite starts the log again from its beginning only when a transaction
 * begins with all of the log copied, and the writer begins its next
 * batch at once: the log grows. So once it holds ARC_CKPT_RESTART_PAGES
 * pages, the writer waits at its next begin for the thread to copy what
 * is left (one batch, mostly), and the log starts again there.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "archive-private.h"

/* Pages of log (4 KB each) after which the writer waits for the copy to
 * finish so the log can start again: about 128 MB of disk. */
#define ARC_CKPT_RESTART_PAGES 32768
/* Pages of index.db's log after which the writer's connection
 * checkpoints it itself (SQLite's default; the wal hook replaces the
 * automatic checkpoint for every file of the connection). */
#define ARC_CKPT_OTHER_PAGES 1000

struct arc_ckpt {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sqlite3 *sql;          /* the thread's connection to archive.db */
    int frames;            /* pages in the log after the last commit */
    int restart_pages;     /* ARC_CKPT_RESTART_PAGES, or a test's */
    int want;              /* a commit came since the last checkpoint began */
    int busy;              /* a checkpoint is running */
    int stop;
};

static void *
ckpt_main(void *arg)
{
    struct arc_ckpt *c = arg;

    prctl(PR_SET_NAME, "ni-ckpt");
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->want && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (!c->want)
            break;
        c->want = 0;
        c->busy = 1;
        pthread_mutex_unlock(&c->mu);
        /* a failure (busy, I/O) leaves the log to the next one */
        (void)sqlite3_wal_checkpoint_v2(c->sql, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->busy = 0;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* The writer's wal hook: after each commit, with the log's size. */
static int
ckpt_hook(void *arg, sqlite3 *sql, const char *name, int frames)
{
    struct arc_ckpt *c = arg;

    if (strcmp(name, "main") != 0) {
        if (frames >= ARC_CKPT_OTHER_PAGES)
            (void)sqlite3_wal_checkpoint_v2(sql, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    pthread_mutex_lock(&c->mu);
    c->frames = frames;
    c->want = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

arc_status_t
Arc_ckpt_start(arc_db_t *db)
{
    struct arc_ckpt *c;
    char *path;
    size_t n;
    int rc;

    if (db->ckpt || db->readonly)
        return ARC_OK;
    n = strlen(db->dir) + sizeof "/archive.db";
    if (!(c = calloc(1, sizeof *c)) || !(path = malloc(n))) {
        free(c);
        return Arc_db_error(db, ARC_E_NOMEM, "out of memory");
    }
    snprintf(path, n, "%s/archive.db", db->dir);
    rc = sqlite3_open_v2(path, &c->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    free(path);
    /* reading the header opens the log (the connection checkpoints
     * nothing before it knows the file is in WAL mode) */
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(c->sql, ARC_BUSY_TIMEOUT_MS);
        rc = sqlite3_exec(c->sql, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                          NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        arc_status_t s = Arc_db_error(db, ARC_E_DB, "opening the log's copier: %s",
                                      c->sql ? sqlite3_errmsg(c->sql) : "out of memory");
        sqlite3_close_v2(c->sql);
        free(c);
        return s;
    }
    c->restart_pages = ARC_CKPT_RESTART_PAGES;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->th, NULL, ckpt_main, c) != 0) {
        sqlite3_close_v2(c->sql);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return Arc_db_error(db, ARC_E_NOMEM, "cannot start the log's copier");
    }
    db->ckpt = c;
    sqlite3_wal_hook(db->sql, ckpt_hook, c);
    return ARC_OK;
}

void
Arc_ckpt_before_begin(arc_db_t *db)
{
    struct arc_ckpt *c = db->ckpt;

    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    if (c->frames >= c->restart_pages) {
        /* one more copy, begun after every commit (the last one may have
         * stopped short of a reader's snapshot), and the wait for it */
        c->want = 1;
        pthread_cond_signal(&c->cv);
        while (c->want || c->busy)
            pthread_cond_wait(&c->cv, &c->mu);
        c->frames = 0;
    }
    pthread_mutex_unlock(&c->mu);
}

int
Arc_ckpt_log_pages(const arc_db_t *db)
{
    struct arc_ckpt *c = db->ckpt;
    int n;

    if (!c)
        return -1;
    pthread_mutex_lock(&c->mu);
    n = c->frames;
    pthread_mutex_unlock(&c->mu);
    return n;
}

void
Arc_ckpt_set_restart(arc_db_t *db, int pages)
{
    if (db->ckpt)
        db->ckpt->restart_pages = pages;
}

void
Arc_ckpt_stop(arc_db_t *db)
{
    struct arc_ckpt *c = db->ckpt;

    if (!c)
        return;
    /* the writer's connection checkpoints again as SQLite does by itself */
    sqlite3_wal_autocheckpoint(db->sql, ARC_CKPT_OTHER_PAGES);
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->th, NULL);
    sqlite3_close_v2(c->sql);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
    db->ckpt = NULL;
}
