/// Ranking metrics for detectors where a higher score means "positive".
public enum QualityMetrics {
    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative, ties counting one half (Mann–Whitney U with average ranks). Nil when either set is empty.
    public static func auroc(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        var all = positives.map { (score: $0, positive: true) } + negatives.map { (score: $0, positive: false) }
        all.sort { $0.score < $1.score }
        var rankSum = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].score == all[i].score { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for t in i ... j where all[t].positive { rankSum += averageRank }
            i = j + 1
        }
        let p = Double(positives.count), n = Double(negatives.count)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// False-positive rate at the highest threshold that keeps a true-positive rate ≥ `tpr`
    /// (default 95%): the threshold is the score of the ⌈tpr × P⌉-th best positive, everything
    /// scoring ≥ it is called positive, and the result is the fraction of negatives called positive.
    /// Nil when either set is empty.
    public static func fprAtTPR(positives: [Double], negatives: [Double], tpr: Double = 0.95) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        let sorted = positives.sorted(by: >)
        let needed = min(max(Int((tpr * Double(sorted.count)).rounded(.up)), 1), sorted.count)
        let threshold = sorted[needed - 1]
        return Double(negatives.filter { $0 >= threshold }.count) / Double(negatives.count)
    }
}
