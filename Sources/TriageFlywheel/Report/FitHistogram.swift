/// Counts of calibrated fit scores in 1,000 equal bins over [0, 1], enough for the drift
/// statistics in fixed memory: PSI over ``DriftStatistics/psiBins`` coarser bins, and the KS
/// statistic at every bin edge (exact for fits with three decimals, within 0.001 otherwise).
public struct FitHistogram: Sendable, Equatable {
    /// Number of bins.
    public static let binCount = 1000
    /// Count per bin; bin `i` holds fits in `[i/1000, (i+1)/1000)`, the last one also 1.0.
    public private(set) var counts: [Int]
    /// Number of fits recorded.
    public private(set) var total = 0

    /// An empty histogram.
    public init() {
        counts = [Int](repeating: 0, count: Self.binCount)
    }

    /// A histogram of `fits`.
    public init(_ fits: some Sequence<Double>) {
        self.init()
        for fit in fits { add(fit) }
    }

    /// The bin of `fit` (clamped to [0, 1]); nil for NaN.
    public static func bin(of fit: Double) -> Int? {
        guard !fit.isNaN else { return nil }
        return min(max(Int((fit * Double(binCount)).rounded(.down)), 0), binCount - 1)
    }

    /// Records one fit (NaN is ignored).
    public mutating func add(_ fit: Double) {
        guard let bin = Self.bin(of: fit) else { return }
        counts[bin] += 1
        total += 1
    }

    /// Forgets one fit recorded before (for sliding windows).
    public mutating func remove(_ fit: Double) {
        guard let bin = Self.bin(of: fit), counts[bin] > 0 else { return }
        counts[bin] -= 1
        total -= 1
    }

    /// Adds every count of `other`.
    public mutating func merge(_ other: FitHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
    }

    /// Number of fits below `threshold` (fits in bins entirely below it; a threshold on a bin
    /// edge, such as 0.05, is exact).
    public func count(below threshold: Double) -> Int {
        let edge = min(max(Int((threshold * Double(Self.binCount)).rounded(.down)), 0), Self.binCount)
        return counts[0..<edge].reduce(0, +)
    }

    /// The share of fits in each of `bins` equal-width bins over [0, 1].
    public func shares(bins: Int) -> [Double] {
        guard total > 0, bins > 0 else { return [Double](repeating: 0, count: max(bins, 0)) }
        var coarse = [Double](repeating: 0, count: bins)
        for (index, count) in counts.enumerated() where count > 0 {
            coarse[index * bins / Self.binCount] += Double(count)
        }
        return coarse.map { $0 / Double(total) }
    }

    /// Adds `count` fits of bin `bin` (``bin(of:)``), as counted elsewhere; out-of-range bins are ignored.
    public mutating func add(bin: Int, count: Int) {
        guard counts.indices.contains(bin), count > 0 else { return }
        counts[bin] += count
        total += count
    }
}
