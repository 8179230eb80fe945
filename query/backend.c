/*
 * backend.c - which search backend newsquery reads (issue 8): the SQLite
 * archive (the default) or Xapian shards listed in a stub file, and how a
 * partial answer (--allow-partial with a shard down) is reported.
 *
 * The commands do not know the backend: they get an arc_db_t from
 * qry_open() and call the same archive functions on it. What differs is
 * visible only here: opening, the operations the shards cannot answer
 * (ARC_E_UNSUPPORTED: exit 2 with a hint), and the partial-answer status
 * the printer appends to JSON output.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* The handle of this run and the --allow-partial choice, for the status
 * the printer asks for when it finishes (one query per process). */
static arc_db_t *status_db;
static int status_wanted;
static int warned;
static const char *status_cmd;   /* the command, for messages */

static void
usage_exit(const char *msg)
{
    fprintf(stderr, "newsquery: %s\nTry 'newsquery --help' for more information.\n", msg);
    exit(EXIT_USAGE);
}

const char *
qry_backend_stub(const qry_opts_t *o)
{
    const char *env;

    if (o->shards && *o->shards)
        return o->shards;
    env = getenv("NEWSARCHIVE_SHARDS");
    return env && *env ? env : NULL;
}

int
qry_backend_is_xapian(const qry_opts_t *o)
{
    if (o->backend == QRY_BACKEND_XAPIAN)
        return 1;
    if (o->backend == QRY_BACKEND_SQLITE)
        return 0;
    return qry_backend_stub(o) != NULL;
}

arc_db_t *
qry_backend_open_shards(const qry_opts_t *o)
{
    const char *stub = qry_backend_stub(o);
    arc_db_t *db = NULL;
    char *err = NULL;
    arc_status_t st;

    if (!stub)
        usage_exit("--backend xapian needs the shards stub file: --shards FILE "
                   "or NEWSARCHIVE_SHARDS");
    st = arc_shards_open(stub, o->allow_partial ? ARC_SHARDS_ALLOW_PARTIAL : 0, &db, &err);
    if (st == ARC_E_UNSUPPORTED) {
        fprintf(stderr, "newsquery: %s\n", err ? err
                : "this newsquery was built without the Xapian backend");
        arc_free(err);
        exit(EXIT_USAGE);
    }
    if (st) {
        fprintf(stderr, "newsquery: %s\n", err ? err : arc_status_string(st));
        arc_free(err);
        exit(EXIT_ARCHIVE);
    }
    arc_free(err);
    return db;
}

void
qry_backend_track(arc_db_t *db, const qry_opts_t *o)
{
    status_db = db;
    status_wanted = o->allow_partial;
    status_cmd = o->command;
    warned = 0;
    qry_printer_set_status_fn(o->allow_partial ? qry_backend_status : NULL);
}

/* The unreachable shards of the tracked handle as a JSON array, with a
 * warning on stderr the first time some are. */
static cJSON *
unreachable_json(void)
{
    cJSON *a = cJSON_CreateArray();
    const char *const *names = NULL;
    size_t n = 0;

    if (!a)
        return NULL;
    if (status_db)
        n = arc_db_unreachable(status_db, &names);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    if (n && !warned) {
        warned = 1;
        fprintf(stderr, "newsquery: warning: partial answer: %zu shard%s unreachable:", n,
                n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s %s", i ? "," : "", names[i]);
        fputc('\n', stderr);
    }
    return a;
}

/* Add "partial" and "unreachable_shards" to @p obj. */
static void
status_fill(cJSON *obj)
{
    cJSON *a = unreachable_json();

    cJSON_AddBoolToObject(obj, "partial", a && cJSON_GetArraySize(a) > 0);
    if (a)
        cJSON_AddItemToObject(obj, "unreachable_shards", a);
    else
        cJSON_AddArrayToObject(obj, "unreachable_shards");
}

cJSON *
qry_backend_status(void)
{
    cJSON *o;

    if (!status_wanted) {
        /* no status in the output, but a partial answer is never silent */
        if (status_db)
            cJSON_Delete(unreachable_json());
        return NULL;
    }
    o = cJSON_CreateObject();
    if (o)
        status_fill(o);
    return o;
}

void
qry_backend_status_into(cJSON *obj)
{
    if (status_wanted && obj)
        status_fill(obj);
    else if (status_db)
        cJSON_Delete(unreachable_json());
}

int
qry_backend_fail(arc_db_t *db, arc_status_t st)
{
    if (st != ARC_E_UNSUPPORTED)
        return -1;
    fprintf(stderr, "newsquery: %s needs the SQLite archive, the Xapian shards cannot "
            "answer it (%s): run it with --backend sqlite [--archive DIR]\n",
            status_cmd ? status_cmd : "this command",
            db ? arc_db_errmsg(db) : arc_status_string(st));
    return EXIT_USAGE;
}
