/*
 * sha1.c - SHA-1 as specified in FIPS 180-4, and RFC 4648 base32.
 * Written for WARC digests; straightforward, byte-order independent.
 */
#include "sha1.h"

#include <string.h>

static uint32_t rotl32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

static void sha1_compress(uint32_t h[5], const unsigned char p[64])
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = ((uint32_t)p[4 * t] << 24) | ((uint32_t)p[4 * t + 1] << 16) |
               ((uint32_t)p[4 * t + 2] << 8) | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rotl32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t tmp = rotl32(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl32(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void idx_sha1_init(idx_sha1_t *ctx)
{
    ctx->h[0] = 0x67452301u;
    ctx->h[1] = 0xEFCDAB89u;
    ctx->h[2] = 0x98BADCFEu;
    ctx->h[3] = 0x10325476u;
    ctx->h[4] = 0xC3D2E1F0u;
    ctx->total = 0;
    ctx->used = 0;
}

void idx_sha1_update(idx_sha1_t *ctx, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len == 0)
        return;
    ctx->total += len;
    if (ctx->used > 0) {
        size_t take = 64 - ctx->used;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take;
        p += take;
        len -= take;
        if (ctx->used < 64)
            return;
        sha1_compress(ctx->h, ctx->block);
        ctx->used = 0;
    }
    while (len >= 64) {
        sha1_compress(ctx->h, p);
        p += 64;
        len -= 64;
    }
    if (len > 0) {
        memcpy(ctx->block, p, len);
        ctx->used = len;
    }
}

void idx_sha1_final(idx_sha1_t *ctx, unsigned char out[IDX_SHA1_LEN])
{
    uint64_t bits = ctx->total * 8u;
    unsigned char pad[72];
    size_t padlen = (ctx->used < 56) ? 56 - ctx->used : 120 - ctx->used;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    idx_sha1_update(ctx, pad, padlen);
    unsigned char lenbuf[8];
    for (int i = 0; i < 8; i++)
        lenbuf[i] = (unsigned char)(bits >> (56 - 8 * i));
    idx_sha1_update(ctx, lenbuf, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(ctx->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(ctx->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(ctx->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)ctx->h[i];
    }
}

size_t idx_base32_encode(const unsigned char *in, size_t n, char *out, size_t out_size)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t need = (n * 8 + 4) / 5;
    if (out_size < need + 1)
        return 0;
    size_t o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = alphabet[(acc >> (bits - 5)) & 31u];
            bits -= 5;
        }
        acc &= (1u << bits) - 1u;
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (5 - bits)) & 31u];
    out[o] = '\0';
    return o;
}

void idx_sha1_base32(const void *data, size_t len, char out[IDX_SHA1_BASE32_SIZE])
{
    idx_sha1_t ctx;
    unsigned char digest[IDX_SHA1_LEN];
    idx_sha1_init(&ctx);
    idx_sha1_update(&ctx, data, len);
    idx_sha1_final(&ctx, digest);
    idx_base32_encode(digest, sizeof digest, out, IDX_SHA1_BASE32_SIZE);
}
