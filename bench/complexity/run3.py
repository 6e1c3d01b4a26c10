"""Bench protocol: 5 folds; MMLU subject-disjoint (greedy largest-first), GSM8K sha256 hash;
each fold trains on the other folds of MMLU + GSM8K; MT-Bench scored by a model on all MMLU+GSM8K."""
from exp import *
import hashlib, sys, warnings; warnings.filterwarnings("ignore")
X = np.hstack([X0, X1]); names = names0 + names1
def subject_folds(k):
    sizes = {}
    for r in m: sizes[r["subject"]] = sizes.get(r["subject"], 0) + 1
    load = [0] * k; fo = {}
    for s in sorted(sizes, key=lambda s: (-sizes[s], s)):
        f = min(range(k), key=lambda i: (load[i], i)); fo[s] = f; load[f] += sizes[s]
    return fo
K = 5
fo = subject_folds(K)
mf = np.array([fo[r["subject"]] for r in m])
gf = np.array([int.from_bytes(hashlib.sha256(r["prompt"].encode()).digest()[:8], "big") % K for r in g])
def target(label, idx):
    w = weak[idx].astype(float); s = strong[idx].astype(float)
    if label == "weak": return 1 - w
    if label == "strongwin": return (1 - w) * s
    if label == "gain": return (1 + s - w) / 2
    if label == "gain3": return (1 - w) * s + 0.5 * (1 - w) * (1 - s)
def lr_fit(tr, label, C, cols, ngram=0.0):
    Xc = X[:, cols]
    mu = Xc[tr].mean(0); sd = Xc[tr].std(0) + 1e-6
    tg = target(label, tr)
    Z = (Xc[tr] - mu) / sd
    if ngram: Z = sp.hstack([sp.csr_matrix(Z), Hn[tr] * ngram]).tocsr(); A = sp.vstack([Z, Z]).tocsr()
    else: A = np.vstack([Z, Z])
    yy = np.r_[np.ones(len(tr)), np.zeros(len(tr))]; ww = np.r_[tg, 1 - tg]; k = ww > 0
    c = LogisticRegression(C=C, max_iter=3000, solver="liblinear" if ngram else "lbfgs").fit(A[k], yy[k], sample_weight=ww[k])
    def pred(te):
        Zt = (Xc[te] - mu) / sd
        if ngram: Zt = sp.hstack([sp.csr_matrix(Zt), Hn[te] * ngram]).tocsr()
        return c.decision_function(Zt)
    return pred, c
def run(label, C=1.0, cols=None, ngram=0.0):
    cols = list(range(X.shape[1])) if cols is None else cols
    sm = np.zeros(nm); sg = np.zeros(ng)
    for f in range(K):
        tr = np.r_[idx_m[mf != f], idx_g[gf != f]]
        pred, _ = lr_fit(tr, label, C, cols, ngram)
        sm[mf == f] = pred(idx_m[mf == f]); sg[gf == f] = pred(idx_g[gf == f])
    pred, c = lr_fit(np.r_[idx_m, idx_g], label, C, cols, ngram)
    st = pred(idx_t)
    mm = metrics_binary(sm, m); gm = metrics_binary(sg, g); tm = metrics_mtbench(st, t)
    return mm, auroc(sm, ~weak[idx_m]), gm, auroc(sg, ~weak[idx_g]), tm, c
if __name__ == "__main__":
    for label in sys.argv[2:]:
        for C in [float(x) for x in sys.argv[1].split(",")]:
            mm, a, gm, ga, tm, _ = run(label, C)
            print(f"{label:9s} C={C} | MMLU {fmt(mm,a)} | GSM {fmt(gm,ga)} | MTB {tm['apgr']:.3f} cpt50 {tm['cpt50']:.1f}", flush=True)
