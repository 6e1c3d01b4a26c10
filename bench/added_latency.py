#!/usr/bin/env python3
"""Added latency of Triage versus calling the upstream directly, measured in one run.

Starts, on 127.0.0.1 only, the fake OpenAI-compatible upstream (Tests/Fixtures/fake_upstream.py)
and a release build of `triage serve` in front of it, then sends N sequential non-streaming chat
completions over one keep-alive connection, first straight to the upstream and then through
Triage (interleaved in rounds so that machine noise hits both alike). Prints the median and p99
of each and of the difference, and writes bench/results/added_latency.json.

Usage: python3 bench/added_latency.py [--requests 2000] [--binary PATH]
Every process it starts is stopped (by PID) when it ends, whatever happens.
"""
import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def start(cmd, prefix, env=None):
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(prefix):
            return proc, line.strip()
    proc.kill()
    raise SystemExit(f"{cmd[0]} did not start")


def measure(port, body, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    for _ in range(count):
        start_ns = time.perf_counter_ns()
        conn.request("POST", "/v1/chat/completions", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"status {response.status} from port {port}")
        times.append((time.perf_counter_ns() - start_ns) / 1000.0)
    conn.close()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--binary", default=None)
    parser.add_argument("--upstream-delay", type=float, default=0.0,
                        help="seconds the fake upstream waits before answering (a model's think time: "
                             "the proxy's threads go idle in between, as they do in front of a real model)")
    args = parser.parse_args()

    binary = args.binary
    if binary is None:
        bin_path = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True).strip()
        binary = os.path.join(bin_path, "triage")
    processes = []
    try:
        upstream, line = start([sys.executable, os.path.join(ROOT, "Tests/Fixtures/fake_upstream.py"), "--name", "local", "--port", "0"]
                               + (["--delay", str(args.upstream_delay)] if args.upstream_delay else []), "PORT ")
        processes.append(upstream)
        upstream_port = int(line.split()[1])
        workdir = tempfile.mkdtemp(prefix="triage-bench-")
        config = os.path.join(workdir, "routes.yaml")
        with open(config, "w") as handle:
            handle.write(f"""
listen: {{host: 127.0.0.1, port: 0}}
models: [triage]
log: {{path: {workdir}/routing.jsonl}}
backends:
  - {{name: local, base_url: "http://127.0.0.1:{upstream_port}/v1", model: small-ft}}
rules:
  - name: default
    match: {{always: true}}
    route: local
auto: {{default_backend: local}}
""")
        triage, line = start([binary, "serve", "--config", config, "--log-level", "warning"], "triage listening on ")
        processes.append(triage)
        triage_port = int(line.rsplit(":", 1)[1])

        body = json.dumps({"model": "triage", "messages": [{"role": "user", "content": "What is the capital of France? Answer briefly."}]})
        measure(upstream_port, body, 200)  # warm-up
        measure(triage_port, body, 200)
        per_round = max(1, args.requests // args.rounds)
        direct, proxied = [], []
        for _ in range(args.rounds):
            direct += measure(upstream_port, body, per_round)
            proxied += measure(triage_port, body, per_round)

        result = {
            "requests_each": len(direct),
            "direct_us": {"p50": statistics.median(direct), "p99": percentile(direct, 0.99)},
            "triage_us": {"p50": statistics.median(proxied), "p99": percentile(proxied, 0.99)},
        }
        result["added_us"] = {
            "p50": result["triage_us"]["p50"] - result["direct_us"]["p50"],
            "p99": result["triage_us"]["p99"] - result["direct_us"]["p99"],
        }
        result["ratio_p50"] = result["triage_us"]["p50"] / result["direct_us"]["p50"]
        os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
        result["upstream_delay_s"] = args.upstream_delay
        name = "added_latency.json" if not args.upstream_delay else f"added_latency_delay{args.upstream_delay:g}.json"
        with open(os.path.join(ROOT, "bench/results", name), "w") as handle:
            json.dump(result, handle, indent=2)
        print(f"{len(direct)} sequential requests each, one keep-alive connection, non-streaming")
        print(f"{'':10} {'p50 µs':>10} {'p99 µs':>10}")
        for name in ("direct", "triage", "added"):
            row = result[f"{name}_us"]
            print(f"{name:10} {row['p50']:10.0f} {row['p99']:10.0f}")
        print(f"triage/direct p50 ratio: {result['ratio_p50']:.2f}")
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
