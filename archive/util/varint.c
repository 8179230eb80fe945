/* varint.c - unsigned LEB128 varints, the packing of the archive's blobs
 * (sentence spans in article_features, occurrences and event entities in
 * article_mentions and event_row). */
#include "archive-private.h"

size_t
Arc_varint_put(unsigned char *p, uint64_t x)
{
    size_t n = 0;

    while (x >= 0x80) {
        p[n++] = (unsigned char)(x | 0x80);
        x >>= 7;
    }
    p[n++] = (unsigned char)x;
    return n;
}

int
Arc_varint_get(const unsigned char **p, const unsigned char *end, uint64_t *x)
{
    uint64_t v = 0;
    int shift = 0;

    while (*p < end && shift < 64) {
        unsigned char c = *(*p)++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *x = v;
            return 0;
        }
        shift += 7;
    }
    return -1;
}
