"""Added latency of Triage on real-model requests: the same short chat requests sent to the
local model server directly and through Triage, interleaved (direct, proxy, direct, ...) so
both see the same machine state. Prints a Markdown table and writes JSON.

    python3 bench/real_model_latency.py --direct http://127.0.0.1:8089/v1 \
        --proxy http://127.0.0.1:8080/v1 --requests 200 --json out.json
"""
import argparse
import http.client
import json
import statistics
import time
import urllib.parse

PROMPTS = ["What is the capital of France?", "Name a fruit.", "Say hello.", "What colour is the sky?"]


def post(conn, path, body):
    start = time.perf_counter()
    conn.request("POST", path, body=body, headers={"content-type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status} from {path}: {data[:300]!r}")
    return elapsed, json.loads(data)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--direct", required=True)
    parser.add_argument("--proxy", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--max-tokens", type=int, default=8)
    parser.add_argument("--json")
    args = parser.parse_args()

    targets = {}
    for name, base in (("direct", args.direct), ("proxy", args.proxy)):
        url = urllib.parse.urlparse(base)
        targets[name] = (http.client.HTTPConnection(url.hostname, url.port, timeout=120), url.path.rstrip("/") + "/chat/completions")
    times = {"direct": [], "proxy": []}
    tokens = {"direct": 0, "proxy": 0}
    for i in range(args.requests + 4):
        prompt = PROMPTS[i % len(PROMPTS)]
        order = ("direct", "proxy") if i % 2 == 0 else ("proxy", "direct")
        for name in order:
            conn, path = targets[name]
            # A tag unique to the request at the start of the user message: llama.cpp reuses the
            # KV cache of the previous prompt's common prefix, which would make whichever request
            # of a pair goes second cheaper. With the tag both do the same work.
            tag = f"[{i:04d}{'a' if name == 'direct' else 'b'}] "
            body = json.dumps({"model": "smollm2-135m" if name == "direct" else "triage", "max_tokens": args.max_tokens,
                               "temperature": 0, "messages": [{"role": "user", "content": tag + prompt}]})
            elapsed, data = post(conn, path, body)
            if i >= 4:  # the first few warm up connections and caches
                times[name].append(elapsed * 1000)
                tokens[name] += data.get("usage", {}).get("completion_tokens", 0)
    result = {"requests_each": args.requests, "max_tokens": args.max_tokens}
    for name in times:
        result[name] = {"p50_ms": statistics.median(times[name]), "p90_ms": pct(times[name], 90),
                        "mean_ms": statistics.fmean(times[name]), "completion_tokens": tokens[name]}
    # Each proxy request is paired with the direct one sent right next to it (same prompt):
    # the median of the pair differences is robust to the model's own jitter and drift.
    pairs = [p - d for d, p in zip(times["direct"], times["proxy"])]
    result["added_paired_median_ms"] = statistics.median(pairs)
    result["added_p50_ms"] = result["proxy"]["p50_ms"] - result["direct"]["p50_ms"]
    result["added_mean_ms"] = result["proxy"]["mean_ms"] - result["direct"]["mean_ms"]
    result["ratio_p50"] = result["proxy"]["p50_ms"] / result["direct"]["p50_ms"]
    print(f"| real model (SmolLM2-135M, llama.cpp), {args.requests} requests each, max_tokens {args.max_tokens} | p50 ms | p90 ms | mean ms |")
    print("|---|---:|---:|---:|")
    for name in ("direct", "proxy"):
        r = result[name]
        print(f"| {name} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} | {r['mean_ms']:.2f} |")
    print(f"| added by Triage (difference of the columns) | {result['added_p50_ms']:+.2f} ({result['ratio_p50']:.3f}x) | | {result['added_mean_ms']:+.2f} |")
    print(f"| **added by Triage, median of {len(pairs)} paired differences** | **{result['added_paired_median_ms']:+.2f}** | | |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
