import Foundation
import TriageJSON

/// Formats routing log records as one readable line each, for `triage tail`.
///
/// Every column but the last has a fixed width, so lines stay aligned whatever the backend and
/// rule names: names longer than their column are cut and end in "…", and the time to first
/// token has a column of its own (blank for answers that were not streamed).
public struct TailFormatter: Sendable {
    /// How many characters of the prompt to show.
    public var promptWidth: Int

    /// Column widths, in characters.
    public enum Width {
        /// Backend name.
        public static let backend = 10
        /// Rule name.
        public static let rule = 24
        /// Latency, e.g. `123456ms`.
        public static let latency = 8
        /// Time to first token, e.g. `ttft 12345ms`.
        public static let ttft = 12
        /// Tokens, e.g. `1234+5678 tok~`.
        public static let tokens = 16
        /// Cost, e.g. `$0.001234`.
        public static let cost = 10
    }

    /// Creates a formatter.
    public init(promptWidth: Int = 60) {
        self.promptWidth = promptWidth
    }

    /// One line: time, backend, rule, status, latency, time to first token, tokens, cost, start
    /// of the last user message (and the error, if any).
    public func format(_ record: RoutingLogRecord) -> String {
        let time = record.timestamp.count >= 23 ? String(record.timestamp.dropFirst(11).prefix(12)) : record.timestamp
        let backend = Self.name(record.backend ?? "-", Width.backend)
        let rule = Self.name(record.rule ?? (record.backend == nil ? "rejected" : "(default)"), Width.rule)
        let status = Self.pad(String(record.status), 3, right: true)
        let latency = Self.pad(String(format: "%.0fms", record.latencyMs), Width.latency, right: true)
        let ttft = Self.pad(record.ttftMs.map { String(format: "ttft %.0fms", $0) } ?? "", Width.ttft)
        let tokens: String
        if let usage = record.usage {
            tokens = "\(usage.promptTokens)+\(usage.completionTokens) tok" + (usage.source == "estimated" ? "~" : "")
        } else {
            tokens = "- tok"
        }
        let cost = record.costUSD.map { String(format: "$%.6f", $0) } ?? "$-"
        let prompt = Self.lastUserText(record.messages) ?? ""
        let flat = prompt.replacingOccurrences(of: "\n", with: " ")
        let shown = Self.truncated(flat, promptWidth)
        var line = "\(time)  \(backend) \(rule) \(status) \(latency) \(ttft) \(Self.pad(tokens, Width.tokens)) "
            + "\(Self.pad(cost, Width.cost))  \(shown)"
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

    /// `text` cut to `width` characters, the last one an ellipsis when anything was cut.
    static func truncated(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(width, 0)) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// A name in a column of exactly `width` characters: padded, or cut with an ellipsis.
    static func name(_ text: String, _ width: Int) -> String {
        pad(truncated(text, width), width)
    }

    /// `text` padded to `width` characters. Numbers are never cut: one wider than its column
    /// widens it rather than show a wrong value.
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return text }
        let padding = String(repeating: " ", count: width - text.count)
        return right ? padding + text : text + padding
    }
}
