"""Markdown for bench/results/routing-quality.md from the results dictionary of run.py."""
from __future__ import annotations

# RouteLLM paper (Ong et al., arXiv 2406.18665 v4, Tables 1-3), as transcribed in shared/data/README.md
# "Published numbers": best training data per benchmark; MMLU is all 57 subjects (not these 40 rows).
PUBLISHED = {
    "mt_bench": ("D_arena + D_judge", {"BERT": (19.58, 34.02, 0.751), "Causal LLM": (31.50, 48.75, 0.679),
                                       "MF": (13.40, 31.31, 0.802), "SW ranking": (23.21, 36.04, 0.759)}),
    "mmlu": ("D_arena + D_gold (57 subjects)", {"BERT": (41.30, 72.20, 0.572), "Causal LLM": (35.49, 70.31, 0.600),
                                                "MF": (35.46, 71.40, 0.597), "SW ranking": (35.40, 71.55, 0.603)}),
    "gsm8k": ("D_arena + D_judge", {"BERT": (44.76, 79.09, 0.531), "Causal LLM": (33.64, 63.26, 0.622),
                                    "MF": (38.82, 72.62, 0.565), "SW ranking": (41.21, 72.20, 0.568)}),
}
NAMES = {"mmlu": "MMLU (40 subjects, 10,562 rows)", "gsm8k": "GSM8K (1,307)", "mt_bench": "MT-Bench (72 questions)"}


def _f(x, d=2, pct=False):
    if x is None:
        return "-"
    return f"{x:.{d}f}%" if pct else f"{x:.{d}f}"


def _row(name, r, auroc=True):
    cells = [name, _f(r["cpt20"], pct=True), _f(r["cpt50"], pct=True), _f(r["cpt80"], pct=True), _f(r["apgr"], 3)]
    if auroc:
        cells.append(_f(r.get("auroc"), 3))
    return "| " + " | ".join(cells) + " |"


def routers(res):
    """(name, results-per-benchmark) for every measured router, in report order."""
    out = [("Triage, shipped default weights (trained on all MMLU-39 + GSM8K rows: in-sample there, honest on MT-Bench only)", res["triage_default"])]
    for label, r in res["triage_cv"].items():
        out.append((f"Triage, trained per fold (label {label})", r))
    ml = res.get("minilm") or {}
    sub = _subset_note(res)
    for label, r in (ml.get("cv") or {}).items():
        out.append((f"MiniLM-L6 + logistic regression, per fold (label {label}){sub}", r))
    for label, r in ((res.get("triage_on_minilm_subset") or {}).get("cv") or {}).items():
        out.append((f"Triage, trained per fold, on the MiniLM subset's rows (label {label}){sub}", r))
    return out


def _subset_note(res) -> str:
    plan = (res.get("minilm") or {}).get("plan") or {}
    n = plan.get("mmlu_every", 1)
    return f" [MMLU: 1 row in {n}]" if n > 1 else ""


def write_report(res) -> str:
    L = []
    quick = " (BENCH_QUICK subset)" if res["quick"] else ""
    L.append(f"# Routing quality of Triage's classifier{quick}\n")
    L.append(f"`make bench-routing` at commit `{res['commit']}`, {res['machine']['platform']}, {res['machine']['cpus']} CPUs, "
             f"{res['seconds']:.0f} s. Data: `shared/data` (see its README for sources and protocols). "
             f"Shipped thresholds from `routes.yaml`: min_fit {res['shipped'].get('min_fit')}, "
             f"max_complexity {res['shipped'].get('max_complexity')}.\n")
    L.append("## 1. Metric check: RouteLLM's random router reproduced\n")
    L.append("RouteLLM's evaluation re-implemented (decontamination, `pd.qcut` decile edges with `>=` then `>`, "
             "trapezoid AUC, `np.interp` CPT, APGR; `random.seed(0)` once, 10 runs averaged by strong share). "
             "Reproduced values beside the data README's:\n")
    L.append("| set | CPT(50%) here | README | CPT(80%) here | README | APGR here | README | |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, c in res["random_check"].items():
        L.append(f"| {NAMES[name]} | {c['cpt50']:.2f}% | {c['readme']['cpt50']:.2f}% | {c['cpt80']:.2f}% | "
                 f"{c['readme']['cpt80']:.2f}% | {c['apgr']:.3f} | {c['readme']['apgr']:.3f} | {'match' if c['match'] else 'MISMATCH'} |")
    L.append("")
    L.append("## 2. Complexity: does the score send the prompts the weak model gets wrong to the strong model?\n")
    L.append("CPT(x%) = strong-model calls needed to recover x% of the weak→strong quality gap (lower is better; "
             "random ≈ x%); APGR = average performance gap recovered (random ≈ 0.5, higher is better); AUROC of the "
             "score against \"weak model wrong\" (MT-Bench: weak's mean judge score below strong's). "
             f"Trained rows: {res['folds']}-fold cross-validation — MMLU folds are whole subjects (subject-disjoint), "
             "GSM8K folds by prompt hash; MT-Bench scored by a model trained on all MMLU+GSM8K. No prompt is scored "
             "by a model trained on it.\n")
    rand_key = "random_subset" if res.get("random_subset") else "random"
    for bench in ("mmlu", "gsm8k", "mt_bench"):
        L.append(f"### {NAMES[bench]}" + (" — subset" if res["quick"] and bench == "mmlu" else "") + "\n")
        L.append("| router | CPT(20%) | CPT(50%) | CPT(80%) | APGR | AUROC |")
        L.append("|---|---:|---:|---:|---:|---:|")
        L.append(_row("random (reproduced, same rows)", {**res[rand_key][bench], "auroc": 0.5}))
        for name, r in routers(res):
            L.append(_row(name, r[bench]))
        data_name, pub = PUBLISHED[bench]
        for router, (c50, c80, apgr) in pub.items():
            L.append(f"| RouteLLM {router}, published ({data_name}) | - | {c50:.2f}% | {c80:.2f}% | {apgr:.3f} | - |")
        L.append("")
    ties = [(name, bench, r[bench]["tied"]) for name, r in routers(res) for bench in ("mmlu", "gsm8k", "mt_bench") if r[bench].get("tied")]
    if ties:
        L.append("Tied scores (pd.qcut would raise on duplicate decile edges) are broken by a 1e-9 offset from a hash of the "
                 "prompt: " + "; ".join(f"{n}, {b}: {k} rows share a value" for n, b, k in ties) + " (MMLU has 94 repeated prompts).\n")
    L.append("Published rows: RouteLLM paper (Ong et al., arXiv 2406.18665 v4, Tables 1–3), routers trained on "
             "Chatbot Arena preferences plus the named augmentation; GSM8K and MT-Bench are the same rows as here; "
             "their MMLU rows are all 57 subjects and are not directly comparable with the 40 here.\n")
    L.append("### MMLU by category, and without high_school_mathematics\n")
    L.append("| router | STEM AUROC / APGR | humanities | social sciences | other | all but hs-math |")
    L.append("|---|---:|---:|---:|---:|---:|")
    for name, r in routers(res):
        cats = r["mmlu_categories"]
        cells = [f"{cats[c]['auroc']:.3f} / {cats[c]['apgr']:.3f}" for c in ("STEM", "humanities", "social sciences", "other")]
        w = r["mmlu_without_hs_math"]
        L.append(f"| {name} | " + " | ".join(cells) + f" | {w['auroc']:.3f} / {w['apgr']:.3f} |")
    L.append("")
    L.append("## 3. Distribution fit\n")
    a1 = res["triage_fit"]["a1"]
    ml = res.get("minilm") or {}
    mf = ml.get("fit") or {}
    L.append(f"**a1 — CLINC150**: reference = train ({a1['reference']:,}), in-distribution = test ({a1['positives']:,}), "
             f"out-of-scope = oos_test ({a1['negatives']:,}). Threshold for the last two columns chosen on val/oos_val.\n")
    L.append("| scorer | AUROC | FPR@95%TPR | in-scope accepted | oos recall |")
    L.append("|---|---:|---:|---:|---:|")

    def a1row(name, r):
        v = r["val_threshold"]
        return f"| {name} | {r['auroc']:.3f} | {100 * r['fpr95']:.1f}% | {100 * v['in_scope_acceptance']:.1f}% | {100 * v['oos_recall']:.1f}% |"
    L.append(a1row("Triage fit (TF-IDF top-k similarity)", a1))
    tsub = (res.get("triage_on_minilm_subset") or {}).get("fit") or {}
    plan = ml.get("plan") or {}
    if "a1_k1" in mf:
        note = f" [subset: reference 1 in {plan.get('ref_every')}, test 1 in {plan.get('a1_query_every')}]" if plan.get("ref_every", 1) > 1 else ""
        L.append(a1row("MiniLM-L6 kNN, max cosine" + note, mf["a1_k1"]))
        L.append(a1row("MiniLM-L6 kNN, 5th-neighbour cosine" + note, mf["a1_k5"]))
        if "a1" in tsub:
            L.append(a1row("Triage fit, same subset" + note, tsub["a1"]))
    if "at_min_fit" in a1:
        m = a1["at_min_fit"]
        L.append(f"\nAt the shipped min_fit {m['min_fit']}: {100 * m['in_domain_kept_local']:.1f}% of in-scope test prompts "
                 f"stay local, {100 * m['oos_escalated']:.1f}% of out-of-scope prompts are escalated "
                 f"(calibrated-fit AUROC {a1['auroc_calibrated_fit']:.3f}).\n")
    a2 = res["triage_fit"]["a2"]
    L.append(f"**a2 — banking77 as the local domain**: reference = train ({a2['reference']:,}), in-distribution = test "
             f"({a2['positives']:,}), negatives per source. AUROC / FPR@95%TPR" + (", share escalated at the shipped min_fit" if "escalated" in a2["pooled"] else "") + ":\n")
    srcs = list(a2["sources"])
    L.append("| scorer | pooled | " + " | ".join(f"{s} ({a2['sources'][s]['n']:,})" for s in srcs) + " |")
    L.append("|---|" + "---:|" * (len(srcs) + 1))

    def a2row(name, r, esc=True):
        def cell(x):
            e = f", {100 * x['escalated']:.1f}% esc." if esc and "escalated" in x else ""
            return f"{x['auroc']:.3f} / {100 * x['fpr95']:.1f}%{e}"
        return f"| {name} | {cell(r['pooled'])} | " + " | ".join(cell(r["sources"][s]) for s in srcs) + " |"
    L.append(a2row("Triage fit", a2))
    if "a2_k1" in mf:
        note = f" [subset: reference 1 in {plan.get('ref_every')}, test and negatives 1 in {plan.get('a2_query_every')}]" if plan.get("ref_every", 1) > 1 else ""
        L.append(a2row("MiniLM-L6 kNN, max cosine" + note, mf["a2_k1"]))
        L.append(a2row("MiniLM-L6 kNN, 5th-neighbour cosine" + note, mf["a2_k5"]))
        if "a2" in tsub:
            L.append(a2row("Triage fit, same subset" + note, tsub["a2"], esc=False))
    if "escalated" in a2["pooled"]:
        L.append(f"\nAt min_fit {res['shipped'].get('min_fit')}: {100 * a2['pooled']['in_domain_kept_local']:.1f}% of banking77 test "
                 f"prompts stay local. About 39 oos_test prompts mention banking terms and are arguably in-domain; they are counted as negatives.\n")
    L.append("## 4. Speed and memory\n")
    L.append("`python3 -m bench.routing.report bench/results/routing-quality.json` prints the README's table from these results.\n")
    sp = res["speed"]
    L.append(f"`triage score` (release build, one thread, both scores, {sp['reference']:,}-prompt CLINC150 reference from the "
             f"cache): {sp['prompts']:,} prompts in {sp['scoring_seconds']:.2f} s = **{sp['us_per_prompt']:.1f} µs per prompt** "
             f"({sp['prompts_per_second']:,.0f} prompts/s); classifier loaded in {sp['load_seconds']:.3f} s; peak RSS "
             f"{sp['peak_rss_mib']:.0f} MiB for the whole process. Per-request latency percentiles and index build/load "
             "times: `bench/results/classifier.md` (`swift run -c release triage-classifier-bench`). "
             f"Load average when the run started: {res.get('machine', {}).get('load_average_1m', float('nan')):.1f} on "
             f"{res.get('machine', {}).get('cpus', '?')} cores (other work on a shared machine slows these timings).\n")
    if ml.get("latency"):
        lt = ml["latency"]
        L.append(f"MiniLM-L6 embedding (sentence-transformers on CPU, same machine): **{lt['single_ms']:.1f} ms per prompt** one at a "
                 f"time (what a gateway pays per request), {lt['batched_ms']:.2f} ms per prompt in batches of 64; plus the "
                 "kNN search. That is before the logistic regression or any index.\n")
    elif ml.get("skipped"):
        L.append(f"MiniLM baseline not run: {ml['skipped']}\n")
    elif res["quick"]:
        L.append("MiniLM baseline not run in the quick subset.\n")
    return "\n".join(L) + "\n"


def readme_table(res) -> str:
    """The README's "How good are the decisions?" table, from a results dictionary."""
    L = ["| score | set | router | CPT(50%) | CPT(80%) | APGR | AUROC |", "|---|---|---|---:|---:|---:|---:|"]
    for bench in ("mmlu", "gsm8k", "mt_bench"):
        rows = [("random", {**res["random"][bench], "auroc": 0.5})] + [(n, r[bench]) for n, r in routers(res)]
        for name, r in rows:
            if "MiniLM subset's rows" in name:
                continue
            L.append(f"| complexity | {NAMES[bench]} | {name} | {r['cpt50']:.2f}% | {r['cpt80']:.2f}% | {r['apgr']:.3f} | {r['auroc']:.3f} |")
        data_name, pub = PUBLISHED[bench]
        best = max(pub.items(), key=lambda kv: kv[1][2])
        L.append(f"| complexity | {NAMES[bench]} | best published RouteLLM router ({best[0]}, {data_name}) | "
                 f"{best[1][0]:.2f}% | {best[1][1]:.2f}% | {best[1][2]:.3f} | - |")
    a1, a2 = res["triage_fit"]["a1"], res["triage_fit"]["a2"]
    L.append("")
    L.append("| fit | protocol | scorer | AUROC | FPR@95%TPR |")
    L.append("|---|---|---|---:|---:|")
    L.append(f"| fit | a1 CLINC150 in-scope vs oos | Triage | {a1['auroc']:.3f} | {100 * a1['fpr95']:.1f}% |")
    L.append(f"| fit | a2 banking77 vs 5,999 negatives (pooled) | Triage | {a2['pooled']['auroc']:.3f} | {100 * a2['pooled']['fpr95']:.1f}% |")
    mf = (res.get("minilm") or {}).get("fit") or {}
    tsub = (res.get("triage_on_minilm_subset") or {}).get("fit") or {}
    if "a1_k1" in mf and "a1" in tsub:
        L.append(f"| fit | a1, subset | MiniLM-L6 kNN (max cosine) vs Triage | {mf['a1_k1']['auroc']:.3f} vs {tsub['a1']['auroc']:.3f} | "
                 f"{100 * mf['a1_k1']['fpr95']:.1f}% vs {100 * tsub['a1']['fpr95']:.1f}% |")
        L.append(f"| fit | a2 pooled, subset | MiniLM-L6 kNN (max cosine) vs Triage | {mf['a2_k1']['pooled']['auroc']:.3f} vs "
                 f"{tsub['a2']['pooled']['auroc']:.3f} | {100 * mf['a2_k1']['pooled']['fpr95']:.1f}% vs {100 * tsub['a2']['pooled']['fpr95']:.1f}% |")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    import json
    import sys
    with open(sys.argv[1]) as f:
        print(readme_table(json.load(f)), end="")
