from exp import *
from sklearn.ensemble import HistGradientBoostingClassifier
import warnings; warnings.filterwarnings("ignore")
X = np.hstack([X0, X1]); names = names0 + names1
def cv_mmlu(label, model_fn):
    s = np.zeros(nm)
    for tr, te in GroupKFold(5).split(idx_m, groups=subj[idx_m]):
        s[te] = model_fn(idx_m[tr], idx_m[te], label)
    return metrics_binary(s, m), auroc(s, ~weak[idx_m])
def cv_gsm(label, model_fn, with_mmlu=False):
    h = np.array([zlib.crc32(r["prompt"].encode()) % 5 for r in g]); s = np.zeros(ng)
    for f in range(5):
        tr = idx_g[h != f]
        if with_mmlu: tr = np.r_[idx_m, tr]
        s[h == f] = model_fn(tr, idx_g[h == f], label)
    return metrics_binary(s, g)
def target(label, idx):
    if label == "weak": return (~weak[idx]).astype(float)
    if label == "strongwin": return ((~weak[idx]) & strong[idx]).astype(float)
    return (1 + strong[idx].astype(float) - weak[idx].astype(float)) / 2
def lr(C, cols=None):
    def f(tr, te, label):
        Xc = X if cols is None else X[:, cols]
        mu = Xc[tr].mean(0); sd = Xc[tr].std(0) + 1e-6; Z = (Xc - mu) / sd
        tg = target(label, tr)
        A = np.vstack([Z[tr], Z[tr]]); yy = np.r_[np.ones(len(tr)), np.zeros(len(tr))]; ww = np.r_[tg, 1 - tg]; k = ww > 0
        return LogisticRegression(C=C, max_iter=3000).fit(A[k], yy[k], sample_weight=ww[k]).decision_function(Z[te])
    return f
def gbm(it, depth, lr_=0.05, leaf=50):
    def f(tr, te, label):
        tg = target(label, tr)
        A = np.vstack([X[tr], X[tr]]); yy = np.r_[np.ones(len(tr)), np.zeros(len(tr))]; ww = np.r_[tg, 1 - tg]; k = ww > 0
        c = HistGradientBoostingClassifier(max_iter=it, max_depth=depth, learning_rate=lr_, min_samples_leaf=leaf, random_state=0)
        return c.fit(A[k], yy[k], sample_weight=ww[k]).decision_function(X[te])
    return f
import sys
if sys.argv[1] == "C":
    for label in ["weak", "strongwin", "gain"]:
        for C in [0.01, 0.1, 1, 10]:
            mm, a = cv_mmlu(label, lr(C)); gm = cv_gsm(label, lr(C)); gm2 = cv_gsm(label, lr(C), True)
            print(f"LR {label} C={C} MMLU {fmt(mm,a)} GSM {gm['apgr']:.3f} GSM+M {gm2['apgr']:.3f}", flush=True)
if sys.argv[1] == "gbm":
    for label in ["weak", "gain"]:
        for it, d in [(50, 2), (100, 3), (200, 3)]:
            mm, a = cv_mmlu(label, gbm(it, d)); gm = cv_gsm(label, gbm(it, d)); gm2 = cv_gsm(label, gbm(it, d), True)
            print(f"GBM {label} {it}x{d} MMLU {fmt(mm,a)} GSM {gm['apgr']:.3f} GSM+M {gm2['apgr']:.3f}", flush=True)
if sys.argv[1] == "abl":
    base, a = cv_mmlu("gain", lr(1)); print("all", fmt(base, a))
    for j in range(len(names0), len(names)):
        cols = [c for c in range(len(names)) if c != j]
        mm, a = cv_mmlu("gain", lr(1, cols)); gm = cv_gsm("gain", lr(1, cols))
        print(f"-{names[j]:24s} MMLU {mm['apgr']-base['apgr']:+.3f} CPT50 {mm['cpt50']:.1f} GSM {gm['apgr']:.3f}", flush=True)
