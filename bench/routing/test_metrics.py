"""Fast checks of the benchmark's metric code on synthetic inputs with known answers, plus the
random-router reproduction on GSM8K when ../shared/data is present (skipped otherwise).
Run: python3 -m unittest bench.routing.test_metrics (from the repository root; `make test` does)."""
from __future__ import annotations

import unittest

import numpy as np

from . import complexity_bench as C
from . import data as D
from . import metrics as M


def synthetic(n=1000, seed=1):
    """weak right on 60%, strong right on 90% (a superset of weak's), so the gap is 30 points."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    weak = np.zeros(n, bool)
    strong = np.zeros(n, bool)
    weak[order[:600]] = True
    strong[order[:900]] = True
    return weak, strong


class QcutTests(unittest.TestCase):
    def test_edges_are_linear_quantiles(self):
        self.assertTrue(np.allclose(M.qcut_edges(np.arange(11.0), 10), np.arange(11.0)))
        self.assertAlmostEqual(M.qcut_edges([0.0, 1.0, 2.0, 3.0], 2)[1], 1.5)

    def test_duplicate_edges_raise_like_pandas(self):
        with self.assertRaises(M.DuplicateEdges):
            M.qcut_edges([0.0] * 50 + [1.0] * 50, 10)

    def test_last_edge_routes_nobody(self):
        shares = [sel.mean() for _, sel in M.selections(np.linspace(0, 1, 100))]
        self.assertEqual(shares[0], 1.0)
        self.assertEqual(shares[-1], 0.0)
        self.assertEqual(len(shares), 11)


class RouterMetricTests(unittest.TestCase):
    def test_oracle_recovers_the_whole_gap_at_its_share(self):
        weak, strong = synthetic()
        oracle = (~weak & strong).astype(float) + np.linspace(0, 1e-3, len(weak))  # weak-wrong-strong-right first
        r = M.summarize(M.points_binary(oracle, weak, strong), 60.0, 90.0)
        # 30% of prompts are weak-wrong-and-strong-right: the whole gap is recovered by 30% calls.
        self.assertLessEqual(r["cpt80"], 30.0)
        self.assertLessEqual(r["cpt50"], 20.0)
        self.assertGreater(r["apgr"], 0.8)

    def test_anti_oracle_is_worse_than_random(self):
        weak, strong = synthetic()
        anti = weak.astype(float) + np.linspace(0, 1e-3, len(weak))  # sends the weak-right prompts first
        r = M.summarize(M.points_binary(anti, weak, strong), 60.0, 90.0)
        self.assertGreaterEqual(r["cpt50"], 70.0)
        self.assertLess(r["apgr"], 0.3)

    def test_apgr_of_a_straight_line_is_one_half(self):
        pts = [(x, 60.0 + 0.3 * x) for x in range(0, 101, 10)]
        r = M.summarize(pts, 60.0, 90.0)
        self.assertAlmostEqual(r["apgr"], 0.5)
        self.assertAlmostEqual(r["cpt50"], 50.0)
        self.assertAlmostEqual(r["cpt20"], 20.0)

    def test_mt_bench_points_count_both_turns(self):
        pts = M.points_mt_bench(np.linspace(0, 1, 20), [[5.0, 7.0]] * 20, [[9.0, 9.0]] * 20)
        self.assertEqual(pts[0], (100.0, 9.0))
        self.assertEqual(pts[-1], (0.0, 6.0))

    def test_random_router_is_near_one_half(self):
        weak, strong = synthetic(4000)
        pts = M.random_router_points(len(weak), lambda s: M.points_binary(s, weak, strong))
        r = M.summarize(pts, 100 * weak.mean(), 100 * strong.mean())
        self.assertAlmostEqual(r["apgr"], 0.5, delta=0.03)

    def test_ties_are_broken_deterministically(self):
        s, tied = C.break_ties([0.5] * 30 + [0.1] * 30, [f"p{i}" for i in range(60)])
        self.assertEqual(tied, 60)
        self.assertEqual(len(np.unique(s)), 60)
        self.assertTrue((s[:30] > s[30:].max()).all())


class BinaryMetricTests(unittest.TestCase):
    def test_auroc(self):
        self.assertEqual(M.auroc([3, 4], [1, 2]), 1.0)
        self.assertEqual(M.auroc([1, 2], [3, 4]), 0.0)
        self.assertEqual(M.auroc([1, 1], [1, 1]), 0.5)
        self.assertAlmostEqual(M.auroc([2, 3], [1, 2]), 0.875)

    def test_fpr_at_95_tpr(self):
        pos = np.arange(1, 101, dtype=float)  # the threshold accepting 95 of them is 6
        self.assertEqual(M.threshold_at_tpr(pos, 0.95), 6.0)
        self.assertEqual(M.fpr_at_tpr(pos, [5.0, 6.0, 7.0, 0.0], 0.95), 0.5)


@unittest.skipUnless(D.data_available(), "../shared/data is absent")
class DataTests(unittest.TestCase):
    def test_counts_after_decontamination(self):
        mmlu, gsm, mt = D.load_mmlu(), D.load_gsm8k(), D.load_mt_bench()
        self.assertEqual((len(mmlu), len(gsm), len(mt)), (10562, 1307, 72))
        self.assertEqual(sum(r.weak_wrong for r in gsm), 474)
        self.assertEqual(sum(r.strong_wins for r in gsm), 382)
        self.assertEqual({r.category for r in mmlu}, {"STEM", "humanities", "social sciences", "other"})
        self.assertEqual(sum(len(v) for v in D.banking_negatives().values()), 5999)

    def test_random_router_reproduces_the_readme_on_gsm8k(self):
        gsm = D.load_gsm8k()
        w, s = [x.weak for x in gsm], [x.strong for x in gsm]
        pts = M.random_router_points(len(gsm), lambda sc: M.points_binary(sc, w, s))
        r = M.summarize(pts, 100 * np.mean(w), 100 * np.mean(s))
        self.assertEqual((round(r["cpt50"], 2), round(r["cpt80"], 2), round(r["apgr"], 3)), (48.79, 80.16, 0.507))

    def test_folds_are_subject_disjoint_and_cover_everything(self):
        mmlu, gsm = D.load_mmlu(), D.load_gsm8k()
        seen = []
        for train, mi, gi in C.cv_plan(mmlu, gsm, 5):
            scored_subjects = {mmlu[i].subject for i in mi}
            self.assertFalse(scored_subjects & {r.subject for r in train if r.benchmark == "mmlu"})
            self.assertFalse({gsm[i].prompt for i in gi} & {r.prompt for r in train if r.benchmark == "gsm8k"})
            seen += mi
        self.assertEqual(sorted(seen), list(range(len(mmlu))))


if __name__ == "__main__":
    unittest.main()
