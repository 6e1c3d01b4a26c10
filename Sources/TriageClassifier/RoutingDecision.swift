/// The outcome of ``Classifier/decide(fit:complexity:minFit:maxComplexity:)``.
public struct RoutingDecision: Sendable, Equatable {
    /// Which score(s) sent the prompt to the remote model.
    public enum DecidedBy: String, Sendable, Equatable {
        /// Only the fit was below `min_fit`.
        case fit
        /// Only the complexity was above `max_complexity`.
        case complexity
        /// Both scores failed.
        case both
        /// Neither failed: the prompt goes to the local model.
        case none
    }

    /// True when the local model takes the prompt.
    public let local: Bool
    /// Which score(s) decided (`.none` when local); `rawValue` is what the log records.
    public let decidedBy: DecidedBy
}
