/*
 * entities_words.c - lookups in the generated word and gazetteer tables
 * (names_data.c, gazetteer_data.c): key normalisation and hashing.
 */
#include <string.h>

#include "entities_data.h"
#include "entities_words.h"

/*
 * Normalise s[0..n) into buf (cap bytes): Latin accents folded, ASCII
 * lower-cased, '.' dropped,
 * spaces collapsed, U+2019 turned into '\''. Returns the key length, or -1
 * when it does not fit or is empty.
 */
int idx_key_normalize(const char *s, size_t n, char *buf, size_t cap)
{
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z' && !space) {     /* the common case first */
            if (o + 1 >= cap)
                return -1;
            buf[o++] = (char)c;
            continue;
        }
        if (c == '.')
            continue;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i++;
            space = o > 0;
            continue;
        }
        if (space) {
            if (o + 1 >= cap)
                return -1;
            buf[o++] = ' ';
            space = 0;
        }
        if (c >= 0xC3 && c <= 0xC5 && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            unsigned cp = ((unsigned)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
            if (cp >= 0xC0 && cp <= 0x17F && idx_fold_table[cp - 0xC0]) {
                c = idx_fold_table[cp - 0xC0];
                i++;
            }
        }
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        if (o + 1 >= cap)
            return -1;
        buf[o++] = (char)c;
    }
    if (o == 0)
        return -1;
    buf[o] = '\0';
    return (int)o;
}

/* Probe a generated slot table for key (already normalised). */
static uint32_t probe(const uint32_t *slots, uint32_t mask, const char *pool,
                      const char *key, int klen, size_t stride_off,
                      const void *rows, size_t row_size)
{
    uint32_t j = idx_data_hash(key, (size_t)klen) & mask;
    for (;;) {
        uint32_t v = slots[j];
        if (v == 0)
            return 0;
        const unsigned char *row = (const unsigned char *)rows + (size_t)(v - 1) * row_size;
        uint32_t off;
        memcpy(&off, row + stride_off, sizeof off);
        if (pool[off] == key[0] && memcmp(pool + off, key, (size_t)klen) == 0 &&
            pool[off + (uint32_t)klen] == '\0')
            return v;
        j = (j + 1) & mask;
    }
}

/* A small memo of recent word lookups, per thread: news text repeats its
 * words ("said", "the", the names), and a repeat then costs one hash of
 * the raw bytes instead of normalising and probing the big tables (whose
 * cache misses dominate). Keyed by the exact bytes; short words only. */
#define MEMO_SLOTS 512
#define MEMO_LEN 23
typedef struct memo {
    unsigned char len;          /* 0: empty */
    char s[MEMO_LEN];
    const idx_word_t *w;        /* the answer, NULL included */
} memo_t;
static _Thread_local memo_t memo[MEMO_SLOTS];

static const idx_word_t *words_lookup_uncached(const char *s, size_t n)
{
    char buf[128];
    int k = idx_key_normalize(s, n, buf, sizeof buf);
    if (k < 0)
        return NULL;
    uint32_t v = probe(idx_words_slots, idx_words_slot_mask, idx_words_strings, buf, k,
                       offsetof(idx_word_t, key), idx_words, sizeof(idx_word_t));
    return v ? &idx_words[v - 1] : NULL;
}

/*
 * Look up a word or phrase (any case, dots ignored) in the word table.
 * Returns the static entry or NULL.
 */
const idx_word_t *idx_words_lookup(const char *s, size_t n)
{
    if (n == 0 || n > MEMO_LEN)
        return words_lookup_uncached(s, n);
    memo_t *m = &memo[idx_data_hash(s, n) & (MEMO_SLOTS - 1)];
    if (m->len == n && memcmp(m->s, s, n) == 0)
        return m->w;
    m->w = words_lookup_uncached(s, n);
    memcpy(m->s, s, n);
    m->len = (unsigned char)n;
    return m->w;
}

/*
 * Look up a place name (any case, dots ignored) in the gazetteer.
 * Returns the static key entry (its refs list the places, most likely
 * first) or NULL.
 */
const idx_gaz_key_t *idx_gazetteer_key(const char *s, size_t n)
{
    char buf[160];
    int k = idx_key_normalize(s, n, buf, sizeof buf);
    if (k < 0)
        return NULL;
    uint32_t v = probe(idx_gaz_slots, idx_gaz_slot_mask, idx_gaz_strings, buf, k,
                       offsetof(idx_gaz_key_t, key), idx_gaz_keys, sizeof(idx_gaz_key_t));
    return v ? &idx_gaz_keys[v - 1] : NULL;
}

/* Memo of recent gazetteer lookups by normalised key (as memo above). */
typedef struct gmemo {
    unsigned char len;
    char s[MEMO_LEN];
    const idx_gaz_key_t *g;
} gmemo_t;
static _Thread_local gmemo_t gmemo[MEMO_SLOTS];

/* The same two lookups on a key already normalised (len > 0). */
const idx_word_t *idx_words_lookup_key(const char *key, int klen)
{
    uint32_t v = probe(idx_words_slots, idx_words_slot_mask, idx_words_strings, key, klen,
                       offsetof(idx_word_t, key), idx_words, sizeof(idx_word_t));
    return v ? &idx_words[v - 1] : NULL;
}

const idx_gaz_key_t *idx_gazetteer_key_norm(const char *key, int klen)
{
    gmemo_t *m = NULL;

    if (klen > 0 && klen <= MEMO_LEN) {
        m = &gmemo[idx_data_hash(key, (size_t)klen) & (MEMO_SLOTS - 1)];
        if (m->len == klen && memcmp(m->s, key, (size_t)klen) == 0)
            return m->g;
    }
    uint32_t v = probe(idx_gaz_slots, idx_gaz_slot_mask, idx_gaz_strings, key, klen,
                       offsetof(idx_gaz_key_t, key), idx_gaz_keys, sizeof(idx_gaz_key_t));
    const idx_gaz_key_t *g = v ? &idx_gaz_keys[v - 1] : NULL;
    if (m) {
        memcpy(m->s, key, (size_t)klen);
        m->len = (unsigned char)klen;
        m->g = g;
    }
    return g;
}
