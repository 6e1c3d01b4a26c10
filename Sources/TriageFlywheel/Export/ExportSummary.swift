/// What an export read, kept and dropped.
public struct ExportSummary: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Routing records read (complete lines).
    public var read: Int
    /// Samples kept per split (empty for a single-file export; see ``keptTotal``).
    public var kept: [DatasetSplit: Int]
    /// Samples kept in all.
    public var keptTotal: Int
    /// Lines dropped, per reason (``DropReason/unreadableLine`` counts lines that are not records).
    public var dropped: [DropReason: Int]
    /// The files written.
    public var files: [String]

    /// Creates a summary.
    public init(read: Int = 0, kept: [DatasetSplit: Int] = [:], keptTotal: Int = 0, dropped: [DropReason: Int] = [:], files: [String] = []) {
        self.read = read
        self.kept = kept
        self.keptTotal = keptTotal
        self.dropped = dropped
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case read, kept, dropped, files
        case keptTotal = "kept_total"
    }

    /// Lines dropped in all.
    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    /// The number dropped for `reason` (0 when none).
    public func dropped(_ reason: DropReason) -> Int { dropped[reason] ?? 0 }

    /// A two-column table: read, kept per split, dropped per reason, files.
    public var description: String {
        var rows: [(String, String)] = [("records read", "\(read)"), ("kept", "\(keptTotal)")]
        if !kept.isEmpty {
            for split in DatasetSplit.allCases { rows.append(("  \(split.rawValue)", "\(kept[split] ?? 0)")) }
        }
        rows.append(("dropped", "\(droppedTotal)"))
        for reason in DropReason.allCases { rows.append(("  \(reason.rawValue)", "\(dropped(reason))")) }
        let width = rows.map(\.0.count).max() ?? 0
        var lines = rows.map { name, value in name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value }
        for file in files { lines.append("wrote \(file)") }
        return lines.joined(separator: "\n")
    }
}
