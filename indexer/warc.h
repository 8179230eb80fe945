/*
 * warc.h - read and write WARC 1.0/1.1 files (plain or gzip, one gzip
 * member per record when written by us).
 */
#ifndef IDX_WARC_H
#define IDX_WARC_H

#include <stddef.h>
#include <stdint.h>

/* One record as read. Strings and payload owned by the reader, valid until
 * the next idx_warc_next() call. */
typedef struct idx_warc_record {
    const char *type;          /* WARC-Type: "response", "request", "resource", ... */
    const char *target_uri;    /* WARC-Target-URI (angle brackets removed) */
    const char *date;          /* WARC-Date as written */
    const char *record_id;     /* WARC-Record-ID */
    const char *content_type;  /* Content-Type of the record block */
    const char *payload_digest;/* WARC-Payload-Digest or NULL */
    const unsigned char *block;/* the record block (for response: HTTP headers + body) */
    size_t block_len;
    int http_status;           /* parsed from a response block, else 0 */
    const char *http_content_type; /* Content-Type of the HTTP payload, or NULL */
    const unsigned char *payload;  /* HTTP body (de-chunked), or the block for resource */
    size_t payload_len;
    int64_t offset;            /* byte offset of the record (compressed file offset
                                  of its gzip member when gzipped) */
} idx_warc_record_t;

typedef struct idx_warc_reader idx_warc_reader_t;

/* Open a WARC (or .warc.gz) file. Returns 0 or -1 with *errmsg (malloc'd,
 * "PATH: reason"). */
int idx_warc_open(const char *path, idx_warc_reader_t **out, char **errmsg);
/* Next record: 1 and *rec set, 0 at clean end, -1 on a damaged record with
 * *errmsg (malloc'd, "PATH: record at offset N: what was wrong"); after -1 the
 * reader tries to resynchronise at the next record, so the caller may go on. */
int idx_warc_next(idx_warc_reader_t *r, const idx_warc_record_t **rec, char **errmsg);
void idx_warc_close(idx_warc_reader_t *r);

typedef struct idx_warc_writer idx_warc_writer_t;

/* Open (create or append to) a gzip WARC 1.1 file. */
int idx_warc_writer_open(const char *path, idx_warc_writer_t **out, char **errmsg);
/*
 * Append a request/response pair for a fetched URL: the request record
 * (method GET, the headers sent), the response record (status line, headers
 * and body as received), each its own gzip member, with WARC-Target-URI,
 * WARC-Date, WARC-Record-ID (urn:uuid), WARC-Payload-Digest (sha1 base32) and
 * WARC-Block-Digest. *offset receives the response record's offset, usable
 * as the capture reference "FILE#OFFSET". Returns 0 or -1 with *errmsg.
 */
int idx_warc_write_exchange(idx_warc_writer_t *w, const char *uri,
                            int64_t fetched_at, const char *request_headers,
                            const char *response_headers,
                            const unsigned char *body, size_t body_len,
                            int64_t *offset, char **errmsg);
/* Append a resource record (e.g. an imported file). */
int idx_warc_write_resource(idx_warc_writer_t *w, const char *uri,
                            int64_t at, const char *content_type,
                            const unsigned char *body, size_t len,
                            int64_t *offset, char **errmsg);
int idx_warc_writer_close(idx_warc_writer_t *w, char **errmsg);

/* ---- Additions (reader details, digests, HTTP helpers) ---------------- */

/* Largest record block read into memory; a larger record is reported
 * (idx_warc_next returns -1) and skipped. */
#define IDX_WARC_BLOCK_CAP ((size_t)64 << 20)

/*
 * Open a WARC file positioned at a record offset previously returned in
 * idx_warc_record_t.offset or by the writer (a capture reference
 * "FILE#OFFSET"); the next idx_warc_next() returns that record. Offsets of
 * records that do not start their own gzip member (single-stream gzip) are
 * not seekable: the reader says so through idx_warc_warning(). Returns 0 or
 * -1 with *errmsg (malloc'd).
 */
int idx_warc_open_at(const char *path, int64_t offset, idx_warc_reader_t **out,
                     char **errmsg);

/*
 * Non-fatal notices gathered since the previous call (e.g. "gzip members do
 * not follow record boundaries", "chunked encoding did not parse; payload
 * left as stored", "N bytes of garbage skipped"), joined by "; ", or NULL.
 * Owned by the reader; valid until the next call on r.
 */
const char *idx_warc_warning(idx_warc_reader_t *r);

/* Value of a WARC header field of the current record (name compared without
 * case; continuation lines joined by one space), or NULL. Owned by r. */
const char *idx_warc_header(const idx_warc_reader_t *r, const char *name);
/* Value of a header of the current record's HTTP message (response or
 * request block), or NULL. Owned by r. */
const char *idx_warc_http_header(const idx_warc_reader_t *r, const char *name);

/*
 * Check the current record's digests against its bytes. sha1 digests in
 * base32 or hex are understood. Returns 1 when the digest matches, 0 when it
 * does not, -1 when the record has none or it is in an unknown form. The
 * payload digest is accepted when it matches either the body as stored or
 * the de-chunked body (writers differ on this).
 */
int idx_warc_verify_block_digest(const idx_warc_reader_t *r);
int idx_warc_verify_payload_digest(const idx_warc_reader_t *r);

/*
 * The payload is left as stored (only Transfer-Encoding: chunked is removed).
 * This decodes a "Content-Encoding: gzip | x-gzip | deflate" payload of the
 * current record, up to IDX_WARC_BLOCK_CAP bytes; other payloads are copied.
 * *out is malloc'd (caller frees). Returns 0, or -1 with *errmsg (malloc'd).
 */
int idx_warc_payload_decode(const idx_warc_reader_t *r, unsigned char **out,
                            size_t *out_len, char **errmsg);

/* HTTP helpers shared by the reader and the writer. */

/* Find the end of an HTTP header section (CRLF CRLF or LF LF). Returns 1 and
 * *body_off (offset of the first body byte), or 0 when there is none. */
int idx_warc_http_header_end(const unsigned char *p, size_t len, size_t *body_off);
/* Remove chunked transfer coding: in[0..len) decoded into out (which must
 * hold len bytes; in and out may not overlap). Returns 0 and *out_len, or -1
 * when the chunks are malformed or truncated. */
int idx_warc_http_dechunk(const unsigned char *in, size_t len,
                          unsigned char *out, size_t *out_len);
/* Look up header name in a raw header section hdrs[0..len) (status or
 * request line first). Returns a pointer to the value inside hdrs with
 * surrounding blanks trimmed and *vlen set, or NULL. */
const char *idx_warc_http_find(const char *hdrs, size_t len, const char *name,
                               size_t *vlen);

#endif
