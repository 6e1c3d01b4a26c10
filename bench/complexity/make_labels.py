"""Writes the complexity training labels from RouteLLM's public outcome files (MMLU 40 subjects +
GSM8K test, decontaminated as RouteLLM does) for `triage train --labels`:
{"prompt", "label" (Mixtral-8x7B wrong), "benchmark", "subject"} (with --gain also
"strong_correct" (GPT-4 right) and "strong_wins"). Used by `make weights`; the data stays in ../shared/data.

high_school_mathematics is left out by default: GPT-4 is marked correct on 3% of it (an
answer-extraction artifact of RouteLLM's 1-token capture, see the data README), so its
"strong_correct" would teach that maths questions gain nothing from the large model."""
import argparse, json, os, sys

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--data", help="the shared data folder (default ../shared/data)")
p.add_argument("--exclude-subject", action="append", default=None,
               help="MMLU subject file to leave out (repeatable; default high_school_mathematics; 'none' keeps all)")
p.add_argument("--gain", action="store_true",
               help="also write strong_correct/strong_wins, so triage train fits the large model's gain "
                    "(better on GSM8K, worse on MMLU and MT-Bench in bench/complexity/swift_cv.py; off by default)")
a = p.parse_args()
if a.data:
    os.environ["TRIAGE_DATA"] = a.data
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import load_mmlu, load_gsm8k  # noqa: E402

excluded = set(a.exclude_subject or ["high_school_mathematics"]) - {"none"}
rows = [r for r in load_mmlu() if r["subject"] not in excluded] + load_gsm8k()
with open(a.out, "w", encoding="utf-8") as f:
    for r in rows:
        rec = {"prompt": r["prompt"], "label": int(not r["weak"]), "benchmark": r["benchmark"], "subject": r["subject"]}
        if a.gain:
            rec["strong_correct"] = r["strong"]
            rec["strong_wins"] = int((not r["weak"]) and r["strong"])
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
print(f"{len(rows)} labelled prompts -> {a.out} (left out: {', '.join(sorted(excluded)) or 'none'})")
