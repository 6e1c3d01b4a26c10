import Foundation

/// Held-out quality of a trained ``ComplexityModel`` (stored in its weights file).
public struct TrainingMetrics: Sendable, Equatable, Codable {
    /// Examples used to fit the weights.
    public var trainCount: Int
    /// Examples held out for these metrics.
    public var heldOutCount: Int
    /// Held-out examples labelled 1.
    public var heldOutPositives: Int
    /// Accuracy at probability 0.5.
    public var accuracy: Double
    /// Precision of label 1 at 0.5 (0 when nothing is predicted 1).
    public var precision: Double
    /// Recall of label 1 at 0.5.
    public var recall: Double
    /// Area under the ROC curve (nil when the held-out split lacks one of the labels).
    public var auroc: Double?
    /// Mean negative log-likelihood.
    public var logLoss: Double
    /// Accuracy on the training split (to spot over-fitting).
    public var trainAccuracy: Double

    /// Computes the metrics of `probabilities` against `labels`.
    public static func evaluate(probabilities: [Double], labels: [Int], trainCount: Int, trainAccuracy: Double) -> TrainingMetrics {
        var tp = 0, fp = 0, fn = 0, correct = 0
        var loss = 0.0
        for (p, y) in zip(probabilities, labels) {
            let predicted = p >= 0.5 ? 1 : 0
            if predicted == y { correct += 1 }
            if predicted == 1 && y == 1 { tp += 1 }
            if predicted == 1 && y == 0 { fp += 1 }
            if predicted == 0 && y == 1 { fn += 1 }
            let clipped = min(max(p, 1e-12), 1 - 1e-12)
            loss -= y == 1 ? log(clipped) : log(1 - clipped)
        }
        let n = max(labels.count, 1)
        let positives = probabilities.indices.filter { labels[$0] == 1 }.map { probabilities[$0] }
        let negatives = probabilities.indices.filter { labels[$0] == 0 }.map { probabilities[$0] }
        return TrainingMetrics(
            trainCount: trainCount, heldOutCount: labels.count, heldOutPositives: positives.count,
            accuracy: Double(correct) / Double(n),
            precision: tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0,
            recall: tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0,
            auroc: QualityMetrics.auroc(positives: positives, negatives: negatives),
            logLoss: loss / Double(n), trainAccuracy: trainAccuracy)
    }
}

