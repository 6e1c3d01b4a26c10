import Synchronization

/// The slots of every `ConnectionLimit` key: a count of running transfers per key and a FIFO
/// queue of the requests waiting for one. A slot is handed from the transfer that ends
/// straight to the longest waiter.
final class ConnectionSlots: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct Pool {
        var running = 0
        var limit = 1
        var waiters: [Waiter] = []
    }

    private enum Outcome: Sendable {
        case granted
        case timedOut
        /// The request was cancelled from elsewhere (its client left) while it waited.
        case abandoned
        case gaveUp
    }

    private struct State {
        var pools: [String: Pool] = [:]
        var nextWaiter = 0
        /// Waiters cancelled before they were queued (the cancellation raced the enqueue).
        var cancelledEarly: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Takes a slot for `limit.key`, waiting up to `limit.queueTimeout` for one.
    /// - Throws: `.connectionsBusy` when the wait times out, `.cancelled` if the task or
    ///   `cancellation` is cancelled first.
    func acquire(_ limit: ConnectionLimit, url: String, cancellation: UpstreamCancellation? = nil) async throws(UpstreamError) {
        let free = state.withLock { state -> Bool in
            var pool = state.pools[limit.key, default: Pool()]
            pool.limit = max(1, limit.maxConnections)
            defer { state.pools[limit.key] = pool }
            guard pool.running < pool.limit, pool.waiters.isEmpty else { return false }
            pool.running += 1
            return true
        }
        if free { return }
        let outcome = await withTaskGroup(of: Outcome.self) { group -> Outcome in
            let id = state.withLock { state -> Int in
                state.nextWaiter += 1
                return state.nextWaiter
            }
            group.addTask { await self.waitForSlot(key: limit.key, id: id) ? .granted : .gaveUp }
            group.addTask {
                do {
                    try await Task.sleep(for: .milliseconds(Int64(max(0, limit.queueTimeout) * 1000)))
                    return .timedOut
                } catch {
                    return .gaveUp
                }
            }
            if let cancellation {
                group.addTask {
                    await cancellation.wait()
                    return cancellation.isCancelled ? .abandoned : .gaveUp
                }
            }
            var granted = false
            var ended: Outcome = .gaveUp
            for await outcome in group {
                switch outcome {
                case .granted:
                    granted = true
                    group.cancelAll()
                case .timedOut, .abandoned:
                    if ended == .gaveUp { ended = outcome }
                    group.cancelAll()
                case .gaveUp:
                    break
                }
            }
            // A slot handed over at the very moment the wait ended is still taken (and given
            // back by the transfer, which an abandoned request fails at once).
            return granted ? .granted : ended
        }
        switch outcome {
        case .granted: return
        case .timedOut: throw .connectionsBusy(url: url, limit: limit.maxConnections, seconds: limit.queueTimeout)
        case .abandoned, .gaveUp: throw .cancelled
        }
    }

    /// Gives back a slot of `key`: to the longest waiter, if any.
    func release(key: String) {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard var pool = state.pools[key] else { return nil }
            defer { state.pools[key] = pool }
            if pool.running <= pool.limit, !pool.waiters.isEmpty {
                return pool.waiters.removeFirst().continuation  // the slot moves on; `running` stays
            }
            pool.running = max(0, pool.running - 1)
            return nil
        }
        next?.resume(returning: true)
    }

    /// Transfers running for `key` now.
    func running(key: String) -> Int {
        state.withLock { $0.pools[key]?.running ?? 0 }
    }

    /// Queues waiter `id` until a slot is handed to it (true) or the task is cancelled (false).
    private func waitForSlot(key: String, id: Int) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                enum Start { case cancelled, slotFree, queued }
                let start = state.withLock { state -> Start in
                    if state.cancelledEarly.remove(id) != nil { return .cancelled }
                    var pool = state.pools[key, default: Pool()]
                    defer { state.pools[key] = pool }
                    if pool.running < pool.limit && pool.waiters.isEmpty {
                        // A slot came free between the first look and now.
                        pool.running += 1
                        return .slotFree
                    }
                    pool.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch start {
                case .cancelled: continuation.resume(returning: false)
                case .slotFree: continuation.resume(returning: true)
                case .queued: break  // resumed by `release` or the cancellation handler
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard var pool = state.pools[key], let index = pool.waiters.firstIndex(where: { $0.id == id }) else {
                    state.cancelledEarly.insert(id)
                    return nil
                }
                let waiter = pool.waiters.remove(at: index)
                state.pools[key] = pool
                return waiter.continuation
            }
            waiter?.resume(returning: false)
        }
    }
}
