/// Token counts a translated stream reports to its client when the backend reported none, so
/// that the client's final usage event is never 0/0. The translator's own `inputTokens` and
/// `outputTokens` stay nil then: the routing log marks such usage as estimated.
public struct UsageEstimate: Sendable {
    /// Estimated prompt tokens of the request.
    public var promptTokens: Int
    /// Estimates the completion tokens of an answer's text (tool-call arguments included).
    public var completionTokens: @Sendable (String) -> Int

    public init(promptTokens: Int, completionTokens: @escaping @Sendable (String) -> Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Reported counts where there are, estimates for the rest (0 without an estimate).
    public static func resolve(_ estimate: UsageEstimate?, input: Int?, output: Int?, answer: String) -> (input: Int, output: Int) {
        (input ?? estimate?.promptTokens ?? 0,
         output ?? (answer.isEmpty ? 0 : estimate?.completionTokens(answer)) ?? 0)
    }
}
