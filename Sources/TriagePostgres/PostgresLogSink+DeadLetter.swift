import Foundation
import PostgresNIO
import Synchronization
import TriageLog

/// How a database call ended, and the dead-letter file for rows the database refuses.
extension PostgresLogSink {
    enum Outcome<Value: Sendable>: Sendable {
        case success(Value)
        /// The database did not answer, or not in time, or the connection failed: try again later.
        case failure(String)
        /// The database refused the statement for what it holds (SQLSTATE class 22, data
        /// exception, or 23, integrity constraint): trying again cannot help.
        case rejected(String)
    }

    /// Whether `error` is PostgreSQL refusing the data itself (not the connection, not the server's state).
    static func isRejection(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// Runs `operation` in a task of its own and returns its result, or a failure once `timeout`
    /// passes (the operation goes on in the background: a late insert is harmless, ids are keys).
    /// The timeout is a timer on the pool's event loop, cancelled when the operation ends first.
    func withDeadline<Value: Sendable>(
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
                    let message = PostgresStoreError.describe(error)
                    outcome = Self.isRejection(error) ? .rejected(message) : .failure(message)
                }
                race.finish(outcome)
                race.cancelTimer()
            }
            let (seconds, attoseconds) = timeout.components
            let timer = PostgresClient.defaultEventLoopGroup.any().scheduleTask(
                in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            ) {
                if race.finish(.failure("no answer within \(timeout)")) { work.cancel() }
            }
            race.setTimer(timer)
        }
    }

    /// Appends refused records to the dead-letter file (their JSON lines as the log holds them),
    /// counts them and says why. A record that cannot be written there either is counted as lost.
    func toDeadLetter(_ records: [RoutingLogRecord], reason: String) {
        guard !records.isEmpty else { return }
        let path = deadLetterPath
        let mode = deadLetterMode
        let error = deadLetter.withLock { file -> String? in
            if file == nil {
                do { file = try LogSpool(path: path, mode: mode) } catch { return "\(error)" }
            }
            return file?.append(records)
        }
        if let error {
            queue.updateStatus {
                $0.lost += records.count
                $0.lastError = error
            }
            onError("routing log: the database refused \(records.count) record(s) (\(reason)) and the dead-letter file failed: \(error)")
            return
        }
        state.withLock {
            $0.database.deadLettered += records.count
            $0.database.lastError = reason
        }
        let ids = records.prefix(3).map(\.id).joined(separator: ", ")
        onError("routing log: the database refused \(records.count) record(s) (\(ids)\(records.count > 3 ? ", ..." : "")): \(reason); written to \(path)")
    }
}

/// Who resumes ``PostgresLogSink/withDeadline(_:_:)`` first: the operation or the timer.
final class TimeoutRace<Value: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<PostgresLogSink.Outcome<Value>, Never>?>(nil)
    private let timer = Mutex<(scheduled: Scheduled<Void>?, done: Bool)>((nil, false))

    /// Resumes the waiter with `outcome` unless it was resumed already; true when this call did.
    @discardableResult
    func finish(_ outcome: PostgresLogSink.Outcome<Value>) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(returning: outcome)
        return true
    }

    func setTimer(_ scheduled: Scheduled<Void>) {
        let done = timer.withLock { state -> Bool in
            if !state.done { state.scheduled = scheduled }
            return state.done
        }
        if done { scheduled.cancel() }
    }

    func cancelTimer() {
        timer.withLock { state -> Scheduled<Void>? in
            state.done = true
            return state.scheduled.take()
        }?.cancel()
    }
}
