import Foundation
import TriageClassifier
import TriageConfig
import TriageFlywheel
import TriageLog

/// The classifier that decides `route: auto`, loaded from `auto:` in routes.yaml: the reference
/// index of the local model's fine-tuning prompts (cached on disk by content), the complexity
/// model, the two backends it chooses between and the thresholds.
public struct AutoRouting: Sendable {
    public let classifier: Classifier
    public let local: BackendConfig
    public let remote: BackendConfig
    public let minFit: Double
    public let maxComplexity: Double
    /// The fits of the last requests against the reference's held-out fits (drift gauges); nil
    /// without a reference, and for decisions that are not live traffic (`triage replay`). A new
    /// configuration starts an empty window.
    public let drift: FitDriftWindow?

    /// Creates the decision from a loaded classifier, its two backends and thresholds.
    public init(
        classifier: Classifier, local: BackendConfig, remote: BackendConfig, minFit: Double, maxComplexity: Double,
        drift: FitDriftWindow? = nil
    ) {
        self.classifier = classifier
        self.local = local
        self.remote = remote
        self.minFit = minFit
        self.maxComplexity = maxComplexity
        self.drift = drift
    }

    /// Longest prompt text scored, in bytes: the scores of longer prompts are taken on their
    /// last `maxScoredBytes` bytes, which keeps scoring well under a millisecond.
    public static let maxScoredBytes = 8 * 1024

    /// Loads the classifier `config.auto` describes; `nil` when it is off (no `auto.remote`).
    public static func load(config: RoutesConfig) throws(ClassifierLoadError) -> AutoRouting? {
        let auto = config.auto
        guard let remoteName = auto.remoteBackend,
              let remote = config.backend(named: remoteName),
              let local = config.backend(named: auto.routineBackend) else { return nil }
        let classifier = try Classifier.load(
            referencePath: auto.referencePath, cacheDirectory: auto.cacheDirectory, complexityWeightsPath: auto.complexityWeightsPath
        )
        let drift = classifier.reference.map {
            FitDriftWindow(reference: FitDriftReference(heldOutFits: $0.calibration.heldOutFits), minFit: auto.minFit)
        }
        return AutoRouting(classifier: classifier, local: local, remote: remote, minFit: auto.minFit,
                           maxComplexity: auto.maxComplexity, drift: drift)
    }

    /// Scores `prompt` and picks the backend, with the scores and a reason for the log.
    public func decide(prompt: String, messageCount: Int) -> (backend: BackendConfig, scores: RoutingLogRecord.Scores, reason: String) {
        let started = ContinuousClock.now
        let classification = classify(prompt: prompt, messageCount: messageCount)
        let decision = Classifier.decide(
            fit: classification.fit, complexity: classification.complexity, minFit: minFit, maxComplexity: maxComplexity
        )
        if let fit = classification.fit { drift?.record(fit) }
        let scores = RoutingLogRecord.Scores(
            fit: classification.fit, similarity: classification.rawSimilarity, complexity: classification.complexity,
            decidedBy: decision.decidedBy.rawValue, micros: Self.microseconds(ContinuousClock.now - started)
        )
        let fitText = classification.fit.map { "fit \(Self.threeDecimals($0)) \($0 >= minFit ? "≥" : "<") \(Self.threeDecimals(minFit))" }
            ?? "no reference"
        let complexity = classification.complexity
        let complexityText = "complexity \(Self.threeDecimals(complexity)) \(complexity <= maxComplexity ? "≤" : ">") \(Self.threeDecimals(maxComplexity))"

        let backend = decision.local ? local : remote
        return (backend, scores, "classifier: \(fitText), \(complexityText) -> '\(backend.name)'")
    }

    /// Both scores of `prompt` as the proxy takes them: on its last ``maxScoredBytes`` bytes.
    public func classify(prompt: String, messageCount: Int) -> Classification {
        let text = prompt.utf8.count > Self.maxScoredBytes ? String(decoding: prompt.utf8.suffix(Self.maxScoredBytes), as: UTF8.self) : prompt
        return classifier.classify(prompt: text, messageCount: messageCount)
    }

    /// A duration in whole microseconds, as the log's `scores.micros` records it.
    static func microseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1e6 + Double(attoseconds) / 1e12).rounded()
    }

    /// `value` with three decimals exactly as `%.3f` writes it, without Foundation's
    /// `String(format:)`, which cost more than the rest of the decision. Like printf, it rounds
    /// the exact binary value, ties to even (0.0045 is really 0.004499…, so "0.004").
    static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.3f", value) }
        var thousandths: UInt64 = 0
        let magnitude = abs(value)
        if magnitude.isNormal {
            // magnitude = significand × 2^(exponent − 52), so magnitude × 1000 is exact in 64 bits.
            let product = (UInt64(magnitude.significandBitPattern) | (1 << 52)) * 1000
            let shift = 52 - Int(magnitude.exponent)
            if shift <= 0 {
                thousandths = product << UInt64(-shift)
            } else if shift < 64 {
                let kept = product >> UInt64(shift)
                let rest = product & ((1 << UInt64(shift)) - 1)
                let half: UInt64 = 1 << UInt64(shift - 1)
                thousandths = kept + (rest > half || (rest == half && kept & 1 == 1) ? 1 : 0)
            }
        }
        let fraction = thousandths % 1000
        let padding = fraction < 10 ? "00" : fraction < 100 ? "0" : ""
        return "\(value.sign == .minus ? "-" : "")\(thousandths / 1000).\(padding)\(fraction)"
    }
}
