#!/usr/bin/env python3
"""1,000 concurrent streaming clients against one target, for bench/run.sh (stdlib only).

Opens --clients connections to 127.0.0.1:PORT at once (asyncio, raw sockets), each sends one
`stream: true` chat completion and reads the SSE answer to its end. Checks every answer is 200
and ends with `data: [DONE]`. While it runs it samples the resident memory (VmRSS) of --pid
every 20 ms; at the end it reads the process's VmHWM (peak RSS since it started).
Bounded: every client gives up after --timeout seconds.

  python3 bench/many_streams.py --port PORT --pid TRIAGE_PID --clients 1000

Prints one JSON object.
"""
import argparse
import asyncio
import json
import resource
import sys
import time

BODY = b'{"model":"triage","stream":true,"messages":[{"role":"user","content":"count to twenty"}]}'
REQUEST = (
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Accept: text/event-stream\r\nConnection: close\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


def proc_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


async def one_client(port, timeout):
    start = time.perf_counter()
    writer = None
    try:
        async def run():
            nonlocal writer
            reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
            connected = time.perf_counter() - start
            writer.write(REQUEST)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            chunked = b"transfer-encoding: chunked" in head.lower()
            body = b""
            events = 0
            first = None
            if chunked:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                    if size == 0:
                        await reader.readuntil(b"\r\n")
                        break
                    chunk = (await reader.readexactly(size + 2))[:-2]
                    if first is None:
                        first = time.perf_counter() - start
                    body += chunk
            else:
                body = await reader.read()
            events = body.count(b"data: ")
            return status, b"data: [DONE]" in body, events, first, connected

        status, done, events, first, connected = await asyncio.wait_for(run(), timeout)
        ok = status == 200 and done
        return {"ok": ok, "status": status, "done": done, "events": events,
                "ttfb_s": first, "total_s": time.perf_counter() - start, "connect_s": connected,
                "error": None if ok else f"status {status}, [DONE] {'seen' if done else 'missing'}"}
    except Exception as exc:  # noqa: BLE001 — counted and reported
        return {"ok": False, "status": None, "done": False, "events": 0, "ttfb_s": None, "connect_s": None,
                "total_s": time.perf_counter() - start, "error": repr(exc)}
    finally:
        if writer is not None:
            writer.close()


async def main_async(args):
    peak_sampled = 0
    stop = asyncio.Event()

    async def sampler():
        nonlocal peak_sampled
        while not stop.is_set():
            rss = proc_kib(args.pid, "VmRSS") if args.pid else None
            if rss:
                peak_sampled = max(peak_sampled, rss)
            await asyncio.sleep(0.02)

    sampler_task = asyncio.create_task(sampler())
    rss_before = proc_kib(args.pid, "VmRSS") if args.pid else None
    t0 = time.perf_counter()
    results = await asyncio.gather(*(one_client(args.port, args.timeout) for _ in range(args.clients)))
    wall = time.perf_counter() - t0
    await asyncio.sleep(0.1)
    stop.set()
    await sampler_task

    ok = [r for r in results if r["ok"]]
    errors = [r["error"] for r in results if not r["ok"]]
    totals = sorted(r["total_s"] for r in ok)
    ttfbs = sorted(r["ttfb_s"] for r in ok if r["ttfb_s"] is not None)
    connects = sorted(r["connect_s"] for r in ok if r["connect_s"] is not None)

    def pct(values, fraction):
        if not values:
            return None
        return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]

    return {
        "clients": args.clients,
        "completed_ok": len(ok),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "events_per_stream_min": min((r["events"] for r in ok), default=0),
        "wall_s": wall,
        "connect_p50_ms": pct(connects, 0.5) * 1000 if connects else None,
        "connect_p99_ms": pct(connects, 0.99) * 1000 if connects else None,
        "connect_max_ms": connects[-1] * 1000 if connects else None,
        "ttfb_p50_ms": pct(ttfbs, 0.5) * 1000 if ttfbs else None,
        "ttfb_p99_ms": pct(ttfbs, 0.99) * 1000 if ttfbs else None,
        "total_p50_ms": pct(totals, 0.5) * 1000 if totals else None,
        "total_p99_ms": pct(totals, 0.99) * 1000 if totals else None,
        "rss_before_kib": rss_before,
        "rss_peak_sampled_kib": peak_sampled or None,
        "vmhwm_kib": proc_kib(args.pid, "VmHWM") if args.pid else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, default=0, help="process whose RSS to sample (triage)")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds each client may take")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, args.clients * 2 + 256))
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    json.dump(asyncio.run(main_async(args)), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
