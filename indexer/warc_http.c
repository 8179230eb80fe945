/*
 * warc_http.c - the small part of HTTP/1.x that WARC records need: where
 * the header section ends, header look-up, and chunked transfer decoding.
 * Tolerant of LF-only line ends, as real captures have them.
 */
#include "warc.h"

#include <string.h>
#include <strings.h>

int idx_warc_http_header_end(const unsigned char *p, size_t len, size_t *body_off)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '\n')
            continue;
        /* a line ended at i; is the next line empty? */
        if (i + 1 < len && p[i + 1] == '\n') {
            *body_off = i + 2;
            return 1;
        }
        if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n') {
            *body_off = i + 3;
            return 1;
        }
    }
    return 0;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Advance *pos past the end of the current line; 0 if there is none. */
static int skip_line(const unsigned char *in, size_t len, size_t *pos)
{
    const unsigned char *nl = memchr(in + *pos, '\n', len - *pos);
    if (nl == NULL)
        return 0;
    *pos = (size_t)(nl - in) + 1;
    return 1;
}

int idx_warc_http_dechunk(const unsigned char *in, size_t len,
                          unsigned char *out, size_t *out_len)
{
    size_t pos = 0, o = 0;
    for (;;) {
        /* chunk-size [; extensions] CRLF */
        size_t size = 0;
        int digits = 0;
        while (pos < len && (in[pos] == ' ' || in[pos] == '\t'))
            pos++;
        while (pos < len && hex_value(in[pos]) >= 0) {
            if (digits >= 15)
                return -1; /* absurd size */
            size = size * 16 + (size_t)hex_value(in[pos]);
            digits++;
            pos++;
        }
        if (digits == 0)
            return -1;
        if (pos < len && in[pos] != '\r' && in[pos] != '\n' && in[pos] != ';' &&
            in[pos] != ' ' && in[pos] != '\t')
            return -1;
        if (!skip_line(in, len, &pos))
            return -1;
        if (size == 0)
            break;
        if (size > len - pos)
            return -1; /* truncated chunk */
        memcpy(out + o, in + pos, size);
        o += size;
        pos += size;
        /* CRLF (or LF) after the data */
        if (pos < len && in[pos] == '\r')
            pos++;
        if (pos >= len || in[pos] != '\n')
            return -1;
        pos++;
    }
    /* optional trailer fields, then the final empty line (often absent in
     * captures; not required) */
    *out_len = o;
    return 0;
}

const char *idx_warc_http_find(const char *hdrs, size_t len, const char *name,
                               size_t *vlen)
{
    size_t nlen = strlen(name);
    size_t pos = 0;
    int first = 1;
    while (pos < len) {
        const char *line = hdrs + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - line) : len - pos;
        pos += llen + (nl ? 1 : 0);
        if (llen > 0 && line[llen - 1] == '\r')
            llen--;
        if (llen == 0)
            break; /* end of the header section */
        if (first) {
            first = 0;
            continue; /* status or request line */
        }
        if (llen > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
            const char *v = line + nlen + 1;
            const char *e = line + llen;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *vlen = (size_t)(e - v);
            return v;
        }
    }
    return NULL;
}
