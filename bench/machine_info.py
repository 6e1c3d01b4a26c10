"""What bench/bench.py records about the machine and its processes: the report's header (CPU,
kernel, tool versions, the triage build) and a process's memory from /proc."""
import datetime
import os
import platform
import subprocess


def proc_status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def cmd_out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30, shell=True).stdout.strip() \
            or subprocess.run(cmd, capture_output=True, text=True, timeout=30, shell=True).stderr.strip()
    except Exception:  # noqa: BLE001
        return "?"


def machine(root):
    """The machine, the tools' versions and the triage build, for the report's header."""
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "os": cmd_out(". /etc/os-release && echo $PRETTY_NAME"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "swift": cmd_out("swift --version 2>&1 | head -1"),
        "nginx": cmd_out(f"{os.environ.get('NGINX_BIN', 'nginx')} -v 2>&1"),
        "wrk": cmd_out("wrk -v 2>&1 | head -1 | sed 's/ Copyright.*//'"),
        "triage_commit": os.environ.get("BENCH_TRIAGE_LABEL") or (
            (cmd_out(f"git -C {root} rev-parse --short HEAD") +
             (" + uncommitted changes" if cmd_out(f"git -C {root} status --porcelain -- Sources Package.swift") else ""))
            if os.environ.get("TRIAGE_BUILT") == "1" else f"binary {os.environ.get('TRIAGE_BIN', '?')}"),
        "triage_bin": os.environ.get("TRIAGE_BIN", "?"),
    }
