#!/usr/bin/env python3
"""Latency at a fixed offered rate (open loop) for bench/run.sh, JSON or streams, one target after
another (the order rotated each repetition); per target, the median over repetitions of p50/p99.

  python3 bench/fixed_rate.py --rate 2000 --duration 5 [--stream] [--repeat 2] \
      [--arrivals burst|paced|poisson] direct=PORT nginx=PORT ...

Arrival patterns (--arrivals):
- burst (default, as in earlier runs): h2load (Debian's nghttp2-client) over HTTP/1.1 with `--rps`
  per client, 20 clients. h2load starts every client's timer at once, so this sends 20 requests
  at the same instant every 10 ms: latency is how fast a burst of 20 drains, not latency at an
  even rate. Times from h2load's per-request log (`--log-file`: µs until the end of the answer).
- paced: bench/open_loop.c, one request every 1/rate s on keep-alive connections.
- poisson: bench/open_loop.c, a Poisson process of mean rate `rate` (independent clients).
open_loop counts each latency from the time the request was due (no coordinated omission).
127.0.0.1 only; every run bounded by a subprocess timeout. Prints one JSON object:
{label: {p50_us, p99_us, rps, requests, errors, runs}}.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))]


def body(stream):
    text = "What is the capital of France? Answer briefly please. " * 3
    return json.dumps({"model": "triage", "stream": stream, "messages": [{"role": "user", "content": text}]})


OPEN_LOOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build-bench", "open_loop")


def body_file(stream, workdir):
    data = os.path.join(workdir, "body-stream.json" if stream else "body-json.json")
    if not os.path.exists(data):
        with open(data, "w") as f:
            f.write(body(stream))
    return data


def run_open_loop(port, rate, duration, stream, workdir, arrivals):
    cmd = [OPEN_LOOP, "--port", str(port), "--rate", str(rate), "--duration", str(duration), "--warmup", "1",
           "--arrivals", arrivals, "--body", body_file(stream, workdir)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
        result = json.loads(out.stdout)
    except (subprocess.TimeoutExpired, OSError, ValueError) as exc:
        return {"p50_us": None, "p99_us": None, "rps": 0, "requests": 0, "errors": 1, "note": repr(exc)}
    result["rps"] = result["requests"] / duration
    return result


def run_once(port, rate, clients, duration, stream, workdir, arrivals="burst"):
    if arrivals != "burst":
        return run_open_loop(port, rate, duration, stream, workdir, arrivals)
    data = body_file(stream, workdir)
    log = os.path.join(workdir, f"h2load-{port}.log")
    per_client = max(1, rate // clients)
    cmd = ["h2load", "--h1", "-c", str(clients), "-t", "1", "--rps", str(per_client), "-D", str(duration),
           "--warm-up-time", "1", "--log-file", log, "-d", data, "-H", "content-type: application/json",
           f"http://127.0.0.1:{port}/v1/chat/completions"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
    except subprocess.TimeoutExpired:
        return {"p50_us": None, "p99_us": None, "rps": 0, "requests": 0, "errors": 1, "note": "h2load timed out"}
    times, errors = [], 0
    try:
        with open(log) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                if parts[1] != "200":
                    errors += 1
                times.append(int(parts[2]))
        os.remove(log)
    except OSError as exc:
        return {"p50_us": None, "p99_us": None, "rps": 0, "requests": 0, "errors": 1, "note": repr(exc)}
    for line in out.stdout.splitlines():
        if line.startswith("requests:"):
            words = line.replace(",", "").split()
            for key in ("failed", "errored", "timeout"):
                if key in words:
                    errors += int(words[words.index(key) - 1])
    return {"p50_us": percentile(times, 0.50), "p99_us": percentile(times, 0.99),
            "rps": len(times) / duration, "requests": len(times), "errors": errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=2000, help="offered requests per second, all clients")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=int, default=5, help="seconds measured per target and repetition")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--arrivals", choices=["burst", "paced", "poisson"], default="burst",
                        help="burst: h2load --rps (20 at once every 20/rate s); paced, poisson: bench/open_loop.c")
    parser.add_argument("targets", nargs="+", help="label=port")
    args = parser.parse_args()
    targets = [(t.split("=", 1)[0], int(t.split("=", 1)[1])) for t in args.targets]
    runs = {label: [] for label, _ in targets}
    with tempfile.TemporaryDirectory(prefix="triage-fixed-rate.") as workdir:
        for rep in range(args.repeat):
            shift = rep % len(targets)
            for label, port in targets[shift:] + targets[:shift]:
                runs[label].append(run_once(port, args.rate, args.clients, args.duration, args.stream, workdir,
                                             args.arrivals))
    result = {}
    for label, rs in runs.items():
        out = {}
        for key in ("p50_us", "p99_us", "rps"):
            vals = [r[key] for r in rs if r.get(key) is not None]
            out[key] = statistics.median(vals) if vals else None
        out["requests"] = sum(r["requests"] for r in rs)
        out["errors"] = sum(r["errors"] for r in rs)
        out["runs"] = rs
        result[label] = out
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
