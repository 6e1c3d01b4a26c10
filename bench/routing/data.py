"""Loads the public evaluation sets exactly as shared/data/README.md describes them.

Complexity sets (RouteLLM outcomes; strong = gpt-4-1106-preview, weak = Mixtral-8x7B):
  load_mmlu(), load_gsm8k(): rows {prompt, weak, strong, benchmark, subject, category}, decontaminated
  by exact match against contaminated_prompts.jsonl, in RouteLLM's row order.
  load_mt_bench(): questions {question_id, turn1, turn2, category, scores{(model): [turn scores]}}.
Fit sets: load_clinc150(), load_banking77(), banking_negatives().
write_labels(): label files for `triage train --labels` ({"prompt", "label", "strong_wins", ...}).

Standard library only, so any script (and the complexity engineer's tools) can import it.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STRONG = "gpt-4-1106-preview"
WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1"

# RouteLLM's routellm/evals/mmlu/domains.py order (its MMLU benchmark concatenates the files in
# this order). Only 40 of the 57 are present; the others are skipped.
ROUTELLM_MMLU_ORDER = [
    "high_school_european_history", "business_ethics", "clinical_knowledge", "medical_genetics",
    "high_school_us_history", "high_school_physics", "high_school_world_history", "virology",
    "high_school_microeconomics", "econometrics", "college_computer_science", "high_school_biology",
    "abstract_algebra", "professional_accounting", "philosophy", "professional_medicine", "nutrition",
    "global_facts", "machine_learning", "security_studies", "public_relations",
    "professional_psychology", "prehistory", "anatomy", "human_sexuality", "college_medicine",
    "high_school_government_and_politics", "college_chemistry", "logical_fallacies",
    "high_school_geography", "elementary_mathematics", "human_aging", "college_mathematics",
    "high_school_psychology", "formal_logic", "high_school_statistics", "international_law",
    "high_school_mathematics", "high_school_computer_science", "conceptual_physics", "miscellaneous",
    "high_school_chemistry", "marketing", "professional_law", "management", "college_physics",
    "jurisprudence", "world_religions", "sociology", "us_foreign_policy",
    "high_school_macroeconomics", "computer_security", "moral_scenarios", "moral_disputes",
    "electrical_engineering", "astronomy", "college_biology",
]

# The standard MMLU category map (Hendrycks et al.), as listed in data/routellm/SOURCE.md.
MMLU_CATEGORY = {}
for _cat, _subjects in {
    "STEM": "abstract_algebra anatomy astronomy college_biology college_chemistry "
            "college_computer_science college_mathematics college_physics computer_security "
            "conceptual_physics electrical_engineering elementary_mathematics high_school_biology "
            "high_school_chemistry high_school_computer_science high_school_mathematics "
            "high_school_physics high_school_statistics machine_learning",
    "humanities": "formal_logic high_school_european_history high_school_us_history "
                  "high_school_world_history international_law jurisprudence logical_fallacies "
                  "moral_disputes moral_scenarios philosophy prehistory professional_law world_religions",
    "social sciences": "econometrics high_school_geography high_school_government_and_politics "
                       "high_school_macroeconomics high_school_microeconomics high_school_psychology "
                       "human_sexuality professional_psychology public_relations security_studies "
                       "sociology us_foreign_policy",
    "other": "business_ethics clinical_knowledge college_medicine global_facts human_aging management "
             "marketing medical_genetics miscellaneous nutrition professional_accounting "
             "professional_medicine virology",
}.items():
    for _s in _subjects.split():
        MMLU_CATEGORY[_s] = _cat


def default_data_dir() -> Path:
    """../shared/data relative to the repository (this file is bench/routing/data.py), or $TRIAGE_DATA."""
    env = os.environ.get("TRIAGE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def data_available(data: Path | None = None) -> bool:
    d = data or default_data_dir()
    return (d / "routellm" / "SOURCE.md").is_file() and (d / "clinc150" / "data_full.json").is_file()


@dataclass
class Row:
    """One MMLU or GSM8K prompt with both models' correctness."""
    prompt: str
    weak: bool        # the weak model (Mixtral) answered correctly
    strong: bool      # the strong model (GPT-4) answered correctly
    benchmark: str    # "mmlu" | "gsm8k"
    subject: str = ""
    category: str = ""

    @property
    def weak_wrong(self) -> int:
        return int(not self.weak)

    @property
    def strong_wins(self) -> int:
        return int((not self.weak) and self.strong)


@dataclass
class MTQuestion:
    question_id: int
    turn1: str
    turn2: str
    category: str
    scores: dict = field(default_factory=dict)  # model -> list of judge scores (both turns)


def _bool(cell: str) -> bool:
    if cell == "True":
        return True
    if cell == "False":
        return False
    raise ValueError(f"not a boolean cell: {cell!r}")


def _jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def contaminated(data: Path, bench: str) -> set[str]:
    return {r["eval_prompt"] for r in _jsonl(data / "routellm" / bench / "contaminated_prompts.jsonl")}


def load_mmlu(data: Path | None = None, order: str = "sorted") -> list[Row]:
    """The 40 MMLU subject files, decontaminated (10,562 rows), concatenated in file-name order
    (`order="sorted"`; the order behind the data README's random-router values, which this
    reproduces exactly) or in RouteLLM's ALL_MMLU_DOMAINS order (`order="routellm"`). Only the
    random router's draws depend on the order."""
    data = data or default_data_dir()
    folder = data / "routellm" / "mmlu" / "responses"
    present = {p.name[len("mmlu_"):-len(".csv")] for p in folder.glob("mmlu_*.csv")}
    subjects = [s for s in ROUTELLM_MMLU_ORDER if s in present] if order == "routellm" else sorted(present)
    unknown = present - set(ROUTELLM_MMLU_ORDER)
    if unknown:
        raise ValueError(f"MMLU subjects not in RouteLLM's list: {sorted(unknown)}")
    bad = contaminated(data, "mmlu")
    rows = []
    for subject in subjects:
        with open(folder / f"mmlu_{subject}.csv", encoding="utf-8", newline="") as f:
            for rec in csv.DictReader(f):
                if rec["prompt"] in bad:
                    continue
                rows.append(Row(rec["prompt"], _bool(rec[WEAK]), _bool(rec[STRONG]), "mmlu",
                                subject, MMLU_CATEGORY[subject]))
    return rows


def load_gsm8k(data: Path | None = None) -> list[Row]:
    """RouteLLM's GSM8K outcomes (test set order), decontaminated (1,307 rows)."""
    data = data or default_data_dir()
    bad = contaminated(data, "gsm8k")
    rows = []
    with open(data / "routellm" / "gsm8k" / "gsm8k_responses.csv", encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            if rec["prompt"] in bad:
                continue
            rows.append(Row(rec["prompt"], _bool(rec[WEAK]), _bool(rec[STRONG]), "gsm8k", "gsm8k", "math"))
    return rows


def load_mt_bench(data: Path | None = None) -> list[MTQuestion]:
    """MT-Bench questions without those whose turn 1 or turn 2 is contaminated (72), with judge scores."""
    data = data or default_data_dir()
    bad = contaminated(data, "mt_bench")
    questions = []
    for q in _jsonl(data / "mt_bench" / "question.jsonl"):
        t1, t2 = q["turns"][0], q["turns"][1]
        if t1 in bad or t2 in bad:
            continue
        questions.append(MTQuestion(int(q["question_id"]), t1, t2, q["category"]))
    by_id = {q.question_id: q for q in questions}
    for j in _jsonl(data / "routellm" / "mt_bench" / "judgements.jsonl"):
        q = by_id.get(int(j["question_id"]))
        if q is not None:
            q.scores.setdefault(j["model"], []).append(float(j["score"]))
    return questions


def load_clinc150(data: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """data_full.json: {train, val, test, oos_train, oos_val, oos_test} -> [(text, intent)]."""
    data = data or default_data_dir()
    with open(data / "clinc150" / "data_full.json", encoding="utf-8") as f:
        raw = json.load(f)
    return {k: [(t, i) for t, i in v] for k, v in raw.items()}


def clinc_domains(data: Path | None = None) -> dict[str, list[str]]:
    data = data or default_data_dir()
    with open(data / "clinc150" / "domains.json", encoding="utf-8") as f:
        return json.load(f)


def load_banking77(data: Path | None = None) -> dict[str, list[str]]:
    """{train: [text], test: [text]}."""
    data = data or default_data_dir()
    out = {}
    for split in ("train", "test"):
        with open(data / "banking77" / f"{split}.csv", encoding="utf-8", newline="") as f:
            out[split] = [rec["text"] for rec in csv.DictReader(f)]
    return out


def banking_negatives(data: Path | None = None) -> dict[str, list[str]]:
    """Protocol a2 negatives per source (5,999 in all): CLINC150 test outside banking/credit_cards
    (3,600), CLINC150 oos_test (1,000), GSM8K test questions (1,319), MT-Bench turn-1 prompts (80)."""
    data = data or default_data_dir()
    clinc = load_clinc150(data)
    domains = clinc_domains(data)
    excluded = set(domains["banking"]) | set(domains["credit_cards"])
    return {
        "clinc_other_domains": [t for t, i in clinc["test"] if i not in excluded],
        "clinc_oos": [t for t, _ in clinc["oos_test"]],
        "gsm8k": [r["question"] for r in _jsonl(data / "gsm8k" / "test.jsonl")],
        "mt_bench": [q["turns"][0] for q in _jsonl(data / "mt_bench" / "question.jsonl")],
    }


def stable_fold(text: str, k: int) -> int:
    """Hash split: the fold of a prompt, the same on every run and machine."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") % k


def subject_folds(rows: list[Row], k: int) -> dict[str, int]:
    """Subject-disjoint folds: whole subject files, assigned greedily (largest first) to the
    currently smallest fold, so folds have similar row counts. Deterministic."""
    sizes: dict[str, int] = {}
    for r in rows:
        sizes[r.subject] = sizes.get(r.subject, 0) + 1
    load = [0] * k
    fold_of = {}
    for subject in sorted(sizes, key=lambda s: (-sizes[s], s)):
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[subject] = f
        load[f] += sizes[subject]
    return fold_of


def label_record(row: Row) -> dict:
    return {"prompt": row.prompt, "label": row.weak_wrong, "strong_wins": row.strong_wins,
            "benchmark": row.benchmark, "subject": row.subject, "category": row.category}


def write_labels(rows, path: Path, label: str = "weak_wrong") -> int:
    """Writes a `triage train --labels` file; `label` picks which outcome is the training label
    (weak_wrong: the weak model is wrong; strong_wins: weak wrong and strong right). The other
    fields are kept for analysis. Returns the number of lines."""
    if label not in ("weak_wrong", "strong_wins"):
        raise ValueError(f"unknown label {label!r}")
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            rec = label_record(row)
            if label == "strong_wins":
                rec["label"] = row.strong_wins
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


if __name__ == "__main__":
    import argparse
    p = argparse.ArgumentParser(description="Summarise the evaluation sets, or write label files.")
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--labels-out", type=Path, help="write MMLU+GSM8K label lines here")
    p.add_argument("--label", default="weak_wrong", choices=["weak_wrong", "strong_wins"])
    a = p.parse_args()
    d = a.data or default_data_dir()
    mmlu, gsm = load_mmlu(d), load_gsm8k(d)
    for name, rows in (("mmlu", mmlu), ("gsm8k", gsm)):
        n = len(rows)
        print(f"{name}: {n} rows, weak correct {100*sum(r.weak for r in rows)/n:.2f}%, "
              f"strong correct {100*sum(r.strong for r in rows)/n:.2f}%, weak wrong {sum(r.weak_wrong for r in rows)}, "
              f"strong wins {sum(r.strong_wins for r in rows)}")
    mt = load_mt_bench(d)
    print(f"mt_bench: {len(mt)} questions")
    if a.labels_out:
        print(f"wrote {write_labels(mmlu + gsm, a.labels_out, a.label)} lines to {a.labels_out}")
