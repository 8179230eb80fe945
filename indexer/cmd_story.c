/*
 * cmd_story.c - `newsindex story merge|split|move`: user corrections of
 * stories, stored as decisions (in terms of articles) and applied at once;
 * `newsindex rebuild` re-applies them after re-deriving the stories.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd_story.h"
#include "decisions.h"

static int64_t
parse_id(const char *what, const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s wants a positive number, not '%%s'", what);
        idx_cli_usage_error(msg, s);
    }
    return v;
}

/* "1,2,3" -> JSON array of numbers */
static cJSON *
parse_id_list(const char *s)
{
    cJSON *a = cJSON_CreateArray();
    char *copy = strdup(s), *save = NULL, *tok;

    if (!a || !copy)
        exit(EXIT_ARCHIVE);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)parse_id("--articles", tok)));
    free(copy);
    if (cJSON_GetArraySize(a) == 0)
        idx_cli_usage_error("--articles wants a list of article ids like 12,15, not '%s'", s);
    return a;
}

static cJSON *
ids_json(const int64_t *ids, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)ids[i]));
    return a;
}

static int
fail(arc_db_t *db, arc_status_t st)
{
    fprintf(stderr, "newsindex: %s\n", arc_db_errmsg(db));
    arc_db_rollback(db);
    arc_db_close(db);
    return st == ARC_E_NOT_FOUND || st == ARC_E_BAD_ARG ? EXIT_USAGE : EXIT_ARCHIVE;
}

/* The articles of a story, or exit 2 when it has none. */
static cJSON *
story_articles(arc_db_t *db, int64_t story)
{
    int64_t *ids = NULL;
    size_t n = 0;
    cJSON *a;

    if (arc_story_article_ids(db, story, &ids, &n) || n == 0) {
        arc_free(ids);
        fprintf(stderr, "newsindex: no story with id %lld\n", (long long)story);
        arc_db_close(db);
        exit(EXIT_USAGE);
    }
    a = ids_json(ids, n);
    arc_free(ids);
    return a;
}

static const char story_usage[] =
    "story needs: merge A B | split A --articles ID,ID... | move ARTICLE --to B%s";

int
idx_cmd_story(const globals_t *g, int argc, char **argv)
{
    arc_db_t *db;
    cJSON *args;
    arc_decision_t d;
    const char *kind, *what = argc > 1 ? argv[1] : "";
    int64_t a = 0, b = 0, result = 0, did;
    char *text;
    arc_status_t st;

    memset(&d, 0, sizeof d);
    if (strcmp(what, "merge") == 0) {
        if (argc != 4)
            idx_cli_usage_error(story_usage, "");
        a = parse_id("merge", argv[2]);
        b = parse_id("merge", argv[3]);
        if (a == b)
            idx_cli_usage_error("cannot merge story %s into itself", argv[2]);
        kind = "story-merge";
    } else if (strcmp(what, "split") == 0) {
        if (argc != 5 || strcmp(argv[3], "--articles") != 0)
            idx_cli_usage_error(story_usage, "");
        a = parse_id("split", argv[2]);
        kind = "story-split";
    } else if (strcmp(what, "move") == 0) {
        if (argc != 5 || strcmp(argv[3], "--to") != 0)
            idx_cli_usage_error(story_usage, "");
        a = parse_id("move", argv[2]);
        b = parse_id("--to", argv[4]);
        kind = "story-move";
    } else {
        idx_cli_usage_error(story_usage, "");
    }
    db = idx_cli_open(g, 0);
    if ((st = arc_db_begin(db)))
        return fail(db, st);
    args = cJSON_CreateObject();
    if (strcmp(kind, "story-merge") == 0) {
        cJSON_AddItemToObject(args, "into", story_articles(db, a));
        cJSON_AddItemToObject(args, "from", story_articles(db, b));
    } else if (strcmp(kind, "story-split") == 0) {
        cJSON *list = parse_id_list(argv[4]), *x;
        int64_t *ids = NULL;
        size_t n = 0;
        cJSON_Delete(story_articles(db, a));
        if ((st = arc_story_article_ids(db, a, &ids, &n))) {
            cJSON_Delete(list);
            cJSON_Delete(args);
            return fail(db, st);
        }
        cJSON_ArrayForEach(x, list) {
            int found = 0;
            for (size_t i = 0; i < n; i++)
                found |= ids[i] == (int64_t)x->valuedouble;
            if (!found) {
                fprintf(stderr, "newsindex: article %.0f is not in story %lld\n",
                        x->valuedouble, (long long)a);
                arc_free(ids);
                cJSON_Delete(list);
                cJSON_Delete(args);
                arc_db_close(db);
                return EXIT_USAGE;
            }
        }
        if ((size_t)cJSON_GetArraySize(list) >= n) {
            fprintf(stderr, "newsindex: split would take every article of story %lld\n",
                    (long long)a);
            arc_free(ids);
            cJSON_Delete(list);
            cJSON_Delete(args);
            arc_db_close(db);
            return EXIT_USAGE;
        }
        arc_free(ids);
        cJSON_AddItemToObject(args, "articles", list);
    } else {
        int64_t cur = 0;
        if ((st = arc_article_story(db, a, &cur))) {
            cJSON_Delete(args);
            return fail(db, st);
        }
        cJSON_AddNumberToObject(args, "article", (double)a);
        cJSON_AddItemToObject(args, "to", story_articles(db, b));
    }
    text = cJSON_PrintUnformatted(args);
    cJSON_Delete(args);
    if (!text)
        return fail(db, ARC_E_NOMEM);
    st = arc_decision_add(db, kind, a, b, text, &did);
    d.id = did;
    d.kind = (char *)kind;
    d.a = a;
    d.b = b;
    d.args = text;
    if (!st)
        st = idx_decision_apply(db, &d, &result);
    cJSON_free(text);
    if (st)
        return fail(db, st);
    if ((st = arc_db_commit(db)))
        return fail(db, st);
    if (!g->quiet) {
        if (strcmp(kind, "story-merge") == 0)
            printf("merged story %lld into story %lld (decision %lld)\n",
                   (long long)b, (long long)result, (long long)did);
        else if (strcmp(kind, "story-split") == 0)
            printf("split %s from story %lld into new story %lld (decision %lld)\n",
                   argv[4], (long long)a, (long long)result, (long long)did);
        else
            printf("moved article %lld to story %lld (decision %lld)\n",
                   (long long)a, (long long)result, (long long)did);
    }
    arc_db_close(db);
    return 0;
}
