#!/usr/bin/env python3
"""CPU time triage spends per proxied request, from /proc/PID/stat: steadier than wall-clock
numbers on a shared machine (it counts the proxy's own user+system time, not waiting).

Usage: python3 bench/cpu_per_request.py [--binary PATH] [--requests 3000] [--connections 4]
                                        [--otlp-endpoint URL] [--out FILE]

Starts the C fast upstream and triage (127.0.0.1 only), warms up, then sends the requests over
a few keep-alive connections (non-streaming, then streaming with 8 events) and reports the
proxy's CPU microseconds per request. Every process it starts is stopped by PID.
With --otlp-endpoint, triage traces every request (`telemetry`, sample_rate 1) and exports the
spans there (e.g. to Tests/Fixtures/otlp_receiver.py), so the export's cost is counted too.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def wait_line(proc, prefix):
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
        if not line and proc.poll() is not None:
            break
    raise SystemExit(f"process did not print {prefix!r}")


def load(port, total, connections, stream):
    body = json.dumps({"model": "triage", "stream": stream, "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is the capital of France? Answer briefly please."}]})
    errors = []

    def worker(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(count):
            conn.request("POST", "/v1/chat/completions", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker, args=(total // connections,)) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} request errors, e.g. {errors[:3]}")
    return (total // connections) * connections



def stop_all(processes):
    """Stops the processes a benchmark started, newest first: SIGTERM, then SIGKILL after 10 s."""
    for proc in reversed(processes):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--otlp-endpoint", help="turn telemetry on, exporting to this OTLP/HTTP URL")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/results/cpu_per_request.json"))
    args = parser.parse_args()
    binary = args.binary
    if not binary:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "triage", "--scratch-path", ".build-bench"],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
        binary = os.path.join(ROOT, ".build-bench/release/triage")
    upstream_bin = os.path.join(ROOT, ".build-bench/fast_upstream")
    sources = [os.path.join(ROOT, "bench", name) for name in ("fast_upstream.c", "fast_upstream_answers.h")]
    if not os.path.exists(upstream_bin) or os.path.getmtime(upstream_bin) < max(map(os.path.getmtime, sources)):
        os.makedirs(os.path.dirname(upstream_bin), exist_ok=True)
        subprocess.check_call(["gcc", "-O2", "-o", upstream_bin, os.path.join(ROOT, "bench/fast_upstream.c")])
    processes = []
    try:
        upstream = subprocess.Popen([upstream_bin, "--port", "0"], stdout=subprocess.PIPE, text=True)
        processes.append(upstream)
        up_port = int(wait_line(upstream, "PORT").split()[1])
        workdir = tempfile.mkdtemp(prefix="triage-cpu-")
        config = os.path.join(workdir, "routes.yaml")
        with open(config, "w") as handle:
            handle.write(f"""listen: {{host: 127.0.0.1, port: 0}}
log: {{path: {workdir}/routing.jsonl}}
backends:
  - {{name: local, base_url: "http://127.0.0.1:{up_port}/v1", model: small}}
rules:
  - {{name: default, match: {{always: true}}, route: local}}
auto: {{default_backend: local}}
""")
            if args.otlp_endpoint:
                handle.write(f"telemetry: {{otlp_endpoint: \"{args.otlp_endpoint}\", sample_rate: 1}}\n")
        triage = subprocess.Popen([binary, "serve", "--config", config, "--log-level", "error", "--no-watch"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        processes.append(triage)
        port = int(wait_line(triage, "triage listening").rsplit(":", 1)[1])
        results = {}
        for mode in ("json", "stream"):
            load(port, 500, args.connections, mode == "stream")  # warm-up
            before = cpu_seconds(triage.pid)
            started = time.time()
            done = load(port, args.requests, args.connections, mode == "stream")
            elapsed = time.time() - started
            used = cpu_seconds(triage.pid) - before
            results[mode] = {"requests": done, "cpu_us_per_request": used / done * 1e6, "wall_rps": done / elapsed}
        print(json.dumps(results, indent=2))
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as handle:
            json.dump(results, handle, indent=2)
    finally:
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())
