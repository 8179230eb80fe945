/*
 * warc_write.c - append records to a gzip WARC 1.1 file, one gzip member
 * per record (so any record can be reached by seeking to its offset), with
 * a warcinfo record at the start of a new file.
 *
 * Each call compresses its records into memory and appends them with one
 * write() under an exclusive flock(), so two writers never interleave
 * inside a member and a failed write is cut back off the file.
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
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define ID_SIZE 64

struct idx_warc_writer {
    char *path;
    int fd;
    int random_fd;
    uint64_t counter;
    z_stream zs;
    int zs_ready;
    unsigned char *out;     /* compressed members of the current call */
    size_t out_len, out_cap;
    char warcinfo_id[ID_SIZE];
};

/* A growable text buffer with a sticky failure flag. */
typedef struct text {
    char *s;
    size_t len, cap;
    int failed;
} text_t;

static void text_add(text_t *t, const char *p, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t ncap = t->cap ? t->cap : 512;
        while (ncap < t->len + n + 1)
            ncap *= 2;
        char *ns = realloc(t->s, ncap);
        if (ns == NULL) {
            t->failed = 1;
            return;
        }
        t->s = ns;
        t->cap = ncap;
    }
    memcpy(t->s + t->len, p, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void text_str(text_t *t, const char *s)
{
    text_add(t, s, strlen(s));
}

static void text_fmt(text_t *t, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        text_add(t, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        t->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    text_add(t, big, (size_t)n);
    free(big);
}

static char *errf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static int fail(char **errmsg, char *msg)
{
    if (errmsg != NULL)
        *errmsg = msg;
    else
        free(msg);
    return -1;
}

/* ---- identifiers and dates ------------------------------------------------ */

/* "<urn:uuid:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx>" (version 4, random). */
static void make_record_id(idx_warc_writer_t *w, char out[ID_SIZE])
{
    unsigned char u[16];
    int have = 0;
    if (w->random_fd >= 0) {
        ssize_t got = read(w->random_fd, u, sizeof u);
        have = got == (ssize_t)sizeof u;
    }
    if (!have) {
        /* no /dev/urandom: hash time, process and a counter */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        char seed[96];
        int n = snprintf(seed, sizeof seed, "%lld.%ld.%ld.%llu.%p", (long long)ts.tv_sec,
                         ts.tv_nsec, (long)getpid(), (unsigned long long)w->counter, (void *)w);
        idx_sha1_t c;
        unsigned char d[IDX_SHA1_LEN];
        idx_sha1_init(&c);
        idx_sha1_update(&c, seed, (size_t)n);
        idx_sha1_final(&c, d);
        memcpy(u, d, sizeof u);
    }
    w->counter++;
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    snprintf(out, ID_SIZE,
             "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
             u[13], u[14], u[15]);
}

static void format_date(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static void digest_of(const void *a, size_t alen, const void *b, size_t blen, char out[64])
{
    idx_sha1_t c;
    unsigned char d[IDX_SHA1_LEN];
    char b32[IDX_SHA1_BASE32_SIZE];
    idx_sha1_init(&c);
    idx_sha1_update(&c, a, alen);
    idx_sha1_update(&c, b, blen);
    idx_sha1_final(&c, d);
    idx_base32_encode(d, sizeof d, b32, sizeof b32);
    snprintf(out, 64, "sha1:%s", b32);
}

/* A URI is written on one header line: refuse line breaks and NULs. */
static int header_safe(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            return 0;
    return 1;
}

/* ---- gzip members ------------------------------------------------------------ */

static int out_reserve(idx_warc_writer_t *w, size_t more)
{
    if (w->out_len + more <= w->out_cap)
        return 0;
    size_t ncap = w->out_cap ? w->out_cap : 4096;
    while (ncap < w->out_len + more)
        ncap *= 2;
    unsigned char *n = realloc(w->out, ncap);
    if (n == NULL)
        return -1;
    w->out = n;
    w->out_cap = ncap;
    return 0;
}

/* Compress header + prefix + body + CRLF CRLF as one gzip member appended
 * to w->out. */
static int add_member(idx_warc_writer_t *w, const text_t *header, const char *prefix,
                      size_t prefix_len, const unsigned char *body, size_t body_len)
{
    const void *parts[4] = {header->s, prefix, body, "\r\n\r\n"};
    size_t lens[4] = {header->len, prefix_len, body_len, 4};
    size_t total = header->len + prefix_len + body_len + 4;
    if (total > ((size_t)1 << 30))
        return -1; /* one record over 1 GiB: refuse rather than overflow zlib's counters */
    if (deflateReset(&w->zs) != Z_OK)
        return -1;
    size_t bound = deflateBound(&w->zs, (uLong)total) + 64;
    if (out_reserve(w, bound) != 0)
        return -1;
    w->zs.next_out = w->out + w->out_len;
    w->zs.avail_out = (uInt)bound;
    for (int i = 0; i < 4; i++) {
        if (lens[i] == 0 && i < 3)
            continue;
        w->zs.next_in = (unsigned char *)parts[i];
        w->zs.avail_in = (uInt)lens[i];
        int ret = deflate(&w->zs, i == 3 ? Z_FINISH : Z_NO_FLUSH);
        if (i == 3 ? ret != Z_STREAM_END : ret != Z_OK)
            return -1;
    }
    w->out_len += bound - w->zs.avail_out;
    return 0;
}

/* Append w->out to the file under a lock; *first_offset gets where it began. */
static int flush_members(idx_warc_writer_t *w, int64_t *first_offset, char **errmsg)
{
    int rc = 0;
    if (flock(w->fd, LOCK_EX) != 0)
        return fail(errmsg, errf("%s: cannot lock: %s", w->path, strerror(errno)));
    struct stat st;
    if (fstat(w->fd, &st) != 0) {
        rc = fail(errmsg, errf("%s: %s", w->path, strerror(errno)));
        goto done;
    }
    *first_offset = (int64_t)st.st_size;
    size_t done_bytes = 0;
    while (done_bytes < w->out_len) {
        ssize_t n = write(w->fd, w->out + done_bytes, w->out_len - done_bytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            /* cut the torn member off so the file stays readable */
            if (ftruncate(w->fd, st.st_size) != 0) {
                /* nothing more we can do; readers resynchronise */
            }
            rc = fail(errmsg, errf("%s: write failed: %s", w->path, strerror(e)));
            goto done;
        }
        done_bytes += (size_t)n;
    }
done:
    flock(w->fd, LOCK_UN);
    w->out_len = 0;
    return rc;
}

/* WARC header lines common to every record. */
static void common_header(text_t *h, const char *type, const char *id, const char *date)
{
    text_str(h, "WARC/1.1\r\n");
    text_fmt(h, "WARC-Type: %s\r\n", type);
    text_fmt(h, "WARC-Record-ID: %s\r\n", id);
    text_fmt(h, "WARC-Date: %s\r\n", date);
}

static int write_warcinfo(idx_warc_writer_t *w, char **errmsg)
{
    static const char fields[] =
        "software: newsarchive\r\n"
        "format: WARC File Format 1.1\r\n"
        "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
    char date[32], digest[64];
    text_t h = {0};
    const char *base = strrchr(w->path, '/');
    base = base ? base + 1 : w->path;
    make_record_id(w, w->warcinfo_id);
    format_date((int64_t)time(NULL), date);
    digest_of(fields, sizeof fields - 1, "", 0, digest);
    common_header(&h, "warcinfo", w->warcinfo_id, date);
    if (header_safe(base))
        text_fmt(&h, "WARC-Filename: %s\r\n", base);
    text_fmt(&h, "WARC-Block-Digest: %s\r\n", digest);
    text_str(&h, "Content-Type: application/warc-fields\r\n");
    text_fmt(&h, "Content-Length: %zu\r\n\r\n", sizeof fields - 1);
    int rc;
    if (h.failed || add_member(w, &h, fields, sizeof fields - 1, NULL, 0) != 0)
        rc = fail(errmsg, errf("%s: out of memory", w->path));
    else {
        int64_t off;
        rc = flush_members(w, &off, errmsg);
    }
    free(h.s);
    return rc;
}

/* ---- public API ---------------------------------------------------------------- */

int idx_warc_writer_close(idx_warc_writer_t *w, char **errmsg)
{
    int rc = 0;
    if (errmsg != NULL)
        *errmsg = NULL;
    if (w == NULL)
        return 0;
    if (w->fd >= 0) {
        if (fsync(w->fd) != 0)
            rc = fail(errmsg, errf("%s: fsync failed: %s", w->path, strerror(errno)));
        if (close(w->fd) != 0 && rc == 0)
            rc = fail(errmsg, errf("%s: close failed: %s", w->path, strerror(errno)));
    }
    if (w->random_fd >= 0)
        close(w->random_fd);
    if (w->zs_ready)
        deflateEnd(&w->zs);
    free(w->out);
    free(w->path);
    free(w);
    return rc;
}

int idx_warc_writer_open(const char *path, idx_warc_writer_t **out, char **errmsg)
{
    *out = NULL;
    if (errmsg != NULL)
        *errmsg = NULL;
    idx_warc_writer_t *w = calloc(1, sizeof *w);
    if (w == NULL)
        return fail(errmsg, errf("%s: out of memory", path));
    w->fd = -1;
    w->random_fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    w->path = strdup(path);
    if (w->path == NULL) {
        idx_warc_writer_close(w, NULL);
        return fail(errmsg, errf("%s: out of memory", path));
    }
    /* level 6 with the gzip wrapper (windowBits 15 + 16) */
    if (deflateInit2(&w->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        idx_warc_writer_close(w, NULL);
        return fail(errmsg, errf("%s: cannot start zlib", path));
    }
    w->zs_ready = 1;
    w->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int e = errno;
        idx_warc_writer_close(w, NULL);
        return fail(errmsg, errf("%s: %s", path, strerror(e)));
    }
    struct stat st;
    if (fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        idx_warc_writer_close(w, NULL);
        return fail(errmsg, errf("%s: not a regular file", path));
    }
    if (st.st_size > 0) {
        unsigned char magic[2];
        if (pread(w->fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
            idx_warc_writer_close(w, NULL);
            return fail(errmsg, errf("%s: exists and is not a gzip WARC file; not appending", path));
        }
    } else if (write_warcinfo(w, errmsg) != 0) {
        idx_warc_writer_close(w, NULL);
        return -1;
    }
    *out = w;
    return 0;
}

/* Copy a header section normalised to CRLF line ends, ending with an empty
 * line; empty lines inside are dropped. */
static void add_header_lines(text_t *t, const char *s, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t ll = nl ? (size_t)(nl - (s + pos)) : n - pos;
        size_t l = ll;
        while (l > 0 && s[pos + l - 1] == '\r')
            l--;
        if (l > 0) {
            text_add(t, s + pos, l);
            text_str(t, "\r\n");
        }
        pos += ll + 1;
    }
}

/* The last header block of s (curl hands over 1xx and redirect blocks too). */
static const char *last_response_block(const char *s)
{
    const char *best = s;
    for (const char *p = s; (p = strstr(p, "\nHTTP/")) != NULL; p++) {
        /* only a block start if the line before was empty */
        const char *q = p;
        if (q > s && q[-1] == '\r')
            q--;
        if (q > s && q[-1] == '\n')
            best = p + 1;
    }
    return best;
}

/* Does the value of header name in t (a CRLF header section) mention word? If
 * so, rename the header to X-Archive-Orig-<name> when rename is set. */
static int header_has(text_t *t, const char *name, const char *word)
{
    size_t vlen;
    const char *v = idx_warc_http_find(t->s, t->len, name, &vlen);
    if (v == NULL)
        return 0;
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= vlen; i++)
        if (strncasecmp(v + i, word, wl) == 0)
            return 1;
    return 0;
}

static void rename_header(text_t *t, const char *name)
{
    size_t vlen;
    const char *v = idx_warc_http_find(t->s, t->len, name, &vlen);
    if (v == NULL)
        return;
    /* find the line start */
    const char *ls = v;
    while (ls > t->s && ls[-1] != '\n')
        ls--;
    size_t at = (size_t)(ls - t->s);
    static const char prefix[] = "X-Archive-Orig-";
    size_t plen = sizeof prefix - 1;
    text_add(t, prefix, plen); /* grow by plen (content fixed below) */
    if (t->failed)
        return;
    memmove(t->s + at + plen, t->s + at, t->len - plen - at);
    memcpy(t->s + at, prefix, plen);
    t->s[t->len] = '\0';
}

/* Host and path of an absolute http(s) URI. */
static void split_uri(const char *uri, const char **host, size_t *host_len, const char **path)
{
    const char *p = strstr(uri, "://");
    p = p ? p + 3 : uri;
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    *host = at ? at + 1 : p;
    *host_len = (size_t)(end - *host);
    *path = end;
}

int idx_warc_write_exchange(idx_warc_writer_t *w, const char *uri,
                            int64_t fetched_at, const char *request_headers,
                            const char *response_headers,
                            const unsigned char *body, size_t body_len,
                            int64_t *offset, char **errmsg)
{
    if (errmsg != NULL)
        *errmsg = NULL;
    if (uri == NULL || uri[0] == '\0' || !header_safe(uri))
        return fail(errmsg, errf("%s: bad target URI", w->path));
    if (response_headers == NULL)
        return fail(errmsg, errf("%s: %s: no response headers", w->path, uri));
    if (body == NULL)
        body_len = 0;
    const char *resp = last_response_block(response_headers);
    if (strncmp(resp, "HTTP/", 5) != 0)
        return fail(errmsg, errf("%s: %s: response headers do not start with a status line",
                                 w->path, uri));

    char req_id[ID_SIZE], resp_id[ID_SIZE], date[32];
    char req_block_digest[64], resp_block_digest[64], payload_digest[64];
    text_t req = {0}, rsp = {0}, h = {0};
    int rc = -1;
    make_record_id(w, req_id);
    make_record_id(w, resp_id);
    format_date(fetched_at, date);

    /* request block: request line + headers (synthesised where absent) */
    const char *rh = request_headers ? request_headers : "";
    const char *host, *path;
    size_t host_len;
    split_uri(uri, &host, &host_len, &path);
    size_t first_len = strcspn(rh, "\r\n");
    int has_request_line = first_len > 9 && memchr(rh, ' ', first_len) != NULL &&
                           strncmp(rh + first_len - 8, "HTTP/1.", 7) == 0;
    if (!has_request_line) {
        size_t plen = strcspn(path, "#");
        text_fmt(&req, "GET %.*s HTTP/1.1\r\n", (int)(plen ? plen : 1), plen ? path : "/");
    }
    size_t req_start_headers = req.len;
    add_header_lines(&req, rh, strlen(rh));
    if (!has_request_line) {
        /* idx_warc_http_find skips the request line */
        size_t vl;
        if (req.s == NULL || idx_warc_http_find(req.s, req.len, "Host", &vl) == NULL) {
            text_t with_host = {0};
            text_add(&with_host, req.s ? req.s : "", req_start_headers);
            text_fmt(&with_host, "Host: %.*s\r\n", (int)host_len, host);
            text_add(&with_host, req.s ? req.s + req_start_headers : "", req.len - req_start_headers);
            free(req.s);
            req = with_host;
        }
    }
    text_str(&req, "\r\n");

    /* response block: headers as received, CRLF, one block */
    add_header_lines(&rsp, resp, strlen(resp));
    if (!rsp.failed && header_has(&rsp, "Transfer-Encoding", "chunked")) {
        unsigned char *tmp = malloc(body_len ? body_len : 1);
        size_t n;
        int ok = tmp != NULL && idx_warc_http_dechunk(body, body_len, tmp, &n) == 0;
        free(tmp);
        if (!ok)
            rename_header(&rsp, "Transfer-Encoding"); /* body was de-chunked */
    }
    if (!rsp.failed && (header_has(&rsp, "Content-Encoding", "gzip")) &&
        !(body_len >= 2 && body[0] == 0x1f && body[1] == 0x8b))
        rename_header(&rsp, "Content-Encoding"); /* body was decoded */
    text_str(&rsp, "\r\n");
    if (req.failed || rsp.failed)
        goto nomem;

    digest_of(req.s, req.len, "", 0, req_block_digest);
    digest_of(rsp.s, rsp.len, body, body_len, resp_block_digest);
    digest_of(body, body_len, "", 0, payload_digest);

    /* request record */
    common_header(&h, "request", req_id, date);
    text_fmt(&h, "WARC-Target-URI: %s\r\n", uri);
    text_fmt(&h, "WARC-Concurrent-To: %s\r\n", resp_id);
    if (w->warcinfo_id[0])
        text_fmt(&h, "WARC-Warcinfo-ID: %s\r\n", w->warcinfo_id);
    text_fmt(&h, "WARC-Block-Digest: %s\r\n", req_block_digest);
    text_str(&h, "Content-Type: application/http;msgtype=request\r\n");
    text_fmt(&h, "Content-Length: %zu\r\n\r\n", req.len);
    if (h.failed || add_member(w, &h, req.s, req.len, NULL, 0) != 0)
        goto nomem;
    size_t response_at = w->out_len;

    /* response record */
    h.len = 0;
    common_header(&h, "response", resp_id, date);
    text_fmt(&h, "WARC-Target-URI: %s\r\n", uri);
    text_fmt(&h, "WARC-Concurrent-To: %s\r\n", req_id);
    if (w->warcinfo_id[0])
        text_fmt(&h, "WARC-Warcinfo-ID: %s\r\n", w->warcinfo_id);
    text_fmt(&h, "WARC-Payload-Digest: %s\r\n", payload_digest);
    text_fmt(&h, "WARC-Block-Digest: %s\r\n", resp_block_digest);
    text_str(&h, "Content-Type: application/http;msgtype=response\r\n");
    text_fmt(&h, "Content-Length: %zu\r\n\r\n", rsp.len + body_len);
    if (h.failed || add_member(w, &h, rsp.s, rsp.len, body, body_len) != 0)
        goto nomem;

    int64_t first;
    rc = flush_members(w, &first, errmsg);
    if (rc == 0 && offset != NULL)
        *offset = first + (int64_t)response_at;
    goto done;
nomem:
    w->out_len = 0;
    rc = fail(errmsg, errf("%s: out of memory", w->path));
done:
    free(req.s);
    free(rsp.s);
    free(h.s);
    return rc;
}

int idx_warc_write_resource(idx_warc_writer_t *w, const char *uri,
                            int64_t at, const char *content_type,
                            const unsigned char *body, size_t len,
                            int64_t *offset, char **errmsg)
{
    if (errmsg != NULL)
        *errmsg = NULL;
    if (uri == NULL || uri[0] == '\0' || !header_safe(uri))
        return fail(errmsg, errf("%s: bad target URI", w->path));
    if (content_type == NULL || content_type[0] == '\0' || !header_safe(content_type))
        content_type = "application/octet-stream";
    if (body == NULL)
        len = 0;
    char id[ID_SIZE], date[32], digest[64];
    text_t h = {0};
    make_record_id(w, id);
    format_date(at, date);
    digest_of(body, len, "", 0, digest);
    common_header(&h, "resource", id, date);
    text_fmt(&h, "WARC-Target-URI: %s\r\n", uri);
    if (w->warcinfo_id[0])
        text_fmt(&h, "WARC-Warcinfo-ID: %s\r\n", w->warcinfo_id);
    text_fmt(&h, "WARC-Payload-Digest: %s\r\n", digest);
    text_fmt(&h, "WARC-Block-Digest: %s\r\n", digest);
    text_fmt(&h, "Content-Type: %s\r\n", content_type);
    text_fmt(&h, "Content-Length: %zu\r\n\r\n", len);
    int rc;
    if (h.failed || add_member(w, &h, "", 0, body, len) != 0) {
        w->out_len = 0;
        rc = fail(errmsg, errf("%s: out of memory", w->path));
    } else {
        int64_t first;
        rc = flush_members(w, &first, errmsg);
        if (rc == 0 && offset != NULL)
            *offset = first;
    }
    free(h.s);
    return rc;
}
