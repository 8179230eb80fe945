/*
 * warc_read.c - WARC 1.0/1.1 (and ARC v1/v2) reader over plain or gzip
 * files.
 *
 * Layers, bottom up:
 *   source   bytes of the file, inflated member by member when gzipped
 *            (each member's file offset is remembered, so a record that
 *            starts a member gets a seekable offset);
 *   window   a buffer of decompressed bytes addressed by "stream position";
 *            it keeps the current record whole (header + block, at most
 *            IDX_WARC_BLOCK_CAP + header limits), so a damaged record can be
 *            re-scanned from its block for the next "WARC/1." line;
 *   records  WARC headers, Content-Length block, trailer; then the HTTP
 *            message inside the block (status, headers, de-chunked body).
 *
 * Memory and time are bounded on hostile input: header lines, header
 * sections and blocks have caps, and resynchronisation is a linear scan.
 */
#include "warc.h"
#include "sha1.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IN_CHUNK ((size_t)1 << 16)
#define WINDOW_START ((size_t)1 << 16)
#define MAX_LINE ((size_t)1 << 16)
#define MAX_HEADER_BYTES ((size_t)1 << 20)
#define MAX_FIELDS 1024
#define MAX_MEMBERS ((size_t)1 << 20)
#define MAX_WARNING 4096
/* the window never has to hold more than one record plus a little */
#define WINDOW_MAX (IDX_WARC_BLOCK_CAP + MAX_HEADER_BYTES + 2 * MAX_LINE)

enum { FMT_WARC, FMT_ARC };

typedef struct member {
    int64_t spos;  /* stream position of the member's first byte */
    int64_t coff;  /* file offset of the member's gzip header */
} member_t;

typedef struct field {
    size_t name, value; /* offsets into the reader's string pool */
} field_t;

typedef struct field_list {
    field_t *v;
    size_t n, cap;
} field_list_t;

struct idx_warc_reader {
    char *path;
    int fd;
    int gz;
    int format;
    int arc_version;
    int64_t file_size;

    /* compressed input (gzip only) */
    z_stream zs;
    int zs_ready;
    unsigned char *in;
    size_t in_pos, in_len;
    int64_t in_off;     /* file offset of in[0] */
    int in_eof;
    int in_member;      /* inside a gzip member */

    /* decompressed window: valid bytes buf[start..end) */
    unsigned char *buf;
    size_t cap, start, end;
    int64_t base;       /* stream position of buf[0] */
    int src_eof;
    char *src_error;    /* pending source error (malloc'd) */

    member_t *mem;
    size_t nmem, mcap;
    int mem_full;

    int need_resync;
    int64_t resync_from;
    size_t consume;     /* bytes of the last returned record to drop */

    /* current record */
    idx_warc_record_t rec;
    char *pool;
    size_t pool_len, pool_cap;
    field_list_t warc_fields, http_fields;
    unsigned char *dechunked;
    size_t dechunked_cap;
    const unsigned char *raw_body;
    size_t raw_body_len;

    char *warn;
    size_t warn_len;
    char *warn_out;
    int warned_unaligned;
    int warned_brackets;
};

/* ---- messages ---------------------------------------------------------- */

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s != NULL)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

static void set_err(char **errmsg, char *msg)
{
    if (errmsg != NULL)
        *errmsg = msg;
    else
        free(msg);
}

static void warn(idx_warc_reader_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (s == NULL)
        return;
    size_t n = strlen(s);
    if (r->warn_len + n + 3 > MAX_WARNING) {
        free(s);
        return;
    }
    char *nw = realloc(r->warn, r->warn_len + n + 3);
    if (nw == NULL) {
        free(s);
        return;
    }
    r->warn = nw;
    if (r->warn_len > 0) {
        memcpy(r->warn + r->warn_len, "; ", 2);
        r->warn_len += 2;
    }
    memcpy(r->warn + r->warn_len, s, n + 1);
    r->warn_len += n;
    free(s);
}

/* A short, printable excerpt of untrusted bytes for messages. */
static void excerpt_ex(const unsigned char *p, size_t n, char *out, size_t out_size,
                       int keep_line_ends)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < out_size; i++) {
        unsigned char c = p[i];
        if ((c == '\r' || c == '\n') && !keep_line_ends)
            break;
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, out_size - o, "\\x%02x", c);
            o += 4;
        }
    }
    out[o] = '\0';
}

static void excerpt(const unsigned char *p, size_t n, char *out, size_t out_size)
{
    excerpt_ex(p, n, out, out_size, 0);
}

/* memmem and strcasestr are GNU extensions; small portable versions. */
static const unsigned char *find_bytes(const unsigned char *hay, size_t n,
                                       const char *needle, size_t m)
{
    if (m == 0 || n < m)
        return NULL;
    const unsigned char *p = hay, *last = hay + (n - m);
    while (p <= last) {
        p = memchr(p, (unsigned char)needle[0], (size_t)(last - p) + 1);
        if (p == NULL)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        p++;
    }
    return NULL;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t m = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, m) == 0)
            return 1;
    return 0;
}

/* ---- source: plain or gzip bytes into the window ----------------------- */

static int input_refill(idx_warc_reader_t *r)
{
    if (r->in_eof)
        return 0;
    if (r->in_pos > 0) {
        memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
        r->in_off += (int64_t)r->in_pos;
        r->in_len -= r->in_pos;
        r->in_pos = 0;
    }
    if (r->in_len == IN_CHUNK)
        return 1;
    ssize_t got;
    do {
        got = read(r->fd, r->in + r->in_len, IN_CHUNK - r->in_len);
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
        r->in_eof = 1;
        return got < 0 ? -1 : 0;
    }
    r->in_len += (size_t)got;
    return 1;
}

static void member_push(idx_warc_reader_t *r, int64_t spos, int64_t coff)
{
    if (r->nmem > 0 && r->mem[r->nmem - 1].spos == spos) {
        r->mem[r->nmem - 1].coff = coff; /* the previous member was empty */
        return;
    }
    if (r->nmem == r->mcap) {
        if (r->mcap >= MAX_MEMBERS) {
            r->mem_full = 1;
            return;
        }
        size_t ncap = r->mcap ? r->mcap * 2 : 64;
        member_t *nm = realloc(r->mem, ncap * sizeof *nm);
        if (nm == NULL) {
            r->mem_full = 1;
            return;
        }
        r->mem = nm;
        r->mcap = ncap;
    }
    r->mem[r->nmem].spos = spos;
    r->mem[r->nmem].coff = coff;
    r->nmem++;
}

/* Forget members that end before the window start (keep the one containing it). */
static void member_prune(idx_warc_reader_t *r)
{
    int64_t s = r->base + (int64_t)r->start;
    size_t drop = 0;
    while (drop + 1 < r->nmem && r->mem[drop + 1].spos <= s)
        drop++;
    if (drop > 0) {
        memmove(r->mem, r->mem + drop, (r->nmem - drop) * sizeof *r->mem);
        r->nmem -= drop;
        r->mem_full = 0;
    }
}

/* Make room for more bytes at the end of the window. 0 or -1 (over limit). */
static int window_room(idx_warc_reader_t *r)
{
    if (r->end < r->cap)
        return 0;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->base += (int64_t)r->start;
        r->end -= r->start;
        r->start = 0;
        member_prune(r);
        if (r->end < r->cap)
            return 0;
    }
    if (r->cap >= WINDOW_MAX)
        return -1;
    size_t ncap = r->cap * 2;
    if (ncap > WINDOW_MAX)
        ncap = WINDOW_MAX;
    unsigned char *nb = realloc(r->buf, ncap);
    if (nb == NULL)
        return -1;
    r->buf = nb;
    r->cap = ncap;
    return 0;
}

static void source_error(idx_warc_reader_t *r, char *msg)
{
    if (r->src_error == NULL)
        r->src_error = msg;
    else
        free(msg);
}

/* Skip bytes that are not a gzip header; 1 when a member start is at in_pos. */
static int gz_find_member(idx_warc_reader_t *r)
{
    int64_t skipped_from = -1;
    for (;;) {
        if (r->in_len - r->in_pos < 3 && !r->in_eof) {
            input_refill(r);
            continue;
        }
        if (r->in_pos >= r->in_len)
            break;
        unsigned char *p = r->in + r->in_pos;
        size_t avail = r->in_len - r->in_pos;
        if (avail >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
            break;
        if (avail < 3 && r->in_eof) {
            if (skipped_from < 0)
                skipped_from = r->in_off + (int64_t)r->in_pos;
            r->in_pos = r->in_len;
            break;
        }
        if (skipped_from < 0)
            skipped_from = r->in_off + (int64_t)r->in_pos;
        unsigned char *m = memchr(p + 1, 0x1f, avail - 1);
        r->in_pos = m ? (size_t)(m - r->in) : r->in_len - 2;
        if (m == NULL && r->in_eof)
            r->in_pos = r->in_len;
    }
    if (skipped_from >= 0) {
        int64_t to = r->in_off + (int64_t)r->in_pos;
        warn(r, "%s: %lld bytes that are not gzip data skipped at offset %lld",
             r->path, (long long)(to - skipped_from), (long long)skipped_from);
    }
    return r->in_pos < r->in_len;
}

/* Append decompressed bytes. >0 bytes added, 0 at end, -1 error (src_error set). */
static int source_fill(idx_warc_reader_t *r)
{
    if (r->src_eof)
        return 0;
    if (window_room(r) != 0) {
        source_error(r, format("%s: record at stream position %lld needs more than %zu bytes of buffer",
                               r->path, (long long)(r->base + (int64_t)r->start), (size_t)WINDOW_MAX));
        return -1;
    }
    if (!r->gz) {
        ssize_t got;
        do {
            got = read(r->fd, r->buf + r->end, r->cap - r->end);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            source_error(r, format("%s: read error: %s", r->path, strerror(errno)));
            r->src_eof = 1;
            return -1;
        }
        if (got == 0) {
            r->src_eof = 1;
            return 0;
        }
        r->end += (size_t)got;
        return (int)(got > 0);
    }
    for (;;) {
        if (!r->in_member) {
            if (!gz_find_member(r)) {
                r->src_eof = 1;
                return 0;
            }
            inflateReset(&r->zs);
            member_push(r, r->base + (int64_t)r->end, r->in_off + (int64_t)r->in_pos);
            r->in_member = 1;
        }
        if (r->in_pos == r->in_len) {
            if (input_refill(r) <= 0 && r->in_pos == r->in_len) {
                int64_t coff = r->nmem ? r->mem[r->nmem - 1].coff : r->in_off;
                source_error(r, format("%s: gzip member at offset %lld is truncated",
                                       r->path, (long long)coff));
                r->in_member = 0;
                r->src_eof = 1;
                return -1;
            }
        }
        r->zs.next_in = r->in + r->in_pos;
        r->zs.avail_in = (uInt)(r->in_len - r->in_pos);
        r->zs.next_out = r->buf + r->end;
        r->zs.avail_out = (uInt)(r->cap - r->end);
        int ret = inflate(&r->zs, Z_NO_FLUSH);
        size_t used = (r->in_len - r->in_pos) - r->zs.avail_in;
        size_t made = (r->cap - r->end) - r->zs.avail_out;
        r->in_pos += used;
        r->end += made;
        if (ret == Z_STREAM_END) {
            r->in_member = 0;
            if (made > 0)
                return 1;
            continue;
        }
        if (ret == Z_OK || ret == Z_BUF_ERROR) {
            if (made > 0)
                return 1;
            if (r->zs.avail_in == 0)
                continue; /* needs more input: refilled at the top */
            if (ret == Z_BUF_ERROR) {
                source_error(r, format("%s: gzip stream stalled at offset %lld",
                                       r->path, (long long)(r->in_off + (int64_t)r->in_pos)));
                r->in_member = 0;
                return -1;
            }
            continue;
        }
        /* Z_DATA_ERROR, Z_NEED_DICT, Z_MEM_ERROR, Z_STREAM_ERROR */
        int64_t coff = r->nmem ? r->mem[r->nmem - 1].coff : r->in_off;
        source_error(r, format("%s: bad gzip member at offset %lld: %s", r->path,
                               (long long)coff, r->zs.msg ? r->zs.msg : "invalid data"));
        r->in_member = 0;
        if (r->in_pos < r->in_len)
            r->in_pos++; /* look for the next member after this point */
        return -1;
    }
}

/* Make the window hold stream bytes up to spos_end. 1 yes, 0 end of data first,
 * -1 source error. */
static int ensure(idx_warc_reader_t *r, int64_t spos_end)
{
    while (r->base + (int64_t)r->end < spos_end) {
        int got = source_fill(r);
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
    }
    return 1;
}

static const unsigned char *at(const idx_warc_reader_t *r, int64_t spos)
{
    return r->buf + (spos - r->base);
}

static int64_t window_end(const idx_warc_reader_t *r)
{
    return r->base + (int64_t)r->end;
}

/* Find the next '\n' at or after from, within limit bytes. Returns its stream
 * position, -1 when none (end of data), -2 when over the limit, -3 on a
 * source error. */
static int64_t find_newline(idx_warc_reader_t *r, int64_t from, size_t limit)
{
    int64_t scanned = from;
    for (;;) {
        int64_t we = window_end(r);
        if (we > scanned) {
            const unsigned char *nl = memchr(at(r, scanned), '\n', (size_t)(we - scanned));
            if (nl != NULL) {
                int64_t pos = r->base + (nl - r->buf);
                return pos - from >= (int64_t)limit ? -2 : pos;
            }
            scanned = we;
        }
        if (scanned - from >= (int64_t)limit)
            return -2;
        int got = source_fill(r);
        if (got < 0)
            return -3;
        if (got == 0)
            return -1;
    }
}

/* Offset to report for a record starting at stream position spos. */
static int64_t record_offset(idx_warc_reader_t *r, int64_t spos, int *exact)
{
    *exact = 1;
    if (!r->gz)
        return spos;
    for (size_t i = r->nmem; i > 0; i--) {
        if (r->mem[i - 1].spos <= spos) {
            *exact = r->mem[i - 1].spos == spos && !r->mem_full;
            return r->mem[i - 1].coff;
        }
    }
    *exact = 0;
    return r->nmem ? r->mem[0].coff : 0;
}

static int is_member_start(const idx_warc_reader_t *r, int64_t spos)
{
    for (size_t i = r->nmem; i > 0; i--) {
        if (r->mem[i - 1].spos == spos)
            return 1;
        if (r->mem[i - 1].spos < spos)
            return 0;
    }
    return 0;
}

/* ---- string pool and header fields ------------------------------------- */

static int pool_add(idx_warc_reader_t *r, const char *s, size_t n, size_t *off)
{
    if (r->pool_len + n + 1 > r->pool_cap) {
        size_t ncap = r->pool_cap ? r->pool_cap : 1024;
        while (ncap < r->pool_len + n + 1)
            ncap *= 2;
        char *np = realloc(r->pool, ncap);
        if (np == NULL)
            return -1;
        r->pool = np;
        r->pool_cap = ncap;
    }
    *off = r->pool_len;
    if (n > 0)
        memcpy(r->pool + r->pool_len, s, n);
    r->pool[r->pool_len + n] = '\0';
    r->pool_len += n + 1;
    return 0;
}

static int field_add(idx_warc_reader_t *r, field_list_t *fl, const char *name,
                     size_t nlen, const char *value, size_t vlen)
{
    if (fl->n == fl->cap) {
        size_t ncap = fl->cap ? fl->cap * 2 : 32;
        field_t *nv = realloc(fl->v, ncap * sizeof *nv);
        if (nv == NULL)
            return -1;
        fl->v = nv;
        fl->cap = ncap;
    }
    field_t *f = &fl->v[fl->n];
    if (pool_add(r, name, nlen, &f->name) != 0 || pool_add(r, value, vlen, &f->value) != 0)
        return -1;
    fl->n++;
    return 0;
}

/* Append a continuation line to the last field (whose value ends the pool). */
static int field_continue(idx_warc_reader_t *r, const char *more, size_t n)
{
    size_t off;
    r->pool_len--; /* drop the NUL so the text joins the value */
    if (pool_add(r, " ", 1, &off) != 0)
        return -1;
    r->pool_len--;
    return pool_add(r, more, n, &off);
}

static const char *field_get(const idx_warc_reader_t *r, const field_list_t *fl,
                             const char *name)
{
    for (size_t i = 0; i < fl->n; i++)
        if (strcasecmp(r->pool + fl->v[i].name, name) == 0)
            return r->pool + fl->v[i].value;
    return NULL;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* ---- HTTP message inside a block ----------------------------------------- */

static int parse_http(idx_warc_reader_t *r, int is_request, int64_t rec_off)
{
    idx_warc_record_t *rec = &r->rec;
    const unsigned char *b = rec->block;
    size_t len = rec->block_len;
    size_t body_off = len;
    if (!idx_warc_http_header_end(b, len, &body_off))
        body_off = len; /* headers only (revisit) or cut short */
    const char *h = (const char *)b;

    /* first line */
    const unsigned char *nl = memchr(b, '\n', body_off);
    size_t l0 = nl ? (size_t)(nl - b) : body_off;
    if (!is_request) {
        if (l0 >= 12 && memcmp(b, "HTTP/", 5) == 0) {
            const unsigned char *sp = memchr(b, ' ', l0);
            if (sp != NULL && (size_t)(sp - b) + 4 <= l0) {
                int st = 0, ok = 1;
                for (int i = 1; i <= 3; i++) {
                    unsigned char c = sp[i];
                    if (c < '0' || c > '9')
                        ok = 0;
                    else
                        st = st * 10 + (c - '0');
                }
                if (ok)
                    rec->http_status = st;
            }
        }
    }

    /* header fields */
    size_t pos = nl ? l0 + 1 : body_off;
    while (pos < body_off && r->http_fields.n < MAX_FIELDS) {
        const unsigned char *e = memchr(b + pos, '\n', body_off - pos);
        size_t ll = e ? (size_t)(e - (b + pos)) : body_off - pos;
        const char *line = h + pos;
        size_t n = ll;
        pos += ll + 1;
        while (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0)
            break;
        if ((line[0] == ' ' || line[0] == '\t') && r->http_fields.n > 0) {
            trim(&line, &n);
            if (field_continue(r, line, n) != 0)
                return -1;
            continue;
        }
        const char *colon = memchr(line, ':', n);
        if (colon == NULL)
            continue;
        const char *name = line, *value = colon + 1;
        size_t nn = (size_t)(colon - line), vn = n - nn - 1;
        trim(&name, &nn);
        trim(&value, &vn);
        if (field_add(r, &r->http_fields, name, nn, value, vn) != 0)
            return -1;
    }

    r->raw_body = b + body_off;
    r->raw_body_len = len - body_off;
    rec->payload = r->raw_body;
    rec->payload_len = r->raw_body_len;

    const char *te = field_get(r, &r->http_fields, "Transfer-Encoding");
    if (te != NULL && contains_nocase(te, "chunked") && r->raw_body_len > 0) {
        if (r->dechunked_cap < r->raw_body_len) {
            unsigned char *nd = realloc(r->dechunked, r->raw_body_len);
            if (nd == NULL)
                return -1;
            r->dechunked = nd;
            r->dechunked_cap = r->raw_body_len;
        }
        size_t out_len = 0;
        if (idx_warc_http_dechunk(r->raw_body, r->raw_body_len, r->dechunked, &out_len) == 0) {
            rec->payload = r->dechunked;
            rec->payload_len = out_len;
        } else {
            warn(r, "%s: record at offset %lld: chunked transfer coding did not parse; payload left as stored",
                 r->path, (long long)rec_off);
        }
    }
    return 0;
}

/* Set the record's string pointers (the pool no longer grows). */
static void resolve_fields(idx_warc_reader_t *r, int64_t rec_off)
{
    idx_warc_record_t *rec = &r->rec;
    rec->type = field_get(r, &r->warc_fields, "WARC-Type");
    rec->date = field_get(r, &r->warc_fields, "WARC-Date");
    rec->record_id = field_get(r, &r->warc_fields, "WARC-Record-ID");
    rec->content_type = field_get(r, &r->warc_fields, "Content-Type");
    rec->payload_digest = field_get(r, &r->warc_fields, "WARC-Payload-Digest");
    rec->http_content_type = field_get(r, &r->http_fields, "Content-Type");
    const char *uri = field_get(r, &r->warc_fields, "WARC-Target-URI");
    if (uri != NULL && uri[0] == '<') {
        /* "<uri>" as WARC 1.0 writers put it: strip in place in the pool */
        char *u = (char *)uri + 1;
        size_t n = strlen(u);
        if (n > 0 && u[n - 1] == '>')
            u[n - 1] = '\0';
        uri = u;
        if (!r->warned_brackets) {
            r->warned_brackets = 1;
            warn(r, "%s: record at offset %lld: WARC-Target-URI in <angle brackets> "
                    "(WARC 1.0 draft form); brackets removed",
                 r->path, (long long)rec_off);
        }
    }
    rec->target_uri = uri;
}

static void record_reset(idx_warc_reader_t *r)
{
    memset(&r->rec, 0, sizeof r->rec);
    r->pool_len = 0;
    r->warc_fields.n = 0;
    r->http_fields.n = 0;
    r->raw_body = NULL;
    r->raw_body_len = 0;
}

/* ---- resynchronisation --------------------------------------------------- */

/* Move the window start to the next "WARC/1." at a line start (or member
 * start) at or after r->resync_from. 1 found, 0 end of data, -1 source error. */
static int resync_warc(idx_warc_reader_t *r)
{
    static const char pat[] = "WARC/1.";
    const size_t plen = sizeof pat - 1;
    int64_t from = r->resync_from;
    if (from < r->base + (int64_t)r->start)
        from = r->base + (int64_t)r->start;
    for (;;) {
        int64_t we = window_end(r);
        while (we - from >= (int64_t)plen) {
            const unsigned char *hit = find_bytes(at(r, from), (size_t)(we - from), pat, plen);
            if (hit == NULL)
                break;
            int64_t hpos = r->base + (hit - r->buf);
            if (hpos == 0 || (hpos > r->base && hit[-1] == '\n') || is_member_start(r, hpos)) {
                r->start = (size_t)(hpos - r->base);
                member_prune(r);
                return 1;
            }
            from = hpos + 1;
        }
        /* keep only a tail that may hold the start of a match and its line end */
        int64_t keep = we - (int64_t)plen;
        if (keep > from)
            from = keep;
        int64_t drop_to = from - 1;
        if (drop_to > r->base + (int64_t)r->start) {
            r->start = (size_t)(drop_to - r->base);
            member_prune(r);
        }
        int got = source_fill(r);
        if (got < 0)
            return -1;
        if (got == 0) {
            r->start = r->end;
            return 0;
        }
    }
}

/* ARC: skip lines until one that looks like an ARC record header. */
static int plausible_arc_header(const unsigned char *p, size_t n);

static int resync_arc(idx_warc_reader_t *r)
{
    int64_t pos = r->resync_from;
    if (pos < r->base + (int64_t)r->start)
        pos = r->base + (int64_t)r->start;
    for (;;) {
        int64_t nl = find_newline(r, pos, MAX_LINE);
        if (nl == -3)
            return -1;
        if (nl == -1) {
            r->start = r->end;
            return 0;
        }
        if (nl >= 0 && plausible_arc_header(at(r, pos), (size_t)(nl - pos))) {
            r->start = (size_t)(pos - r->base);
            member_prune(r);
            return 1;
        }
        if (nl == -2) {
            /* very long line: skip what we have */
            pos = window_end(r);
        } else {
            pos = nl + 1;
        }
        if (pos - 1 > r->base + (int64_t)r->start) {
            r->start = (size_t)(pos - 1 - r->base);
            member_prune(r);
        }
    }
}

/* ---- WARC records --------------------------------------------------------- */

/* Report a damaged record at stream position spos; resync from resync_from. */
static int damaged(idx_warc_reader_t *r, char **errmsg, int64_t spos, int64_t resync_from,
                   const char *fmt, ...)
{
    int exact;
    int64_t off = record_offset(r, spos, &exact);
    va_list ap;
    va_start(ap, fmt);
    char *what = vformat(fmt, ap);
    va_end(ap);
    set_err(errmsg, format("%s: record at offset %lld: %s", r->path, (long long)off,
                           what ? what : "damaged record"));
    free(what);
    r->need_resync = 1;
    r->resync_from = resync_from;
    return -1;
}

/* Report a pending source (gzip) error and drop what was buffered. */
static int source_failed(idx_warc_reader_t *r, char **errmsg)
{
    char *msg = r->src_error;
    r->src_error = NULL;
    set_err(errmsg, msg ? msg : format("%s: read error", r->path));
    r->start = r->end;
    r->need_resync = 1;
    r->resync_from = window_end(r);
    return -1;
}

static int parse_content_length(const char *s, int64_t *out)
{
    int64_t v = 0;
    int digits = 0;
    if (s == NULL)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (++digits > 19 || v > (INT64_MAX - (*s - '0')) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (digits == 0)
        return -1;
    *out = v;
    return 0;
}

static int next_warc(idx_warc_reader_t *r, char **errmsg)
{
    /* skip line ends between records */
    for (;;) {
        int e = ensure(r, r->base + (int64_t)r->start + 1);
        if (e < 0)
            return source_failed(r, errmsg);
        if (e == 0)
            return 0;
        unsigned char c = r->buf[r->start];
        if (c != '\r' && c != '\n')
            break;
        r->start++;
    }
    int64_t rs = r->base + (int64_t)r->start;

    /* version line */
    int64_t nl = find_newline(r, rs, MAX_LINE);
    if (nl == -3)
        return source_failed(r, errmsg);
    {
        size_t avail = (size_t)(window_end(r) - rs);
        const unsigned char *p = at(r, rs);
        int ok = avail >= 8 && (memcmp(p, "WARC/1.0", 8) == 0 || memcmp(p, "WARC/1.1", 8) == 0) &&
                 (avail == 8 || p[8] == '\r' || p[8] == '\n' || p[8] == ' ');
        if (!ok) {
            char ex[64];
            excerpt(p, avail < 40 ? avail : 40, ex, sizeof ex);
            return damaged(r, errmsg, rs, rs + 1,
                           "expected a WARC/1.0 or WARC/1.1 version line, found \"%s\"", ex);
        }
        if (nl < 0)
            return damaged(r, errmsg, rs, rs + 1, "truncated record header");
    }

    /* header fields */
    int64_t pos = nl + 1;
    for (;;) {
        nl = find_newline(r, pos, MAX_LINE);
        if (nl == -3)
            return source_failed(r, errmsg);
        if (nl == -2)
            return damaged(r, errmsg, rs, rs + 1, "header line longer than %zu bytes", (size_t)MAX_LINE);
        if (nl == -1)
            return damaged(r, errmsg, rs, rs + 1, "truncated record header");
        const char *line = (const char *)at(r, pos);
        size_t n = (size_t)(nl - pos);
        pos = nl + 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0)
            break;
        if (pos - rs > (int64_t)MAX_HEADER_BYTES)
            return damaged(r, errmsg, rs, rs + 1, "record header longer than %zu bytes",
                           (size_t)MAX_HEADER_BYTES);
        if (line[0] == ' ' || line[0] == '\t') {
            if (r->warc_fields.n == 0)
                return damaged(r, errmsg, rs, rs + 1, "continuation line before any header field");
            trim(&line, &n);
            if (field_continue(r, line, n) != 0)
                return damaged(r, errmsg, rs, rs + 1, "out of memory");
            continue;
        }
        const char *colon = memchr(line, ':', n);
        if (colon == NULL || colon == line) {
            char ex[64];
            excerpt((const unsigned char *)line, n < 40 ? n : 40, ex, sizeof ex);
            return damaged(r, errmsg, rs, rs + 1, "malformed header line \"%s\"", ex);
        }
        if (r->warc_fields.n >= MAX_FIELDS)
            return damaged(r, errmsg, rs, rs + 1, "more than %d header fields", MAX_FIELDS);
        const char *name = line, *value = colon + 1;
        size_t nn = (size_t)(colon - line), vn = n - nn - 1;
        trim(&name, &nn);
        trim(&value, &vn);
        if (memchr(value, '\0', vn) != NULL || memchr(name, '\0', nn) != NULL)
            return damaged(r, errmsg, rs, rs + 1, "NUL byte in a header field");
        if (field_add(r, &r->warc_fields, name, nn, value, vn) != 0)
            return damaged(r, errmsg, rs, rs + 1, "out of memory");
    }

    int64_t block_start = pos;
    const char *cls = field_get(r, &r->warc_fields, "Content-Length");
    int64_t cl = 0;
    if (parse_content_length(cls, &cl) != 0)
        return damaged(r, errmsg, rs, block_start,
                       cls ? "bad Content-Length \"%.40s\"" : "no Content-Length%.0s", cls ? cls : "");
    int64_t block_end = block_start + cl;

    if (!r->gz && block_end > r->file_size)
        return damaged(r, errmsg, rs, block_start,
                       "Content-Length %lld runs past the end of the file (%lld bytes left)",
                       (long long)cl, (long long)(r->file_size - block_start));
    if ((uint64_t)cl > IDX_WARC_BLOCK_CAP) {
        if (!r->gz) {
            /* skip the block exactly */
            if (lseek(r->fd, (off_t)block_end, SEEK_SET) == (off_t)-1)
                return damaged(r, errmsg, rs, block_start, "cannot skip a %lld-byte block", (long long)cl);
            r->base = block_end;
            r->start = r->end = 0;
            r->src_eof = 0;
            return damaged(r, errmsg, rs, block_end,
                           "record block of %lld bytes is over the %zu-byte cap; skipped",
                           (long long)cl, (size_t)IDX_WARC_BLOCK_CAP);
        }
        return damaged(r, errmsg, rs, block_start,
                       "record block of %lld bytes is over the %zu-byte cap; skipped",
                       (long long)cl, (size_t)IDX_WARC_BLOCK_CAP);
    }

    int e = ensure(r, block_end + 4);
    if (e < 0 && window_end(r) < block_end)
        return source_failed(r, errmsg);
    if (window_end(r) < block_end)
        return damaged(r, errmsg, rs, block_start,
                       "truncated: Content-Length %lld but only %lld bytes follow",
                       (long long)cl, (long long)(window_end(r) - block_start));

    /* trailer: CRLF CRLF (or LF LF); tolerate its absence at the end */
    size_t tail = (size_t)(window_end(r) - block_end);
    const unsigned char *t = at(r, block_end);
    size_t trailer = 0;
    if (tail >= 4 && memcmp(t, "\r\n\r\n", 4) == 0)
        trailer = 4;
    else if (tail >= 2 && memcmp(t, "\n\n", 2) == 0)
        trailer = 2;
    else if (tail < 4 && r->src_eof && strspn((const char *)t, "\r\n") >= tail &&
             memchr(t, '\0', tail) == NULL)
        trailer = tail; /* end of file: missing or partial trailer */
    else if (tail >= 5 && memcmp(t, "WARC/", 5) == 0)
        warn(r, "%s: record at offset %lld: no CRLF CRLF after the block", r->path,
             (long long)record_offset(r, rs, &(int){0}));
    else {
        char ex[32];
        excerpt_ex(t, tail < 6 ? tail : 6, ex, sizeof ex, 1);
        return damaged(r, errmsg, rs, block_start,
                       "block of Content-Length %lld not followed by CRLF CRLF (found \"%s\"); "
                       "Content-Length wrong or record damaged",
                       (long long)cl, ex);
    }
    /* a source error just after this record (e < 0) is reported next time */

    idx_warc_record_t *rec = &r->rec;
    int exact;
    rec->offset = record_offset(r, rs, &exact);
    if (!exact && !r->warned_unaligned) {
        r->warned_unaligned = 1;
        warn(r, "%s: gzip members do not follow record boundaries (record near offset %lld); "
                "record offsets of this file cannot be used to seek",
             r->path, (long long)rec->offset);
    }
    rec->block = at(r, block_start);
    rec->block_len = (size_t)cl;
    rec->payload = rec->block;
    rec->payload_len = rec->block_len;

    const char *type = field_get(r, &r->warc_fields, "WARC-Type");
    const char *ct = field_get(r, &r->warc_fields, "Content-Type");
    int http = ct != NULL && strncasecmp(ct, "application/http", 16) == 0;
    int is_request = type != NULL && strcasecmp(type, "request") == 0;
    int is_response = type != NULL && (strcasecmp(type, "response") == 0 ||
                                       strcasecmp(type, "revisit") == 0);
    if (!http && is_response && rec->block_len >= 5 && memcmp(rec->block, "HTTP/", 5) == 0)
        http = 1;
    if (http && (is_request || is_response || (ct && contains_nocase(ct, "msgtype=")))) {
        int req = is_request || (ct != NULL && contains_nocase(ct, "msgtype=request"));
        if (parse_http(r, req, rec->offset) != 0)
            return damaged(r, errmsg, rs, block_start, "out of memory");
    }
    resolve_fields(r, rec->offset);
    r->consume = (size_t)(block_end + (int64_t)trailer - (r->base + (int64_t)r->start));
    return 1;
}

/* ---- ARC records ---------------------------------------------------------- */

/* Split an ARC header line into tokens from the right. Returns the number of
 * fields found (URL counted as one) or 0 when malformed. */
static int arc_fields(const unsigned char *p, size_t n, int want_right,
                      size_t tok_off[16], size_t tok_len[16])
{
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    size_t e = n;
    int k = 0;
    while (k < want_right) {
        size_t s = e;
        while (s > 0 && p[s - 1] != ' ')
            s--;
        if (s == 0 || s == e)
            return 0;
        tok_off[want_right - k] = s;
        tok_len[want_right - k] = e - s;
        k++;
        e = s - 1;
        while (e > 0 && p[e - 1] == ' ')
            e--;
    }
    if (e == 0)
        return 0;
    tok_off[0] = 0;
    tok_len[0] = e;
    return want_right + 1;
}

static int all_digits(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

static int plausible_arc_header(const unsigned char *p, size_t n)
{
    size_t off[16], len[16];
    if (memchr(p, '\0', n) != NULL)
        return 0;
    for (int right = 4; right <= 9; right += 5) {
        if (arc_fields(p, n, right, off, len) == 0)
            continue;
        if (all_digits(p + off[right], len[right]) && len[2] >= 12 && len[2] <= 14 &&
            all_digits(p + off[2], len[2]) && memchr(p, ':', len[0]) != NULL)
            return 1;
    }
    return 0;
}

static int next_arc(idx_warc_reader_t *r, char **errmsg)
{
    for (;;) {
        int e = ensure(r, r->base + (int64_t)r->start + 1);
        if (e < 0)
            return source_failed(r, errmsg);
        if (e == 0)
            return 0;
        unsigned char c = r->buf[r->start];
        if (c != '\r' && c != '\n')
            break;
        r->start++;
    }
    int64_t rs = r->base + (int64_t)r->start;
    int64_t nl = find_newline(r, rs, MAX_LINE);
    if (nl == -3)
        return source_failed(r, errmsg);
    if (nl == -2)
        return damaged(r, errmsg, rs, rs + 1, "ARC header line longer than %zu bytes", (size_t)MAX_LINE);
    if (nl == -1)
        return damaged(r, errmsg, rs, window_end(r), "truncated ARC header line");
    const unsigned char *line = at(r, rs);
    size_t n = (size_t)(nl - rs);
    size_t off[16], len[16];
    int right = r->arc_version == 2 ? 9 : 4;
    int nf = arc_fields(line, n, right, off, len);
    if (nf == 0 || memchr(line, '\0', n) != NULL) {
        char ex[64];
        excerpt(line, n < 40 ? n : 40, ex, sizeof ex);
        return damaged(r, errmsg, rs, nl + 1, "not an ARC record header: \"%s\"", ex);
    }
    const unsigned char *lp = line + off[right];
    if (!all_digits(lp, len[right]) || len[right] > 18) {
        char ex[32];
        excerpt(lp, len[right] < 20 ? len[right] : 20, ex, sizeof ex);
        return damaged(r, errmsg, rs, nl + 1, "bad ARC record length \"%s\"", ex);
    }
    int64_t alen = 0;
    for (size_t i = 0; i < len[right]; i++)
        alen = alen * 10 + (lp[i] - '0');
    int64_t block_start = nl + 1, block_end = block_start + alen;
    if ((uint64_t)alen > IDX_WARC_BLOCK_CAP)
        return damaged(r, errmsg, rs, block_start, "ARC record of %lld bytes is over the cap",
                       (long long)alen);
    int e = ensure(r, block_end + 1);
    if (e < 0 && window_end(r) < block_end)
        return source_failed(r, errmsg);
    if (window_end(r) < block_end) {
        /* ARC writers and editors often got the length of the last record
         * slightly wrong; keep what is there and say so */
        int x;
        warn(r, "%s: record at offset %lld: ARC length %lld but only %lld bytes follow; "
                "record cut short",
             r->path, (long long)record_offset(r, rs, &x), (long long)alen,
             (long long)(window_end(r) - block_start));
        alen = window_end(r) - block_start;
        block_end = window_end(r);
    }

    /* strings: URL, date (ISO 8601), content type */
    const char *url = (const char *)line;
    size_t url_len = len[0];
    int is_filedesc = url_len >= 11 && memcmp(url, "filedesc://", 11) == 0;
    size_t o_url, o_date, o_ct, o_type;
    char iso[32];
    const unsigned char *d = line + off[2];
    if (len[2] >= 14 && all_digits(d, 14))
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", (const char *)d,
                 (const char *)d + 4, (const char *)d + 6, (const char *)d + 8,
                 (const char *)d + 10, (const char *)d + 12);
    else
        snprintf(iso, sizeof iso, "%.*s", (int)(len[2] < 31 ? len[2] : 31), (const char *)d);
    const char *type = is_filedesc ? "warcinfo" : "response";
    if (pool_add(r, url, url_len, &o_url) || pool_add(r, iso, strlen(iso), &o_date) ||
        pool_add(r, (const char *)line + off[3], len[3], &o_ct) ||
        pool_add(r, type, strlen(type), &o_type))
        return damaged(r, errmsg, rs, block_start, "out of memory");

    idx_warc_record_t *rec = &r->rec;
    int exact;
    rec->offset = record_offset(r, rs, &exact);
    rec->block = at(r, block_start);
    rec->block_len = (size_t)alen;
    rec->payload = rec->block;
    rec->payload_len = rec->block_len;
    if (is_filedesc && alen > 0) {
        r->arc_version = rec->block[0] == '2' ? 2 : 1;
    }
    int http = !is_filedesc && alen >= 5 && memcmp(rec->block, "HTTP/", 5) == 0;
    if (http && parse_http(r, 0, rec->offset) != 0)
        return damaged(r, errmsg, rs, block_start, "out of memory");
    rec->type = r->pool + o_type;
    rec->target_uri = r->pool + o_url;
    rec->date = r->pool + o_date;
    rec->record_id = NULL;
    rec->content_type = http ? "application/http;msgtype=response" : r->pool + o_ct;
    rec->payload_digest = NULL;
    rec->http_content_type = http ? field_get(r, &r->http_fields, "Content-Type") : NULL;

    int64_t endp = block_end;
    size_t tail = (size_t)(window_end(r) - block_end);
    if (tail >= 1 && at(r, block_end)[0] == '\n')
        endp++;
    r->consume = (size_t)(endp - (r->base + (int64_t)r->start));
    return 1;
}

/* ---- public API ------------------------------------------------------------ */

int idx_warc_next(idx_warc_reader_t *r, const idx_warc_record_t **rec, char **errmsg)
{
    if (errmsg != NULL)
        *errmsg = NULL;
    *rec = NULL;
    if (r->consume > 0) {
        r->start += r->consume;
        r->consume = 0;
        member_prune(r);
    }
    record_reset(r);
    if (r->src_error != NULL)
        return source_failed(r, errmsg);
    if (r->need_resync) {
        r->need_resync = 0;
        int s = r->format == FMT_ARC ? resync_arc(r) : resync_warc(r);
        if (s < 0)
            return source_failed(r, errmsg);
        if (s == 0)
            return 0;
    }
    int ret = r->format == FMT_ARC ? next_arc(r, errmsg) : next_warc(r, errmsg);
    if (ret == 1)
        *rec = &r->rec;
    return ret;
}

void idx_warc_close(idx_warc_reader_t *r)
{
    if (r == NULL)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->zs_ready)
        inflateEnd(&r->zs);
    free(r->in);
    free(r->buf);
    free(r->mem);
    free(r->pool);
    free(r->warc_fields.v);
    free(r->http_fields.v);
    free(r->dechunked);
    free(r->src_error);
    free(r->warn);
    free(r->warn_out);
    free(r->path);
    free(r);
}

int idx_warc_open_at(const char *path, int64_t offset, idx_warc_reader_t **out, char **errmsg)
{
    *out = NULL;
    if (errmsg != NULL)
        *errmsg = NULL;
    idx_warc_reader_t *r = calloc(1, sizeof *r);
    if (r == NULL) {
        set_err(errmsg, format("%s: out of memory", path));
        return -1;
    }
    r->fd = -1;
    r->path = strdup(path);
    r->cap = WINDOW_START;
    r->buf = malloc(r->cap);
    r->in = malloc(IN_CHUNK);
    if (r->path == NULL || r->buf == NULL || r->in == NULL) {
        set_err(errmsg, format("%s: out of memory", path));
        goto fail;
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (r->fd < 0 || fstat(r->fd, &st) != 0) {
        set_err(errmsg, format("%s: %s", path, strerror(errno)));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(errmsg, format("%s: not a regular file", path));
        goto fail;
    }
    r->file_size = (int64_t)st.st_size;
    if (r->file_size == 0) {
        set_err(errmsg, format("%s: empty file, not a WARC file", path));
        goto fail;
    }
    if (offset < 0 || offset >= r->file_size) {
        set_err(errmsg, format("%s: offset %lld is outside the file", path, (long long)offset));
        goto fail;
    }
    if (offset > 0 && lseek(r->fd, (off_t)offset, SEEK_SET) == (off_t)-1) {
        set_err(errmsg, format("%s: cannot seek to %lld: %s", path, (long long)offset, strerror(errno)));
        goto fail;
    }
    r->in_off = offset;
    while (r->in_len < 3 && !r->in_eof)
        input_refill(r);
    if (r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
        r->gz = 1;
        if (inflateInit2(&r->zs, 15 + 32) != Z_OK) {
            set_err(errmsg, format("%s: cannot start zlib", path));
            goto fail;
        }
        r->zs_ready = 1;
    } else {
        if (offset > 0 && lseek(r->fd, (off_t)offset, SEEK_SET) == (off_t)-1) {
            set_err(errmsg, format("%s: cannot seek: %s", path, strerror(errno)));
            goto fail;
        }
        if (offset == 0 && lseek(r->fd, 0, SEEK_SET) == (off_t)-1) {
            set_err(errmsg, format("%s: cannot seek: %s", path, strerror(errno)));
            goto fail;
        }
        r->base = offset;
    }
    /* detect the format from the first decompressed bytes */
    int e = ensure(r, r->base + 16);
    if (e < 0 && r->end == 0) {
        /* the very first gzip member is broken: let idx_warc_next report it
         * and look for the next member */
        r->format = FMT_WARC;
        *out = r;
        return 0;
    }
    size_t avail = r->end - r->start;
    const unsigned char *p = r->buf + r->start;
    if (avail >= 5 && memcmp(p, "WARC/", 5) == 0) {
        r->format = FMT_WARC;
    } else if (avail >= 11 && memcmp(p, "filedesc://", 11) == 0) {
        r->format = FMT_ARC;
    } else {
        int64_t nl = find_newline(r, r->base, MAX_LINE);
        if (offset > 0 && nl >= 0 && plausible_arc_header(at(r, r->base), (size_t)(nl - r->base))) {
            r->format = FMT_ARC;
            size_t fo[16], fl[16];
            r->arc_version = arc_fields(at(r, r->base), (size_t)(nl - r->base), 9, fo, fl) &&
                                     all_digits(at(r, r->base) + fo[9], fl[9]) &&
                                     all_digits(at(r, r->base) + fo[5], fl[5])
                                 ? 2 : 1;
        } else if (offset == 0) {
            /* damaged start: accept if a version line follows soon */
            ensure(r, r->base + (int64_t)MAX_LINE);
            const unsigned char *hit = find_bytes(r->buf, r->end, "\nWARC/1.", 8);
            if (hit == NULL) {
                char ex[64];
                excerpt(p, avail < 40 ? avail : 40, ex, sizeof ex);
                set_err(errmsg, format("%s: not a WARC or ARC file (begins with \"%s\")", path, ex));
                goto fail;
            }
            r->format = FMT_WARC;
        } else {
            set_err(errmsg, format("%s: no WARC or ARC record at offset %lld", path, (long long)offset));
            goto fail;
        }
    }
    *out = r;
    return 0;
fail:
    idx_warc_close(r);
    return -1;
}

int idx_warc_open(const char *path, idx_warc_reader_t **out, char **errmsg)
{
    return idx_warc_open_at(path, 0, out, errmsg);
}

const char *idx_warc_warning(idx_warc_reader_t *r)
{
    free(r->warn_out);
    r->warn_out = r->warn;
    r->warn = NULL;
    r->warn_len = 0;
    return r->warn_out;
}

const char *idx_warc_header(const idx_warc_reader_t *r, const char *name)
{
    return field_get(r, &r->warc_fields, name);
}

const char *idx_warc_http_header(const idx_warc_reader_t *r, const char *name)
{
    return field_get(r, &r->http_fields, name);
}

/* ---- digests ----------------------------------------------------------------- */

/* Decode "sha1:BASE32" or "sha1:hex" into 20 bytes. 0 or -1. */
static int parse_sha1_digest(const char *s, unsigned char out[IDX_SHA1_LEN])
{
    if (s == NULL || strncasecmp(s, "sha1:", 5) != 0)
        return -1;
    s += 5;
    size_t n = strlen(s);
    if (n == 32) {
        uint64_t acc = 0;
        unsigned bits = 0;
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            int v;
            if (c >= 'A' && c <= 'Z')
                v = c - 'A';
            else if (c >= 'a' && c <= 'z')
                v = c - 'a';
            else if (c >= '2' && c <= '7')
                v = c - '2' + 26;
            else
                return -1;
            acc = (acc << 5) | (uint64_t)v;
            bits += 5;
            if (bits >= 8) {
                out[o++] = (unsigned char)(acc >> (bits - 8));
                bits -= 8;
                acc &= (1u << bits) - 1u;
            }
        }
        return o == IDX_SHA1_LEN ? 0 : -1;
    }
    if (n == 40) {
        for (size_t i = 0; i < 20; i++) {
            int hi = -1, lo = -1;
            char c = s[2 * i], d = s[2 * i + 1];
            hi = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
            lo = (d >= '0' && d <= '9') ? d - '0' : (d >= 'a' && d <= 'f') ? d - 'a' + 10 : (d >= 'A' && d <= 'F') ? d - 'A' + 10 : -1;
            if (hi < 0 || lo < 0)
                return -1;
            out[i] = (unsigned char)(hi * 16 + lo);
        }
        return 0;
    }
    return -1;
}

static int sha1_matches(const unsigned char want[IDX_SHA1_LEN], const unsigned char *p, size_t n)
{
    idx_sha1_t c;
    unsigned char got[IDX_SHA1_LEN];
    idx_sha1_init(&c);
    idx_sha1_update(&c, p, n);
    idx_sha1_final(&c, got);
    return memcmp(got, want, IDX_SHA1_LEN) == 0;
}

int idx_warc_verify_block_digest(const idx_warc_reader_t *r)
{
    unsigned char want[IDX_SHA1_LEN];
    if (parse_sha1_digest(field_get(r, &r->warc_fields, "WARC-Block-Digest"), want) != 0)
        return -1;
    return sha1_matches(want, r->rec.block, r->rec.block_len);
}

int idx_warc_verify_payload_digest(const idx_warc_reader_t *r)
{
    unsigned char want[IDX_SHA1_LEN];
    if (parse_sha1_digest(r->rec.payload_digest, want) != 0)
        return -1;
    /* a revisit's digest is that of the earlier capture's payload */
    if (r->rec.type != NULL && strcasecmp(r->rec.type, "revisit") == 0)
        return -1;
    if (r->raw_body != NULL && sha1_matches(want, r->raw_body, r->raw_body_len))
        return 1;
    return sha1_matches(want, r->rec.payload, r->rec.payload_len);
}

/* ---- Content-Encoding ------------------------------------------------------------ */

int idx_warc_payload_decode(const idx_warc_reader_t *r, unsigned char **out,
                            size_t *out_len, char **errmsg)
{
    const idx_warc_record_t *rec = &r->rec;
    const char *ce = field_get(r, &r->http_fields, "Content-Encoding");
    int window = 0;
    *out = NULL;
    *out_len = 0;
    if (errmsg != NULL)
        *errmsg = NULL;
    if (ce != NULL && (strcasecmp(ce, "gzip") == 0 || strcasecmp(ce, "x-gzip") == 0))
        window = 15 + 16;
    else if (ce != NULL && strcasecmp(ce, "deflate") == 0)
        window = 15 + 32; /* zlib-wrapped; raw deflate retried below */
    if (window == 0 || rec->payload_len == 0) {
        *out = malloc(rec->payload_len + 1);
        if (*out == NULL)
            goto nomem;
        if (rec->payload_len > 0)
            memcpy(*out, rec->payload, rec->payload_len);
        *out_len = rec->payload_len;
        return 0;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (inflateInit2(&zs, attempt == 0 ? window : -15) != Z_OK)
            goto nomem;
        size_t cap = rec->payload_len * 4 + 1024, len = 0;
        unsigned char *buf = malloc(cap);
        if (buf == NULL) {
            inflateEnd(&zs);
            goto nomem;
        }
        zs.next_in = (unsigned char *)rec->payload;
        zs.avail_in = (uInt)rec->payload_len;
        int ret;
        for (;;) {
            if (cap - len < 1024) {
                if (cap >= IDX_WARC_BLOCK_CAP) {
                    ret = Z_MEM_ERROR;
                    break;
                }
                size_t ncap = cap * 2 > IDX_WARC_BLOCK_CAP ? IDX_WARC_BLOCK_CAP : cap * 2;
                unsigned char *nb = realloc(buf, ncap);
                if (nb == NULL) {
                    ret = Z_MEM_ERROR;
                    break;
                }
                buf = nb;
                cap = ncap;
            }
            zs.next_out = buf + len;
            zs.avail_out = (uInt)(cap - len);
            ret = inflate(&zs, Z_NO_FLUSH);
            len = cap - zs.avail_out;
            if (ret == Z_STREAM_END || (ret == Z_BUF_ERROR && zs.avail_in == 0) ||
                (ret != Z_OK && ret != Z_BUF_ERROR))
                break;
        }
        inflateEnd(&zs);
        if (ret == Z_STREAM_END || (ret == Z_BUF_ERROR && len > 0)) {
            *out = buf;
            *out_len = len;
            return 0;
        }
        free(buf);
        if (ret == Z_MEM_ERROR) {
            set_err(errmsg, format("%s: record at offset %lld: decoded payload over %zu bytes",
                                   r->path, (long long)rec->offset, (size_t)IDX_WARC_BLOCK_CAP));
            return -1;
        }
        if (window != 15 + 32)
            break; /* only "deflate" gets a raw retry */
    }
    set_err(errmsg, format("%s: record at offset %lld: Content-Encoding %s payload does not decode",
                           r->path, (long long)rec->offset, ce));
    return -1;
nomem:
    set_err(errmsg, format("%s: out of memory", r->path));
    return -1;
}
