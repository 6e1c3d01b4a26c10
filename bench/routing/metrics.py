"""RouteLLM's router metrics, re-implemented exactly (routellm/evals/benchmarks.py and evaluate.py at
commit 0b64fda, as described in shared/data/README.md), plus the fit metrics (AUROC, FPR@95%TPR).

numpy only. Every function takes plain sequences so the metrics can be checked on synthetic inputs.
"""
from __future__ import annotations

import random
from collections import defaultdict

import numpy as np


class DuplicateEdges(ValueError):
    """pd.qcut raises on duplicate bin edges; RouteLLM's evaluation fails there too."""


def qcut_edges(scores, q: int = 10) -> np.ndarray:
    """The bins `pd.qcut(scores, q, retbins=True)` returns: quantiles at 0, 1/q, ..., 1 with
    linear interpolation (pandas' Series.quantile), raising on duplicate edges as pandas does."""
    x = np.asarray(scores, dtype=float)
    edges = np.quantile(x, np.linspace(0, 1, q + 1))
    if len(np.unique(edges)) < len(edges):
        raise DuplicateEdges(f"bin edges must be unique: {edges.tolist()}")
    return edges


def selections(scores, q: int = 10):
    """For each qcut edge i: route strong iff score >= edge (i < q), score > edge for the last."""
    s = np.asarray(scores, dtype=float)
    edges = qcut_edges(s, q)
    for i, edge in enumerate(edges):
        yield float(edge), (s >= edge) if i != len(edges) - 1 else (s > edge)


def points_binary(scores, weak_ok, strong_ok, q: int = 10) -> list[tuple[float, float]]:
    """MMLU/GSM8K points (strong_percentage, accuracy), both in percent, one per threshold."""
    w = np.asarray(weak_ok, dtype=bool)
    st = np.asarray(strong_ok, dtype=bool)
    pts = []
    for _, sel in selections(scores, q):
        results = np.where(sel, st, w)
        pts.append((100.0 * sel.sum() / len(sel), 100.0 * results.sum() / len(results)))
    return pts


def points_mt_bench(scores, weak_scores, strong_scores, q: int = 10) -> list[tuple[float, float]]:
    """MT-Bench points: a question routed to a model contributes all of that model's judge rows
    (both turns); score = mean over the merged rows, strong_percentage = share of strong rows."""
    pts = []
    for _, sel in selections(scores, q):
        rows, strong_rows = [], 0
        for routed_strong, ws, ss in zip(sel, weak_scores, strong_scores):
            chosen = ss if routed_strong else ws
            rows.extend(chosen)
            strong_rows += len(chosen) if routed_strong else 0
        pts.append((100.0 * strong_rows / len(rows), float(np.mean(rows))))
    return pts


def summarize(points, weak: float, strong: float) -> dict:
    """evaluate.py's generate_results for one router: points sorted by strong_percentage (stable,
    as pandas' sort_values on one column); CPT(x) by np.interp; AUC by the trapezoid rule; APGR."""
    pts = sorted(points, key=lambda p: p[0])
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    out = {}
    for pct in (0.2, 0.5, 0.8):
        out[f"cpt{int(pct * 100)}"] = float(np.interp(pct * (strong - weak) + weak, y, x))
    trapz = getattr(np, "trapezoid", None) or np.trapz
    auc = float(trapz(y, x / 100))
    weak_auc = float(trapz(np.full(len(x), weak), x / 100))
    strong_auc = float(trapz(np.full(len(x), strong), x / 100))
    out["auc"] = auc
    out["apgr"] = (auc - weak_auc) / (strong_auc - weak_auc)
    out["points"] = [[float(a), float(b)] for a, b in pts]
    return out


def average_by_strong_percentage(points) -> list[tuple[float, float]]:
    """Several runs' points grouped by strong_percentage, accuracy averaged (the random router)."""
    groups = defaultdict(list)
    for sp, acc in points:
        groups[sp].append(acc)
    return [(sp, float(np.mean(v))) for sp, v in sorted(groups.items())]


def random_router_points(n: int, evaluate, iters: int = 10, seed: int = 0):
    """RouteLLM's `random` router: random.seed(seed) once, then for each of `iters` runs every
    prompt (in row order) gets random.uniform(0, 1); evaluate(scores) gives that run's points."""
    random.seed(seed)
    allpts = []
    for _ in range(iters):
        scores = [random.uniform(0, 1) for _ in range(n)]
        allpts.extend(evaluate(scores))
    return average_by_strong_percentage(allpts)


# ---------------------------------------------------------------- binary classification metrics

def auroc(pos_scores, neg_scores) -> float:
    """P(score of a positive > score of a negative) + 0.5 P(tie): Mann-Whitney U with mid-ranks."""
    pos = np.asarray(pos_scores, dtype=float)
    neg = np.asarray(neg_scores, dtype=float)
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_v = allv[order]
    i = 0
    while i < len(sorted_v):
        j = i
        while j + 1 < len(sorted_v) and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    u = ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u / (len(pos) * len(neg)))


def auroc_labels(scores, labels) -> float:
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    return auroc(s[y], s[~y])


def threshold_at_tpr(pos_scores, tpr: float = 0.95) -> float:
    """The largest threshold t such that at least `tpr` of positives have score >= t."""
    pos = np.sort(np.asarray(pos_scores, dtype=float))[::-1]
    k = int(np.ceil(tpr * len(pos)))  # positives that must be accepted
    return float(pos[max(k, 1) - 1])


def fpr_at_tpr(pos_scores, neg_scores, tpr: float = 0.95) -> float:
    """Share of negatives with score >= the threshold that accepts `tpr` of the positives."""
    t = threshold_at_tpr(pos_scores, tpr)
    neg = np.asarray(neg_scores, dtype=float)
    return float((neg >= t).mean())
