/*
 * fetch.c - the HTTP fetcher: a curl multi loop fed by a per-host queue.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <zlib.h>

#include "feed.h"
#include "fetch.h"
#include "warc.h"

/* ---- small helpers ----------------------------------------------------- */

static double
monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
errf(const char *fmt, const char *a)
{
    size_t n = strlen(fmt) + (a ? strlen(a) : 0) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, fmt, a ? a : "");
    return s;
}

/* A growing byte buffer with a cap and a sticky failure flag. */
typedef struct bytes {
    char *s;
    size_t len, cap;
    int failed;
} bytes_t;

static int
bytes_add(bytes_t *b, const char *p, size_t n)
{
    if (b->failed)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *s;
        while (cap < b->len + n + 1)
            cap *= 2;
        s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return -1;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

static void
bytes_reset(bytes_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static void
bytes_free(bytes_t *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* ---- pure helpers ------------------------------------------------------- */

/* Split an absolute URL: scheme length, authority [a, e). */
static int
authority(const char *url, size_t *scheme_len, const char **a, const char **e)
{
    const char *p = strstr(url, "://"), *at, *end;

    if (!p || p == url)
        return -1;
    for (const char *q = url; q < p; q++)
        if (!isalnum((unsigned char)*q) && *q != '+' && *q != '-' && *q != '.')
            return -1;
    *scheme_len = (size_t)(p - url);
    p += 3;
    end = p + strcspn(p, "/?#");
    at = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            at = q;
    *a = at ? at + 1 : p;
    *e = end;
    return *a < end ? 0 : -1;
}

int
idx_fetch_host(const char *url, char *buf, size_t n)
{
    size_t sl, len;
    const char *a, *e, *colon;

    if (!url || n == 0 || authority(url, &sl, &a, &e))
        return -1;
    if (*a == '[') {
        const char *close = memchr(a, ']', (size_t)(e - a));
        if (!close)
            return -1;
        a++;
        e = close;
    } else {
        colon = memchr(a, ':', (size_t)(e - a));
        if (colon)
            e = colon;
    }
    len = (size_t)(e - a);
    if (len == 0 || len >= n)
        return -1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)a[i]);
    buf[len] = '\0';
    return 0;
}

int
idx_fetch_origin(const char *url, char *buf, size_t n)
{
    size_t sl, len;
    const char *a, *e;
    int https;

    if (!url || n == 0 || authority(url, &sl, &a, &e))
        return -1;
    if (sl == 4 && strncasecmp(url, "http", 4) == 0)
        https = 0;
    else if (sl == 5 && strncasecmp(url, "https", 5) == 0)
        https = 1;
    else
        return -1;
    len = (size_t)(e - a);
    /* drop the default port */
    if (!https && len > 3 && strncmp(e - 3, ":80", 3) == 0)
        len -= 3;
    else if (https && len > 4 && strncmp(e - 4, ":443", 4) == 0)
        len -= 4;
    if ((size_t)snprintf(buf, n, "%s://%.*s", https ? "https" : "http", (int)len, a) >= n)
        return -1;
    for (char *p = buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return 0;
}

int64_t
idx_fetch_retry_after(const char *v, int64_t now)
{
    int64_t t;
    char *end;
    long long secs;

    if (!v)
        return 0;
    while (*v == ' ' || *v == '\t')
        v++;
    if (isdigit((unsigned char)*v)) {
        secs = strtoll(v, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        if (*end == '\0' && secs > 0)
            return secs > 365LL * 86400 ? 365LL * 86400 : (int64_t)secs;
        return 0;
    }
    if (idx_date_parse(v, &t) == 0 && t > now)
        return t - now;
    return 0;
}

int
idx_fetch_charset(const char *ct, char *buf, size_t n)
{
    const char *p;
    size_t len = 0;

    if (!ct || n == 0)
        return -1;
    for (p = ct; (p = strchr(p, ';')) != NULL;) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "charset", 7) != 0)
            continue;
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=')
            continue;
        p++;
        while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
            p++;
        while (p[len] && p[len] != ';' && p[len] != '"' && p[len] != '\'' &&
               p[len] != ' ' && p[len] != '\t' && p[len] != '\r' && p[len] != '\n')
            len++;
        if (len == 0 || len >= n)
            return -1;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)tolower((unsigned char)p[i]);
        buf[len] = '\0';
        return 0;
    }
    return -1;
}

/*
 * A feed that declares no encoding of its own is in the charset the HTTP
 * header names (RFC 7303); the parser would take it for UTF-8. Such a body
 * is converted to UTF-8 here. Returns a malloc'd copy (caller frees) and
 * its length, or NULL when the body is fine as it is (an XML declaration
 * with an encoding, a BOM, no charset or a UTF-8 one) or cannot be
 * converted.
 */
char *
idx_fetch_recode_undeclared(const char *body, size_t len, const char *content_type,
                            size_t *out_len)
{
    char charset[64];
    const char *b = body, *decl_end;
    size_t cap, left, room;
    iconv_t cd;
    char *out, *in, *w;

    if (idx_fetch_charset(content_type, charset, sizeof charset) != 0 ||
        strcmp(charset, "utf-8") == 0 || strcmp(charset, "utf8") == 0 ||
        strcmp(charset, "us-ascii") == 0)
        return NULL;
    if (len >= 2 && (((unsigned char)b[0] == 0xFE && (unsigned char)b[1] == 0xFF) ||
                     ((unsigned char)b[0] == 0xFF && (unsigned char)b[1] == 0xFE) ||
                     ((unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB)))
        return NULL;
    if (len >= 5 && strncmp(b, "<?xml", 5) == 0) {
        decl_end = memchr(b, '>', len < 512 ? len : 512);
        if (!decl_end)
            return NULL;
        for (const char *p = b; p + 8 < decl_end; p++)
            if (strncmp(p, "encoding", 8) == 0)
                return NULL; /* the document says; the parser follows it */
    }
    cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return NULL;
    cap = len * 4 + 16;
    out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    in = (char *)b;
    left = len;
    w = out;
    room = cap - 1;
    while (left > 0) {
        if (iconv(cd, &in, &left, &w, &room) == (size_t)-1) {
            if (errno == EILSEQ || errno == EINVAL) {
                in++; /* a byte the charset does not have: dropped */
                left--;
                continue;
            }
            free(out);
            iconv_close(cd);
            return NULL;
        }
    }
    iconv_close(cd);
    *w = '\0';
    *out_len = (size_t)(w - out);
    return out;
}

/* ---- the per-host queue ---------------------------------------------------- */

typedef struct hostq_host {
    char *name;       /* host, or NULL for a URL without one */
    size_t *jobs;     /* job indexes in order */
    size_t n_jobs, next;
    int active;
} hostq_host_t;

struct idx_hostq {
    hostq_host_t *hosts;
    size_t n_hosts;
    size_t *host_of;       /* job -> host */
    size_t *ring;          /* idle hosts with pending jobs, FIFO */
    size_t ring_head, ring_len;
    size_t pending;
    size_t *table;         /* open addressing: host index + 1, 0 = empty */
    size_t table_size;
};

static uint64_t
hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void
ring_push(idx_hostq_t *q, size_t h)
{
    q->ring[(q->ring_head + q->ring_len) % q->n_hosts] = h;
    q->ring_len++;
}

idx_hostq_t *
idx_hostq_new(const char *const *urls, size_t n)
{
    idx_hostq_t *q = calloc(1, sizeof *q);
    char host[256];

    if (!q)
        return NULL;
    q->hosts = calloc(n ? n : 1, sizeof *q->hosts);
    q->host_of = calloc(n ? n : 1, sizeof *q->host_of);
    q->ring = calloc(n ? n : 1, sizeof *q->ring);
    q->table_size = 16;
    while (q->table_size < 2 * n)
        q->table_size *= 2;
    q->table = calloc(q->table_size, sizeof *q->table);
    if (!q->hosts || !q->host_of || !q->ring || !q->table)
        goto fail;
    /* first pass: the host of each job */
    for (size_t i = 0; i < n; i++) {
        size_t h, slot;
        int have = urls[i] && idx_fetch_host(urls[i], host, sizeof host) == 0;

        h = q->n_hosts;
        if (have) {
            slot = (size_t)(hash_str(host) & (q->table_size - 1));
            while (q->table[slot]) {
                if (strcmp(q->hosts[q->table[slot] - 1].name, host) == 0)
                    break;
                slot = (slot + 1) & (q->table_size - 1);
            }
            if (q->table[slot]) {
                h = q->table[slot] - 1;
            } else {
                q->hosts[h].name = strdup(host);
                if (!q->hosts[h].name)
                    goto fail;
                q->table[slot] = h + 1;
                q->n_hosts++;
            }
        } else {
            q->n_hosts++; /* a host of its own */
        }
        q->host_of[i] = h;
        q->hosts[h].n_jobs++;
    }
    /* second pass: each host's job list, in job order */
    for (size_t h = 0; h < q->n_hosts; h++) {
        q->hosts[h].jobs = malloc(q->hosts[h].n_jobs * sizeof(size_t));
        if (!q->hosts[h].jobs)
            goto fail;
        q->hosts[h].n_jobs = 0;
    }
    for (size_t i = 0; i < n; i++) {
        hostq_host_t *h = &q->hosts[q->host_of[i]];
        h->jobs[h->n_jobs++] = i;
    }
    for (size_t h = 0; h < q->n_hosts; h++)
        ring_push(q, h);
    q->pending = n;
    return q;
fail:
    idx_hostq_free(q);
    return NULL;
}

long
idx_hostq_next(idx_hostq_t *q)
{
    hostq_host_t *h;
    size_t hi;

    if (!q || q->ring_len == 0)
        return -1;
    hi = q->ring[q->ring_head];
    q->ring_head = (q->ring_head + 1) % q->n_hosts;
    q->ring_len--;
    h = &q->hosts[hi];
    h->active = 1;
    q->pending--;
    return (long)h->jobs[h->next++];
}

void
idx_hostq_done(idx_hostq_t *q, size_t job)
{
    hostq_host_t *h;

    if (!q)
        return;
    h = &q->hosts[q->host_of[job]];
    if (!h->active)
        return;
    h->active = 0;
    if (h->next < h->n_jobs)
        ring_push(q, q->host_of[job]);
}

size_t
idx_hostq_pending(const idx_hostq_t *q)
{
    return q ? q->pending : 0;
}

void
idx_hostq_free(idx_hostq_t *q)
{
    if (!q)
        return;
    if (q->hosts)
        for (size_t h = 0; h < q->n_hosts; h++) {
            free(q->hosts[h].name);
            free(q->hosts[h].jobs);
        }
    free(q->hosts);
    free(q->host_of);
    free(q->ring);
    free(q->table);
    free(q);
}

/* ---- transfers ------------------------------------------------------------ */

typedef struct transfer {
    CURL *h;
    size_t job;
    size_t slot;               /* index in the run's table of live transfers */
    struct curl_slist *headers;
    bytes_t body, resp, req, locations;
    size_t max_size;
    int too_large;
    int in_headers_out;        /* the debug callback is inside a request */
    double started;
    char errbuf[CURL_ERROR_SIZE];
} transfer_t;

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    transfer_t *t = ud;
    size_t n = size * nmemb;

    if (t->body.len + n > t->max_size) {
        t->too_large = 1;
        return 0; /* makes libcurl abort with CURLE_WRITE_ERROR */
    }
    if (bytes_add(&t->body, p, n))
        return 0;
    return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    transfer_t *t = ud;
    size_t n = size * nmemb;

    if (n >= 5 && strncmp(p, "HTTP/", 5) == 0)
        bytes_reset(&t->resp); /* a new response (after a redirect or 1xx) */
    if (t->resp.len + n > 256 * 1024)
        return 0;              /* absurd headers */
    if (n > 9 && strncasecmp(p, "location:", 9) == 0) {
        bytes_add(&t->locations, p + 9, n - 9);
    }
    bytes_add(&t->resp, p, n);
    return n;
}

/* Keep the request headers as sent (the last request of a redirect chain). */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    transfer_t *t = ud;

    (void)h;
    if (type != CURLINFO_HEADER_OUT) {
        t->in_headers_out = 0;
        return 0;
    }
    if (!t->in_headers_out)
        bytes_reset(&t->req);
    t->in_headers_out = 1;
    bytes_add(&t->req, data, size);
    return 0;
}

static void
transfer_free(transfer_t *t)
{
    if (!t)
        return;
    if (t->h)
        curl_easy_cleanup(t->h);
    curl_slist_free_all(t->headers);
    bytes_free(&t->body);
    bytes_free(&t->resp);
    bytes_free(&t->req);
    bytes_free(&t->locations);
    free(t);
}

static transfer_t *
transfer_new(const idx_fetch_opts_t *o, const idx_fetch_job_t *job, size_t index)
{
    transfer_t *t = calloc(1, sizeof *t);
    char line[1024];
    long low_time;

    if (!t || !(t->h = curl_easy_init())) {
        free(t);
        return NULL;
    }
    t->job = index;
    t->max_size = o->max_size;
    if (o->accept) {
        snprintf(line, sizeof line, "Accept: %s", o->accept);
        t->headers = curl_slist_append(t->headers, line);
    }
    if (job->etag && *job->etag && strlen(job->etag) < 900) {
        snprintf(line, sizeof line, "If-None-Match: %s", job->etag);
        t->headers = curl_slist_append(t->headers, line);
    }
    if (job->last_modified && *job->last_modified && strlen(job->last_modified) < 900) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", job->last_modified);
        t->headers = curl_slist_append(t->headers, line);
    }
    low_time = o->timeout < 30 ? o->timeout : 30;
    curl_easy_setopt(t->h, CURLOPT_URL, job->url);
    curl_easy_setopt(t->h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t->h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    /* HTTP/1.1: the request and response are captured as HTTP/1.x
     * messages, the form WARC readers expect */
    curl_easy_setopt(t->h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(t->h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(t->h, CURLOPT_MAXREDIRS, (long)IDX_FETCH_MAX_REDIRECTS);
    curl_easy_setopt(t->h, CURLOPT_USERAGENT, o->user_agent);
    /* advertise what decode_body() undoes, and leave the bytes to it */
    curl_easy_setopt(t->h, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
    curl_easy_setopt(t->h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(t->h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
    curl_easy_setopt(t->h, CURLOPT_TIMEOUT, o->timeout);
    curl_easy_setopt(t->h, CURLOPT_LOW_SPEED_LIMIT, 16L);
    curl_easy_setopt(t->h, CURLOPT_LOW_SPEED_TIME, low_time > 0 ? low_time : 1L);
    curl_easy_setopt(t->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_size);
    curl_easy_setopt(t->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(t->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(t->h, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(t->h, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(t->h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(t->h, CURLOPT_DEBUGDATA, t);
    curl_easy_setopt(t->h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(t->h, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(t->h, CURLOPT_PRIVATE, t);
    t->started = monotonic();
    return t;
}

const char *
idx_fetch_outcome_name(idx_fetch_outcome_t o)
{
    switch (o) {
    case IDX_FETCH_OK: return "ok";
    case IDX_FETCH_NOT_MODIFIED: return "not modified";
    case IDX_FETCH_HTTP_ERROR: return "http error";
    case IDX_FETCH_TIMEOUT: return "timeout";
    case IDX_FETCH_TOO_LARGE: return "too large";
    case IDX_FETCH_REDIRECTS: return "redirects";
    case IDX_FETCH_PROTOCOL: return "protocol refused";
    case IDX_FETCH_DNS: return "dns";
    case IDX_FETCH_CONNECT: return "connection";
    case IDX_FETCH_BAD_ENCODING: return "bad encoding";
    case IDX_FETCH_PARTIAL: return "partial";
    case IDX_FETCH_FAILED: return "failed";
    }
    return "failed";
}

/* A header of the last response, copied into buf; NULL when absent. */
static const char *
response_header(const transfer_t *t, const char *name, char *buf, size_t n)
{
    size_t vlen;
    const char *v;

    if (!t->resp.s)
        return NULL;
    v = idx_warc_http_find(t->resp.s, t->resp.len, name, &vlen);
    if (!v || vlen == 0)
        return NULL;
    if (vlen >= n)
        vlen = n - 1;
    memcpy(buf, v, vlen);
    buf[vlen] = '\0';
    return buf;
}

/* Did any Location value of the chain come back? */
static int
chain_loops(const bytes_t *loc)
{
    char *copy, *line, *save = NULL;
    char **seen = NULL;
    size_t n = 0;
    int loop = 0;

    if (!loc->s)
        return 0;
    copy = strdup(loc->s);
    if (!copy)
        return 0;
    for (line = strtok_r(copy, "\r\n", &save); line && !loop;
         line = strtok_r(NULL, "\r\n", &save)) {
        char **p;
        while (*line == ' ' || *line == '\t')
            line++;
        for (size_t i = 0; i < n; i++)
            if (strcmp(seen[i], line) == 0)
                loop = 1;
        p = realloc(seen, (n + 1) * sizeof *p);
        if (!p)
            break;
        seen = p;
        seen[n++] = line;
    }
    free(seen);
    free(copy);
    return loop;
}

/* The reason line for a failed transfer. */
static void
describe(transfer_t *t, CURLcode rc, const idx_fetch_opts_t *o,
         idx_fetch_result_t *r, char *why, size_t n)
{
    char loc[512];

    if (rc == CURLE_OK) {
        if (r->status == 304) {
            r->outcome = IDX_FETCH_NOT_MODIFIED;
            return;
        }
        if (r->status >= 200 && r->status < 300) {
            r->outcome = IDX_FETCH_OK;
            return;
        }
        r->outcome = IDX_FETCH_HTTP_ERROR;
        if (r->status >= 300 && r->status < 400)
            snprintf(why, n, "HTTP %d: redirect without a usable Location", r->status);
        else if (r->retry_after > 0)
            snprintf(why, n, "HTTP %d (Retry-After %lld s)", r->status,
                     (long long)r->retry_after);
        else
            snprintf(why, n, "HTTP %d", r->status);
        return;
    }
    if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        r->outcome = IDX_FETCH_TOO_LARGE;
        snprintf(why, n, "too large: more than %zu bytes", o->max_size);
        return;
    }
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        r->outcome = IDX_FETCH_TIMEOUT;
        if (monotonic() - t->started >= (double)o->timeout - 0.5)
            snprintf(why, n, "timeout: no complete response in %ld s", o->timeout);
        else
            snprintf(why, n, "timeout: %s", t->errbuf[0] ? t->errbuf : "too slow");
        return;
    case CURLE_TOO_MANY_REDIRECTS:
        r->outcome = IDX_FETCH_REDIRECTS;
        snprintf(why, n, chain_loops(&t->locations)
                              ? "redirect loop (stopped after %d redirects)"
                              : "too many redirects (more than %d)",
                 IDX_FETCH_MAX_REDIRECTS);
        return;
    case CURLE_UNSUPPORTED_PROTOCOL:
        r->outcome = IDX_FETCH_PROTOCOL;
        if (r->status >= 300 && r->status < 400 &&
            response_header(t, "Location", loc, sizeof loc))
            snprintf(why, n, "redirect to %s refused: only http and https are followed", loc);
        else
            snprintf(why, n, "refused: only http and https URLs are fetched");
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        r->outcome = IDX_FETCH_DNS;
        snprintf(why, n, "DNS: %s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
        return;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        r->outcome = IDX_FETCH_CONNECT;
        snprintf(why, n, "connection: %s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
        return;
    case CURLE_BAD_CONTENT_ENCODING:
        r->outcome = IDX_FETCH_BAD_ENCODING;
        snprintf(why, n, "bad compressed data (%s)",
                 t->errbuf[0] ? t->errbuf : "truncated or corrupt");
        return;
    case CURLE_OUT_OF_MEMORY:
        /* libcurl 7.88 reports response headers over its 100 kB limit as
         * "out of memory"; say what almost always happened */
        r->outcome = IDX_FETCH_FAILED;
        snprintf(why, n, "response headers too large (or out of memory): %s",
                 t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
        return;
    case CURLE_PARTIAL_FILE:
        r->outcome = IDX_FETCH_PARTIAL;
        snprintf(why, n, "truncated response: %s", t->errbuf[0] ? t->errbuf : "connection closed early");
        return;
    default:
        r->outcome = IDX_FETCH_FAILED;
        snprintf(why, n, "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
        return;
    }
}

/*
 * Undo a gzip or deflate Content-Encoding ourselves rather than letting
 * libcurl do it: the capture then keeps the bytes exactly as they came,
 * and a stream that stops before its end (a truncated gzip member) is
 * noticed, which libcurl does not report. The output is capped at max.
 * Returns 0; 1 when the data ended early or is corrupt (out holds what
 * decoded); 2 when out would pass max; -1 when out of memory.
 */
static int
decode_body(const char *in, size_t len, int raw_deflate, size_t max, bytes_t *out)
{
    z_stream zs;
    char buf[16384];
    int ret = Z_OK, attempt_raw = raw_deflate;

again:
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, attempt_raw ? -15 : 15 + 32) != Z_OK)
        return -1;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    for (;;) {
        zs.next_out = (Bytef *)buf;
        zs.avail_out = sizeof buf;
        ret = inflate(&zs, Z_NO_FLUSH);
        if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
            break;
        {
            size_t got = sizeof buf - zs.avail_out;
            if (out->len + got > max) {
                inflateEnd(&zs);
                return 2;
            }
            if (got && bytes_add(out, buf, got)) {
                inflateEnd(&zs);
                return -1;
            }
        }
        if (ret == Z_STREAM_END) {
            /* concatenated gzip members: go on with the next one */
            if (zs.avail_in > 0 && !attempt_raw && inflateReset(&zs) == Z_OK)
                continue;
            break;
        }
        if (ret == Z_BUF_ERROR && zs.avail_in == 0)
            break; /* input ended before the stream did */
    }
    inflateEnd(&zs);
    if (ret == Z_DATA_ERROR && !attempt_raw && out->len == 0) {
        /* "deflate" sent without its zlib wrapper, as some servers do */
        attempt_raw = 1;
        goto again;
    }
    return ret == Z_STREAM_END ? 0 : 1;
}

/* Hand a finished transfer to the caller. */
static void
finish(transfer_t *t, CURLcode rc, const idx_fetch_opts_t *o,
       const idx_fetch_job_t *job, idx_fetch_done_fn done, void *ctx)
{
    idx_fetch_result_t r;
    char why[768], etag[512], lastmod[128], retry[128], encoding[64];
    const char *enc;
    bytes_t decoded = { NULL, 0, 0, 0 };
    long status = 0;
    char *final = NULL, *ct = NULL;

    memset(&r, 0, sizeof r);
    why[0] = '\0';
    curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(t->h, CURLINFO_EFFECTIVE_URL, &final);
    curl_easy_getinfo(t->h, CURLINFO_CONTENT_TYPE, &ct);
    r.url = job->url;
    r.final_url = final ? final : job->url;
    r.status = (int)status;
    r.request_headers = t->req.len ? t->req.s : NULL;
    r.response_headers = t->resp.len ? t->resp.s : NULL;
    r.body = r.raw_body = (const unsigned char *)(t->body.s ? t->body.s : "");
    r.body_len = r.raw_len = t->body.len;
    r.content_type = ct;
    r.etag = response_header(t, "ETag", etag, sizeof etag);
    r.last_modified = response_header(t, "Last-Modified", lastmod, sizeof lastmod);
    r.fetched_at = (int64_t)time(NULL);
    r.retry_after = idx_fetch_retry_after(response_header(t, "Retry-After", retry, sizeof retry),
                                          r.fetched_at);
    r.seconds = monotonic() - t->started;
    if (t->body.failed) {
        r.outcome = IDX_FETCH_FAILED;
        snprintf(why, sizeof why, "out of memory");
    } else {
        describe(t, rc, o, &r, why, sizeof why);
    }
    /* a compressed body is decoded here (see decode_body) */
    enc = response_header(t, "Content-Encoding", encoding, sizeof encoding);
    if (enc && t->body.len > 0 && r.outcome != IDX_FETCH_TOO_LARGE &&
        strcasecmp(enc, "identity") != 0) {
        int d = -1;
        if (strcasecmp(enc, "gzip") == 0 || strcasecmp(enc, "x-gzip") == 0 ||
            strcasecmp(enc, "deflate") == 0)
            d = decode_body(t->body.s, t->body.len, 0, o->max_size, &decoded);
        else
            d = 3;
        if (d == -1 || decoded.failed) {
            r.outcome = IDX_FETCH_FAILED;
            snprintf(why, sizeof why, "out of memory");
        } else if (d == 2) {
            r.outcome = IDX_FETCH_TOO_LARGE;
            snprintf(why, sizeof why, "too large: more than %zu bytes once decompressed",
                     o->max_size);
        } else if (d == 3 && r.outcome == IDX_FETCH_OK) {
            r.outcome = IDX_FETCH_BAD_ENCODING;
            snprintf(why, sizeof why, "unsupported Content-Encoding '%s'", enc);
        } else if (d == 1 && r.outcome == IDX_FETCH_OK) {
            r.outcome = IDX_FETCH_BAD_ENCODING;
            snprintf(why, sizeof why, "bad %s data: the compressed stream is truncated or "
                     "corrupt (%zu bytes decoded)", enc, decoded.len);
        }
        if (d != 3) {
            r.body = (const unsigned char *)(decoded.s ? decoded.s : "");
            r.body_len = decoded.len;
        }
    }
    r.error = r.outcome == IDX_FETCH_OK || r.outcome == IDX_FETCH_NOT_MODIFIED ? NULL : why;
    done(ctx, job, &r);
    bytes_free(&decoded);
}

/* Report a job that could not even start. */
static void
finish_unstarted(const idx_fetch_job_t *job, const char *why, idx_fetch_done_fn done,
                 void *ctx)
{
    idx_fetch_result_t r;

    memset(&r, 0, sizeof r);
    r.url = job->url;
    r.final_url = job->url;
    r.outcome = IDX_FETCH_FAILED;
    r.error = why;
    r.body = r.raw_body = (const unsigned char *)"";
    r.fetched_at = (int64_t)time(NULL);
    done(ctx, job, &r);
}

int
idx_fetch_run(const idx_fetch_opts_t *opts, const idx_fetch_job_t *jobs,
              size_t n, idx_fetch_done_fn done, void *ctx, char **errmsg)
{
    idx_fetch_opts_t o = *opts;
    CURLM *multi;
    idx_hostq_t *q;
    const char **urls;
    size_t active = 0;
    transfer_t **live;
    int running = 0, failed = 0;
    long next_left;

    if (errmsg)
        *errmsg = NULL;
    if (o.jobs <= 0)
        o.jobs = IDX_FETCH_DEFAULT_JOBS;
    if (o.timeout <= 0)
        o.timeout = IDX_FETCH_DEFAULT_TIMEOUT;
    if (o.connect_timeout <= 0)
        o.connect_timeout = IDX_FETCH_CONNECT_TIMEOUT;
    if (o.connect_timeout > o.timeout)
        o.connect_timeout = o.timeout;
    if (o.max_size == 0)
        o.max_size = IDX_FETCH_DEFAULT_MAX_SIZE;
    if (!o.user_agent)
        o.user_agent = IDX_FETCH_USER_AGENT;
    if (n == 0)
        return 0;

    urls = malloc(n * sizeof *urls);
    if (!urls) {
        if (errmsg)
            *errmsg = errf("%sout of memory", "");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        urls[i] = jobs[i].url;
    q = idx_hostq_new(urls, n);
    free(urls);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        idx_hostq_free(q);
        if (errmsg)
            *errmsg = errf("%scannot initialise libcurl", "");
        return -1;
    }
    multi = curl_multi_init();
    live = calloc((size_t)o.jobs, sizeof *live);
    if (!q || !multi || !live) {
        free(live);
        idx_hostq_free(q);
        if (multi)
            curl_multi_cleanup(multi);
        curl_global_cleanup();
        if (errmsg)
            *errmsg = errf("%scannot initialise libcurl (out of memory)", "");
        return -1;
    }
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o.jobs);

    for (;;) {
        CURLMsg *msg;
        int left, finished = 0;
        long next;

        /* start what the limits allow */
        while (active < (size_t)o.jobs && (next = idx_hostq_next(q)) >= 0) {
            transfer_t *t = transfer_new(&o, &jobs[next], (size_t)next);
            if (!t || curl_multi_add_handle(multi, t->h) != CURLM_OK) {
                transfer_free(t);
                finish_unstarted(&jobs[next], "cannot start the transfer (out of memory)",
                                 done, ctx);
                idx_hostq_done(q, (size_t)next);
                continue;
            }
            for (size_t i = 0; i < (size_t)o.jobs; i++)
                if (!live[i]) {
                    live[i] = t;
                    t->slot = i;
                    break;
                }
            active++;
        }
        if (active == 0)
            break;
        if (curl_multi_perform(multi, &running) != CURLM_OK) {
            failed = 1;
            break;
        }
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            transfer_t *t = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            curl_multi_remove_handle(multi, msg->easy_handle);
            if (!t)
                continue;
            live[t->slot] = NULL;
            finish(t, msg->data.result, &o, &jobs[t->job], done, ctx);
            idx_hostq_done(q, t->job);
            transfer_free(t);
            active--;
            finished++;
        }
        if (!finished)
            curl_multi_poll(multi, NULL, 0, 200, NULL);
    }
    if (failed) {
        /* libcurl itself failed (out of memory): every job still out or
         * waiting is reported, none is lost silently */
        for (size_t i = 0; i < (size_t)o.jobs; i++) {
            transfer_t *t = live[i];
            if (!t)
                continue;
            curl_multi_remove_handle(multi, t->h);
            finish_unstarted(&jobs[t->job], "libcurl failed (out of memory)", done, ctx);
            transfer_free(t);
        }
        while ((next_left = idx_hostq_next(q)) >= 0)
            finish_unstarted(&jobs[next_left], "not fetched: libcurl failed", done, ctx);
    }
    curl_multi_cleanup(multi);
    idx_hostq_free(q);
    free(live);
    curl_global_cleanup();
    return 0;
}
