/*
 * sha1.h - SHA-1 (FIPS 180-4) and RFC 4648 base32, for WARC digests
 * ("sha1:" followed by 32 base32 characters). Not for security uses.
 */
#ifndef IDX_SHA1_H
#define IDX_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define IDX_SHA1_LEN 20
/* 20 bytes in base32 are 32 characters, plus the terminating NUL. */
#define IDX_SHA1_BASE32_SIZE 33

typedef struct idx_sha1 {
    uint32_t h[5];
    uint64_t total;            /* bytes hashed so far */
    unsigned char block[64];
    size_t used;               /* bytes waiting in block */
} idx_sha1_t;

/* Start a new hash in *ctx (caller-owned storage; nothing to free). */
void idx_sha1_init(idx_sha1_t *ctx);
/* Hash len more bytes of data (data may be NULL when len is 0). */
void idx_sha1_update(idx_sha1_t *ctx, const void *data, size_t len);
/* Finish: write the 20-byte digest to out; ctx must be re-initialised to reuse. */
void idx_sha1_final(idx_sha1_t *ctx, unsigned char out[IDX_SHA1_LEN]);

/* Encode n bytes as upper-case RFC 4648 base32 without padding into out
 * (out_size >= (n * 8 + 4) / 5 + 1). Returns the characters written, or 0
 * if out is too small. */
size_t idx_base32_encode(const unsigned char *in, size_t n, char *out, size_t out_size);

/* Convenience: SHA-1 of data as base32 in out (NUL-terminated, 32 chars). */
void idx_sha1_base32(const void *data, size_t len, char out[IDX_SHA1_BASE32_SIZE]);

#endif
