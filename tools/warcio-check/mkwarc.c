/*
 * mkwarc - write a test WARC with the indexer's writer, and the records an
 * independent reader should find in it as JSON, for run-check.sh.
 *
 * usage: mkwarc OUT.warc.gz EXPECTED.json
 * The file is written in two sessions (the second appends), and holds
 * fetches with an HTML body, a binary body with NULs, an empty 304 body, a
 * body that was de-chunked before storage, a large body, and a resource.
 */
#include "warc.h"
#include "sha1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct fetch {
    const char *uri;
    int64_t at;
    const char *request_headers;
    const char *response_headers;
    const unsigned char *body;
    size_t body_len;
} fetch_t;

static FILE *expected;
static int nexpected;

static void expect(const char *type, const char *uri, int64_t at, size_t payload_len,
                   const unsigned char *payload, int64_t offset)
{
    char date[32] = "";
    struct tm tm;
    time_t t = (time_t)at;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(expected, "%s {\"type\": \"%s\"", nexpected++ ? "," : "", type);
    if (uri != NULL)
        fprintf(expected, ", \"uri\": \"%s\", \"date\": \"%s\", \"payloadLength\": %zu", uri,
                date, payload_len);
    if (payload != NULL) {
        char b32[IDX_SHA1_BASE32_SIZE];
        idx_sha1_base32(payload, payload_len, b32);
        fprintf(expected, ", \"payloadDigest\": \"sha1:%s\"", b32);
    }
    if (offset >= 0)
        fprintf(expected, ", \"offset\": %lld", (long long)offset);
    fprintf(expected, "}\n");
}

static int write_fetch(idx_warc_writer_t *w, const fetch_t *f)
{
    char *err = NULL;
    int64_t off = -1;
    if (idx_warc_write_exchange(w, f->uri, f->at, f->request_headers, f->response_headers,
                                f->body, f->body_len, &off, &err) != 0) {
        fprintf(stderr, "mkwarc: %s\n", err);
        free(err);
        return -1;
    }
    expect("request", f->uri, f->at, 0, NULL, -1);
    expect("response", f->uri, f->at, f->body_len, f->body, off);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkwarc OUT.warc.gz EXPECTED.json\n");
        return 2;
    }
    unlink(argv[1]);
    expected = fopen(argv[2], "w");
    if (expected == NULL) {
        perror(argv[2]);
        return 1;
    }
    fprintf(expected, "[\n");

    static const char html[] =
        "<!doctype html><html><head><title>Council approves budget</title></head>"
        "<body><p>The council approved the budget on Monday.</p></body></html>\n";
    static const unsigned char binary[] = {0x89, 'P', 'N', 'G', 0, 0, 0, 13, 0, 0xff, 0xfe, 0, '\r', '\n'};
    size_t big_len = 300000;
    unsigned char *big = malloc(big_len);
    if (big == NULL)
        return 1;
    unsigned s = 12345;
    for (size_t i = 0; i < big_len; i++) {
        s = s * 1103515245u + 12345u;
        big[i] = (unsigned char)(i % 3 ? 'a' + (s >> 16) % 26 : ' ');
    }

    fetch_t first[] = {
        {"http://example.com/news/budget.html", 1700000000,
         "User-Agent: newsarchive/0.1\r\nAccept: text/html\r\n",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 142\r\n\r\n",
         (const unsigned char *)html, sizeof html - 1},
        {"https://example.org/img/logo.png?size=2", 1700000005, NULL,
         "HTTP/1.1 301 Moved\r\nLocation: /img/logo.png?size=2\r\n\r\n"
         "HTTP/1.1 200 OK\nContent-Type: image/png\n\n",
         binary, sizeof binary},
        {"http://example.com/feed.xml", 1700000010,
         "GET /feed.xml HTTP/1.1\r\nHost: example.com\r\nIf-None-Match: \"abc\"\r\n",
         "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n", NULL, 0},
    };
    fetch_t second[] = {
        {"http://example.com/news/chunked.html", 1700000100, "Accept: */*\r\n",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
         "Content-Encoding: gzip\r\n\r\n",
         (const unsigned char *)html, sizeof html - 1},
        {"http://example.com/news/long.html", 1700000200, "Accept: */*\r\n",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", big, big_len},
    };

    idx_warc_writer_t *w;
    char *err = NULL;
    if (idx_warc_writer_open(argv[1], &w, &err) != 0) {
        fprintf(stderr, "mkwarc: %s\n", err);
        return 1;
    }
    expect("warcinfo", NULL, 0, 0, NULL, 0);
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
        if (write_fetch(w, &first[i]) != 0)
            return 1;
    if (idx_warc_writer_close(w, &err) != 0) {
        fprintf(stderr, "mkwarc: %s\n", err);
        return 1;
    }
    /* second session appends: no new warcinfo */
    if (idx_warc_writer_open(argv[1], &w, &err) != 0) {
        fprintf(stderr, "mkwarc: %s\n", err);
        return 1;
    }
    for (size_t i = 0; i < sizeof second / sizeof second[0]; i++)
        if (write_fetch(w, &second[i]) != 0)
            return 1;
    static const char note[] = "Imported from a local file.\n";
    int64_t off;
    if (idx_warc_write_resource(w, "file:///home/user/clip.txt", 1700000300, "text/plain",
                                (const unsigned char *)note, sizeof note - 1, &off, &err) != 0) {
        fprintf(stderr, "mkwarc: %s\n", err);
        return 1;
    }
    expect("resource", "file:///home/user/clip.txt", 1700000300, sizeof note - 1,
           (const unsigned char *)note, off);
    if (idx_warc_writer_close(w, &err) != 0) {
        fprintf(stderr, "mkwarc: %s\n", err);
        return 1;
    }
    fprintf(expected, "]\n");
    fclose(expected);
    free(big);
    return 0;
}
