/*
 * test_dir.h - a scratch directory for one unit test, emptied first.
 * Header only (tests/CMakeLists.txt builds every test_*.c as its own
 * program); include it after <cmocka.h>.
 */
#ifndef NEWSARCHIVE_TEST_DIR_H
#define NEWSARCHIVE_TEST_DIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* $TEST_TMPDIR (or /tmp) / PROG.PID.NAME, removed if it exists; the path
 * lives in a static buffer until the next call. Fails the test when the
 * old directory cannot be removed. */
static const char *
test_fresh_dir(const char *prog, const char *name)
{
    static char path[700];
    char cmd[800];
    const char *base = getenv("TEST_TMPDIR");

    snprintf(path, sizeof path, "%s/%s.%d.%s", base ? base : "/tmp", prog, (int)getpid(),
             name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot clean %s", path);
    return path;
}

#endif
