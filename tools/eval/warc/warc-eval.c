/*
 * warc-eval - run the indexer's WARC reader over files and report, per file,
 * the records read, the errors and notices reported, and a verdict under
 * the rule of ../shared/eval/README.md: a good file must be read completely
 * (no error), a bad one (*bad*, *trunc*, *wrong-chunks*) must be rejected or
 * recovered from with at least one message.
 *
 * usage: warc-eval [-v] FILE...   (exit 0 when every verdict is PASS)
 */
#include "warc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_bad_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strstr(base, "bad") != NULL || strstr(base, "trunc") != NULL ||
           strstr(base, "wrong-chunks") != NULL;
}

static const char *verdict_text(int v)
{
    return v < 0 ? "n/a" : v ? "ok" : "MISMATCH";
}

int main(int argc, char **argv)
{
    int verbose = 0, first = 1, failures = 0, files = 0;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: warc-eval [-v] FILE...\n");
        return 2;
    }
    for (int i = first; i < argc; i++) {
        const char *path = argv[i];
        int bad = is_bad_name(path);
        long records = 0, errors = 0, notices = 0, digest_mismatch = 0;
        idx_warc_reader_t *r = NULL;
        char *err = NULL;
        int rejected = 0;
        files++;
        if (idx_warc_open(path, &r, &err) != 0) {
            rejected = 1;
            errors++;
            printf("  error: %s\n", err);
            free(err);
        } else {
            for (;;) {
                const idx_warc_record_t *rec;
                int ret = idx_warc_next(r, &rec, &err);
                const char *w = idx_warc_warning(r);
                if (w != NULL) {
                    notices++;
                    printf("  notice: %s\n", w);
                }
                if (ret == 0)
                    break;
                if (ret < 0) {
                    errors++;
                    printf("  error: %s\n", err);
                    free(err);
                    continue;
                }
                records++;
                int bd = idx_warc_verify_block_digest(r);
                int pd = idx_warc_verify_payload_digest(r);
                if (bd == 0 || pd == 0)
                    digest_mismatch++;
                if (verbose)
                    printf("  %10lld %-9s %-3d %7zu %s %s block-digest=%s payload-digest=%s\n",
                           (long long)rec->offset, rec->type ? rec->type : "-",
                           rec->http_status, rec->payload_len, rec->date ? rec->date : "-",
                           rec->target_uri ? rec->target_uri : "-", verdict_text(bd),
                           verdict_text(pd));
            }
            idx_warc_close(r);
        }
        int pass = bad ? (rejected || errors > 0 || notices > 0) : (!rejected && errors == 0);
        if (!pass)
            failures++;
        printf("%s %s: %s, %ld records, %ld errors, %ld notices, %ld digest mismatches\n",
               pass ? "PASS" : "FAIL", path, bad ? "bad" : "good", records, errors, notices,
               digest_mismatch);
    }
    printf("%d passed, %d failed\n", files - failures, failures);
    return failures == 0 ? 0 : 1;
}
