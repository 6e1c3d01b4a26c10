import Foundation
import TriageLog
import Synchronization
import TriageHashing

/// Decides which routine (local) requests are also sent to the remote model in the background.
///
/// Sampling is deterministic: a request is in the sample when `SplitMix64.unitInterval(hashing: requestID) <
/// rate`, so a given id is always (or never) sampled and tests can predict it. Spend is capped per
/// UTC day: an estimate is reserved when a shadow is decided, and replaced by the actual cost in
/// ``recordSpend(_:releasing:now:)``; a shadow whose estimate would take spent + reserved above
/// the cap is refused. Counters reset at 00:00 UTC. Safe to call from any task.
public final class ShadowSampler: Sendable {
    private struct Day: Sendable {
        var day: Int
        var spent: Double
        var reserved: Double
    }

    /// Fraction of requests sampled, 0...1.
    public let rate: Double
    /// Spend cap per UTC day in USD; `nil` for no cap.
    public let dailyCapUSD: Double?
    private let state: Mutex<Day>

    /// Creates a sampler.
    /// - Throws: ``FlywheelError/invalidOption(name:value:expected:)`` when the rate is outside 0...1 or the cap is negative.
    public init(rate: Double, dailyCapUSD: Double?) throws(FlywheelError) {
        guard rate.isFinite, (0...1).contains(rate) else {
            throw .invalidOption(name: "shadow.sample_rate", value: "\(rate)", expected: "a fraction from 0 to 1, e.g. 0.05 for 5 %")
        }
        if let dailyCapUSD, !(dailyCapUSD.isFinite && dailyCapUSD >= 0) {
            throw .invalidOption(name: "shadow.daily_cap_usd", value: "\(dailyCapUSD)", expected: "an amount in USD >= 0")
        }
        self.rate = rate
        self.dailyCapUSD = dailyCapUSD
        self.state = Mutex(Day(day: 0, spent: 0, reserved: 0))
    }

    /// Whether `requestID` is in the sample (ignoring the cap).
    public func isSampled(requestID: String) -> Bool {
        rate > 0 && SplitMix64.unitInterval(hashing: requestID) < rate
    }

    /// Decides whether to shadow a request, reserving `estimatedCostUSD` against today's cap when yes.
    public func shouldShadow(requestID: String, estimatedCostUSD: Double, now: Date = Date()) -> ShadowDecision {
        guard isSampled(requestID: requestID) else { return .notSampled }
        let estimate = max(0, estimatedCostUSD.isFinite ? estimatedCostUSD : 0)
        let today = LogRotationPolicy.utcDay(now)
        return state.withLock { state in
            if state.day != today { state = Day(day: today, spent: 0, reserved: 0) }
            if let cap = dailyCapUSD, state.spent + state.reserved + estimate > cap {
                return .overDailyCap(spentUSD: state.spent + state.reserved, capUSD: cap)
            }
            state.reserved += estimate
            return .shadow(reservedUSD: estimate)
        }
    }

    /// Records the actual cost of a shadow request and releases its reservation (pass the
    /// `reservedUSD` of the decision; 0 for spend that was not reserved).
    public func recordSpend(_ actualUSD: Double, releasing reservedUSD: Double = 0, now: Date = Date()) {
        let today = LogRotationPolicy.utcDay(now)
        state.withLock { state in
            if state.day != today {
                // The reservation belonged to a day that is over; the spend counts today.
                state = Day(day: today, spent: 0, reserved: 0)
            } else {
                state.reserved = max(0, state.reserved - max(0, reservedUSD))
            }
            if actualUSD.isFinite, actualUSD > 0 { state.spent += actualUSD }
        }
    }

    /// Spend recorded today (UTC), plus reservations not yet settled.
    public func spentToday(now: Date = Date()) -> Double {
        let today = LogRotationPolicy.utcDay(now)
        return state.withLock { state in state.day == today ? state.spent + state.reserved : 0 }
    }
}
