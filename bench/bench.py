#!/usr/bin/env python3
"""Load phase of bench/run.sh: runs wrk and the stream clients, writes bench/results/latest.{md,json}.

Not meant to be run by hand: bench/run.sh starts the processes (127.0.0.1 only) and passes their
ports and PIDs in the environment (PORT_DIRECT, PORT_NGINX, PORT_TRIAGE_FIXED, ...).
Every wrk run is bounded by -d and by a subprocess timeout.
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from bench_report import CONCURRENCIES, MANY, MODES, diff, error_total, goals, point, ratio, report
from goals19 import goals19
from machine_info import machine, proc_status

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("BENCH_ROOT", os.path.dirname(BENCH))
QUICK = os.environ.get("BENCH_QUICK", "0") == "1"
DURATION = int(os.environ.get("BENCH_DURATION", "1" if QUICK else "5"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "1" if QUICK else "2"))
SWEEP = os.environ.get("BENCH_SWEEP", "1") == "1"
SWEEP_DURATION = int(os.environ.get("BENCH_SWEEP_DURATION", "1" if QUICK else "3"))
TTFB_N = int(os.environ.get("BENCH_TTFB_N", "60" if QUICK else "300"))
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(BENCH, "results"))

TARGETS = {
    "direct": int(os.environ["PORT_DIRECT"]),
    "nginx": int(os.environ["PORT_NGINX"]),
    "triage": int(os.environ["PORT_TRIAGE_FIXED"]),
    "triage-auto": int(os.environ["PORT_TRIAGE_AUTO"]),
}
TARGET_DESC = {
    "direct": "fast_upstream alone (no proxy)",
    "nginx": "nginx reverse proxy, 2 workers, upstream keepalive 64",
    "triage": "triage, fixed rule (`always: true` → local)",
    "triage-auto": "triage, `route: auto` (classifier path)",
}
# Extra targets started by run.sh (another triage build, the relay prototypes): "name=port:pid ...".
EXTRA = {}
for item in os.environ.get("BENCH_EXTRA_TARGETS", "").split():
    name, rest = item.split("=", 1)
    port, pid = rest.split(":", 1)
    EXTRA[name] = (int(port), int(pid) if pid else 0)
EXTRA_LABELS = {"before-fixed": "triage-before", "proto-nio": "proto-nio", "proto-hummingbird": "proto-hb"}
EXTRA_DESC = {
    "triage-before": f"triage, fixed rule, build `{os.environ.get('TRIAGE_BIN_BEFORE', '')}` (before)",
    "proto-nio": "bench/relay-proto on SwiftNIO (NIOHTTP1, deliveries posted to the channel's loop)",
    "proto-hb": "bench/relay-proto on Hummingbird 2 (`execute` + `UpstreamBody`, like ProxyHandler)",
}
TTFB_EXTRA = {"before-ttfb": "triage-before", "proto-nio-ttfb": "proto-nio", "proto-hummingbird-ttfb": "proto-hb"}
for name, label in EXTRA_LABELS.items():
    if name in EXTRA:
        TARGETS[label] = EXTRA[name][0]
        TARGET_DESC[label] = EXTRA_DESC[label]
FIXED_RATE = int(os.environ.get("BENCH_RATE", "2000"))
FIXED_RATE_DURATION = int(os.environ.get("BENCH_RATE_DURATION", "3" if QUICK else "5"))
IDLE_CONNECTIONS = int(os.environ.get("BENCH_IDLE_CONNECTIONS", "10000"))
SWEEP_CONCURRENCY = [1, 16, 64, 256, 1000]
SWEEP_SIZES = [200, 2_000, 20_000, 200_000]
SWEEP_TARGETS = ["direct", "nginx", "triage"]

ERROR_KEYS = ["err_connect", "err_read", "err_write", "err_status", "err_timeout"]


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def threads_for(conc):
    return 1 if conc == 1 else 2


CLK_TCK = os.sysconf("SC_CLK_TCK")
CPU_PIDS = {
    "direct": [],
    "nginx": [int(p) for p in os.environ.get("PIDS_NGINX", "").split()],
    "triage": [int(os.environ["PID_TRIAGE_FIXED"])],
    "triage-auto": [int(os.environ["PID_TRIAGE_AUTO"])],
}
for name, label in EXTRA_LABELS.items():
    if name in EXTRA:
        CPU_PIDS[label] = [EXTRA[name][1]]
UPSTREAM_PID = int(os.environ.get("PID_UPSTREAM", "0"))


def cpu_seconds(pids):
    """utime + stime of the processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


def wrk_cpu(target, conc, duration, stream=False, size=200):
    """wrk against a target, plus the CPU time its proxy process(es) and the upstream used per request."""
    before_p, before_u = cpu_seconds(CPU_PIDS[target]), cpu_seconds([UPSTREAM_PID])
    r = wrk(TARGETS[target], conc, duration, stream=stream, size=size)
    check_alive(f"wrk {target} c={conc} {'stream' if stream else 'json'} body={size} B")
    used_p, used_u = cpu_seconds(CPU_PIDS[target]) - before_p, cpu_seconds([UPSTREAM_PID]) - before_u
    n = r.get("requests") or 0
    r["proxy_cpu_us_per_req"] = used_p * 1e6 / n if n and CPU_PIDS[target] else None
    r["upstream_cpu_us_per_req"] = used_u * 1e6 / n if n else None
    return r


WATCHED = {name: int(pid) for name, pid in
           (item.split("=", 1) for item in os.environ.get("BENCH_WATCH_PIDS", "").split())}


class ProcessDied(Exception):
    pass


def check_alive(phase):
    """Every process the benchmark depends on must still be running; otherwise the numbers are void."""
    dead = []
    for name, pid in WATCHED.items():
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                dead.append(f"{name} (PID {pid})")
        except OSError:
            dead.append(f"{name} (PID {pid})")
    if dead:
        raise ProcessDied(f"{', '.join(dead)} exited during the run (noticed after: {phase})")


def wrk(port, conc, duration, stream=False, size=200):
    cmd = ["wrk", f"-t{threads_for(conc)}", f"-c{conc}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", os.path.join(BENCH, "chat.lua"), f"http://127.0.0.1:{port}", "--", f"size={size}"]
    if stream:
        cmd.append("stream")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30).stdout
    except subprocess.TimeoutExpired:
        return {"rps": 0, "p50_us": None, "p99_us": None, "errors": 1, "note": "wrk timed out"}
    for line in out.splitlines():
        if line.startswith("BENCHJSON "):
            r = json.loads(line[len("BENCHJSON "):])
            r["errors"] = sum(r[k] for k in ERROR_KEYS)
            return r
    return {"rps": 0, "p50_us": None, "p99_us": None, "errors": 1, "note": "no wrk output: " + out[-300:]}


def wrk_get(port, path, conc, duration):
    """Plain GET load (no body, no Lua): requests/s and p50 in µs, from wrk's text output."""
    cmd = ["wrk", f"-t{threads_for(conc)}", f"-c{conc}", f"-d{duration}s", "--latency", "--timeout", "10s",
           f"http://127.0.0.1:{port}{path}"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30).stdout
    except subprocess.TimeoutExpired:
        return {"rps": 0, "p50_us": None, "errors": 1, "note": "wrk timed out"}
    result = {"rps": 0, "p50_us": None, "errors": 0}
    units = {"us": 1, "ms": 1000, "s": 1_000_000}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] == "50%":
            for unit, factor in units.items():
                if parts[1].endswith(unit) and parts[1][:-len(unit)].replace(".", "").isdigit():
                    result["p50_us"] = float(parts[1][:-len(unit)]) * factor
                    break
        elif "Non-2xx" in line or line.strip().startswith("Socket errors"):
            result["errors"] += sum(int(x.strip(",")) for x in parts if x.strip(",").isdigit())
    return result


def median_of(runs):
    """Median of each numeric field across repetitions; errors are summed (any error counts)."""
    out = {}
    for key in ["rps", "p50_us", "p90_us", "p99_us", "max_us", "mean_us", "proxy_cpu_us_per_req", "upstream_cpu_us_per_req"]:
        vals = [r[key] for r in runs if r.get(key) is not None]
        out[key] = statistics.median(vals) if vals else None
    out["requests"] = sum(r.get("requests", 0) for r in runs)
    out["errors"] = sum(abs(r.get("errors", 0)) for r in runs)
    for k in ERROR_KEYS:
        out[k] = sum(r.get(k, 0) for r in runs)
    notes = [r["note"] for r in runs if r.get("note")]
    if notes:
        out["note"] = "; ".join(notes)
    return out


def main():
    os.makedirs(RESULTS, exist_ok=True)
    t_start = time.time()
    data = {
        "machine": machine(ROOT),
        "settings": {"duration_s": DURATION, "repeat": REPEAT, "sweep": SWEEP, "sweep_duration_s": SWEEP_DURATION,
                     "ttfb_requests": TTFB_N, "many_streams": MANY, "quick": QUICK,
                     "sse_events_per_stream": int(os.environ.get("BENCH_CHUNKS", "8")),
                     "body_bytes": 200},
        "targets": TARGET_DESC,
    }
    data["loadavg_start"] = loadavg()
    log(f"machine: {data['machine']['nproc']} cores, {data['machine']['cpu']}, load average {data['loadavg_start']}")

    # 1. The upstream alone, at the highest load used, to show it is not the bottleneck.
    log(f"upstream alone: wrk -t2 -c64 -d{DURATION}s (json, stream)")
    data["upstream_alone"] = {
        mode: wrk(TARGETS["direct"], 64, DURATION, stream=(mode == "stream")) for mode in MODES
    }

    # 1b. The server framework's own floor: Triage's GET /healthz (Hummingbird routing, no body,
    # no upstream). No proxy on this stack can be faster than this.
    log(f"framework floor: wrk GET /healthz on triage, -c64 -d{DURATION}s")
    data["framework_floor"] = wrk_get(TARGETS["triage"], "/healthz", 64, DURATION)

    # 2. The matrix: every point runs all targets back-to-back; the order rotates each repetition.
    runs = {}
    order = list(TARGETS)
    total = REPEAT * len(MODES) * len(CONCURRENCIES) * len(order)
    done = 0
    for rep in range(REPEAT):
        for mode in MODES:
            for conc in CONCURRENCIES:
                rotated = order[rep % len(order):] + order[:rep % len(order)]
                for target in rotated:
                    done += 1
                    log(f"[{done}/{total}] rep {rep + 1} {mode:6} c={conc:<3} {target}")
                    r = wrk_cpu(target, conc, DURATION, stream=(mode == "stream"))
                    runs.setdefault((mode, conc, target), []).append(r)
    matrix = []
    for mode in MODES:
        for conc in CONCURRENCIES:
            med = {t: median_of(runs[(mode, conc, t)]) for t in order}
            d, n = med["direct"], med["nginx"]
            for t in order:
                m = med[t]
                matrix.append({
                    "mode": mode, "concurrency": conc, "target": t, **m,
                    "added_p50_us_vs_direct": diff(m["p50_us"], d["p50_us"]),
                    "added_p99_us_vs_direct": diff(m["p99_us"], d["p99_us"]),
                    "added_p50_us_vs_nginx": diff(m["p50_us"], n["p50_us"]),
                    "added_p99_us_vs_nginx": diff(m["p99_us"], n["p99_us"]),
                    "rps_ratio_vs_nginx": ratio(m["rps"], n["rps"]),
                    "rps_ratio_vs_direct": ratio(m["rps"], d["rps"]),
                    "runs": runs[(mode, conc, t)],
                })
    data["matrix"] = matrix
    data["rss_after_matrix_kib"] = {
        "triage": {"VmHWM": proc_status(os.environ["PID_TRIAGE_FIXED"], "VmHWM"),
                   "VmRSS": proc_status(os.environ["PID_TRIAGE_FIXED"], "VmRSS")},
        "triage-auto": {"VmHWM": proc_status(os.environ["PID_TRIAGE_AUTO"], "VmHWM"),
                        "VmRSS": proc_status(os.environ["PID_TRIAGE_AUTO"], "VmRSS")},
    }

    # 3. Streaming time to first byte (upstream: 4 events 5 ms apart), interleaved per request.
    log(f"TTFB: {TTFB_N} sequential streaming requests per target, keep-alive, interleaved")
    ttfb_cmd = [sys.executable, os.path.join(BENCH, "ttfb.py"), "-n", str(TTFB_N),
                f"direct={os.environ['PORT_DIRECT_TTFB']}", f"nginx={os.environ['PORT_NGINX_TTFB']}",
                f"triage={os.environ['PORT_TRIAGE_TTFB']}"]
    ttfb_cmd += [f"{label}={EXTRA[name][0]}" for name, label in TTFB_EXTRA.items() if name in EXTRA]
    try:
        data["ttfb"] = json.loads(subprocess.run(ttfb_cmd, capture_output=True, text=True, timeout=180).stdout)
    except Exception as exc:  # noqa: BLE001
        data["ttfb"] = {"error": repr(exc)}

    check_alive("TTFB client")

    # 3b. Latency at a fixed offered rate, JSON and streams, three arrival patterns (bench/fixed_rate.py):
    # burst = h2load --rps (20 requests at once every 10 ms, as in earlier runs); paced and poisson =
    # bench/open_loop.c (evenly spaced; a Poisson process), latency counted from each request's due time.
    rate_targets = [f"{t}={TARGETS[t]}" for t in TARGETS if t != "triage-auto"]
    for arrivals, key in (("burst", "fixed_rate"), ("paced", "fixed_rate_paced"), ("poisson", "fixed_rate_poisson")):
        data[key] = {"rate": FIXED_RATE, "arrivals": arrivals}
        for mode in MODES:
            log(f"fixed rate: {FIXED_RATE} req/s, {mode}, {arrivals} arrivals, {FIXED_RATE_DURATION} s x {REPEAT} per target")
            cmd = [sys.executable, os.path.join(BENCH, "fixed_rate.py"), "--rate", str(FIXED_RATE), "--arrivals", arrivals,
                   "--duration", str(FIXED_RATE_DURATION), "--repeat", str(REPEAT)] + (["--stream"] if mode == "stream" else []) + rate_targets
            try:
                data[key][mode] = json.loads(subprocess.run(
                    cmd, capture_output=True, text=True, timeout=REPEAT * len(rate_targets) * (FIXED_RATE_DURATION + 35)).stdout)
            except Exception as exc:  # noqa: BLE001
                data[key][mode] = {"error": repr(exc)}
            check_alive(f"fixed-rate client ({mode}, {arrivals})")

    # 3c. Idle keep-alive connections held by a fresh triage (its own upstream and process).
    if IDLE_CONNECTIONS:
        log(f"{IDLE_CONNECTIONS} idle keep-alive connections to a fresh triage")
        cmd = [sys.executable, os.path.join(BENCH, "idle_connections.py"), "--binary", os.environ["TRIAGE_BIN"],
               "--upstream", os.path.join(ROOT, ".build-bench", "fast_upstream"), "--connections", str(IDLE_CONNECTIONS)]
        try:
            data["idle_connections"] = json.loads(subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout)
        except Exception as exc:  # noqa: BLE001
            data["idle_connections"] = {"error": repr(exc)}

    # 4. 1,000 concurrent streaming clients against a fresh triage (upstream: 20 events 50 ms apart).
    log(f"{MANY} concurrent streaming clients against triage (20 events x 50 ms)")
    many_cmd = [sys.executable, os.path.join(BENCH, "many_streams.py"), "--port", os.environ["PORT_TRIAGE_MANY"],
                "--pid", os.environ["PID_TRIAGE_MANY"], "--clients", str(MANY), "--timeout", "60"]
    try:
        data["many_streams"] = json.loads(subprocess.run(many_cmd, capture_output=True, text=True, timeout=120).stdout)
    except Exception as exc:  # noqa: BLE001
        data["many_streams"] = {"error": repr(exc), "errors": MANY, "completed_ok": 0}

    check_alive("1,000-stream client")

    # 5. Scaling sweep: concurrency (200 B JSON) and prompt size (c=64 JSON).
    if SWEEP:
        sweep = {"concurrency": [], "size": []}
        points = [("concurrency", c, 200) for c in SWEEP_CONCURRENCY] + [("size", 64, s) for s in SWEEP_SIZES]
        for i, (kind, conc, size) in enumerate(points):
            log(f"sweep [{i + 1}/{len(points)}] c={conc} body={size} B: {', '.join(SWEEP_TARGETS)}")
            res = {t: wrk_cpu(t, conc, SWEEP_DURATION, size=size) for t in SWEEP_TARGETS}
            d, n, t = res["direct"], res["nginx"], res["triage"]
            sweep[kind].append({
                "concurrency": conc, "body_bytes": size, "results": res,
                "triage_added_p50_us": diff(t["p50_us"], d["p50_us"]),
                "triage_added_p99_us": diff(t["p99_us"], d["p99_us"]),
                "nginx_added_p50_us": diff(n["p50_us"], d["p50_us"]),
                "triage_rps_ratio_vs_nginx": ratio(t["rps"], n["rps"]),
            })
        data["sweep"] = sweep

    data["rss_final_kib"] = {
        "triage": {"VmHWM": proc_status(os.environ["PID_TRIAGE_FIXED"], "VmHWM"),
                   "VmRSS": proc_status(os.environ["PID_TRIAGE_FIXED"], "VmRSS")},
        "triage-auto": {"VmHWM": proc_status(os.environ["PID_TRIAGE_AUTO"], "VmHWM")},
        "triage-1k-streams": {"VmHWM": proc_status(os.environ["PID_TRIAGE_MANY"], "VmHWM")},
    }
    tmp = os.environ.get("BENCH_TMP", "")
    data["routing_log_bytes"] = {
        name: (os.path.getsize(os.path.join(tmp, f"routing-{name}.jsonl"))
               if os.path.exists(os.path.join(tmp, f"routing-{name}.jsonl")) else None)
        for name in ["fixed", "auto", "ttfb", "many"]
    }
    data["loadavg_end"] = loadavg()
    data["goals"] = goals(data)
    data["goals_issue19"] = goals19(data, point)
    data["errors_total"] = error_total(data)
    data["elapsed_s"] = round(time.time() - t_start, 1)

    with open(os.path.join(RESULTS, "latest.json"), "w") as f:
        json.dump(data, f, indent=1)
    md = report(data)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(md)
    print(md)
    log(f"load phase took {data['elapsed_s']} s; wrote bench/results/latest.md and latest.json")


def _stop(signum, _frame):
    # Raised inside subprocess.run, this kills the running wrk/client before exiting.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        main()
    except ProcessDied as exc:
        log(f"ERROR: {exc}; no report written (a run with a dead proxy or upstream measures nothing)")
        sys.exit(3)
