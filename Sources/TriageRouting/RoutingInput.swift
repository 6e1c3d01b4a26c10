import TriageConfig

/// What the router needs to know about a request.
public struct RoutingInput: Sendable, Equatable {
    /// The `model` field of the request.
    public var model: String
    /// Request headers keyed by lowercased name.
    public var headers: [String: String]
    /// Text of the last message with role `user` (empty if none).
    public var lastUserMessage: String
    /// Estimated prompt size, e.g. from ``TokenEstimator/estimate(messages:)``.
    public var estimatedPromptTokens: Int
    /// The types of sensitive data found in the request (for `match: {sensitive: ...}`).
    public var sensitiveTypes: Set<SensitiveType>

    /// Creates a routing input.
    public init(
        model: String, headers: [String: String], lastUserMessage: String, estimatedPromptTokens: Int,
        sensitiveTypes: Set<SensitiveType> = []
    ) {
        self.sensitiveTypes = sensitiveTypes
        self.model = model
        self.headers = headers
        self.lastUserMessage = lastUserMessage
        self.estimatedPromptTokens = estimatedPromptTokens
    }
}
