/*
 * events.c - dated events of an article body.
 *
 * Sentences and temporal expressions are both found in one pass each and
 * are both sorted by offset, so pairing them is a linear merge. Within a
 * sentence the expression chosen is the most precise one: a true day
 * ("on Tuesday") before a week's Monday ("last week"), before a month,
 * before a year; the first wins a tie. Expressions after "for" ("for two
 * weeks", "for 2026") state a duration or a target, not when something
 * happened, and are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "text.h"

/* Rank of an expression: lower is more precise; -1 means unusable. */
static int rank_of(const char *body, const idx_timex_t *x)
{
    const char *p = body + x->start;
    size_t n = (size_t)(x->end - x->start), i;
    int b = x->start;

    /* the word before: skip spaces, then compare with "for" */
    while (b > 0 && (body[b - 1] == ' ' || body[b - 1] == '\t'))
        b--;
    if (b >= 3 && (body[b - 3] | 0x20) == 'f' && (body[b - 2] | 0x20) == 'o' &&
        (body[b - 1] | 0x20) == 'r' &&
        (b == 3 || !((body[b - 4] | 0x20) >= 'a' && (body[b - 4] | 0x20) <= 'z')))
        return -1;
    if (x->granularity == ARC_GRAN_YEAR)
        return 3;
    if (x->granularity == ARC_GRAN_MONTH)
        return 2;
    for (i = 0; i + 4 <= n; i++)
        if ((p[i] | 0x20) == 'w' && (p[i + 1] | 0x20) == 'e' &&
            (p[i + 2] | 0x20) == 'e' && (p[i + 3] | 0x20) == 'k')
            return 1;   /* "last week", "this weekend": an approximate day */
    return 0;
}

size_t idx_events_build(const char *body, size_t len, int64_t published,
                        arc_event_t **out)
{
    idx_span_t *sent = NULL;
    size_t ns, n;

    *out = NULL;
    if (body == NULL || len == 0)
        return 0;
    ns = idx_sentences(body, len, &sent);
    n = idx_events_from_sentences(body, len, published, sent, ns, 1, out);
    free(sent);
    return n;
}

size_t idx_events_from_sentences(const char *body, size_t len, int64_t published,
                                 const idx_span_t *sent, size_t ns, int copy_text,
                                 arc_event_t **out)
{
    idx_timex_t *tx = NULL;
    arc_event_t *ev = NULL;
    size_t nt, i, t = 0, n = 0;

    *out = NULL;
    if (body == NULL || len == 0 || ns == 0)
        return 0;
    nt = idx_timex_find(body, len, published, &tx);
    ev = calloc(ns, sizeof *ev);
    if (ev == NULL)
        goto done;
    for (i = 0; i < ns; i++) {
        const idx_timex_t *best = NULL;
        int best_rank = 4;
        arc_event_t *e;

        while (t < nt && tx[t].start < sent[i].start)
            t++;
        for (; t < nt && tx[t].end <= sent[i].end; t++) {
            int r = rank_of(body, &tx[t]);
            if (r >= 0 && r < best_rank) {
                best_rank = r;
                best = &tx[t];
            }
        }
        e = &ev[n];
        if (best != NULL) {
            e->date = best->value;
            e->granularity = best->granularity;
            e->from_published = 0;
        } else if (i == 0 && published != ARC_TIME_NONE) {
            e->date = (published / 86400 - (published % 86400 < 0)) * 86400;
            e->granularity = ARC_GRAN_DAY;
            e->from_published = 1;
        } else {
            continue;
        }
        e->start = sent[i].start;
        e->end = sent[i].end;
        if (!copy_text) {
            e->text = NULL;
            n++;
            continue;
        }
        e->text = idx_text_copy_utf8(body + sent[i].start,
                                     (size_t)(sent[i].end - sent[i].start), NULL);
        if (e->text == NULL) {
            idx_events_free(ev, n);
            ev = NULL;
            n = 0;
            goto done;
        }
        n++;
    }
    if (n == 0) {
        free(ev);
        ev = NULL;
    }
done:
    free(tx);
    *out = ev;
    return n;
}

void idx_events_free(arc_event_t *ev, size_t n)
{
    size_t i;

    if (ev == NULL)
        return;
    for (i = 0; i < n; i++)
        free((char *)ev[i].text);
    free(ev);
}
