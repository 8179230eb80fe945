/*
 * query.c - the query language: lexer, parser, AST, FTS5 compiler, planner.
 *
 * Text -> tokens -> AST (arc_qnode_t, archive-private.h) -> plan
 * (arc_plan_t: filters plus one FTS5 MATCH expression). The language is
 * described for users in docs/query-syntax.md.
 *
 * Safety rules this file keeps:
 *  - Every term reaches FTS5 as a double-quoted string whose content has
 *    been reduced to words separated by single spaces, so no FTS5 syntax
 *    character or keyword typed by the user is ever read as syntax.
 *  - Every recursion is bounded: the parser by the parenthesis depth limit
 *    (MAX_DEPTH), the tree walkers by the tree depth that limit implies.
 *  - Time and memory are linear in the length of the text: the lexer
 *    never rescans, child arrays grow geometrically, the compiler appends
 *    to one geometrically grown buffer.
 *
 * Grammar (OR binds tighter than the implicit AND):
 *   query    := conj END
 *   conj     := item { [AND] item }
 *   item     := ('-' | NOT) primary | disj
 *   disj     := primary { OR primary }
 *   primary  := WORD | WORD* | "PHRASE" | "PHRASE"* | FIELD | '(' conj ')'
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "archive-private.h"

#define MAX_QUERY_BYTES (100 * 1024) /* longer text is refused */
#define MAX_TERMS 1000               /* leaves of the AST */
#define MAX_DEPTH 64                 /* nested parentheses */
#define MAX_FIELD_NAME_SHOWN 40      /* characters of an unknown field name in messages */

#define MSG_NOTHING_TO_MATCH "nothing to match: add a word that is not excluded"
#define MSG_FIELD_COMBINED "field terms cannot be combined with OR or - yet"
#define MSG_TOO_DEEP \
    "query nested too deeply for the full-text index; remove some parentheses"
#define MSG_EXCLUDED_IN_OR \
    "an excluded term cannot be part of OR; use parentheses, e.g. a OR (b -c)"

/* ======================================================================
 * Characters
 * ====================================================================== */

/* Length of the UTF-8 sequence starting at s[i] of a validated string. */
static size_t
seq_len(const unsigned char *s, size_t i)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* The code point at s[i] of a validated string. */
static unsigned long
code_point(const unsigned char *s, size_t i)
{
    size_t n = seq_len(s, i);
    unsigned long cp;
    if (n == 1)
        return s[i];
    cp = s[i] & (0x7F >> n);
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (s[i + k] & 0x3F);
    return cp;
}

/* Offset of the first byte of s[0..n) that is not part of a valid UTF-8
 * sequence (overlong forms, surrogates and values past U+10FFFF are
 * invalid), or n when all is valid. *column receives its 1-based
 * character column. */
static size_t
utf8_first_invalid(const unsigned char *s, size_t n, int *column)
{
    size_t i = 0;
    int col = 1;

    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned long cp, min;

        if (c < 0x80) {
            i++;
            col++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4; cp = c & 0x07; min = 0x10000;
        } else {
            break;
        }
        if (n - i < len)
            break;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            break;
        i += len;
        col++;
    }
bad:
    *column = col;
    return i;
}

/* Non-ASCII characters that separate words like a space does. */
static int
is_unicode_space(unsigned long cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680
           || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029
           || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static int
is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
           || (c >= 'A' && c <= 'Z');
}

static int
is_ascii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_space_at(const unsigned char *s, size_t i)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
               || c == '\f';
    return is_unicode_space(code_point(s, i));
}

/* Word material: ASCII letters and digits and every non-ASCII character
 * except the Unicode spaces. (FTS5's tokenizer later drops non-ASCII
 * punctuation on its own.) */
static int
is_word_at(const unsigned char *s, size_t i)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return is_ascii_alnum(c);
    return !is_unicode_space(code_point(s, i));
}

/* Punctuation that stays inside a word when word material follows it:
 * five-hour, O'Brien, U.S, 10:30, bbc.co.uk/news, AT&T, a_b, x@y. */
static int
is_word_joiner(unsigned char c)
{
    return c == '-' || c == '\'' || c == '.' || c == ':' || c == '/'
           || c == '&' || c == '_' || c == '@';
}

/* Whether s[0..n) contains any word material. */
static int
has_word_material(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += seq_len(s, i))
        if (is_word_at(s, i))
            return 1;
    return 0;
}

/* ======================================================================
 * Errors
 * ====================================================================== */

static void
error_set(arc_query_error_t *err, int column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error_set(arc_query_error_t *err, int column, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

static void
error_clear(arc_query_error_t *err)
{
    if (err) {
        err->column = 0;
        err->message[0] = '\0';
    }
}

/* ======================================================================
 * Fields
 * ====================================================================== */

typedef enum {
    FIELD_PERSON, FIELD_PLACE, FIELD_ORG, FIELD_SOURCE, FIELD_TITLE,
    FIELD_DATE, FIELD_STORY, FIELD_LANG, FIELD_UNKNOWN
} field_t;

static const char *const field_names[] = {
    "person", "place", "org", "source", "title", "date", "story", "lang"
};

static field_t
field_lookup(const char *name, size_t len)
{
    for (size_t f = 0; f < FIELD_UNKNOWN; f++)
        if (strlen(field_names[f]) == len && memcmp(field_names[f], name, len) == 0)
            return (field_t) f;
    return FIELD_UNKNOWN;
}

/* Parse the value of date: (FROM..TO, FROM.., ..TO or one period) into
 * [*since, *until), 0 meaning open. Returns 0 when it is not valid. */
static int
date_range_parse(const char *v, size_t len, int64_t *since, int64_t *until)
{
    char part[64];
    const char *dots = NULL;
    int64_t s, e;

    *since = *until = 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    if (!dots) {
        if (len >= sizeof part)
            return 0;
        memcpy(part, v, len);
        part[len] = '\0';
        if (arc_time_parse_user(part, since, until) != ARC_OK)
            return 0;
        return 1;
    }
    size_t left = (size_t) (dots - v), right = len - left - 2;
    if ((left == 0 && right == 0) || left >= sizeof part || right >= sizeof part)
        return 0;
    if (left) {
        memcpy(part, v, left);
        part[left] = '\0';
        if (arc_time_parse_user(part, &s, &e) != ARC_OK)
            return 0;
        *since = s;
    }
    if (right) {
        memcpy(part, dots + 2, right);
        part[right] = '\0';
        if (arc_time_parse_user(part, &s, &e) != ARC_OK)
            return 0;
        *until = e;
    }
    if (left && right && *since >= *until)
        return 0;
    return 1;
}

/* Parse a story id: a positive decimal integer. Returns 0 when invalid. */
static int
story_parse(const char *v, size_t len, int64_t *out)
{
    int64_t n = 0;
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        if (n > (INT64_MAX - (v[i] - '0')) / 10)
            return 0;
        n = n * 10 + (v[i] - '0');
    }
    if (n <= 0)
        return 0;
    *out = n;
    return 1;
}

/* A language code: letters, then optional -subtags (en, pt-BR). */
static int
lang_valid(const char *v, size_t len)
{
    if (len < 2 || len > 35 || !is_ascii_alpha((unsigned char) v[0]))
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) v[i];
        if (!is_ascii_alnum(c) && c != '-')
            return 0;
    }
    return v[len - 1] != '-';
}

/* ======================================================================
 * Lexer
 * ====================================================================== */

typedef enum {
    TK_END, TK_WORD, TK_PHRASE, TK_FIELD, TK_LPAREN, TK_RPAREN,
    TK_OR, TK_AND, TK_NOT, TK_MINUS, TK_ERROR
} token_kind_t;

typedef struct {
    token_kind_t kind;
    const char *text;       /* word, phrase content or field value */
    size_t len;
    int prefix;             /* word* or "phrase"* or title:word* */
    int quoted;             /* field value was quoted */
    field_t field;          /* TK_FIELD */
    int column;             /* 1-based column of the first character */
} token_t;

typedef struct {
    const unsigned char *s; /* the whole query */
    size_t len;
    size_t pos;             /* next byte to read */
    int col;                /* column of s[pos] */
    token_t tok;            /* the lookahead token, when have_tok */
    int have_tok;
    int depth;              /* open parentheses */
    int n_terms;            /* leaves made so far */
    arc_status_t st;        /* first failure, sticky */
    arc_query_error_t *err;
} parser_t;

/* Fail with ARC_E_BAD_QUERY at column (the first failure is kept). */
static void
parse_fail(parser_t *p, int column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
parse_fail(parser_t *p, int column, const char *fmt, ...)
{
    va_list ap;
    if (p->st != ARC_OK)
        return;
    p->st = ARC_E_BAD_QUERY;
    if (!p->err)
        return;
    p->err->column = column;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
}

static void
parse_nomem(parser_t *p)
{
    if (p->st == ARC_OK)
        p->st = ARC_E_NOMEM;
}

/* Move the read position to byte offset `to`, counting columns. */
static void
lex_advance_to(parser_t *p, size_t to)
{
    while (p->pos < to) {
        if ((p->s[p->pos] & 0xC0) != 0x80)
            p->col++;
        p->pos++;
    }
}

/* Scan a quoted string whose opening quote is at p->pos. On success sets
 * *text and *len to its content and moves past the closing quote. */
static int
lex_quoted(parser_t *p, const char **text, size_t *len)
{
    int open_col = p->col;
    const unsigned char *close = memchr(p->s + p->pos + 1, '"', p->len - p->pos - 1);
    if (!close) {
        parse_fail(p, open_col, "unclosed quote");
        return 0;
    }
    *text = (const char *) p->s + p->pos + 1;
    *len = (size_t) (close - (p->s + p->pos + 1));
    lex_advance_to(p, (size_t) (close - p->s) + 1);
    return 1;
}

/* Trim ASCII and Unicode spaces from both ends of the text (length *len). */
static const char *
trim_spaces(const char *text, size_t *len)
{
    const unsigned char *s = (const unsigned char *) text;
    size_t a = 0, b = *len;
    while (a < b && is_space_at(s, a))
        a += seq_len(s, a);
    while (b > a) {
        size_t k = b - 1;
        while (k > a && (s[k] & 0xC0) == 0x80)
            k--;
        if (!is_space_at(s, k))
            break;
        b = k;
    }
    *len = b - a;
    return text + a;
}

/* Scan field name `name_len` letters at p->pos, the colon and the value,
 * and validate the value. */
static void
lex_field(parser_t *p, size_t name_len, token_t *t)
{
    char name[MAX_FIELD_NAME_SHOWN + 1];
    size_t shown = name_len < MAX_FIELD_NAME_SHOWN ? name_len : MAX_FIELD_NAME_SHOWN;
    int value_col;
    size_t i;

    for (i = 0; i < shown; i++) {
        unsigned char c = p->s[p->pos + i];
        name[i] = (char) (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    name[shown] = '\0';
    t->kind = TK_FIELD;
    t->field = name_len == shown ? field_lookup(name, name_len) : FIELD_UNKNOWN;
    if (t->field == FIELD_UNKNOWN) {
        parse_fail(p, t->column,
                   "unknown field '%s%s' (known: person, place, org, source, "
                   "title, date, story, lang)", name, name_len > shown ? "..." : "");
        return;
    }
    lex_advance_to(p, p->pos + name_len + 1);
    value_col = p->col;
    if (p->pos < p->len && p->s[p->pos] == '"') {
        if (!lex_quoted(p, &t->text, &t->len))
            return;
        t->quoted = 1;
        t->text = trim_spaces(t->text, &t->len);
    } else {
        i = p->pos;
        while (i < p->len && !is_space_at(p->s, i) && p->s[i] != '('
               && p->s[i] != ')' && p->s[i] != '"')
            i += seq_len(p->s, i);
        t->text = (const char *) p->s + p->pos;
        t->len = i - p->pos;
        lex_advance_to(p, i);
    }
    if (t->len == 0) {
        parse_fail(p, value_col, "empty field value");
        return;
    }
    switch (t->field) {
    case FIELD_TITLE: {
        size_t n = t->len;
        if (!t->quoted && t->text[n - 1] == '*') {
            t->prefix = 1;
            n--;
        }
        if (!has_word_material((const unsigned char *) t->text, n))
            parse_fail(p, value_col, "empty field value");
        break;
    }
    case FIELD_DATE: {
        int64_t since, until;
        if (!date_range_parse(t->text, t->len, &since, &until))
            parse_fail(p, value_col,
                       "bad date: use YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO "
                       "(either end may be left out)");
        break;
    }
    case FIELD_STORY: {
        int64_t id;
        if (!story_parse(t->text, t->len, &id))
            parse_fail(p, value_col, "story: needs a positive whole number");
        break;
    }
    case FIELD_LANG:
        if (!lang_valid(t->text, t->len))
            parse_fail(p, value_col, "lang: needs a language code such as en");
        break;
    default:
        break;
    }
}

/* Scan a word starting at p->pos (word material is there). */
static void
lex_word(parser_t *p, token_t *t)
{
    size_t i = p->pos, j;

    for (;;) {
        while (i < p->len && is_word_at(p->s, i))
            i += seq_len(p->s, i);
        j = i;
        while (j < p->len && is_word_joiner(p->s[j]))
            j++;
        if (j > i && j < p->len && is_word_at(p->s, j)) {
            i = j;
            continue;
        }
        break;
    }
    t->kind = TK_WORD;
    t->text = (const char *) p->s + p->pos;
    t->len = i - p->pos;
    if (i < p->len && p->s[i] == '*') {
        t->prefix = 1;
        i++;
    } else if (t->len == 2 && memcmp(t->text, "OR", 2) == 0) {
        t->kind = TK_OR;
    } else if (t->len == 3 && memcmp(t->text, "AND", 3) == 0) {
        t->kind = TK_AND;
    } else if (t->len == 3 && memcmp(t->text, "NOT", 3) == 0) {
        t->kind = TK_NOT;
    }
    lex_advance_to(p, i);
}

/* Read the next token into p->tok. Punctuation that is not part of the
 * language separates words and is otherwise ignored. */
static void
lex_next(parser_t *p)
{
    token_t *t = &p->tok;

    memset(t, 0, sizeof *t);
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        t->column = p->col;
        if (is_space_at(p->s, p->pos)) {
            lex_advance_to(p, p->pos + seq_len(p->s, p->pos));
            continue;
        }
        if (c == '(' || c == ')') {
            t->kind = c == '(' ? TK_LPAREN : TK_RPAREN;
            lex_advance_to(p, p->pos + 1);
            return;
        }
        if (c == '"') {
            if (!lex_quoted(p, &t->text, &t->len))
                goto fail;
            if (!has_word_material((const unsigned char *) t->text, t->len)) {
                parse_fail(p, t->column, "empty phrase");
                goto fail;
            }
            t->kind = TK_PHRASE;
            if (p->pos < p->len && p->s[p->pos] == '*') {
                t->prefix = 1;
                lex_advance_to(p, p->pos + 1);
            }
            return;
        }
        if (c == '-' && p->pos + 1 < p->len
            && (p->s[p->pos + 1] == '"' || p->s[p->pos + 1] == '('
                || is_word_at(p->s, p->pos + 1))) {
            t->kind = TK_MINUS;
            lex_advance_to(p, p->pos + 1);
            return;
        }
        if (c == '*') {
            parse_fail(p, t->column, "'*' must follow a word (prefix search is word*)");
            goto fail;
        }
        if (is_word_at(p->s, p->pos)) {
            size_t i = p->pos;
            while (i < p->len && is_ascii_alpha(p->s[i]))
                i++;
            /* name: at the start of a token is a field, unless it is the
             * scheme of a URL (http://...). */
            if (i > p->pos && i < p->len && p->s[i] == ':'
                && !(i + 1 < p->len && p->s[i + 1] == '/')) {
                lex_field(p, i - p->pos, t);
                if (p->st != ARC_OK)
                    goto fail;
                return;
            }
            lex_word(p, t);
            return;
        }
        lex_advance_to(p, p->pos + seq_len(p->s, p->pos));
    }
    t->kind = TK_END;
    t->column = p->col;
    return;
fail:
    t->kind = TK_ERROR;
}

static token_t *
peek(parser_t *p)
{
    if (!p->have_tok) {
        if (p->st != ARC_OK) {
            p->tok.kind = TK_ERROR;
            return &p->tok;
        }
        lex_next(p);
        p->have_tok = 1;
    }
    return &p->tok;
}

static void
consume(parser_t *p)
{
    p->have_tok = 0;
}

/* ======================================================================
 * AST
 * ====================================================================== */

static void
node_free(arc_qnode_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->field);
    free(n->text);
    free(n);
}

static arc_qnode_t *
node_new(parser_t *p, arc_qnode_kind_t kind, int column)
{
    arc_qnode_t *n = calloc(1, sizeof *n);
    if (!n) {
        parse_nomem(p);
        return NULL;
    }
    n->kind = kind;
    n->column = column;
    return n;
}

static char *
copy_text(const char *s, size_t len)
{
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

/* Append kid to parent->kids; the array doubles at powers of two so that
 * n appends cost O(n). On failure kid is freed. */
static int
node_push(parser_t *p, arc_qnode_t *parent, arc_qnode_t *kid)
{
    size_t n = parent->n_kids;
    if (n == 0 || (n & (n - 1)) == 0) {
        arc_qnode_t **k = realloc(parent->kids, (n ? 2 * n : 1) * sizeof *k);
        if (!k) {
            node_free(kid);
            parse_nomem(p);
            return 0;
        }
        parent->kids = k;
    }
    parent->kids[parent->n_kids++] = kid;
    return 1;
}

/* Append kid to parent, splicing in kid's children when kid is of the same
 * kind (AND into AND, OR into OR: both are associative). */
static int
node_add(parser_t *p, arc_qnode_t *parent, arc_qnode_t *kid)
{
    if (kid->kind != parent->kind)
        return node_push(p, parent, kid);
    for (size_t i = 0; i < kid->n_kids; i++) {
        arc_qnode_t *g = kid->kids[i];
        kid->kids[i] = NULL;
        if (!node_push(p, parent, g)) {
            node_free(kid);
            return 0;
        }
    }
    node_free(kid);
    return 1;
}

/* Make a leaf from the current token (WORD, PHRASE or FIELD). */
static arc_qnode_t *
leaf_from_token(parser_t *p, const token_t *t)
{
    arc_qnode_t *n;
    arc_qnode_kind_t kind;

    if (++p->n_terms > MAX_TERMS) {
        parse_fail(p, t->column, "too many terms (limit %d)", MAX_TERMS);
        return NULL;
    }
    if (t->kind == TK_FIELD)
        kind = ARC_QN_FIELD;
    else if (t->prefix)
        kind = ARC_QN_PREFIX;
    else
        kind = t->kind == TK_PHRASE ? ARC_QN_PHRASE : ARC_QN_WORD;
    n = node_new(p, kind, t->column);
    if (!n)
        return NULL;
    n->text = copy_text(t->text, t->len);
    n->is_phrase = t->kind == TK_PHRASE || t->quoted;
    if (t->kind == TK_FIELD)
        n->field = copy_text(field_names[t->field], strlen(field_names[t->field]));
    if (!n->text || (t->kind == TK_FIELD && !n->field)) {
        node_free(n);
        parse_nomem(p);
        return NULL;
    }
    return n;
}

/* ======================================================================
 * Parser
 * ====================================================================== */

static arc_qnode_t *parse_conj(parser_t *p);

static int
starts_primary(token_kind_t k)
{
    return k == TK_WORD || k == TK_PHRASE || k == TK_FIELD || k == TK_LPAREN;
}

/* An AND node with no child that is not an exclusion cannot be run. */
static int
has_positive(const arc_qnode_t *and_node)
{
    for (size_t i = 0; i < and_node->n_kids; i++)
        if (and_node->kids[i]->kind != ARC_QN_NOT)
            return 1;
    return 0;
}

/* An AND or OR with one child is that child. */
static arc_qnode_t *
collapse(arc_qnode_t *n)
{
    if ((n->kind == ARC_QN_AND || n->kind == ARC_QN_OR) && n->n_kids == 1
        && n->kids[0]->kind != ARC_QN_NOT) {
        arc_qnode_t *k = n->kids[0];
        n->n_kids = 0;
        node_free(n);
        return k;
    }
    return n;
}

/* primary := WORD | PHRASE | FIELD | '(' conj ')' */
static arc_qnode_t *
parse_primary(parser_t *p)
{
    token_t *t = peek(p);
    arc_qnode_t *g;
    int open_col;

    if (t->kind == TK_WORD || t->kind == TK_PHRASE || t->kind == TK_FIELD) {
        arc_qnode_t *n = leaf_from_token(p, t);
        consume(p);
        return n;
    }
    if (t->kind != TK_LPAREN) {
        parse_fail(p, t->column, "expected a word here");
        return NULL;
    }
    open_col = t->column;
    if (p->depth >= MAX_DEPTH) {
        parse_fail(p, open_col, "parentheses nested too deeply");
        return NULL;
    }
    consume(p);
    p->depth++;
    g = parse_conj(p);
    if (!g)
        return NULL;
    t = peek(p);
    if (t->kind != TK_RPAREN) {
        if (t->kind != TK_ERROR)
            parse_fail(p, open_col, "unclosed '('");
        node_free(g);
        return NULL;
    }
    consume(p);
    p->depth--;
    if (g->n_kids == 0) {
        parse_fail(p, open_col, "empty parentheses");
        node_free(g);
        return NULL;
    }
    if (!has_positive(g)) {
        parse_fail(p, g->kids[0]->column, MSG_NOTHING_TO_MATCH);
        node_free(g);
        return NULL;
    }
    return collapse(g);
}

/* disj := primary { OR primary } */
static arc_qnode_t *
parse_disj(parser_t *p)
{
    arc_qnode_t *first = parse_primary(p), *or_node;
    token_t *t;

    if (!first)
        return NULL;
    t = peek(p);
    if (t->kind != TK_OR)
        return first;
    or_node = node_new(p, ARC_QN_OR, first->column);
    if (!or_node || !node_add(p, or_node, first)) {
        if (!or_node)
            node_free(first);
        node_free(or_node);
        return NULL;
    }
    while ((t = peek(p))->kind == TK_OR) {
        int or_col = t->column;
        arc_qnode_t *k;
        consume(p);
        t = peek(p);
        if (t->kind == TK_MINUS || t->kind == TK_NOT) {
            parse_fail(p, t->column, MSG_EXCLUDED_IN_OR);
            goto fail;
        }
        if (!starts_primary(t->kind)) {
            if (t->kind != TK_ERROR)
                parse_fail(p, or_col, "OR needs a term after it");
            goto fail;
        }
        k = parse_primary(p);
        if (!k || !node_add(p, or_node, k))
            goto fail;
    }
    if (t->kind == TK_ERROR)
        goto fail;
    return or_node;
fail:
    node_free(or_node);
    return NULL;
}

/* item := ('-' | NOT) primary | disj */
static arc_qnode_t *
parse_item(parser_t *p)
{
    token_t *t = peek(p);
    arc_qnode_t *n, *k;
    int col;

    if (t->kind != TK_MINUS && t->kind != TK_NOT)
        return parse_disj(p);
    col = t->column;
    consume(p);
    t = peek(p);
    if (!starts_primary(t->kind)) {
        if (t->kind != TK_ERROR)
            parse_fail(p, col, "%s", t->kind == TK_OR ? MSG_EXCLUDED_IN_OR
                                     : "NOT needs a term after it");
        return NULL;
    }
    k = parse_primary(p);
    if (!k)
        return NULL;
    n = node_new(p, ARC_QN_NOT, col);
    if (!n || !node_push(p, n, k)) {
        if (!n)
            node_free(k);
        node_free(n);
        return NULL;
    }
    t = peek(p);
    if (t->kind == TK_OR) {
        parse_fail(p, t->column, MSG_EXCLUDED_IN_OR);
        node_free(n);
        return NULL;
    }
    return n;
}

/* conj := item { [AND] item }, up to ')' or the end. Returns an AND node,
 * possibly with no children; the caller checks and collapses it. */
static arc_qnode_t *
parse_conj(parser_t *p)
{
    arc_qnode_t *and_node = node_new(p, ARC_QN_AND, p->tok.column);
    int first = 1;

    if (!and_node)
        return NULL;
    for (;;) {
        token_t *t = peek(p);
        arc_qnode_t *item;

        if (t->kind == TK_ERROR)
            goto fail;
        if (t->kind == TK_END || t->kind == TK_RPAREN)
            break;
        if (t->kind == TK_OR) {
            parse_fail(p, t->column, "OR needs a term before it");
            goto fail;
        }
        if (t->kind == TK_AND) {
            int and_col = t->column;
            if (and_node->n_kids == 0) {
                parse_fail(p, and_col, "AND needs a term before it");
                goto fail;
            }
            consume(p);
            t = peek(p);
            if (!starts_primary(t->kind) && t->kind != TK_MINUS && t->kind != TK_NOT) {
                if (t->kind != TK_ERROR)
                    parse_fail(p, and_col, "AND needs a term after it");
                goto fail;
            }
            continue;
        }
        item = parse_item(p);
        if (!item)
            goto fail;
        if (first)
            and_node->column = item->column;
        first = 0;
        if (!node_add(p, and_node, item))
            goto fail;
    }
    return and_node;
fail:
    node_free(and_node);
    return NULL;
}

/* Parse the validated text s[0..len) into *root (NULL for no terms). */
static arc_status_t
parse_text(const char *text, size_t len, arc_qnode_t **root,
           arc_query_error_t *err)
{
    parser_t p;
    arc_qnode_t *top;
    token_t *t;
    int blank = 1;

    memset(&p, 0, sizeof p);
    p.s = (const unsigned char *) text;
    p.len = len;
    p.col = 1;
    p.err = err;
    *root = NULL;

    for (size_t i = 0; i < len && blank; i += seq_len(p.s, i))
        blank = is_space_at(p.s, i);
    if (blank)
        return ARC_OK;

    top = parse_conj(&p);
    if (!top)
        return p.st;
    t = peek(&p);
    if (t->kind == TK_RPAREN) {
        parse_fail(&p, t->column, "unmatched ')'");
        node_free(top);
        return p.st;
    }
    if (top->n_kids == 0) {
        parse_fail(&p, 1, "no words to search for");
        node_free(top);
        return p.st;
    }
    if (!has_positive(top)) {
        parse_fail(&p, top->kids[0]->column, MSG_NOTHING_TO_MATCH);
        node_free(top);
        return p.st;
    }
    *root = collapse(top);
    return ARC_OK;
}

/* Contract in newsarc.h. The AST keeps the user's words as typed: WORD
 * and PREFIX text is the word (without '*'), PHRASE text the quoted
 * content, FIELD text the value (quoted values trimmed of spaces; an
 * unquoted title: value keeps a trailing '*'). */
arc_status_t
arc_query_parse(const char *text, arc_query_t **out, arc_query_error_t *err)
{
    size_t len, bad;
    int col;
    arc_qnode_t *root = NULL;
    arc_query_t *q;
    arc_status_t st;

    error_clear(err);
    if (out)
        *out = NULL;
    if (!text || !out) {
        error_set(err, 1, "no query");
        return ARC_E_BAD_ARG;
    }
    len = strnlen(text, MAX_QUERY_BYTES + 1);
    if (len > MAX_QUERY_BYTES) {
        error_set(err, 1, "query too long (limit %d KB)", MAX_QUERY_BYTES / 1024);
        return ARC_E_BAD_QUERY;
    }
    bad = utf8_first_invalid((const unsigned char *) text, len, &col);
    if (bad < len) {
        error_set(err, col, "invalid UTF-8");
        return ARC_E_BAD_QUERY;
    }
    st = parse_text(text, len, &root, err);
    if (st != ARC_OK)
        return st;
    q = calloc(1, sizeof *q);
    if (!q || !(q->text = copy_text(text, len))) {
        free(q);
        node_free(root);
        return ARC_E_NOMEM;
    }
    q->root = root;
    *out = q;
    return ARC_OK;
}

/* Contract in newsarc.h: frees the query and its AST; NULL is a no-op. */
void
arc_query_destroy(arc_query_t *q)
{
    if (!q)
        return;
    node_free(q->root);
    free(q->text);
    free(q);
}

/* ======================================================================
 * FTS5 compiler
 * ====================================================================== */

/* Emit text as one FTS5 string: its words separated by single spaces,
 * everything else dropped, inside double quotes (a quote inside would be
 * doubled, though none survives the reduction to words). FTS5 reads a
 * string of several words as a phrase. */
static void
emit_string(arc_buf_t *b, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *) text;
    int need_space = 0;

    Arc_buf_addn(b, "\"", 1);
    for (size_t i = 0; i < len;) {
        size_t n = seq_len(s, i);
        if (is_word_at(s, i)) {
            if (need_space)
                Arc_buf_addn(b, " ", 1);
            need_space = 0;
            Arc_buf_addn(b, text + i, n);
        } else if (s[i] == '"') {
            Arc_buf_addn(b, "\"\"", 2);
        } else {
            need_space = 1;
        }
        i += n;
    }
    Arc_buf_addn(b, "\"", 1);
}

static int
is_leaf(const arc_qnode_t *n)
{
    return n->kind == ARC_QN_WORD || n->kind == ARC_QN_PREFIX
           || n->kind == ARC_QN_PHRASE || n->kind == ARC_QN_FIELD;
}

/*
 * FTS5 parses MATCH expressions with a fixed-size parser stack (about 100
 * entries; it reports "parser stack overflow" beyond). The compiler
 * estimates the stack depth at each point it emits: every '(' holds one
 * entry, and an operand after a binary operator holds two more (the
 * reduced left operand and the operator). A leaf that would start deeper
 * than FTS_STACK_BUDGET fails the compilation instead of failing in
 * SQLite. The margin below the real limit is checked by test_query.c.
 */
#define FTS_STACK_BUDGET 90

typedef struct {
    arc_buf_t b;            /* the expression */
    int deep_column;        /* column of the leaf that went too deep, or 0 */
} compiler_t;

static arc_status_t compile_conj(compiler_t *c, arc_qnode_t *const *items,
                                 size_t n, int nested, int depth);

/* Emit one node, starting at estimated parser stack depth `depth`; the
 * AND/NOT structure is emitted by compile_conj. */
static arc_status_t
compile_node(compiler_t *c, const arc_qnode_t *n, int depth)
{
    arc_buf_t *b = &c->b;
    arc_status_t st = ARC_OK;

    if (is_leaf(n) && depth + (n->kind == ARC_QN_FIELD ? 5 : 2) > FTS_STACK_BUDGET) {
        c->deep_column = n->column;
        return ARC_E_BAD_QUERY;
    }
    switch (n->kind) {
    case ARC_QN_WORD:
    case ARC_QN_PHRASE:
        emit_string(b, n->text, strlen(n->text));
        break;
    case ARC_QN_PREFIX:
        emit_string(b, n->text, strlen(n->text));
        Arc_buf_add(b, " *");
        break;
    case ARC_QN_FIELD: {
        size_t len = strlen(n->text);
        int prefix = !n->is_phrase && len > 0 && n->text[len - 1] == '*';
        if (strcmp(n->field, "title") != 0)
            return ARC_E_INTERNAL;     /* the planner takes the others */
        Arc_buf_add(b, "title : (");
        emit_string(b, n->text, prefix ? len - 1 : len);
        Arc_buf_add(b, prefix ? " *)" : ")");
        break;
    }
    case ARC_QN_OR:
        Arc_buf_add(b, "(");
        for (size_t i = 0; i < n->n_kids && !st; i++) {
            if (i)
                Arc_buf_add(b, " OR ");
            st = compile_node(c, n->kids[i], depth + 1 + (i ? 2 : 0));
        }
        Arc_buf_add(b, ")");
        break;
    case ARC_QN_AND:
        st = compile_conj(c, n->kids, n->n_kids, 1, depth);
        break;
    case ARC_QN_NOT:
        return ARC_E_INTERNAL;         /* only inside an AND */
    }
    return st;
}

/*
 * Emit the conjunction of items (NOT nodes are the exclusions) as
 *   P                              without exclusions
 *   P NOT (n1) NOT (n2)            with them; wrapped in ( ) when nested
 * where P is the one positive item or (p1 AND p2 ...). FTS5's NOT is
 * binary and left-associative, so this reads ((P NOT n1) NOT n2).
 */
static arc_status_t
compile_conj(compiler_t *c, arc_qnode_t *const *items, size_t n, int nested,
             int depth)
{
    arc_buf_t *b = &c->b;
    size_t n_pos = 0, n_neg = 0, k = 0;
    arc_status_t st = ARC_OK;

    for (size_t i = 0; i < n; i++) {
        if (items[i]->kind == ARC_QN_NOT)
            n_neg++;
        else
            n_pos++;
    }
    if (n_pos == 0)
        return ARC_E_INTERNAL;         /* the parser refuses these */
    if (n_neg && nested) {
        Arc_buf_add(b, "(");
        depth++;
    }
    if (n_pos > 1)
        Arc_buf_add(b, "(");
    for (size_t i = 0; i < n && !st; i++) {
        if (items[i]->kind == ARC_QN_NOT)
            continue;
        if (k)
            Arc_buf_add(b, " AND ");
        st = compile_node(c, items[i], depth + (n_pos > 1) + (k ? 2 : 0));
        k++;
    }
    if (n_pos > 1)
        Arc_buf_add(b, ")");
    for (size_t i = 0; i < n && !st; i++) {
        const arc_qnode_t *neg;
        if (items[i]->kind != ARC_QN_NOT)
            continue;
        if (items[i]->n_kids != 1)
            return ARC_E_INTERNAL;
        neg = items[i]->kids[0];
        Arc_buf_add(b, " NOT ");
        if (is_leaf(neg))
            Arc_buf_add(b, "(");
        st = compile_node(c, neg, depth + 2 + is_leaf(neg));
        if (is_leaf(neg))
            Arc_buf_add(b, ")");
    }
    if (n_neg && nested)
        Arc_buf_add(b, ")");
    return st;
}

/* ======================================================================
 * Planner
 * ====================================================================== */

typedef struct {
    arc_qnode_t **items;    /* conjuncts that go to FTS5 */
    size_t n, cap;
} conj_list_t;

static int
conj_push(conj_list_t *l, arc_qnode_t *n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        arc_qnode_t **it = realloc(l->items, cap * sizeof *it);
        if (!it)
            return 0;
        l->items = it;
        l->cap = cap;
    }
    l->items[l->n++] = n;
    return 1;
}

/* The first field term other than title: in the subtree, or NULL. */
static const arc_qnode_t *
find_filter_field(const arc_qnode_t *n)
{
    if (n->kind == ARC_QN_FIELD)
        return strcmp(n->field, "title") == 0 ? NULL : n;
    for (size_t i = 0; i < n->n_kids; i++) {
        const arc_qnode_t *f = find_filter_field(n->kids[i]);
        if (f)
            return f;
    }
    return NULL;
}

static int
str_push(char ***arr, size_t *n, const char *s)
{
    char **a = realloc(*arr, (*n + 1) * sizeof *a);
    if (!a)
        return 0;
    *arr = a;
    if (!(a[*n] = copy_text(s, strlen(s))))
        return 0;
    (*n)++;
    return 1;
}

/* Apply one top-level filter field term to the plan. */
static arc_status_t
plan_field(arc_plan_t *plan, const arc_qnode_t *f, arc_query_error_t *err)
{
    size_t len = strlen(f->text);
    field_t kind = field_lookup(f->field, strlen(f->field));

    switch (kind) {
    case FIELD_PERSON:
    case FIELD_PLACE:
    case FIELD_ORG: {
        arc_plan_entity_t *e = realloc(plan->entities,
                                       (plan->n_entities + 1) * sizeof *e);
        if (!e)
            return ARC_E_NOMEM;
        plan->entities = e;
        e += plan->n_entities;
        e->kind = kind == FIELD_PERSON ? ARC_ENTITY_PERSON
                  : kind == FIELD_PLACE ? ARC_ENTITY_PLACE : ARC_ENTITY_ORG;
        e->column = f->column;
        if (!(e->name = copy_text(f->text, len)))
            return ARC_E_NOMEM;
        plan->n_entities++;
        return ARC_OK;
    }
    case FIELD_SOURCE:
        return str_push(&plan->sources, &plan->n_sources, f->text) ? ARC_OK
                                                                  : ARC_E_NOMEM;
    case FIELD_DATE: {
        int64_t since, until;
        if (!date_range_parse(f->text, len, &since, &until)) {
            error_set(err, f->column, "bad date");
            return ARC_E_BAD_QUERY;
        }
        if (since && (!plan->since || since > plan->since))
            plan->since = since;
        if (until && (!plan->until || until < plan->until))
            plan->until = until;
        return ARC_OK;
    }
    case FIELD_STORY: {
        int64_t id;
        if (!story_parse(f->text, len, &id)) {
            error_set(err, f->column, "story: needs a positive whole number");
            return ARC_E_BAD_QUERY;
        }
        if (plan->story && plan->story != id) {
            error_set(err, f->column, "a query can name only one story");
            return ARC_E_BAD_QUERY;
        }
        plan->story = id;
        return ARC_OK;
    }
    case FIELD_LANG:
        if (plan->lang) {
            if (strcasecmp(plan->lang, f->text) == 0)
                return ARC_OK;
            error_set(err, f->column, "a query can name only one language");
            return ARC_E_BAD_QUERY;
        }
        return (plan->lang = copy_text(f->text, len)) ? ARC_OK : ARC_E_NOMEM;
    default:
        return ARC_E_INTERNAL;
    }
}

/* Collect the conjuncts of n into fts (splicing nested ANDs) and apply
 * the filter fields among them to plan. */
static arc_status_t
plan_walk(arc_plan_t *plan, arc_qnode_t *n, conj_list_t *fts,
          arc_query_error_t *err)
{
    const arc_qnode_t *f;

    if (n->kind == ARC_QN_AND) {
        for (size_t i = 0; i < n->n_kids; i++) {
            arc_status_t st = plan_walk(plan, n->kids[i], fts, err);
            if (st)
                return st;
        }
        return ARC_OK;
    }
    if (n->kind == ARC_QN_FIELD && strcmp(n->field, "title") != 0)
        return plan_field(plan, n, err);
    f = find_filter_field(n);
    if (f) {
        error_set(err, f->column, MSG_FIELD_COMBINED);
        return ARC_E_BAD_QUERY;
    }
    return conj_push(fts, n) ? ARC_OK : ARC_E_NOMEM;
}

/*
 * Split the query into filters and the FTS5 expression (contract in
 * archive-private.h). The top-level conjunction, including parenthesised
 * groups joined to it by AND, is walked: person:/place:/org:/source:/
 * date:/story:/lang: terms become plan members, everything else (title:
 * included) is compiled into plan->fts. *plan is overwritten, not
 * cleared first: pass a zeroed or cleared plan. On failure the plan is
 * left cleared and err (may be NULL) says where and why.
 * @retval ARC_OK, ARC_E_BAD_QUERY, ARC_E_BAD_ARG (q NULL), ARC_E_NOMEM,
 *         ARC_E_INTERNAL (an AST the parser would not make).
 */
arc_status_t
Arc_query_plan(const arc_query_t *q, arc_plan_t *plan, arc_query_error_t *err)
{
    conj_list_t fts = { NULL, 0, 0 };
    arc_status_t st = ARC_OK;
    compiler_t c;

    error_clear(err);
    memset(&c, 0, sizeof c);
    if (!plan)
        return ARC_E_BAD_ARG;
    memset(plan, 0, sizeof *plan);
    if (!q)
        return ARC_E_BAD_ARG;
    if (!q->root)
        return ARC_OK;
    st = plan_walk(plan, q->root, &fts, err);
    if (st)
        goto done;
    if (fts.n) {
        size_t i;
        for (i = 0; i < fts.n && fts.items[i]->kind == ARC_QN_NOT; i++)
            ;
        if (i == fts.n) {
            error_set(err, fts.items[0]->column, MSG_NOTHING_TO_MATCH);
            st = ARC_E_BAD_QUERY;
            goto done;
        }
        st = compile_conj(&c, fts.items, fts.n, 0, 0);
        if (st == ARC_E_BAD_QUERY)
            error_set(err, c.deep_column, MSG_TOO_DEEP);
        if (!st && c.b.failed)
            st = ARC_E_NOMEM;
        if (st)
            goto done;
        plan->fts = c.b.data;
        c.b.data = NULL;
    }
done:
    Arc_buf_free(&c.b);
    free(fts.items);
    if (st) {
        if (st == ARC_E_NOMEM)
            error_set(err, 0, "out of memory");
        else if (st == ARC_E_INTERNAL)
            error_set(err, 0, "internal error: malformed query tree");
        Arc_plan_clear(plan);
    }
    return st;
}

/* Free everything the plan owns and zero it (contract in
 * archive-private.h). NULL is a no-op. */
void
Arc_plan_clear(arc_plan_t *plan)
{
    if (!plan)
        return;
    free(plan->fts);
    for (size_t i = 0; i < plan->n_sources; i++)
        free(plan->sources[i]);
    free(plan->sources);
    for (size_t i = 0; i < plan->n_entities; i++)
        free(plan->entities[i].name);
    free(plan->entities);
    free(plan->lang);
    memset(plan, 0, sizeof *plan);
}

/* Contract in newsarc.h: plan->fts of the query, i.e. the full-text part
 * with the filter fields taken out. NULL when there is no full-text part,
 * when the query cannot be planned (Arc_query_plan fails) or when memory
 * runs out. */
char *
arc_query_fts_expression(const arc_query_t *q)
{
    arc_plan_t plan;
    char *fts;

    if (Arc_query_plan(q, &plan, NULL) != ARC_OK)
        return NULL;
    fts = plan.fts;
    plan.fts = NULL;
    Arc_plan_clear(&plan);
    return fts;
}
