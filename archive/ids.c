/*
 * ids.c - article ids that follow publication day.
 *
 * id = (days since 1900-01-01) << ARC_ID_SEQ_BITS | sequence within the day.
 * An article imported late still gets an id inside its day's range, so
 * "published between A and B" is the rowid range [first(A), first(B+1)) in
 * the article table and in the FTS5 index, which FTS5 applies without
 * visiting other rows.
 */
#include "archive-private.h"

int64_t
Arc_id_first_of_time(int64_t t)
{
    int64_t day;

    if (t == ARC_TIME_NONE)
        return 0;
    day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    day += ARC_ID_DAY_BIAS;
    if (day < 0)
        day = 0;
    if (day > ((int64_t)1 << (62 - ARC_ID_SEQ_BITS)))
        day = (int64_t)1 << (62 - ARC_ID_SEQ_BITS);
    return day << ARC_ID_SEQ_BITS;
}
