/*
 * check_captures.c - `newsindex check` part two: every article's capture
 * reference must lead to a readable response or resource record of a WARC
 * file (relative references are inside the archive directory).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_captures.h"
#include "warc.h"

/* Split "PATH#OFFSET"; returns 0 or -1 when there is no offset. */
static int
split_ref(const char *ref, const char *dir, char *path, size_t n, long long *offset)
{
    const char *hash = strrchr(ref, '#');
    char *end;
    size_t len;

    if (!hash || !hash[1])
        return -1;
    errno = 0;
    *offset = strtoll(hash + 1, &end, 10);
    if (errno || *end || *offset < 0)
        return -1;
    len = (size_t)(hash - ref);
    if (ref[0] == '/')
        snprintf(path, n, "%.*s", (int)len, ref);
    else
        snprintf(path, n, "%s/%.*s", dir, (int)len, ref);
    return 0;
}

int
idx_check_captures(arc_db_t *db, FILE *err, long *checked, long *bad)
{
    arc_capture_refs_t *it = NULL;
    const arc_capture_ref_t *row;
    arc_status_t st;

    *checked = *bad = 0;
    if ((st = arc_capture_refs_open(db, &it)))
        return -1;
    while ((st = arc_capture_refs_next(it, &row)) == ARC_OK && row) {
        char path[4096], *msg = NULL;
        long long offset;
        idx_warc_reader_t *r = NULL;
        const idx_warc_record_t *rec = NULL;
        const char *why = NULL;

        (*checked)++;
        if (split_ref(row->capture, arc_db_path(db), path, sizeof path, &offset) != 0) {
            why = "not of the form FILE#OFFSET";
        } else if (idx_warc_open_at(path, offset, &r, &msg) != 0) {
            why = msg ? msg : "cannot open";
        } else if (idx_warc_next(r, &rec, &msg) != 1 || !rec) {
            why = msg ? msg : "no record at that offset";
        } else if (!rec->type || (strcmp(rec->type, "response") != 0 &&
                                  strcmp(rec->type, "resource") != 0)) {
            why = "the record there is not a response";
        }
        if (why) {
            (*bad)++;
            fprintf(err, "article %lld (%s): capture %s: %s\n", (long long)row->article,
                    row->url ? row->url : "?", row->capture, why);
        }
        free(msg);
        idx_warc_close(r);
    }
    arc_capture_refs_destroy(it);
    return st ? -1 : 0;
}
