import TriageClassifier

/// Training options for the hand-written seed set (a test fixture; the shipped default weights
/// come from `make weights`, trained on RouteLLM's public outcome labels).
enum DefaultWeights {
    static let options = TrainingOptions(source: "complexity-seed.jsonl (140 hand-written prompts, a test fixture)")
}
