import sys, time, numpy as np, scipy.sparse as sp
from data import *
from features import dense, dense_new, words
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
import zlib, pickle, os

m, g, t = load_mmlu(), load_gsm8k(), load_mtbench()
allrows = m + g + t
cache = "/tmp/cx_feats.pkl"
if os.path.exists(cache):
    D0, D1 = pickle.load(open(cache, "rb"))
else:
    D0 = [dense(r["prompt"]) for r in allrows]; D1 = [dense_new(r["prompt"]) for r in allrows]
    pickle.dump((D0, D1), open(cache, "wb"))
names0 = list(D0[0]); names1 = list(D1[0])
X0 = np.array([[d[k] for k in names0] for d in D0]); X1 = np.array([[d[k] for k in names1] for d in D1])

def ngram_tokens(p):
    w = words(p)
    return w + [a + " " + b for a, b in zip(w, w[1:])]
hcache = "/tmp/cx_hn.npz"
if os.path.exists(hcache):
    Hn = sp.load_npz(hcache)
else:
    H = FeatureHasher(n_features=1 << 14, input_type="string", alternate_sign=False)
    Hn = H.transform([ngram_tokens(r["prompt"]) for r in allrows]).tocsr().astype(float)
    sp.save_npz(hcache, Hn)
Hn = Hn.copy()
Hn.data = 1 + np.log(Hn.data)
norms = np.sqrt(Hn.multiply(Hn).sum(1)).A1; norms[norms == 0] = 1
Hn = sp.diags(1 / norms) @ Hn

nm, ng = len(m), len(g)
idx_m = np.arange(nm); idx_g = np.arange(nm, nm + ng); idx_t = np.arange(nm + ng, len(allrows))
weak = np.array([r["weak"] for r in allrows]); strong = np.array([r["strong"] for r in allrows])
subj = np.array([r["subject"] for r in allrows])

def build(sel, use_new=True, ngram_scale=1.0, cols=None):
    X = X0 if not use_new else np.hstack([X0, X1])
    if cols is not None: X = X[:, cols]
    return X, Hn * ngram_scale

def fit_predict(tr, te, label, X, Hs, C=1.0, ngrams=True, soft=False):
    mu = X[tr].mean(0); sd = X[tr].std(0) + 1e-6
    Z = (X - mu) / sd
    A = sp.hstack([sp.csr_matrix(Z), Hs]).tocsr() if ngrams else sp.csr_matrix(Z)
    if label == "weak": y = ~weak
    elif label == "strongwin": y = (~weak) & strong
    if label == "gain":
        # soft target (1 + strong - weak)/2 via duplicated weighted rows
        tgt = (1 + strong.astype(float) - weak.astype(float)) / 2
        Atr = sp.vstack([A[tr], A[tr]]); yy = np.r_[np.ones(len(tr)), np.zeros(len(tr))]
        ww = np.r_[tgt[tr], 1 - tgt[tr]]
        keep = ww > 0
        clf = LogisticRegression(C=C, solver="liblinear", max_iter=500).fit(Atr[keep], yy[keep], sample_weight=ww[keep])
    else:
        clf = LogisticRegression(C=C, solver="liblinear", max_iter=500).fit(A[tr], y[tr])
    return clf.decision_function(A[te])

def eval_mmlu(label="weak", k=5, **kw):
    X, Hs = build(None, **{k2: v for k2, v in kw.items() if k2 in ("use_new", "ngram_scale", "cols")})
    fkw = {k2: v for k2, v in kw.items() if k2 in ("C", "ngrams")}
    s = np.zeros(nm)
    for tr, te in GroupKFold(k).split(idx_m, groups=subj[idx_m]):
        s[te] = fit_predict(idx_m[tr], idx_m[te], label, X, Hs, **fkw)
    rows = m
    met = metrics_binary(s, rows); a = auroc(s, ~weak[idx_m])
    return met, a, s

def eval_gsm(label="weak", k=5, with_mmlu=False, **kw):
    X, Hs = build(None, **{k2: v for k2, v in kw.items() if k2 in ("use_new", "ngram_scale", "cols")})
    fkw = {k2: v for k2, v in kw.items() if k2 in ("C", "ngrams")}
    h = np.array([zlib.crc32(r["prompt"].encode()) % k for r in g])
    s = np.zeros(ng)
    for f in range(k):
        tr = idx_g[h != f]; te = idx_g[h == f]
        if with_mmlu: tr = np.r_[idx_m, tr]
        s[h == f] = fit_predict(tr, te, label, X, Hs, **fkw)
    return metrics_binary(s, g), auroc(s, ~weak[idx_g]), s

def eval_mtb(label="weak", **kw):
    X, Hs = build(None, **{k2: v for k2, v in kw.items() if k2 in ("use_new", "ngram_scale", "cols")})
    fkw = {k2: v for k2, v in kw.items() if k2 in ("C", "ngrams")}
    s = fit_predict(np.r_[idx_m, idx_g], idx_t, label, X, Hs, **fkw)
    return metrics_mtbench(s, t), s

def fmt(met, a=None):
    return f"APGR {met['apgr']:.3f} CPT50 {met['cpt50']:.1f} CPT80 {met['cpt80']:.1f}" + (f" AUROC {a:.3f}" if a is not None else "")
