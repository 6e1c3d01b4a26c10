/// The evidence a complexity label came from (`triage export --labels`).
///
/// Label 1 means "too hard for the local model, send it to the remote one"; 0 means "the local
/// model handles it". Rules are tried in this order and the first that applies labels the record:
///
/// 1. ``negativeFeedback`` → 1: answered by a local backend, and the request's latest feedback is negative.
/// 2. ``positiveFeedback`` → 0: answered by a local backend, and the latest feedback is positive.
/// 3. ``fallbackFromLocal`` → 1: `attempts` has a `failed` attempt on a local backend followed by an
///    `ok` attempt on a non-local one (a `skipped` attempt — breaker open, saturated — is not evidence).
/// 4. ``judgeWorse`` → 1: answered by a local backend (2xx), the shadow answer succeeded, and the
///    LLM judge (`shadow.judge`) graded the local answer a `loss` against it.
/// 5. ``judgeNotWorse`` → 0: as 4, graded `win` or `tie`.
/// 6. ``shadowDisagreed`` → 1: as 4 without a judge grade, and `shadow.agreement` is below the
///    disagreement threshold.
/// 7. ``shadowAgreed`` → 0: as 6, with `shadow.agreement` at or above the agreement threshold.
///
/// Explicit human feedback wins over shadow scores, and a judge grade over the word-set agreement
/// (a judge reply without a verdict is no grade). A shadow agreement between the two thresholds,
/// or missing, labels nothing.
public enum LabelRule: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Hashable {
    /// Local answer with negative feedback → 1.
    case negativeFeedback = "negative_feedback"
    /// Local answer with positive feedback → 0.
    case positiveFeedback = "positive_feedback"
    /// Failed on a local backend, then answered by a remote one → 1.
    case fallbackFromLocal = "fallback_from_local"
    /// The judge graded the local answer worse than the shadow answer → 1.
    case judgeWorse = "judge_worse"
    /// The judge graded the local answer as good as or better than the shadow answer → 0.
    case judgeNotWorse = "judge_not_worse"
    /// Local answer far from the shadow (remote) answer → 1.
    case shadowDisagreed = "shadow_disagreed"
    /// Local answer close to the shadow answer → 0.
    case shadowAgreed = "shadow_agreed"

    /// The label the rule gives.
    public var label: Int {
        switch self {
        case .negativeFeedback, .fallbackFromLocal, .judgeWorse, .shadowDisagreed: return 1
        case .positiveFeedback, .judgeNotWorse, .shadowAgreed: return 0
        }
    }
}
