/*
 * readfile.h - read a whole file into memory, up to a size limit.
 */
#ifndef IDX_READFILE_H
#define IDX_READFILE_H

#include <stddef.h>

/* Read the file at @p path whole. Returns a malloc'd, NUL-terminated buffer
 * (free()) and sets *len, or NULL with errno set (EFBIG when the file is
 * larger than @p max bytes, ENOMEM, or the error of fopen/fread). */
char *idx_read_file(const char *path, size_t *len, size_t max);

#endif
