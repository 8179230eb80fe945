/*
 * dates.c - temporal expressions in news text, resolved against the
 * publication date.
 *
 * The text is cut into tokens (words, numbers, punctuation) a bounded
 * window at a time; each word is looked up once in a small sorted lexicon
 * (months, weekdays, relative words, tense cues). Patterns are then matched
 * on tokens with bounded look-ahead, so the cost is linear in the input and
 * the only allocations are the token window and the result array.
 *
 * Resolution conventions (the publication day is "today", UTC):
 *  - a weekday with a past-tense cue or no cue is the latest such day on or
 *    before today; with a future cue ("will", "is due to", "expected") the
 *    first on or after today (news agencies name today's weekday rather than
 *    writing "today"); "last Tuesday" is strictly before, "next Tuesday"
 *    strictly after;
 *  - a day and month without a year are in the current year (news style
 *    gives the year otherwise) unless the tense moves them: a past-tense
 *    date more than 60 days ahead is last year's, a future-tense one more
 *    than 14 days gone is next year's, and with no cue one more than half a
 *    year away belongs to the nearer neighbouring year;
 *  - a month alone ("in March") is the latest such month up to this one
 *    (past cue), the first from this one on (future cue), or the nearest;
 *  - week expressions ("last week", "this weekend") resolve to the Monday
 *    (Saturday for weekends) of that week with day granularity, since the
 *    archive has no week granularity;
 *  - "next month", "earlier this month", "last year", "in 2024": month or
 *    year granularity.
 * Durations ("for two weeks", "over the past year") are not expressions.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "dates.h"

enum word_id {
    W_NONE = 0, W_MONTH, W_WDAY, W_YESTERDAY, W_TODAY, W_TOMORROW, W_TONIGHT,
    W_REL, W_PRE, W_EDGE, W_UNIT, W_AGO, W_THE, W_A, W_OF, W_ON, W_IN, W_AND,
    W_AT, W_FOR, W_TO, W_SINCE, W_PREP, W_DAYPART, W_NUMWORD, W_ORDWORD,
    W_FUT, W_BE, W_BEEN, W_TOBE, W_PAST, W_WDAY_BLOCK_BEFORE,
    W_WDAY_BLOCK_AFTER, W_USA, W_SHOW, W_NOTPAST, W_HOLIDAY, W_EVE, W_NEW
};
enum { P_EARLIER = 1, P_LATER, P_EARLY, P_LATE, P_MID };
enum { U_DAY = 1, U_WEEK, U_MONTH, U_YEAR, U_WEEKEND };
enum { H_CHRISTMAS = 1, H_BOXING, H_HALLOWEEN, H_VALENTINE, H_THANKSGIVING,
       H_EASTER };
#define LF_ABBR 1       /* abbreviated month or weekday name */
#define LF_AMBIG 2      /* "may", "march": also common words */
#define REL_NONE 99     /* no last/next/this modifier */

struct lexent {
    const char *w;
    unsigned char id;
    signed char arg;
    unsigned char flags;
};

/* Looked up through lex_index (a hash table built on first use). */
static const struct lexent lexicon[] = {
    {"a", W_A, 1, 0},
    {"after", W_PREP, 2, 0},
    {"afternoon", W_DAYPART, 0, 0},
    {"ago", W_AGO, 0, 0},
    {"aims", W_FUT, 0, 0},
    {"an", W_A, 1, 0},
    {"and", W_AND, 0, 0},
    {"apr", W_MONTH, 4, LF_ABBR},
    {"april", W_MONTH, 4, 0},
    {"are", W_TOBE, 0, 0},
    {"around", W_PREP, 0, 0},
    {"arrives", W_FUT, 0, 0},
    {"ash", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"at", W_AT, 0, 0},
    {"aug", W_MONTH, 8, LF_ABBR},
    {"august", W_MONTH, 8, 0},
    {"be", W_BE, 0, 0},
    {"beat", W_PAST, 0, 0},
    {"became", W_PAST, 0, 0},
    {"been", W_BEEN, 0, 0},
    {"before", W_PREP, 1, 0},
    {"began", W_PAST, 0, 0},
    {"beginning", W_EDGE, 0, 0},
    {"begins", W_FUT, 0, 0},
    {"between", W_PREP, 0, 0},
    {"black", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"bloody", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"bought", W_PAST, 0, 0},
    {"boxing", W_HOLIDAY, H_BOXING, 0},
    {"bred", W_NOTPAST, 0, 0},
    {"breed", W_NOTPAST, 0, 0},
    {"broke", W_PAST, 0, 0},
    {"brought", W_PAST, 0, 0},
    {"by", W_PREP, 0, 0},
    {"came", W_PAST, 0, 0},
    {"chose", W_PAST, 0, 0},
    {"christmas", W_HOLIDAY, H_CHRISTMAS, 0},
    {"coming", W_REL, 1, 0},
    {"could", W_FUT, 0, 0},
    {"current", W_REL, 0, 0},
    {"cyber", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"day", W_UNIT, U_DAY, 0},
    {"days", W_UNIT, U_DAY, 0},
    {"dec", W_MONTH, 12, LF_ABBR},
    {"december", W_MONTH, 12, 0},
    {"did", W_PAST, 0, 0},
    {"didn", W_PAST, 0, 0},
    {"died", W_PAST, 0, 0},
    {"due", W_FUT, 1, 0},
    {"during", W_PREP, 0, 0},
    {"earlier", W_PRE, P_EARLIER, 0},
    {"early", W_PRE, P_EARLY, 0},
    {"easter", W_HOLIDAY, H_EASTER, 0},
    {"eight", W_NUMWORD, 8, 0},
    {"eighteenth", W_ORDWORD, 18, 0},
    {"eighth", W_ORDWORD, 8, 0},
    {"eleven", W_NUMWORD, 11, 0},
    {"eleventh", W_ORDWORD, 11, 0},
    {"end", W_EDGE, 0, 0},
    {"eve", W_EVE, 0, 0},
    {"evening", W_DAYPART, 0, 0},
    {"exceed", W_NOTPAST, 0, 0},
    {"expect", W_FUT, 0, 0},
    {"expected", W_FUT, 1, 0},
    {"expects", W_FUT, 0, 0},
    {"express", W_WDAY_BLOCK_AFTER, 0, 0},
    {"faces", W_FUT, 0, 0},
    {"feb", W_MONTH, 2, LF_ABBR},
    {"february", W_MONTH, 2, 0},
    {"feed", W_NOTPAST, 0, 0},
    {"fell", W_PAST, 0, 0},
    {"felt", W_PAST, 0, 0},
    {"fifteenth", W_ORDWORD, 15, 0},
    {"fifth", W_ORDWORD, 5, 0},
    {"first", W_ORDWORD, 1, 0},
    {"five", W_NUMWORD, 5, 0},
    {"fled", W_PAST, 0, 0},
    {"flew", W_PAST, 0, 0},
    {"following", W_REL, 2, 0},
    {"for", W_FOR, 0, 0},
    {"fought", W_PAST, 0, 0},
    {"found", W_PAST, 0, 0},
    {"four", W_NUMWORD, 4, 0},
    {"fourteenth", W_ORDWORD, 14, 0},
    {"fourth", W_ORDWORD, 4, 0},
    {"fri", W_WDAY, 4, LF_ABBR},
    {"friday", W_WDAY, 4, 0},
    {"from", W_PREP, 0, 0},
    {"gave", W_PAST, 0, 0},
    {"going", W_TOBE, 0, 0},
    {"good", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"got", W_PAST, 0, 0},
    {"had", W_PAST, 0, 0},
    {"hadn", W_PAST, 0, 0},
    {"halloween", W_HOLIDAY, H_HALLOWEEN, 0},
    {"has", W_PAST, 0, 0},
    {"hasn", W_PAST, 0, 0},
    {"have", W_PAST, 0, 0},
    {"haven", W_PAST, 0, 0},
    {"heads", W_FUT, 0, 0},
    {"heard", W_PAST, 0, 0},
    {"held", W_PAST, 0, 0},
    {"herald", W_WDAY_BLOCK_AFTER, 0, 0},
    {"hit", W_PAST, 0, 0},
    {"holy", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"hope", W_FUT, 0, 0},
    {"hopes", W_FUT, 0, 0},
    {"hosts", W_FUT, 0, 0},
    {"hundred", W_NOTPAST, 0, 0},
    {"in", W_IN, 0, 0},
    {"indeed", W_NOTPAST, 0, 0},
    {"independent", W_WDAY_BLOCK_AFTER, 0, 0},
    {"intend", W_FUT, 0, 0},
    {"intends", W_FUT, 0, 0},
    {"into", W_PREP, 0, 0},
    {"is", W_TOBE, 0, 0},
    {"jan", W_MONTH, 1, LF_ABBR},
    {"january", W_MONTH, 1, 0},
    {"jul", W_MONTH, 7, LF_ABBR},
    {"july", W_MONTH, 7, 0},
    {"jun", W_MONTH, 6, LF_ABBR},
    {"june", W_MONTH, 6, 0},
    {"kept", W_PAST, 0, 0},
    {"knew", W_PAST, 0, 0},
    {"last", W_REL, -1, 0},
    {"late", W_PRE, P_LATE, 0},
    {"later", W_PRE, P_LATER, 0},
    {"led", W_PAST, 0, 0},
    {"left", W_PAST, 0, 0},
    {"ll", W_FUT, 0, 0},
    {"lost", W_PAST, 0, 0},
    {"made", W_PAST, 0, 0},
    {"mail", W_WDAY_BLOCK_AFTER, 0, 0},
    {"mar", W_MONTH, 3, LF_ABBR},
    {"march", W_MONTH, 3, LF_AMBIG},
    {"maundy", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"may", W_MONTH, 5, LF_AMBIG},
    {"meets", W_FUT, 0, 0},
    {"met", W_PAST, 0, 0},
    {"mid", W_PRE, P_MID, 0},
    {"middle", W_EDGE, 0, 0},
    {"might", W_FUT, 0, 0},
    {"mirror", W_WDAY_BLOCK_AFTER, 0, 0},
    {"mon", W_WDAY, 0, LF_ABBR},
    {"monday", W_WDAY, 0, 0},
    {"month", W_UNIT, U_MONTH, 0},
    {"months", W_UNIT, U_MONTH, 0},
    {"morning", W_DAYPART, 0, 0},
    {"must", W_FUT, 0, 0},
    {"need", W_FUT, 0, 0},
    {"needs", W_FUT, 0, 0},
    {"new", W_NEW, 0, 0},
    {"next", W_REL, 1, 0},
    {"night", W_DAYPART, 0, 0},
    {"nine", W_NUMWORD, 9, 0},
    {"nineteenth", W_ORDWORD, 19, 0},
    {"ninth", W_ORDWORD, 9, 0},
    {"nov", W_MONTH, 11, LF_ABBR},
    {"november", W_MONTH, 11, 0},
    {"oct", W_MONTH, 10, LF_ABBR},
    {"october", W_MONTH, 10, 0},
    {"of", W_OF, 0, 0},
    {"on", W_ON, 0, 0},
    {"one", W_NUMWORD, 1, 0},
    {"opens", W_FUT, 0, 0},
    {"paid", W_PAST, 0, 0},
    {"palm", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"past", W_REL, -2, 0},
    {"people", W_WDAY_BLOCK_AFTER, 0, 0},
    {"plan", W_FUT, 0, 0},
    {"planned", W_FUT, 1, 0},
    {"plans", W_FUT, 0, 0},
    {"post", W_WDAY_BLOCK_AFTER, 0, 0},
    {"previous", W_REL, -1, 0},
    {"proceed", W_NOTPAST, 0, 0},
    {"program", W_SHOW, 0, 0},
    {"programme", W_SHOW, 0, 0},
    {"promised", W_FUT, 0, 0},
    {"quit", W_PAST, 0, 0},
    {"ran", W_PAST, 0, 0},
    {"resumes", W_FUT, 0, 0},
    {"rose", W_PAST, 0, 0},
    {"said", W_PAST, 0, 0},
    {"sat", W_WDAY, 5, LF_ABBR},
    {"saturday", W_WDAY, 5, 0},
    {"saw", W_PAST, 0, 0},
    {"says", W_PAST, 0, 0},
    {"scheduled", W_FUT, 1, 0},
    {"second", W_ORDWORD, 2, 0},
    {"seed", W_NOTPAST, 0, 0},
    {"sent", W_PAST, 0, 0},
    {"sep", W_MONTH, 9, LF_ABBR},
    {"sept", W_MONTH, 9, LF_ABBR},
    {"september", W_MONTH, 9, 0},
    {"set", W_TOBE, 0, 0},
    {"seven", W_NUMWORD, 7, 0},
    {"seventeenth", W_ORDWORD, 17, 0},
    {"seventh", W_ORDWORD, 7, 0},
    {"shall", W_FUT, 0, 0},
    {"shed", W_NOTPAST, 0, 0},
    {"shot", W_PAST, 0, 0},
    {"should", W_FUT, 0, 0},
    {"show", W_SHOW, 0, 0},
    {"since", W_SINCE, 0, 0},
    {"six", W_NUMWORD, 6, 0},
    {"sixteenth", W_ORDWORD, 16, 0},
    {"sixth", W_ORDWORD, 6, 0},
    {"sold", W_PAST, 0, 0},
    {"speed", W_NOTPAST, 0, 0},
    {"spoke", W_PAST, 0, 0},
    {"sport", W_WDAY_BLOCK_AFTER, 0, 0},
    {"star", W_WDAY_BLOCK_AFTER, 0, 0},
    {"start", W_EDGE, 0, 0},
    {"starts", W_FUT, 0, 0},
    {"stood", W_PAST, 0, 0},
    {"struck", W_PAST, 0, 0},
    {"succeed", W_NOTPAST, 0, 0},
    {"sun", W_WDAY, 6, LF_ABBR},
    {"sunday", W_WDAY, 6, 0},
    {"super", W_WDAY_BLOCK_BEFORE, 0, 0},
    {"telegraph", W_WDAY_BLOCK_AFTER, 0, 0},
    {"ten", W_NUMWORD, 10, 0},
    {"tenth", W_ORDWORD, 10, 0},
    {"thanksgiving", W_HOLIDAY, H_THANKSGIVING, 0},
    {"the", W_THE, 0, 0},
    {"third", W_ORDWORD, 3, 0},
    {"thirteenth", W_ORDWORD, 13, 0},
    {"thirtieth", W_ORDWORD, 30, 0},
    {"this", W_REL, 0, 0},
    {"thought", W_PAST, 0, 0},
    {"three", W_NUMWORD, 3, 0},
    {"through", W_PREP, 0, 0},
    {"throughout", W_PREP, 0, 0},
    {"thu", W_WDAY, 3, LF_ABBR},
    {"thur", W_WDAY, 3, LF_ABBR},
    {"thurs", W_WDAY, 3, LF_ABBR},
    {"thursday", W_WDAY, 3, 0},
    {"till", W_PREP, 0, 0},
    {"times", W_WDAY_BLOCK_AFTER, 0, 0},
    {"to", W_TO, 0, 0},
    {"today", W_TODAY, 0, 0},
    {"told", W_PAST, 0, 0},
    {"tomorrow", W_TOMORROW, 0, 0},
    {"tonight", W_TONIGHT, 0, 0},
    {"took", W_PAST, 0, 0},
    {"travels", W_FUT, 0, 0},
    {"tribune", W_WDAY_BLOCK_AFTER, 0, 0},
    {"tue", W_WDAY, 1, LF_ABBR},
    {"tues", W_WDAY, 1, LF_ABBR},
    {"tuesday", W_WDAY, 1, 0},
    {"twelfth", W_ORDWORD, 12, 0},
    {"twelve", W_NUMWORD, 12, 0},
    {"twentieth", W_ORDWORD, 20, 0},
    {"two", W_NUMWORD, 2, 0},
    {"until", W_PREP, 0, 0},
    {"upcoming", W_REL, 1, 0},
    {"usa", W_USA, 0, 0},
    {"valentine", W_HOLIDAY, H_VALENTINE, 0},
    {"vowed", W_FUT, 0, 0},
    {"wants", W_FUT, 0, 0},
    {"was", W_PAST, 0, 0},
    {"wasn", W_PAST, 0, 0},
    {"wed", W_WDAY, 2, LF_ABBR},
    {"wednesday", W_WDAY, 2, 0},
    {"week", W_UNIT, U_WEEK, 0},
    {"weekend", W_UNIT, U_WEEKEND, 0},
    {"weeks", W_UNIT, U_WEEK, 0},
    {"went", W_PAST, 0, 0},
    {"were", W_PAST, 0, 0},
    {"weren", W_PAST, 0, 0},
    {"will", W_FUT, 0, 0},
    {"within", W_PREP, 0, 0},
    {"won", W_PAST, 0, 0},
    {"would", W_FUT, 0, 0},
    {"wrote", W_PAST, 0, 0},
    {"xmas", W_HOLIDAY, H_CHRISTMAS, 0},
    {"year", W_UNIT, U_YEAR, 0},
    {"years", W_UNIT, U_YEAR, 0},
    {"yesterday", W_YESTERDAY, 0, 0},
    {"yr", W_UNIT, U_YEAR, 0},
};

enum { TK_WORD = 1, TK_NUM, TK_PUNCT };

struct tok {
    int start, end;
    int num;                /* value of a number */
    unsigned char kind;
    unsigned char ch;       /* punctuation; 0x80 for other non-ASCII text */
    unsigned char id;       /* enum word_id */
    signed char arg;
    unsigned char flags;    /* LF_* */
    unsigned char cap;      /* starts with a capital */
    unsigned char allcaps;
    unsigned char sp;       /* whitespace before the token */
    unsigned char ord;      /* ordinal number: 2nd */
    unsigned char ndig;     /* digits of a number */
    unsigned char past_ed;  /* lower-case word ending in -ed */
    unsigned char plural;   /* word ends in s */
};

/* Token window: flushed at a sentence end once FLUSH_AT tokens are held,
 * and unconditionally at MAX_TOKENS. */
#define MAX_TOKENS 4096
#define FLUSH_AT 1024

struct hit {
    int a, b;               /* token range [a, b) */
    int64_t day;            /* day number of the value */
    arc_granularity_t g;
    int relative;           /* depends on the publication date */
};

struct scan {
    const unsigned char *t;
    struct tok *k;
    int n;
    int have_pub;
    int64_t pub;            /* publication day number */
    int py, pm, pd, pwd;    /* its date; weekday 0 = Monday */
    idx_timex_t *out;
    size_t nout, cap;
    int failed;
};

/* ---- lexicon and tokens ---------------------------------------------- */

/* Open-addressing index over the lexicon, built once (call_once). */
#define LEX_SLOTS 1024
static short lex_index[LEX_SLOTS];     /* lexicon position + 1; 0 empty */
static once_flag lex_once = ONCE_FLAG_INIT;

static unsigned hash_word(const char *w, size_t n)
{
    unsigned h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static void build_lex_index(void)
{
    size_t i;

    for (i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
        unsigned h = hash_word(lexicon[i].w, strlen(lexicon[i].w)) % LEX_SLOTS;
        while (lex_index[h] != 0)
            h = (h + 1) % LEX_SLOTS;
        lex_index[h] = (short)(i + 1);
    }
}

/* Look up a lower-case word whose hash_word() is hv. */
static const struct lexent *lookup_hashed(const char *w, size_t n, unsigned hv)
{
    unsigned h = hv % LEX_SLOTS;

    call_once(&lex_once, build_lex_index);
    while (lex_index[h] != 0) {
        const struct lexent *e = &lexicon[lex_index[h] - 1];
        if (strncmp(e->w, w, n) == 0 && e->w[n] == '\0')
            return e;
        h = (h + 1) % LEX_SLOTS;
    }
    return NULL;
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static void classify_word(struct tok *k, const unsigned char *w, size_t n)
{
    char low[16];
    size_t i, upper = 0;
    unsigned hv = 2166136261u;
    const struct lexent *e;

    k->cap = is_upper(w[0]);
    k->plural = w[n - 1] == 's' || w[n - 1] == 'S';
    if (n >= sizeof low) {
        for (i = 0; i < n; i++)
            upper += is_upper(w[i]);
        k->allcaps = upper == n;
        return;
    }
    /* one pass: capitals counted, lower-cased, hashed as hash_word() */
    for (i = 0; i < n; i++) {
        unsigned char c = w[i];
        if (is_upper(c)) {
            upper++;
            c = (unsigned char)(c + 32);
        }
        low[i] = (char)c;
        hv = (hv ^ c) * 16777619u;
    }
    k->allcaps = n > 1 && upper == n;
    low[n] = '\0';
    e = lookup_hashed(low, n, hv);
    if (e != NULL) {
        k->id = e->id;
        k->arg = e->arg;
        k->flags = e->flags;
        if (e->id == W_NUMWORD || e->id == W_ORDWORD || e->id == W_A)
            k->num = e->arg;
        k->ord = e->id == W_ORDWORD;
    } else if (n >= 4 && !k->cap && low[n - 2] == 'e' && low[n - 1] == 'd') {
        k->past_ed = low[n - 3] != 'e' || strcmp(low, "agreed") == 0 ||
                     strcmp(low, "freed") == 0;
    }
}

/* Read one token at *pos; returns 0 at the end of text. A paragraph break
 * becomes a '\n' punctuation token. */
static int next_token(const unsigned char *t, size_t len, size_t *pos,
                      struct tok *k)
{
    size_t i = *pos, j;
    int sp = 0, para = 0;

    while (i < len && is_space(t[i])) {
        if (t[i] == '\n') {
            size_t q = i + 1;
            while (q < len && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r'))
                q++;
            if (q < len && t[q] == '\n') {
                para = 1;
                break;
            }
        }
        sp = 1;
        i++;
    }
    if (i >= len)
        return 0;
    memset(k, 0, sizeof *k);
    k->sp = (unsigned char)sp;
    k->start = (int)i;
    if (para) {
        /* A paragraph break: one '\n' token; the rest of the blank run is
         * skipped by the next call. */
        k->kind = TK_PUNCT;
        k->ch = '\n';
        k->end = (int)i + 1;
        *pos = i + 1;
        return 1;
    }
    if (is_alpha(t[i])) {
        j = i;
        while (j < len && is_alpha(t[j]))
            j++;
        k->kind = TK_WORD;
        classify_word(k, t + i, j - i);
    } else if (is_digit(t[i])) {
        long v = 0;
        j = i;
        while (j < len && is_digit(t[j])) {
            if (j - i < 9)
                v = v * 10 + (t[j] - '0');
            j++;
        }
        k->kind = TK_NUM;
        k->ndig = (unsigned char)(j - i > 9 ? 10 : j - i);
        k->num = j - i > 9 ? -1 : (int)v;
        if (j + 1 < len && is_alpha(t[j]) && is_alpha(t[j + 1]) &&
            (j + 2 >= len || !is_alpha(t[j + 2]))) {
            char a = (char)(t[j] | 0x20), b = (char)(t[j + 1] | 0x20);
            if ((a == 's' && b == 't') || (a == 'n' && b == 'd') ||
                (a == 'r' && b == 'd') || (a == 't' && b == 'h')) {
                k->ord = 1;
                j += 2;
            }
        }
    } else if (t[i] >= 0x80) {
        j = i;
        if (len - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x80 &&
            (t[i + 2] == 0x99 || t[i + 2] == 0x98)) {
            k->ch = '\'';
            j = i + 3;
        } else {
            k->ch = 0x80;
            j = i + 1;
            while (j < len && t[j] >= 0x80 &&
                   !(t[j] == 0xE2 && len - j >= 3 && t[j + 1] == 0x80))
                j++;
        }
        k->kind = TK_PUNCT;
    } else {
        k->kind = TK_PUNCT;
        k->ch = t[i];
        j = i + 1;
    }
    k->end = (int)j;
    *pos = j;
    return 1;
}

/* ---- token predicates ------------------------------------------------ */

static int tk(const struct scan *s, int i, int id)
{
    return i >= 0 && i < s->n && s->k[i].id == id && s->k[i].kind == TK_WORD;
}

static int pc(const struct scan *s, int i, unsigned char ch)
{
    return i >= 0 && i < s->n && s->k[i].kind == TK_PUNCT && s->k[i].ch == ch;
}

static int adjacent(const struct scan *s, int i)
{
    return i >= 0 && i < s->n && !s->k[i].sp;
}

static int is_num(const struct scan *s, int i)
{
    return i >= 0 && i < s->n && s->k[i].kind == TK_NUM;
}

/* A number that is not part of a time, a decimal, a percentage, an amount
 * of money or a thousands group. */
static int clean_number(const struct scan *s, int i)
{
    if (adjacent(s, i + 1) && s->k[i + 1].kind == TK_PUNCT) {
        unsigned char c = s->k[i + 1].ch;
        if (c == ':' || c == '%')
            return 0;
        if ((c == '.' || c == ',') && adjacent(s, i + 2) && is_num(s, i + 2))
            return 0;
    }
    if (adjacent(s, i) && i > 0 && s->k[i - 1].kind == TK_PUNCT) {
        unsigned char c = s->k[i - 1].ch;
        if (c == '$' || c == '#' || c == 0x80 || c == ':')
            return 0;
        if ((c == '.' || c == ',') && adjacent(s, i - 1) && is_num(s, i - 2))
            return 0;
    }
    return 1;
}

/* Day of month at token i ("2", "2nd", "second"), or 0. */
static int day_at(const struct scan *s, int i)
{
    const struct tok *k;

    if (i < 0 || i >= s->n)
        return 0;
    k = &s->k[i];
    if (k->kind == TK_NUM && k->ndig <= 2 && k->num >= 1 && k->num <= 31 &&
        clean_number(s, i))
        return k->num;
    if (k->kind == TK_WORD && k->id == W_ORDWORD)
        return k->num;
    return 0;
}

/* Four-digit year at token i, or 0. */
static int year_at(const struct scan *s, int i)
{
    const struct tok *k;

    if (!is_num(s, i))
        return 0;
    k = &s->k[i];
    if (k->ndig != 4 || k->ord || k->num < 1000 || k->num > 2999 ||
        !clean_number(s, i))
        return 0;
    return k->num;
}

/* ---- calendar ---------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

static int valid_date(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static int weekday_of(int64_t day)
{
    return (int)(((day % 7) + 7 + 3) % 7);  /* 1970-01-01 was a Thursday */
}

/* First day of month m (any integer) of year y, normalised. */
static int64_t month_start(int y, int m)
{
    int mm = m - 1;
    y += mm >= 0 ? mm / 12 : -((11 - mm) / 12);
    mm = ((mm % 12) + 12) % 12;
    return arc_days_from_civil(y, mm + 1, 1);
}

/* Pick the year of a yearly date (day numbers in the previous, this and
 * the next year; INT64_MIN where it does not exist). News style omits the
 * year for dates of the current year, so this year wins unless the tense
 * says otherwise: a past date more than 60 days ahead is last year's, a
 * future one more than 14 days gone is next year's, and with no cue a date
 * more than half a year away is taken from the nearer neighbouring year. */
static int64_t choose_year(const struct scan *s, const int64_t c[3], int tense)
{
    int64_t diff;

    if (c[1] == INT64_MIN)
        return tense > 0 ? c[2] : c[0];
    diff = c[1] - s->pub;
    if (tense < 0 && diff > 60)
        return c[0];
    if (tense > 0 && diff < -14)
        return c[2];
    if (tense == 0 && diff > 183 && c[0] != INT64_MIN)
        return c[0];
    if (tense == 0 && diff < -183 && c[2] != INT64_MIN)
        return c[2];
    return c[1];
}

/* A day and month without a year, by tense (see choose_year); wd >= 0 is a
 * weekday given with it ("Tuesday, Dec. 2"): the nearest year where the
 * date falls on it wins. INT64_MIN when the date never exists. */
static int64_t resolve_month_day(const struct scan *s, int m, int d, int tense,
                                 int wd)
{
    int64_t c[3], best = INT64_MIN, best_dist = INT64_MAX;
    int k;

    for (k = 0; k < 3; k++) {
        int y = s->py - 1 + k;
        c[k] = valid_date(y, m, d) ? arc_days_from_civil(y, m, d) : INT64_MIN;
        if (wd >= 0 && c[k] != INT64_MIN && weekday_of(c[k]) == wd) {
            int64_t dist = c[k] > s->pub ? c[k] - s->pub : s->pub - c[k];
            if (dist < best_dist) {
                best_dist = dist;
                best = c[k];
            }
        }
    }
    if (best != INT64_MIN)
        return best;
    return choose_year(s, c, tense);
}

/* Month m without a year: rel -1 last, +1 next, 0 this; else by tense. */
static int64_t resolve_month(const struct scan *s, int m, int rel, int tense)
{
    int y = s->py, diff = m - s->pm;

    if (rel == -1 || rel == -2)
        y = m < s->pm ? s->py : s->py - 1;
    else if (rel == 1)
        y = m > s->pm ? s->py : s->py + 1;
    else if (rel == 0)
        y = s->py;
    else if (tense > 0)
        y = m >= s->pm ? s->py : s->py + 1;
    else if (tense < 0)
        y = m <= s->pm ? s->py : s->py - 1;
    else if (diff > 5)
        y = s->py - 1;
    else if (diff < -6)
        y = s->py + 1;
    return arc_days_from_civil(y, m, 1);
}

enum { WD_BEFORE, WD_AFTER, WD_ON_OR_BEFORE, WD_ON_OR_AFTER };

static int64_t resolve_weekday(const struct scan *s, int wd, int mode)
{
    int back = (s->pwd - wd + 7) % 7, fwd = (wd - s->pwd + 7) % 7;

    switch (mode) {
    case WD_BEFORE:
        return s->pub - (back ? back : 7);
    case WD_AFTER:
        return s->pub + (fwd ? fwd : 7);
    case WD_ON_OR_AFTER:
        return s->pub + fwd;
    default:
        return s->pub - back;
    }
}

/* ---- tense ------------------------------------------------------------- */

static int is_boundary(const struct scan *s, int j)
{
    const struct tok *k = &s->k[j];

    if (k->kind != TK_PUNCT)
        return 0;
    if (k->ch == '!' || k->ch == '?' || k->ch == ';' || k->ch == '\n')
        return 1;
    if (k->ch != '.' || j + 1 >= s->n || !s->k[j + 1].sp || !s->k[j + 1].cap)
        return 0;
    /* "St. Peter's", "U.S. Senate", "Mr. Smith": not an end */
    return !(j > 0 && s->k[j - 1].kind == TK_WORD && s->k[j - 1].cap &&
             s->k[j - 1].end - s->k[j - 1].start <= 3 && s->k[j - 1].id == W_NONE);
}

static int word_is(const struct scan *s, int i, const char *w)
{
    size_t n = strlen(w);
    const struct tok *k = &s->k[i];
    size_t q;

    if ((size_t)(k->end - k->start) != n)
        return 0;
    for (q = 0; q < n; q++)
        if ((s->t[k->start + q] | 0x20) != w[q])
            return 0;
    return 1;
}

/* Tense cue of token j: -1 past, +1 future, 0 none. */
static int cue_of(const struct scan *s, int j)
{
    const struct tok *k = &s->k[j];

    if (k->kind != TK_WORD)
        return 0;
    switch (k->id) {
    case W_FUT:
    case W_BE:
        return 1;
    case W_MONTH:   /* the modal "may" */
        return k->arg == 5 && !k->cap && !(k->flags & LF_ABBR) ? 1 : 0;
    case W_TOBE:    /* "is to", "set to", "going to" */
        return tk(s, j + 1, W_TO) ? 1 : 0;
    case W_PAST:
        if (pc(s, j + 1, '\'') && j + 2 < s->n && word_is(s, j + 2, "t") &&
            word_is(s, j, "won"))
            return 1;
        return -1;
    case W_BEEN:
    case W_SINCE:
    case W_AGO:
        return -1;
    case W_NONE:
        if (k->past_ed)
            return -1;
        return (!k->cap && word_is(s, j, "ll")) ? 1 : 0;
    default:
        return 0;
    }
}

/* Tense of the clause around tokens [a, b): the nearest cue before the
 * expression, else the nearest after it, within the sentence. A past
 * participle after "be" ("will be held") is future. */
static int tense_at(const struct scan *s, int a, int b)
{
    int j, steps;

    for (j = a - 1, steps = 0; j >= 0 && steps < 24; j--, steps++) {
        int c;
        if (is_boundary(s, j))
            break;
        c = cue_of(s, j);
        if (c < 0 && s->k[j].id != W_BEEN && s->k[j].id != W_SINCE &&
            ((j >= 1 && tk(s, j - 1, W_BE)) || (j >= 2 && tk(s, j - 2, W_BE))))
            return 1;
        /* "was expected to", "had been scheduled to": a past plan */
        if (c > 0 && s->k[j].id == W_FUT && s->k[j].arg == 1 &&
            ((j >= 1 && tk(s, j - 1, W_PAST)) ||
             (j >= 2 && tk(s, j - 1, W_BEEN) && tk(s, j - 2, W_PAST) &&
              !word_is(s, j - 2, "has") && !word_is(s, j - 2, "have"))))
            return -1;
        if (c)
            return c;
    }
    for (j = b, steps = 0; j < s->n && steps < 12; j++, steps++) {
        int c;
        if (is_boundary(s, j))
            break;
        c = cue_of(s, j);
        if (c)
            return c;
    }
    return 0;
}

/* ---- matchers ---------------------------------------------------------
 * Each takes the token where the expression may start and fills a hit
 * whose range ends after the last token used; returns 1 on a match. */

static int set_hit(struct hit *h, int a, int b, int64_t day,
                   arc_granularity_t g, int relative)
{
    if (day == INT64_MIN)
        return 0;
    h->a = a;
    h->b = b;
    h->day = day;
    h->g = g;
    h->relative = relative;
    return 1;
}

/* Month name at i usable in a date; *e is set past it (and its period). */
static int month_at(const struct scan *s, int i, int *e)
{
    if (!tk(s, i, W_MONTH))
        return 0;
    *e = i + 1;
    if ((s->k[i].flags & LF_ABBR) && pc(s, i + 1, '.') && adjacent(s, i + 1))
        *e = i + 2;
    return s->k[i].arg;
}

/* Optional ", 2025" or " 2025" at *e: returns the year and advances. */
static int trailing_year(const struct scan *s, int *e)
{
    int y = year_at(s, *e);

    if (y && !s->k[*e].sp && *e > 0 && s->k[*e - 1].kind == TK_WORD)
        return 0;   /* "Dec2025" */
    if (y) {
        (*e)++;
        return y;
    }
    if (pc(s, *e, ',') && (y = year_at(s, *e + 1)) != 0) {
        *e += 2;
        return y;
    }
    return 0;
}

/* "December 2", "Dec. 2nd, 2025", "february the 15th" at month token j;
 * the expression starts at a. wd >= 0 is a weekday already read. */
static int match_month_day(const struct scan *s, int a, int j, int wd,
                           struct hit *h)
{
    int e, m = month_at(s, j, &e), d, y;

    if (!m)
        return 0;
    if (tk(s, e, W_THE) && (s->k[e + 1 < s->n ? e + 1 : e].ord))
        e++;
    d = day_at(s, e);
    if (!d || (s->k[e].kind == TK_WORD && (s->k[j].flags & LF_AMBIG)))
        return 0;
    /* "March 10-year bonds", "May 5,000" */
    if (pc(s, e + 1, '-') && adjacent(s, e + 1) && !is_num(s, e + 2))
        return 0;
    e++;
    if (pc(s, e, '-') && adjacent(s, e) && day_at(s, e + 1) > d)
        e += 2;     /* a range "Dec. 2-3" takes its first day */
    y = trailing_year(s, &e);
    if (y)
        return valid_date(y, m, d) &&
               set_hit(h, a, e, arc_days_from_civil(y, m, d), ARC_GRAN_DAY, 0);
    return set_hit(h, a, e,
                   resolve_month_day(s, m, d, tense_at(s, a, e), wd),
                   ARC_GRAN_DAY, 1);
}

/* "2 December", "2nd of December 2025", "31-Oct-74" at day token i. */
static int match_day_month(const struct scan *s, int a, int i, int wd,
                           struct hit *h)
{
    int d = day_at(s, i), e = i + 1, m, y, me;

    if (!d)
        return 0;
    if ((pc(s, e, '-') || pc(s, e, '/')) && adjacent(s, e) &&
        adjacent(s, e + 1) && (m = month_at(s, e + 1, &me)) != 0 &&
        me == e + 2 && pc(s, me, s->k[e].ch) && adjacent(s, me) &&
        adjacent(s, me + 1) && is_num(s, me + 1)) {
        const struct tok *yk = &s->k[me + 1];
        y = yk->num;
        if (yk->ndig == 2)
            y += y < 50 ? 2000 : 1900;
        else if (yk->ndig != 4)
            return 0;
        return valid_date(y, m, d) &&
               set_hit(h, a, me + 2, arc_days_from_civil(y, m, d),
                       ARC_GRAN_DAY, 0);
    }
    if (tk(s, e, W_OF))
        e++;
    m = month_at(s, e, &me);
    if (!m)
        return 0;
    if ((s->k[e].flags & LF_AMBIG) && !s->k[e].cap && !s->k[i].ord &&
        e == i + 1)
        return 0;   /* "5 may" */
    e = me;
    y = trailing_year(s, &e);
    if (y)
        return valid_date(y, m, d) &&
               set_hit(h, a, e, arc_days_from_civil(y, m, d), ARC_GRAN_DAY, 0);
    return set_hit(h, a, e,
                   resolve_month_day(s, m, d, tense_at(s, a, e), wd),
                   ARC_GRAN_DAY, 1);
}

/* "2025-12-02", "2025/12/02". */
static int match_iso(const struct scan *s, int i, struct hit *h)
{
    int y, m, d;
    unsigned char sep;

    if (s->k[i].ndig != 4 || s->k[i].ord || i + 4 >= s->n + 0 ||
        !(pc(s, i + 1, '-') || pc(s, i + 1, '/')))
        return 0;
    sep = s->k[i + 1].ch;
    if (!adjacent(s, i + 1) || !adjacent(s, i + 2) || !is_num(s, i + 2) ||
        !pc(s, i + 3, sep) || !adjacent(s, i + 3) || !adjacent(s, i + 4) ||
        !is_num(s, i + 4) || s->k[i + 2].ndig > 2 || s->k[i + 4].ndig > 2 ||
        s->k[i + 4].ord)
        return 0;
    if (pc(s, i + 5, sep) && adjacent(s, i + 5))
        return 0;
    y = s->k[i].num;
    m = s->k[i + 2].num;
    d = s->k[i + 4].num;
    return valid_date(y, m, d) &&
           set_hit(h, i, i + 5, arc_days_from_civil(y, m, d), ARC_GRAN_DAY, 0);
}

/* "10/31/1974", "3/3/15", "31.10.1974": month first unless impossible. */
static int match_numeric(const struct scan *s, int i, struct hit *h)
{
    int a, b, y, m, d;
    unsigned char sep;

    if (i + 4 >= s->n || s->k[i].ndig > 2 || s->k[i].ord ||
        s->k[i + 1].kind != TK_PUNCT)
        return 0;
    sep = s->k[i + 1].ch;
    if ((sep != '/' && sep != '-' && sep != '.') || !adjacent(s, i + 1) ||
        !adjacent(s, i + 2) || !is_num(s, i + 2) || s->k[i + 2].ndig > 2 ||
        !pc(s, i + 3, sep) || !adjacent(s, i + 3) || !adjacent(s, i + 4) ||
        !is_num(s, i + 4) || s->k[i + 4].ord ||
        (s->k[i + 4].ndig != 2 && s->k[i + 4].ndig != 4))
        return 0;
    if (pc(s, i + 5, sep) && adjacent(s, i + 5))
        return 0;   /* 650-650-6500 has more groups */
    if (i > 0 && adjacent(s, i) && s->k[i - 1].kind == TK_PUNCT &&
        (s->k[i - 1].ch == sep || s->k[i - 1].ch == '.'))
        return 0;
    a = s->k[i].num;
    b = s->k[i + 2].num;
    y = s->k[i + 4].num;
    if (s->k[i + 4].ndig == 2)
        y += y < 50 ? 2000 : 1900;
    if (a > 12 && b <= 12) {
        d = a;
        m = b;
    } else {
        m = a;
        d = b;
    }
    return valid_date(y, m, d) &&
           set_hit(h, i, i + 5, arc_days_from_civil(y, m, d), ARC_GRAN_DAY, 0);
}

/* "three days ago", "a year ago", "2 weeks ago". */
static int match_ago(const struct scan *s, int i, struct hit *h)
{
    const struct tok *k = &s->k[i];
    int n, unit;

    if (k->kind == TK_NUM) {
        if (k->ord || k->ndig > 3 || !clean_number(s, i))
            return 0;
        n = k->num;
    } else if (k->id == W_NUMWORD || k->id == W_A) {
        n = k->num;
    } else {
        return 0;
    }
    if (!tk(s, i + 1, W_UNIT) || !tk(s, i + 2, W_AGO))
        return 0;
    unit = s->k[i + 1].arg;
    switch (unit) {
    case U_DAY:
        return set_hit(h, i, i + 3, s->pub - n, ARC_GRAN_DAY, 1);
    case U_WEEK:
        return set_hit(h, i, i + 3, s->pub - 7 * (int64_t)n, ARC_GRAN_DAY, 1);
    case U_MONTH:
        return set_hit(h, i, i + 3, month_start(s->py, s->pm - n),
                       ARC_GRAN_MONTH, 1);
    case U_YEAR:
        return set_hit(h, i, i + 3, arc_days_from_civil(s->py - n, 1, 1),
                       ARC_GRAN_YEAR, 1);
    default:
        return 0;
    }
}

/* Words before a bare year or month that make it a date: "in", "since",
 * "by", "until", "during", "before", "after", ... */
static int date_cue_before(const struct scan *s, int i)
{
    if (i < 0 || i >= s->n || s->k[i].kind != TK_WORD)
        return 0;
    switch (s->k[i].id) {
    case W_IN: case W_SINCE: case W_PREP:
        return 1;
    case W_OF:      /* "the summer of 2024", "the month of May" */
        return i > 0 && (tk(s, i - 1, W_UNIT) || tk(s, i - 1, W_EDGE) ||
                         (s->k[i - 1].kind == TK_WORD &&
                          (word_is(s, i - 1, "summer") ||
                           word_is(s, i - 1, "spring") ||
                           word_is(s, i - 1, "autumn") ||
                           word_is(s, i - 1, "winter") ||
                           word_is(s, i - 1, "fall"))));
    default:
        return 0;
    }
}

/* "in 2024", "since 2019", "by 2030". */
static int match_year(const struct scan *s, int i, struct hit *h)
{
    int y = year_at(s, i);

    if (!y || y < 1800 || y > 2199 || !date_cue_before(s, i - 1))
        return 0;
    if (i + 1 < s->n && (s->k[i + 1].kind == TK_NUM ||
                         (s->k[i + 1].kind == TK_WORD && s->k[i + 1].id == W_UNIT)))
        return 0;
    return set_hit(h, i, i + 1, arc_days_from_civil(y, 1, 1), ARC_GRAN_YEAR, 0);
}

/* A date right after a weekday: "Tuesday, December 2", "Tue 2 Dec",
 * "Tuesday the 19th", "Thu 15th". */
static int match_after_weekday(const struct scan *s, int a, int d, int wd,
                               struct hit *h)
{
    int e, day;

    if (pc(s, d, ','))
        d++;
    if (tk(s, d, W_MONTH))
        return match_month_day(s, a, d, wd, h);
    if (match_day_month(s, a, tk(s, d, W_THE) ? d + 1 : d, wd, h))
        return 1;
    e = tk(s, d, W_THE) ? d + 1 : d;
    day = day_at(s, e);
    if (day && (s->k[e].ord || e > d)) {
        /* the day of this, the previous or the next month that falls on wd */
        int64_t best = INT64_MIN, best_dist = INT64_MAX;
        int dm;
        for (dm = -1; dm <= 1; dm++) {
            int64_t first = month_start(s->py, s->pm + dm), dd, dist;
            int y, m;
            arc_civil_from_days(first, &y, &m, NULL);
            if (!valid_date(y, m, day))
                continue;
            dd = first + day - 1;
            if (weekday_of(dd) != wd)
                continue;
            dist = dd > s->pub ? dd - s->pub : s->pub - dd;
            if (dist < best_dist) {
                best_dist = dist;
                best = dd;
            }
        }
        return set_hit(h, a, e + 1, best, ARC_GRAN_DAY, 1);
    }
    return 0;
}

static int64_t week_monday(const struct scan *s, int rel)
{
    return s->pub - s->pwd + 7 * (int64_t)rel;
}

/* Weekday at j, the expression starting at a, with modifier rel. */
static int match_weekday(const struct scan *s, int a, int j, int rel,
                         struct hit *h)
{
    const struct tok *k = &s->k[j];
    int wd = k->arg, e = j + 1, b, mode, q;

    if (j > 0 && (tk(s, j - 1, W_WDAY_BLOCK_BEFORE) || tk(s, j - 1, W_HOLIDAY)))
        return 0;   /* Black Friday, Easter Sunday, Super Tuesday */
    if (tk(s, j + 1, W_WDAY_BLOCK_AFTER) && s->k[j + 1].cap)
        return 0;   /* Sunday Times */
    if (j > 1 && tk(s, j - 1, W_ON) && tk(s, j - 2, W_WDAY_BLOCK_AFTER) &&
        s->k[j - 2].cap)
        return 0;   /* Mail on Sunday */
    if ((k->flags & LF_ABBR) && pc(s, e, '.') && adjacent(s, e))
        e++;
    if (rel == REL_NONE && match_after_weekday(s, a, e, wd, h))
        return 1;
    if (k->flags & LF_ABBR)
        return 0;   /* "Sun", "Wed", "Sat" only with a date */
    b = e;
    if (tk(s, b, W_DAYPART))
        b++;
    /* "Tuesday of next week", "Wednesday this week" */
    q = tk(s, b, W_OF) ? b + 1 : b;
    if (rel == REL_NONE && tk(s, q, W_REL) && tk(s, q + 1, W_UNIT) &&
        s->k[q + 1].arg == U_WEEK && !s->k[q + 1].plural &&
        s->k[q].arg >= -1 && s->k[q].arg <= 1)
        return set_hit(h, a, q + 2, week_monday(s, s->k[q].arg) + wd,
                       ARC_GRAN_DAY, 1);
    switch (rel) {
    case -1: case -2:
        mode = WD_BEFORE;
        break;
    case 1:
        mode = WD_AFTER;
        break;
    case 2:
        return 0;   /* "the following Tuesday": relative to the story */
    case 0:
        mode = tense_at(s, a, b) < 0 ? WD_ON_OR_BEFORE : WD_ON_OR_AFTER;
        break;
    default:
        mode = tense_at(s, a, b) > 0 ? WD_ON_OR_AFTER : WD_ON_OR_BEFORE;
        break;
    }
    return set_hit(h, a, b, resolve_weekday(s, wd, mode), ARC_GRAN_DAY, 1);
}

/* "last week", "earlier this month", "the end of next year", "this
 * weekend"; unit at j with modifier rel (at relpos). */
static int match_period(const struct scan *s, int a, int j, int rel,
                        int relpos, struct hit *h)
{
    int unit = s->k[j].arg;

    if (rel == REL_NONE || rel == 2 || s->k[j].plural)
        return 0;
    if (rel < 0 && relpos > 0 && tk(s, relpos - 1, W_THE))
        return 0;   /* "over the past year": a duration */
    if (rel == -2)
        rel = -1;
    switch (unit) {
    case U_WEEK:
        return set_hit(h, a, j + 1, week_monday(s, rel), ARC_GRAN_DAY, 1);
    case U_WEEKEND:
        return set_hit(h, a, j + 1, week_monday(s, rel) + 5, ARC_GRAN_DAY, 1);
    case U_MONTH:
        return set_hit(h, a, j + 1, month_start(s->py, s->pm + rel),
                       ARC_GRAN_MONTH, 1);
    case U_YEAR:
        return set_hit(h, a, j + 1, arc_days_from_civil(s->py + rel, 1, 1),
                       ARC_GRAN_YEAR, 1);
    default:
        return 0;
    }
}

/* Month name at j (not followed by a day): "in March", "last March",
 * "early March", "March 2024", "March this year". */
static int match_month(const struct scan *s, int a, int j, int rel,
                       int modified, struct hit *h)
{
    const struct tok *k = &s->k[j];
    int m = k->arg, e = j + 1, y, q;

    if (k->flags & LF_ABBR) {
        if (pc(s, e, '.') && adjacent(s, e))
            e++;
        y = trailing_year(s, &e);
        return y && set_hit(h, a, e, arc_days_from_civil(y, m, 1),
                            ARC_GRAN_MONTH, 0);
    }
    /* "may", "march": a month only when capitalised; in all-caps text
     * only after a modifier or "in"/"since" */
    if ((k->flags & LF_AMBIG) &&
        (!k->cap || (k->allcaps && !modified && !tk(s, a - 1, W_IN) &&
                     !tk(s, a - 1, W_SINCE))))
        return 0;
    y = trailing_year(s, &e);
    if (y)
        return set_hit(h, a, e, arc_days_from_civil(y, m, 1), ARC_GRAN_MONTH, 0);
    if (!modified && !date_cue_before(s, a - 1) &&
        !(tk(s, a - 1, W_TO) && k->cap) &&
        !(tk(s, a - 1, W_AND) && tk(s, a - 2, W_MONTH)))
        return 0;
    if ((k->flags & LF_AMBIG) && pc(s, e, '\'') && adjacent(s, e))
        return 0;   /* "in May's cabinet" */
    /* "March this year", "March of last year" */
    q = tk(s, e, W_OF) ? e + 1 : e;
    if (rel == REL_NONE && tk(s, q, W_REL) && s->k[q].arg >= -1 &&
        s->k[q].arg <= 1 && tk(s, q + 1, W_UNIT) &&
        s->k[q + 1].arg == U_YEAR && !s->k[q + 1].plural)
        return set_hit(h, a, q + 2,
                       arc_days_from_civil(s->py + s->k[q].arg, m, 1),
                       ARC_GRAN_MONTH, 1);
    if (rel == 2)
        return 0;
    return set_hit(h, a, e, resolve_month(s, m, rel, tense_at(s, a, e)),
                   ARC_GRAN_MONTH, 1);
}

/* An expression that may open with modifiers: [earlier|later|early|late|
 * mid-][on|in] or [the] end|beginning of [the], then last|next|this, then
 * a weekday, month, period or part of day. */
static int match_modified(const struct scan *s, int a, int i, struct hit *h)
{
    int j = i, rel = REL_NONE, relpos = -1, modified = 0;

    if (tk(s, j, W_PRE)) {
        int pre = s->k[j].arg;
        j++;
        modified = 1;
        if (pre == P_MID && pc(s, j, '-'))
            j++;
        else if (pre != P_MID && (tk(s, j, W_ON) || tk(s, j, W_IN)))
            j++;
    } else if (tk(s, j, W_EDGE) && tk(s, j + 1, W_OF)) {
        j += 2;
        modified = 1;
        if (tk(s, j, W_THE))
            j++;
    }
    if (tk(s, j, W_REL)) {
        rel = s->k[j].arg;
        relpos = j;
        modified = 1;
        j++;
    }
    if (j >= s->n || s->k[j].kind != TK_WORD) {
        /* "early 2025", "mid-2025", "the end of 2024" */
        int y = year_at(s, j);
        if (y && modified && rel == REL_NONE && j > i)
            return set_hit(h, a, j + 1, arc_days_from_civil(y, 1, 1),
                           ARC_GRAN_YEAR, 0);
        return 0;
    }
    switch (s->k[j].id) {
    case W_WDAY:
        return match_weekday(s, a, j, rel, h);
    case W_UNIT:
        return match_period(s, a, j, rel, relpos, h);
    case W_MONTH:
        if (!modified && match_month_day(s, a, j, -1, h))
            return 1;
        return match_month(s, a, j, rel, modified, h);
    case W_DAYPART:
        if (rel == 0)   /* "this morning" */
            return set_hit(h, a, j + 1, s->pub, ARC_GRAN_DAY, 1);
        if (rel == -1 && word_is(s, j, "night"))
            return set_hit(h, a, j + 1, s->pub - 1, ARC_GRAN_DAY, 1);
        return 0;
    default:
        return 0;
    }
}

/* "yesterday", "today", "tomorrow", "tonight" (+ part of day). */
static int match_deictic(const struct scan *s, int i, struct hit *h)
{
    const struct tok *k = &s->k[i];
    int off = k->id == W_YESTERDAY ? -1 : k->id == W_TOMORROW ? 1 : 0;
    int b = i + 1;

    if (k->id == W_TODAY && i > 0 && tk(s, i - 1, W_USA))
        return 0;   /* USA Today */
    if (k->id == W_TODAY && k->cap && tk(s, i + 1, W_SHOW) && s->k[i + 1].cap)
        return 0;   /* the Today programme */
    if (tk(s, b, W_DAYPART) && k->id != W_TONIGHT)
        b++;
    return set_hit(h, i, b, s->pub + off, ARC_GRAN_DAY, 1);
}

enum holiday {
    HD_NONE = 0, HD_CHRISTMAS_EVE, HD_CHRISTMAS, HD_BOXING_DAY, HD_HALLOWEEN,
    HD_VALENTINE, HD_NEW_YEARS_DAY, HD_NEW_YEARS_EVE, HD_THANKSGIVING,
    HD_BLACK_FRIDAY, HD_CYBER_MONDAY, HD_GOOD_FRIDAY, HD_EASTER,
    HD_EASTER_MONDAY
};

/* Easter Sunday of year y (Gregorian computus). */
static int64_t easter_day(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return arc_days_from_civil(y, month, day);
}

static int64_t holiday_day(enum holiday hd, int y)
{
    int64_t nov1, thanksgiving;

    switch (hd) {
    case HD_CHRISTMAS_EVE: return arc_days_from_civil(y, 12, 24);
    case HD_CHRISTMAS: return arc_days_from_civil(y, 12, 25);
    case HD_BOXING_DAY: return arc_days_from_civil(y, 12, 26);
    case HD_HALLOWEEN: return arc_days_from_civil(y, 10, 31);
    case HD_VALENTINE: return arc_days_from_civil(y, 2, 14);
    case HD_NEW_YEARS_DAY: return arc_days_from_civil(y, 1, 1);
    case HD_NEW_YEARS_EVE: return arc_days_from_civil(y, 12, 31);
    case HD_GOOD_FRIDAY: return easter_day(y) - 2;
    case HD_EASTER: return easter_day(y);
    case HD_EASTER_MONDAY: return easter_day(y) + 1;
    default:
        break;
    }
    /* US Thanksgiving: the fourth Thursday of November */
    nov1 = arc_days_from_civil(y, 11, 1);
    thanksgiving = nov1 + (3 - weekday_of(nov1) + 7) % 7 + 21;
    return thanksgiving + (hd == HD_BLACK_FRIDAY ? 1 : hd == HD_CYBER_MONDAY ? 4 : 0);
}

static int is_unit(const struct scan *s, int i, int unit)
{
    return tk(s, i, W_UNIT) && s->k[i].arg == unit;
}

/* "'s" or "s" right after a word: "New Year's", "new years". */
static int possessive_s(const struct scan *s, int *e)
{
    if (pc(s, *e, '\'') && adjacent(s, *e) && *e + 1 < s->n &&
        adjacent(s, *e + 1) && word_is(s, *e + 1, "s")) {
        *e += 2;
        return 1;
    }
    return 0;
}

/* Named days: "Christmas Day", "New Year's Eve", "Halloween 2013",
 * "Valentine's Day", "Thanksgiving", "Black Friday", "Good Friday",
 * "Easter Monday". A bare "Christmas" or "Easter" needs a preposition
 * ("on", "at", "before", "since", ...) since it often names a season. */
static int match_holiday(const struct scan *s, int i, struct hit *h)
{
    const struct tok *k = &s->k[i];
    enum holiday hd = HD_NONE;
    int e = i + 1, y;
    int64_t c[3];

    if (k->id == W_NEW) {
        int q = i + 1;
        if (!is_unit(s, q, U_YEAR))
            return 0;
        q++;
        if (!possessive_s(s, &q) && !s->k[i + 1].plural)
            return 0;
        if (is_unit(s, q, U_DAY))
            hd = HD_NEW_YEARS_DAY;
        else if (tk(s, q, W_EVE))
            hd = HD_NEW_YEARS_EVE;
        e = q + 1;
    } else if (k->id == W_WDAY_BLOCK_BEFORE) {
        if (!tk(s, i + 1, W_WDAY) || (s->k[i + 1].flags & LF_ABBR))
            return 0;
        if (word_is(s, i, "black") && s->k[i + 1].arg == 4)
            hd = HD_BLACK_FRIDAY;
        else if (word_is(s, i, "cyber") && s->k[i + 1].arg == 0)
            hd = HD_CYBER_MONDAY;
        else if (word_is(s, i, "good") && s->k[i + 1].arg == 4 && k->cap)
            hd = HD_GOOD_FRIDAY;
        e = i + 2;
    } else {
        int cue = date_cue_before(s, i - 1) || tk(s, i - 1, W_ON) ||
                  tk(s, i - 1, W_AT) || year_at(s, e);
        switch (k->arg) {
        case H_CHRISTMAS:
            if (tk(s, e, W_EVE))
                hd = HD_CHRISTMAS_EVE, e++;
            else if (is_unit(s, e, U_DAY))
                hd = HD_CHRISTMAS, e++;
            else if (cue)
                hd = HD_CHRISTMAS;
            break;
        case H_BOXING:
            if (is_unit(s, e, U_DAY))
                hd = HD_BOXING_DAY, e++;
            break;
        case H_HALLOWEEN:
            hd = HD_HALLOWEEN;
            break;
        case H_VALENTINE:
            possessive_s(s, &e);
            if (is_unit(s, e, U_DAY))
                hd = HD_VALENTINE, e++;
            break;
        case H_THANKSGIVING:
            hd = HD_THANKSGIVING;
            if (is_unit(s, e, U_DAY))
                e++;
            break;
        case H_EASTER:
            if (tk(s, e, W_WDAY) && s->k[e].arg == 6)
                hd = HD_EASTER, e++;
            else if (tk(s, e, W_WDAY) && s->k[e].arg == 0)
                hd = HD_EASTER_MONDAY, e++;
            else if (cue)
                hd = HD_EASTER;
            break;
        default:
            break;
        }
    }
    if (hd == HD_NONE)
        return 0;
    y = trailing_year(s, &e);
    if (y)
        return set_hit(h, i, e, holiday_day(hd, y), ARC_GRAN_DAY, 0);
    for (y = 0; y < 3; y++)
        c[y] = holiday_day(hd, s->py - 1 + y);
    return set_hit(h, i, e, choose_year(s, c, tense_at(s, i, e)),
                   ARC_GRAN_DAY, 1);
}

static int match_at(const struct scan *s, int i, struct hit *h)
{
    const struct tok *k = &s->k[i];

    if (k->kind == TK_NUM)
        return match_iso(s, i, h) || match_numeric(s, i, h) ||
               match_day_month(s, i, i, -1, h) || match_ago(s, i, h) ||
               match_year(s, i, h);
    if (k->kind != TK_WORD)
        return 0;
    switch (k->id) {
    case W_YESTERDAY: case W_TODAY: case W_TOMORROW: case W_TONIGHT:
        return match_deictic(s, i, h);
    case W_HOLIDAY: case W_NEW: case W_WDAY_BLOCK_BEFORE:
        return match_holiday(s, i, h);
    case W_NUMWORD: case W_A:
        return match_ago(s, i, h);
    case W_ORDWORD:
        return match_day_month(s, i, i, -1, h);
    case W_THE:
        if (tk(s, i + 1, W_UNIT) && s->k[i + 1].arg == U_DAY &&
            tk(s, i + 2, W_PREP) && s->k[i + 2].arg != 0 &&
            (tk(s, i + 3, W_YESTERDAY) || tk(s, i + 3, W_TOMORROW))) {
            int after = s->k[i + 2].arg == 2, tomorrow = tk(s, i + 3, W_TOMORROW);
            if (after != tomorrow)
                return 0;
            return set_hit(h, i, i + 4, s->pub + (after ? 2 : -2),
                           ARC_GRAN_DAY, 1);
        }
        if (i + 1 < s->n && s->k[i + 1].ord)
            return match_day_month(s, i, i + 1, -1, h);
        if (tk(s, i + 1, W_EDGE))
            return match_modified(s, i, i + 1, h);
        return 0;
    case W_REL: case W_PRE: case W_EDGE: case W_MONTH: case W_WDAY:
        return match_modified(s, i, i, h);
    default:
        return 0;
    }
}

/* ---- driver ------------------------------------------------------------ */

static void push_hit(struct scan *s, const struct hit *h)
{
    idx_timex_t *x;

    if (s->failed || (h->relative && !s->have_pub))
        return;
    if (s->nout == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        idx_timex_t *v = realloc(s->out, cap * sizeof *v);
        if (v == NULL) {
            s->failed = 1;
            return;
        }
        s->out = v;
        s->cap = cap;
    }
    x = &s->out[s->nout++];
    x->start = s->k[h->a].start;
    x->end = s->k[h->b - 1].end;
    x->value = h->day * 86400;
    x->granularity = h->g;
}

static void scan_window(struct scan *s)
{
    int i = 0;

    while (i < s->n) {
        struct hit h;
        if (match_at(s, i, &h) && h.b > i) {
            push_hit(s, &h);
            i = h.b;
        } else {
            i++;
        }
    }
}

size_t idx_timex_find(const char *text, size_t len, int64_t published,
                      idx_timex_t **out)
{
    struct scan s;
    size_t pos = 0;

    *out = NULL;
    if (text == NULL || len == 0)
        return 0;
    if (len > INT_MAX)
        len = INT_MAX;
    memset(&s, 0, sizeof s);
    s.t = (const unsigned char *)text;
    s.k = malloc(MAX_TOKENS * sizeof *s.k);
    if (s.k == NULL)
        return 0;
    s.have_pub = published != ARC_TIME_NONE;
    if (s.have_pub) {
        s.pub = published / 86400 - (published % 86400 < 0);
        arc_civil_from_days(s.pub, &s.py, &s.pm, &s.pd);
        s.pwd = weekday_of(s.pub);
    } else {
        s.pub = 0;
        s.py = 1970;
        s.pm = s.pd = 1;
        s.pwd = weekday_of(0);
    }
    for (;;) {
        int more = next_token(s.t, len, &pos, &s.k[s.n]);
        if (more) {
            const struct tok *k = &s.k[s.n++];
            int end_of_sentence = k->kind == TK_PUNCT &&
                (k->ch == '.' || k->ch == '!' || k->ch == '?' || k->ch == '\n');
            if (s.n < MAX_TOKENS && !(end_of_sentence && s.n >= FLUSH_AT))
                continue;
        }
        scan_window(&s);
        s.n = 0;
        if (!more || s.failed)
            break;
    }
    free(s.k);
    if (s.failed || s.nout == 0) {
        free(s.out);
        return 0;
    }
    *out = s.out;
    return s.nout;
}
