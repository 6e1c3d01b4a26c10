import Foundation
import TriageJSON

/// Writes `{"label": 0|1, "prompt": "..."}` lines for `triage train` from evidence in the log
/// (see ``LabelRule`` for the rules and their order).
///
/// The prompt is the last user message of the request. A (normalised prompt, label) pair is
/// written once; the same prompt with both labels is kept twice, as the evidence says.
public struct LabelExporter: Sendable {
    /// The options.
    public let options: LabelOptions

    /// Creates an exporter.
    public init(options: LabelOptions) {
        self.options = options
    }

    /// The label of one entry and the rule that gave it, or `nil` when no rule applies.
    public func label(_ entry: LogEntry) -> (prompt: String, rule: LabelRule)? {
        let record = entry.record
        if options.since != nil || options.until != nil {
            guard let date = LogTimestamp.parse(record.timestamp) else { return nil }
            if let since = options.since, date < since { return nil }
            if let until = options.until, date >= until { return nil }
        }
        guard let conversation = Conversation(record: record), let prompt = conversation.lastUserText,
              !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        let servedLocally = record.backend.map { options.localBackends.contains($0) } ?? false
        if servedLocally, options.negativeIDs.contains(record.id) { return (prompt, .negativeFeedback) }
        if servedLocally, options.positiveIDs.contains(record.id) { return (prompt, .positiveFeedback) }
        if let attempts = record.attempts,
           let localFailure = attempts.firstIndex(where: { options.localBackends.contains($0.backend) && $0.outcome == "failed" }),
           attempts[(localFailure + 1)...].contains(where: { !options.localBackends.contains($0.backend) && $0.outcome == "ok" }),
           (200..<300).contains(record.status) {
            return (prompt, .fallbackFromLocal)
        }
        if servedLocally, (200..<300).contains(record.status), record.error == nil,
           let shadow = entry.shadow, shadow.succeeded {
            if let score = shadow.judge?.score { return (prompt, score == 0 ? .judgeWorse : .judgeNotWorse) }
            guard let agreement = shadow.agreement else { return nil }
            if agreement < options.disagreementBelow { return (prompt, .shadowDisagreed) }
            if agreement >= options.agreementAtLeast { return (prompt, .shadowAgreed) }
        }
        return nil
    }

    /// Labels the log at `logPath` and its rotated files into `outputPath`.
    public func export(logPath: String, to outputPath: String, onSkip: @escaping (String) -> Void = { _ in }) throws(FlywheelError) -> LabelSummary {
        try export(LogStream(path: logPath, onSkip: onSkip), to: outputPath)
    }

    /// Labels every entry of `stream` into `outputPath`.
    public func export(_ stream: LogStream, to outputPath: String) throws(FlywheelError) -> LabelSummary {
        let writer = try JSONLFileWriter(path: outputPath)
        var seen = ExactDuplicateSet()
        var summary = LabelSummary()
        for entry in stream {
            summary.read += 1
            guard let (prompt, rule) = label(entry) else {
                summary.unlabelled += 1
                continue
            }
            if seen.isDuplicate(insertingIfNew: "\(rule.label)\u{1}\(prompt)") {
                summary.duplicates += 1
                continue
            }
            let line = JSONValue.object(["label": .number(Double(rule.label)), "prompt": .string(prompt)])
            try writer.write(line: line.jsonBytes)
            summary.written += 1
            summary.perRule[rule, default: 0] += 1
        }
        summary.unreadableLines = stream.skippedLines
        try writer.finish()
        return summary
    }
}
