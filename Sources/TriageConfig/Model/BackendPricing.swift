/// Token prices in USD per million tokens
/// (`price: {input_per_million: 0.15, output_per_million: 0.60}`). Both `>= 0`, default 0.
public struct BackendPricing: Sendable, Equatable {
    /// USD per million prompt tokens (`input_per_million`).
    public var inputPerMillion: Double
    /// USD per million completion tokens (`output_per_million`).
    public var outputPerMillion: Double

    /// Creates a pricing configuration.
    public init(inputPerMillion: Double = 0, outputPerMillion: Double = 0) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost in USD of a request with the given token counts.
    /// Negative counts are treated as zero.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        let input = Double(max(inputTokens, 0)) * inputPerMillion
        let output = Double(max(outputTokens, 0)) * outputPerMillion
        return (input + output) / 1_000_000
    }
}
