import Foundation

/// Chooses `min_fit` / `max_complexity` for a target from labelled samples.
///
/// A sample stays local when `fit ≥ min_fit` (or it has no fit) and `complexity ≤ max_complexity`,
/// as the proxy decides. Candidate `min_fit` values are 0 and the 1–50% quantiles of the fits;
/// candidate `max_complexity` values are every sample's complexity rounded up to 4 decimals (so
/// the written value decides exactly as evaluated). Every pair is evaluated with one sort and one
/// prefix sum per `min_fit`, then the Pareto front (lowest remote share for each quality) is kept.
public enum Calibrator {
    /// Quantiles of the fit tried as `min_fit` (besides 0).
    static let fitQuantiles = [0.01, 0.02, 0.05, 0.10, 0.15, 0.20, 0.30, 0.40, 0.50]

    /// Calibrates. `currentMinFit` / `currentMaxComplexity` are the config's values (the current
    /// point; `min_fit` stays there when no sample has a fit).
    public static func calibrate(
        _ samples: [CalibrationSample], target: CalibrationTarget, currentMinFit: Double, currentMaxComplexity: Double
    ) -> Calibration? {
        guard !samples.isEmpty else { return nil }
        let totals = Totals(samples)
        let fits = samples.compactMap(\.fit).sorted()
        let fitCandidates = fits.isEmpty ? [currentMinFit]
            : Array(Set([0] + fitQuantiles.map { floor4(quantile(fits, $0)) })).sorted()
        var points: [CalibrationPoint] = []
        for minFit in fitCandidates {
            let eligible = samples.filter { sample in sample.fit.map { $0 >= minFit } ?? true }.sorted { $0.complexity < $1.complexity }
            var localGain = 0.0   // Σ (local correct − remote correct) over the samples kept local
            var costChange = 0.0  // Σ (local cost − remote cost) over the same
            var kept = 0
            let thresholds = [0] + Array(Set(eligible.map { ceil4($0.complexity) })).sorted()
            for threshold in thresholds {
                while kept < eligible.count, eligible[kept].complexity <= threshold {
                    localGain += (eligible[kept].localCorrect ? 1 : 0) - (eligible[kept].remoteCorrect ? 1 : 0)
                    costChange += eligible[kept].localCost - eligible[kept].remoteCost
                    kept += 1
                }
                points.append(totals.point(minFit: minFit, maxComplexity: threshold, local: kept,
                                           quality: Double(totals.remoteCorrect) + localGain, cost: totals.remoteCost + costChange))
            }
        }
        let front = paretoFront(points)
        let chosen: CalibrationPoint?
        switch target {
        case .remoteShare(let share): chosen = front.last { $0.remoteShare <= share + 1e-12 }
        case .quality(let level): chosen = front.first { $0.relativeQuality >= level - 1e-12 }
        }
        let current = evaluate(samples, totals: totals, minFit: currentMinFit, maxComplexity: currentMaxComplexity)
        var curve: [CalibrationPoint] = []
        for step in 0...20 {
            if let best = front.last(where: { $0.remoteShare <= Double(step) / 20 + 1e-12 }), !curve.contains(best) { curve.append(best) }
        }
        if let chosen, !curve.contains(chosen) { curve.append(chosen) }
        curve.sort { $0.remoteShare < $1.remoteShare }
        return Calibration(
            samples: samples.count, localCorrect: totals.localCorrect, remoteCorrect: totals.remoteCorrect, target: target,
            fitScored: !fits.isEmpty, chosen: chosen, current: current,
            allLocal: totals.point(minFit: 0, maxComplexity: 1, local: samples.count, quality: Double(totals.localCorrect), cost: totals.localCost),
            allRemote: totals.point(minFit: 1, maxComplexity: 0, local: 0, quality: Double(totals.remoteCorrect), cost: totals.remoteCost),
            curve: curve,
            cpt50: front.first { ($0.gapRecovered ?? -1) >= 0.5 }?.remoteShare,
            cpt80: front.first { ($0.gapRecovered ?? -1) >= 0.8 }?.remoteShare,
            pairsTried: points.count
        )
    }

    /// The point of one pair of thresholds, computed directly.
    static func evaluate(_ samples: [CalibrationSample], totals: Totals, minFit: Double, maxComplexity: Double) -> CalibrationPoint {
        var local = 0
        var quality = 0.0
        var cost = 0.0
        for sample in samples {
            let stays = (sample.fit.map { $0 >= minFit } ?? true) && sample.complexity <= maxComplexity
            if stays { local += 1 }
            quality += (stays ? sample.localCorrect : sample.remoteCorrect) ? 1 : 0
            cost += stays ? sample.localCost : sample.remoteCost
        }
        return totals.point(minFit: minFit, maxComplexity: maxComplexity, local: local, quality: quality, cost: cost)
    }

    /// The points no other point beats: sorted by remote share, each with a higher quality than
    /// every point before it (ties: the cheaper, then the lower `min_fit`, the higher `max_complexity`).
    static func paretoFront(_ points: [CalibrationPoint]) -> [CalibrationPoint] {
        let sorted = points.sorted {
            ($0.remoteShare, -$0.quality, $0.costUSD, $0.minFit, -$0.maxComplexity)
                < ($1.remoteShare, -$1.quality, $1.costUSD, $1.minFit, -$1.maxComplexity)
        }
        var front: [CalibrationPoint] = []
        for point in sorted where point.quality > (front.last?.quality ?? -1) + 1e-12 {
            front.append(point)
        }
        return front
    }

    /// The `q` quantile of sorted `values` (linear interpolation).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard values.count > 1 else { return values.first ?? 0 }
        let position = q * Double(values.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, values.count - 1)
        return values[low] + (values[high] - values[low]) * (position - Double(low))
    }

    /// `value` rounded down / up to 4 decimals, within [0, 1].
    static func floor4(_ value: Double) -> Double { min(max((value * 10_000).rounded(.down) / 10_000, 0), 1) }
    static func ceil4(_ value: Double) -> Double { min(max((value * 10_000).rounded(.up) / 10_000, 0), 1) }

    /// Sums over all samples.
    struct Totals {
        let count: Int
        let localCorrect: Int
        let remoteCorrect: Int
        let localCost: Double
        let remoteCost: Double

        init(_ samples: [CalibrationSample]) {
            count = samples.count
            localCorrect = samples.filter(\.localCorrect).count
            remoteCorrect = samples.filter(\.remoteCorrect).count
            localCost = samples.reduce(0) { $0 + $1.localCost }
            remoteCost = samples.reduce(0) { $0 + $1.remoteCost }
        }

        func point(minFit: Double, maxComplexity: Double, local: Int, quality: Double, cost: Double) -> CalibrationPoint {
            let mean = quality / Double(count)
            let weak = Double(localCorrect) / Double(count)
            let strong = Double(remoteCorrect) / Double(count)
            return CalibrationPoint(
                minFit: minFit, maxComplexity: maxComplexity, remoteShare: Double(count - local) / Double(count), quality: mean,
                relativeQuality: strong > 0 ? mean / strong : 1, gapRecovered: strong > weak ? (mean - weak) / (strong - weak) : nil,
                costUSD: cost, relativeCost: remoteCost > 0 ? cost / remoteCost : nil
            )
        }
    }
}
