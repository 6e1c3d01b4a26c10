"""Complexity protocol (b): RouteLLM's metrics per benchmark, AUROC, per-category breakdown, for
score vectors produced by any router (Triage's complexity, a MiniLM logistic regression, random).

Honest protocol: no prompt is scored by a model trained on it. `cv_plan` gives, per fold, which
MMLU/GSM8K rows train and which are scored: MMLU by whole subject files (group k-fold), GSM8K by a
hash of the prompt; MT-Bench is scored by a model trained on all MMLU+GSM8K rows."""
from __future__ import annotations

import hashlib

import numpy as np

from . import data as D
from . import metrics as M

HSM = "high_school_mathematics"


def break_ties(scores, prompts) -> tuple[np.ndarray, int]:
    """A copy of `scores` whose exact ties are broken by a tiny deterministic offset (a hash of
    the prompt), far below any real score difference, so pd.qcut's decile edges are distinct;
    returns the count of scores that shared a value. RouteLLM's evaluation raises on such ties."""
    s = np.asarray(scores, dtype=float)
    _, counts = np.unique(s, return_counts=True)
    tied = int(counts[counts > 1].sum())
    if tied == 0:
        return s, 0
    h = np.array([int.from_bytes(hashlib.sha256(p.encode()).digest()[:6], "big") / 2.0 ** 48 for p in prompts])
    return s + 1e-9 * h, tied


def routellm_binary(scores, rows) -> dict:
    w = [r.weak for r in rows]
    st = [r.strong for r in rows]
    weak, strong = 100.0 * np.mean(w), 100.0 * np.mean(st)
    s, tied = break_ties(scores, [r.prompt for r in rows])
    out = M.summarize(M.points_binary(s, w, st), weak, strong)
    out.update({"n": len(rows), "weak": weak, "strong": strong, "tied": tied,
                "auroc": M.auroc_labels(scores, [r.weak_wrong for r in rows]),
                "auroc_strong_wins": M.auroc_labels(scores, [r.strong_wins for r in rows])})
    return out


def routellm_mt_bench(scores, questions) -> dict:
    ws = [q.scores[D.WEAK] for q in questions]
    ss = [q.scores[D.STRONG] for q in questions]
    weak = float(np.mean([x for v in ws for x in v]))
    strong = float(np.mean([x for v in ss for x in v]))
    s, tied = break_ties(scores, [q.turn1 for q in questions])
    out = M.summarize(M.points_mt_bench(s, ws, ss), weak, strong)
    labels = [np.mean(w) < np.mean(x) for w, x in zip(ws, ss)]  # weak's mean judge score below strong's
    out.update({"n": len(questions), "weak": weak, "strong": strong, "tied": tied, "auroc": M.auroc_labels(scores, labels)})
    return out


def random_rows(mmlu, gsm, mt) -> dict:
    """RouteLLM's random router (seed 0 once, 10 runs averaged by strong_percentage) on each set."""
    out = {}
    for name, rows in (("mmlu", mmlu), ("gsm8k", gsm)):
        w, st = [r.weak for r in rows], [r.strong for r in rows]
        pts = M.random_router_points(len(rows), lambda sc: M.points_binary(sc, w, st))
        out[name] = M.summarize(pts, 100.0 * np.mean(w), 100.0 * np.mean(st))
    ws = [q.scores[D.WEAK] for q in mt]
    ss = [q.scores[D.STRONG] for q in mt]
    pts = M.random_router_points(len(mt), lambda sc: M.points_mt_bench(sc, ws, ss))
    out["mt_bench"] = M.summarize(pts, float(np.mean([x for v in ws for x in v])), float(np.mean([x for v in ss for x in v])))
    return out


def evaluate_all(mmlu_scores, gsm_scores, mt_scores, mmlu, gsm, mt) -> dict:
    """Every report number for one router: MMLU (all, without high_school_mathematics, per
    category), GSM8K, MT-Bench."""
    ms = np.asarray(mmlu_scores, dtype=float)
    res = {"mmlu": routellm_binary(ms, mmlu), "gsm8k": routellm_binary(gsm_scores, gsm),
           "mt_bench": routellm_mt_bench(mt_scores, mt)}
    keep = [i for i, r in enumerate(mmlu) if r.subject != HSM]
    res["mmlu_without_hs_math"] = routellm_binary(ms[keep], [mmlu[i] for i in keep])
    res["mmlu_categories"] = {}
    for cat in ("STEM", "humanities", "social sciences", "other"):
        idx = [i for i, r in enumerate(mmlu) if r.category == cat]
        res["mmlu_categories"][cat] = routellm_binary(ms[idx], [mmlu[i] for i in idx])
    for v in [res["mmlu_without_hs_math"], *res["mmlu_categories"].values()]:
        v.pop("points", None)  # curves kept for the three benchmarks only
    return res


def cv_plan(mmlu, gsm, k: int = 5):
    """[(train_rows, mmlu_score_idx, gsm_score_idx)] per fold: MMLU subjects in fold f and GSM8K
    prompts hashed to fold f are scored; everything else trains, except high_school_mathematics,
    which is scored in its fold but never trained on (GPT-4's 3% there is an answer-extraction
    artifact; `make weights` leaves it out of the shipped weights the same way)."""
    subject_fold = D.subject_folds(mmlu, k)
    mf = [subject_fold[r.subject] for r in mmlu]
    gf = [D.stable_fold(r.prompt, k) for r in gsm]
    plan = []
    for f in range(k):
        train = [r for r, x in zip(mmlu, mf) if x != f and r.subject != HSM] + [r for r, x in zip(gsm, gf) if x != f]
        plan.append((train, [i for i, x in enumerate(mf) if x == f], [i for i, x in enumerate(gf) if x == f]))
    return plan


def cross_validated(score_fold, mmlu, gsm, mt, k: int = 5):
    """Runs `score_fold(train_rows, prompts_to_score) -> scores` once per fold and once more on all
    MMLU+GSM8K for MT-Bench; returns (mmlu_scores, gsm_scores, mt_scores), each prompt scored by a
    model that never saw it."""
    ms = np.full(len(mmlu), np.nan)
    gs = np.full(len(gsm), np.nan)
    for train, mi, gi in cv_plan(mmlu, gsm, k):
        scored = score_fold(train, [mmlu[i].prompt for i in mi] + [gsm[i].prompt for i in gi])
        ms[mi] = scored[:len(mi)]
        gs[gi] = scored[len(mi):]
    mt_scores = score_fold([r for r in mmlu if r.subject != HSM] + gsm, [q.turn1 for q in mt])
    assert not np.isnan(ms).any() and not np.isnan(gs).any()
    return ms, gs, np.asarray(mt_scores, dtype=float)
