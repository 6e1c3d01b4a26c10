import Foundation
import Synchronization
import TriageFlywheel
import TriageLog

/// The routing records of the last 7 days in memory, without their prompts, answers and reasons,
/// so that `/v1/triage/report` builds a window's report from memory (the same ``ReportBuilder``
/// as `triage report`) instead of reading the log on every refresh of the dashboard.
///
/// Filled once from the log by ``seed(recent:)`` (one ``LogStream`` pass, which also seeds the
/// live view) and then by every record the recorder writes. At most ``maxEntries`` records are
/// held; a window reaching before what is held is answered from the log instead (``report(options:)``
/// returns nil). Records are kept in chunks, so a report can read a snapshot while new records
/// arrive without copying everything.
final class ReportStore: Sendable {
    static let maxEntries = 250_000
    static let chunkSize = 4096
    static let horizon: TimeInterval = 7 * 86_400 + 3_600

    private struct State: Sendable {
        var chunks: [[Item]] = []
        var count = 0
        /// Records before this instant may be missing (dropped for room or age); distantPast: none dropped.
        var completeSince = Date.distantPast
        var seeded = false
        var liveIDs: Set<String> = []
        var unreadableLines = 0
    }

    struct Item: Sendable {
        let date: Date
        let entry: LogEntry
    }

    private let state = Mutex(State())
    let logPath: String

    init(logPath: String) {
        self.logPath = logPath
    }

    /// The record without what the report does not read (messages, answer, reason).
    static func item(_ entry: LogEntry) -> Item? {
        guard let date = entry.date else { return nil }
        var record = entry.record
        record.messages = nil
        record.response = nil
        record.reason = ""
        record.shadow = nil
        var shadow = entry.shadow
        shadow?.response = nil
        return Item(date: date, entry: LogEntry(record: record, shadow: shadow))
    }

    /// Adds a record that was just logged.
    func insert(_ record: RoutingLogRecord) {
        let shadow = record.shadow.map { RoutingLogRecord.Shadow(backend: $0.backend, costUSD: $0.costUSD) }
        guard let item = Self.item(LogEntry(record: record, shadow: shadow)) else { return }
        state.withLock { state in
            if !state.seeded { state.liveIDs.insert(record.id) }
            Self.append(item, to: &state)
        }
    }

    private static func append(_ item: Item, to state: inout State) {
        if state.chunks.last.map({ $0.count >= chunkSize }) ?? true {
            state.chunks.append([])
            state.chunks[state.chunks.count - 1].reserveCapacity(chunkSize)
        }
        state.chunks[state.chunks.count - 1].append(item)
        state.count += 1
        let horizon = item.date.addingTimeInterval(-Self.horizon)
        while state.chunks.count > 1, let first = state.chunks.first,
              state.count > maxEntries || (first.last.map { $0.date < horizon } ?? false) {
            state.count -= first.count
            state.chunks.removeFirst()
            state.completeSince = state.chunks.first?.first?.date ?? item.date
        }
    }

    /// Reads the log once (keeping only what fits) and hands its last records to the live view.
    /// Records the recorder added meanwhile are not counted twice.
    func seed(recent: RecentRequests) {
        var seeded = State()
        var tail: [RoutingLogRecord] = []
        let live = state.withLock { $0.liveIDs }
        let stream = try? LogStream(path: logPath)
        if let stream {
            for entry in stream where !live.contains(entry.record.id) {
                tail.append(entry.record)
                if tail.count >= 2 * RecentRequests.capacity { tail.removeFirst(RecentRequests.capacity) }
                if let item = Self.item(entry) { Self.append(item, to: &seeded) }
            }
        }
        recent.seed(older: tail.suffix(RecentRequests.capacity))
        state.withLock { state in
            var merged = seeded
            for chunk in state.chunks { for item in chunk { Self.append(item, to: &merged) } }
            merged.seeded = true
            merged.unreadableLines = stream?.skippedLines ?? 0
            state = merged
        }
    }

    /// The report of `options.since ..< options.until` from memory; nil when the store is not
    /// seeded yet or the window reaches before what it holds (read the log then).
    func report(options: ReportOptions) -> Report? {
        let (chunks, seeded, completeSince, skipped) = state.withLock { ($0.chunks, $0.seeded, $0.completeSince, $0.unreadableLines) }
        guard seeded, (options.since ?? .distantPast) >= completeSince else { return nil }
        var builder = ReportBuilder(options: options)
        for chunk in chunks {
            if let since = options.since, let last = chunk.last, last.date < since { continue }
            for item in chunk where options.since.map({ item.date >= $0 }) ?? true && options.until.map({ item.date < $0 }) ?? true {
                builder.add(item.entry, date: item.date)
            }
        }
        return builder.report(unreadableLines: skipped)
    }
}
