/*
 * entities_words.h - lookups in the generated word and gazetteer tables,
 * shared by entities.c and gazetteer.c.
 */
#ifndef IDX_ENTITIES_WORDS_H
#define IDX_ENTITIES_WORDS_H

#include <stddef.h>
#include "entities_data.h"

/* Normalise s[0..n) into buf; returns the key length or -1. */
int idx_key_normalize(const char *s, size_t n, char *buf, size_t cap);
/* Word-table entry for a word or phrase (any case), NULL when unlisted. */
const idx_word_t *idx_words_lookup(const char *s, size_t n);
/* Gazetteer key entry for a place name (any case), NULL when unknown. */
const idx_gaz_key_t *idx_gazetteer_key(const char *s, size_t n);
/* The same two lookups for a key already normalised. */
const idx_word_t *idx_words_lookup_key(const char *key, int klen);
const idx_gaz_key_t *idx_gazetteer_key_norm(const char *key, int klen);

#endif
