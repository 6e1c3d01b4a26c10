"""Load the RouteLLM outcome labels (MMLU 40 subjects, GSM8K, MT-Bench) from ../shared/data,
decontaminated exactly as RouteLLM does, and RouteLLM's metrics (qcut deciles, >= then > last
edge, trapezoid AUC, np.interp CPT, APGR). Research code, not product code."""
import csv, json, os, glob, sys
import numpy as np

csv.field_size_limit(sys.maxsize)
DATA = os.environ.get("TRIAGE_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))
WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1"
STRONG = "gpt-4-1106-preview"


def _contaminated(path):
    with open(path) as f:
        return {json.loads(l)["eval_prompt"] for l in f if l.strip()}


def _truth(v):
    return v.strip() == "True"


def load_mmlu():
    bad = _contaminated(f"{DATA}/routellm/mmlu/contaminated_prompts.jsonl")
    rows = []
    for path in sorted(glob.glob(f"{DATA}/routellm/mmlu/responses/mmlu_*.csv")):
        subject = os.path.basename(path)[5:-4]
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r["prompt"] in bad:
                    continue
                rows.append(dict(prompt=r["prompt"], weak=_truth(r[WEAK]), strong=_truth(r[STRONG]),
                                 subject=subject, benchmark="mmlu"))
    return rows


def load_gsm8k():
    bad = _contaminated(f"{DATA}/routellm/gsm8k/contaminated_prompts.jsonl")
    rows = []
    with open(f"{DATA}/routellm/gsm8k/gsm8k_responses.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["prompt"] in bad:
                continue
            rows.append(dict(prompt=r["prompt"], weak=_truth(r[WEAK]), strong=_truth(r[STRONG]),
                             subject="gsm8k", benchmark="gsm8k"))
    return rows


def load_mtbench():
    bad = _contaminated(f"{DATA}/routellm/mt_bench/contaminated_prompts.jsonl")
    qs = [json.loads(l) for l in open(f"{DATA}/mt_bench/question.jsonl") if l.strip()]
    qs = [q for q in qs if q["turns"][0] not in bad and q["turns"][1] not in bad]
    judg = [json.loads(l) for l in open(f"{DATA}/routellm/mt_bench/judgements.jsonl") if l.strip()]
    scores = {}
    for j in judg:
        scores.setdefault((j["question_id"], j["model"]), []).append(j["score"])
    rows = []
    for q in qs:
        w = scores[(q["question_id"], WEAK)]
        s = scores[(q["question_id"], STRONG)]
        rows.append(dict(prompt=q["turns"][0], qid=q["question_id"], category=q["category"],
                         weak_scores=w, strong_scores=s, subject=q["category"], benchmark="mt_bench",
                         weak=np.mean(w) >= np.mean(s), strong=True))
    return rows


def routellm_metrics(scores, weak_perf, strong_perf, per_row_weight=None):
    """scores: router score per prompt; weak_perf/strong_perf: per prompt quality of each model
    (0/1 correctness, or for MT-Bench the sum of judge scores with per_row_weight = rows per
    prompt). Returns dict(apgr, cpt20, cpt50, cpt80, auc)."""
    import pandas as pd
    scores = np.asarray(scores, float)
    weak_perf = np.asarray(weak_perf, float)
    strong_perf = np.asarray(strong_perf, float)
    w = np.ones_like(scores) if per_row_weight is None else np.asarray(per_row_weight, float)
    _, edges = pd.qcut(scores, 10, retbins=True)
    pts = []
    for i, e in enumerate(edges):
        strong = scores >= e if i < len(edges) - 1 else scores > e
        perf = np.where(strong, strong_perf, weak_perf).sum() / w.sum()
        pct = 100 * (w * strong).sum() / w.sum()
        pts.append((pct, 100 * perf if per_row_weight is None else perf))
    pts.sort()
    x = np.array([p[0] for p in pts]); y = np.array([p[1] for p in pts])
    weak = (100 if per_row_weight is None else 1) * weak_perf.sum() / w.sum()
    strong = (100 if per_row_weight is None else 1) * strong_perf.sum() / w.sum()
    auc = np.trapezoid(y, x / 100)
    weak_auc = np.trapezoid(np.full_like(x, weak), x / 100)
    strong_auc = np.trapezoid(np.full_like(x, strong), x / 100)
    out = dict(apgr=(auc - weak_auc) / (strong_auc - weak_auc), auc=auc, weak=weak, strong=strong)
    for q in (20, 50, 80):
        out[f"cpt{q}"] = float(np.interp(weak + q / 100 * (strong - weak), y, x))
    return out


def metrics_binary(scores, rows):
    return routellm_metrics(scores, [r["weak"] for r in rows], [r["strong"] for r in rows])


def metrics_mtbench(scores, rows):
    return routellm_metrics(scores, [sum(r["weak_scores"]) for r in rows],
                            [sum(r["strong_scores"]) for r in rows],
                            per_row_weight=[len(r["weak_scores"]) for r in rows])


def auroc(scores, y):
    from scipy.stats import rankdata
    scores = np.asarray(scores, float); y = np.asarray(y, int)
    r = rankdata(scores)
    npos = y.sum(); nneg = len(y) - npos
    return (r[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def random_router(rows, fn, iters=10):
    import random
    random.seed(0)
    res = [fn([random.uniform(0, 1) for _ in rows], rows) for _ in range(iters)]
    return {k: float(np.mean([r[k] for r in res])) for k in res[0]}


if __name__ == "__main__":
    m, g, t = load_mmlu(), load_gsm8k(), load_mtbench()
    print(len(m), len(g), len(t))
    print("random mmlu", random_router(m, metrics_binary))
    print("random gsm8k", random_router(g, metrics_binary))
    print("random mtb", random_router(t, metrics_mtbench))
    from collections import defaultdict
    d = defaultdict(list)
    for r in m: d[r["subject"]].append(r)
    for s, rs in sorted(d.items(), key=lambda kv: -np.mean([not r["weak"] for r in kv[1]])):
        print(f"{s:40s} n={len(rs):5d} weakwrong={np.mean([not r['weak'] for r in rs]):.2f} strongwin={np.mean([(not r['weak']) and r['strong'] for r in rs]):.2f} strongloss={np.mean([r['weak'] and not r['strong'] for r in rs]):.2f}")
