import TriageConfig
import TriageFlywheel
import TriageLog
import TriageRouting

/// The token prices of every backend of a config (`price:` in routes.yaml), and the backend that
/// "everything remote" is costed at.
public struct BackendPrices: Sendable, Equatable {
    /// Prices by backend name.
    public var prices: [String: BackendPricing]
    /// `report.compare_to`, else `auto.remote`, else a backend called `remote`, if any.
    public var comparisonBackend: String?

    /// Reads the prices of `config`.
    public init(config: RoutesConfig) {
        prices = config.prices
        comparisonBackend = config.comparisonBackend
    }

    /// What `tokens` cost on `backend` (0 for a backend the config does not have).
    public func cost(_ tokens: TokenCount, on backend: String) -> Double {
        prices[backend]?.cost(inputTokens: tokens.prompt, outputTokens: tokens.completion) ?? 0
    }
}

/// The tokens of one request: as the log recorded them, or estimated from its texts.
public struct TokenCount: Sendable, Equatable {
    /// Prompt tokens.
    public var prompt: Int
    /// Completion tokens.
    public var completion: Int
    /// Whether the counts are estimates (~4 bytes per token) because the record has no `usage`.
    public var estimated: Bool

    /// Creates a count.
    public init(prompt: Int, completion: Int, estimated: Bool) {
        self.prompt = prompt
        self.completion = completion
        self.estimated = estimated
    }

    /// The record's `usage`, or an estimate from its messages and answer.
    public init(record: RoutingLogRecord, texts: ChatTexts) {
        if let usage = record.usage {
            self.init(prompt: usage.promptTokens, completion: usage.completionTokens, estimated: false)
        } else {
            self.init(prompt: texts.estimatedPromptTokens, completion: TokenEstimator.estimate(record.response ?? ""), estimated: true)
        }
    }
}
