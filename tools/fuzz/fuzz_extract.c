/*
 * fuzz_extract.c - libFuzzer harness for the page extractor
 * (idx_extract_page) and idx_html_to_text. The first input byte picks the
 * declared HTTP charset (none, utf-8, iso-8859-1, a bogus name).
 */
#include <stdint.h>
#include <stdlib.h>
#include "extract.h"
#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *charsets[] = { NULL, "utf-8", "iso-8859-1", "x-bogus" };
    idx_page_t *p = NULL;
    char *err = NULL;
    const char *cs = NULL;

    if (size > 0) {
        cs = charsets[data[0] & 3];
        data++;
        size--;
    }
    if (idx_extract_page((const char *)data, size,
                         "https://news.example/2025/01/02/story.html", cs,
                         &p, &err) == 0)
        idx_page_free(p);
    free(err);
    free(idx_html_to_text((const char *)data, size));
    return 0;
}
