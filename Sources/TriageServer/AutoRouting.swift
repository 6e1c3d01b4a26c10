import Foundation
import TriageClassifier
import TriageConfig
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

    /// Longest prompt text scored, in bytes: the scores of longer prompts are taken on their
    /// last `maxScoredBytes` bytes, which keeps scoring well under a millisecond.
    static let maxScoredBytes = 8 * 1024

    /// Loads the classifier `config.auto` describes; `nil` when it is off (no `auto.remote`).
    static func load(config: RoutesConfig) throws(AutoRoutingError) -> AutoRouting? {
        let auto = config.auto
        guard let remoteName = auto.remoteBackend,
              let remote = config.backend(named: remoteName),
              let local = config.backend(named: auto.routineBackend) else { return nil }
        let complexity: ComplexityModel
        do {
            if let path = auto.complexityWeightsPath, FileManager.default.fileExists(atPath: path) {
                complexity = try ComplexityModel.load(from: path)
            } else {
                complexity = try ComplexityModel.bundledDefault()
            }
        } catch {
            throw .complexity(error.description)
        }
        var reference: ReferenceIndex?
        if let path = auto.referencePath {
            do {
                reference = try ReferenceIndex.load(path: path, cacheDirectory: auto.cacheDirectory)
            } catch {
                throw .reference(error.description)
            }
        }
        return AutoRouting(
            classifier: Classifier(reference: reference, complexity: complexity),
            local: local, remote: remote, minFit: auto.minFit, maxComplexity: auto.maxComplexity
        )
    }

    /// Scores `prompt` and picks the backend, with the scores and a reason for the log.
    func decide(prompt: String, messageCount: Int) -> (backend: BackendConfig, scores: RoutingLogRecord.Scores, reason: String) {
        let started = ContinuousClock.now
        let text = prompt.utf8.count > Self.maxScoredBytes ? String(decoding: prompt.utf8.suffix(Self.maxScoredBytes), as: UTF8.self) : prompt
        let classification = classifier.classify(prompt: text, messageCount: messageCount)
        let decision = Classifier.decide(
            fit: classification.fit, complexity: classification.complexity, minFit: minFit, maxComplexity: maxComplexity
        )
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        let scores = RoutingLogRecord.Scores(
            fit: classification.fit, similarity: classification.rawSimilarity, complexity: classification.complexity,
            decidedBy: decision.decidedBy.rawValue, micros: (Double(seconds) * 1e6 + Double(attoseconds) / 1e12).rounded()
        )
        let fitText = classification.fit.map { String(format: "fit %.3f %@ %.3f", $0, $0 >= minFit ? "≥" : "<", minFit) } ?? "no reference"
        let complexityText = String(
            format: "complexity %.3f %@ %.3f", classification.complexity, classification.complexity <= maxComplexity ? "≤" : ">", maxComplexity
        )
        let backend = decision.local ? local : remote
        return (backend, scores, "classifier: \(fitText), \(complexityText) -> '\(backend.name)'")
    }
}

/// Why the classifier could not be loaded.
enum AutoRoutingError: Error, CustomStringConvertible {
    case reference(String)
    case complexity(String)

    var description: String {
        switch self {
        case .reference(let message): return "auto.reference: \(message)"
        case .complexity(let message): return "auto.complexity_weights: \(message)"
        }
    }
}
