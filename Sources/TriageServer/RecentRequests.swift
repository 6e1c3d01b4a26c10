import Foundation
import Synchronization
import TriageFlywheel
import TriageJSON
import TriageLog

/// The last ``capacity`` routing records, for the dashboard's live view: every record the
/// recorder writes goes in, and the end of the routing log is put before them at start-up
/// (``ReportStore/seed(recent:)``), so decisions from before a restart show too. Memory stays bounded: a record whose prompt and answer exceed
/// ``maxKeptBytes`` is kept without them (its detail view reads it back from the log).
final class RecentRequests: Sendable {
    static let capacity = 1000
    static let maxKeptBytes = 8 * 1024

    struct Entry: Sendable {
        /// The record; without `messages` and `response` when they were too large to keep.
        var record: RoutingLogRecord
        /// The start of the last user message.
        var preview: String
        /// False when `messages`/`response` were dropped.
        var complete: Bool
    }

    private struct Ring: Sendable {
        var entries: [Entry] = []
        var next = 0

        mutating func append(_ entry: Entry) {
            if entries.count < RecentRequests.capacity {
                entries.append(entry)
            } else {
                entries[next] = entry
                next = (next + 1) % RecentRequests.capacity
            }
        }

        var ordered: [Entry] { entries.count < RecentRequests.capacity ? entries : Array(entries[next...] + entries[..<next]) }
    }

    private let ring = Mutex(Ring())
    /// Who waits for ``seed(older:)`` (``whenSeeded()``); nil once it ran or when none is coming.
    private let seedWaiters: Mutex<[CheckedContinuation<Void, Never>]?>
    let logPath: String

    /// - Parameter awaitingSeed: Whether ``seed(older:)`` will run (at start-up, in the
    ///   background): until then ``whenSeeded()`` waits, so no list misses the log's end.
    init(logPath: String, awaitingSeed: Bool = false) {
        self.logPath = logPath
        seedWaiters = Mutex(awaitingSeed ? [] : nil)
    }

    /// Returns once the end of the log is in (at once when it is, or when no seed is coming).
    func whenSeeded() async {
        guard seedWaiters.withLock({ $0 != nil }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waits = seedWaiters.withLock { waiters -> Bool in
                guard waiters != nil else { return false }
                waiters?.append(continuation)
                return true
            }
            if !waits { continuation.resume() }
        }
    }

    /// Adds a record that was just logged.
    func insert(_ record: RoutingLogRecord) {
        let entry = Self.entry(record)
        ring.withLock { $0.append(entry) }
    }

    static func entry(_ record: RoutingLogRecord) -> Entry {
        let prompt = TailFormatter.lastUserText(record.messages) ?? ""
        var messageCount = 0
        if case .array(let items)? = record.messages { messageCount = items.count }
        let size = prompt.utf8.count + (record.response?.utf8.count ?? 0)
        var kept = record
        let complete = size <= maxKeptBytes && messageCount <= 16
        if !complete {
            kept.messages = nil
            kept.response = nil
        }
        // A prompt of at most `previewLength` UTF-8 bytes has at most that many characters: no walk over its graphemes.
        let preview = prompt.utf8.count <= DashboardData.previewLength ? prompt : String(prompt.prefix(DashboardData.previewLength))
        return Entry(record: kept, preview: preview, complete: complete)
    }

    /// The entries held, oldest first.
    func entries() -> [Entry] {
        ring.withLock { $0.ordered }
    }

    /// The whole record with `id`: from the ring when complete there, else streamed from the log.
    func find(id: String) -> RoutingLogRecord? {
        if let entry = entries().last(where: { $0.record.id == id }), entry.complete { return entry.record }
        guard let stream = try? LogStream(path: logPath) else { return nil }
        for entry in stream where entry.record.id == id { return entry.record }
        return nil
    }

    /// Puts the last records of the log (read at start-up, see ``ReportStore/seed(recent:)``)
    /// before those recorded since.
    func seed(older: some Sequence<RoutingLogRecord>) {
        let entries = older.map(Self.entry)
        ring.withLock { ring in
            let live = ring.ordered
            let liveIDs = Set(live.map(\.record.id))
            var merged = Ring()
            for entry in entries where !liveIDs.contains(entry.record.id) { merged.append(entry) }
            for entry in live { merged.append(entry) }
            ring = merged
        }
        let waiters = seedWaiters.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }
}
