/*
 * fuzz_enrich.c - libFuzzer harness for the enrichment stage on arbitrary
 * bytes: sentence splitting, temporal expressions, dated events, entities
 * and their aggregation into mentions. The first line of the input is the
 * title, the rest the body; the body is given both as raw bytes and as
 * the UTF-8-repaired copy the pipeline stores.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dates.h"
#include "entities.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
enrich_run(const char *title, const char *body, size_t len)
{
    idx_span_t *sp = NULL;
    idx_timex_t *tx = NULL;
    arc_event_t *ev = NULL;
    idx_entity_hit_t *hits = NULL;
    arc_mention_t *men = NULL;
    size_t n;
    const int64_t published = 1764633600; /* 2025-12-02 00:00 UTC */

    n = idx_sentences(body, len, &sp);
    for (size_t i = 0; i < n; i++)
        if (sp[i].start < 0 || sp[i].end < sp[i].start || (size_t)sp[i].end > len)
            abort();
    free(sp);
    n = idx_timex_find(body, len, published, &tx);
    for (size_t i = 0; i < n; i++)
        if (tx[i].start < 0 || tx[i].end < tx[i].start || (size_t)tx[i].end > len)
            abort();
    free(tx);
    n = idx_timex_find(body, len, ARC_TIME_NONE, &tx);
    free(tx);
    n = idx_events_build(body, len, published, &ev);
    idx_events_free(ev, n);
    n = idx_entities_find(title, body, &hits);
    if (n) {
        size_t m = idx_entities_mentions(hits, n, &men);
        (void)m;
        free(men);
    }
    idx_entity_hits_free(hits, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - data) : 0;
    char *title, *body, *fixed;
    size_t blen = size - (nl ? tlen + 1 : 0);

    title = malloc(tlen + 1);
    body = malloc(blen + 1);
    if (!title || !body) {
        free(title);
        free(body);
        return 0;
    }
    memcpy(title, data, tlen);
    title[tlen] = '\0';
    memcpy(body, data + size - blen, blen);
    body[blen] = '\0';
    enrich_run(title, body, strlen(body));
    fixed = idx_text_copy_utf8(body, blen, NULL);
    if (fixed) {
        char *ft = idx_text_copy_utf8(title, tlen, NULL);
        enrich_run(ft ? ft : "", fixed, strlen(fixed));
        free(ft);
        free(fixed);
    }
    free(title);
    free(body);
    return 0;
}
