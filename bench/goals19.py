"""The goals of issue 19 and the per-target comparison table (triage, an earlier triage build,
the relay prototypes), computed from bench.py's data; imported by bench.py."""

MODES = ["json", "stream"]
# The fixed-rate runs (bench/fixed_rate.py), by arrival pattern: the data key and a short name.
# burst: h2load --rps, whose 20 clients fire together (20 requests at once every 10 ms);
# paced: one request every 1/rate s; poisson: a Poisson process (bench/open_loop.c, both).
ARRIVALS = [("fixed_rate_paced", "paced"), ("fixed_rate_poisson", "Poisson"), ("fixed_rate", "h2load bursts of 20")]
COLUMNS = ["nginx", "triage", "triage-before", "proto-nio", "proto-hb"]


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _sub(a, b):
    return None if a is None or b is None else a - b


def _div(a, b):
    return None if a is None or not b else a / b


def measures(data, point, target):
    """One column of the comparison table: everything issue 19 measures, for one target."""
    out = {}
    for mode in MODES:
        out[f"cpu_{mode}"] = point(data, mode, 64, target).get("proxy_cpu_us_per_req")
        out[f"rps_{mode}"] = point(data, mode, 64, target).get("rps")
        out[f"c1_added_{mode}"] = point(data, mode, 1, target).get("added_p50_us_vs_direct")
        for key, _ in ARRIVALS:
            rate = _get(data, key, mode) or {}
            out[f"{key}_p50_{mode}"] = _sub(_get(rate, target, "p50_us"), _get(rate, "direct", "p50_us"))
            out[f"{key}_p99_{mode}"] = _sub(_get(rate, target, "p99_us"), _get(rate, "direct", "p99_us"))
    out["ttfb_added"] = _sub(_get(data, "ttfb", target, "ttfb_p50_us"), _get(data, "ttfb", "direct", "ttfb_p50_us"))
    return out


def goals19(data, point):
    t, n = measures(data, point, "triage"), measures(data, point, "nginx")
    goals = []

    def add(name, measured, target, met, nginx=None, unit="µs"):
        goals.append({"goal": name, "measured": measured, "target": target, "met": bool(met), "nginx": nginx, "unit": unit})

    for mode in MODES:
        r = _div(t[f"cpu_{mode}"], n[f"cpu_{mode}"])
        add(f"CPU per request, {mode} (c=64), × nginx", r, "≤ 3×", r is not None and r <= 3, None, "x")
    add("added latency over direct, c=1, JSON p50", t["c1_added_json"], "≤ 100 µs",
        t["c1_added_json"] is not None and t["c1_added_json"] <= 100, n["c1_added_json"])
    add("added time to first stream byte, p50", t["ttfb_added"], "≤ 300 µs",
        t["ttfb_added"] is not None and t["ttfb_added"] <= 300, n["ttfb_added"])
    for key, name in ARRIVALS:
        rate = _get(data, key, "rate")
        if rate is None:
            continue
        for mode in MODES:
            p50, p99, np50 = t[f"{key}_p50_{mode}"], t[f"{key}_p99_{mode}"], n[f"{key}_p50_{mode}"]
            add(f"{rate} req/s ({name}), {mode}: added p50", p50, "≤ 3× nginx's",
                p50 is not None and np50 is not None and p50 <= 3 * max(np50, 1), np50)
            add(f"{rate} req/s ({name}), {mode}: added p99", p99, "≤ 1,000 µs", p99 is not None and p99 <= 1000,
                n[f"{key}_p99_{mode}"])
    idle = data.get("idle_connections") or {}
    if idle:
        served = idle.get("opened_ok") == idle.get("connections") and (idle.get("fresh") or {}).get("failures") == 0 \
            and idle.get("reused_ok") == idle.get("reused_sample")
        add(f"{idle.get('connections')} idle keep-alive connections: RSS, new requests served", idle.get("rss_idle_mb"),
            "≤ 300 MB, served", served and (idle.get("rss_idle_mb") or 1e9) <= 300, None, "MB")
    return goals


def _fmt(v, unit):
    if v is None:
        return "–"
    if unit == "x":
        return f"{v:.1f}×"
    if unit == "MB":
        return f"{v:,.0f} MB"
    if unit == "rps":
        return f"{v:,.0f}"
    if unit == "cpu":
        return f"{v:,.1f}"
    return f"{v:+,.0f}"


def report19(L, data, point):
    L.append("### Goals of issue 19 (this run)")
    L.append("")
    L.append("| goal | triage | target | met | nginx, same run |")
    L.append("|---|---:|---|:---:|---:|")
    for g in data.get("goals_issue19", []):
        L.append(f"| {g['goal']} | {_fmt(g['measured'], g['unit'])} | {g['target']} | {'✅' if g['met'] else '❌'} "
                 f"| {_fmt(g['nginx'], g['unit'])} |")
    L.append("")
    columns = [c for c in COLUMNS if c in {row["target"] for row in data["matrix"]}]
    cols = {c: measures(data, point, c) for c in columns}
    rows = [("CPU µs/request, JSON (c=64)", "cpu_json", "cpu"), ("CPU µs/request, stream (c=64)", "cpu_stream", "cpu"),
            ("req/s JSON (c=64)", "rps_json", "rps"), ("req/s stream (c=64)", "rps_stream", "rps"),
            ("added p50 over direct, c=1, JSON", "c1_added_json", "us"),
            ("added p50 over direct, c=1, stream", "c1_added_stream", "us"),
            ("added TTFB p50", "ttfb_added", "us")]
    for key, name in ARRIVALS:
        rate = _get(data, key, "rate")
        if rate is None:
            continue
        for mode in MODES:
            rows += [(f"{rate} req/s ({name}) {mode}: added p50", f"{key}_p50_{mode}", "us"),
                     (f"{rate} req/s ({name}) {mode}: added p99", f"{key}_p99_{mode}", "us")]
    L.append("Per target (triage-before: the build named by `TRIAGE_BIN_BEFORE`; proto-*: `bench/relay-proto`, "
             "the hot path alone on each server stack; added = over the upstream alone, µs):")
    L.append("")
    L.append("| measure | " + " | ".join(columns) + " |")
    L.append("|---|" + "---:|" * len(columns))
    for title, key, unit in rows:
        L.append(f"| {title} | " + " | ".join(_fmt(cols[c][key], unit) for c in columns) + " |")
    L.append("")
    for key, name in ARRIVALS:
        for mode in MODES:
            rates = _get(data, key, mode) or {}
            if "error" in rates:
                L.append(f"⚠ fixed-rate client failed ({name}, {mode}): {rates['error']}")
    idle = data.get("idle_connections") or {}
    if idle and "error" not in idle:
        L.append(f"Idle connections: {idle.get('opened_ok')}/{idle.get('connections')} opened (one request each), "
                 f"RSS {idle.get('rss_idle_mb')} MB held idle (start {(idle.get('rss_start_kib') or 0) / 1024:.0f} MB); "
                 f"{(idle.get('fresh') or {}).get('count')} new requests meanwhile: {(idle.get('fresh') or {}).get('failures')} "
                 f"failed, p50 {(idle.get('fresh') or {}).get('p50_us', 0):,.0f} µs; after "
                 f"the hold, {idle.get('reused_ok')}/{idle.get('reused_sample')} idle connections reused.")
    elif idle:
        L.append(f"⚠ idle-connections test failed: {idle['error']}")
    L.append("")
