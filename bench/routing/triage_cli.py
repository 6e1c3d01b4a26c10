"""Runs the release `triage` binary: `triage score` (prompts -> scores) and `triage train`."""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def triage_binary() -> str:
    explicit = os.environ.get("TRIAGE_BIN")
    if explicit:
        return explicit
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.strip()
    return str(Path(out) / "triage")


class Triage:
    """The CLI, run in a scratch directory (the reference index cache goes there) with the
    repository's shipped routes.yaml, so its auto: defaults (min_fit, max_complexity, the bundled
    complexity weights) are what is measured unless an option overrides them."""

    def __init__(self, binary: str | None = None, workdir: Path | None = None, config: Path | None = None):
        self.binary = binary or triage_binary()
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="triage-bench-"))
        self.config = Path(config or REPO / "routes.yaml").resolve()
        self.timings: list[dict] = []  # one per score call: prompts, seconds in the scoring loop

    def score(self, prompts, reference=None, weights=None, min_fit=None, max_complexity=None, label="") -> list[dict]:
        """Scores `prompts` (strings, or dicts written as they are) with `triage score`; returns
        the output records in input order."""
        path = self.workdir / "score-input.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for p in prompts:
                f.write(json.dumps(p if isinstance(p, dict) else {"prompt": p}, ensure_ascii=False) + "\n")
        cmd = [self.binary, "score", "--config", str(self.config)]
        if reference:
            cmd += ["--reference", str(Path(reference).resolve())]
        if weights:
            cmd += ["--complexity-weights", str(Path(weights).resolve())]
        if min_fit is not None:
            cmd += ["--min-fit", repr(min_fit)]
        if max_complexity is not None:
            cmd += ["--max-complexity", repr(max_complexity)]
        cmd.append(str(path))
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=self.workdir, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-2000:]}")
        records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        if len(records) != len(prompts):
            raise RuntimeError(f"triage score wrote {len(records)} lines for {len(prompts)} prompts")
        m = re.search(r"(\d+) scored, (\d+) failed, in ([\d.]+) s \(([\d.]+) us per prompt; classifier loaded in ([\d.]+) s\)",
                      proc.stderr)
        if m:
            self.timings.append({"label": label, "prompts": int(m.group(1)), "seconds": float(m.group(3)),
                                 "us_per_prompt": float(m.group(4)), "load_seconds": float(m.group(5)),
                                 "wall_seconds": wall})
        return records

    def train(self, labels_path: Path, out: Path) -> str:
        """`triage train --labels FILE --out W --holdout 0 --l2 0.00003`: every row of the fold
        trains, with the regularisation of `make weights` (the recipe of the shipped weights)."""
        cmd = [self.binary, "train", "--labels", str(labels_path), "--out", str(out), "--holdout", "0", "--l2", "0.00003"]
        proc = subprocess.run(cmd, cwd=self.workdir, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-2000:]}")
        return proc.stdout


def write_reference(prompts, path: Path) -> Path:
    """A reference JSONL ({"prompt"} lines), the shape `auto.reference` reads."""
    with open(path, "w", encoding="utf-8") as f:
        for p in prompts:
            f.write(json.dumps({"prompt": p}, ensure_ascii=False) + "\n")
    return path
