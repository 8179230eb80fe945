/*
 * test_regress.c - every input that once crashed a parser (found by the
 * libFuzzer harnesses in tools/fuzz, or by hand) is fed again to the same
 * harness code: tests/corpora/regress/<harness>/<file>. Under the
 * sanitizer build (`make test-asan`) a recurrence of the memory error
 * aborts the test; in the plain build the harness's own checks (span
 * bounds, FTS5 accepting every compiled query) still run.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The harnesses, each entry point renamed. */
#define LLVMFuzzerTestOneInput regress_feed
#include "../../tools/fuzz/fuzz_feed.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_extract
#include "../../tools/fuzz/fuzz_extract.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_warc
#include "../../tools/fuzz/fuzz_warc.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_dates
#include "../../tools/fuzz/fuzz_dates.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_query
#include "../../tools/fuzz/fuzz_query.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_jsonl
#include "../../tools/fuzz/fuzz_jsonl.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_enrich
#include "../../tools/fuzz/fuzz_enrich.c"
#undef LLVMFuzzerTestOneInput

typedef int (*harness_fn)(const uint8_t *, size_t);

static const struct {
    const char *dir;
    harness_fn fn;
} harnesses[] = {
    { "feed", regress_feed },     { "extract", regress_extract },
    { "warc", regress_warc },     { "dates", regress_dates },
    { "query", regress_query },   { "jsonl", regress_jsonl },
    { "enrich", regress_enrich },
};

/* tests/corpora/regress, found from this file's own path. */
static void
regress_root(char *out, size_t n)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_regress.c");
    size_t prefix = cut ? (size_t)(cut - me) : 0;
    snprintf(out, n, "%.*stests/corpora/regress", (int)prefix, me);
}

static unsigned char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        if (*len != (size_t)n) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* Feed every file of each harness's directory; count them. */
static void
test_every_recorded_crash_input_runs_clean(void **state)
{
    char root[4096], dir[4200], path[4500];
    int total = 0;

    (void)state;
    regress_root(root, sizeof root);
    for (size_t h = 0; h < sizeof harnesses / sizeof harnesses[0]; h++) {
        DIR *d;
        struct dirent *de;
        snprintf(dir, sizeof dir, "%s/%s", root, harnesses[h].dir);
        d = opendir(dir);
        if (!d)
            continue;
        while ((de = readdir(d))) {
            unsigned char *buf;
            size_t len = 0;
            if (de->d_name[0] == '.' || strcmp(de->d_name, "README.md") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            buf = read_all(path, &len);
            assert_non_null(buf);
            print_message("# %s/%s (%zu bytes)\n", harnesses[h].dir, de->d_name, len);
            assert_int_equal(harnesses[h].fn(buf, len), 0);
            free(buf);
            total++;
        }
        closedir(d);
    }
    /* the directory exists and holds the recorded inputs */
    assert_true(total >= 1);
}

/* A few hand-made hostile inputs per harness, inline. */
static void
test_hostile_inputs_run_clean(void **state)
{
    static const char *const inputs[] = {
        "", "\0", "<", "<?xml", "<rss><channel><item><title>\xff\xfe</title></item>",
        "{\"url\":\"\\u0000\",\"title\":\"\\ud800\"}\n{", "WARC/1.1\r\nContent-Length: -1\r\n\r\n",
        "\"", "((((((((((", "a OR", "-a", "title:", "date:9999-99-99",
    };
    (void)state;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        for (size_t h = 0; h < sizeof harnesses / sizeof harnesses[0]; h++)
            assert_int_equal(harnesses[h].fn((const uint8_t *)inputs[i], len), 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_recorded_crash_input_runs_clean),
        cmocka_unit_test(test_hostile_inputs_run_clean),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (query_match)
        sqlite3_finalize(query_match);
    if (query_db)
        sqlite3_close(query_db);
    return rc;
}
