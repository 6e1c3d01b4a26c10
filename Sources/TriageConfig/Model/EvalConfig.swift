/// Settings for `triage eval` (`eval: {threshold: 0.6, metric: f1}`).
public struct EvalConfig: Sendable, Equatable {
    /// The metric the pass/fail threshold applies to.
    public enum Metric: String, Sendable, CaseIterable {
        /// Share of answers equal to the reference after normalisation.
        case exact
        /// Mean token F1 against the reference.
        case f1
        /// Mean judge score (win 1, tie 0.5, loss 0) against the reference answer.
        case judge
    }

    /// The value `metric` must reach to pass (`threshold`); `nil`: only `--threshold` sets it.
    public var threshold: Double?
    /// Which metric `threshold` applies to (`metric`, default `f1`).
    public var metric: Metric

    /// Creates eval settings.
    public init(threshold: Double? = nil, metric: Metric = .f1) {
        self.threshold = threshold
        self.metric = metric
    }
}
