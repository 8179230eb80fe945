/*
 * test_global_init.c - arc_global_init() turns off SQLite's memory
 * statistics when it runs before anything else uses SQLite, and changes
 * nothing afterwards. Its own program: the setting is process-wide and
 * can only be made before SQLite is initialised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "newsarc.h"
#include "test_dir.h"

static void
memory_statistics_should_be_off_after_global_init(void **state)
{
    arc_db_t *db = NULL;
    char *err = NULL;
    arc_article_t a;
    (void)state;

    arc_global_init();
    assert_int_equal(arc_db_open(test_fresh_dir("test_global_init", "a"), ARC_OPEN_CREATE,
                                 &db, &err), ARC_OK);
    memset(&a, 0, sizeof a);
    a.url = "https://wire.example/1";
    a.title = "Harbour reopens";
    a.body = "The harbour reopened on Monday after the storm.";
    assert_int_equal(arc_article_put(db, &a, NULL, NULL), ARC_OK);
    /* SQLite allocated (a connection, its cache, statements), and counted
     * none of it */
    assert_int_equal(sqlite3_memory_used(), 0);
    /* too late now: a second call refuses quietly and changes nothing */
    arc_global_init();
    assert_int_equal(sqlite3_memory_used(), 0);
    arc_db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memory_statistics_should_be_off_after_global_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
