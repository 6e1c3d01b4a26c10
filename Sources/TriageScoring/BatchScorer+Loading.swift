import Foundation
import TriageClassifier
import TriageConfig

extension BatchScorer {
    /// The scorer routes.yaml's `auto:` describes (the same classifier `triage serve` and
    /// `triage explain` build), with each given override taking the place of its field:
    /// `reference` for `auto.reference`, `complexityWeights` for `auto.complexity_weights`,
    /// `minFit`, `maxComplexity` for the thresholds.
    /// - Throws: ``ClassifierLoadError`` naming the field whose file failed; a missing
    ///   `complexityWeights` override is an error (the config's own missing file falls back to
    ///   the bundled defaults, as the server does).
    public static func load(
        auto: AutoRouteConfig, reference: String? = nil, complexityWeights: String? = nil,
        minFit: Double? = nil, maxComplexity: Double? = nil
    ) throws(ClassifierLoadError) -> BatchScorer {
        if let complexityWeights, !FileManager.default.fileExists(atPath: complexityWeights) {
            throw .complexity(.cannotRead(path: complexityWeights, reason: "no such file"))
        }
        let classifier = try Classifier.load(
            referencePath: reference ?? auto.referencePath, cacheDirectory: auto.cacheDirectory,
            complexityWeightsPath: complexityWeights ?? auto.complexityWeightsPath
        )
        return BatchScorer(classifier: classifier, minFit: minFit ?? auto.minFit, maxComplexity: maxComplexity ?? auto.maxComplexity)
    }
}
