"""Distribution-fit protocols a1 (CLINC150) and a2 (banking77 with per-source negatives), for any
scorer: `scorer(reference_prompts, prompts) -> {"score": [...], "fit": [...] or None}` where score
is the continuous ranking score (Triage: raw similarity; MiniLM: cosine) and fit the calibrated
value the shipped min_fit applies to (Triage only)."""
from __future__ import annotations

import numpy as np

from . import data as D
from . import metrics as M


def _subsample(items, every: int):
    return items[::every] if every > 1 else items


def _rates(pos, neg) -> dict:
    return {"auroc": M.auroc(pos, neg), "fpr95": M.fpr_at_tpr(pos, neg, 0.95)}


def _val_threshold(val_pos, val_neg) -> float:
    """Threshold on the validation split that maximises in-scope acceptance + oos recall."""
    candidates = np.unique(np.concatenate([val_pos, val_neg]))
    best, best_t = -1.0, float(candidates[0])
    vp, vn = np.asarray(val_pos), np.asarray(val_neg)
    for t in candidates:
        value = (vp >= t).mean() + (vn < t).mean()
        if value > best:
            best, best_t = value, float(t)
    return best_t


def protocol_a1(scorer, data=None, quick: bool = False, min_fit: float | None = None,
                ref_every: int | None = None, query_every: int | None = None) -> dict:
    """CLINC150: reference = train (15,000), positives = test (4,500), negatives = oos_test (1,000);
    a threshold chosen on val/oos_val gives in-scope acceptance and oos recall (Larson et al.'s quantity)."""
    c = D.load_clinc150(data)
    every = 5 if quick else 1
    ref = [t for t, _ in _subsample(c["train"], ref_every or every)]
    pos = [t for t, _ in _subsample(c["test"], query_every or every)]
    neg = [t for t, _ in c["oos_test"]]
    val_pos = [t for t, _ in _subsample(c["val"], ref_every or every)]
    val_neg = [t for t, _ in c["oos_val"]]
    out = scorer(ref, pos + neg + val_pos + val_neg)
    s = np.asarray(out["score"], dtype=float)
    a, b, cc = len(pos), len(pos) + len(neg), len(pos) + len(neg) + len(val_pos)
    sp, sn, svp, svn = s[:a], s[a:b], s[b:cc], s[cc:]
    res = {"reference": len(ref), "positives": len(pos), "negatives": len(neg), **_rates(sp, sn)}
    t = _val_threshold(svp, svn)
    res["val_threshold"] = {"in_scope_acceptance": float((sp >= t).mean()), "oos_recall": float((sn < t).mean())}
    fit = out.get("fit")
    if fit is not None:
        f = np.asarray(fit, dtype=float)
        res["auroc_calibrated_fit"] = M.auroc(f[:a], f[a:b])
        if min_fit is not None:
            res["at_min_fit"] = {"min_fit": min_fit, "in_domain_kept_local": float((f[:a] >= min_fit).mean()),
                                 "oos_escalated": float((f[a:b] < min_fit).mean())}
    return res


def protocol_a2(scorer, data=None, quick: bool = False, min_fit: float | None = None,
                ref_every: int | None = None, query_every: int | None = None) -> dict:
    """banking77: reference = train (10,003), positives = test (3,080), negatives per source
    (CLINC150 other domains 3,600, oos_test 1,000, GSM8K 1,319, MT-Bench 80), pooled and each."""
    b = D.load_banking77(data)
    every = 5 if quick else 1
    ref = _subsample(b["train"], ref_every or every)
    pos = _subsample(b["test"], query_every or every)
    negs = {k: _subsample(v, (query_every or every) if k != "mt_bench" else 1) for k, v in D.banking_negatives(data).items()}
    allneg = [t for v in negs.values() for t in v]
    out = scorer(ref, pos + allneg)
    s = np.asarray(out["score"], dtype=float)
    sp, sn = s[:len(pos)], s[len(pos):]
    res = {"reference": len(ref), "positives": len(pos), "negatives": len(allneg), "pooled": _rates(sp, sn), "sources": {}}
    fit = np.asarray(out["fit"], dtype=float) if out.get("fit") is not None else None
    if fit is not None and min_fit is not None:
        res["pooled"]["in_domain_kept_local"] = float((fit[:len(pos)] >= min_fit).mean())
        res["pooled"]["escalated"] = float((fit[len(pos):] < min_fit).mean())
    start = 0
    for name, texts in negs.items():
        part = sn[start:start + len(texts)]
        r = {"n": len(texts), **_rates(sp, part)}
        if fit is not None and min_fit is not None:
            r["escalated"] = float((fit[len(pos) + start:len(pos) + start + len(texts)] < min_fit).mean())
        res["sources"][name] = r
        start += len(texts)
    return res
