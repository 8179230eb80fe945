/*
 * bench_dates - throughput of the date enrichment stage: sentence
 * segmentation, temporal expressions and dated events, on generated
 * 600-word news articles.
 *
 * Usage: bench_dates [articles]   (default 20000)
 * Prints articles/s and MB/s per second of CPU time of this single-threaded
 * process (what one core sustains), and the wall-clock rate, which is
 * lower when other work shares the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "text.h"

static const char *const pool[] = {
    "The government said on Tuesday that it would raise the minimum wage by 4.5% from April 1.",
    "Officials will meet again next week to review the plan, according to a statement.",
    "Mr. Smith, who joined the U.S. Senate in 2019, told reporters the bill was \"dead on arrival.\"",
    "Shares in the company fell 3.2 percent in early trading after it cut its full-year forecast.",
    "Heavy rain caused flooding across the region earlier this month, displacing thousands of people.",
    "The central bank kept interest rates unchanged last Thursday and signalled cuts later this year.",
    "Police said two men were arrested on Saturday night and will appear in court on Monday.",
    "The talks, which began on Dec. 2, are expected to conclude by the end of January.",
    "Rescue workers searched through the rubble for survivors as aftershocks continued.",
    "\"We are not going to give up,\" the coach said after the defeat, adding that the team would recover.",
    "Inflation eased to 2.1% in October, the lowest level since March 2021, data showed.",
    "The minister resigned yesterday after weeks of pressure over a housing scandal.",
    "Voters in the capital queued for hours... many said they had never seen such turnout.",
    "Dr. Jones, a professor at the university, said the findings would be published in May.",
    "The deal is worth about $2.3 billion and is subject to approval by regulators.",
    "Protesters gathered outside parliament on Friday, demanding early elections.",
    "The company's chief executive will step down at the end of the year, the board said.",
    "Temperatures are forecast to reach 40C this weekend, prompting health warnings.",
    "The ceasefire, agreed two weeks ago, appeared to be holding on Sunday.",
    "Analysts expect growth to slow next year as exports weaken and consumers cut spending.",
};

int main(int argc, char **argv)
{
    long n_articles = argc > 1 ? atol(argv[1]) : 20000;
    enum { N_VARIANTS = 64 };
    char *art[N_VARIANTS];
    size_t alen[N_VARIANTS], total_bytes = 0, sink = 0;
    int64_t published = 1764756000;     /* 2025-12-03T10:00:00Z */
    struct timespec t0, t1, c0, c1;
    unsigned seed = 12345;
    long a;
    double secs, cpu;
    int v;

    for (v = 0; v < N_VARIANTS; v++) {
        size_t cap = 16384, len = 0, words = 0;
        char *buf = malloc(cap);
        if (buf == NULL)
            return 1;
        while (words < 600) {
            const char *sentence;
            size_t sl, k;
            seed = seed * 1103515245u + 12345u;
            sentence = pool[(seed >> 16) % (sizeof pool / sizeof pool[0])];
            sl = strlen(sentence);
            if (len + sl + 3 >= cap)
                break;
            memcpy(buf + len, sentence, sl);
            len += sl;
            for (k = 0; k < sl; k++)
                words += sentence[k] == ' ';
            words++;
            buf[len++] = (seed >> 8) % 5 == 0 ? '\n' : ' ';
            if (buf[len - 1] == '\n')
                buf[len++] = '\n';
        }
        buf[len] = '\0';
        art[v] = buf;
        alen[v] = len;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    for (a = 0; a < n_articles; a++) {
        int k = (int)(a % N_VARIANTS);
        idx_span_t *sp;
        idx_timex_t *tx;
        arc_event_t *ev;
        size_t ns = idx_sentences(art[k], alen[k], &sp);
        size_t nt = idx_timex_find(art[k], alen[k], published, &tx);
        size_t ne = idx_events_build(art[k], alen[k], published, &ev);
        sink += ns + nt + ne;
        total_bytes += alen[k];
        free(sp);
        free(tx);
        idx_events_free(ev, ne);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("articles %ld  avg bytes %.0f  results %zu\n", n_articles,
           (double)total_bytes / (double)n_articles, sink);
    printf("cpu:  %.0f articles/s  %.1f MB/s  (%.3f s)\n", (double)n_articles / cpu,
           (double)total_bytes / cpu / 1e6, cpu);
    printf("wall: %.0f articles/s  (%.3f s)\n", (double)n_articles / secs, secs);
    for (v = 0; v < N_VARIANTS; v++)
        free(art[v]);
    return 0;
}
