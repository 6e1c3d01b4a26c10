import Foundation
import TriageClassifier
import TriageConfig
import TriageFlywheel
import TriageLog

/// The classifier that decides `route: auto`, loaded from `auto:` in routes.yaml: the reference
/// index of the local model's fine-tuning prompts (cached on disk by content), the complexity
/// model, the two backends it chooses between and the thresholds.
struct AutoRouting: Sendable {
    let classifier: Classifier
    let local: BackendConfig
    let remote: BackendConfig
    let minFit: Double
    let maxComplexity: Double
    /// The fits of the last requests against the reference's held-out fits (drift gauges); nil
    /// without a reference. A new configuration starts an empty window.
    let drift: FitDriftWindow?

    /// Longest prompt text scored, in bytes: the scores of longer prompts are taken on their
    /// last `maxScoredBytes` bytes, which keeps scoring well under a millisecond.
    static let maxScoredBytes = 8 * 1024

    /// Loads the classifier `config.auto` describes; `nil` when it is off (no `auto.remote`).
    static func load(config: RoutesConfig) throws(ClassifierLoadError) -> AutoRouting? {
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
    func decide(prompt: String, messageCount: Int) -> (backend: BackendConfig, scores: RoutingLogRecord.Scores, reason: String) {
        let started = ContinuousClock.now
        let text = prompt.utf8.count > Self.maxScoredBytes ? String(decoding: prompt.utf8.suffix(Self.maxScoredBytes), as: UTF8.self) : prompt
        let classification = classifier.classify(prompt: text, messageCount: messageCount)
        let decision = Classifier.decide(
            fit: classification.fit, complexity: classification.complexity, minFit: minFit, maxComplexity: maxComplexity
        )
        if let fit = classification.fit { drift?.record(fit) }
        let scores = RoutingLogRecord.Scores(
            fit: classification.fit, similarity: classification.rawSimilarity, complexity: classification.complexity,
            decidedBy: decision.decidedBy.rawValue, micros: ((ContinuousClock.now - started).inSeconds * 1e6).rounded()
        )
        let fitText = classification.fit.map { "fit \(Self.threeDecimals($0)) \($0 >= minFit ? "≥" : "<") \(Self.threeDecimals(minFit))" }
            ?? "no reference"
        let complexity = classification.complexity
        let complexityText = "complexity \(Self.threeDecimals(complexity)) \(complexity <= maxComplexity ? "≤" : ">") \(Self.threeDecimals(maxComplexity))"

        let backend = decision.local ? local : remote
        return (backend, scores, "classifier: \(fitText), \(complexityText) -> '\(backend.name)'")
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
