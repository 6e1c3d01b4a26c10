import Synchronization

/// The fits of the last ``capacity`` classified requests, for the live drift gauges: a ring of
/// the fits and their histogram, updated in O(1) per request under one short lock.
public final class FitDriftWindow: Sendable {
    /// The default number of requests in the window.
    public static let defaultCapacity = 1000

    private struct State: Sendable {
        var ring: [Double] = []
        var next = 0
        var histogram = FitHistogram()
    }

    /// Number of requests the window holds.
    public let capacity: Int
    /// The reference the fits are compared with.
    public let reference: FitDriftReference
    /// `min_fit`, for the share below it.
    public let minFit: Double
    private let state = Mutex(State())

    /// An empty window.
    public init(reference: FitDriftReference, minFit: Double, capacity: Int = FitDriftWindow.defaultCapacity) {
        self.reference = reference
        self.minFit = minFit
        self.capacity = max(capacity, 1)
    }

    /// Records the fit of one request (NaN is ignored), evicting the oldest when full.
    public func record(_ fit: Double) {
        guard !fit.isNaN else { return }
        let capacity = self.capacity
        state.withLock { state in
            if state.ring.count < capacity {
                state.ring.append(fit)
            } else {
                state.histogram.remove(state.ring[state.next])
                state.ring[state.next] = fit
                state.next = (state.next + 1) % capacity
            }
            state.histogram.add(fit)
        }
    }

    /// The drift of the fits now in the window.
    public var summary: FitDriftSummary {
        reference.summary(of: state.withLock { $0.histogram }, minFit: minFit)
    }
}
