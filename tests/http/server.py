#!/usr/bin/env python3
"""A test HTTP server for the fetcher's integration tests.

Serves the feeds and pages under --root (tests/corpora/http) with
"{{BASE}}" replaced by the server's own base URL, and misbehaves on purpose
on dedicated paths. Binds 127.0.0.1 on a free port, prints the port on the
first line of stdout, logs one line per request to --log, and stops by
itself after --lifetime seconds or on SIGTERM.

Paths:
  /feeds/NAME        a feed with ETag and Last-Modified; 304 when the
                     request's If-None-Match or If-Modified-Since matches
  /etag/NAME         the same with an ETag only
  /lm/NAME           the same with a Last-Modified only
  /pages/NAME        an HTML page;  /private/NAME  the same (robots.txt
                     disallows it);  /robots.txt
  /redirect/N        301 to /redirect/N-1 ... /redirect/1 -> /feeds/chain.rss
  /loop/a, /loop/b   302 to each other, forever
  /status/CODE       that status with a small HTML body (503 and 429 send
                     Retry-After: 7200)
  /slow.rss          headers, then one byte every 0.25 s (at most 60 s)
  /big.rss           300,000 bytes with a Content-Length
  /big-stream.rss    300,000 bytes without a length, connection closed at end
  /typed.rss         feeds/typed.rss as Content-Type text/html
  /html.rss          pages/not-a-feed.html where a feed was expected
  /truncated-gzip.rss  feeds/many-items.rss gzipped and cut in half
  /gzip/NAME         feeds/NAME gzip-compressed (Content-Encoding: gzip)
  /wrong-charset.rss feeds/latin1.rss (ISO-8859-1) declared charset=utf-8
  /latin1-undeclared.rss  the same without its XML declaration, the
                     header saying charset=ISO-8859-1
  /to-file           302 to file:///etc/passwd
  /huge-header.rss   a 200 whose headers hold a 300 kB header line
  /reset.rss         promises 20,000 bytes, sends 2,000 of a feed, then
                     resets the connection (RST)

Each /feeds/, /etag/ and /lm/ response waits --delay seconds (0.05) before
its body, so that two overlapping requests to one host would show in the
log's host_inflight count.

Log line: METHOD PATH STATUS host=HOST inflight=N host_inflight=N inm=0|1 ims=0|1 ua="..."
"""
import argparse
import gzip
import struct
import hashlib
import http.server
import os
import select
import signal
import socket
import socketserver
import sys
import threading
import time

LAST_MODIFIED = "Mon, 01 Dec 2025 10:00:00 GMT"
TYPES = {".rss": "application/rss+xml", ".atom": "application/atom+xml",
         ".xml": "application/xml", ".html": "text/html; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}

lock = threading.Lock()
inflight = 0
host_inflight = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsarchive-test/1"
    # headers and body go out in two writes: without this, Nagle's
    # algorithm and delayed ACKs add 40 ms to every response
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet stderr
        pass

    # -- bookkeeping -----------------------------------------------------
    def log_line(self, status):
        line = '%s %s %d host=%s inflight=%d host_inflight=%d inm=%d ims=%d ua="%s"\n' % (
            self.command, self.path, status, self.host(), self.inflight_now,
            self.host_inflight_now, 1 if self.headers.get("If-None-Match") else 0,
            1 if self.headers.get("If-Modified-Since") else 0,
            self.headers.get("User-Agent", ""))
        with lock:
            with open(self.server.log_path, "a") as f:
                f.write(line)

    def host(self):
        return (self.headers.get("Host") or "").split(":")[0]

    def do_GET(self):
        global inflight
        host = self.host()
        with lock:
            inflight += 1
            host_inflight[host] = host_inflight.get(host, 0) + 1
            self.inflight_now = inflight
            self.host_inflight_now = host_inflight[host]
        self.counted = True
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self.done_inflight()

    # -- helpers ---------------------------------------------------------
    def base(self):
        return "http://%s" % (self.headers.get("Host") or
                              "127.0.0.1:%d" % self.server.server_address[1])

    def read(self, rel):
        path = os.path.normpath(os.path.join(self.server.root, rel))
        if not path.startswith(self.server.root + os.sep) or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            data = f.read()
        return data.replace(b"{{BASE}}", self.base().encode())

    def done_inflight(self):
        """The request stops counting as in flight. Called just before the
        last bytes go out, so that a client which waits for a response
        before its next request to this host is never seen overlapping."""
        global inflight
        if not self.counted:
            return
        self.counted = False
        with lock:
            inflight -= 1
            host_inflight[self.host()] -= 1

    def send(self, status, body, ctype="text/html; charset=utf-8", headers=()):
        self.log_line(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.done_inflight()
        self.wfile.write(body)

    def error_page(self, status, headers=()):
        body = ("<html><body><h1>%d</h1><p>Test server error page.</p></body></html>"
                % status).encode()
        self.send(status, body, headers=headers)

    def redirect(self, status, location):
        body = b"<html><body>moved</body></html>"
        self.send(status, body, headers=[("Location", location)])

    def stream(self, ctype, chunks, delay, length=None):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.log_line(200)
        self.end_headers()
        self.close_connection = True
        deadline = time.time() + 60
        for c in chunks:
            if time.time() > deadline or self.client_gone():
                break
            self.wfile.write(c)
            self.wfile.flush()
            if delay:
                time.sleep(delay)

    def client_gone(self):
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            return bool(r) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def conditional(self, data, ctype, etag=True, lastmod=True):
        tag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if etag and inm is not None:
            fresh = tag in [t.strip() for t in inm.split(",")]
        elif lastmod and ims is not None:
            fresh = ims.strip() == LAST_MODIFIED
        headers = []
        if etag:
            headers.append(("ETag", tag))
        if lastmod:
            headers.append(("Last-Modified", LAST_MODIFIED))
        # a little time in flight, so that two overlapping requests to one
        # host would be seen in the log
        if self.server.delay:
            time.sleep(self.server.delay)
        if fresh:
            self.log_line(304)
            self.send_response(304)
            for k, v in headers:
                self.send_header(k, v)
            self.done_inflight()
            self.end_headers()
            return
        self.send(200, data, ctype, headers)

    # -- routes ----------------------------------------------------------
    def route(self):
        p = self.path.split("?", 1)[0]
        parts = [x for x in p.split("/") if x]
        first = parts[0] if parts else ""
        name = "/".join(parts[1:])
        ext = os.path.splitext(p)[1]

        if p == "/robots.txt":
            data = self.read("robots.txt")
            return self.send(200, data, TYPES[".txt"]) if data else self.error_page(404)
        if first in ("feeds", "etag", "lm") and name:
            data = self.read("feeds/" + name)
            if data is None:
                return self.error_page(404)
            return self.conditional(data, TYPES.get(ext, "application/xml"),
                                    etag=first != "lm", lastmod=first != "etag")
        if first in ("pages", "private") and name:
            data = self.read(first + "/" + name)
            return self.send(200, data, TYPES[".html"]) if data else self.error_page(404)
        if first == "redirect" and len(parts) == 2 and parts[1].isdigit():
            n = int(parts[1])
            return self.redirect(301, "/feeds/chain.rss" if n <= 1 else "/redirect/%d" % (n - 1))
        if first == "loop" and len(parts) == 2:
            return self.redirect(302, "/loop/b" if parts[1] == "a" else "/loop/a")
        if first == "status" and len(parts) == 2 and parts[1].isdigit():
            code = int(parts[1])
            extra = [("Retry-After", "7200")] if code in (429, 503) else []
            return self.error_page(code, extra)
        if p == "/slow.rss":
            head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>'
            return self.stream("application/rss+xml", [bytes([c]) for c in head] + [b" "] * 400,
                               0.25, length=100000)
        if p in ("/big.rss", "/big-stream.rss"):
            size = 300000
            head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><description>'
            chunk = b"x" * 8192
            chunks = [head] + [chunk] * (size // len(chunk))
            total = sum(len(c) for c in chunks)
            return self.stream("application/rss+xml", chunks, 0,
                               length=total if p == "/big.rss" else None)
        if p == "/typed.rss":
            return self.send(200, self.read("feeds/typed.rss"), "text/html; charset=utf-8")
        if p == "/html.rss":
            return self.send(200, self.read("pages/not-a-feed.html"), "text/html; charset=utf-8")
        if p == "/truncated-gzip.rss":
            z = gzip.compress(self.read("feeds/many-items.rss"))
            return self.send(200, z[: len(z) // 2], "application/rss+xml",
                             [("Content-Encoding", "gzip")])
        if first == "gzip" and name:
            data = self.read("feeds/" + name)
            if data is None:
                return self.error_page(404)
            return self.send(200, gzip.compress(data), TYPES.get(ext, "application/xml"),
                             [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])
        if p == "/wrong-charset.rss":
            return self.send(200, self.read("feeds/latin1.rss"),
                             "application/rss+xml; charset=utf-8")
        if p == "/latin1-undeclared.rss":
            data = self.read("feeds/latin1.rss").split(b"\n", 1)[1]  # no <?xml ... ?>
            return self.send(200, data, "application/rss+xml; charset=ISO-8859-1")
        if p == "/to-file":
            return self.redirect(302, "file:///etc/passwd")
        if p == "/huge-header.rss":
            self.log_line(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("X-Padding", "a" * 300000)
            self.send_header("Content-Length", "0")
            self.done_inflight()
            self.end_headers()
            return None
        if p == "/reset.rss":
            data = (self.read("feeds/many-items.rss") or b"<rss>") * 10
            self.log_line(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "20000")
            self.done_inflight()
            self.end_headers()
            self.wfile.write(data[:2000])
            self.wfile.flush()
            # SO_LINGER with a zero timeout: close() sends RST, not FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        return self.error_page(404)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=120.0)
    ap.add_argument("--delay", type=float, default=0.05,
                    help="seconds each /feeds/ response waits before its body")
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.root = os.path.realpath(args.root)
    srv.log_path = args.log
    srv.delay = args.delay
    open(args.log, "w").close()

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.lifetime, stop)
    timer.daemon = True
    timer.start()
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
