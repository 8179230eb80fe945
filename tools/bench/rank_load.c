/*
 * rank_load.c - load a gencorpus JSON Lines file straight into an archive
 * through arc_article_put (no extraction, entities or clustering), in
 * transactions of 5,000 articles: a quick way to a large archive for the
 * ranking and export measurements of docs/ranking.md.
 *
 *   rank_load DIR < corpus.jsonl
 *
 * Exit status 0, 3 when the archive cannot be opened or written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "newsarc.h"

static const char *
str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
main(int argc, char **argv)
{
    arc_db_t *db = NULL;
    char *err = NULL, *line = NULL;
    size_t cap = 0;
    long n = 0, bad = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: rank_load DIR < corpus.jsonl\n");
        return 2;
    }
    if (arc_db_open(argv[1], ARC_OPEN_CREATE, &db, &err)) {
        fprintf(stderr, "rank_load: %s\n", err ? err : "cannot open");
        return 3;
    }
    while (getline(&line, &cap, stdin) > 0) {
        cJSON *o = cJSON_Parse(line);
        arc_article_t a;
        int64_t s, e;

        if (!o) {
            bad++;
            continue;
        }
        memset(&a, 0, sizeof a);
        a.url = str(o, "url");
        a.source = str(o, "source");
        a.title = str(o, "title");
        a.summary = str(o, "summary");
        a.body = str(o, "body");
        a.lang = "en";
        a.published = ARC_TIME_NONE;
        if (str(o, "published") && arc_time_parse_user(str(o, "published"), &s, &e) == ARC_OK)
            a.published = s;
        a.first_seen = a.published != ARC_TIME_NONE ? a.published : 0;
        if (n % 5000 == 0 && arc_db_begin(db)) {
            fprintf(stderr, "rank_load: %s\n", arc_db_errmsg(db));
            return 3;
        }
        if (arc_article_put(db, &a, NULL, NULL))
            bad++;
        n++;
        if (n % 5000 == 0 && arc_db_commit(db)) {
            fprintf(stderr, "rank_load: %s\n", arc_db_errmsg(db));
            return 3;
        }
        cJSON_Delete(o);
    }
    if (n % 5000 && arc_db_commit(db)) {
        fprintf(stderr, "rank_load: %s\n", arc_db_errmsg(db));
        return 3;
    }
    free(line);
    arc_db_close(db);
    printf("rank_load: %ld lines, %ld not stored\n", n, bad);
    return 0;
}
