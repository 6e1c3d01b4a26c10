/// Token prices in USD per million tokens
/// (`price: {input_per_million: 0.15, output_per_million: 0.60}`). Both `>= 0`, default 0.
/// The one price type: the proxy's costs, the report's savings and replay's costs use it.
public struct BackendPricing: Sendable, Equatable, Codable {
    /// USD per million prompt tokens (`input_per_million`).
    public var inputPerMillion: Double
    /// USD per million completion tokens (`output_per_million`).
    public var outputPerMillion: Double

    /// Creates a pricing configuration.
    public init(inputPerMillion: Double = 0, outputPerMillion: Double = 0) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    enum CodingKeys: String, CodingKey {
        case inputPerMillion = "input_per_million"
        case outputPerMillion = "output_per_million"
    }

    /// The cost in USD of a request with the given token counts.
    /// Negative counts are treated as zero.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        let input = Double(max(inputTokens, 0)) * inputPerMillion
        let output = Double(max(outputTokens, 0)) * outputPerMillion
        return (input + output) / 1_000_000
    }
}

extension RoutesConfig {
    /// Every backend's prices, by backend name.
    public var prices: [String: BackendPricing] {
        Dictionary(backends.map { ($0.name, $0.pricing) }, uniquingKeysWith: { first, _ in first })
    }

    /// The backend that "everything remote" is costed at: `report.compare_to`, else
    /// `auto.remote`, else a backend called `remote`, if any.
    public var comparisonBackend: String? {
        report.compareTo ?? auto.remoteBackend ?? (backend(named: "remote") != nil ? "remote" : nil)
    }
}
