import TriageClassifier
import TriageFlywheel
import TriageLog
import TriageRouting

/// One labelled prompt as calibration sees it: its two scores under the config's classifier,
/// whether each model answers it well, and what it costs on each.
public struct CalibrationSample: Sendable, Equatable {
    /// Calibrated fit (`nil` without a reference).
    public var fit: Double?
    /// Complexity.
    public var complexity: Double
    /// Whether the local (small) model's answer is good.
    public var localCorrect: Bool
    /// Whether the remote (large) model's answer is good.
    public var remoteCorrect: Bool
    /// The request's cost on the local backend.
    public var localCost: Double
    /// The request's cost on the remote backend.
    public var remoteCost: Double

    /// Creates a sample.
    public init(fit: Double?, complexity: Double, localCorrect: Bool, remoteCorrect: Bool, localCost: Double, remoteCost: Double) {
        self.fit = fit
        self.complexity = complexity
        self.localCorrect = localCorrect
        self.remoteCorrect = remoteCorrect
        self.localCost = localCost
        self.remoteCost = remoteCost
    }
}

/// Where calibration samples come from.
public enum CalibrationSamples {
    /// Samples from a labelled file in `triage train`'s format: `{"prompt", "label": 0|1}` lines
    /// (label 1 = the small model answered wrongly), with an optional `"strong_correct"` (the
    /// large model's outcome; without it the large model counts as right) and `"messages": N`.
    /// Costs are of the estimated prompt tokens only (the file has no answers).
    public static func fromLabels(path: String, auto: AutoRouting, prices: BackendPrices) throws(ComplexityModelError) -> [CalibrationSample] {
        try LabeledPrompt.load(path: path).map { row in
            let classification = auto.classify(prompt: row.prompt, messageCount: row.messageCount)
            let tokens = TokenCount(prompt: TokenEstimator.estimate(messages: [row.prompt]), completion: 0, estimated: true)
            return CalibrationSample(
                fit: classification.fit, complexity: classification.complexity, localCorrect: row.label == 0,
                remoteCorrect: row.strongCorrect ?? true,
                localCost: prices.cost(tokens, on: auto.local.name), remoteCost: prices.cost(tokens, on: auto.remote.name)
            )
        }
    }

    /// Samples from the labelled records of a routing log, with the label rules of
    /// `triage export --labels` (``LabelExporter``): label 1 means the local answer was not good
    /// enough, and the remote model counts as right on every record. Tokens as logged.
    /// - Returns: the samples and the number of records read.
    public static func fromLog(_ stream: LogStream, labeller: LabelExporter, auto: AutoRouting, prices: BackendPrices) -> (samples: [CalibrationSample], read: Int) {
        var samples: [CalibrationSample] = []
        var read = 0
        for entry in stream {
            read += 1
            guard let rule = labeller.label(entry)?.rule, let messages = entry.record.messages,
                  let texts = ChatTexts(messages: messages) else { continue }
            let classification = auto.classify(prompt: texts.lastUserMessage, messageCount: texts.texts.count)
            let tokens = TokenCount(record: entry.record, texts: texts)
            samples.append(CalibrationSample(
                fit: classification.fit, complexity: classification.complexity, localCorrect: rule.label == 0, remoteCorrect: true,
                localCost: prices.cost(tokens, on: auto.local.name), remoteCost: prices.cost(tokens, on: auto.remote.name)
            ))
        }
        return (samples, read)
    }
}
