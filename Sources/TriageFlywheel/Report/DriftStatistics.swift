import Foundation

/// How far a distribution of fit scores has moved from the reference's: the population
/// stability index (PSI) and the two-sample Kolmogorov–Smirnov statistic.
///
/// - PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over ``psiBins`` equal bins of the calibrated fit, with `e`
///   the reference's shares and `a` the live ones (a share of 0 counts as ``psiFloor``). The
///   usual reading, which Triage uses: below 0.1 no shift, 0.1–0.25 a moderate shift, **≥ 0.25
///   drift** (``psiDrift``).
/// - KS = the largest gap between the two cumulative distributions. Triage calls it drift when
///   it is over ``ksDrift`` *and* over the 1 % critical value 1.63 · √((n + m) / (n · m)) for
///   the two sample sizes, so a small window does not raise it by chance.
public enum DriftStatistics {
    /// Bins of the PSI.
    public static let psiBins = 10
    /// The share an empty bin counts as in the PSI.
    public static let psiFloor = 1e-4
    /// PSI at or above which the fits have drifted.
    public static let psiDrift = 0.25
    /// KS statistic above which the fits have drifted (when also significant at 1 %).
    public static let ksDrift = 0.2

    /// The PSI of `actual` shares against `expected` shares (same length).
    public static func psi(expected: [Double], actual: [Double]) -> Double {
        var sum = 0.0
        for (e, a) in zip(expected, actual) {
            let e = max(e, psiFloor), a = max(a, psiFloor)
            sum += (a - e) * log(a / e)
        }
        return sum
    }

    /// The KS statistic between two histograms (the largest gap of their cumulative shares at a
    /// bin edge); 0 when either is empty.
    public static func ks(_ reference: FitHistogram, _ live: FitHistogram) -> Double {
        guard reference.total > 0, live.total > 0 else { return 0 }
        var seenReference = 0, seenLive = 0, gap = 0.0
        for index in 0..<FitHistogram.binCount {
            seenReference += reference.counts[index]
            seenLive += live.counts[index]
            gap = max(gap, abs(Double(seenReference) / Double(reference.total) - Double(seenLive) / Double(live.total)))
        }
        return gap
    }

    /// The KS critical value at 1 % for samples of `n` and `m`.
    public static func ksCritical(_ n: Int, _ m: Int) -> Double {
        guard n > 0, m > 0 else { return .infinity }
        return 1.628 * ((Double(n) + Double(m)) / (Double(n) * Double(m))).squareRoot()
    }
}
