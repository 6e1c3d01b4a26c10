/// Latency percentiles in milliseconds, each within 1 % (see ``LatencyHistogram``).
public struct Percentiles: Sendable, Codable, Equatable {
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double

    /// Creates percentiles.
    public init(p50: Double, p90: Double, p99: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
    }

    /// The percentiles of a histogram; `nil` when it is empty.
    public init?(_ histogram: LatencyHistogram) {
        guard let p50 = histogram.quantile(0.5), let p90 = histogram.quantile(0.9), let p99 = histogram.quantile(0.99) else { return nil }
        self.init(p50: p50, p90: p90, p99: p99)
    }
}
