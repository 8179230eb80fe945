/*
 * fuzz_jsonl.c - libFuzzer harness for the JSON Lines reader
 * (idx_jsonl_read) over an in-memory stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
jsonl_on_item(void *ctx, idx_item_t *it)
{
    size_t *n = ctx;
    const char *s[] = { it->url, it->guid, it->title, it->byline, it->summary,
                        it->body, it->lang, it->source, it->source_site };
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
        if (s[k])
            *n += strlen(s[k]);
    return 0;
}

static void
jsonl_on_bad(void *ctx, long line, const char *reason)
{
    size_t *n = ctx;
    *n += (size_t)line + strlen(reason);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f;
    size_t n = 0;

    if (size == 0)
        return 0;
    f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    (void)idx_jsonl_read(f, jsonl_on_item, jsonl_on_bad, &n);
    fclose(f);
    return 0;
}
