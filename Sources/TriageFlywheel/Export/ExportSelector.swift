import Foundation
import TriageJSON
import TriageLog

/// The stateful part of an export: filters, dedupe and split, one entry at a time.
struct ExportSelector {
    /// What became of one entry.
    enum Outcome {
        case keep(line: [UInt8], split: DatasetSplit)
        case drop(DropReason)
    }

    let options: ExportOptions
    private var exact = ExactDuplicateSet()
    private var near: NearDuplicateIndex?

    init(options: ExportOptions) throws(FlywheelError) {
        self.options = options
        if let threshold = options.nearDuplicateThreshold {
            near = try NearDuplicateIndex(threshold: threshold)
        }
    }

    mutating func evaluate(_ entry: LogEntry) -> Outcome {
        let record = entry.record
        if let backends = options.backends {
            guard let backend = record.backend, backends.contains(backend) else { return .drop(.filteredBackend) }
        }
        if options.since != nil || options.until != nil {
            guard let date = LogTimestamp.parse(record.timestamp) else { return .drop(.filteredTime) }
            if let since = options.since, date < since { return .drop(.filteredTime) }
            if let until = options.until, date >= until { return .drop(.filteredTime) }
        }
        if let rules = options.rules, !rules.contains(record.rule ?? "(default)") { return .drop(.filteredRule) }
        guard options.statuses.contains(record.status), record.error == nil,
              let response = record.response, !response.isEmpty else { return .drop(.failedStatus) }
        guard let conversation = Conversation(record: record) else { return .drop(.noConversation) }
        if options.format == .promptCompletion, conversation.lastUserText == nil { return .drop(.noConversation) }
        if options.excludedIDs.contains(record.id) { return .drop(.negativeFeedback) }
        if options.minLength != nil || options.maxLength != nil {
            let length = conversation.messages.reduce(0) { $0 + Conversation.text(of: $1["content"]).unicodeScalars.count }
                + response.unicodeScalars.count
            if let minLength = options.minLength, length < minLength { return .drop(.tooShort) }
            if let maxLength = options.maxLength, length > maxLength { return .drop(.tooLong) }
        }
        let whole = conversation.transcript + "\nassistant: " + response
        if options.dedupeExact, exact.isDuplicate(insertingIfNew: whole) { return .drop(.duplicateExact) }
        if near?.isDuplicate(insertingIfNew: whole) == true { return .drop(.duplicateNear) }
        let line: JSONValue
        switch options.format {
        case .chat:
            let answer = JSONValue.object(["role": .string("assistant"), "content": .string(response)])
            line = .object(["messages": .array(conversation.messages + [answer])])
        case .promptCompletion:
            line = .object(["prompt": .string(conversation.lastUserText ?? ""), "completion": .string(response)])
        }
        return .keep(line: line.jsonBytes, split: options.split.split(forKey: conversation.splitKey))
    }
}
