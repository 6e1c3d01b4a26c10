import Synchronization
import TriageUpstream

/// Upstream transfers to abort together when one event happens (a client hangs up, the shutdown
/// grace period runs out): the event fires once, cancels every member, and cancels at once any
/// member added after it.
final class CancellationGroup: Sendable {
    private struct State {
        var fired = false
        var members: [ObjectIdentifier: UpstreamCancellation] = [:]
    }

    private let state = Mutex(State())

    /// Whether the event has happened.
    var isFired: Bool { state.withLock { $0.fired } }

    /// Cancels `cancellation` when the event happens (at once if it already has).
    func add(_ cancellation: UpstreamCancellation) {
        let late = state.withLock { state -> Bool in
            if !state.fired { state.members[ObjectIdentifier(cancellation)] = cancellation }
            return state.fired
        }
        if late { cancellation.cancel() }
    }

    /// Stops watching `cancellation` (its request is over).
    func remove(_ cancellation: UpstreamCancellation) {
        _ = state.withLock { $0.members.removeValue(forKey: ObjectIdentifier(cancellation)) }
    }

    /// The event happened: cancels every member (once; later calls do nothing).
    func fire() {
        let members = state.withLock { state -> [UpstreamCancellation] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.members = [:] }
            return Array(state.members.values)
        }
        for member in members { member.cancel() }
    }
}
