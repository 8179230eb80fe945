/*
 * cluster_async.h - story clustering on a thread of its own.
 *
 * The import's writer thread owns the archive connection; deciding which
 * story an article joins is memory work that needs none. While a batch is
 * written, a clustering thread decides each new article
 * (idx_cluster_decide) and the writer stores the decisions
 * (idx_cluster_apply), in the order the articles came, before the batch
 * commits. The stories, their ids and headlines are those that clustering
 * on the writer thread gives: only the work moves.
 *
 * All functions are called from the thread that owns the connection.
 */
#ifndef IDX_CLUSTER_ASYNC_H
#define IDX_CLUSTER_ASYNC_H

#include "cluster.h"

typedef struct idx_cluster_async idx_cluster_async_t;

/*
 * Start a clustering thread over @p c (the caller keeps @p c, and must not
 * use it until idx_cluster_async_stop). Returns NULL without memory or
 * when no thread can be started: the caller then clusters in line.
 */
idx_cluster_async_t *idx_cluster_async_start(idx_cluster_t *c, arc_db_t *db);

/*
 * Hand over new article @p id: store its features now, read its entities,
 * queue its decision. Takes @p p over (it is left empty). When the queue is
 * full, first stores its oldest decision (waiting for it if need be): the
 * points where decisions are stored depend on the article sequence only,
 * so the archive is the same from run to run.
 * Returns ARC_OK, or the status of the first failed store or decision (the
 * run should stop; later calls return it again).
 */
arc_status_t idx_cluster_async_add(idx_cluster_async_t *a, int64_t id, const char *title,
                                   idx_cluster_prep_t *p, int64_t published);

/* Wait for every queued decision and store it (before a commit). Returns
 * as idx_cluster_async_add. */
arc_status_t idx_cluster_async_drain(idx_cluster_async_t *a);

/*
 * Stop the thread and free @p a (NULL is allowed). With @p store, first
 * drain, then give the state the ids of the stories created meanwhile;
 * returns as idx_cluster_async_add. Without (the run failed and its batch
 * was rolled back), the queued decisions are dropped and ARC_OK returned.
 * After a failure or a drop the state holds stories without ids: release
 * it (idx_cluster_release() for the shared one).
 */
arc_status_t idx_cluster_async_stop(idx_cluster_async_t *a, int store);

#endif
