import Foundation

/// A log-bucketed histogram for percentiles in fixed memory, with a bounded relative error.
///
/// A positive value `v` goes to bucket `ceil(log(v) / log(γ))` with `γ = (1 + α) / (1 − α)`;
/// a bucket is reported as `2γⁱ / (γ + 1)`, within a relative error `α` of every value in it
/// (α = 0.01 by default: ≤ 1 %). Values ≤ `minimum` share one bucket reported as 0. Buckets
/// exist only where values fell; 0.001 ms ... 10⁷ ms needs at most ~1,150 of them.
public struct LatencyHistogram: Sendable, Equatable {
    /// The relative accuracy α.
    public let relativeAccuracy: Double
    private let logGamma: Double
    private let gamma: Double
    private static let minimum = 1e-9
    private var buckets: [Int: UInt64] = [:]
    private var zeros: UInt64 = 0
    /// Number of values recorded.
    public private(set) var count: UInt64 = 0

    /// Creates an empty histogram with relative accuracy `relativeAccuracy` (0.01 = 1 %).
    public init(relativeAccuracy: Double = 0.01) {
        let alpha = min(max(relativeAccuracy, 1e-6), 0.5)
        self.relativeAccuracy = alpha
        gamma = (1 + alpha) / (1 - alpha)
        logGamma = log(gamma)
    }

    /// Records a value (NaN is ignored).
    public mutating func record(_ value: Double) {
        guard !value.isNaN else { return }
        count += 1
        if value <= Self.minimum {
            zeros += 1
        } else {
            buckets[Int((log(value) / logGamma).rounded(.up)), default: 0] += 1
        }
    }

    /// The value at quantile `q` (0...1), within the relative accuracy; `nil` when empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = UInt64((min(max(q, 0), 1) * Double(count - 1)).rounded(.down))
        var seen = zeros
        if rank < seen { return 0 }
        for key in buckets.keys.sorted() {
            seen += buckets[key] ?? 0
            if rank < seen { return 2 * pow(gamma, Double(key)) / (gamma + 1) }
        }
        return nil
    }

    /// `ln(γ)`: a value `v > 1e-9` falls in bucket `ceil(ln(v) / ln(γ))` (what a database computes
    /// to fill a histogram with ``add(bucket:count:)``); smaller values count as zero.
    public var logGammaValue: Double { logGamma }

    /// The smallest value not counted as zero.
    public static var zeroBound: Double { minimum }

    /// Adds `count` values of bucket `bucket` (nil: the zero bucket), as counted elsewhere.
    public mutating func add(bucket: Int?, count: UInt64) {
        self.count += count
        if let bucket {
            buckets[bucket, default: 0] += count
        } else {
            zeros += count
        }
    }
}
