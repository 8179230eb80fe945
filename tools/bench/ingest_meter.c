/*
 * ingest_meter.c - run an import and meter it as it goes (tools/bench/run).
 *
 *   ingest_meter -- newsindex --archive A import --log-commits CORPUS
 *
 * Runs the command with its stderr on a pipe. Each "committed: N new"
 * line (newsindex --log-commits) is stamped with the wall time and the
 * command's CPU time so far (user+sys from /proc/PID/stat), so the rate of
 * any stretch of the import (the first and the last tenth: growth) can be
 * computed from one run. Other stderr lines are passed through. Prints:
 *
 *   COMMIT articles=N wall_s=W cpu_s=C       (one per commit)
 *   INGEST exit=E wall_s=W cpu_s=C user_s=U sys_s=S maxrss_kb=K
 *
 * Exit status: the command's, 2 on a usage error, 1 when it cannot run.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* utime+stime of pid in seconds, or -1. */
static double
proc_cpu(pid_t pid)
{
    char path[64], buf[1024], *p;
    FILE *f;
    unsigned long ut = 0, st = 0;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                     &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

int
main(int argc, char **argv)
{
    int fds[2], status = 0;
    pid_t pid;
    posix_spawn_file_actions_t fa;
    FILE *in;
    char line[4096];
    double t0;
    struct rusage ru;
    int first = 1;

    if (argc > 1 && strcmp(argv[1], "--") == 0)
        first = 2;
    if (argc <= first) {
        fprintf(stderr, "usage: ingest_meter -- COMMAND [ARGS...]\n");
        return 2;
    }
    if (pipe(fds) != 0) {
        perror("ingest_meter: pipe");
        return 1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    t0 = now_s();
    if (posix_spawnp(&pid, argv[first], &fa, NULL, argv + first, environ) != 0) {
        perror("ingest_meter: spawn");
        return 1;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    in = fdopen(fds[0], "r");
    if (!in)
        return 1;
    while (fgets(line, sizeof line, in)) {
        const char *c = strstr(line, "committed: ");
        if (c) {
            printf("COMMIT articles=%ld wall_s=%.3f cpu_s=%.3f\n",
                   strtol(c + 11, NULL, 10), now_s() - t0, proc_cpu(pid));
            fflush(stdout);
        } else {
            fputs(line, stderr);
        }
    }
    fclose(in);
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("ingest_meter: wait");
        return 1;
    }
    printf("INGEST exit=%d wall_s=%.3f cpu_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%ld\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
           now_s() - t0,
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
