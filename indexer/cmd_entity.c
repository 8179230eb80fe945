/*
 * cmd_entity.c - `newsindex entity merge|rename`: the user's entity
 * corrections, applied through the archive (entity_admin.c) and stored as
 * user decisions so a rebuild re-applies them (see cmd_entity.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd_entity.h"

static const char entity_usage[] =
    "entity needs: merge A B (A is merged into B) | rename ID NAME%s";

static int64_t
parse_id(const char *what, const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%%s' is not an entity id", what);
        idx_cli_usage_error(msg, s);
    }
    return (int64_t)v;
}

static int
fail(arc_db_t *db, arc_status_t st)
{
    fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
    arc_db_rollback(db);
    arc_db_close(db);
    return st == ARC_E_NOT_FOUND || st == ARC_E_BAD_ARG ? EXIT_USAGE : EXIT_ARCHIVE;
}

/* The name of a rename decision's args ({"name": "..."}), malloc'd; NULL
 * when malformed. */
static char *
rename_arg(const char *args)
{
    cJSON *j = args ? cJSON_Parse(args) : NULL;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "name");
    char *out = NULL;

    if (cJSON_IsString(n) && n->valuestring && *n->valuestring) {
        size_t len = strlen(n->valuestring);
        if ((out = malloc(len + 1)))
            memcpy(out, n->valuestring, len + 1);
    }
    cJSON_Delete(j);
    return out;
}

/* Apply one stored entity decision. */
static arc_status_t
apply(arc_db_t *db, const arc_decision_t *d)
{
    arc_status_t st;
    char *name;

    if (strcmp(d->kind, "entity-merge") == 0)
        return arc_entity_merge(db, d->a, d->b, NULL);
    if (strcmp(d->kind, "entity-rename") != 0)
        return ARC_E_BAD_ARG;
    if (!(name = rename_arg(d->args)))
        return ARC_E_PARSE;
    st = arc_entity_rename(db, d->a, name, NULL);
    free(name);
    return st;
}

/* Contract in cmd_entity.h. */
arc_status_t
idx_entity_decisions_reapply(arc_db_t *db, size_t *applied)
{
    arc_decision_t *d = NULL;
    size_t n = 0, ok = 0;
    arc_status_t st;

    if (applied)
        *applied = 0;
    if ((st = arc_decision_list(db, "entity-", &d, &n)))
        return st;
    for (size_t i = 0; i < n; i++) {
        st = apply(db, &d[i]);
        if (st == ARC_OK)
            ok++;
        else if (st == ARC_E_NOT_FOUND || st == ARC_E_PARSE || st == ARC_E_BAD_ARG)
            st = ARC_OK;  /* its entities are gone or it conflicts: skip it */
        else
            break;
    }
    arc_decisions_free(d, n);
    if (applied)
        *applied = ok;
    return st;
}

int
idx_cmd_entity(const globals_t *g, int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    arc_decision_t d;
    arc_db_t *db;
    int64_t did = 0, live = 0;
    char *args = NULL;
    int changed = 0;
    arc_status_t st;

    memset(&d, 0, sizeof d);
    if (strcmp(what, "merge") == 0 && argc == 4) {
        d.kind = "entity-merge";
        d.a = parse_id("merge", argv[2]);
        d.b = parse_id("merge", argv[3]);
    } else if (strcmp(what, "rename") == 0 && argc == 4) {
        cJSON *j = cJSON_CreateObject();

        d.kind = "entity-rename";
        d.a = parse_id("rename", argv[2]);
        if (!*argv[3])
            idx_cli_usage_error("rename needs a non-empty name%s", "");
        if (!j || !cJSON_AddStringToObject(j, "name", argv[3]) ||
            !(args = cJSON_PrintUnformatted(j))) {
            cJSON_Delete(j);
            fprintf(stderr, "newsindex: out of memory\n");
            return EXIT_ARCHIVE;
        }
        cJSON_Delete(j);
        d.args = args;
    } else {
        idx_cli_usage_error(entity_usage, "");
    }
    db = idx_cli_open(g, 0);
    if ((st = arc_db_begin(db))) {
        cJSON_free(args);
        return fail(db, st);
    }
    if (d.a == d.b && strcmp(d.kind, "entity-merge") == 0) {
        cJSON_free(args);
        arc_db_rollback(db);
        arc_db_close(db);
        idx_cli_usage_error("cannot merge entity %s into itself", argv[2]);
    }
    if (strcmp(d.kind, "entity-merge") == 0)
        st = arc_entity_merge(db, d.a, d.b, &changed);
    else
        st = arc_entity_rename(db, d.a, argv[3], &changed);
    if (!st)
        st = arc_decision_add(db, d.kind, d.a, d.b, args, &did);
    if (!st)
        st = arc_entity_resolve_id(db, d.a, &live);
    cJSON_free(args);
    if (st || (st = arc_db_commit(db)))
        return fail(db, st);
    if (!g->quiet) {
        if (strcmp(d.kind, "entity-merge") == 0)
            printf("%s entity %lld into entity %lld (decision %lld)\n",
                   changed ? "merged" : "already merged", (long long)d.a,
                   (long long)live, (long long)did);
        else
            printf("%s entity %lld as '%s' (decision %lld)\n",
                   changed ? "renamed" : "already named", (long long)live, argv[3],
                   (long long)did);
    }
    arc_db_close(db);
    return 0;
}
