/// The `route: auto` classifier: distribution fit against the local model's reference data plus
/// complexity. `Sendable` and immutable; build a new instance to change the reference or weights.
public struct Classifier: Sendable {
    /// The fit index; nil when no reference is configured (fit is then not scored).
    public let reference: ReferenceIndex?
    /// The complexity model.
    public let complexity: ComplexityModel

    /// Creates a classifier.
    public init(reference: ReferenceIndex?, complexity: ComplexityModel) {
        self.reference = reference
        self.complexity = complexity
    }

    /// Scores `prompt` (the last user message) in a conversation of `messageCount` messages.
    /// Tokenizes once and shares the tokens between both scores.
    public func classify(prompt: String, messageCount: Int = 1) -> Classification {
        let clock = ContinuousClock()
        let start = clock.now
        let tokens = Tokenizer.tokenize(prompt)
        let fit = reference?.fit(tokens: tokens)
        let middle = clock.now
        let score = complexity.score(prompt: prompt, tokens: tokens, messageCount: messageCount)
        let end = clock.now
        return Classification(fit: fit?.calibrated, rawSimilarity: fit?.raw, complexity: score.probability,
                              complexityScore: score, fitDuration: middle - start, complexityDuration: end - middle)
    }

    /// The `auto` routing rule: local when `fit ≥ minFit` and `complexity ≤ maxComplexity`.
    /// A nil `fit` (no reference configured) never fails the fit check.
    public static func decide(fit: Double?, complexity: Double, minFit: Double, maxComplexity: Double) -> RoutingDecision {
        let fitFails = fit.map { $0 < minFit } ?? false
        let complexityFails = complexity > maxComplexity
        switch (fitFails, complexityFails) {
        case (false, false): return RoutingDecision(local: true, decidedBy: .none)
        case (true, false): return RoutingDecision(local: false, decidedBy: .fit)
        case (false, true): return RoutingDecision(local: false, decidedBy: .complexity)
        case (true, true): return RoutingDecision(local: false, decidedBy: .both)
        }
    }
}
