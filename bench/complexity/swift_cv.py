"""Swift-side check of the research numbers: the same honest protocol as run3.py/run5.py (5 folds;
MMLU subject-disjoint, GSM8K by sha256 hash; each fold trains on the other folds' MMLU+GSM8K;
MT-Bench turn 1 scored by a model on all of them), but each fold is trained by the release
`triage train` and scored by `triage score`. Training rows carry strong_correct (gain target);
high_school_mathematics is scored but not trained on (as `make weights`).
Usage: TRIAGE_BIN=.build/release/triage python3 bench/complexity/swift_cv.py [--keep-hsm] [--label-only]"""
import hashlib, json, os, sys, tempfile
from pathlib import Path
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from data import load_mmlu, load_gsm8k, load_mtbench, metrics_binary, metrics_mtbench, auroc
from bench.routing.triage_cli import Triage

K = 5
keep_hsm = "--keep-hsm" in sys.argv
label_only = "--label-only" in sys.argv
m, g, t = load_mmlu(), load_gsm8k(), load_mtbench()
sizes = {}
for r in m: sizes[r["subject"]] = sizes.get(r["subject"], 0) + 1
load = [0] * K; fo = {}
for s in sorted(sizes, key=lambda s: (-sizes[s], s)):
    f = min(range(K), key=lambda i: (load[i], i)); fo[s] = f; load[f] += sizes[s]
mf = np.array([fo[r["subject"]] for r in m])
gf = np.array([int.from_bytes(hashlib.sha256(r["prompt"].encode()).digest()[:8], "big") % K for r in g])
work = Path(tempfile.mkdtemp(prefix="cx-cv-"))
tri = Triage(binary=os.environ.get("TRIAGE_BIN"), workdir=work)

def train(rows, name):
    path = work / f"{name}.jsonl"
    with open(path, "w") as f:
        for r in rows:
            if not keep_hsm and r["subject"] == "high_school_mathematics":
                continue
            rec = {"prompt": r["prompt"], "label": int(not r["weak"])}
            if not label_only:
                rec["strong_correct"] = r["strong"]
            f.write(json.dumps(rec) + "\n")
    out = work / f"{name}.json"
    extra = os.environ.get("TRAIN_ARGS", "").split()
    import subprocess
    subprocess.run([tri.binary, "train", "--labels", str(path), "--out", str(out), "--holdout", "0", *extra],
                   check=True, capture_output=True)
    return out

def score(weights, rows):
    return np.array([x["complexity"] for x in tri.score([r["prompt"] for r in rows], weights=weights)])

sm = np.zeros(len(m)); sg = np.zeros(len(g))
for f in range(K):
    w = train([r for r, x in zip(m, mf) if x != f] + [r for r, x in zip(g, gf) if x != f], f"fold{f}")
    sm[mf == f] = score(w, [r for r, x in zip(m, mf) if x == f])
    sg[gf == f] = score(w, [r for r, x in zip(g, gf) if x == f])
w = train(m + g, "all")
st = score(w, t)
def ties(s):
    # break exact ties deterministically (RouteLLM's qcut needs distinct edges)
    return s + 1e-12 * np.arange(len(s)) / len(s)
mm = metrics_binary(ties(sm), m)
keep = np.array([r["subject"] != "high_school_mathematics" for r in m])
mx = metrics_binary(ties(sm[keep]), [r for r, k in zip(m, keep) if k])
gm = metrics_binary(ties(sg), g); tm = metrics_mtbench(ties(st), t)
print(f"Swift {'label-only' if label_only else 'gain'}{' +hsm' if keep_hsm else ''}: "
      f"MMLU APGR {mm['apgr']:.3f} CPT50 {mm['cpt50']:.1f} CPT80 {mm['cpt80']:.1f} AUROC {auroc(sm, [not r['weak'] for r in m]):.3f} | "
      f"MMLU-no-HSM {mx['apgr']:.3f}/{mx['cpt50']:.1f} | GSM8K APGR {gm['apgr']:.3f} CPT50 {gm['cpt50']:.1f} "
      f"AUROC {auroc(sg, [not r['weak'] for r in g]):.3f} | MT-Bench APGR {tm['apgr']:.3f} CPT50 {tm['cpt50']:.1f}")
