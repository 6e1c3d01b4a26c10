import TriageClassifier

/// The training options of the shipped default weights.
enum DefaultWeights {
    static let options = TrainingOptions(source: "complexity-seed.jsonl (140 hand-written prompts bundled with TriageClassifier; a placeholder — run `triage train --labels FILE.jsonl` on your own labels)")
}
