import PostgresNIO
import Synchronization

/// Tells `tail --follow` when to look for new rows: PostgreSQL notifies the log's channel after
/// every statement that inserts into it (a trigger, ``LogSchema/notifyChannel(table:)``), and
/// the follower listens on one connection of its own. Polling is the fallback: every
/// `pollInterval` while the listening connection is down (it is opened again after a second),
/// and every `safetyInterval` while it listens, in case a notification is lost.
public final class LogFollower: Sendable {
    private let signal = AsyncSignal()
    private let listening = Mutex(false)
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])

    /// Starts listening on `store`'s log channel.
    public init(store: PostgresStore, pollInterval: Duration = .milliseconds(200), safetyInterval: Duration = .seconds(5)) {
        let channel = LogSchema.notifyChannel(table: store.table)
        let listener = Task { [self] in
            while !Task.isCancelled {
                do {
                    try await store.client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            listening.withLock { $0 = true }
                            signal.signal()  // rows may have come before LISTEN took effect
                            for try await _ in notifications { signal.signal() }
                        }
                    }
                } catch {}
                listening.withLock { $0 = false }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let poller = Task { [self] in
            var sinceSignal: Duration = .zero
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                sinceSignal += pollInterval
                if !listening.withLock({ $0 }) || sinceSignal >= safetyInterval {
                    sinceSignal = .zero
                    signal.signal()
                }
            }
        }
        tasks.withLock { $0 = [listener, poller] }
    }

    /// Whether the listening connection is up (notifications arrive).
    public var isListening: Bool { listening.withLock { $0 } }

    /// Returns when rows may have come: a notification, or a poll.
    public func wait() async {
        await signal.wait()
    }

    /// Stops listening and polling (the follower's tasks hold it until then).
    public func stop() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }
}
