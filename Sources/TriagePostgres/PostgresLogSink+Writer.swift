import Foundation
import Synchronization
import TriageJSON
import TriageLog

/// The writer task: batches to the database or the spool, replay, retention.
extension PostgresLogSink {
    /// Lines replayed from the spool per statement.
    static let replayChunk = 2_000

    func run() async {
        var retryAt = ContinuousClock.now
        var backoff: Duration = .milliseconds(200)
        var retentionAt = ContinuousClock.now
        while true {
            await waitForWork(timeout: .milliseconds(250))
            let (batch, bytes, closing) = takeQueue()
            let spooling = spool.withLock { !$0.isEmpty }
            if !batch.isEmpty {
                if !spooling {
                    await insertDirect(batch, bytes: bytes)
                } else if !toSpool(batch, bytes: bytes) {
                    // The spool is full: keep the batch queued (requests wait in waitForRoom).
                    requeue(batch)
                    if closing { drainLost() }
                }
            }
            if closing && pendingCount == 0 { return }
            if closing && !batch.isEmpty { continue }
            let now = ContinuousClock.now
            if spool.withLock({ !$0.isEmpty }), now >= retryAt {
                if await replay() {
                    backoff = .milliseconds(200)
                    if closing { continue }
                } else {
                    retryAt = now + backoff
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
            if let days = retentionDays, now >= retentionAt, spool.withLock({ $0.isEmpty }) {
                retentionAt = now + .seconds(3600)
                await dropExpiredPartitions(keepDays: days)
            }
            if closing { return }
        }
    }

    /// Inserts a batch; on an error or a timeout the batch goes to the spool instead.
    private func insertDirect(_ batch: [Entry], bytes: Int) async {
        let rows = batch.compactMap { LogRow(record: $0.record) }
        let inserter = self.inserter
        let outcome = await Self.withTimeout(writeTimeout) { try await inserter.insert(rows[...]) }
        switch outcome {
        case .success(let inserted):
            state.withLock {
                $0.database.duplicates += rows.count - inserted
                $0.status.failing = false
            }
            finish(batch, bytes: bytes, stored: true)
        case .failure(let message):
            let firstFailure = state.withLock { state -> Bool in
                defer {
                    state.database.state = "spooling"
                    state.database.lastError = message
                    state.status.failing = true
                }
                return state.database.state != "spooling"
            }
            if firstFailure {
                onError("routing log database unavailable (\(message)); spooling records to \(spoolPath) until it answers")
            }
            if !toSpool(batch, bytes: bytes) { requeue(batch) }
        }
    }

    /// Appends a batch to the spool; false when the spool is full (nothing written).
    private func toSpool(_ batch: [Entry], bytes: Int) -> Bool {
        let result = spool.withLock { spool -> (full: Bool, error: String?, size: Int, records: Int) in
            if spool.size > 0 && spool.size + bytes > spoolMaxBytes { return (true, nil, spool.size, spool.records) }
            let error = spool.append(batch.map(\.record))
            return (false, error, spool.size, spool.records)
        }
        if result.full { return false }
        state.withLock {
            $0.database.spoolBytes = result.size
            $0.database.spoolRecords = result.records
            if result.error == nil { $0.database.spooled += batch.count }
        }
        if let error = result.error { onError(error) }
        finish(batch, bytes: bytes, stored: result.error == nil, error: result.error)
        return true
    }

    /// Replays the spool into the database from its start, in order; true when it is empty afterwards.
    private func replay() async -> Bool {
        while true {
            let (lines, end) = spool.withLock { $0.nextLines(limit: Self.replayChunk) }
            var rows: [LogRow] = []
            rows.reserveCapacity(lines.count)
            for line in lines {
                guard let value = try? JSONParser.parse(line), let record = try? RoutingLogRecord(json: value),
                      let row = LogRow(record: record, line: String(decoding: line, as: UTF8.self)) else { continue }
                rows.append(row)
            }
            let inserter = self.inserter
            let batch = rows
            let outcome = await Self.withTimeout(writeTimeout * 5) { try await inserter.insert(batch[...]) }
            guard case .success(let inserted) = outcome else {
                if case .failure(let message) = outcome { state.withLock { $0.database.lastError = message } }
                return false
            }
            let (size, records) = spool.withLock { spool -> (Int, Int) in
                spool.markReplayed(upTo: end, count: lines.count)
                return (spool.size, spool.records)
            }
            let empty = size == 0
            let wasSpooling = state.withLock { state -> Bool in
                state.database.replayed += inserted
                state.database.duplicates += rows.count - inserted
                state.database.spoolBytes = size
                state.database.spoolRecords = records
                defer {
                    if empty {
                        state.database.state = "direct"
                        state.status.failing = false
                    }
                }
                return state.database.state == "spooling"
            }
            if empty {
                if wasSpooling { onError("routing log database answers again; spool replayed, inserting directly") }
                return true
            }
            if lines.isEmpty { return false }
        }
    }

    /// Records still queued when the sink closes with a full spool are lost (counted, reported).
    private func drainLost() {
        let (batch, bytes, _) = takeQueue(limit: Int.max)
        guard !batch.isEmpty else { return }
        onError("routing log closing with the spool full and the database down: \(batch.count) record(s) not written")
        finish(batch, bytes: bytes, stored: false, error: "spool full at shutdown")
    }

    /// Drops day partitions older than `keepDays` days (UTC).
    func dropExpiredPartitions(keepDays: Int) async {
        let cutoff = LogRotationPolicy.utcDay(Date()) - keepDays
        do {
            let dropped = try await store.dropPartitions(before: cutoff)
            if !dropped.isEmpty {
                inserter.forgetPartitions()
                onError("routing log retention: dropped \(dropped.count) partition(s) older than \(keepDays) days (\(dropped.joined(separator: ", ")))")
            }
        } catch {
            state.withLock { $0.database.lastError = PostgresStoreError.describe(error) }
        }
    }

    enum Outcome<Value: Sendable>: Sendable {
        case success(Value)
        case failure(String)
    }

    /// Runs `operation` in a task of its own and returns its result, or a failure once `timeout`
    /// passes (the operation goes on in the background: a late insert is harmless, ids are keys).
    static func withTimeout<Value: Sendable>(
        _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async -> Outcome<Value> {
        let race = TimeoutRace<Value>()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<Value>, Never>) in
            race.continuation.withLock { $0 = continuation }
            let work = Task {
                let outcome: Outcome<Value>
                do {
                    outcome = .success(try await operation())
                } catch {
                    outcome = .failure(PostgresStoreError.describe(error))
                }
                race.finish(outcome)
                race.timer.withLock { $0 }?.cancel()
            }
            let sleeper = Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                if race.finish(.failure("no answer within \(timeout)")) { work.cancel() }
            }
            race.timer.withLock { $0 = sleeper }
        }
    }
}

/// Who resumes ``PostgresLogSink/withTimeout(_:_:)`` first: the operation or the timer.
final class TimeoutRace<Value: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<PostgresLogSink.Outcome<Value>, Never>?>(nil)
    let timer = Mutex<Task<Void, Never>?>(nil)

    /// Resumes the waiter with `outcome` unless it was resumed already; true when this call did.
    @discardableResult
    func finish(_ outcome: PostgresLogSink.Outcome<Value>) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(returning: outcome)
        return true
    }
}
