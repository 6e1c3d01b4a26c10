#!/usr/bin/env python3
"""Streaming time-to-first-byte client for bench/run.sh (python3 standard library only).

Sends N sequential `stream: true` chat completions over one keep-alive connection to each
target (127.0.0.1 only), and measures for each request the time from sending it to the first
SSE byte of the answer (`data:` of the first event, after the status line and headers) and
to the end of the stream. Checks every answer is 200 and ends with `data: [DONE]`.
Targets are interleaved request by request (direct, nginx, triage, direct, ...) so machine
noise hits all of them alike.

  python3 bench/ttfb.py -n 300 direct=PORT nginx=PORT triage=PORT

Prints one JSON object: {label: {n, errors, ttfb_p50_us, ttfb_p99_us, total_p50_us, ...}}.
"""
import argparse
import json
import socket
import sys
import time


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def request_bytes(stream=True, size=200):
    head = '{"model":"triage","stream":%s,"messages":[{"role":"user","content":"' % ("true" if stream else "false")
    tail = '"}]}'
    pad = max(16, size - len(head) - len(tail))
    body = (head + ("hello world " * (pad // 12 + 1))[:pad] + tail).encode()
    return (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Accept: text/event-stream\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


class Conn:
    """One keep-alive HTTP/1.1 connection with a tiny buffered reader (chunked or Content-Length)."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.sock = None
        self.buf = b""

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed by peer")
        self.buf += data

    def _read_until(self, marker):
        while True:
            i = self.buf.find(marker)
            if i >= 0:
                out, self.buf = self.buf[: i + len(marker)], self.buf[i + len(marker):]
                return out
            self._fill()

    def _read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def stream_request(self, payload):
        """Returns (status, ttfb_ns, total_ns, body, keep_alive)."""
        if self.sock is None:
            self.connect()
        t0 = time.perf_counter_ns()
        self.sock.sendall(payload)
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        body = b""
        ttfb = None
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size_line = self._read_until(b"\r\n")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    self._read_until(b"\r\n")  # (no trailers expected) the final CRLF
                    break
                chunk = self._read_exact(size + 2)[:-2]
                if ttfb is None and chunk:
                    ttfb = time.perf_counter_ns() - t0
                body += chunk
        else:
            length = int(headers.get("content-length", "0"))
            if length:
                first = self._read_exact(1)
                ttfb = time.perf_counter_ns() - t0
                body = first + self._read_exact(length - 1)
        total = time.perf_counter_ns() - t0
        keep_alive = headers.get("connection", "").lower() != "close"
        return status, ttfb if ttfb is not None else total, total, body, keep_alive


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="requests per target (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per target first")
    parser.add_argument("--fresh", action="store_true", help="a new connection per request")
    parser.add_argument("targets", nargs="+", help="LABEL=PORT")
    args = parser.parse_args()

    targets = []
    for t in args.targets:
        label, port = t.split("=", 1)
        targets.append((label, Conn(int(port))))
    payload = request_bytes(stream=True)
    results = {label: {"ttfb": [], "total": [], "errors": 0, "error_samples": []} for label, _ in targets}
    deadline = time.time() + 120  # hard bound on the whole client

    for i in range(args.warmup + args.n):
        for label, conn in targets:
            if time.time() > deadline:
                break
            r = results[label]
            try:
                if args.fresh:
                    conn.close()
                status, ttfb, total, body, keep_alive = conn.stream_request(payload)
                ok = status == 200 and b"data: [DONE]" in body
                if not keep_alive:
                    conn.close()
            except Exception as exc:  # noqa: BLE001 — counted and reported
                ok, status = False, repr(exc)
                conn.close()
            if i < args.warmup:
                continue
            if ok:
                r["ttfb"].append(ttfb / 1000.0)
                r["total"].append(total / 1000.0)
            else:
                r["errors"] += 1
                if len(r["error_samples"]) < 3:
                    r["error_samples"].append(str(status))
    for _, conn in targets:
        conn.close()

    out = {}
    for label, r in results.items():
        out[label] = {
            "n": len(r["ttfb"]),
            "errors": r["errors"],
            "error_samples": r["error_samples"],
            "ttfb_p50_us": percentile(r["ttfb"], 0.50),
            "ttfb_p99_us": percentile(r["ttfb"], 0.99),
            "total_p50_us": percentile(r["total"], 0.50),
            "total_p99_us": percentile(r["total"], 0.99),
        }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
