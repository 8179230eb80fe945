#!/usr/bin/env python3
"""Regenerate the small WARC/ARC fixtures of tests/unit/test_warc.c.

Every file here is made by this script from text written for the project
(run it from this folder). Files that the writer itself must produce are
made by the unit test at run time instead.
"""
import gzip
import zlib

CRLF = b"\r\n"


def record(fields, block, version=b"WARC/1.0", nl=CRLF, trailer=None):
    head = version + nl
    for name, value in fields:
        head += name + b": " + value + nl
    head += b"Content-Length: " + str(len(block)).encode() + nl + nl
    return head + block + (trailer if trailer is not None else nl + nl)


def member(data):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


HTML = b"<html><head><title>Harbour reopens</title></head><body><p>The harbour reopened.</p></body></html>\n"
CHUNKS = [b"<html><body>Chunked news", b": part two.</", b"body></html>"]
CHUNKED_BODY = b"".join(b"%x;ext=1\r\n" % len(c) + c + b"\r\n" for c in CHUNKS) + b"0\r\n\r\n"
CHUNKED_PAYLOAD = b"".join(CHUNKS)

warcinfo = record([(b"WARC-Type", b"warcinfo"), (b"WARC-Date", b"2024-03-01T10:00:00Z"),
                   (b"WARC-Record-ID", b"<urn:uuid:00000000-0000-4000-8000-000000000001>"),
                   (b"Content-Type", b"application/warc-fields")],
                  b"software: fixture-maker\r\nformat: WARC File Format 1.0\r\n")
http_response = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_BODY)
response = record([(b"WARC-Type", b"response"), (b"WARC-Date", b"2024-03-01T10:00:01Z"),
                   (b"WARC-Record-ID", b"<urn:uuid:00000000-0000-4000-8000-000000000002>"),
                   (b"WARC-Target-URI", b"<http://news.example/harbour?id=7>"),
                   (b"X-Long-Field", b"first part\r\n  continued here"),
                   (b"Content-Type", b"application/http; msgtype=response")],
                  http_response)
resource_lf = record([(b"WARC-Type", b"resource"), (b"WARC-Date", b"2024-03-01T10:00:02Z"),
                      (b"WARC-Record-ID", b"<urn:uuid:00000000-0000-4000-8000-000000000003>"),
                      (b"WARC-Target-URI", b"file:///notes/with spaces.html"),
                      (b"Content-Type", b"text/html")],
                     HTML, version=b"WARC/1.1", nl=b"\n")

good = warcinfo + response + resource_lf
open("good-plain.warc", "wb").write(good)
open("single-stream.warc.gz", "wb").write(gzip.compress(good, mtime=0))
open("members.warc.gz", "wb").write(member(warcinfo) + member(response) + member(resource_lf))

# wrong Content-Length (5 too small) on the response; the resource follows
wrong = bytearray(response)
wrong = wrong.replace(b"Content-Length: " + str(len(http_response)).encode(),
                      b"Content-Length: " + str(len(http_response) - 5).encode())
open("wrong-length.warc", "wb").write(warcinfo + bytes(wrong) + resource_lf)

# truncated: the last record stops 40 bytes into its block
open("truncated.warc", "wb").write(warcinfo + response[:-60])

# a Content-Length of 10^18 followed by a good record
huge = warcinfo.replace(b"Content-Length: 55", b"Content-Length: 1000000000000000000")
assert huge != warcinfo
open("huge-length.warc", "wb").write(huge + resource_lf)

# a broken gzip member between two good ones
m1, m2, m3 = member(warcinfo), bytearray(member(response)), member(resource_lf)
for i in range(20, 40):
    m2[i] ^= 0x55
open("bad-member.warc.gz", "wb").write(m1 + bytes(m2) + m3)

# the last gzip member cut in half
m3 = member(resource_lf)
open("truncated-member.warc.gz", "wb").write(m1 + member(response) + m3[: len(m3) // 2])

# garbage before the first record
open("garbage-start.warc", "wb").write(b"this is not a header line\r\n\x00\x01junk\r\n" + response)

# not a WARC at all, and an empty file
open("not-warc.txt", "wb").write(b"Just some text.\nNothing to see.\n")
open("empty.warc", "wb").write(b"")

# ARC v1: file description, one HTTP capture; and one with a bad length
arc_http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML
desc = b"1 0 Fixture\nURL IP-address Archive-date Content-type Archive-length\n"
arc = (b"filedesc://fixture.arc 127.0.0.1 20240301100000 text/plain " + str(len(desc)).encode() + b"\n" + desc + b"\n"
       + b"http://news.example/arc page.html 192.0.2.1 20240301100500 text/html " + str(len(arc_http)).encode() + b"\n"
       + arc_http + b"\n")
open("capture.arc", "wb").write(arc)
bad_arc = (b"filedesc://fixture.arc 127.0.0.1 20240301100000 text/plain " + str(len(desc)).encode() + b"\n" + desc + b"\n"
           + b"http://news.example/a 192.0.2.1 20240301100500 text/html xyz\n" + arc_http + b"\n"
           + b"http://news.example/b 192.0.2.1 20240301100600 text/html " + str(len(arc_http)).encode() + b"\n"
           + arc_http + b"\n")
open("bad-length.arc", "wb").write(bad_arc)
