/*
 * test_warc.c - WARC writer and reader: round trip, seeking by offset,
 * appending, chunked and gzip payloads, ARC files, and every kind of damage
 * the reader must report and recover from (fixtures in tests/corpora/warc,
 * made by make_fixtures.py there; hostile files are generated here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sha1.h"
#include "warc.h"

static char tmpdir[512];
static char corpus[512];

static int setup_dirs(void **state)
{
    (void)state;
    const char *base = getenv("TEST_TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_warc.XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    const char *env = getenv("WARC_CORPUS_DIR");
    if (env != NULL) {
        snprintf(corpus, sizeof corpus, "%s", env);
    } else {
        /* tests/unit/test_warc.c -> tests/corpora/warc */
        snprintf(corpus, sizeof corpus, "%s", __FILE__);
        char *slash = strrchr(corpus, '/');
        if (slash == NULL)
            snprintf(corpus, sizeof corpus, "../corpora/warc");
        else
            snprintf(slash, sizeof corpus - (size_t)(slash - corpus), "/../corpora/warc");
    }
    return 0;
}

static int remove_dirs(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void tmp_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
    unlink(out);
}

static void corpus_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", corpus, name);
}

/* A summary of one file as read. */
typedef struct seen {
    int records, errors;
    char types[32][16];
    char uris[32][128];
    char first_error[512];
    int warnings;
} seen_t;

static void read_all(const char *path, seen_t *s)
{
    memset(s, 0, sizeof *s);
    idx_warc_reader_t *r;
    char *err = NULL;
    if (idx_warc_open(path, &r, &err) != 0) {
        s->errors = 1;
        snprintf(s->first_error, sizeof s->first_error, "%s", err);
        free(err);
        return;
    }
    for (int guard = 0; guard < 1000; guard++) {
        const idx_warc_record_t *rec;
        int ret = idx_warc_next(r, &rec, &err);
        if (idx_warc_warning(r) != NULL)
            s->warnings++;
        if (ret == 0)
            break;
        if (ret < 0) {
            if (s->errors++ == 0)
                snprintf(s->first_error, sizeof s->first_error, "%s", err);
            free(err);
            continue;
        }
        if (s->records < 32) {
            snprintf(s->types[s->records], 16, "%s", rec->type ? rec->type : "");
            snprintf(s->uris[s->records], 128, "%s", rec->target_uri ? rec->target_uri : "");
        }
        s->records++;
    }
    idx_warc_close(r);
}

/* ---- SHA-1 and base32 ------------------------------------------------------ */

static void test_sha1_base32_matches_known_digests(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *b32;
    } cases[] = {
        {"", "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"},
        {"abc", "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"},
        {"The quick brown fox jumps over the lazy dog", "F7KODRT2FUUPZ3MET3Q3W5XHHENZH2YS"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "QSMD4RA4HPJG5OVOJKQ7SUJJ4XSUM4HR"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[IDX_SHA1_BASE32_SIZE];
        idx_sha1_base32(cases[i].in, strlen(cases[i].in), out);
        assert_string_equal(out, cases[i].b32);
    }
    /* fed in odd pieces, the digest is the same */
    const char *text = cases[3].in;
    idx_sha1_t c;
    unsigned char d[IDX_SHA1_LEN];
    char out[IDX_SHA1_BASE32_SIZE];
    idx_sha1_init(&c);
    for (size_t i = 0; i < strlen(text); i += 7)
        idx_sha1_update(&c, text + i, strlen(text + i) < 7 ? strlen(text + i) : 7);
    idx_sha1_final(&c, d);
    idx_base32_encode(d, sizeof d, out, sizeof out);
    assert_string_equal(out, cases[3].b32);
}

/* ---- writer + reader round trip -------------------------------------------------- */

typedef struct exchange {
    const char *uri;
    int64_t at;
    const char *date;
    const char *req;
    const char *resp;
    const char *body;
    size_t body_len;
    int status;
} exchange_t;

static const exchange_t exchanges[] = {
    {"http://example.com/news/a.html", 1700000000, "2023-11-14T22:13:20Z",
     "User-Agent: newsarchive-test\r\n", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
     "<html><title>A</title><p>First story.</p></html>", 47, 200},
    {"https://example.org/feed.xml?x=1", 0, "1970-01-01T00:00:00Z", NULL,
     "HTTP/1.1 302 Found\r\nLocation: /f\r\n\r\nHTTP/1.1 200 OK\nContent-Type: application/rss+xml\n",
     "<rss>\0binary\0</rss>", 19, 200},
    {"http://example.com/unchanged", 1600000000, "2020-09-13T12:26:40Z",
     "GET /unchanged HTTP/1.1\r\nHost: example.com\r\n", "HTTP/1.1 304 Not Modified\r\n\r\n", "",
     0, 304},
};

static void test_written_records_read_back_identically(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "roundtrip.warc.gz");
    idx_warc_writer_t *w;
    char *err = NULL;
    int64_t offsets[3];
    assert_int_equal(idx_warc_writer_open(path, &w, &err), 0);
    for (int i = 0; i < 3; i++) {
        const exchange_t *x = &exchanges[i];
        assert_int_equal(idx_warc_write_exchange(w, x->uri, x->at, x->req, x->resp,
                                                 (const unsigned char *)x->body, x->body_len,
                                                 &offsets[i], &err), 0);
    }
    assert_int_equal(idx_warc_writer_close(w, &err), 0);

    idx_warc_reader_t *r;
    assert_int_equal(idx_warc_open(path, &r, &err), 0);
    const idx_warc_record_t *rec;
    assert_int_equal(idx_warc_next(r, &rec, &err), 1);
    assert_string_equal(rec->type, "warcinfo");
    assert_int_equal(rec->offset, 0);
    assert_non_null(strstr((const char *)rec->block, "software: newsarchive"));
    assert_non_null(strstr((const char *)rec->block, "format: WARC File Format 1.1"));
    for (int i = 0; i < 3; i++) {
        const exchange_t *x = &exchanges[i];
        char req_id[128];
        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
        assert_string_equal(rec->type, "request");
        assert_string_equal(rec->target_uri, x->uri);
        assert_string_equal(rec->date, x->date);
        assert_string_equal(rec->content_type, "application/http;msgtype=request");
        assert_int_equal(idx_warc_verify_block_digest(r), 1);
        assert_non_null(idx_warc_http_header(r, "Host"));
        snprintf(req_id, sizeof req_id, "%s", rec->record_id);

        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
        assert_string_equal(rec->type, "response");
        assert_string_equal(rec->target_uri, x->uri);
        assert_string_equal(rec->date, x->date);
        assert_int_equal(rec->http_status, x->status);
        assert_int_equal(rec->offset, offsets[i]);
        assert_int_equal(rec->payload_len, x->body_len);
        assert_memory_equal(rec->payload, x->body, x->body_len);
        assert_int_equal(idx_warc_verify_payload_digest(r), 1);
        assert_int_equal(idx_warc_verify_block_digest(r), 1);
        assert_string_equal(idx_warc_header(r, "WARC-Concurrent-To"), req_id);
        /* urn:uuid v4 in angle brackets */
        assert_int_equal(strlen(rec->record_id), 47);
        assert_memory_equal(rec->record_id, "<urn:uuid:", 10);
        assert_int_equal(rec->record_id[10 + 14], '4');
        assert_non_null(strchr("89ab", rec->record_id[10 + 19]));
        assert_null(idx_warc_warning(r));
    }
    assert_int_equal(idx_warc_next(r, &rec, &err), 0);
    idx_warc_close(r);

    /* each offset leads a fresh reader straight to its response */
    for (int i = 2; i >= 0; i--) {
        assert_int_equal(idx_warc_open_at(path, offsets[i], &r, &err), 0);
        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
        assert_string_equal(rec->type, "response");
        assert_string_equal(rec->target_uri, exchanges[i].uri);
        assert_memory_equal(rec->payload, exchanges[i].body, exchanges[i].body_len);
        idx_warc_close(r);
    }
}

static void test_file_is_one_gzip_member_per_record(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "members.warc.gz");
    idx_warc_writer_t *w;
    char *err = NULL;
    int64_t off;
    assert_int_equal(idx_warc_writer_open(path, &w, &err), 0);
    assert_int_equal(idx_warc_write_resource(w, "file:///a.txt", 1700000000, "text/plain",
                                             (const unsigned char *)"abc", 3, &off, &err), 0);
    assert_int_equal(idx_warc_writer_close(w, &err), 0);
    /* the resource member starts with a gzip header, and inflating from
     * there stops at the end of that record */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(off > 0 && (size_t)off + 3 < n);
    assert_int_equal(buf[off], 0x1f);
    assert_int_equal(buf[off + 1], 0x8b);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(inflateInit2(&zs, 31), Z_OK);
    unsigned char out[4096];
    zs.next_in = buf + off;
    zs.avail_in = (uInt)(n - (size_t)off);
    zs.next_out = out;
    zs.avail_out = sizeof out - 1;
    assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
    assert_int_equal(zs.avail_in, 0); /* last member ends the file */
    out[sizeof out - 1 - zs.avail_out] = '\0';
    inflateEnd(&zs);
    assert_memory_equal(out, "WARC/1.1\r\nWARC-Type: resource\r\n", 31);
    assert_non_null(strstr((char *)out, "\r\n\r\nabc\r\n\r\n"));
}

static void test_appending_keeps_one_warcinfo(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "append.warc.gz");
    char *err = NULL;
    for (int session = 0; session < 3; session++) {
        idx_warc_writer_t *w;
        assert_int_equal(idx_warc_writer_open(path, &w, &err), 0);
        char uri[64];
        snprintf(uri, sizeof uri, "http://example.com/%d", session);
        assert_int_equal(idx_warc_write_resource(w, uri, 1700000000 + session, NULL,
                                                 (const unsigned char *)"x", 1, NULL, &err), 0);
        assert_int_equal(idx_warc_writer_close(w, &err), 0);
    }
    seen_t s;
    read_all(path, &s);
    assert_int_equal(s.errors, 0);
    assert_int_equal(s.records, 4);
    assert_string_equal(s.types[0], "warcinfo");
    for (int i = 1; i < 4; i++) {
        char uri[64];
        snprintf(uri, sizeof uri, "http://example.com/%d", i - 1);
        assert_string_equal(s.types[i], "resource");
        assert_string_equal(s.uris[i], uri);
    }
}

static void test_writer_refuses_to_append_to_a_non_gzip_file(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "plain.txt");
    FILE *f = fopen(path, "w");
    fputs("hello\n", f);
    fclose(f);
    idx_warc_writer_t *w;
    char *err = NULL;
    assert_int_equal(idx_warc_writer_open(path, &w, &err), -1);
    assert_non_null(strstr(err, "not a gzip WARC"));
    free(err);
}

static void test_writer_rejects_unsafe_uris_and_missing_status_lines(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "reject.warc.gz");
    idx_warc_writer_t *w;
    char *err = NULL;
    assert_int_equal(idx_warc_writer_open(path, &w, &err), 0);
    static const struct {
        const char *uri, *resp;
    } bad[] = {
        {"http://x/\r\nWARC-Type: evil", "HTTP/1.1 200 OK\r\n\r\n"},
        {"", "HTTP/1.1 200 OK\r\n\r\n"},
        {"http://x/", "Content-Type: text/html\r\n\r\n"},
        {"http://x/", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(idx_warc_write_exchange(w, bad[i].uri, 0, NULL, bad[i].resp,
                                                 (const unsigned char *)"b", 1, NULL, &err), -1);
        assert_non_null(err);
        free(err);
        err = NULL;
    }
    assert_int_equal(idx_warc_writer_close(w, &err), 0);
    seen_t s;
    read_all(path, &s);
    assert_int_equal(s.records, 1); /* the warcinfo only */
}

static void test_encodings_the_body_no_longer_has_are_renamed(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "decoded.warc.gz");
    idx_warc_writer_t *w;
    char *err = NULL;
    const char *body = "<p>already de-chunked and decoded</p>";
    assert_int_equal(idx_warc_writer_open(path, &w, &err), 0);
    assert_int_equal(idx_warc_write_exchange(w, "http://example.com/x", 1700000000, NULL,
                                             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                                             "Content-Encoding: gzip\r\n\r\n",
                                             (const unsigned char *)body, strlen(body), NULL, &err),
                     0);
    assert_int_equal(idx_warc_writer_close(w, &err), 0);
    idx_warc_reader_t *r;
    const idx_warc_record_t *rec;
    assert_int_equal(idx_warc_open(path, &r, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
    assert_string_equal(rec->type, "response");
    assert_null(idx_warc_http_header(r, "Transfer-Encoding"));
    assert_null(idx_warc_http_header(r, "Content-Encoding"));
    assert_string_equal(idx_warc_http_header(r, "X-Archive-Orig-Transfer-Encoding"), "chunked");
    assert_string_equal(idx_warc_http_header(r, "X-Archive-Orig-Content-Encoding"), "gzip");
    assert_memory_equal(rec->payload, body, strlen(body));
    assert_null(idx_warc_warning(r));
    idx_warc_close(r);
}

static void test_gzip_content_encoding_is_kept_and_decodable(void **state)
{
    (void)state;
    const char *text = "<html><p>Compressed article text, compressed article text.</p></html>";
    unsigned char gz[512];
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)text;
    zs.avail_in = (uInt)strlen(text);
    zs.next_out = gz;
    zs.avail_out = sizeof gz;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t gz_len = sizeof gz - zs.avail_out;
    deflateEnd(&zs);

    char path[600];
    tmp_path(path, sizeof path, "encoded.warc.gz");
    idx_warc_writer_t *w;
    char *err = NULL;
    int64_t off;
    assert_int_equal(idx_warc_writer_open(path, &w, &err), 0);
    assert_int_equal(idx_warc_write_exchange(w, "http://example.com/gz", 1700000000, NULL,
                                             "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n",
                                             gz, gz_len, &off, &err), 0);
    assert_int_equal(idx_warc_writer_close(w, &err), 0);
    idx_warc_reader_t *r;
    const idx_warc_record_t *rec;
    assert_int_equal(idx_warc_open_at(path, off, &r, &err), 0);
    assert_int_equal(idx_warc_next(r, &rec, &err), 1);
    assert_string_equal(idx_warc_http_header(r, "Content-Encoding"), "gzip");
    assert_int_equal(rec->payload_len, gz_len); /* left as stored */
    unsigned char *dec;
    size_t dec_len;
    assert_int_equal(idx_warc_payload_decode(r, &dec, &dec_len, &err), 0);
    assert_int_equal(dec_len, strlen(text));
    assert_memory_equal(dec, text, dec_len);
    free(dec);
    idx_warc_close(r);
}

/* ---- reading fixtures -------------------------------------------------------- */

static void test_chunked_continuation_brackets_and_lf_only_are_understood(void **state)
{
    (void)state;
    static const char *files[] = {"good-plain.warc", "members.warc.gz", "single-stream.warc.gz"};
    for (size_t f = 0; f < 3; f++) {
        char path[600];
        corpus_path(path, sizeof path, files[f]);
        idx_warc_reader_t *r;
        const idx_warc_record_t *rec;
        char *err = NULL;
        assert_int_equal(idx_warc_open(path, &r, &err), 0);
        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
        assert_string_equal(rec->type, "warcinfo");
        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
        assert_string_equal(rec->type, "response");
        assert_string_equal(rec->target_uri, "http://news.example/harbour?id=7");
        assert_string_equal(rec->http_content_type, "text/html; charset=utf-8");
        assert_int_equal(rec->http_status, 200);
        const char *want = "<html><body>Chunked news: part two.</body></html>";
        assert_int_equal(rec->payload_len, strlen(want));
        assert_memory_equal(rec->payload, want, strlen(want));
        assert_string_equal(idx_warc_header(r, "X-Long-Field"), "first part continued here");
        int64_t response_offset = rec->offset;
        assert_int_equal(idx_warc_next(r, &rec, &err), 1);
        assert_string_equal(rec->type, "resource");
        assert_string_equal(rec->target_uri, "file:///notes/with spaces.html");
        assert_string_equal(rec->date, "2024-03-01T10:00:02Z");
        assert_non_null(strstr((const char *)rec->payload, "Harbour reopens"));
        assert_int_equal(idx_warc_next(r, &rec, &err), 0);
        const char *w = idx_warc_warning(r);
        if (f == 2)
            assert_non_null(w != NULL ? strstr(w, "cannot be used to seek") : NULL);
        idx_warc_close(r);
        if (f == 1) {
            /* member offsets are exact: seek back to the response */
            assert_int_equal(idx_warc_open_at(path, response_offset, &r, &err), 0);
            assert_int_equal(idx_warc_next(r, &rec, &err), 1);
            assert_string_equal(rec->type, "response");
            idx_warc_close(r);
        }
    }
}

static void test_arc_files_are_read_as_response_records(void **state)
{
    (void)state;
    char path[600];
    corpus_path(path, sizeof path, "capture.arc");
    idx_warc_reader_t *r;
    const idx_warc_record_t *rec;
    char *err = NULL;
    assert_int_equal(idx_warc_open(path, &r, &err), 0);
    assert_int_equal(idx_warc_next(r, &rec, &err), 1);
    assert_string_equal(rec->type, "warcinfo");
    assert_int_equal(idx_warc_next(r, &rec, &err), 1);
    assert_string_equal(rec->type, "response");
    assert_string_equal(rec->target_uri, "http://news.example/arc page.html");
    assert_string_equal(rec->date, "2024-03-01T10:05:00Z");
    assert_int_equal(rec->http_status, 200);
    assert_string_equal(rec->http_content_type, "text/html");
    assert_non_null(strstr((const char *)rec->payload, "The harbour reopened."));
    assert_int_equal(idx_warc_next(r, &rec, &err), 0);
    idx_warc_close(r);
}

typedef struct broken_case {
    const char *file;
    int open_fails;
    int records;
    int min_errors;
    const char *message;    /* expected in the first error */
    const char *last_uri;   /* URI of the last record read (after resync) */
} broken_case_t;

static void test_broken_files_are_reported_and_recovered(void **state)
{
    (void)state;
    static const broken_case_t cases[] = {
        {"empty.warc", 1, 0, 1, "empty file", NULL},
        {"not-warc.txt", 1, 0, 1, "not a WARC or ARC file", NULL},
        {"truncated.warc", 0, 1, 1, "record at offset 249: Content-Length 175 runs past the end", NULL},
        {"wrong-length.warc", 0, 2, 1, "record at offset 249: block of Content-Length",
         "file:///notes/with spaces.html"},
        {"huge-length.warc", 0, 1, 1, "Content-Length 1000000000000000000 runs past",
         "file:///notes/with spaces.html"},
        {"bad-member.warc.gz", 0, 2, 1, "bad gzip member at offset 195",
         "file:///notes/with spaces.html"},
        {"truncated-member.warc.gz", 0, 2, 1, "gzip member at offset 526 is truncated",
         "http://news.example/harbour?id=7"},
        {"garbage-start.warc", 0, 1, 1, "record at offset 0: expected a WARC/1.0 or WARC/1.1",
         "http://news.example/harbour?id=7"},
        {"bad-length.arc", 0, 2, 1, "bad ARC record length \"xyz\"", "http://news.example/b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const broken_case_t *c = &cases[i];
        char path[600];
        corpus_path(path, sizeof path, c->file);
        seen_t s;
        read_all(path, &s);
        print_message("%s: %d records, %d errors: %s\n", c->file, s.records, s.errors,
                      s.first_error);
        assert_int_equal(s.records, c->records);
        assert_true(s.errors >= c->min_errors);
        assert_non_null(strstr(s.first_error, c->message));
        assert_non_null(strstr(s.first_error, path)); /* names the file */
        if (c->last_uri != NULL)
            assert_string_equal(s.uris[s.records - 1], c->last_uri);
    }
}

/* ---- hostile input ------------------------------------------------------------- */

static const char good_record[] =
    "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://ok.example/\r\n"
    "Content-Length: 5\r\n\r\nhello\r\n\r\n";

static void write_file(const char *path, const char *prefix, size_t filler_len, int filler,
                       const char *suffix)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(prefix, f);
    for (size_t i = 0; i < filler_len; i++)
        fputc(filler, f);
    fputs(suffix, f);
    fclose(f);
}

static void test_hostile_headers_and_lengths_are_bounded(void **state)
{
    (void)state;
    static const struct {
        const char *name, *prefix;
        size_t filler_len;
        int filler;
        const char *suffix, *message;
    } cases[] = {
        {"long-line.warc", "WARC/1.0\r\nX-Long: ", (size_t)10 << 20, 'a', "\r\n\r\n",
         "header line longer than"},
        {"nuls.warc", good_record, (size_t)1 << 20, 0, "\r\n", "expected a WARC/1.0"},
        {"nul-header.warc", "WARC/1.0\r\nWARC-Type: re", 3, 0, "source\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
         "NUL byte"},
        {"many-fields.warc", "WARC/1.0\r\n", 20000 * 5, 'X', "", NULL},
        {"bad-length.warc", "WARC/1.0\r\nContent-Length: -5\r\n\r\n", 0, 0, "", "bad Content-Length"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[600];
        tmp_path(path, sizeof path, cases[i].name);
        if (strcmp(cases[i].name, "many-fields.warc") == 0) {
            FILE *f = fopen(path, "wb");
            fputs("WARC/1.0\r\n", f);
            for (int k = 0; k < 20000; k++)
                fprintf(f, "X-%d: v\r\n", k);
            fputs("Content-Length: 0\r\n\r\n\r\n\r\n", f);
            fputs(good_record, f);
            fclose(f);
        } else {
            char suffix[512];
            snprintf(suffix, sizeof suffix, "%s%s", cases[i].suffix, good_record);
            write_file(path, cases[i].prefix, cases[i].filler_len, cases[i].filler, suffix);
        }
        seen_t s;
        read_all(path, &s);
        print_message("%s: %d records, %d errors: %s\n", cases[i].name, s.records, s.errors,
                      s.first_error);
        assert_true(s.errors >= 1);
        if (cases[i].message != NULL)
            assert_non_null(strstr(s.first_error, cases[i].message));
        else
            assert_non_null(strstr(s.first_error, "header fields"));
        assert_true(s.records >= 1);
        assert_string_equal(s.uris[s.records - 1], "http://ok.example/");
    }
}

static void test_huge_length_in_a_gzip_member_skips_to_the_next_record(void **state)
{
    (void)state;
    char path[600];
    tmp_path(path, sizeof path, "huge.warc.gz");
    static const char *parts[] = {
        "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 999999999999999999\r\n\r\nshort\r\n\r\n",
        good_record,
    };
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 2; i++) {
        unsigned char out[1024];
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
        zs.next_in = (unsigned char *)parts[i];
        zs.avail_in = (uInt)strlen(parts[i]);
        zs.next_out = out;
        zs.avail_out = sizeof out;
        assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
        fwrite(out, 1, sizeof out - zs.avail_out, f);
        deflateEnd(&zs);
    }
    fclose(f);
    seen_t s;
    read_all(path, &s);
    assert_int_equal(s.errors, 1);
    assert_non_null(strstr(s.first_error, "over the"));
    assert_int_equal(s.records, 1);
    assert_string_equal(s.uris[0], "http://ok.example/");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_base32_matches_known_digests),
        cmocka_unit_test(test_written_records_read_back_identically),
        cmocka_unit_test(test_file_is_one_gzip_member_per_record),
        cmocka_unit_test(test_appending_keeps_one_warcinfo),
        cmocka_unit_test(test_writer_refuses_to_append_to_a_non_gzip_file),
        cmocka_unit_test(test_writer_rejects_unsafe_uris_and_missing_status_lines),
        cmocka_unit_test(test_encodings_the_body_no_longer_has_are_renamed),
        cmocka_unit_test(test_gzip_content_encoding_is_kept_and_decodable),
        cmocka_unit_test(test_chunked_continuation_brackets_and_lf_only_are_understood),
        cmocka_unit_test(test_arc_files_are_read_as_response_records),
        cmocka_unit_test(test_broken_files_are_reported_and_recovered),
        cmocka_unit_test(test_hostile_headers_and_lengths_are_bounded),
        cmocka_unit_test(test_huge_length_in_a_gzip_member_skips_to_the_next_record),
    };
    return cmocka_run_group_tests(tests, setup_dirs, remove_dirs);
}
