/*
 * entities.c - persons, places and organisations in news text.
 *
 * Pipeline, linear in the input:
 *   1. tokenise (UTF-8 aware; invalid bytes are separators) in chunks of
 *      about 32 KB cut at line or sentence breaks, so memory stays small;
 *   2. group capitalised tokens into runs ("Donald J. Trump", "Bank of
 *      England", "Ursula von der Leyen", "al-Assad");
 *   3. classify each run with the word lists and gazetteer (entities_data.h)
 *      and the context around it (titles before, "said" after, "in" before);
 *   4. resolve within the article: surnames and titled mentions link to the
 *      full name, ambiguous places follow the places named in the same
 *      sentence ("Paris" near "Texas"), acronyms follow their expansion.
 * Titles in headline case or capitals are matched only against what the
 * body found and against the lists, since their capitals say nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities.h"
#include "entities_words.h"

#define CHUNK_BYTES 32768
#define MAX_RUN 8
#define STRONG_CITY_POP 200000u

/* ------------------------------------------------------------------ */
/* Small growable buffers                                               */
/* ------------------------------------------------------------------ */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* Arena of strings addressed by offset (offset 0 is ""). */
typedef struct arena {
    char *b;
    size_t len, cap;
    int oom;
} arena_t;

/* Where s lies inside the arena, its offset (the arena may move); else -1. */
static long arena_inside(const arena_t *a, const char *s)
{
    if (a->b && s >= a->b && s < a->b + a->len)
        return (long)(s - a->b);
    return -1;
}

static int arena_add(arena_t *a, const char *s, size_t n)
{
    long in = arena_inside(a, s);
    if (a->oom || grow((void **)&a->b, &a->cap, a->len + n + 1, 1)) {
        a->oom = 1;
        return 0;
    }
    if (in >= 0)
        s = a->b + in;
    int off = (int)a->len;
    memcpy(a->b + a->len, s, n);
    a->b[a->len + n] = '\0';
    a->len += n + 1;
    return off;
}

/* Append s[0..n) with whitespace collapsed to single ASCII spaces. */
static int arena_add_clean(arena_t *a, const char *s, size_t n)
{
    long in = arena_inside(a, s);
    if (a->oom || grow((void **)&a->b, &a->cap, a->len + n + 1, 1)) {
        a->oom = 1;
        return 0;
    }
    if (in >= 0)
        s = a->b + in;
    int off = (int)a->len;
    size_t o = a->len;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = 1;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i++;
            space = 1;
            continue;
        }
        if (space && o > a->len)
            a->b[o++] = ' ';
        space = 0;
        a->b[o++] = (char)c;
    }
    a->b[o] = '\0';
    a->len = o + 1;
    return off;
}

/* String-keyed map (keys are arena offsets) to an int, open addressing. */
typedef struct smap {
    int *key;   /* arena offset + 1, 0 empty */
    int *val;
    int *val2;
    size_t cap, n;
} smap_t;

static uint32_t hash_str(const char *s)
{
    return idx_data_hash(s, strlen(s));
}

static int smap_find(const smap_t *m, const arena_t *a, const char *k)
{
    if (!m->cap)
        return -1;
    size_t j = hash_str(k) & (m->cap - 1);
    while (m->key[j]) {
        if (strcmp(a->b + m->key[j] - 1, k) == 0)
            return (int)j;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

static int smap_rehash(smap_t *m, const arena_t *a, size_t ncap)
{
    int *nk = calloc(ncap, sizeof *nk);
    int *nv = calloc(ncap, sizeof *nv);
    int *nv2 = calloc(ncap, sizeof *nv2);
    if (!nk || !nv || !nv2) {
        free(nk);
        free(nv);
        free(nv2);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->key[i])
            continue;
        size_t j = hash_str(a->b + m->key[i] - 1) & (ncap - 1);
        while (nk[j])
            j = (j + 1) & (ncap - 1);
        nk[j] = m->key[i];
        nv[j] = m->val[i];
        nv2[j] = m->val2[i];
    }
    free(m->key);
    free(m->val);
    free(m->val2);
    m->key = nk;
    m->val = nv;
    m->val2 = nv2;
    m->cap = ncap;
    return 0;
}

/* Insert key (copied into the arena) if absent; returns its slot or -1. */
static int smap_put(smap_t *m, arena_t *a, const char *k, int val, int val2)
{
    int j = smap_find(m, a, k);
    if (j >= 0)
        return j;
    if ((m->n + 1) * 2 > m->cap && smap_rehash(m, a, m->cap ? m->cap * 2 : 64))
        return -1;
    int off = arena_add(a, k, strlen(k));
    if (a->oom)
        return -1;
    k = a->b + off;          /* k may have pointed into the moved arena */
    size_t s = hash_str(k) & (m->cap - 1);
    while (m->key[s])
        s = (s + 1) & (m->cap - 1);
    m->key[s] = off + 1;
    m->val[s] = val;
    m->val2[s] = val2;
    m->n++;
    return (int)s;
}

static void smap_free(smap_t *m)
{
    free(m->key);
    free(m->val);
    free(m->val2);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------ */
/* UTF-8 and character classes                                          */
/* ------------------------------------------------------------------ */

/* Decode one code point; returns its length, 0 when invalid. */
static int utf8_decode(const unsigned char *p, size_t left, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)n > left)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static int is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return 0;
    if (cp >= 0x2000 && cp < 0x3000)
        return 0;  /* punctuation, symbols, arrows, box drawing */
    if (cp >= 0xFE00 && cp < 0xFE70)
        return 0;
    return 1;
}

static int is_upper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xC0 && cp <= 0xDE)
        return cp != 0xD7;
    if (cp >= 0x100 && cp <= 0x137)
        return (cp & 1) == 0;
    if (cp >= 0x139 && cp <= 0x148)
        return (cp & 1) == 1;
    if (cp >= 0x14A && cp <= 0x177)
        return (cp & 1) == 0;
    if (cp == 0x178)
        return 1;
    if (cp >= 0x179 && cp <= 0x17E)
        return (cp & 1) == 1;
    if (cp >= 0x391 && cp <= 0x3A9)
        return 1;
    if (cp >= 0x400 && cp <= 0x42F)
        return 1;
    return 0;
}

static int is_space_at(const unsigned char *p, size_t left, int *len)
{
    if (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n' || p[0] == '\f' ||
        p[0] == '\v') {
        *len = 1;
        return 1;
    }
    if (p[0] == 0xC2 && left > 1 && p[1] == 0xA0) {
        *len = 2;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Tokens                                                               */
/* ------------------------------------------------------------------ */

enum { TK_WORD = 1, TK_NUM, TK_PUNCT };
enum {
    TF_CAP = 1,        /* starts with a capital (or al-/el- + capital) */
    TF_ALLCAPS = 2,    /* two or more letters, none lower-case */
    TF_SENT = 4,       /* first word of a sentence or of a quotation */
    TF_POSS = 8,       /* possessive 's stripped (ce < e) */
    TF_ADJ = 16,       /* separated from the previous token by spaces only */
    TF_INITIAL = 32,   /* "J." */
    TF_DOTTED = 64,    /* "U.S." */
    TF_LOOKED = 128    /* w and wf are set */
};

typedef struct tok {
    int s, e, ce;        /* byte range; ce = end without the possessive */
    int sent;            /* sentence number within the text */
    unsigned short type, f;
    uint32_t wf;         /* word flags, 0 when not a listed word */
    const idx_word_t *w;
    char p;              /* punctuation class for TK_PUNCT */
} tok_t;

typedef struct toks {
    tok_t *t;
    size_t n, cap;
    int sent;            /* running sentence counter */
    int caps_mode;       /* the text is in capitals: word case says nothing */
} toks_t;

static char punct_class(uint32_t cp)
{
    switch (cp) {
    case '.': case '!': case '?':
        return '.';
    case ',': case ';':
        return ',';
    case ':':
        return ':';
    case '(': case '[':
        return '(';
    case ')': case ']':
        return ')';
    case '"': case 0x201C: case 0x201D: case 0xAB: case 0xBB:
        return '"';
    case '\'': case 0x2018: case 0x2019:
        return '\'';
    case '-': case 0x2013: case 0x2014:
        return '-';
    case 0x2026:
        return '.';
    default:
        return '#';
    }
}

/* Words after a hyphen that end a name: "California-based". */
static int hyphen_suffix(const char *s, size_t n)
{
    static const char *const suf[] = { "based", "backed", "born", "led", "owned", "run", "style",
        "linked", "made", "funded", "controlled", "held", "era", "bound", "wide", "friendly",
        "allied", "aligned", "occupied", "annexed", "sponsored", "supported", "registered",
        "listed", "headquartered", "type", "like", "area", "region" };
    for (size_t i = 0; i < sizeof suf / sizeof suf[0]; i++)
        if (strlen(suf[i]) == n && memcmp(s, suf[i], n) == 0)
            return 1;
    return 0;
}

/* Look up the words within two tokens of a capitalised word: only they
 * can be context (titles, "said", "in", particles). */
static void lookup_neighbours(const char *text, toks_t *T)
{
    for (size_t i = 0; i < T->n; i++) {
        if (!(T->t[i].f & TF_CAP) || T->t[i].type != TK_WORD)
            continue;
        size_t lo = i >= 2 ? i - 2 : 0, hi = i + 3 < T->n ? i + 3 : T->n;
        for (size_t k = lo; k < hi; k++) {
            tok_t *t = &T->t[k];
            if (t->type != TK_WORD || (t->f & TF_LOOKED) || t->ce - t->s >= 64)
                continue;
            t->w = idx_words_lookup(text + t->s, (size_t)(t->ce - t->s));
            t->wf = t->w ? t->w->flags : 0;
            t->f |= TF_LOOKED;
        }
    }
}

/*
 * Tokenise text[from, to). start_sent says whether the first word starts a
 * sentence. Returns 0, or -1 on allocation failure.
 */
static int tokenize(const char *text, int from, int to, int start_sent, toks_t *T)
{
    const unsigned char *u = (const unsigned char *)text;
    int i = from;
    int adj = 0, newsent = start_sent, newline = 0;
    T->n = 0;
    while (i < to) {
        int sl;
        if (is_space_at(u + i, (size_t)(to - i), &sl)) {
            if (u[i] == '\n') {
                if (newline)
                    newsent = 1;     /* paragraph break */
                newline = 1;
            }
            i += sl;
            adj = adj ? adj : 1;
            continue;
        }
        uint32_t cp;
        int l = utf8_decode(u + i, (size_t)(to - i), &cp);
        if (l == 0) {        /* invalid byte: a separator */
            i++;
            adj = 2;
            continue;
        }
        if (grow((void **)&T->t, &T->cap, T->n + 1, sizeof(tok_t)))
            return -1;
        tok_t *t = &T->t[T->n];
        memset(t, 0, sizeof *t);
        t->s = i;
        if (newline && T->n > 0) {
            /* a line break inside a paragraph: a title line or list item
             * usually, so the next line starts afresh */
            newsent = 1;
        }
        unsigned short fl = (adj == 1 && T->n > 0 && !newline) ? TF_ADJ : 0;
        newline = 0;
        adj = 0;
        if (is_letter(cp)) {
            int upper = 0, lower = 0, seg = 0, dotted = 0, first_upper = is_upper(cp);
            int j = i;
            while (j < to) {
                uint32_t c2;
                int l2;
                unsigned char ch = u[j];
                if (ch < 0x80) {
                    /* ASCII fast path: most of the text */
                    if (ch >= 'a' && ch <= 'z') {
                        lower++;
                        seg++;
                        j++;
                        continue;
                    }
                    if (ch >= 'A' && ch <= 'Z') {
                        upper++;
                        seg++;
                        j++;
                        continue;
                    }
                    c2 = ch;
                    l2 = 1;
                } else if ((l2 = utf8_decode(u + j, (size_t)(to - j), &c2)) == 0) {
                    break;
                }
                if (is_letter(c2)) {
                    if (is_upper(c2))
                        upper++;
                    else if (c2 >= 'a' || c2 >= 0x80)
                        lower++;
                    seg++;
                    j += l2;
                    continue;
                }
                if (c2 >= '0' && c2 <= '9') {
                    seg++;
                    j++;
                    continue;
                }
                uint32_t nx = 0;
                int ln = 0;
                if (c2 == '-' || c2 == '\'' || c2 == 0x2019 || c2 == '.') {
                    if (j + l2 < to)
                        ln = utf8_decode(u + j + l2, (size_t)(to - j - l2), &nx);
                }
                if (c2 == '-' && ln && nx >= 'a' && nx <= 'z' && j > i) {
                    /* "California-based", "Kremlin-backed": the name ends here */
                    int q = j + 1, low = 0;
                    while (q < to && u[q] >= 'a' && u[q] <= 'z') {
                        q++;
                        low++;
                    }
                    if (low >= 3 && (q >= to || !(u[q] == '-' || (u[q] >= 'A' && u[q] <= 'Z') ||
                                                  u[q] >= 0x80)) && first_upper &&
                        hyphen_suffix(text + j + 1, (size_t)low))
                        break;
                }
                if (c2 == '-' && ln && (is_letter(nx) || (nx >= '0' && nx <= '9'))) {
                    j += l2;
                    seg = 0;
                    continue;
                }
                if ((c2 == '\'' || c2 == 0x2019) && ln && is_letter(nx)) {
                    j += l2;
                    seg = 0;
                    continue;
                }
                if (c2 == '.' && seg == 1 && first_upper) {
                    /* initials and dotted abbreviations: J.  U.S.  U.N. */
                    j += 1;
                    dotted++;
                    seg = 0;
                    if (ln && is_letter(nx) && is_upper(nx))
                        continue;
                    break;
                }
                break;
            }
            t->type = TK_WORD;
            t->e = j;
            t->ce = j;
            /* possessive */
            if (t->e - t->s >= 3 && (u[t->e - 1] == 's' || u[t->e - 1] == 'S')) {
                if (u[t->e - 2] == '\'')
                    t->ce = t->e - 2;
                else if (t->e - t->s >= 5 && u[t->e - 2] == 0x99 && u[t->e - 3] == 0x80 &&
                         u[t->e - 4] == 0xE2)
                    t->ce = t->e - 4;
                if (t->ce != t->e)
                    fl |= TF_POSS;
            }
            if (first_upper)
                fl |= TF_CAP;
            else if (t->ce - t->s > 3 && (u[t->s] == 'a' || u[t->s] == 'e') &&
                     (u[t->s + 1] == 'l' || u[t->s + 1] == 'd') && u[t->s + 2] == '-' &&
                     u[t->s + 3] >= 'A' && u[t->s + 3] <= 'Z')
                fl |= TF_CAP;   /* al-Assad, el-Sisi, ad-Dawla */
            if (upper >= 2 && lower == 0)
                fl |= TF_ALLCAPS;
            if (dotted == 1 && t->e - t->s == 2)
                fl |= TF_INITIAL;
            else if (dotted >= 2)
                fl |= TF_DOTTED;
            /* lower-case words are looked up later, and only next to a
             * capitalised word (see lookup_neighbours) */
            if (t->ce - t->s < 64 && (first_upper || (fl & TF_CAP) || (j < to && u[j] == '.'))) {
                t->w = idx_words_lookup(text + t->s, (size_t)(t->ce - t->s));
                t->wf = t->w ? t->w->flags : 0;
                fl |= TF_LOOKED;
            }
            /* abbreviations keep their period: Mr.  Inc.  Gen. */
            if (!dotted && j < to && u[j] == '.' && (t->wf & IDX_W_ABBREV) && t->ce == t->e) {
                t->e = t->ce = j + 1;
                dotted = 1;
            }
            i = t->e;
        } else if (cp >= '0' && cp <= '9') {
            int j = i;
            while (j < to) {
                if ((u[j] >= '0' && u[j] <= '9') || (u[j] >= 'a' && u[j] <= 'z') ||
                    (u[j] >= 'A' && u[j] <= 'Z')) {
                    j++;
                } else if ((u[j] == '.' || u[j] == ',' || u[j] == ':') && j + 1 < to &&
                           u[j + 1] >= '0' && u[j + 1] <= '9') {
                    j++;
                } else {
                    break;
                }
            }
            t->type = TK_NUM;
            t->e = t->ce = j;
            i = j;
        } else {
            t->type = TK_PUNCT;
            t->p = punct_class(cp);
            t->e = t->ce = i + l;
            i += l;
        }
        t->f = fl;
        t->sent = T->sent;
        if (t->type == TK_WORD) {
            if (newsent)
                t->f |= TF_SENT;
            newsent = 0;
        } else if (t->type == TK_PUNCT) {
            if (t->p == '.') {
                newsent = 1;
                T->sent++;
            } else if (t->p == '"' || t->p == '(' || t->p == '\'' || t->p == ':') {
                /* an opening quote starts a quotation: its first word is
                 * capitalised whatever it is */
                if (t->p == '"' || t->p == ':')
                    newsent = 1;
            } else {
                newsent = 0;
            }
        } else {
            newsent = 0;
        }
        if (newsent && t->type == TK_WORD)
            newsent = 0;
        T->n++;
    }
    lookup_neighbours(text, T);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Entities under construction                                          */
/* ------------------------------------------------------------------ */

enum {
    EF_VERB_AFTER = 1,
    EF_TITLE_BEFORE = 2,
    EF_PREP_BEFORE = 4,
    EF_SENT_INITIAL = 8,
    EF_FULLNAME = 16,     /* person with two or more name tokens */
    EF_ACRONYM = 32,
    EF_WEAK_PLACE = 64,   /* single-word small city: a surname may win */
    EF_PENDING = 128,     /* single word without a kind yet */
    EF_TITLED = 256,      /* "President Putin" */
    EF_KNOWN = 512,       /* from a list or the gazetteer */
    EF_WEAK_VERB = 1024,  /* "X was", "X has": a name only with more evidence */
    EF_ORG_AFTER = 2048,  /* "X president", "X spokesman": X an organisation */
    EF_SURNAME_FORM = 4096, /* "Le Pen", "al-Assad": a surname, not a full name */
    EF_RESOLVED = 8192    /* ambiguous place resolved by its context */
};

typedef struct ent {
    int s, e;             /* byte range in its text */
    int in_title;
    int kind;             /* arc_entity_kind_t, -1 pending */
    int canon;            /* arena offset */
    int skey;             /* arena offset of the surname key, 0 none */
    int fkey;             /* arena offset of "first|surname" key, 0 none */
    int sent;             /* sentence (title: -1) */
    int flags;
    int gkey;             /* gazetteer key index + 1 when ambiguous */
    int gplace;           /* chosen gazetteer place + 1 */
    int dropped;
} ent_t;

typedef struct ctx {
    const char *text;     /* current text (title or body) */
    const char *title, *body;
    int in_title;
    toks_t T;
    ent_t *e;
    size_t n, cap;
    arena_t a;
    smap_t rejected;      /* names of storms and operations: "Melissa" */
    int sports;           /* the text is about a sport: -1 not known yet */
    int oom;
} ctx_t;

static ent_t *ent_new(ctx_t *c, int s, int e, int kind)
{
    if (grow((void **)&c->e, &c->cap, c->n + 1, sizeof(ent_t))) {
        c->oom = 1;
        return NULL;
    }
    ent_t *x = &c->e[c->n++];
    memset(x, 0, sizeof *x);
    x->s = s;
    x->e = e;
    x->kind = kind;
    x->in_title = c->in_title;
    return x;
}

static const char *arena_str(const ctx_t *c, int off)
{
    return c->a.b + off;
}

/* Lower-cased key of a token for surname matching (al- and el- dropped). */
static int token_key(ctx_t *c, const tok_t *t)
{
    const char *s = c->text + t->s;
    size_t n = (size_t)(t->ce - t->s);
    if (n > 3 && (s[0] == 'a' || s[0] == 'e' || s[0] == 'A' || s[0] == 'E') &&
        (s[1] == 'l' || s[1] == 'L') && s[2] == '-') {
        s += 3;
        n -= 3;
    }
    char buf[96];
    int k = idx_key_normalize(s, n, buf, sizeof buf);
    if (k < 0)
        return 0;
    return arena_add(&c->a, buf, (size_t)k);
}

/* ------------------------------------------------------------------ */
/* Lookups on token spans                                               */
/* ------------------------------------------------------------------ */

enum { KN_NONE = 0, KN_REJECT, KN_ORG, KN_PLACE };

typedef struct known {
    int what;
    const char *canon;            /* static */
    const idx_gaz_key_t *gk;
} known_t;

static int all_caps_span(const ctx_t *c, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (c->T.t[i].type == TK_WORD && !(c->T.t[i].f & TF_ALLCAPS))
            return 0;
    return 1;
}

/* Match tokens [a, b) against the reject phrases, known orgs, gazetteer. */
static known_t match_known(const ctx_t *c, size_t a, size_t b)
{
    known_t k = { KN_NONE, NULL, NULL };
    const tok_t *t = c->T.t;
    const char *s = c->text + t[a].s;
    size_t n = (size_t)(t[b - 1].ce - t[a].s);
    char key[160];
    int kl = idx_key_normalize(s, n, key, sizeof key);
    if (kl <= 0)
        return k;
    const idx_word_t *w = (b - a == 1 && (t[a].f & TF_LOOKED)) ? t[a].w
                                                                : idx_words_lookup_key(key, kl);
    if (w) {
        if (w->flags & IDX_W_REJECT) {
            k.what = KN_REJECT;
            return k;
        }
        if ((w->flags & IDX_W_ORG) &&
            (!(w->flags & IDX_W_ORGCAPS) || all_caps_span(c, a, b) || c->T.caps_mode)) {
            k.what = KN_ORG;
            k.canon = idx_words_strings + w->canon;
            return k;
        }
    }
    /* "US" in capitals is the country, "Us" a pronoun handled by stop words */
    const idx_gaz_key_t *g = idx_gazetteer_key_norm(key, kl);
    if (g && g->count) {
        k.what = KN_PLACE;
        k.gk = g;
        k.canon = idx_gaz_strings + idx_gaz_places[idx_gaz_refs[g->first]].name;
    }
    return k;
}

static const idx_gaz_place_t *gaz_top(const idx_gaz_key_t *g)
{
    return &idx_gaz_places[idx_gaz_refs[g->first]];
}

/* Effective word flags of a token (capitals change what a word may be). */
static uint32_t tflags(const ctx_t *c, const tok_t *t)
{
    uint32_t f = t->wf;
    if ((t->f & (TF_ALLCAPS | TF_DOTTED)) && !c->T.caps_mode)
        f &= IDX_W_CAPSNOT | IDX_W_ORG | IDX_W_ORGCAPS | IDX_W_TITLE | IDX_W_SUFFIX |
             IDX_W_REJECT | IDX_W_TITLEMOD | IDX_W_DEMONYM;
    else if (!(t->f & TF_ALLCAPS) && (f & IDX_W_ORGCAPS))
        f &= ~(uint32_t)(IDX_W_ORG | IDX_W_ORGCAPS);
    return f;
}

static int lower_word(const tok_t *t)
{
    return t->type == TK_WORD && !(t->f & TF_CAP);
}

/* ------------------------------------------------------------------ */
/* Emitting                                                             */
/* ------------------------------------------------------------------ */

static ent_t *emit(ctx_t *c, size_t a, size_t b, int kind, const char *canon, int flags)
{
    const tok_t *t = c->T.t;
    ent_t *x = ent_new(c, t[a].s, t[b - 1].ce, kind);
    if (!x)
        return NULL;
    x->sent = c->in_title ? -1 : t[a].sent;
    x->flags = flags;
    if (canon)
        x->canon = arena_add(&c->a, canon, strlen(canon));
    else
        x->canon = arena_add_clean(&c->a, c->text + x->s, (size_t)(x->e - x->s));
    if (kind == ARC_ENTITY_PERSON || kind < 0) {
        /* surname = last token that is not a suffix (Jr., III) */
        size_t last = b - 1;
        while (last > a && (t[last].wf & IDX_W_SUFFIX))
            last--;
        x->skey = token_key(c, &t[last]);
        if ((t[a].wf & IDX_W_PARTICLE) && (t[a].f & TF_CAP) && last > a)
            x->flags |= EF_SURNAME_FORM;        /* "Le Pen", "Van Dijk" */
        if (last > a && kind == ARC_ENTITY_PERSON && !(x->flags & EF_SURNAME_FORM)) {
            char buf[200];
            const char *f0 = arena_str(c, token_key(c, &t[a]));
            snprintf(buf, sizeof buf, "%s|%s", f0, arena_str(c, x->skey));
            x->fkey = arena_add(&c->a, buf, strlen(buf));
            x->flags |= EF_FULLNAME;
        }
    }
    return x;
}

static void emit_place(ctx_t *c, size_t a, size_t b, const known_t *k, int flags)
{
    ent_t *x = emit(c, a, b, ARC_ENTITY_PLACE, k->canon, flags | EF_KNOWN);
    if (!x)
        return;
    const idx_gaz_place_t *p = gaz_top(k->gk);
    x->gplace = (int)idx_gaz_refs[k->gk->first] + 1;
    if (k->gk->count > 1)
        x->gkey = (int)(k->gk - idx_gaz_keys) + 1;
    if (b - a == 1 && p->kind == IDX_GAZ_CITY) {
        /* a city may still be a surname: "Lewis Hamilton ... Hamilton" */
        x->skey = token_key(c, &c->T.t[a]);
        if (p->population < STRONG_CITY_POP)
            x->flags |= EF_WEAK_PLACE;
    }
}

/* ------------------------------------------------------------------ */
/* Context around a run                                                 */
/* ------------------------------------------------------------------ */

static int context_flags(const ctx_t *c, size_t a, size_t b)
{
    const tok_t *t = c->T.t;
    size_t n = c->T.n;
    int f = 0;
    if (t[a].f & TF_SENT)
        f |= EF_SENT_INITIAL;
    if (b < n && t[b].type == TK_WORD && lower_word(&t[b]) && (t[b].wf & IDX_W_VERB))
        f |= EF_VERB_AFTER;
    else if (b < n && t[b].type == TK_WORD && lower_word(&t[b]) && (t[b].wf & IDX_W_WEAKVERB))
        f |= EF_WEAK_VERB;
    if (b < n && t[b].type == TK_WORD && lower_word(&t[b]) && (t[b].f & TF_ADJ) &&
        (t[b].wf & (IDX_W_TITLE | IDX_W_ORGMARK)) && !(t[b].wf & IDX_W_VERB))
        f |= EF_ORG_AFTER;
    if (b + 1 < n && t[b].type == TK_PUNCT && t[b].p == ',' && t[b + 1].type == TK_NUM &&
        t[b + 1].e - t[b + 1].s <= 3)
        f |= EF_VERB_AFTER;                     /* "Smith, 45, ..." */
    if (b + 1 < n && t[b].type == TK_PUNCT && t[b].p == ',' && lower_word(&t[b + 1]) &&
        t[b + 1].ce - t[b + 1].s == 3 && memcmp(c->text + t[b + 1].s, "who", 3) == 0)
        f |= EF_VERB_AFTER;                     /* "Smith, who ..." */
    if (a > 0) {
        const tok_t *p = &t[a - 1];
        if (lower_word(p)) {
            if (p->wf & IDX_W_VERBPRE)
                f |= EF_VERB_AFTER;
            if (p->wf & IDX_W_TITLE)
                f |= EF_TITLE_BEFORE;
            if (p->wf & IDX_W_PLACEPREP)
                f |= EF_PREP_BEFORE;
            if (a > 1 && p->ce - p->s == 3 && memcmp(c->text + p->s, "the", 3) == 0 &&
                lower_word(&t[a - 2]) && (t[a - 2].wf & IDX_W_PLACEPREP))
                f |= EF_PREP_BEFORE;            /* "in the Birnin Gwari forest" */
            if (a > 1 && p->ce - p->s == 3 && memcmp(c->text + p->s, "the", 3) == 0 &&
                b < n && lower_word(&t[b])) {
                const char *nx = c->text + t[b].s;
                int nl = t[b].ce - t[b].s;
                if ((nl == 6 && memcmp(nx, "region", 6) == 0) ||
                    (nl == 8 && memcmp(nx, "province", 8) == 0) ||
                    (nl == 6 && memcmp(nx, "oblast", 6) == 0) ||
                    (nl == 8 && memcmp(nx, "district", 8) == 0))
                    f |= EF_PREP_BEFORE;
            }
        }
    }
    if (b < n && t[b].type == TK_PUNCT && t[b].p == '-' && b + 1 < n && lower_word(&t[b + 1]) &&
        t[b + 1].ce - t[b + 1].s == 5 && memcmp(c->text + t[b + 1].s, "based", 5) == 0)
        f |= EF_PREP_BEFORE;
    return f;
}

/* ------------------------------------------------------------------ */
/* Classifying a run of capitalised tokens                              */
/* ------------------------------------------------------------------ */

static int is_of(const ctx_t *c, const tok_t *t)
{
    return lower_word(t) && t->ce - t->s == 2 && memcmp(c->text + t->s, "of", 2) == 0;
}

static int is_the(const ctx_t *c, const tok_t *t)
{
    return lower_word(t) && t->ce - t->s == 3 && memcmp(c->text + t->s, "the", 3) == 0;
}

static void classify(ctx_t *c, size_t a, size_t b, int depth);

/* Does a token of [a, b) name a known place (country, region, city)? */
static int has_place_token(const ctx_t *c, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        if (lower_word(&c->T.t[i]))
            continue;
        known_t k = match_known(c, i, i + 1);
        if (k.what == KN_PLACE && !(tflags(c, &c->T.t[i]) & (IDX_W_STOP | IDX_W_FIRSTNAME)))
            return 1;
    }
    return 0;
}

static int has_flag_token(const ctx_t *c, size_t a, size_t b, uint32_t flag)
{
    for (size_t i = a; i < b; i++)
        if (!lower_word(&c->T.t[i]) && (tflags(c, &c->T.t[i]) & flag))
            return 1;
    return 0;
}

/* Remember the name of a storm or operation so later mentions are skipped. */
static void remember_rejected(ctx_t *c, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        if (lower_word(&c->T.t[i]))
            continue;
        int k = token_key(c, &c->T.t[i]);
        if (k)
            smap_put(&c->rejected, &c->a, arena_str(c, k), 1, 0);
    }
}

/* Organisation named by markers: a leading "U.S." or "UK" is a place of
 * its own ("U.S. State Department"). */
static void emit_org(ctx_t *c, size_t a, size_t b, int ctxf)
{
    const tok_t *t = c->T.t;
    if (b - a >= 2 && (t[a].f & (TF_DOTTED | TF_ALLCAPS))) {
        known_t k = match_known(c, a, a + 1);
        if (k.what == KN_PLACE && gaz_top(k.gk)->kind == IDX_GAZ_COUNTRY) {
            emit_place(c, a, a + 1, &k, 0);
            known_t rest = match_known(c, a + 1, b);
            emit(c, a + 1, b, ARC_ENTITY_ORG, rest.what == KN_ORG ? rest.canon : NULL, ctxf);
            return;
        }
    }
    emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf);
}

/* ------------------------------------------------------------------ */
/* Sports clubs named after places ("Liverpool beat Chelsea 2-1")       */
/* ------------------------------------------------------------------ */

/* Is the lower-case word s[0..n) one of list (NULL-terminated)? */
static int word_in(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (list[i][0] == s[0] && strncmp(list[i], s, n) == 0 && list[i][n] == '\0')
            return 1;
    return 0;
}

/* Sports words by first letter (NULL-terminated lists). */
static const char *const sports_c[] = { "club", "coach", "cup", "championship", NULL };
static const char *const sports_d[] = { "derby", "defender", NULL };
static const char *const sports_f[] = { "football", "footballers", "fixture", "fans", NULL };
static const char *const sports_g[] = { "game", "goal", "goals", "goalkeeper", NULL };
static const char *const sports_k[] = { "kick-off", NULL };
static const char *const sports_l[] = { "league", NULL };
static const char *const sports_m[] = { "match", "midfielder", NULL };
static const char *const sports_p[] = { "penalty", "players", "points", NULL };
static const char *const sports_q[] = { "quarter-final", NULL };
static const char *const sports_s[] = { "soccer", "stadium", "season", "striker", "semi-final", "squad", NULL };
static const char *const sports_t[] = { "tournament", NULL };

static const char *const *sports_words_of(char first)
{
    switch (first) {
    case 'c': return sports_c;
    case 'd': return sports_d;
    case 'f': return sports_f;
    case 'g': return sports_g;
    case 'k': return sports_k;
    case 'l': return sports_l;
    case 'm': return sports_m;
    case 'p': return sports_p;
    case 'q': return sports_q;
    case 's': return sports_s;
    case 't': return sports_t;
    default: return NULL;
    }
}

/* Does the whole text speak of sport (two different sports words)? Read
 * once per text, and only when a run stands where a club would. */
static int sports_text(ctx_t *c)
{
    if (c->sports >= 0)
        return c->sports;
    const char *p = c->text, *first = NULL;
    size_t first_n = 0;
    int kinds = 0;
    while (*p && kinds < 2) {
        if (*p < 'a' || *p > 'z') {
            p++;
            continue;
        }
        const char *w = p;
        while ((*p >= 'a' && *p <= 'z') || *p == '-')
            p++;
        const char *const *list = sports_words_of(*w);
        if (!list || (w > c->text && ((w[-1] >= 'A' && w[-1] <= 'Z') ||
                                      (unsigned char)w[-1] >= 0x80)))
            continue;   /* no sports word starts so, or the tail of a word */
        size_t n = (size_t)(p - w);
        if (!word_in(w, n, list) || (first && first_n == n && memcmp(first, w, n) == 0))
            continue;
        if (!first) {
            first = w;
            first_n = n;
        }
        kinds++;
    }
    c->sports = kinds >= 2;
    return c->sports;
}

/*
 * Does the run [a, b) stand where a sports club would, in a text about
 * sport? "Liverpool beat Chelsea", "a win over Leeds", "Posavina Brod
 * will play", "Napoli striker", "the game against Vuka Vinkovci".
 */
static int club_context(ctx_t *c, size_t a, size_t b)
{
    static const char *const after[] = {
        "beat", "beats", "defeated", "drew", "draw", "lost", "won", "win", "wins", "play",
        "plays", "played", "host", "hosts", "hosted", "face", "faces", "faced", "visit",
        "visits", "edged", "thrashed", "striker", "midfielder", "defender", "goalkeeper",
        "manager", "coach", "fans", "supporters", "captain", "winger", "forward", "boss",
        "squad", NULL
    };
    static const char *const before[] = {
        "beat", "beating", "defeated", "against", "host", "hosts", "hosting", "face", "faces",
        "facing", "visit", "visiting", "joined", "join", "joins", NULL
    };
    /* "lost to X", "drew with X", "win over X": the preposition alone is
     * too common to count */
    static const char *const lost[] = { "lost", "losing", "loss", NULL };
    static const char *const drew[] = { "drew", "draw", "drawn", NULL };
    static const char *const won[] = { "win", "victory", "won", NULL };
    const tok_t *t = c->T.t;
    size_t n = c->T.n, k = b;
    int cue = 0;

    if (c->in_title)
        return 0;
    /* "will play", "have beaten": one auxiliary may come first */
    if (k + 1 < n && lower_word(&t[k]) &&
        word_in(c->text + t[k].s, (size_t)(t[k].ce - t[k].s),
                (const char *const[]){ "will", "have", "has", "had", "must", "could", NULL }))
        k++;
    if (k < n && lower_word(&t[k]) && word_in(c->text + t[k].s, (size_t)(t[k].ce - t[k].s), after))
        cue = 1;
    if (!cue && a > 0 && lower_word(&t[a - 1])) {
        const char *p = c->text + t[a - 1].s;
        size_t pn = (size_t)(t[a - 1].ce - t[a - 1].s);
        if (word_in(p, pn, before))
            cue = 1;
        else if (a > 1 && lower_word(&t[a - 2]) &&
                 ((pn == 2 && memcmp(p, "to", 2) == 0) || (pn == 4 && memcmp(p, "with", 4) == 0) ||
                  (pn == 4 && memcmp(p, "over", 4) == 0))) {
            const char *q = c->text + t[a - 2].s;
            size_t qn = (size_t)(t[a - 2].ce - t[a - 2].s);
            cue = word_in(q, qn, p[0] == 't' ? lost : p[0] == 'w' ? drew : won);
        }
    }
    return cue && sports_text(c);
}

/* The last resort for a run with no list or gazetteer match. */
static void classify_unknown(ctx_t *c, size_t a, size_t b, int ctxf, int depth)
{
    const tok_t *t = c->T.t;
    size_t len = b - a;
    uint32_t f0 = tflags(c, &t[a]);
    if (len == 1) {
        if ((t[a].f & TF_ALLCAPS) && !c->T.caps_mode) {
            if ((f0 & IDX_W_CAPSNOT) || t[a].ce - t[a].s > 6 || t[a].ce - t[a].s < 2)
                return;
            if (a > 0 && t[a - 1].type == TK_NUM && (t[a].f & TF_ADJ))
                return;                              /* "737 MAX" */
            emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf | EF_ACRONYM);
            return;
        }
        if (f0 & (IDX_W_STOP | IDX_W_DEMONYM | IDX_W_TITLE | IDX_W_TITLEMOD | IDX_W_EVENT |
                  IDX_W_ORGMARK | IDX_W_PLACEMARK | IDX_W_CAPSNOT | IDX_W_PARTICLE))
            return;
        if (t[a].f & TF_INITIAL)
            return;
        emit(c, a, b, -1, NULL, ctxf | EF_PENDING);
        return;
    }
    int has_caps = 0;
    for (size_t i = a; i < b; i++)
        if (t[i].f & TF_ALLCAPS)
            has_caps = 1;
    if ((f0 & IDX_W_PARTICLE) && (ctxf & EF_PREP_BEFORE)) {
        emit(c, a, b, ARC_ENTITY_PLACE, NULL, ctxf);   /* "in El Arish" */
        return;
    }
    if ((f0 & IDX_W_FIRSTNAME) && len <= 4 && !has_caps) {
        emit(c, a, b, ARC_ENTITY_PERSON, NULL, ctxf);
        return;
    }
    /* "Geophysicist Magnus Gudmundsson": an unknown sentence-initial word
     * before a first name */
    if ((ctxf & EF_SENT_INITIAL) && len >= 3 && (tflags(c, &t[a + 1]) & IDX_W_FIRSTNAME)) {
        classify(c, a + 1, b, depth + 1);
        return;
    }
    if (f0 & IDX_W_CLUBLEAD) {
        emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf);     /* Real Madrid, FC Porto */
        return;
    }
    if (f0 & IDX_W_PLACELEAD) {
        emit(c, a, b, ARC_ENTITY_PLACE, NULL, ctxf);   /* Mount Etna, Lake Chad */
        return;
    }
    if (has_flag_token(c, a, b, IDX_W_ORGMARK)) {
        emit_org(c, a, b, ctxf);                      /* Capital Economics */
        return;
    }
    if (has_place_token(c, a, b) && !(ctxf & EF_TITLE_BEFORE)) {
        emit_org(c, a, b, ctxf);                      /* Bayern Munich, California Edison */
        return;
    }
    if (!(f0 & IDX_W_FIRSTNAME) && !(ctxf & EF_TITLE_BEFORE) && club_context(c, a, b)) {
        emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf);     /* "Posavina Brod will play" */
        return;
    }
    if (ctxf & (EF_VERB_AFTER | EF_TITLE_BEFORE | EF_WEAK_VERB)) {
        emit(c, a, b, ARC_ENTITY_PERSON, NULL, ctxf);
        return;
    }
    if (ctxf & EF_ORG_AFTER) {
        emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf);     /* World Athletics president */
        return;
    }
    if (has_place_token(c, a, b)) {
        emit_org(c, a, b, ctxf);                      /* Bayern Munich, California Edison */
        return;
    }
    if (ctxf & EF_PREP_BEFORE) {
        emit(c, a, b, ARC_ENTITY_PLACE, NULL, ctxf);
        return;
    }
    if ((ctxf & EF_SENT_INITIAL) && depth < 3) {
        /* "Rescuers Friday" style starts: drop the sentence-initial word */
        classify(c, a + 1, b, depth + 1);
        return;
    }
    if (len <= 3 && !has_caps)
        emit(c, a, b, ARC_ENTITY_PERSON, NULL, ctxf);
}

/* Longest known place or organisation starting at i within [i, b), up to
 * three tokens; returns its length (0 none) and fills k. */
static size_t known_prefix(const ctx_t *c, size_t i, size_t b, known_t *k)
{
    for (size_t len = 3; len >= 1; len--) {
        if (i + len > b)
            continue;
        if (len > 1 && !(c->T.t[i + 1].f & TF_CAP))
            continue;
        if (lower_word(&c->T.t[i + len - 1]))
            continue;
        known_t m = match_known(c, i, i + len);
        if (m.what == KN_ORG || m.what == KN_PLACE) {
            if (len == 1 && (tflags(c, &c->T.t[i]) & IDX_W_STOP) && !(c->T.t[i].f & TF_DOTTED))
                continue;
            *k = m;
            return len;
        }
    }
    return 0;
}

static void classify(ctx_t *c, size_t a, size_t b, int depth)
{
    const tok_t *t = c->T.t;
    if (a >= b || c->oom || depth > 8)
        return;
    /* a run cannot end on a particle or "of" */
    while (b > a && lower_word(&t[b - 1]))
        b--;
    while (a < b && lower_word(&t[a]) && !(t[a].wf & IDX_W_PARTICLE))
        a++;
    if (a >= b)
        return;
    /* "and" joins names only inside an organisation's name */
    for (size_t i = a + 1; i + 1 < b; i++) {
        if (lower_word(&t[i]) && t[i].ce - t[i].s == 3 && memcmp(c->text + t[i].s, "and", 3) == 0 &&
            !(tflags(c, &t[b - 1]) & IDX_W_ORGMARK) && match_known(c, a, b).what == KN_NONE) {
            classify(c, a, i, depth + 1);
            classify(c, i + 1, b, depth + 1);
            return;
        }
    }
    int ctxf = context_flags(c, a, b);
    known_t k = match_known(c, a, b);
    if (k.what == KN_REJECT)
        return;
    if (k.what == KN_ORG) {
        emit(c, a, b, ARC_ENTITY_ORG, k.canon, ctxf | EF_KNOWN);
        return;
    }
    if (k.what == KN_PLACE) {
        /* a club named after its city: "Liverpool beat Chelsea 2-1" */
        if (gaz_top(k.gk)->kind == IDX_GAZ_CITY && !(ctxf & EF_PREP_BEFORE) &&
            club_context(c, a, b)) {
            emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf);
            return;
        }
        emit_place(c, a, b, &k, ctxf);
        return;
    }
    uint32_t f0 = tflags(c, &t[a]);
    /* leading function words: "The", "But", "However" */
    if ((f0 & IDX_W_STOP) && !(t[a].f & TF_ALLCAPS) && !(f0 & IDX_W_PARTICLE)) {
        classify(c, a + 1, b, depth + 1);
        return;
    }
    if (f0 & IDX_W_REJLEAD) {
        remember_rejected(c, a + 1, b);           /* Hurricane Milton, Operation X */
        return;
    }
    uint32_t fl = tflags(c, &t[b - 1]);
    if (fl & IDX_W_EVENT)
        return;                                  /* World Cup, Cold War */
    if (b - a == 1 && (t[a].f & TF_ALLCAPS) && (f0 & IDX_W_CAPSNOT))
        return;
    if (b - a >= 2 && (fl & IDX_W_DEMONYM) && !(fl & IDX_W_ORGMARK) && !(f0 & IDX_W_FIRSTNAME) &&
        c->text[t[b - 1].ce - 1] == 's') {
        classify(c, a, b - 1, depth + 1);        /* "Senate Democrats" */
        return;
    }
    if (b - a >= 2 && (fl & IDX_W_ORGMARK)) {
        emit_org(c, a, b, ctxf);
        return;
    }
    for (size_t i = a + 1; i + 1 < b; i++) {
        if (is_of(c, &t[i]) && (tflags(c, &t[i - 1]) & IDX_W_ORGMARK) &&
            !(tflags(c, &t[i - 1]) & IDX_W_TITLE)) {
            emit_org(c, a, b, ctxf);              /* Ministry of Defence */
            return;
        }
    }
    if (b - a >= 2 && (fl & IDX_W_PLACEMARK)) {
        emit(c, a, b, ARC_ENTITY_PLACE, NULL, ctxf);
        return;
    }
    /* title prefix: "U.S. Secretary of State Marco Rubio" */
    size_t last_title = (size_t)-1;
    for (size_t i = a; i < b;) {
        uint32_t fi = tflags(c, &t[i]);
        if (fi & IDX_W_TITLE) {
            last_title = i++;
            continue;
        }
        if ((fi & (IDX_W_TITLEMOD | IDX_W_DEMONYM)) ||
            ((fi & IDX_W_ORGMARK) && i + 1 < b && (tflags(c, &t[i + 1]) & IDX_W_TITLE))) {
            i++;                 /* "Defence Minister", "Commission President" */
            continue;
        }
        if (is_of(c, &t[i]) || is_the(c, &t[i])) {
            i++;
            continue;
        }
        known_t ki;
        size_t kl = known_prefix(c, i, b, &ki);
        if (kl) {
            i += kl;
            continue;
        }
        break;
    }
    if (last_title != (size_t)-1) {
        size_t r = last_title + 1;
        /* places and organisations named in the prefix */
        for (size_t i = a; i < r;) {
            uint32_t fi = tflags(c, &t[i]);
            known_t ki;
            size_t kl = (fi & IDX_W_TITLE) || lower_word(&t[i]) ? 0 : known_prefix(c, i, r, &ki);
            if (kl && (fi & IDX_W_TITLEMOD) && kl == 1 && !(t[i].f & (TF_ALLCAPS | TF_DOTTED)))
                kl = 0;
            if (!kl) {
                i++;
                continue;
            }
            if (ki.what == KN_ORG)
                emit(c, i, i + kl, ARC_ENTITY_ORG, ki.canon, EF_KNOWN);
            else
                emit_place(c, i, i + kl, &ki, 0);
            i += kl;
        }
        if (r >= b)
            return;
        if (is_of(c, &t[r])) {
            /* "Secretary of State Marco Rubio", "Minister of Foreign
             * Affairs Jane Doe": the department ends where a first name
             * starts a name of two or more words; the person is titled */
            for (size_t p = r + 2; p + 1 < b; p++) {
                if (!(tflags(c, &t[p]) & IDX_W_FIRSTNAME) || lower_word(&t[p]) ||
                    lower_word(&t[p + 1]) || (tflags(c, &t[p - 1]) & IDX_W_FIRSTNAME))
                    continue;
                if (match_known(c, r + 1, p).what == KN_PLACE)
                    classify(c, r + 1, p, depth + 1);   /* "President of France X Y" */
                emit(c, p, b, ARC_ENTITY_PERSON, NULL, context_flags(c, p, b) | EF_TITLED);
                return;
            }
            classify(c, r + 1, b, depth + 1);   /* "King of Jordan" */
            return;
        }
        known_t kr = match_known(c, r, b);
        if (kr.what == KN_ORG || kr.what == KN_PLACE) {
            classify(c, r, b, depth + 1);
            return;
        }
        emit(c, r, b, ARC_ENTITY_PERSON, NULL, context_flags(c, r, b) | EF_TITLED);
        return;
    }
    /* leading demonyms: "Ukrainian Volodymyr Zelensky", "Turkish Red Crescent" */
    if (f0 & IDX_W_DEMONYM) {
        if (b - a == 1)
            return;
        known_t kr = match_known(c, a + 1, b);
        if (kr.what == KN_ORG || ((ctxf & EF_ORG_AFTER) && kr.what == KN_NONE &&
                                  !(tflags(c, &t[a + 1]) & IDX_W_FIRSTNAME))) {
            emit(c, a, b, ARC_ENTITY_ORG, NULL, ctxf);
            return;
        }
        if ((tflags(c, &t[a + 1]) & IDX_W_FIRSTNAME) || kr.what == KN_PLACE ||
            (ctxf & (EF_VERB_AFTER | EF_TITLE_BEFORE)) || b - a == 2) {
            classify(c, a + 1, b, depth + 1);
            return;
        }
        classify_unknown(c, a, b, ctxf & ~EF_SENT_INITIAL, depth);
        return;
    }
    if ((f0 & (IDX_W_WEEKDAY | IDX_W_MONTH)) && b - a == 1)
        return;
    classify_unknown(c, a, b, ctxf, depth);
}

/* Can token i start or continue a name? */
static int name_token(const ctx_t *c, size_t i, int continuing)
{
    const tok_t *t = &c->T.t[i];
    if (t->type != TK_WORD || !(t->f & TF_CAP))
        return 0;
    uint32_t f = tflags(c, t);
    if (f & IDX_W_WEEKDAY)
        return 0;
    if (f & IDX_W_MONTH) {
        /* "Theresa May" keeps May; "May 5" does not */
        if (!(continuing && t->ce - t->s == 3 && memcmp(c->text + t->s, "May", 3) == 0))
            return 0;
    }
    return 1;
}

/* Particles that may start a surname on their own: "von der Leyen". */
static int lead_particle_ok(const ctx_t *c, const tok_t *t)
{
    static const char *const ok[] = { "von", "van", "de", "del", "di", "du", "bin", "ibn", "ter" };
    size_t n = (size_t)(t->ce - t->s);
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strlen(ok[i]) == n && memcmp(c->text + t->s, ok[i], n) == 0)
            return 1;
    return 0;
}

static int is_word(const ctx_t *c, const tok_t *t, const char *w)
{
    size_t n = strlen(w);
    return lower_word(t) && (size_t)(t->ce - t->s) == n && memcmp(c->text + t->s, w, n) == 0;
}

/* Find runs in the tokens of the current text and classify them. */
static void find_runs(ctx_t *c)
{
    const tok_t *t = c->T.t;
    size_t n = c->T.n;
    size_t i = 0;
    while (i < n && !c->oom) {
        int lead_particle = 0;
        if (!name_token(c, i, 0)) {
            /* "von der Leyen" mid-sentence */
            if (lower_word(&t[i]) && (t[i].wf & IDX_W_PARTICLE) && lead_particle_ok(c, &t[i]) &&
                i + 1 < n &&
                (t[i + 1].f & TF_ADJ) && !(t[i].wf & IDX_W_STOP) &&
                ((name_token(c, i + 1, 1) && !(t[i + 1].f & TF_SENT)) ||
                 (i + 2 < n && (t[i + 1].wf & IDX_W_PARTICLE) && lower_word(&t[i + 1]) &&
                  name_token(c, i + 2, 1))) &&
                (i == 0 || !(t[i - 1].type == TK_WORD && (t[i - 1].f & TF_CAP))))
                lead_particle = 1;
            if (!lead_particle) {
                i++;
                continue;
            }
        }
        size_t a = i, j = i + 1;
        size_t names = 1;
        while (j < n && j - a < MAX_RUN && !(t[j - 1].f & TF_POSS)) {
            if (!(t[j].f & TF_ADJ))
                break;
            if (name_token(c, j, 1) && !(t[j].f & TF_SENT)) {
                /* a capitalised all-caps word after a normal one starts anew */
                if ((t[j].f & TF_ALLCAPS) && !(t[j - 1].f & TF_ALLCAPS) && !c->T.caps_mode &&
                    !(t[j].f & TF_DOTTED))
                    break;
                j++;
                names++;
                continue;
            }
            /* connectors followed by a capitalised word */
            if (lower_word(&t[j]) && j + 1 < n && (t[j + 1].f & TF_ADJ)) {
                size_t k = j;
                int ok = 0;
                if (t[j].wf & IDX_W_PARTICLE) {
                    while (k < n && lower_word(&t[k]) && (t[k].wf & IDX_W_PARTICLE) && k - j < 3)
                        k++;
                    ok = k < n && (t[k].f & TF_ADJ) && name_token(c, k, 1);
                } else if ((is_of(c, &t[j]) || is_word(c, &t[j], "for") || is_word(c, &t[j], "on")) &&
                           ((tflags(c, &t[j - 1]) & (IDX_W_OFHEAD | IDX_W_ORGMARK)) ||
                            (is_of(c, &t[j]) && (tflags(c, &t[j - 1]) & IDX_W_TITLE)))) {
                    /* "Ministry of Defence"; "Secretary of State Marco
                     * Rubio": the title keeps its department (classify
                     * splits the name off) */
                    k = j + 1;
                    if (k < n && is_the(c, &t[k]) && k + 1 < n && (t[k + 1].f & TF_ADJ))
                        k++;
                    ok = name_token(c, k, 1) && (t[k].f & TF_ADJ);
                }
                if (!ok && is_word(c, &t[j], "and") && j + 1 < n && name_token(c, j + 1, 1) &&
                    (t[j + 1].f & TF_ADJ)) {
                    k = j + 1;        /* kept only inside organisation names */
                    ok = 1;
                }
                if (ok) {
                    j = k + 1;
                    names++;
                    continue;
                }
            }
            break;
        }
        /* followed directly by a number: a model or vehicle (Boeing 747) */
        if (j < n && t[j].type == TK_NUM && (t[j].f & TF_ADJ) && j - a <= 2 &&
            !(tflags(c, &t[a]) & IDX_W_FIRSTNAME) &&
            !(j + 1 < n && t[j + 1].type == TK_PUNCT && t[j + 1].p == '-')) {
            known_t k = match_known(c, a, j);
            if (k.what != KN_PLACE) {
                i = j + 1;
                continue;
            }
        }
        (void)names;
        classify(c, a, j, 0);
        i = j;
    }
}

/* ------------------------------------------------------------------ */
/* Headline-case titles and text in capitals                           */
/* ------------------------------------------------------------------ */

static int headline_mode(const ctx_t *c)
{
    const tok_t *t = c->T.t;
    int words = 0, caps = 0;
    for (size_t i = 0; i < c->T.n; i++) {
        if (t[i].type != TK_WORD || t[i].ce - t[i].s < 4)
            continue;
        if (t[i].wf & IDX_W_STOP && !(t[i].f & TF_CAP))
            continue;
        words++;
        if (t[i].f & TF_CAP)
            caps++;
    }
    return words >= 3 && caps * 10 >= words * 7;
}

static int caps_text(const char *s, int from, int to)
{
    int up = 0, low = 0;
    for (int i = from; i < to; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            up++;
        else if (ch >= 'a' && ch <= 'z')
            low++;
    }
    return up >= 6 && low * 10 < up;
}

/*
 * Match the tokens against what the body found, the organisation list
 * and the gazetteer, longest first; capitals in the text carry no meaning.
 */
static void match_headline(ctx_t *c, smap_t *surf, smap_t *skeys)
{
    const tok_t *t = c->T.t;
    size_t n = c->T.n;
    size_t i = 0;
    char buf[200];
    while (i < n && !c->oom) {
        if (t[i].type != TK_WORD) {
            i++;
            continue;
        }
        size_t best = 0;
        for (size_t len = 5; len >= 1 && !best; len--) {
            if (i + len > n)
                continue;
            int ok = 1;
            for (size_t k = i; k < i + len; k++)
                if (t[k].type != TK_WORD || (k > i && !(t[k].f & TF_ADJ)))
                    ok = 0;
            if (!ok)
                continue;
            int kl = idx_key_normalize(c->text + t[i].s, (size_t)(t[i + len - 1].ce - t[i].s),
                                       buf, sizeof buf);
            if (kl < 0)
                continue;
            int slot = surf ? smap_find(surf, &c->a, buf) : -1;
            if (slot >= 0) {
                const ent_t *src = &c->e[surf->val[slot]];
                ent_t *x = emit(c, i, i + len, src->kind, NULL, 0);
                if (x) {
                    src = &c->e[surf->val[slot]];
                    x->canon = src->canon;
                    x->gplace = src->gplace;
                    x->flags |= EF_KNOWN;
                }
                best = len;
                break;
            }
            known_t k = match_known(c, i, i + len);
            if (k.what == KN_REJECT) {
                best = len;
                break;
            }
            if (k.what == KN_ORG && (len > 1 || (t[i].f & TF_ALLCAPS) || (t[i].f & TF_CAP))) {
                if (len == 1 && !(tflags(c, &t[i]) & IDX_W_ORG) && !c->T.caps_mode)
                    continue;
                emit(c, i, i + len, ARC_ENTITY_ORG, k.canon, EF_KNOWN);
                best = len;
                break;
            }
            if (k.what == KN_PLACE) {
                const idx_gaz_place_t *p = gaz_top(k.gk);
                uint32_t f = tflags(c, &t[i]);
                if (len == 1 && (f & (IDX_W_STOP | IDX_W_TITLE | IDX_W_TITLEMOD | IDX_W_MONTH |
                                      IDX_W_WEEKDAY)) && !(t[i].f & TF_DOTTED) &&
                    !((t[i].f & TF_ALLCAPS) && !c->T.caps_mode))
                    continue;
                if (p->kind != IDX_GAZ_CITY || p->population >= STRONG_CITY_POP) {
                    emit_place(c, i, i + len, &k, 0);
                    best = len;
                    break;
                }
            }
            if (len == 1 && (t[i].f & TF_CAP) && skeys) {
                int sk = smap_find(skeys, &c->a, buf);
                if (sk >= 0) {
                    emit(c, i, i + 1, ARC_ENTITY_PERSON, NULL, 0);
                    best = 1;
                    break;
                }
            }
        }
        if (!best && (tflags(c, &t[i]) & IDX_W_TITLE) && i + 1 < n && t[i + 1].type == TK_WORD &&
            (t[i + 1].f & TF_ADJ) && (t[i + 1].f & TF_CAP) && !t[i + 1].w) {
            emit(c, i + 1, i + 2, ARC_ENTITY_PERSON, NULL, EF_TITLED);   /* "President Putin" */
            best = 2;
        }
        i += best ? best : 1;
    }
}

/* ------------------------------------------------------------------ */
/* Processing a text                                                    */
/* ------------------------------------------------------------------ */

/* Pick the end of a chunk starting at from: a line break, else a sentence
 * end, else a space, else a code point boundary. */
static int chunk_end(const char *s, int from, int len, int *nl)
{
    *nl = 0;
    if (len - from <= CHUNK_BYTES + CHUNK_BYTES / 2)
        return len;
    int target = from + CHUNK_BYTES;
    int limit = target + CHUNK_BYTES / 2;
    for (int i = target; i < limit; i++)
        if (s[i] == '\n') {
            *nl = 1;
            return i + 1;
        }
    for (int i = target; i < limit - 1; i++)
        if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ') {
            *nl = 1;
            return i + 2;
        }
    for (int i = target; i < limit; i++)
        if (s[i] == ' ')
            return i + 1;
    int i = target;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static void process_text(ctx_t *c, const char *text, int in_title, smap_t *surf, smap_t *skeys)
{
    int len = (int)strlen(text);
    c->text = text;
    c->in_title = in_title;
    c->sports = -1;
    int from = 0, start_sent = 1;
    c->T.sent = 0;
    while (from < len && !c->oom) {
        int nl;
        int to = chunk_end(text, from, len, &nl);
        if (tokenize(text, from, to, start_sent, &c->T)) {
            c->oom = 1;
            return;
        }
        c->T.caps_mode = caps_text(text, from, to);
        if (c->T.caps_mode || (in_title && headline_mode(c)))
            match_headline(c, surf, skeys);
        else
            find_runs(c);
        from = to;
        start_sent = nl;
    }
}

/* ------------------------------------------------------------------ */
/* Resolution within the article                                        */
/* ------------------------------------------------------------------ */

static int ends_with_s(const char *s)
{
    size_t n = strlen(s);
    return n > 2 && s[n - 1] == 's' && s[n - 2] != 's';
}

/* Ambiguous places: prefer the one inside a region or country named in
 * the same sentence ("Paris" with "Texas"). */
static void resolve_places(ctx_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        ent_t *x = &c->e[i];
        if (x->kind != ARC_ENTITY_PLACE || !x->gkey)
            continue;
        const idx_gaz_key_t *g = &idx_gaz_keys[x->gkey - 1];
        size_t lo = i > 12 ? i - 12 : 0, hi = i + 12 < c->n ? i + 12 : c->n;
        for (size_t j = lo; j < hi; j++) {
            const ent_t *y = &c->e[j];
            if (j == i || y->kind != ARC_ENTITY_PLACE || !y->gplace || y->in_title != x->in_title ||
                y->sent != x->sent)
                continue;
            const idx_gaz_place_t *py = &idx_gaz_places[y->gplace - 1];
            if (py->kind == IDX_GAZ_CITY || !py->cc[0])
                continue;
            if (py->kind != IDX_GAZ_REGION &&
                (gaz_top(g)->kind != IDX_GAZ_CITY || gaz_top(g)->population >= 100000))
                continue;      /* "Moscow" near "U.S." stays Moscow */
            for (uint32_t r = 0; r < g->count; r++) {
                uint32_t pi = idx_gaz_refs[g->first + r];
                const idx_gaz_place_t *p = &idx_gaz_places[pi];
                if (&idx_gaz_places[pi] == py)
                    break;
                if (strcmp(p->cc, py->cc) != 0)
                    continue;
                if (py->kind == IDX_GAZ_REGION && strcmp(p->admin, py->admin) != 0)
                    continue;
                x->gplace = (int)pi + 1;
                x->canon = arena_add(&c->a, idx_gaz_strings + p->name, strlen(idx_gaz_strings + p->name));
                x->gkey = 0;
                x->flags |= EF_RESOLVED;
                break;
            }
            if (!x->gkey)
                break;
        }
    }
    /* other mentions of the same name follow a resolved one ("west of
     * Paris" after "Paris, Texas") */
    smap_t m = { 0 };
    char buf[160];
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->n; i++) {
            ent_t *x = &c->e[i];
            if (x->kind != ARC_ENTITY_PLACE || !x->gplace)
                continue;
            if (pass == 0 && !(x->flags & EF_RESOLVED))
                continue;
            if (pass == 1 && !x->gkey)
                continue;
            const char *src = x->in_title ? c->title : c->body;
            int kl = idx_key_normalize(src + x->s, (size_t)(x->e - x->s), buf, sizeof buf);
            if (kl <= 0)
                continue;
            if (pass == 0) {
                smap_put(&m, &c->a, buf, (int)i, 0);
            } else {
                int slot = smap_find(&m, &c->a, buf);
                if (slot >= 0) {
                    const ent_t *y = &c->e[m.val[slot]];
                    x->gplace = y->gplace;
                    x->canon = y->canon;
                    x->gkey = 0;
                }
            }
        }
    }
    smap_free(&m);
}

/* Acronyms: "International Monetary Fund (IMF)" and initials of orgs. */
static void resolve_acronyms(ctx_t *c, smap_t *m)
{
    char buf[64];
    for (size_t i = 0; i < c->n; i++) {
        const ent_t *x = &c->e[i];
        if (x->kind != ARC_ENTITY_ORG || (x->flags & EF_ACRONYM))
            continue;
        const char *s = arena_str(c, x->canon);
        size_t o = 0;
        int word_start = 1;
        for (const char *p = s; *p && o + 1 < sizeof buf; p++) {
            if (*p == ' ' || *p == '-') {
                word_start = 1;
                continue;
            }
            if (word_start && *p >= 'A' && *p <= 'Z')
                buf[o++] = *p;
            word_start = 0;
        }
        buf[o] = '\0';
        if (o >= 2)
            smap_put(m, &c->a, buf, (int)i, 0);
    }
    for (size_t i = 0; i < c->n; i++) {
        ent_t *x = &c->e[i];
        if (x->kind != ARC_ENTITY_ORG || !(x->flags & EF_ACRONYM))
            continue;
        int slot = smap_find(m, &c->a, arena_str(c, x->canon));
        if (slot >= 0)
            x->canon = c->e[m->val[slot]].canon;
    }
}

/* Person names: surnames and titled mentions link to the full name;
 * full names that share first and last word merge; "Garcia Harfuch" and
 * "Lula" link to "Omar Garcia Harfuch" and "Luiz Inacio Lula da Silva". */
static void resolve_people(ctx_t *c, smap_t *sur, smap_t *full)
{
    smap_t other = { 0 };   /* first and middle names of full names */
    char key[128];
    for (size_t i = 0; i < c->n; i++) {
        ent_t *x = &c->e[i];
        if (x->kind != ARC_ENTITY_PERSON || !(x->flags & EF_FULLNAME))
            continue;
        int slot = smap_put(full, &c->a, arena_str(c, x->fkey), (int)i, 0);
        if (slot >= 0)
            x->canon = c->e[full->val[slot]].canon;
        slot = smap_put(sur, &c->a, arena_str(c, x->skey), (int)i, -1);
        if (slot >= 0 && sur->val[slot] != (int)i) {
            /* a shorter full name inside a longer one: same person */
            const char *lng = arena_str(c, c->e[sur->val[slot]].canon);
            const char *sht = arena_str(c, x->canon);
            size_t ll = strlen(lng), sl = strlen(sht);
            if (ll > sl + 1 && strcmp(lng + ll - sl, sht) == 0 && lng[ll - sl - 1] == ' ')
                x->canon = c->e[sur->val[slot]].canon;
            else if (sl > ll + 1 && strcmp(sht + sl - ll, lng) == 0 && sht[sl - ll - 1] == ' ')
                c->e[sur->val[slot]].canon = x->canon;
        }
        /* first and middle words */
        int cn_off = x->canon;
        size_t cl = strlen(arena_str(c, cn_off));
        size_t ws = 0;
        for (size_t p = 0; p <= cl; p++) {
            const char *cn = arena_str(c, cn_off);   /* the arena may move */
            if (p < cl && cn[p] != ' ')
                continue;
            if (p > ws && p < cl) {
                int kl = idx_key_normalize(cn + ws, p - ws, key, sizeof key);
                const idx_word_t *w = idx_words_lookup(cn + ws, p - ws);
                if (kl > 1 && !(w && (w->flags & (IDX_W_PARTICLE | IDX_W_STOP | IDX_W_SUFFIX))))
                    smap_put(&other, &c->a, key, (int)i, 0);
            }
            ws = p + 1;
        }
    }
    /* title entities come first in c->e; then the body in order: a surname
     * takes the latest full name before it, else the first one */
    for (size_t i = 0; i < c->n; i++) {
        ent_t *x = &c->e[i];
        if (!x->skey)
            continue;
        int slot = smap_find(sur, &c->a, arena_str(c, x->skey));
        if (x->kind == ARC_ENTITY_PERSON && (x->flags & EF_FULLNAME)) {
            if (slot >= 0 && !x->in_title)
                sur->val2[slot] = (int)i;
            continue;
        }
        if (x->kind == ARC_ENTITY_ORG && !(x->flags & EF_WEAK_PLACE))
            continue;
        if (x->kind == ARC_ENTITY_PLACE && slot < 0)
            continue;
        int target = -1;
        if (slot >= 0) {
            target = sur->val2[slot] >= 0 ? sur->val2[slot] : sur->val[slot];
        } else if (x->e - x->s < 64 && x->kind != ARC_ENTITY_PLACE) {
            int os = smap_find(&other, &c->a, arena_str(c, x->skey));
            if (os >= 0)
                target = other.val[os];
        }
        if (target < 0)
            continue;
        x->kind = ARC_ENTITY_PERSON;
        x->canon = c->e[target].canon;
        x->flags &= ~EF_PENDING;
        x->dropped = 0;
    }
    smap_free(&other);
}

/* Decide what single words without a kind are. */
static void resolve_pending(ctx_t *c, smap_t *seen)
{
    /* a word capitalised mid-sentence somewhere is a name */
    for (size_t i = 0; i < c->n; i++) {
        const ent_t *x = &c->e[i];
        if (!(x->flags & EF_SENT_INITIAL) && !x->in_title && x->kind != ARC_ENTITY_PLACE)
            smap_put(seen, &c->a, arena_str(c, x->canon), (int)i, 0);
    }
    for (size_t i = 0; i < c->n; i++) {
        ent_t *x = &c->e[i];
        if (x->kind == ARC_ENTITY_PLACE && (x->flags & EF_WEAK_PLACE) &&
            (x->flags & (EF_VERB_AFTER | EF_TITLE_BEFORE)) && !(x->flags & EF_PREP_BEFORE)) {
            x->kind = ARC_ENTITY_PERSON;   /* "Jackson said" */
            continue;
        }
        if (x->kind >= 0)
            continue;
        const char *s = arena_str(c, x->canon);
        int initial = (x->flags & EF_SENT_INITIAL) != 0;
        if (x->skey && smap_find(&c->rejected, &c->a, arena_str(c, x->skey)) >= 0) {
            x->dropped = 1;                /* "Melissa" after "Hurricane Melissa" */
            continue;
        }
        int mid = smap_find(seen, &c->a, s) >= 0;
        int idx_mid = mid ? seen->val[smap_find(seen, &c->a, s)] : -1;
        if (mid && idx_mid != (int)i && c->e[idx_mid].kind >= 0) {
            x->kind = c->e[idx_mid].kind;
            x->canon = c->e[idx_mid].canon;
        } else if (x->flags & (EF_VERB_AFTER | EF_TITLE_BEFORE | EF_TITLED)) {
            if (initial && !mid && ends_with_s(s) && !(x->flags & EF_TITLED))
                x->dropped = 1;            /* "Officials said" */
            else
                x->kind = ARC_ENTITY_PERSON;
        } else if ((x->flags & EF_WEAK_VERB) && !initial) {
            x->kind = ARC_ENTITY_PERSON;   /* "..., and Smith was ..." */
        } else if (x->flags & EF_ORG_AFTER) {
            x->kind = ARC_ENTITY_ORG;      /* "Arsenal manager", "Greens leader" */
            x->flags |= EF_WEAK_PLACE;     /* a surname still wins: "Trump envoy" */
        } else if (x->flags & EF_PREP_BEFORE) {
            if (initial && !mid)
                x->dropped = 1;
            else
                x->kind = ARC_ENTITY_PLACE;
        } else {
            x->dropped = 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Public API                                                           */
/* ------------------------------------------------------------------ */

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

size_t idx_entities_find(const char *title, const char *body, idx_entity_hit_t **out)
{
    *out = NULL;
    ctx_t c;
    memset(&c, 0, sizeof c);
    c.title = title;
    c.body = body;
    arena_add(&c.a, "", 0);
    smap_t surf = { 0 }, sur = { 0 }, full = { 0 }, acr = { 0 }, seen = { 0 };
    size_t nbody = 0;

    if (body)
        process_text(&c, body, 0, NULL, NULL);
    nbody = c.n;
    /* what the body found, for headline matching */
    char kb[200];
    for (size_t i = 0; i < nbody && !c.oom; i++) {
        const ent_t *x = &c.e[i];
        if (x->kind < 0)
            continue;
        int kl = idx_key_normalize(body + x->s, (size_t)(x->e - x->s), kb, sizeof kb);
        if (kl > 0)
            smap_put(&surf, &c.a, kb, (int)i, 0);
        if (x->kind == ARC_ENTITY_PERSON && x->skey)
            smap_put(&sur, &c.a, arena_str(&c, x->skey), (int)i, -1);
    }
    if (title)
        process_text(&c, title, 1, &surf, &sur);
    smap_free(&sur);
    /* title entities first, then the body's in text order */
    if (!c.oom && c.n > nbody) {
        size_t nt = c.n - nbody;
        ent_t *tmp = malloc(c.n * sizeof *tmp);
        if (!tmp) {
            c.oom = 1;
        } else {
            memcpy(tmp, c.e + nbody, nt * sizeof *tmp);
            memcpy(tmp + nt, c.e, nbody * sizeof *tmp);
            free(c.e);
            c.e = tmp;
            c.cap = c.n;
        }
    }
    if (!c.oom) {
        resolve_pending(&c, &seen);
        resolve_people(&c, &sur, &full);
        resolve_places(&c);
        resolve_acronyms(&c, &acr);
    }
    smap_free(&surf);
    smap_free(&sur);
    smap_free(&full);
    smap_free(&acr);
    smap_free(&seen);

    size_t n = 0;
    idx_entity_hit_t *h = NULL;
    if (!c.oom && !c.a.oom && c.n) {
        h = calloc(c.n, sizeof *h);
        if (h) {
            for (size_t i = 0; i < c.n; i++) {
                const ent_t *x = &c.e[i];
                if (x->dropped || x->kind < 0)
                    continue;
                const char *src = x->in_title ? title : body;
                idx_entity_hit_t *o = &h[n];
                o->kind = (arc_entity_kind_t)x->kind;
                o->start = x->s;
                o->end = x->e;
                o->in_title = x->in_title;
                o->surface = dup_range(src + x->s, (size_t)(x->e - x->s));
                o->canonical = dup_range(arena_str(&c, x->canon), strlen(arena_str(&c, x->canon)));
                if (!o->surface || !o->canonical) {
                    free(o->surface);
                    free(o->canonical);
                    break;
                }
                n++;
            }
        }
    }
    free(c.T.t);
    free(c.e);
    smap_free(&c.rejected);
    free(c.a.b);
    if (n == 0) {
        free(h);
        h = NULL;
    }
    *out = h;
    return n;
}

void idx_entity_hits_free(idx_entity_hit_t *h, size_t n)
{
    if (!h)
        return;
    for (size_t i = 0; i < n; i++) {
        free(h[i].surface);
        free(h[i].canonical);
    }
    free(h);
}
