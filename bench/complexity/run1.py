from exp import *
for label in ["weak", "strongwin", "gain"]:
    for use_new in [False, True]:
        mm, a, _ = eval_mmlu(label, use_new=use_new, ngrams=False)
        gm, ga, _ = eval_gsm(label, use_new=use_new, ngrams=False)
        gm2, ga2, _ = eval_gsm(label, use_new=use_new, ngrams=False, with_mmlu=True)
        tm, _ = eval_mtb(label, use_new=use_new, ngrams=False)
        print(f"{label:9s} new={use_new:d} | MMLU {fmt(mm,a)} | GSM {fmt(gm,ga)} | GSM+M {gm2['apgr']:.3f} | MTB {tm['apgr']:.3f}", flush=True)
