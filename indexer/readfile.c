/*
 * readfile.c - read a whole file into memory, up to a size limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "readfile.h"

char *
idx_read_file(const char *path, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    int err = 0;

    if (!f)
        return NULL;
    do {
        if (n == cap) {
            char *p;
            if (cap >= max) {
                err = EFBIG;
                break;
            }
            p = realloc(buf, (cap = cap ? cap * 2 : 65536) + 1);
            if (!p) {
                err = ENOMEM;
                break;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (!err && ferror(f))
        err = errno ? errno : EIO;
    fclose(f);
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
