import Foundation
import TriageJSON

/// What the routing log keeps of an embeddings answer: token usage and the vectors' length,
/// never the vectors.
enum EmbeddingsAnswer {
    /// Prompt tokens as the backend reported them (no completion tokens); no text.
    static func summary(_ body: [UInt8]) -> ChatResponseSummary {
        var summary = ChatResponseSummary()
        guard let answer = try? JSONParser.parse(body[...], keeping: fields) else { return summary }
        if case .number(let prompt)? = answer["usage"]?["prompt_tokens"] {
            summary.promptTokens = Int(prompt)
            summary.completionTokens = 0
        }
        return summary
    }

    /// The length of the first vector: its number count, or for `encoding_format: base64` its
    /// bytes over 4 (float32); nil when the answer holds none.
    static func dimensions(_ body: [UInt8]) -> Int? {
        guard let answer = try? JSONParser.parse(body[...], keeping: fields),
              case .array(let data)? = answer["data"], let first = data.first else { return nil }
        switch first["embedding"] {
        case .array(let numbers)?: return numbers.count
        case .string(let base64)?: return Data(base64Encoded: base64).map { $0.count / 4 }
        default: return nil
        }
    }

    private static let fields = JSONKeyFilter(["data", "embedding", "usage", "prompt_tokens"])
}
