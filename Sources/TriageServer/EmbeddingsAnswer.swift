import Foundation
import TriageJSON

/// What the routing log keeps of an embeddings answer: token usage and the vectors' length,
/// never the vectors.
enum EmbeddingsAnswer {
    /// Prompt tokens as the backend reported them (no completion tokens); no text.
    static func summary(_ body: [UInt8]) -> ChatResponseSummary {
        summary(parsed: try? JSONParser.parse(body[...], keeping: fields))
    }

    /// The same from the answer parsed with (at least) ``fields``; nil when it is not JSON.
    static func summary(parsed answer: JSONValue?) -> ChatResponseSummary {
        var summary = ChatResponseSummary()
        guard let answer else { return summary }
        if case .number(let prompt)? = answer["usage"]?["prompt_tokens"], let count = ChatResponseSummary.tokenCount(prompt) {
            summary.promptTokens = count
            summary.completionTokens = 0
        }
        return summary
    }

    /// The length of the first vector: its number count, or for `encoding_format: base64` its
    /// bytes over 4 (float32); nil when the answer holds none.
    static func dimensions(_ body: [UInt8]) -> Int? {
        dimensions(parsed: try? JSONParser.parse(body[...], keeping: fields))
    }

    /// The same from the answer parsed with (at least) ``fields``.
    static func dimensions(parsed answer: JSONValue?) -> Int? {
        guard case .array(let data)? = answer?["data"], let first = data.first else { return nil }
        switch first["embedding"] {
        case .array(let numbers)?: return numbers.count
        case .string(let base64)?: return Data(base64Encoded: base64).map { $0.count / 4 }
        default: return nil
        }
    }

    /// The only members the summary and the dimensions read.
    static let fields = JSONKeyFilter(["data", "embedding", "usage", "prompt_tokens"])
}
