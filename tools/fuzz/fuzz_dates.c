/*
 * fuzz_dates.c - libFuzzer harness for the feed date parser
 * (idx_date_parse) and the URL date pattern (idx_extract_url_date).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"
#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    int64_t t;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    (void)idx_date_parse(s, &t);
    (void)idx_extract_url_date(s, &t);
    free(s);
    return 0;
}
