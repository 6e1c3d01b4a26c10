"""HTTP plumbing shared by the fake upstreams of the tests (stdlib only, Python 3.11+).

`FakeServer` records requests and stops cleanly from any thread; `FakeHandler` reads bodies
(chunked or not), writes JSON and chunked SSE, logs the request list, and routes every method
through `dispatch` to the subclass's `route(path, raw)`; `serve(server)` prints `PORT <n>`,
stops on SIGTERM/SIGINT or when stdin reaches EOF (a dying test harness never leaves a fake
running), and exits without interpreter finalization.
"""

import argparse
import json
import os
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Many concurrent test clients: keep a generous accept backlog.
    request_queue_size = 128

    def __init__(self, address, handler, name, verbose):
        super().__init__(address, handler)
        self.name = name
        self.verbose = verbose
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.log = []

    def record(self, entry):
        with self.lock:
            self.log.append(entry)

    def snapshot(self):
        with self.lock:
            return list(self.log)

    def reset(self):
        with self.lock:
            self.log.clear()

    def stop(self):
        """Shut down from any thread except the one running serve_forever."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        threading.Thread(target=self.shutdown, daemon=True).start()


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small SSE writes must leave at once: Nagle plus delayed ACKs would add ~40 ms per event.
    disable_nagle_algorithm = True
    #: Prefix of the --verbose request log lines.
    log_prefix = "fake"
    #: Paths that serve the test harness and are not recorded in the request list.
    control_paths = ("/requests", "/reset")

    def log_message(self, format, *args):  # noqa: A002 (signature fixed by the base class)
        if self.server.verbose:
            sys.stderr.write(f"{self.log_prefix}: " + (format % args) + "\n")

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def header_dict(self):
        result = {}
        for name, value in self.headers.items():
            key = name.lower()
            result[key] = value if key not in result else result[key] + ", " + value
        return result

    @staticmethod
    def decode_body(raw):
        if not raw:
            return None
        text = raw.decode("utf-8", errors="replace")
        try:
            return json.loads(text)
        except ValueError:
            return text

    def send_bytes(self, status, body, content_type="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status, obj, extra=None):
        self.send_bytes(status, json.dumps(obj).encode(), extra=extra)

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def sleep(self, seconds):
        """Sleep that ends early when the server shuts down. Returns False if interrupted."""
        return not self.server.stopping.wait(max(0.0, seconds))

    def abort_connection(self):
        """Close the socket without the terminating chunk."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    @staticmethod
    def text_of(content):
        """A message's text: a string, or its "text" content blocks joined by spaces."""
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return " ".join(b.get("text", "") for b in content
                            if isinstance(b, dict) and b.get("type") == "text")
        return ""

    def failed_by_directive(self, directives, delay):
        """Handles [[hang]] (no answer for 120 s, the connection then closed) and [[fail:CODE]]
        (after `delay`, an error in the subclass's `send_error_json` shape). True if it answered."""
        if "hang" in directives:
            self.sleep(120)
            self.close_connection = True
            return True
        if "fail" in directives:
            if delay:
                self.sleep(delay)
            try:
                code = int(directives["fail"])
            except ValueError:
                code = 500
            self.send_error_json(code, "fake failure")
            return True
        return False

    # ---- dispatch -------------------------------------------------------------------

    def do_GET(self):
        self.dispatch(b"")

    def do_HEAD(self):
        self.dispatch(b"")

    def do_POST(self):
        self.dispatch(self.read_body())

    def do_PUT(self):
        self.dispatch(self.read_body())

    def do_PATCH(self):
        self.dispatch(self.read_body())

    def do_DELETE(self):
        self.dispatch(self.read_body())

    def is_control(self, path):
        return path in self.control_paths

    def dispatch(self, raw):
        path = self.path.split("?", 1)[0]
        if not self.is_control(path):
            self.server.record({
                "path": self.path,
                "method": self.command,
                "headers": self.header_dict(),
                "body": self.decode_body(raw),
                "client_port": self.client_address[1],
            })
        try:
            self.route(path, raw)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, path, raw):
        raise NotImplementedError


def split_evenly(words, count):
    """`words` joined into `count` chunks of as even a number of words as can be (needs
    len(words) >= count >= 1): a stream of `count` content events."""
    size, extra = divmod(len(words), count)
    out, index = [], 0
    for i in range(count):
        take = size + (1 if i < extra else 0)
        out.append("".join(words[index:index + take]))
        index += take
    return out


def argument_parser(description, default_name):
    """The options every fake takes: --name (used in replies), --port, --verbose."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--name", default=default_name, help="name used in replies")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = ephemeral)")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    return parser


def serve(server):
    """Prints `PORT <n>`, serves until SIGTERM/SIGINT or stdin EOF, then exits the process."""
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    signal.signal(signal.SIGINT, lambda *_: server.stop())
    sys.stdout.write(f"PORT {server.server_address[1]}\n")
    sys.stdout.flush()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read1(65536):
                pass
        except (OSError, ValueError):
            pass
        server.stop()

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.stopping.set()
        server.server_close()
        sys.stdout.flush()
        sys.stderr.flush()
        # Skip interpreter finalization: the stdin watcher thread is blocked in read() and
        # holds the stdin buffer lock, which would make finalization abort after a delay.
        os._exit(0)
