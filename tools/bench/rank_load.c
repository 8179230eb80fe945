/*
 * rank_load.c - load a gencorpus JSON Lines file straight into an archive
 * through arc_article_put (no extraction or clustering), in transactions
 * of 5,000 articles with the FTS rows written per transaction in id order
 * (arc_article_defer_index): a quick way to a large archive for the
 * ranking, query-class and export measurements of docs/ranking.md.
 *
 *   rank_load [--entities] DIR < corpus.jsonl
 *
 * --entities also runs the indexer's enrichment on every article (the
 * rule-based entity finder and the dated-event finder of indexer/enrich.c,
 * exactly what `newsindex import` stores), so the person/place/org classes
 * and entity timelines can be measured. Without it no entity rows exist.
 *
 * Exit status 0, 3 when the archive cannot be opened or written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "enrich.h"
#include "newsarc.h"

#define BATCH 5000

static const char *
str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
commit(arc_db_t *db)
{
    if (arc_article_index_pending(db) || arc_db_commit(db)) {
        fprintf(stderr, "rank_load: %s\n", arc_db_errmsg(db));
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    arc_db_t *db = NULL;
    char *err = NULL, *line = NULL;
    size_t cap = 0;
    long n = 0, bad = 0, enrich_failed = 0;
    int entities = 0, argi = 1;

    if (argc == 3 && strcmp(argv[1], "--entities") == 0) {
        entities = 1;
        argi = 2;
    }
    if (argc != argi + 1) {
        fprintf(stderr, "usage: rank_load [--entities] DIR < corpus.jsonl\n");
        return 2;
    }
    if (arc_db_open(argv[argi], ARC_OPEN_CREATE, &db, &err)) {
        fprintf(stderr, "rank_load: %s\n", err ? err : "cannot open");
        return 3;
    }
    arc_article_defer_index(db, 1);
    while (getline(&line, &cap, stdin) > 0) {
        cJSON *o = cJSON_Parse(line);
        arc_article_t a;
        arc_put_result_t res = ARC_PUT_DUPLICATE;
        int64_t s, e, id = 0;

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
        if (n % BATCH == 0 && arc_db_begin(db)) {
            fprintf(stderr, "rank_load: %s\n", arc_db_errmsg(db));
            return 3;
        }
        if (arc_article_put(db, &a, &id, &res))
            bad++;
        else if (entities && res == ARC_PUT_NEW &&
                 idx_enrich_article(db, id, a.title, a.body, a.published))
            enrich_failed++;
        n++;
        if (n % BATCH == 0 && commit(db))
            return 3;
        if (n % 100000 == 0) {
            fprintf(stderr, "rank_load: %ld\n", n);
            fflush(stderr);
        }
        cJSON_Delete(o);
    }
    if (n % BATCH && commit(db))
        return 3;
    free(line);
    arc_db_close(db);
    printf("rank_load: %ld lines, %ld not stored, %ld not enriched\n", n, bad, enrich_failed);
    return 0;
}
