/// Cheap prompt-size estimates for routing, without a tokenizer.
///
/// BPE tokenizers average roughly four bytes of English text per token, so a
/// text is estimated at `ceil(utf8 bytes / 4)` tokens: 0 for empty text, at
/// least 1 otherwise. Non-English text and code usually take more tokens per
/// byte, so treat thresholds as approximate.
public enum TokenEstimator {
    /// Tokens added per chat message for role and framing.
    public static let perMessageOverhead = 4

    /// Estimated tokens in `text`: `ceil(utf8 bytes / 4)`; 0 only for empty text.
    public static func estimate(_ text: String) -> Int {
        (text.utf8.count + 3) / 4
    }

    /// Estimated prompt tokens for chat messages given by their texts: each
    /// message's ``estimate(_:)`` plus ``perMessageOverhead``.
    public static func estimate(messages texts: [String]) -> Int {
        texts.reduce(0) { $0 + estimate($1) + perMessageOverhead }
    }
}
