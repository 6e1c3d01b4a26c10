import Foundation
import PostgresNIO
import Synchronization
import TriageJSON
import TriageLog

/// The writer task: batches to the database or the spool, replay, retention.
extension PostgresLogSink {
    /// Lines replayed from the spool per statement.
    static let replayChunk = 2_000
    /// Entries taken from the queue per batch.
    static let batchLimit = 4_000

    func run() async {
        var retryAt = ContinuousClock.now
        var backoff: Duration = .milliseconds(200)
        var retentionAt = ContinuousClock.now
        while true {
            await waitForWork()
            let (batch, bytes, closing) = queue.take(limit: Self.batchLimit)
            let spooling = spool.withLock { !$0.isEmpty }
            if !batch.isEmpty {
                if !spooling {
                    await insertDirect(batch, bytes: bytes)
                } else if !toSpool(batch, bytes: bytes) {
                    // The spool is full: keep the batch queued (requests wait in waitForRoom).
                    queue.requeue(batch, bytes: bytes)
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

    /// Inserts a batch; on an error or a timeout the batch goes to the spool instead. Rows the
    /// database refuses go to the dead-letter file, the rest of the batch is stored.
    private func insertDirect(_ batch: [LogQueue.Entry], bytes: Int) async {
        var rows: [LogRow] = []
        rows.reserveCapacity(batch.count)
        var unplaceable: [RoutingLogRecord] = []
        for entry in batch {
            if let row = LogRow(record: entry.record) { rows.append(row) } else { unplaceable.append(entry.record) }
        }
        if !unplaceable.isEmpty { toDeadLetter(unplaceable, reason: "its timestamp is not ISO 8601 (no partition can hold it)") }
        switch await insertRows(rows[...]) {
        case .success(let inserted):
            state.withLock { $0.database.duplicates += rows.count - inserted }
            queue.updateStatus { $0.failing = false }
            finish(batch, bytes: bytes, stored: true)
        case .failure(let message), .rejected(let message):  // (insertRows resolves rejections row by row)
            let firstFailure = state.withLock { state -> Bool in
                defer {
                    state.database.state = "spooling"
                    state.database.lastError = message
                }
                return state.database.state != "spooling"
            }
            queue.updateStatus { $0.failing = true }
            if firstFailure {
                onError("routing log database unavailable (\(message)); spooling records to \(spoolPath) until it answers")
            }
            if !toSpool(batch, bytes: bytes) { queue.requeue(batch, bytes: bytes) }
        }
    }

    /// Inserts `rows` (within the write timeout); when the database refuses the statement for a
    /// row's sake, inserts them one by one and sends the refused ones to the dead-letter file.
    /// Returns how many were new, or the failure that stopped it (rows before it are stored:
    /// storing them again is harmless, ids are keys).
    func insertRows(_ rows: ArraySlice<LogRow>, timeout: Duration? = nil) async -> Outcome<Int> {
        let inserter = self.inserter
        let deadline = timeout ?? writeTimeout
        let outcome = await withDeadline(deadline) { try await inserter.insert(rows) }
        guard case .rejected = outcome else { return outcome }
        var inserted = 0
        for row in rows {
            switch await withDeadline(deadline, { try await inserter.insert([row][...]) }) {
            case .success(let count): inserted += count
            case .failure(let message): return .failure(message)
            case .rejected(let reason): toDeadLetter([row.record], reason: reason)
            }
        }
        return .success(inserted)
    }

    /// Appends a batch to the spool; false when the spool is full (nothing written).
    private func toSpool(_ batch: [LogQueue.Entry], bytes: Int) -> Bool {
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
                guard let value = try? JSONParser.parse(line), let record = try? RoutingLogRecord(json: value) else { continue }
                guard let row = LogRow(record: record, line: String(decoding: line, as: UTF8.self)) else {
                    toDeadLetter([record], reason: "its timestamp is not ISO 8601 (no partition can hold it)")
                    continue
                }
                rows.append(row)
            }
            let outcome = await insertRows(rows[...], timeout: writeTimeout * 5)
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
                defer { if empty { state.database.state = "direct" } }
                return state.database.state == "spooling"
            }
            if empty {
                queue.updateStatus { $0.failing = false }
                if wasSpooling { onError("routing log database answers again; spool replayed, inserting directly") }
                return true
            }
            if lines.isEmpty { return false }
        }
    }

    /// Records still queued when the sink closes with a full spool are lost (counted, reported).
    private func drainLost() {
        let (batch, bytes, _) = queue.take()
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
}
