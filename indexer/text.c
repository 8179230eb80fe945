/*
 * text.c - sentence segmentation of news prose.
 *
 * One left-to-right pass over the bytes. A sentence may end at a run of
 * terminators (". ? ! ..." and the ellipsis character, plus closing quotes
 * and brackets) that is followed by whitespace; whether it does depends on
 * the next word (a lower-case word continues the sentence, as in
 * '"Why?" he asked') and, for a single period, on the word before it
 * (abbreviations, initials, dotted acronyms). Look-behind and look-ahead are
 * bounded, so the whole pass is linear. Works on bytes: invalid UTF-8 is
 * carried through untouched, offsets are byte offsets.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* What a period after a given word means. */
enum abbrev_kind {
    ABBR_NONE = 0,  /* an ordinary word: the period ends the sentence */
    ABBR_TITLE,     /* Mr., Gen., vs.: never ends a sentence */
    ABBR_NUMBERED,  /* No., Art.: continues when a number follows */
    ABBR_MONTH,     /* Dec.: continues when a number follows */
    ABBR_AMBIGUOUS, /* U.S., Inc., initials: ends only before a sentence opener */
    ABBR_ETC        /* etc.: ends before any capitalised word */
};

struct abbrev {
    const char *word;   /* lower case, inner dots kept, final dot dropped */
    enum abbrev_kind kind;
};

static const struct abbrev abbrevs[] = {
    {"mr", ABBR_TITLE}, {"mrs", ABBR_TITLE}, {"ms", ABBR_TITLE},
    {"messrs", ABBR_TITLE}, {"dr", ABBR_TITLE}, {"prof", ABBR_TITLE},
    {"gen", ABBR_TITLE}, {"sen", ABBR_TITLE}, {"rep", ABBR_TITLE},
    {"gov", ABBR_TITLE}, {"lt", ABBR_TITLE}, {"col", ABBR_TITLE},
    {"maj", ABBR_TITLE}, {"capt", ABBR_TITLE}, {"cpt", ABBR_TITLE},
    {"sgt", ABBR_TITLE}, {"cmdr", ABBR_TITLE}, {"adm", ABBR_TITLE},
    {"brig", ABBR_TITLE}, {"supt", ABBR_TITLE}, {"insp", ABBR_TITLE},
    {"det", ABBR_TITLE}, {"rev", ABBR_TITLE}, {"hon", ABBR_TITLE},
    {"fr", ABBR_TITLE}, {"st", ABBR_TITLE}, {"mt", ABBR_TITLE},
    {"ft", ABBR_TITLE}, {"vs", ABBR_TITLE}, {"v", ABBR_TITLE},
    {"approx", ABBR_TITLE}, {"dept", ABBR_TITLE}, {"est", ABBR_TITLE},
    {"e.g", ABBR_TITLE}, {"i.e", ABBR_TITLE}, {"cf", ABBR_TITLE},
    {"no", ABBR_NUMBERED}, {"nos", ABBR_NUMBERED}, {"art", ABBR_NUMBERED},
    {"vol", ABBR_NUMBERED}, {"p", ABBR_NUMBERED}, {"pp", ABBR_NUMBERED},
    {"fig", ABBR_NUMBERED}, {"ch", ABBR_NUMBERED}, {"sec", ABBR_NUMBERED},
    {"jan", ABBR_MONTH}, {"feb", ABBR_MONTH}, {"mar", ABBR_MONTH},
    {"apr", ABBR_MONTH}, {"jun", ABBR_MONTH}, {"jul", ABBR_MONTH},
    {"aug", ABBR_MONTH}, {"sep", ABBR_MONTH}, {"sept", ABBR_MONTH},
    {"oct", ABBR_MONTH}, {"nov", ABBR_MONTH}, {"dec", ABBR_MONTH},
    {"inc", ABBR_AMBIGUOUS}, {"corp", ABBR_AMBIGUOUS},
    {"ltd", ABBR_AMBIGUOUS}, {"co", ABBR_AMBIGUOUS},
    {"bros", ABBR_AMBIGUOUS}, {"plc", ABBR_AMBIGUOUS},
    {"jr", ABBR_AMBIGUOUS}, {"sr", ABBR_AMBIGUOUS},
    {"ave", ABBR_AMBIGUOUS}, {"blvd", ABBR_AMBIGUOUS},
    {"etc", ABBR_ETC},
};

/* Words that typically open a sentence: after an ambiguous abbreviation
 * ("in the U.S. The ...") they mark a boundary. */
static const char *const openers[] = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "but",
    "and", "in", "on", "at", "this", "that", "these", "those", "there",
    "his", "her", "its", "their", "our", "as", "if", "when", "while",
    "after", "before", "some", "many", "most", "yet", "so", "since",
    "however", "meanwhile", "still", "both", "one", "no", "for", "with",
    "also", "then", "what", "who", "why", "how", "earlier", "later",
    "last", "under", "officials", "police", "critics",
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(unsigned char c) { return is_lower(c) || is_upper(c); }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static unsigned char to_lower(unsigned char c)
{
    return is_upper(c) ? (unsigned char)(c + 32) : c;
}

/* Length of a terminator or closing mark at p (0 when none); *is_term is set
 * when it ends sentences, *is_cjk when it does so without a following space. */
static size_t mark_at(const unsigned char *p, size_t left, int *is_term,
                      int *is_cjk)
{
    *is_term = 0;
    *is_cjk = 0;
    switch (p[0]) {
    case '.': case '?': case '!':
        *is_term = 1;
        return 1;
    case '"': case '\'': case ')': case ']':
        return 1;
    case 0xC2:  /* » */
        return (left >= 2 && p[1] == 0xBB) ? 2 : 0;
    case 0xD8:  /* Arabic question mark */
        if (left >= 2 && p[1] == 0x9F) {
            *is_term = 1;
            return 2;
        }
        return 0;
    case 0xE0:  /* Devanagari danda */
        if (left >= 3 && p[1] == 0xA5 && p[2] == 0xA4) {
            *is_term = *is_cjk = 1;
            return 3;
        }
        return 0;
    case 0xE2:
        if (left >= 3 && p[1] == 0x80) {
            if (p[2] == 0xA6) {     /* … */
                *is_term = 1;
                return 3;
            }
            if (p[2] == 0x9D || p[2] == 0x99)   /* ” ’ */
                return 3;
        }
        return 0;
    case 0xE3:  /* ideographic full stop */
        if (left >= 3 && p[1] == 0x80 && p[2] == 0x82) {
            *is_term = *is_cjk = 1;
            return 3;
        }
        return 0;
    case 0xEF:  /* fullwidth ! ? */
        if (left >= 3 && p[1] == 0xBC && (p[2] == 0x81 || p[2] == 0x9F)) {
            *is_term = *is_cjk = 1;
            return 3;
        }
        return 0;
    default:
        return 0;
    }
}

/* Classify the word that ends just before the period at dot. */
static enum abbrev_kind word_before(const unsigned char *t, size_t dot)
{
    char w[16];
    size_t b = dot, n, k, letters = 0;

    while (b > 0 && dot - b < sizeof w - 1 &&
           (is_alpha(t[b - 1]) || t[b - 1] == '.'))
        b--;
    if (b > 0 && (is_alpha(t[b - 1]) || is_digit(t[b - 1]) || t[b - 1] >= 0x80))
        return ABBR_NONE;   /* word longer than any abbreviation */
    while (b < dot && t[b] == '.')
        b++;
    n = dot - b;
    if (n == 0 || n >= sizeof w)   /* the loop above keeps n < sizeof w */
        return ABBR_NONE;
    for (k = 0; k < n; k++) {
        w[k] = (char)to_lower(t[b + k]);
        letters += is_alpha(t[b + k]);
    }
    w[n] = '\0';
    /* A single capital is an initial ("J. R. R. Tolkien", "Donald J. Trump");
     * letters separated by dots are an acronym ("U.S.", "a.m.").*/
    if (n == 1 && is_upper(t[b]))
        return ABBR_AMBIGUOUS;
    for (k = 0; k < sizeof abbrevs / sizeof abbrevs[0]; k++)
        if (abbrevs[k].word[0] == w[0] && strcmp(abbrevs[k].word, w) == 0)
            return abbrevs[k].kind;
    if (memchr(w, '.', n) != NULL && letters * 2 > n)
        return ABBR_AMBIGUOUS;
    return ABBR_NONE;
}

/* Whether the word at p (after an optional opening quote) opens sentences. */
static int is_opener(const unsigned char *t, size_t p, size_t len)
{
    char w[12];
    size_t n = 0, k;

    if (p < len && (t[p] == '"' || t[p] == '\''))
        p++;
    while (p + n < len && is_alpha(t[p + n]) && n < sizeof w - 1) {
        w[n] = (char)to_lower(t[p + n]);
        n++;
    }
    if (n == 0 || (p + n < len && is_alpha(t[p + n])))
        return 0;
    w[n] = '\0';
    for (k = 0; k < sizeof openers / sizeof openers[0]; k++)
        if (openers[k][0] == w[0] && strcmp(openers[k], w) == 0)
            return 1;
    return 0;
}

struct span_list {
    idx_span_t *v;
    size_t n, cap;
    int failed;
};

static void push_span(struct span_list *l, const unsigned char *t,
                      size_t start, size_t end)
{
    while (end > start && is_space(t[end - 1]))
        end--;
    if (end <= start || l->failed)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        idx_span_t *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            l->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].start = (int)start;
    l->v[l->n].end = (int)end;
    l->n++;
}

/* Decide whether the terminator run [i, j) ends the sentence. */
static int run_ends_sentence(const unsigned char *t, size_t len, size_t i,
                             size_t j)
{
    size_t next = j, dots = 0, k;
    int quoted = 0, other = 0;

    while (next < len && is_space(t[next]))
        next++;
    if (next >= len)
        return 1;
    if (is_lower(t[next]))
        return 0;
    for (k = i; k < j; k++) {
        if (t[k] == '.')
            dots++;
        else if (t[k] == '?' || t[k] == '!' || t[k] >= 0x80)
            other = 1;
        else
            quoted = 1;
    }
    if (dots != 1 || other || quoted)
        return 1;
    switch (word_before(t, i)) {
    case ABBR_TITLE:
        return 0;
    case ABBR_NUMBERED:
    case ABBR_MONTH:
        return !is_digit(t[next]);
    case ABBR_AMBIGUOUS:
        return is_opener(t, next, len);
    case ABBR_ETC:
        return is_upper(t[next]) || t[next] == '"';
    case ABBR_NONE:
    default:
        return 1;
    }
}

size_t idx_sentences(const char *text, size_t len, idx_span_t **out)
{
    const unsigned char *t = (const unsigned char *)text;
    struct span_list l = {NULL, 0, 0, 0};
    size_t i = 0, start = 0;
    int open = 0;

    *out = NULL;
    if (text == NULL)
        return 0;
    if (len > INT_MAX)
        len = INT_MAX;
    while (i < len) {
        int is_term, is_cjk;
        size_t m;

        /* inside a sentence, ordinary ASCII bytes need no other test */
        if (open) {
            while (i < len && t[i] > 0x20 && t[i] < 0x80 && t[i] != '.' && t[i] != '?' &&
                   t[i] != '!')
                i++;
            if (i >= len)
                break;
        }
        if (is_space(t[i])) {
            if (t[i] == '\n') {
                size_t j = i + 1;
                while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r'))
                    j++;
                if (j < len && t[j] == '\n') {
                    if (open)
                        push_span(&l, t, start, i);
                    open = 0;
                    i = j + 1;
                    continue;
                }
            }
            i++;
            continue;
        }
        if (!open) {
            open = 1;
            start = i;
        }
        if (t[i] != '.' && t[i] != '?' && t[i] != '!' && t[i] < 0x80) {
            i++;
            continue;
        }
        m = mark_at(t + i, len - i, &is_term, &is_cjk);
        if (!is_term) {
            i += m ? m : 1;
            continue;
        }
        {
            size_t j = i + m, run_start = i;
            int cjk = is_cjk;
            while (j < len) {
                int tt, cc;
                size_t mm = mark_at(t + j, len - j, &tt, &cc);
                if (mm == 0)
                    break;
                cjk |= cc;
                j += mm;
            }
            if (cjk || j >= len ||
                (is_space(t[j]) && run_ends_sentence(t, len, run_start, j))) {
                push_span(&l, t, start, j);
                open = 0;
            }
            i = j;
        }
    }
    if (open)
        push_span(&l, t, start, len);
    if (l.failed || l.n == 0) {
        free(l.v);
        return 0;
    }
    *out = l.v;
    return l.n;
}

/* Length of the well-formed UTF-8 sequence at p, 0 when ill-formed. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];

    if (c < 0x80)
        return c ? 1 : 0;
    if (c >= 0xC2 && c <= 0xDF)
        return (left >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = c == 0xED ? 0x9F : 0xBF;
        return (left >= 3 && p[1] >= lo && p[1] <= hi &&
                (p[2] & 0xC0) == 0x80) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return (left >= 4 && p[1] >= lo && p[1] <= hi &&
                (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) ? 4 : 0;
    }
    return 0;
}

char *idx_text_copy_utf8(const char *s, size_t len, size_t *n_replaced)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, bad = 0;
    char *r;

    if (n_replaced)
        *n_replaced = 0;
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    r = malloc(len * 3 + 1);
    if (r == NULL)
        return NULL;
    while (i < len) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0) {
            memcpy(r + o, "\xEF\xBF\xBD", 3);
            o += 3;
            bad++;
            i++;
        } else {
            memcpy(r + o, p + i, n);
            o += n;
            i += n;
        }
    }
    r[o] = '\0';
    if (n_replaced)
        *n_replaced = bad;
    return r;
}
