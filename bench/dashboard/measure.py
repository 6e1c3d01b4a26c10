#!/usr/bin/env python3
"""Measures the dashboard with a big window (stdlib only; a release build of `triage`).

    # file sink: writes a log of --requests records over the last 55 minutes, starts Triage on it
    python3 bench/dashboard/measure.py --triage .build/release/triage --requests 100000
    # database sink: TRIAGE_DATABASE_URL holds rows (bench/postgres_report/make_rows.sql)
    python3 bench/dashboard/measure.py --triage .build/release/triage --postgres

Prints one JSON object: start-up (file sink: the store's seeding time from Triage's own log line
when it writes one, and the start-up CPU time until the process goes idle), resident memory
once idle, the report endpoint's time for the "last hour" and "last day" windows as the page asks
for them (five calls each), and the first render in headless Chromium
(Tests/Fixtures/dashboard_browser_check.py --measure-only, --loads loads: median, min, max).
"""
import argparse, json, os, re, socket, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed_get(url, calls=5):
    times = []
    for _ in range(calls):
        start = time.monotonic()
        with urllib.request.urlopen(url, timeout=600) as answer:
            body = answer.read()
        times.append(time.monotonic() - start)
    return {"seconds": [round(t, 3) for t in times], "median_s": round(statistics.median(times), 3),
            "total_requests": json.loads(body).get("total_requests")}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--triage", required=True)
    p.add_argument("--requests", type=int, default=100000)
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--loads", type=int, default=10)
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="triage-dash-bench-")
    port = free_port()
    log = os.path.join(work, "routing.jsonl")
    if a.postgres:
        sink = "log: {path: %s, sink: postgres, url_env: TRIAGE_DATABASE_URL, table: routing}" % log
    else:
        subprocess.run([sys.executable, os.path.join(HERE, "make_log.py"), "--out", log, "--requests", str(a.requests), "--minutes", "55"], check=True)
        sink = "log: {path: %s}" % log
    config = os.path.join(work, "routes.yaml")
    with open(config, "w") as f:
        f.write(f"""listen: {{host: 127.0.0.1, port: {port}}}
{sink}
backends:
  - {{name: local, base_url: "http://127.0.0.1:9", model: m}}
  - name: remote
    base_url: "http://127.0.0.1:9"
    model: big
    price: {{input_per_million: 3, output_per_million: 15}}
  - name: mini
    base_url: "http://127.0.0.1:9"
    model: mini
    price: {{input_per_million: 0.15, output_per_million: 0.6}}
rules:
  - {{name: default, match: {{always: true}}, route: local}}
report: {{compare_to: remote, monthly_fixed_cost_usd: 300}}
auto: {{default_backend: local}}
""")
    stderr = open(os.path.join(work, "stderr.log"), "w+")
    started = time.monotonic()
    proc = subprocess.Popen([a.triage, "serve", "--config", config], stdout=stderr, stderr=subprocess.STDOUT, cwd=work)
    result = {"requests_in_log": None if a.postgres else a.requests}
    try:
        base = f"http://127.0.0.1:{port}"
        # Idle: CPU time unchanged over 2 s (the start-up reads of the log are done).
        last, idle_since = -1.0, None
        while time.monotonic() - started < 900:
            time.sleep(0.5)
            now = cpu_seconds(proc.pid)
            if now - last < 0.02:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= 2:
                    break
            else:
                idle_since = None
            last = now
        result["startup_cpu_s"] = round(last, 2)
        result["idle_after_s"] = round(idle_since - started, 1) if idle_since else None
        result["rss_mb_idle"] = round(rss_mb(proc.pid), 1)
        stderr.seek(0)
        for line in stderr.read().splitlines():
            if "dashboard report store read from the log" in line:
                fields = dict(re.findall(r"(\w+)=(\d+)", line))
                result["seed_ms"] = int(fields.get("ms", -1))
                result["seeded_records"] = int(fields.get("records", -1))
        result["report_1h"] = timed_get(base + "/v1/triage/report?since=1h&bucket=60")
        result["report_24h"] = timed_get(base + "/v1/triage/report?since=24h&bucket=900")
        renders = []
        for _ in range(a.loads):
            out = subprocess.run([sys.executable, os.path.join(ROOT, "Tests/Fixtures/dashboard_browser_check.py"), "--base", base, "--measure-only"],
                                 capture_output=True, text=True, timeout=300)
            if out.returncode != 0:
                result["render_error"] = out.stderr[-500:]
                break
            renders.append(json.loads(out.stdout.strip().splitlines()[-1])["first_render_ms"])
        if renders:
            result["first_render_ms"] = {"median": round(statistics.median(renders)), "min": round(min(renders)), "max": round(max(renders)), "all": [round(r) for r in renders]}
        result["rss_mb_after"] = round(rss_mb(proc.pid), 1)
        result["loadavg"] = open("/proc/loadavg").read().split()[:3]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        stderr.close()
    print(json.dumps(result, indent=1))
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
