"""`make bench-routing`: routing quality of Triage's classifier on public data, with RouteLLM's
metrics and a MiniLM baseline. Writes bench/results/routing-quality.{md,json}
(BENCH_QUICK=1: a subset, to routing-quality-quick.{md,json}).

Order: (1) RouteLLM's random router reproduced against the data README's values — the check of
the metric code — before any Triage number; (2) complexity: shipped default weights, then
cross-validated training (both labels); (3) fit protocols a1/a2; (4) speed; (5) MiniLM baseline."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import complexity_bench as C
from . import data as D
from . import fit_bench as F
from .report import write_report
from .triage_cli import REPO, Triage, write_reference

# The data README's offline re-implementation values (random router, 10 seeded runs averaged).
README_RANDOM = {
    "mmlu": {"cpt50": 49.43, "cpt80": 79.79, "apgr": 0.501},
    "gsm8k": {"cpt50": 48.79, "cpt80": 80.16, "apgr": 0.507},
    "mt_bench": {"cpt50": 51.29, "cpt80": 78.55, "apgr": 0.507},
}


def shipped_auto() -> dict:
    """min_fit and max_complexity of the shipped routes.yaml (read from the file, not assumed)."""
    out = {}
    for line in (REPO / "routes.yaml").read_text().splitlines():
        s = line.split("#")[0].strip()
        for key in ("min_fit", "max_complexity"):
            if s.startswith(key + ":"):
                out[key] = float(s.split(":", 1)[1])
    return out


def check_random(rand: dict) -> dict:
    checks = {}
    for name, want in README_RANDOM.items():
        got = rand[name]
        checks[name] = {"cpt50": round(got["cpt50"], 2), "cpt80": round(got["cpt80"], 2), "apgr": round(got["apgr"], 3),
                        "readme": want,
                        "match": abs(round(got["cpt50"], 2) - want["cpt50"]) < 0.006
                        and abs(round(got["cpt80"], 2) - want["cpt80"]) < 0.006 and abs(round(got["apgr"], 3) - want["apgr"]) < 0.0006}
    return checks


def triage_fit_scorer(t: Triage, work: Path, label: str):
    def scorer(reference, prompts):
        ref = write_reference(reference, work / f"reference-{label}.jsonl")
        recs = t.score(prompts, reference=ref, label=f"fit-{label}")
        return {"score": [r["similarity"] for r in recs], "fit": [r["fit"] for r in recs]}
    return scorer


def submit_cv_training(pool, t: Triage, work: Path, label: str, mmlu, gsm, folds: int):
    """Starts `triage train` for every fold (and for all MMLU+GSM8K, which scores MT-Bench) on
    `pool`, in parallel (each is its own process); returns the futures of the weight files in
    the order complexity_bench.cross_validated asks for them."""
    trainsets = [train for train, _, _ in C.cv_plan(mmlu, gsm, folds)] + [mmlu + gsm]

    def train(i, rows):
        labels = work / f"labels-{label}-{i}.jsonl"
        weights = work / f"weights-{label}-{i}.json"
        fresh = work / f"labels-{label}-{i}.jsonl.new"
        D.write_labels(rows, fresh, label)
        if weights.exists() and labels.exists() and labels.read_bytes() == fresh.read_bytes():
            fresh.unlink()  # --workdir of an earlier run: the same labels were trained already
            return weights
        fresh.replace(labels)
        t.train(labels, weights)
        return weights
    return [pool.submit(train, i, rows) for i, rows in enumerate(trainsets)]


def triage_cv_scores(t: Triage, label: str, futures, mmlu, gsm, mt, folds: int):
    """Cross-validated complexity scores from the weights the futures deliver, in fold order."""
    pending = iter(futures)

    def score_fold(train_rows, prompts):
        weights = next(pending).result()
        recs = t.score(prompts, weights=weights, label=f"cv-{label}")
        return np.array([r["complexity"] for r in recs])
    return C.cross_validated(score_fold, mmlu, gsm, mt, folds)


def speed(t: Triage, work: Path, data: Path) -> dict:
    """Throughput of `triage score` on CLINC150 test+oos prompts x4 with the CLINC train reference
    (both scores), and its peak RSS (from wait4)."""
    c = D.load_clinc150(data)
    ref = write_reference([x for x, _ in c["train"]], work / "speed-reference.jsonl")
    prompts = [x for x, _ in c["test"] + c["oos_test"]] * 4
    path = work / "speed-input.jsonl"
    with open(path, "w") as f:
        for p in prompts:
            f.write(json.dumps({"prompt": p}) + "\n")
    t.score(["warm the cache"], reference=ref, label="warm")
    cmd = [t.binary, "score", "--config", str(t.config), "--reference", str(ref), str(path)]
    with open(os.devnull, "w") as devnull:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=t.workdir, stdout=devnull, stderr=subprocess.PIPE, text=True)
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    import re
    m = re.search(r"(\d+) scored, \d+ failed, in ([\d.]+) s \(([\d.]+) us per prompt; classifier loaded in ([\d.]+) s\)", stderr)
    return {"prompts": len(prompts), "reference": len(c["train"]), "wall_seconds": wall,
            "scoring_seconds": float(m.group(2)) if m else None, "us_per_prompt": float(m.group(3)) if m else None,
            "load_seconds": float(m.group(4)) if m else None, "prompts_per_second": len(prompts) / float(m.group(2)) if m else None,
            "peak_rss_mib": usage.ru_maxrss / 1024.0}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    p.add_argument("--label", choices=["weak_wrong", "strong_wins", "both"], default="both",
                   help="training label(s) for the cross-validated complexity model")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--no-minilm", action="store_true", help="skip the MiniLM baseline")
    p.add_argument("--minilm-subset", type=int, default=int(os.environ.get("BENCH_MINILM_SUBSET", "1")),
                   help="run the MiniLM baseline on every Nth reference/MMLU row (its CPU embedding is slow); "
                        "Triage is then also reported on the same subset")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--workdir", type=Path, default=None,
                   help="scratch directory (default: a new temporary one); weights an earlier run trained "
                        "there on identical labels are reused")
    a = p.parse_args(argv)
    data = a.data or D.default_data_dir()
    if not D.data_available(data):
        print(f"SKIPPED: the evaluation data is not at {data}")
        return 0
    out = a.out or REPO / "bench" / "results" / ("routing-quality-quick" if a.quick else "routing-quality")
    started = time.time()
    work = a.workdir or Path(tempfile.mkdtemp(prefix="triage-routing-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t = Triage(workdir=work)
    auto = shipped_auto()
    labels = ["weak_wrong", "strong_wins"] if a.label == "both" else [a.label]
    if a.quick:
        labels = labels[:1]

    mmlu, gsm, mt = D.load_mmlu(data), D.load_gsm8k(data), D.load_mt_bench(data)
    res = {"quick": a.quick, "shipped": auto, "folds": a.folds, "labels": labels,
           "counts": {"mmlu": len(mmlu), "gsm8k": len(gsm), "mt_bench": len(mt)}}

    # (1) The metric code, checked first: RouteLLM's random router on the full sets.
    res["random"] = C.random_rows(mmlu, gsm, mt)
    res["random_check"] = check_random(res["random"])
    for name, c in res["random_check"].items():
        print(f"random {name}: CPT50 {c['cpt50']:.2f}% CPT80 {c['cpt80']:.2f}% APGR {c['apgr']:.3f} "
              f"(README {c['readme']['cpt50']}% {c['readme']['cpt80']}% {c['readme']['apgr']}) {'OK' if c['match'] else 'MISMATCH'}")
    if not all(c["match"] for c in res["random_check"].values()):
        print("the random router does not reproduce the data README's values: metric code is wrong", file=sys.stderr)
        return 1
    if a.quick:  # a subset: every 4th MMLU row (all subjects kept), all of GSM8K and MT-Bench
        mmlu = mmlu[::4]
        res["counts"]["mmlu"] = len(mmlu)
        res["random_subset"] = C.random_rows(mmlu, gsm, mt)

    # (2) Complexity with Triage: shipped weights, then cross-validated training.
    prompts = [r.prompt for r in mmlu] + [r.prompt for r in gsm] + [q.turn1 for q in mt]
    recs = t.score(prompts, label="default-weights")
    s = np.array([r["complexity"] for r in recs])
    res["triage_default"] = C.evaluate_all(s[:len(mmlu)], s[len(mmlu):len(mmlu) + len(gsm)], s[len(mmlu) + len(gsm):], mmlu, gsm, mt)
    print(f"triage default weights: MMLU AUROC {res['triage_default']['mmlu']['auroc']:.3f}, "
          f"GSM8K {res['triage_default']['gsm8k']['auroc']:.3f}")
    res["triage_cv"] = {}
    cv_scores = {}
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=int(os.environ.get("BENCH_TRAIN_JOBS", "12")))
    futures = {label: submit_cv_training(pool, t, work, label, mmlu, gsm, a.folds) for label in labels}
    for label in labels:
        ms, gs, mts = triage_cv_scores(t, label, futures[label], mmlu, gsm, mt, a.folds)
        cv_scores[label] = (ms, gs, mts)
        res["triage_cv"][label] = C.evaluate_all(ms, gs, mts, mmlu, gsm, mt)
        print(f"triage CV ({label}): MMLU AUROC {res['triage_cv'][label]['mmlu']['auroc']:.3f}, "
              f"GSM8K {res['triage_cv'][label]['gsm8k']['auroc']:.3f}, MT APGR {res['triage_cv'][label]['mt_bench']['apgr']:.3f}")

    # (3) Fit protocols.
    res["triage_fit"] = {"a1": F.protocol_a1(triage_fit_scorer(t, work, "a1"), data, a.quick, auto.get("min_fit")),
                         "a2": F.protocol_a2(triage_fit_scorer(t, work, "a2"), data, a.quick, auto.get("min_fit"))}
    print(f"triage fit: CLINC AUROC {res['triage_fit']['a1']['auroc']:.3f}, banking pooled {res['triage_fit']['a2']['pooled']['auroc']:.3f}")

    # (4) Speed and memory of the scorer.
    res["speed"] = speed(t, work, data)
    res["score_calls"] = t.timings

    # (5) The MiniLM baseline.
    if a.no_minilm or a.quick:
        res["minilm"] = None
    else:
        res["minilm"] = run_minilm(data, mmlu, gsm, mt, labels, a.folds, a.minilm_subset)
        if a.minilm_subset > 1 and not res["minilm"].get("skipped"):
            res["triage_on_minilm_subset"] = triage_same_subset(t, work, data, mmlu, gsm, mt, cv_scores, a.minilm_subset)

    res["seconds"] = time.time() - started
    res["machine"] = {"platform": platform.platform(), "cpus": os.cpu_count(), "load_average_1m": os.getloadavg()[0]}
    res["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    out.parent.mkdir(parents=True, exist_ok=True)
    Path(str(out) + ".json").write_text(json.dumps(res, indent=1, default=float) + "\n")
    Path(str(out) + ".md").write_text(write_report(res))
    print(f"wrote {out}.md and {out}.json in {res['seconds']:.0f} s")
    return 0


def subset_plan(n: int) -> dict:
    """What the MiniLM baseline runs on when --minilm-subset N > 1: every Nth reference prompt
    (CLINC150 and banking77 train, CLINC val), every (N/2)th banking test and negative, every (N/5)th CLINC test, every Nth
    MMLU row (all 40 subjects), all of GSM8K, MT-Bench and CLINC oos_test."""
    return {"ref_every": n, "a1_query_every": max(n // 5, 1), "a2_query_every": max(n // 2, 1), "mmlu_every": n}


def triage_same_subset(t, work, data, mmlu, gsm, mt, cv_scores, n):
    """Triage on exactly the MiniLM subset's rows: fit with the same subsampled references and
    queries; complexity = the cross-validated scores above restricted to the subset's MMLU rows
    (Triage's folds trained on all rows of the other subjects, MiniLM's on the subset's)."""
    plan = subset_plan(n)
    out = {"plan": plan, "fit": {
        "a1": F.protocol_a1(triage_fit_scorer(t, work, "a1-sub"), data, False, None, plan["ref_every"], plan["a1_query_every"]),
        "a2": F.protocol_a2(triage_fit_scorer(t, work, "a2-sub"), data, False, None, plan["ref_every"], plan["a2_query_every"])},
        "cv": {}}
    for label, (ms, gs, mts) in cv_scores.items():
        out["cv"][label] = C.evaluate_all(ms[::plan["mmlu_every"]], gs, mts, mmlu[::plan["mmlu_every"]], gsm, mt)
    return out


def run_minilm(data, mmlu, gsm, mt, labels, folds, n):
    try:
        from . import minilm as L
        m = L.MiniLM()
    except Exception as error:  # noqa: BLE001 - report why the baseline is missing, do not fail
        print(f"MiniLM baseline skipped: {error}", file=sys.stderr)
        return {"skipped": str(error)}
    out = {"fit": {}, "cv": {}}
    scorer = L.knn_scorer(m, k=5)

    def top1(reference, prompts):  # max cosine to the reference
        return scorer(reference, prompts)

    def fifth(reference, prompts):  # cosine to the 5th nearest reference prompt
        return {"score": scorer(reference, prompts)["kth"], "fit": None}

    plan = subset_plan(n)
    out["plan"] = plan
    for proto, fn, qe in (("a1", F.protocol_a1, plan["a1_query_every"]), ("a2", F.protocol_a2, plan["a2_query_every"])):
        out["fit"][f"{proto}_k1"] = fn(top1, data, False, None, plan["ref_every"], qe)
        out["fit"][f"{proto}_k5"] = fn(fifth, data, False, None, plan["ref_every"], qe)
        print(f"MiniLM kNN {proto}: AUROC {out['fit'][proto + '_k1'].get('auroc', out['fit'][proto + '_k1'].get('pooled', {}).get('auroc'))}")
    sub = mmlu[::plan["mmlu_every"]]
    for label in labels:
        ms, gs, mts = C.cross_validated(L.logistic_fold(m, label), sub, gsm, mt, folds)
        out["cv"][label] = C.evaluate_all(ms, gs, mts, sub, gsm, mt)
        print(f"MiniLM LR CV ({label}): MMLU AUROC {out['cv'][label]['mmlu']['auroc']:.3f}, GSM8K {out['cv'][label]['gsm8k']['auroc']:.3f}")
    c = D.load_clinc150(data)
    out["latency"] = m.latency_ms([x for x, _ in c["test"]], 200)
    out["embedded"] = m.embedded
    out["embed_seconds"] = m.embed_seconds
    return out


if __name__ == "__main__":
    sys.exit(main())
