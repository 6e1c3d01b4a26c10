/// A backend's token prices, in USD per million tokens.
public struct TokenPrice: Sendable, Codable, Equatable {
    /// USD per million prompt (input) tokens.
    public var inputPerMillion: Double
    /// USD per million completion (output) tokens.
    public var outputPerMillion: Double

    enum CodingKeys: String, CodingKey {
        case inputPerMillion = "input_per_million"
        case outputPerMillion = "output_per_million"
    }

    /// Creates a price.
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of a request: `prompt × input / 1e6 + completion × output / 1e6`.
    public func cost(promptTokens: Int, completionTokens: Int) -> Double {
        (Double(promptTokens) * inputPerMillion + Double(completionTokens) * outputPerMillion) / 1_000_000
    }
}
