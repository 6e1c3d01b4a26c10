import Synchronization

/// A `Mutex`-protected dictionary of metric handles, so each label set's handle is created once and reused.
///
/// Creating a swift-metrics handle goes through the factory and the Prometheus registry's own lock and
/// family lookup; caching keeps the recording hot path to one short lock and one hash lookup.
final class HandleCache<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let handles = Mutex<[Key: Handle]>([:])

    /// The handle for `key`, made with `make` (under the lock) the first time it is asked for.
    func handle(for key: Key, make: (Key) -> Handle) -> Handle {
        handles.withLock { handles in
            if let existing = handles[key] {
                return existing
            }
            let created = make(key)
            handles[key] = created
            return created
        }
    }
}
