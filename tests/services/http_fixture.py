#!/usr/bin/python3
"""HTTP/1.1 fixture server for the vocloud data-manager tests.

Serves the directory ROOT on 127.0.0.1 (ephemeral port unless --port) and
answers under a few special path prefixes that imitate misbehaving servers:

  /<path>                 the file, with Content-Length, ETag, Last-Modified;
                          Range (bytes=a-b, a-, -n) -> 206, If-Range honoured,
                          unsatisfiable -> 416, If-None-Match -> 304
  /status/<code>/<path>   always answers <code> (e.g. 404, 500)
  /flaky/<n>/<path>       503 for the first n requests of that URL, then serves
  /slow/<ms>/<path>       sends the body in small chunks spread over ~ms
  /drop/<path>            headers + half the body, then closes the connection
  /badlength/<path>       Content-Length larger than the body, then closes
  /auth/<path>            HTTP Basic auth (--auth user:pass), 401 otherwise
  /index/<dir>/           HTML index of <dir> with relative hrefs; the files
                          themselves are served under /index/<dir>/<name>
  /__ping                 200 "ok" (readiness probe; not logged)

Hostile endpoints (what a malicious or broken server does):
  /redirect?to=<url>      302 to <url>, any scheme (file://, gopher://, dict://)
  /nolength/<path>        the file without Content-Length (ends by closing)
  /endless/<path>         the file, then zero bytes forever, no Content-Length
  /drip/<ms>/<path>       one byte of the file every <ms> ms, then zeros forever
  /gzipbomb/<mib>/<name>  a gzip stream that inflates to <mib> MiB of zeros
  /padded/<mib>/<path>    an XML file with <mib> MiB of comments (64 KiB each) after
                          its prolog (with Content-Length): a huge but valid document
--sink-port-file F starts a raw TCP listener that accepts anything and logs
each connection and its bytes to --sink-log (to show that nothing connects).

Prefixes compose, outermost first: /auth/flaky/2/slow/300/a.fits.
/drop and /badlength damage only full (non-Range) responses, so a client
can resume a dropped download with a Range request.

Every request is logged to --log as one tab-separated line:
  METHOD  PATH  STATUS  RANGE-HEADER-or--  BYTES-SENT
Standard library only; run with /usr/bin/python3.  SIGTERM stops it cleanly.
"""

import argparse
import base64
import email.utils
import html
import mimetypes
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mimetypes.add_type("application/fits", ".fits")
mimetypes.add_type("application/fits", ".fit")
mimetypes.add_type("application/fits", ".fts")
mimetypes.add_type("application/x-votable+xml", ".vot")
mimetypes.add_type("text/csv", ".csv")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vocloud-fixture/1.0"

    # ---- plumbing -------------------------------------------------------

    def log_message(self, fmt, *args):  # silence stderr access log
        pass

    def _log(self, status, sent):
        if self.path == "/__ping" or not self.server.log_path:
            return
        line = "%s\t%s\t%d\t%s\t%d\n" % (
            self.command, self.path, status,
            self.headers.get("Range", "-"), sent)
        with self.server.lock:
            with open(self.server.log_path, "a") as f:
                f.write(line)

    def _simple(self, status, text, extra=()):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        sent = 0
        if self.command != "HEAD":
            self.wfile.write(body)
            sent = len(body)
        self._log(status, sent)

    def _close_now(self):
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ---- dispatch -------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/__ping":
            return self._simple(200, "ok")
        if path == "/redirect":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            return self._simple(302, "redirect", [("Location", query["to"][0])])
        parts = [p for p in path.split("/") if p]
        mode, slow_ms = None, 0
        if parts and parts[0] == "gzipbomb" and len(parts) >= 3 and parts[1].isdigit():
            return self._gzip_bomb(int(parts[1]))
        if parts and parts[0] == "padded" and len(parts) >= 3 and parts[1].isdigit():
            return self._padded(parts[2:], int(parts[1]))
        while parts:
            head = parts[0]
            if head == "status" and len(parts) >= 2 and parts[1].isdigit():
                return self._simple(int(parts[1]), "status %s" % parts[1])
            if head == "flaky" and len(parts) >= 2 and parts[1].isdigit():
                with self.server.lock:
                    n = self.server.flaky.get(path, 0)
                    self.server.flaky[path] = n + 1
                if n < int(parts[1]):
                    return self._simple(503, "flaky: failure %d of %s"
                                        % (n + 1, parts[1]))
                parts = parts[2:]
            elif head == "slow" and len(parts) >= 2 and parts[1].isdigit():
                slow_ms, parts = int(parts[1]), parts[2:]
            elif head in ("drop", "badlength", "nolength", "endless"):
                mode, parts = head, parts[1:]
            elif head == "drip" and len(parts) >= 2 and parts[1].isdigit():
                return self._drip(parts[2:], int(parts[1]))
            elif head == "auth":
                if not self._authorised():
                    return self._simple(401, "authentication required", [
                        ("WWW-Authenticate",
                         'Basic realm="vocloud-fixture"')])
                parts = parts[1:]
            elif head == "index":
                return self._index_or_file(parts[1:], mode, slow_ms)
            else:
                break
        return self._file(parts, mode, slow_ms)

    def _authorised(self):
        got = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(self.server.auth.encode()).decode()
        return got == want

    def _resolve(self, parts):
        """Path under the root, or None if it escapes it or does not exist."""
        if any(p in ("..", ".") for p in parts):
            return None
        full = os.path.realpath(os.path.join(self.server.root, *parts))
        if full != self.server.root and not full.startswith(
                self.server.root + os.sep):
            return None
        return full if os.path.exists(full) else None

    def _index_or_file(self, parts, mode, slow_ms):
        full = self._resolve(parts)
        if full is None:
            return self._simple(404, "not found")
        if os.path.isfile(full):
            return self._file(parts, mode, slow_ms)
        if not self.path.split("?")[0].endswith("/"):
            # relative links need the trailing slash
            return self._simple(301, "moved", [
                ("Location", self.path.split("?")[0] + "/")])
        names = sorted(os.listdir(full))
        rows = ['<li><a href="../">Parent Directory</a></li>']
        for name in names:
            label = name + ("/" if os.path.isdir(os.path.join(full, name))
                            else "")
            rows.append('<li><a href="%s">%s</a></li>' % (
                urllib.parse.quote(label), html.escape(label)))
        title = "Index of /" + "/".join(parts)
        page = ("<!DOCTYPE html>\n<html><head><title>%s</title></head>\n"
                "<body><h1>%s</h1>\n<ul>\n%s\n</ul></body></html>\n") % (
                    html.escape(title), html.escape(title), "\n".join(rows))
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log(200, 0 if self.command == "HEAD" else len(body))

    # ---- files ----------------------------------------------------------

    def _file(self, parts, mode, slow_ms):
        full = self._resolve(parts)
        if full is None or not os.path.isfile(full):
            return self._simple(404, "not found")
        st = os.stat(full)
        size = st.st_size
        etag = '"%x-%x"' % (size, st.st_mtime_ns)
        headers = [
            ("Content-Type",
             mimetypes.guess_type(full)[0] or "application/octet-stream"),
            ("ETag", etag),
            ("Last-Modified", email.utils.formatdate(st.st_mtime,
                                                     usegmt=True)),
            ("Accept-Ranges", "bytes"),
        ]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return self._log(304, 0)

        start, end, status = 0, size - 1, 200
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and (if_range is None or if_range == etag):
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            if not m or m.groups() == ("", ""):
                return self._simple(416, "bad range", [
                    ("Content-Range", "bytes */%d" % size)])
            a, b = m.groups()
            if a == "":                      # suffix: last b bytes
                start, end = max(0, size - int(b)), size - 1
            else:
                start = int(a)
                end = min(int(b), size - 1) if b else size - 1
            if start >= size or start > end:
                return self._simple(416, "range not satisfiable", [
                    ("Content-Range", "bytes */%d" % size)])
            status = 206
            headers.append(("Content-Range",
                            "bytes %d-%d/%d" % (start, end, size)))

        if mode == "endless":
            return self._endless(full)
        length = end - start + 1
        if mode == "nolength" and status == 200:
            self._open_ended(headers[0][1])
            sent = 0 if self.command == "HEAD" else self._send_body(full, 0, length, 0)
            return self._log(200, sent)
        damaged = mode if status == 200 else None
        declared = length + 1000 if damaged == "badlength" else length
        to_send = length // 2 if damaged == "drop" else length

        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(declared))
        if damaged:
            self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        if self.command != "HEAD":
            sent = self._send_body(full, start, to_send, slow_ms)
        self._log(status, sent)
        if damaged:
            self._close_now()

    def _open_ended(self, content_type="application/octet-stream"):
        """Headers of a body without Content-Length: it ends when the server closes."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()

    def _endless(self, full):
        """The file, then zeros until the client gives up (at most 64 GiB)."""
        self._open_ended()
        sent = 0
        zeros = bytes(1 << 16)
        try:
            with open(full, "rb") as f:
                data = f.read()
            self.wfile.write(data)
            sent += len(data)
            while sent < (64 << 30):
                self.wfile.write(zeros)
                sent += len(zeros)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self._log(200, sent)

    def _drip(self, parts, every_ms):
        """One byte every every_ms ms, forever: the file, then zeros."""
        full = self._resolve(parts)
        if full is None or not os.path.isfile(full):
            return self._simple(404, "not found")
        self._open_ended()
        with open(full, "rb") as f:
            data = f.read()
        sent = 0
        try:
            while sent < (1 << 30):
                self.wfile.write(data[sent:sent + 1] if sent < len(data) else b"\0")
                self.wfile.flush()
                sent += 1
                time.sleep(every_ms / 1000.0)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self._log(200, sent)

    def _padded(self, parts, mib):
        """The XML file with mib MiB of <!-- spaces --> after its <?xml ...?> prolog."""
        full = self._resolve(parts)
        if full is None or not os.path.isfile(full):
            return self._simple(404, "not found")
        with open(full, "rb") as f:
            data = f.read()
        cut = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
        comment = b"<!--" + b" " * ((1 << 16) - 7) + b"-->"
        block = comment * 16  # 1 MiB
        length = len(data) + mib * len(block)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-votable+xml")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        sent = 0
        try:
            self.wfile.write(data[:cut])
            for _ in range(mib):
                self.wfile.write(block)
            self.wfile.write(data[cut:])
            sent = length
        except (BrokenPipeError, ConnectionResetError):
            pass
        self._log(200, sent)

    def _gzip_bomb(self, mib):
        """A small gzip member that inflates to mib MiB of zeros (built once per size)."""
        with self.server.lock:
            body = self.server.bombs.get(mib)
            if body is None:
                z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
                block = bytes(1 << 20)
                body = b"".join(z.compress(block) for _ in range(mib)) + z.flush()
                self.server.bombs[mib] = body
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log(200, len(body))

    def _send_body(self, full, start, count, slow_ms):
        chunks = 20 if slow_ms else 1
        chunk = max(1, -(-count // chunks)) if count else 1
        pause = slow_ms / 1000.0 / chunks
        sent = 0
        try:
            with open(full, "rb") as f:
                f.seek(start)
                while sent < count:
                    data = f.read(min(chunk if slow_ms else 1 << 16,
                                      count - sent))
                    if not data:
                        break
                    self.wfile.write(data)
                    sent += len(data)
                    if slow_ms:
                        self.wfile.flush()
                        time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        return sent


def start_sink(port_file, log_path, write_atomically):
    """A TCP listener on 127.0.0.1 that logs each connection and what it received."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sink.bind(("127.0.0.1", 0))
    sink.listen(16)

    def serve():
        while True:
            conn, _ = sink.accept()
            conn.settimeout(2)
            try:
                data = conn.recv(65536)
            except OSError:
                data = b""
            conn.close()
            if log_path:
                with open(log_path, "a") as f:
                    f.write("connection\t%d\t%r\n" % (len(data), data[:200]))

    threading.Thread(target=serve, daemon=True).start()
    write_atomically(port_file, str(sink.getsockname()[1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", help="directory to serve")
    ap.add_argument("--port", type=int, default=0,
                    help="port on 127.0.0.1 (default: ephemeral)")
    ap.add_argument("--port-file", help="write the bound port here")
    ap.add_argument("--pid-file", help="write the process id here")
    ap.add_argument("--log", help="append one line per request here")
    ap.add_argument("--auth", default="vocloud:secret",
                    help="user:password for /auth/ (default vocloud:secret)")
    ap.add_argument("--sink-port-file",
                    help="also listen on a raw TCP port (written here) that logs "
                         "every connection to --sink-log")
    ap.add_argument("--sink-log", help="log of the sink's connections")
    args = ap.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.root = os.path.realpath(args.root)
    server.log_path = os.path.abspath(args.log) if args.log else None
    server.auth = args.auth
    server.flaky = {}
    server.bombs = {}
    server.lock = threading.Lock()

    def write_atomically(path, text):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, path)

    if args.sink_port_file:
        start_sink(args.sink_port_file, args.sink_log, write_atomically)
    if args.pid_file:
        write_atomically(args.pid_file, str(os.getpid()))
    if args.port_file:
        write_atomically(args.port_file, str(server.server_address[1]))

    def stop(signum, frame):
        # shutdown() waits for serve_forever, so it needs another thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        for path in (args.port_file, args.pid_file):
            if path:
                try:
                    os.unlink(path)
                except OSError:
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
