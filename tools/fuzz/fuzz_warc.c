/*
 * fuzz_warc.c - libFuzzer harness for the WARC reader: the input is written
 * to a temporary file (the reader works on paths) and read to the end,
 * checking digests and decoding payloads on the way.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char warc_path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idx_warc_reader_t *r = NULL;
    const idx_warc_record_t *rec;
    char *err = NULL;
    FILE *f;
    int rc, guard = 0;

    if (!warc_path[0])
        snprintf(warc_path, sizeof warc_path, "/tmp/fuzz-warc-%ld.warc", (long)getpid());
    f = fopen(warc_path, "wb");
    if (!f)
        return 0;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    if (idx_warc_open(warc_path, &r, &err) != 0) {
        free(err);
        return 0;
    }
    while (guard++ < 10000) {
        err = NULL;
        rc = idx_warc_next(r, &rec, &err);
        free(err);
        if (rc == 0)
            break;
        (void)idx_warc_warning(r);
        if (rc < 0)
            continue;
        unsigned char *out = NULL;
        size_t out_len = 0;
        (void)idx_warc_header(r, "WARC-Type");
        (void)idx_warc_http_header(r, "Content-Type");
        (void)idx_warc_verify_block_digest(r);
        (void)idx_warc_verify_payload_digest(r);
        err = NULL;
        if (idx_warc_payload_decode(r, &out, &out_len, &err) == 0)
            free(out);
        free(err);
    }
    idx_warc_close(r);
    unlink(warc_path);
    return 0;
}
