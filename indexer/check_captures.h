/*
 * check_captures.h - verify the capture references of stored articles.
 */
#ifndef IDX_CHECK_CAPTURES_H
#define IDX_CHECK_CAPTURES_H

#include <stdio.h>
#include "newsarc.h"

/* Check every article's capture reference: the WARC file exists and holds a
 * response or resource record at the offset. One line per bad reference on
 * @p err. Sets the counts; returns 0, or -1 when the archive could not be
 * read (the message is in arc_db_errmsg). */
int idx_check_captures(arc_db_t *db, FILE *err, long *checked, long *bad);

#endif
