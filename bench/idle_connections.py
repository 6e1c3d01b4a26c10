#!/usr/bin/env python3
"""Many idle keep-alive client connections held by one triage, and new requests still served.

  python3 bench/idle_connections.py [--binary PATH] [--connections 10000] [--hold 10]

Starts the C fast upstream and `triage serve` (127.0.0.1 only, both stopped by PID at the end),
opens --connections client connections, sends one chat completion on each and keeps it open
(keep-alive, idle), then, with all of them still open: reads triage's RSS (VmRSS, VmHWM), sends
requests on fresh connections (must answer 200, timed), waits --hold seconds, and sends one more
request on a sample of the idle connections (they must still be served). Both this client and
triage need an open-file limit above the connection count: run under `ulimit -n 65536` (as
bench/run.sh does); triage raises its soft limit to the hard one itself.
Prints one JSON object; exits non-zero when a request failed or the RSS goal (--max-rss-mb) is missed.
"""
import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
from cpu_per_request import stop_all, wait_line  # noqa: E402

BODY = json.dumps({"model": "triage", "messages": [{"role": "user", "content": "hi"}]}).encode()
REQUEST = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


async def exchange(reader, writer):
    """One request on an open connection; returns the status code."""
    writer.write(REQUEST)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def open_one(port, semaphore, connect_only):
    async with semaphore:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        if connect_only:
            return reader, writer, 200
        status = await asyncio.wait_for(exchange(reader, writer), 30)
        return reader, writer, status


async def fresh_requests(port, count):
    times, failures = [], 0
    for _ in range(count):
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            status = await asyncio.wait_for(exchange(reader, writer), 10)
            writer.close()
            failures += status != 200
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
            failures += 1
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return {"count": count, "failures": failures, "p50_us": times[len(times) // 2], "max_us": times[-1]}


async def measure(port, pid, args):
    rss_start = status_kib(pid, "VmRSS")
    semaphore = asyncio.Semaphore(256)  # connects in flight, so the accept queue never overflows
    started = time.perf_counter()
    results = await asyncio.gather(*(open_one(port, semaphore, args.connect_only) for _ in range(args.connections)),
                                   return_exceptions=True)
    conns = [r for r in results if not isinstance(r, BaseException)]
    out = {"connections": args.connections, "opened_ok": sum(1 for r in conns if r[2] == 200),
           "open_failures": [repr(r) for r in results if isinstance(r, BaseException)][:3],
           "open_s": round(time.perf_counter() - started, 2)}
    await asyncio.sleep(1)
    out["rss_idle_kib"] = status_kib(pid, "VmRSS")
    out["rss_start_kib"] = rss_start
    out["hwm_kib"] = status_kib(pid, "VmHWM")
    out["fresh"] = await fresh_requests(port, 50)
    await asyncio.sleep(args.hold)
    sample = conns[:: max(1, len(conns) // 200)]
    reused = await asyncio.gather(*(asyncio.wait_for(exchange(r, w), 10) for r, w, _ in sample), return_exceptions=True)
    out["reused_sample"] = len(sample)
    out["reused_ok"] = sum(1 for s in reused if s == 200)
    out["rss_after_kib"] = status_kib(pid, "VmRSS")
    out["hwm_after_kib"] = status_kib(pid, "VmHWM")
    for _, writer, _ in conns:
        writer.close()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-bench", "release", "triage"))
    parser.add_argument("--upstream", default=os.path.join(ROOT, ".build-bench", "fast_upstream"))
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--hold", type=float, default=10, help="seconds the connections stay idle before reuse")
    parser.add_argument("--connect-only", action="store_true", help="open the connections without a first request")
    parser.add_argument("--max-rss-mb", type=float, default=300)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.connections + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
        raise SystemExit(f"open-file limit {hard} is below {want}: run under `ulimit -n 65536`")
    if not os.path.exists(args.upstream):
        subprocess.run(["gcc", "-O2", "-o", args.upstream, os.path.join(BENCH, "fast_upstream.c")], check=True)
    processes = []
    with tempfile.TemporaryDirectory(prefix="triage-idle.") as tmp:
        try:
            upstream = subprocess.Popen([args.upstream, "--port", "0"], stdout=subprocess.PIPE, text=True)
            processes.append(upstream)
            up_port = wait_line(upstream, "PORT ").split()[1]
            config = os.path.join(tmp, "routes.yaml")
            with open(config, "w") as f:
                f.write(f"listen: {{host: 127.0.0.1, port: 0}}\nlog: {{path: {tmp}/routing.jsonl}}\n"
                        f"models: [triage]\nbackends:\n  - name: local\n    kind: openai\n"
                        f"    base_url: http://127.0.0.1:{up_port}/v1\n    model: bench-model\n"
                        "rules:\n  - name: all\n    match: {always: true}\n    route: local\nauto: {default_backend: local}\n")
            triage = subprocess.Popen([args.binary, "serve", "--config", config, "--log-level", "warning"],
                                      stdout=subprocess.PIPE, text=True)
            processes.append(triage)
            port = int(wait_line(triage, "triage listening on").rsplit(":", 1)[1].split()[0].strip("/"))
            out = asyncio.run(measure(port, triage.pid, args))
        finally:
            stop_all(processes)
    out["rss_idle_mb"] = round(out["rss_idle_kib"] / 1024, 1)
    out["ok"] = (out["opened_ok"] == args.connections and out["fresh"]["failures"] == 0
                 and out["reused_ok"] == out["reused_sample"] and out["rss_idle_mb"] <= args.max_rss_mb)
    print(json.dumps(out))
    sys.exit(0 if out["ok"] else 1)


if __name__ == "__main__":
    main()
