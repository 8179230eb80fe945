/*
 * entities_data.h - layout of the generated tables behind the entity
 * finder: the gazetteer (indexer/gazetteer_data.c) and the word lists
 * (indexer/names_data.c). Both files are written by the builders in
 * tools/data/; do not edit them by hand.
 *
 * Keys are normalised: Latin accents folded (idx_fold_table), ASCII letters
 * lower-cased, '.' removed, runs of spaces collapsed to one, U+2019 turned
 * into '\''. Lookup hashes the key
 * with 32-bit FNV-1a into an open-addressing slot table (linear probing;
 * a slot holds index + 1, 0 is empty).
 */
#ifndef IDX_ENTITIES_DATA_H
#define IDX_ENTITIES_DATA_H

#include <stdint.h>
#include <stddef.h>

/* Gazetteer place kinds. */
enum { IDX_GAZ_CITY = 0, IDX_GAZ_REGION = 1, IDX_GAZ_COUNTRY = 2, IDX_GAZ_AREA = 3 };

typedef struct idx_gaz_place {
    uint32_t name;        /* offset in idx_gaz_strings: canonical name */
    char cc[3];           /* ISO 3166-1 alpha-2, "" when none */
    char admin[4];        /* first-level admin code ("TX"), "" when none */
    unsigned char kind;   /* IDX_GAZ_* */
    float lat, lon;
    uint32_t population;  /* 0 when unknown */
} idx_gaz_place_t;

typedef struct idx_gaz_key {
    uint32_t key;         /* offset in idx_gaz_strings: normalised key */
    uint32_t first;       /* first index in idx_gaz_refs */
    uint32_t count;       /* places with this key, most likely first */
} idx_gaz_key_t;

extern const char idx_gaz_strings[];
extern const idx_gaz_place_t idx_gaz_places[];
extern const size_t idx_gaz_n_places;
extern const idx_gaz_key_t idx_gaz_keys[];
extern const size_t idx_gaz_n_keys;
extern const uint32_t idx_gaz_refs[];
extern const uint32_t idx_gaz_slots[];
extern const uint32_t idx_gaz_slot_mask;

/* Word flags (see tools/data/lists/words.tsv for the letters). */
enum {
    IDX_W_STOP      = 1u << 0,  /* S */
    IDX_W_TITLE     = 1u << 1,  /* T */
    IDX_W_TITLEMOD  = 1u << 2,  /* M */
    IDX_W_ORGMARK   = 1u << 3,  /* O */
    IDX_W_PLACEMARK = 1u << 4,  /* P */
    IDX_W_EVENT     = 1u << 5,  /* E */
    IDX_W_REJLEAD   = 1u << 6,  /* R */
    IDX_W_REJECT    = 1u << 7,  /* X */
    IDX_W_DEMONYM   = 1u << 8,  /* D */
    IDX_W_WEEKDAY   = 1u << 9,  /* W */
    IDX_W_MONTH     = 1u << 10, /* N */
    IDX_W_VERB      = 1u << 11, /* V */
    IDX_W_VERBPRE   = 1u << 12, /* B */
    IDX_W_PLACEPREP = 1u << 13, /* L */
    IDX_W_PARTICLE  = 1u << 14, /* A */
    IDX_W_ABBREV    = 1u << 15, /* K */
    IDX_W_SUFFIX    = 1u << 16, /* J */
    IDX_W_CAPSNOT   = 1u << 17, /* C */
    IDX_W_OFHEAD    = 1u << 18, /* H */
    IDX_W_FIRSTNAME = 1u << 19, /* from the first-name lists */
    IDX_W_ORG       = 1u << 20, /* known organisation; canon names it */
    IDX_W_ORGCAPS   = 1u << 21, /* known organisation only when all-caps */
    IDX_W_PLACELEAD = 1u << 22, /* Q */
    IDX_W_CLUBLEAD  = 1u << 23, /* F */
    IDX_W_WEAKVERB  = 1u << 24  /* Y */
};

typedef struct idx_word {
    uint32_t key;         /* offset in idx_words_strings */
    uint32_t flags;       /* IDX_W_* */
    uint32_t canon;       /* offset of the canonical org name, or 0 */
} idx_word_t;

extern const char idx_words_strings[];
extern const idx_word_t idx_words[];
extern const size_t idx_words_n;
extern const uint32_t idx_words_slots[];
extern const uint32_t idx_words_slot_mask;
/* U+00C0..U+017F folded to an ASCII lower-case letter; 0 keeps it */
extern const unsigned char idx_fold_table[192];

/* 32-bit FNV-1a of n bytes. */
static inline uint32_t idx_data_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

#endif
