#!/usr/bin/env python3
"""Writes a synthetic routing log of N requests spread over the last `--minutes` (stdlib only).

    python3 bench/dashboard/make_log.py --out /tmp/big/routing.jsonl --requests 100000 --minutes 55

Records look like Triage's own (same fields, chat messages of ~20 words, answers of ~40 words,
classifier scores, usage and cost; 70% local, 3% errors, 2% fallbacks), for measuring the
dashboard's first render with a full window (bench/dashboard/measure.sh).
"""
import argparse, json, random, datetime

WORDS = "card balance account pin refund transfer payment loan fee limit statement branch online app verify".split()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--requests", type=int, default=100000)
    p.add_argument("--minutes", type=float, default=55)
    a = p.parse_args()
    rnd = random.Random(7)
    now = datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(minutes=a.minutes)
    step = a.minutes * 60 / a.requests
    with open(a.out, "w") as f:
        for i in range(a.requests):
            ts = (start + datetime.timedelta(seconds=i * step)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            local = rnd.random() < 0.7
            backend = "local" if local else "remote"
            prompt = " ".join(rnd.choice(WORDS) for _ in range(20)) + "?"
            answer = " ".join(rnd.choice(WORDS) for _ in range(40))
            pt, ct = 25, 40
            cost = pt * 0.1e-6 + ct * 0.2e-6 if local else pt * 2.5e-6 + ct * 10e-6
            status = 502 if rnd.random() < 0.03 else 200
            fit = rnd.random() if local else rnd.random() ** 3
            rec = {"backend": backend, "client_model": "triage", "cost_usd": cost, "endpoint": "/v1/chat/completions",
                   "id": f"tr-{i:024x}", "latency_ms": rnd.lognormvariate(5 if local else 6.5, 0.5),
                   "messages": [{"role": "user", "content": prompt}], "reason": "rule 'default' routed auto -> classifier",
                   "response": answer, "rule": "default", "status": status, "stream": i % 3 == 0, "ts": ts,
                   "scores": {"complexity": rnd.random() ** 2, "decided_by": "none" if local else "fit", "fit": fit,
                              "micros": 30, "similarity": fit},
                   "usage": {"completion_tokens": ct, "prompt_tokens": pt, "source": "upstream", "total_tokens": pt + ct},
                   "upstream_model": backend + "-model"}
            if i % 3 == 0:
                rec["ttft_ms"] = rec["latency_ms"] / 4
            if status != 200:
                rec["error"] = "upstream failed"
            if rnd.random() < 0.02:
                rec["attempts"] = [{"backend": "local", "outcome": "failed", "latency_ms": 3}, {"backend": "remote", "outcome": "ok", "latency_ms": 500}]
            f.write(json.dumps(rec, sort_keys=True) + "\n")

if __name__ == "__main__":
    main()
