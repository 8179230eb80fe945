/*
 * test_printer.c - the printer's answer status (issue 8: newsquery
 * --allow-partial): JSON wraps the records with the status, JSON Lines
 * ends with a status line, single objects get its keys, CSV and text do
 * not change; without a status function every format is as before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "printer.h"

static int status_calls;

static cJSON *
partial_status(void)
{
    cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();

    status_calls++;
    cJSON_AddBoolToObject(o, "partial", 1);
    cJSON_AddItemToArray(a, cJSON_CreateString("127.0.0.1:7002"));
    cJSON_AddItemToObject(o, "unreachable_shards", a);
    return o;
}

static void
rec_text(FILE *out, const cJSON *r, int index, void *ctx)
{
    (void)ctx;
    (void)index;
    fprintf(out, "id %d\n", cJSON_GetObjectItemCaseSensitive(r, "id")->valueint);
}

static cJSON *
rec(int id)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", id);
    return o;
}

/* Print @p n records (or one single object) in @p fmt; malloc'd output. */
static char *
render(qry_format_t fmt, int n, int single)
{
    static const char *const csv[] = { "id", NULL };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    qry_printer_t *p = qry_printer_create(fmt, f, csv, rec_text, NULL);

    if (single)
        qry_printer_single(p, rec(7));
    for (int i = 0; i < n && !single; i++)
        qry_printer_record(p, rec(i + 1));
    qry_printer_finish(p);
    fclose(f);
    return buf;
}

typedef struct status_case {
    const char *name;
    qry_format_t fmt;
    int n, single;
    const char *without;     /* output with no status function */
    const char *with;        /* output with the partial status */
} status_case_t;

static const status_case_t cases[] = {
    { "json records", QRY_FORMAT_JSON, 2, 0, "[{\"id\":1},\n{\"id\":2}]\n",
      "{\"results\":[{\"id\":1},\n{\"id\":2}],\"partial\":true,"
      "\"unreachable_shards\":[\"127.0.0.1:7002\"]}\n" },
    { "json, no record", QRY_FORMAT_JSON, 0, 0, "[]\n",
      "{\"results\":[],\"partial\":true,\"unreachable_shards\":[\"127.0.0.1:7002\"]}\n" },
    { "jsonl records", QRY_FORMAT_JSONL, 2, 0, "{\"id\":1}\n{\"id\":2}\n",
      "{\"id\":1}\n{\"id\":2}\n{\"partial\":true,\"unreachable_shards\":[\"127.0.0.1:7002\"]}\n" },
    { "jsonl single", QRY_FORMAT_JSONL, 0, 1, "{\"id\":7}\n",
      "{\"id\":7,\"partial\":true,\"unreachable_shards\":[\"127.0.0.1:7002\"]}\n" },
    { "csv", QRY_FORMAT_CSV, 2, 0, "id\r\n1\r\n2\r\n", "id\r\n1\r\n2\r\n" },
    { "text", QRY_FORMAT_TEXT, 2, 0, "id 1\nid 2\n", "id 1\nid 2\n" },
};

static void
test_status_in_every_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const status_case_t *c = &cases[i];
        char *out;

        qry_printer_set_status_fn(NULL);
        out = render(c->fmt, c->n, c->single);
        if (strcmp(out, c->without) != 0)
            fail_msg("%s without status: got '%s'", c->name, out);
        free(out);

        status_calls = 0;
        qry_printer_set_status_fn(partial_status);
        out = render(c->fmt, c->n, c->single);
        qry_printer_set_status_fn(NULL);
        if (strcmp(out, c->with) != 0)
            fail_msg("%s with status: got '%s'", c->name, out);
        /* CSV and text still ask (the status function warns on stderr) */
        assert_int_equal(status_calls, 1);
        free(out);
    }
}

static void
test_single_json_object_gets_the_keys(void **state)
{
    char *out;
    cJSON *o;

    (void)state;
    qry_printer_set_status_fn(partial_status);
    out = render(QRY_FORMAT_JSON, 0, 1);
    qry_printer_set_status_fn(NULL);
    o = cJSON_Parse(out);
    assert_non_null(o);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(o, "id")->valueint, 7);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "partial")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "unreachable_shards")), 1);
    cJSON_Delete(o);
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_in_every_format),
        cmocka_unit_test(test_single_json_object_gets_the_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
