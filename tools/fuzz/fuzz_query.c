/*
 * fuzz_query.c - libFuzzer harness for the query parser (arc_query_parse)
 * and its FTS5 compilation (arc_query_fts_expression). Every expression
 * the compiler produces must be accepted by SQLite's FTS5 parser on a
 * table with the archive's columns: a syntax error there means user text
 * escaped its quoting, and the harness aborts.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "newsarc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *query_db;
static sqlite3_stmt *query_match;

static void
query_setup(void)
{
    if (sqlite3_open(":memory:", &query_db) != SQLITE_OK ||
        sqlite3_exec(query_db, "CREATE VIRTUAL TABLE f USING fts5(title, summary, body,"
                     " tokenize='porter unicode61 remove_diacritics 2');"
                     "INSERT INTO f VALUES('a b', 'c', 'd e f');",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(query_db, "SELECT count(*) FROM f WHERE f MATCH ?", -1,
                           &query_match, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_query: sqlite setup: %s\n", sqlite3_errmsg(query_db));
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arc_query_t *q = NULL;
    arc_query_error_t qe;
    char *text, *expr;

    if (!query_db)
        query_setup();
    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (arc_query_parse(text, &q, &qe) == ARC_OK) {
        expr = arc_query_fts_expression(q);
        if (expr) {
            int rc;
            sqlite3_bind_text(query_match, 1, expr, -1, SQLITE_STATIC);
            while ((rc = sqlite3_step(query_match)) == SQLITE_ROW)
                ;
            if (rc != SQLITE_DONE) {
                fprintf(stderr, "fuzz_query: FTS5 refused %s (query %s): %s\n",
                        expr, text, sqlite3_errmsg(query_db));
                abort();
            }
            sqlite3_reset(query_match);
            sqlite3_clear_bindings(query_match);
            arc_free(expr);
        }
        arc_query_destroy(q);
    }
    free(text);
    return 0;
}
