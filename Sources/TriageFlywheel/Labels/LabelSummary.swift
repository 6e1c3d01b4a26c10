/// What a label export read and wrote.
public struct LabelSummary: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Routing records read.
    public var read: Int
    /// Lines written.
    public var written: Int
    /// Lines written per rule.
    public var perRule: [LabelRule: Int]
    /// Records no rule applied to (or outside the time range, or without a user message).
    public var unlabelled: Int
    /// Labelled records not written because the same normalised prompt already had the same label.
    public var duplicates: Int
    /// Lines that are not complete records.
    public var unreadableLines: Int

    /// Creates a summary.
    public init(read: Int = 0, written: Int = 0, perRule: [LabelRule: Int] = [:], unlabelled: Int = 0, duplicates: Int = 0, unreadableLines: Int = 0) {
        self.read = read
        self.written = written
        self.perRule = perRule
        self.unlabelled = unlabelled
        self.duplicates = duplicates
        self.unreadableLines = unreadableLines
    }

    enum CodingKeys: String, CodingKey {
        case read, written, unlabelled, duplicates
        case perRule = "per_rule"
        case unreadableLines = "unreadable_lines"
    }

    /// The number written by `rule`.
    public func count(_ rule: LabelRule) -> Int { perRule[rule] ?? 0 }

    /// A two-column table.
    public var description: String {
        var rows: [(String, String)] = [("records read", "\(read)"), ("labels written", "\(written)")]
        for rule in LabelRule.allCases { rows.append(("  \(rule.rawValue) (label \(rule.label))", "\(count(rule))")) }
        rows += [("unlabelled", "\(unlabelled)"), ("duplicate prompt+label", "\(duplicates)"), ("unreadable lines", "\(unreadableLines)")]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }
}
