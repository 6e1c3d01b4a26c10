import Foundation
import TriageJSON

/// Formats routing log records as one readable line each, for `triage tail`.
public struct TailFormatter: Sendable {
    /// How many characters of the prompt to show.
    public var promptWidth: Int

    /// Creates a formatter.
    public init(promptWidth: Int = 60) {
        self.promptWidth = promptWidth
    }

    /// One line: time, backend, rule, status, latency, tokens, cost, start of the last user message.
    public func format(_ record: RoutingLogRecord) -> String {
        let time = record.timestamp.count >= 23 ? String(record.timestamp.dropFirst(11).prefix(12)) : record.timestamp
        let backend = pad(record.backend ?? "-", 7)
        let rule = pad(record.rule ?? (record.backend == nil ? "rejected" : "(default)"), 16)
        let latency = pad(String(format: "%.0fms", record.latencyMs), 7, right: true)
        let ttft = record.ttftMs.map { String(format: " ttft %.0fms", $0) } ?? ""
        let tokens: String
        if let usage = record.usage {
            tokens = "\(usage.promptTokens)+\(usage.completionTokens) tok" + (usage.source == "estimated" ? "~" : "")
        } else {
            tokens = "- tok"
        }
        let cost = record.costUSD.map { String(format: "$%.6f", $0) } ?? "$-"
        let prompt = Self.lastUserText(record.messages) ?? ""
        let flat = prompt.replacingOccurrences(of: "\n", with: " ")
        let shown = flat.count > promptWidth ? String(flat.prefix(promptWidth - 1)) + "…" : flat
        var line = "\(time)  \(backend) \(rule) \(record.status) \(latency)\(ttft)  \(pad(tokens, 14))  \(pad(cost, 10))  \(shown)"
        if let error = record.error { line += "  ! \(error)" }
        return line
    }

    /// The text of the last user message in a chat `messages` array.
    public static func lastUserText(_ messages: JSONValue?) -> String? {
        guard case .array(let items)? = messages else { return nil }
        for item in items.reversed() where item["role"]?.stringValue == "user" {
            switch item["content"] {
            case .string(let text)?: return text
            case .array(let parts)?:
                return parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
            default: return nil
            }
        }
        return nil
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return text }
        let padding = String(repeating: " ", count: width - text.count)
        return right ? padding + text : text + padding
    }
}
