import Foundation
import Synchronization
import TriageFlywheel
import TriageLog

/// The routing records of the last 7 days in memory, only what a report reads of each (an
/// ``Item``: numbers, flags and name indices; prompts and answers stay in the log), so that `/v1/triage/report` builds a window's report from memory (the same ``ReportBuilder``
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
        var names = Names()
    }

    private let state = Mutex(State())
    let logPath: String

    init(logPath: String) {
        self.logPath = logPath
    }

    /// Adds a record that was just logged.
    func insert(_ record: RoutingLogRecord) {
        guard let date = LogTimestamp.parse(record.timestamp) else { return }
        let facts = ReportFacts(record, shadowCostUSD: record.shadow?.costUSD)
        state.withLock { state in
            if !state.seeded { state.liveIDs.insert(record.id) }
            let item = Item(facts, date: date, names: &state.names)
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
    /// Records the recorder added meanwhile are not counted twice: each line read is looked up in
    /// the ids inserted so far. Whoever writes a batch (the writer thread, or a committing
    /// request's own thread) inserts a record before it writes its line (``RequestRecorder``), so
    /// a line read from the file whose record was recorded live is known live by then, however
    /// late in the read it was written (a list of ids taken before the read would miss those
    /// recorded during it and count them twice).
    /// - Returns: The number of records held afterwards.
    @discardableResult
    func seed(recent: RecentRequests) -> Int {
        var seeded = State()
        var tail: [RoutingLogRecord] = []
        let stream = try? LogStream(path: logPath)
        if let stream {
            for entry in stream where !isLive(entry.record.id) {
                tail.append(entry.record)
                if tail.count >= 2 * RecentRequests.capacity { tail.removeFirst(RecentRequests.capacity) }
                if let date = entry.date { Self.append(Item(ReportFacts(entry), date: date, names: &seeded.names), to: &seeded) }
            }
        }
        recent.seed(older: tail.suffix(RecentRequests.capacity))
        return state.withLock { state in
            var merged = seeded
            for chunk in state.chunks {
                for item in chunk { Self.append(Item(item.facts(names: state.names), date: item.date, names: &merged.names), to: &merged) }
            }
            merged.seeded = true
            merged.unreadableLines = stream?.skippedLines ?? 0
            state = merged
            return merged.count
        }
    }

    /// Whether the recorder inserted the record with `id` before the store was seeded.
    private func isLive(_ id: String) -> Bool {
        state.withLock { $0.liveIDs.contains(id) }
    }

    /// The report of `options.since ..< options.until` from memory; nil when the store is not
    /// seeded yet or the window reaches before what it holds (read the log then). Its
    /// `out_of_range` counts the held records outside the window.
    func report(options: ReportOptions) -> Report? {
        let (chunks, names, seeded, completeSince, skipped) = state.withLock {
            ($0.chunks, $0.names, $0.seeded, $0.completeSince, $0.unreadableLines)
        }
        guard seeded, (options.since ?? .distantPast) >= completeSince else { return nil }
        var builder = ReportBuilder(options: options)
        var outside = 0  // held records outside the window, counted as the log's report counts them
        for chunk in chunks {
            if let since = options.since, let last = chunk.last, last.date < since {
                outside += chunk.count
                continue
            }
            for item in chunk {
                guard options.since.map({ item.date >= $0 }) ?? true && options.until.map({ item.date < $0 }) ?? true else {
                    outside += 1
                    continue
                }
                builder.add(item.facts(names: names), date: item.date)
            }
        }
        var report = builder.report(unreadableLines: skipped)
        report.outOfRange += outside
        return report
    }
}
