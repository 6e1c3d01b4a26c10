"""Sends the same chat requests to the real local model server directly and through Triage,
with the official `openai` SDK (JSON and streaming), and prints what came back as JSON:

    {"json": [{"prompt", "direct", "proxy", "direct_usage", "proxy_usage", "proxy_id"}...],
     "stream": [{"prompt", "direct", "proxy", "proxy_id"}...]}

The Swift test compares the texts and checks them against the routing log. Generation is
greedy (temperature 0) and short, so the two answers of a pair must be identical.
"""
import argparse
import json
import sys

from openai import OpenAI

PROMPTS = [
    "What is the capital of France?",
    "Name three colours of the rainbow.",
    "Give me a synonym for happy.",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--direct", required=True, help="base URL of the model server, ending in /v1")
    parser.add_argument("--proxy", required=True, help="base URL of Triage, ending in /v1")
    parser.add_argument("--max-tokens", type=int, default=24)
    args = parser.parse_args()

    direct = OpenAI(base_url=args.direct, api_key="unused", max_retries=0, timeout=60)
    proxy = OpenAI(base_url=args.proxy, api_key="unused", max_retries=0, timeout=60)
    options = dict(max_tokens=args.max_tokens, temperature=0, seed=7)
    out = {"json": [], "stream": []}

    def same_start():
        # llama.cpp reuses the longest prompt prefix it still holds from the last request, and
        # a prompt evaluated from that cache can give another greedy answer than one evaluated
        # anew (seen: the same prompt twice in a row, "... conveys a more positive emotion" then
        # "... better captures the essence"). So every compared request starts after the same
        # one-token request, sent straight to the server (not logged by Triage).
        direct.chat.completions.create(model="smollm2-135m", messages=[{"role": "user", "content": "(reset)"}],
                                       max_tokens=1, temperature=0)

    for prompt in PROMPTS:
        messages = [{"role": "user", "content": prompt}]
        same_start()
        d = direct.chat.completions.create(model="smollm2-135m", messages=messages, **options)
        same_start()
        raw = proxy.chat.completions.with_raw_response.create(model="triage", messages=messages, **options)
        p = raw.parse()
        out["json"].append({
            "prompt": prompt,
            "direct": d.choices[0].message.content,
            "proxy": p.choices[0].message.content,
            "direct_finish": d.choices[0].finish_reason,
            "proxy_finish": p.choices[0].finish_reason,
            "direct_usage": d.usage.model_dump() if d.usage else None,
            "proxy_usage": p.usage.model_dump() if p.usage else None,
            "proxy_id": raw.headers.get("x-triage-request-id"),
            "proxy_backend": raw.headers.get("x-triage-backend"),
        })

    for prompt in PROMPTS:
        messages = [{"role": "user", "content": prompt}]
        same_start()
        d_text = "".join(c.choices[0].delta.content or "" for c in
                         direct.chat.completions.create(model="smollm2-135m", messages=messages, stream=True, **options)
                         if c.choices)
        same_start()
        raw = proxy.chat.completions.with_raw_response.create(model="triage", messages=messages, stream=True, **options)
        chunks = 0
        p_text = ""
        for c in raw.parse():
            if c.choices:
                chunks += 1
                p_text += c.choices[0].delta.content or ""
        out["stream"].append({
            "prompt": prompt, "direct": d_text, "proxy": p_text, "proxy_chunks": chunks,
            "proxy_id": raw.headers.get("x-triage-request-id"),
        })

    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
