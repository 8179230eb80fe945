/*
 * fault.c - an LD_PRELOAD library that injects storage faults into the
 * process it is loaded into, for the disk-full and read-only tests
 * (tests/cli/t230-faults.sh). Build:
 *   gcc -shared -fPIC -O2 -o fault.so tools/fault/fault.c -ldl
 * Controlled by environment variables, read once:
 *   FAULT_PATH=S           only files whose path contains S are affected
 *                          (default "archive.db": the database, its WAL
 *                          and shared-memory files)
 *   FAULT_ENOSPC_AFTER=N   after N bytes written to such files in total,
 *                          every further write()/pwrite()/writev() to them
 *                          fails with ENOSPC, and fallocate() as well
 *   FAULT_READONLY=1       opening such files for writing, or creating
 *                          them, fails with EACCES (what a read-only
 *                          directory does to a user who is not root)
 *   FAULT_LOG=1            a line on stderr when the first fault fires
 * Without these variables it changes nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FD 4096

static int inited;
static const char *match = "archive.db";
static long long budget = -1;         /* bytes left before ENOSPC; -1 = off */
static int readonly, logged, want_log;
static signed char fd_state[MAX_FD];  /* 0 unknown, 1 affected, 2 not */

static void
init(void)
{
    const char *v;

    if (inited)
        return;
    inited = 1;
    if ((v = getenv("FAULT_PATH")) && *v)
        match = v;
    if ((v = getenv("FAULT_ENOSPC_AFTER")) && *v)
        budget = atoll(v);
    readonly = (v = getenv("FAULT_READONLY")) && *v == '1';
    want_log = (v = getenv("FAULT_LOG")) && *v == '1';
}

static void
note(const char *what)
{
    if (want_log && !logged) {
        logged = 1;
        fprintf(stderr, "fault: %s\n", what);
    }
}

/* Is fd one of the files we fault? Cached per fd, forgotten on close. */
static int
affected(int fd)
{
    char link[64], path[4096];
    ssize_t n;

    if (fd < 0)
        return 0;
    if (fd < MAX_FD && fd_state[fd])
        return fd_state[fd] == 1;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof path - 1);
    if (n < 0)
        return 0;
    path[n] = '\0';
    if (fd < MAX_FD)
        fd_state[fd] = strstr(path, match) ? 1 : 2;
    return strstr(path, match) != NULL;
}

/* May n more bytes be written to fd? Sets errno when not. */
static int
may_write(int fd, size_t n)
{
    init();
    if (budget < 0 || !affected(fd))
        return 1;
    if ((long long)n > budget) {
        budget = 0;
        note("disk full (ENOSPC)");
        errno = ENOSPC;
        return 0;
    }
    budget -= (long long)n;
    return 1;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*fallocate_fn)(int, int, off_t, off_t);
typedef int (*pfallocate_fn)(int, off_t, off_t);
typedef int (*close_fn)(int);
typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);

#define REAL(name, type) \
    static type real_##name; \
    if (!real_##name) \
        real_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t n)
{
    REAL(write, write_fn);
    if (!may_write(fd, n))
        return -1;
    return real_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite, pwrite_fn);
    if (!may_write(fd, n))
        return -1;
    return real_pwrite(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite64, pwrite_fn);
    if (!may_write(fd, n))
        return -1;
    return real_pwrite64(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
    size_t n = 0;
    REAL(writev, writev_fn);
    for (int i = 0; i < cnt; i++)
        n += iov[i].iov_len;
    if (!may_write(fd, n))
        return -1;
    return real_writev(fd, iov, cnt);
}

int
fallocate(int fd, int mode, off_t off, off_t len)
{
    REAL(fallocate, fallocate_fn);
    init();
    if (budget >= 0 && affected(fd) && len > budget) {
        note("disk full (ENOSPC)");
        errno = ENOSPC;
        return -1;
    }
    return real_fallocate(fd, mode, off, len);
}

int
posix_fallocate(int fd, off_t off, off_t len)
{
    REAL(posix_fallocate, pfallocate_fn);
    init();
    if (budget >= 0 && affected(fd) && len > budget) {
        note("disk full (ENOSPC)");
        return ENOSPC;
    }
    return real_posix_fallocate(fd, off, len);
}

int
close(int fd)
{
    REAL(close, close_fn);
    if (fd >= 0 && fd < MAX_FD)
        fd_state[fd] = 0;
    return real_close(fd);
}

/* Refuse a write-open or a create of an affected path. */
static int
refuse_open(const char *path, int flags)
{
    init();
    if (!readonly || !path || !strstr(path, match))
        return 0;
    if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_CREAT))
        return 0;
    note("read-only (EACCES)");
    errno = EACCES;
    return 1;
}

static mode_t
mode_arg(int flags, va_list ap)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int
open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t m;
    REAL(open, open_fn);
    va_start(ap, flags);
    m = mode_arg(flags, ap);
    va_end(ap);
    if (refuse_open(path, flags))
        return -1;
    return real_open(path, flags, m);
}

int
open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t m;
    REAL(open64, open_fn);
    va_start(ap, flags);
    m = mode_arg(flags, ap);
    va_end(ap);
    if (refuse_open(path, flags))
        return -1;
    return real_open64(path, flags, m);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    mode_t m;
    REAL(openat, openat_fn);
    va_start(ap, flags);
    m = mode_arg(flags, ap);
    va_end(ap);
    if (refuse_open(path, flags))
        return -1;
    return real_openat(dirfd, path, flags, m);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    mode_t m;
    REAL(openat64, openat_fn);
    va_start(ap, flags);
    m = mode_arg(flags, ap);
    va_end(ap);
    if (refuse_open(path, flags))
        return -1;
    return real_openat64(dirfd, path, flags, m);
}
