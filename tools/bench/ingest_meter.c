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
 *   THREAD n=I tid=T run_s=R wait_s=Q name=N (one per thread seen; N its
 *                                            comm, e.g. ni-reader)
 *   INGEST exit=E wall_s=W cpu_s=C user_s=U sys_s=S maxrss_kb=K
 *
 * THREAD lines give each thread's time on a core and its time waiting
 * for one (/proc/PID/task/TID/schedstat), as last read at a commit line,
 * in the order of their ids, which is their creation order (n=0: the
 * command's main thread). A thread that ends between two commits keeps
 * its figures of the commit before.
 *
 * Exit status: the command's, 2 on a usage error, 1 when it cannot run.
 */
#include <dirent.h>
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

#define MAX_THREADS 64

/* Each thread's time on a core and waiting for one, in ns, as last read. */
static struct {
    long tid;
    unsigned long long run_ns, wait_ns;
    char name[17];      /* /proc/.../comm: the name the thread gave itself */
} threads[MAX_THREADS];
static int n_threads;

static void
read_threads(pid_t pid)
{
    char path[64];
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d))) {
        char sp[128];
        FILE *f;
        long tid = strtol(e->d_name, NULL, 10);
        unsigned long long run = 0, wait = 0;
        int k;

        if (tid <= 0)
            continue;
        snprintf(sp, sizeof sp, "/proc/%d/task/%ld/schedstat", (int)pid, tid);
        if (!(f = fopen(sp, "r")))
            continue;
        k = fscanf(f, "%llu %llu", &run, &wait);
        fclose(f);
        if (k != 2)
            continue;
        for (k = 0; k < n_threads && threads[k].tid != tid; k++)
            ;
        if (k == n_threads) {
            if (n_threads == MAX_THREADS)
                continue;
            n_threads++;
            threads[k].tid = tid;
        }
        /* read each time: a thread names itself after it starts */
        snprintf(sp, sizeof sp, "/proc/%d/task/%ld/comm", (int)pid, tid);
        if ((f = fopen(sp, "r"))) {
            if (fgets(threads[k].name, sizeof threads[k].name, f))
                threads[k].name[strcspn(threads[k].name, "\n ")] = '\0';
            fclose(f);
        }
        threads[k].run_ns = run;
        threads[k].wait_ns = wait;
    }
    closedir(d);
}

static int
by_tid(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
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
            read_threads(pid);
        } else {
            fputs(line, stderr);
        }
    }
    fclose(in);
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("ingest_meter: wait");
        return 1;
    }
    /* thread ids are handed out in increasing order (until they wrap):
     * creation order, the main thread (tid = pid) first */
    qsort(threads, (size_t)n_threads, sizeof threads[0], by_tid);
    for (int k = 0; k < n_threads; k++)
        printf("THREAD n=%d tid=%ld run_s=%.3f wait_s=%.3f name=%s\n", k, threads[k].tid,
               threads[k].run_ns / 1e9, threads[k].wait_ns / 1e9,
               threads[k].name[0] ? threads[k].name : "?");
    printf("INGEST exit=%d wall_s=%.3f cpu_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%ld\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
           now_s() - t0,
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
