/*
 * fetch.h - fetch a set of URLs over HTTP(S) with the curl multi interface:
 * several transfers at once, at most one per host, with the limits a polite
 * and safe fetcher needs (timeouts, a size cap, few redirects, http and
 * https only). Knows nothing of feeds or the archive: each finished
 * transfer is handed to a callback.
 */
#ifndef IDX_FETCH_H
#define IDX_FETCH_H

#include <stddef.h>
#include <stdint.h>

#define IDX_FETCH_USER_AGENT \
    "newsarchive/0.1 (+https://github.com/newsarchive; feed fetcher)"
/* The product token robots.txt groups are matched against. */
#define IDX_FETCH_ROBOTS_TOKEN "newsarchive"

#define IDX_FETCH_DEFAULT_JOBS 4
#define IDX_FETCH_DEFAULT_TIMEOUT 30          /* seconds, whole transfer */
#define IDX_FETCH_CONNECT_TIMEOUT 10          /* seconds */
#define IDX_FETCH_DEFAULT_MAX_SIZE ((size_t)20 << 20)
#define IDX_FETCH_MAX_REDIRECTS 5

/* Options of a run. Zero-initialise, then set what you need: every zero
 * field takes the default above. */
typedef struct idx_fetch_opts {
    int jobs;                 /* transfers at once */
    long timeout;             /* seconds for a whole transfer */
    long connect_timeout;     /* seconds to connect */
    size_t max_size;          /* cap on the (decoded) body, bytes */
    const char *user_agent;   /* NULL: IDX_FETCH_USER_AGENT */
    const char *accept;       /* Accept header value, or NULL for none */
} idx_fetch_opts_t;

/* One URL to fetch. The strings belong to the caller and must live until
 * idx_fetch_run() returns. */
typedef struct idx_fetch_job {
    const char *url;
    const char *etag;          /* sent as If-None-Match, or NULL */
    const char *last_modified; /* sent as If-Modified-Since, or NULL */
    void *user;                /* the caller's, handed back untouched */
} idx_fetch_job_t;

/* How a transfer ended. */
typedef enum {
    IDX_FETCH_OK = 0,          /* a 2xx response with its body */
    IDX_FETCH_NOT_MODIFIED,    /* 304 to a conditional request */
    IDX_FETCH_HTTP_ERROR,      /* a response with another status (4xx, 5xx, ...) */
    IDX_FETCH_TIMEOUT,         /* the total timeout or the low-speed limit hit */
    IDX_FETCH_TOO_LARGE,       /* the body passed the size cap */
    IDX_FETCH_REDIRECTS,       /* a redirect loop or too many redirects */
    IDX_FETCH_PROTOCOL,        /* a URL or redirect to something not http(s) */
    IDX_FETCH_DNS,             /* the host name did not resolve */
    IDX_FETCH_CONNECT,         /* no connection (refused, unreachable, TLS) */
    IDX_FETCH_BAD_ENCODING,    /* compressed data did not decode (truncated gzip) */
    IDX_FETCH_PARTIAL,         /* the connection closed before the body ended */
    IDX_FETCH_FAILED           /* anything else */
} idx_fetch_outcome_t;

/* A finished transfer. Everything is owned by the fetcher and valid only
 * during the callback. */
typedef struct idx_fetch_result {
    const char *url;              /* as requested */
    const char *final_url;        /* after redirects */
    idx_fetch_outcome_t outcome;
    int status;                   /* the last HTTP status; 0 when none came */
    const char *error;            /* why it failed ("HTTP 404 Not Found",
                                     "timed out after 30 s", ...); NULL for
                                     IDX_FETCH_OK and IDX_FETCH_NOT_MODIFIED */
    const char *request_headers;  /* the last request as sent, or NULL */
    const char *response_headers; /* the last response's status line and
                                     headers, as received, or NULL */
    const unsigned char *body;    /* the body with any gzip/deflate Content-
                                     Encoding undone (NUL-terminated); maybe
                                     partial when the transfer failed */
    size_t body_len;
    const unsigned char *raw_body;/* the body as received (what a capture
                                     keeps, with response_headers) */
    size_t raw_len;
    const char *content_type;     /* or NULL */
    const char *etag;             /* or NULL */
    const char *last_modified;    /* or NULL */
    int64_t retry_after;          /* seconds from Retry-After, 0 when none */
    int64_t fetched_at;           /* UTC seconds when the transfer ended */
    double seconds;               /* how long it took */
} idx_fetch_result_t;

/* Called once per job, in the calling thread, as transfers finish. */
typedef void (*idx_fetch_done_fn)(void *ctx, const idx_fetch_job_t *job,
                                  const idx_fetch_result_t *res);

/*
 * Fetch every job once: at most opts->jobs transfers at a time and at most
 * one per host (a queue per host, hosts served round-robin), each with the
 * User-Agent, compression (gzip and deflate, decoded here so that a
 * truncated stream is caught and captures keep the bytes received), up to
 * IDX_FETCH_MAX_REDIRECTS redirects over http/https only, the connect and
 * total timeouts, a low-speed limit and the size cap (the transfer is cut
 * as soon as the body passes it). A failed transfer never stops the others.
 * Returns 0, or -1 with *errmsg (malloc'd) when libcurl cannot start at all;
 * then no callback was made.
 */
int idx_fetch_run(const idx_fetch_opts_t *opts, const idx_fetch_job_t *jobs,
                  size_t n, idx_fetch_done_fn done, void *ctx, char **errmsg);

/* Short static name of an outcome ("timeout", "too large", ...). */
const char *idx_fetch_outcome_name(idx_fetch_outcome_t o);

/* ---- Pure helpers (unit-tested) --------------------------------------- */

/* The lower-cased host of an absolute URL (no user info, no port, no
 * brackets around IPv6) into buf. Returns 0, or -1 when there is none. */
int idx_fetch_host(const char *url, char *buf, size_t n);

/* The origin "scheme://host[:port]" of an http(s) URL, lower-cased, into
 * buf (robots.txt is per origin). Returns 0 or -1. */
int idx_fetch_origin(const char *url, char *buf, size_t n);

/* Seconds a Retry-After value asks for at time now: delta-seconds or an
 * HTTP-date; 0 for NULL, a past date or nonsense. */
int64_t idx_fetch_retry_after(const char *value, int64_t now);

/* The charset parameter of a Content-Type value into buf (lower-cased,
 * unquoted). Returns 0, or -1 when there is none. */
int idx_fetch_charset(const char *content_type, char *buf, size_t n);

/*
 * A document that declares no encoding of its own (no XML declaration with
 * encoding="...", no byte-order mark) is in the charset its Content-Type
 * names (RFC 7303), which the XML parser cannot know: convert such a body
 * to UTF-8 (bytes the charset lacks are dropped). Returns a malloc'd,
 * NUL-terminated copy and *out_len, or NULL when nothing needs doing (no
 * charset, UTF-8 or ASCII, a declaration or BOM present) or the charset is
 * unknown to iconv.
 */
char *idx_fetch_recode_undeclared(const char *body, size_t len,
                                  const char *content_type, size_t *out_len);

/*
 * A queue per host: jobs are handed out so that no two jobs of one host
 * are out at the same time, hosts taking turns in order of first
 * appearance. next() returns a job index or -1 when every host with
 * pending jobs is busy (or nothing is pending); done() gives the job's
 * host back.
 */
typedef struct idx_hostq idx_hostq_t;
idx_hostq_t *idx_hostq_new(const char *const *urls, size_t n);
long idx_hostq_next(idx_hostq_t *q);
void idx_hostq_done(idx_hostq_t *q, size_t job);
/* Jobs not yet handed out. */
size_t idx_hostq_pending(const idx_hostq_t *q);
void idx_hostq_free(idx_hostq_t *q);

#endif
