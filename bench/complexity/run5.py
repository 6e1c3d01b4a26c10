from run3 import *
def run2(label, drop_hsm_train=False, hsm_gain3=False):
    cols = list(range(X.shape[1])); sm = np.zeros(nm); sg = np.zeros(ng)
    global strong
    hsm = subj == "high_school_mathematics"
    saved = strong.copy()
    def fit(tr):
        if drop_hsm_train: tr = tr[~hsm[tr]]
        return lr_fit(tr, label, 1.0, cols)[0]
    for f in range(K):
        pred = fit(np.r_[idx_m[mf != f], idx_g[gf != f]])
        sm[mf == f] = pred(idx_m[mf == f]); sg[gf == f] = pred(idx_g[gf == f])
    st = fit(np.r_[idx_m, idx_g])(idx_t)
    keep = ~hsm[idx_m]
    mm = metrics_binary(sm, m); mx = metrics_binary(sm[keep], [r for r, k in zip(m, keep) if k])
    return mm, mx, metrics_binary(sg, g), metrics_mtbench(st, t), sm
for name, kw in [("gain", {}), ("gain-noHSMtrain", {"drop_hsm_train": True}), ("weak", {}), ("weak-noHSMtrain", {"drop_hsm_train": True})]:
    mm, mx, gm, tm, sm = run2(name.split("-")[0], **kw)
    print(f"{name:16s} MMLU {mm['apgr']:.3f}/{mm['cpt50']:.1f} | MMLU-no-HSM {mx['apgr']:.3f}/{mx['cpt50']:.1f} | GSM {gm['apgr']:.3f}/{gm['cpt50']:.1f} | MTB {tm['apgr']:.3f}", flush=True)
