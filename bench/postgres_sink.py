#!/usr/bin/env python3
"""The PostgreSQL sink against the JSONL file sink, in one run (issue 16).

Usage: python3 bench/postgres_sink.py [--binary PATH] [--requests 3000] [--rows 1000000] [--rounds 2]

Starts on 127.0.0.1 only: a throwaway PostgreSQL cluster (initdb in a temporary directory, a
free port, synchronous_commit=off unless --durable: the file sink's guarantee, records written
but not fsynced; run as the postgres user when this runs as root), the
C fast upstream, and `triage serve` with `log.sink: file` and then `log.sink: postgres`
(alternating, `--rounds` times). Reports, per sink, the proxy's CPU microseconds per request
(from /proc/PID/stat), throughput, and for the database sink the PostgreSQL server's CPU per
request too. Then the sustained insert rate (`triage migrate-log` of a generated log, batches
of 2,000 rows through the sink's inserter) and the time of `triage report --source postgres`
over `--rows` rows. Every process it starts is stopped by PID; the cluster directory is removed.
Results: bench/results/postgres_sink.json.
"""
import argparse
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu_per_request import ROOT, cpu_seconds, load, stop_all, wait_line  # noqa: E402


class Cluster:
    def __init__(self, durable=False):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
        if not versions:
            raise SystemExit("no PostgreSQL server binaries: install Debian's postgresql package (make deps)")
        self.bin = os.path.dirname(versions[0])
        self.dir = tempfile.mkdtemp(prefix="triage-pg-bench-")
        self.prefix = []
        if os.getuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")
        self.run("initdb", "-D", self.data, "-A", "trust", "-U", "triage", "-E", "UTF8", "--locale=C", "--no-instructions")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-w", "start", "-o",
                 f"-p {self.port} -h 127.0.0.1 -k {self.dir} -c shared_buffers=512MB -c max_wal_size=4GB"
                 + ("" if durable else " -c synchronous_commit=off"))
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "triage", "triage")
        self.url = f"postgres://triage@127.0.0.1:{self.port}/triage?sslmode=disable"

    def run(self, tool, *args):
        subprocess.check_call(self.prefix + [os.path.join(self.bin, tool), *args], stdout=subprocess.DEVNULL, cwd="/")

    def psql(self, sql):
        return subprocess.check_output([os.path.join(self.bin, "psql"), "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port),
                                        "-U", "triage", "-d", "triage", "-c", sql], text=True).strip()

    def server_cpu(self):
        """CPU seconds of the postmaster and every backend (children of the postmaster)."""
        with open(os.path.join(self.data, "postmaster.pid")) as handle:
            root = int(handle.readline())
        total = cpu_seconds(root)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        if int(handle.read().rsplit(")", 1)[1].split()[1]) == root:
                            total += cpu_seconds(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        return total

    def stop(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as handle:
                pid = int(handle.readline())
            os.kill(pid, 2)
            for _ in range(300):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (OSError, ValueError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def write_log(path, rows):
    """A JSONL routing log of `rows` records over the last 30 days (the writer's key order)."""
    now = time.time()
    with open(path, "w") as out:
        for i in range(rows):
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - (rows - i) * (30 * 86400 / rows))) + ".000Z"
            backend = "remote" if i % 4 == 0 else "local"
            out.write(json.dumps({
                "backend": backend, "client_model": "triage", "cost_usd": 0.0004 if backend == "remote" else 0.00001,
                "endpoint": "/v1/chat/completions", "id": f"tr-bench-{i:08d}", "latency_ms": 20 + i % 300,
                "messages": [{"content": f"What is the capital of country number {i}?", "role": "user"}],
                "reason": "rule default", "response": f"Answer {i}.", "rule": "default", "status": 200 if i % 50 else 502,
                "stream": i % 3 == 0, "ts": ts, "upstream_model": backend + "-model",
                "usage": {"completion_tokens": 3 + i % 40, "prompt_tokens": 12 + i % 90, "source": "upstream", "total_tokens": 15 + i % 130},
            }, sort_keys=True, separators=(",", ":")) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--durable", action="store_true",
                        help="synchronous_commit=on (each batch waits for a WAL flush); default off, the file sink's page-cache durability")
    args = parser.parse_args()
    binary = args.binary
    if not binary:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "triage", "--scratch-path", ".build-bench"],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
        binary = os.path.join(ROOT, ".build-bench/release/triage")
    upstream_bin = os.path.join(ROOT, ".build-bench/fast_upstream")
    if not os.path.exists(upstream_bin):
        os.makedirs(os.path.dirname(upstream_bin), exist_ok=True)
        subprocess.check_call(["gcc", "-O2", "-o", upstream_bin, os.path.join(ROOT, "bench/fast_upstream.c")])
    processes = []
    cluster = Cluster(durable=args.durable)
    workdir = tempfile.mkdtemp(prefix="triage-pg-bench-work-")
    env = dict(os.environ, TRIAGE_DATABASE_URL=cluster.url)
    try:
        upstream = subprocess.Popen([upstream_bin, "--port", "0"], stdout=subprocess.PIPE, text=True)
        processes.append(upstream)
        up_port = int(wait_line(upstream, "PORT").split()[1])
        results = {"file": [], "postgres": []}
        for round_number in range(args.rounds):
            for sink in ("file", "postgres"):
                config = os.path.join(workdir, f"routes-{sink}-{round_number}.yaml")
                with open(config, "w") as handle:
                    handle.write(f"""listen: {{host: 127.0.0.1, port: 0}}
log: {{path: {workdir}/routing-{sink}-{round_number}.jsonl, sink: {sink}, table: bench_{round_number}}}
backends:
  - {{name: local, base_url: "http://127.0.0.1:{up_port}/v1", model: small}}
rules:
  - {{name: default, match: {{always: true}}, route: local}}
auto: {{default_backend: local}}
""")
                triage = subprocess.Popen([binary, "serve", "--config", config, "--log-level", "error", "--no-watch"],
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
                processes.append(triage)
                port = int(wait_line(triage, "triage listening").rsplit(":", 1)[1])
                load(port, 500, args.connections, False)  # warm-up (and the schema, for postgres)
                before, db_before = cpu_seconds(triage.pid), cluster.server_cpu()
                started = time.time()
                done = load(port, args.requests, args.connections, False)
                elapsed = time.time() - started
                used, db_used = cpu_seconds(triage.pid) - before, cluster.server_cpu() - db_before
                triage.terminate()
                triage.wait(timeout=30)
                processes.remove(triage)
                row = {"requests": done, "cpu_us_per_request": used / done * 1e6, "wall_rps": done / elapsed}
                if sink == "postgres":
                    row["postgres_server_cpu_us_per_request"] = db_used / done * 1e6
                    row["rows"] = int(cluster.psql(f"SELECT count(*) FROM bench_{round_number}"))
                results[sink].append(row)
                print(sink, json.dumps(row), file=sys.stderr)
        summary = {}
        for sink, rows in results.items():
            summary[sink] = {key: sum(r[key] for r in rows) / len(rows) for key in rows[0] if key != "rows"}
        summary["postgres_vs_file_cpu_percent"] = (summary["postgres"]["cpu_us_per_request"] / summary["file"]["cpu_us_per_request"] - 1) * 100

        log = os.path.join(workdir, "big.jsonl")
        write_log(log, args.rows)
        config = os.path.join(workdir, "routes-big.yaml")
        with open(config, "w") as handle:
            handle.write(f"log: {{path: {log}, sink: postgres, table: big}}\nbackends:\n  - {{name: local, base_url: \"http://127.0.0.1:1/v1\", model: m}}\n"
                         "  - {name: remote, base_url: \"http://127.0.0.1:1/v1\", model: m, price: {input_per_million: 3, output_per_million: 15}}\n"
                         "rules:\n  - {name: default, match: {always: true}, route: local}\nauto: {default_backend: local}\n")
        started = time.time()
        subprocess.check_call([binary, "migrate-log", "--config", config], env=env, stdout=subprocess.DEVNULL)
        insert_seconds = time.time() - started
        summary["insert"] = {"rows": args.rows, "seconds": insert_seconds, "rows_per_second": args.rows / insert_seconds}
        timings = {}
        for name, extra in (("report_all", []), ("report_7d", ["--since", "7d"])):
            started = time.time()
            subprocess.check_call([binary, "report", "--config", config, "--source", "postgres", "--json", *extra], env=env, stdout=subprocess.DEVNULL)
            timings[name + "_seconds"] = time.time() - started
        started = time.time()
        subprocess.check_call([binary, "report", "--config", config, "--source", "file", "--json"], env=env, stdout=subprocess.DEVNULL)
        timings["report_all_from_jsonl_seconds"] = time.time() - started
        summary["report"] = {"rows": args.rows, **timings}
        summary["runs"] = results
        print(json.dumps(summary, indent=2))
        os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench/results/postgres_sink.json"), "w") as handle:
            json.dump(summary, handle, indent=2)
    finally:
        stop_all(processes)
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
