/*
 * fuzz_feed.c - libFuzzer harness for the feed parser (idx_feed_parse) and
 * the HTML-to-text helper it uses on item descriptions.
 * Build and run: make fuzz (tools/fuzz/run.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idx_feed_t *f = NULL;
    char *err = NULL;

    if (idx_feed_parse((const char *)data, size, "fuzz.xml", &f, &err) == 0) {
        /* touch every item so a dangling pointer shows up under ASan */
        for (size_t i = 0; i < f->n_items; i++) {
            const idx_item_t *it = &f->items[i];
            const char *s[] = { it->url, it->guid, it->title, it->byline,
                                it->summary, it->body, it->lang, it->source };
            volatile size_t n = 0;
            for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
                for (const char *p = s[k]; p && *p; p++)
                    n++;
            (void)n;
        }
        idx_feed_free(f);
    }
    free(err);
    return 0;
}
