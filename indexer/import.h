/*
 * import.h - the ingestion pipeline behind `newsindex import`: detect each
 * input's format, parse it, and store, enrich and cluster every item.
 */
#ifndef IDX_IMPORT_H
#define IDX_IMPORT_H

#include <stdint.h>
#include <stdio.h>
#include "newsarc.h"
#include "item.h"

/* What one run did. */
typedef struct idx_counts {
    long new_articles, updated, duplicates, failed; /* articles */
    long files, files_failed;                        /* inputs */
} idx_counts_t;

typedef struct idx_import {
    arc_db_t *db;
    idx_counts_t counts;
    int progress;          /* show progress on stderr (a terminal) */
    int quiet;             /* no per-item warnings */
    int enrich;            /* find entities, dates and events */
    int cluster;           /* assign stories */
    int batch;             /* articles per transaction */
    int in_batch;          /* articles in the open transaction */
    double last_progress;  /* time of the last progress line */
    const char *current;   /* input being read, for messages */
    arc_status_t fatal;    /* a storage error that stops the run */
    FILE *err;             /* where messages go (stderr) */
    idx_counts_t committed; /* counts as of the last commit: a storage
                              failure rolls back to these */
    int log_commits;       /* after each commit, print the running counts
                              ("committed: N new, ...") on err: what a run
                              killed later has certainly stored */
    void *cluster_async;   /* private: the clustering thread while
                              idx_import_path runs */
    void *pipe;            /* private: the reader/writer queue while
                              idx_import_path() runs on two threads */
    /* private: the body dictionary (schema 16) the reader compresses
     * with. dict_state 0 not looked up yet, 1 settled (body_dict or
     * none), 2 collecting the first bodies to train one on */
    arc_body_dict_t *body_dict;
    int dict_state;
    int dict_lost;         /* storing it failed: bodies go without */
    char **dict_text;      /* the samples collected (reader thread) */
    size_t *dict_len, dict_n;
} idx_import_t;

/* Prepare a run over an open archive. */
void idx_import_init(idx_import_t *im, arc_db_t *db);

/* Import one file or, recursively, one directory. Failures of single
 * inputs or items are reported on im->err and counted; a storage failure
 * sets im->fatal and returns -1. */
int idx_import_path(idx_import_t *im, const char *path);

/* Store one parsed item (already checked for item->reject). */
int idx_import_item(idx_import_t *im, idx_item_t *item);

/* Store a parsed item as the importers do: a rejected item is reported as
 * "CURRENT: UNIT N: reason (skipped)" and counted as failed; a good one goes
 * through the pipeline (the item's strings are taken over). @p unit names
 * the item in messages ("item", "line", "page"). */
int idx_import_take(idx_import_t *im, idx_item_t *it, const char *unit);

/* Report a message about the current input in order with the items, adding
 * to the failed-article and failed-input counts. */
void idx_import_message(idx_import_t *im, const char *text, long failed,
                        long files_failed);

/* Commit the open batch (and let go of the body dictionary, looked up
 * again by the next idx_import_path). Returns 0 or -1 (im->fatal set). */
int idx_import_finish(idx_import_t *im);

#endif
