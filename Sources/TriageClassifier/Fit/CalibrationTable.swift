/// Raw fit scores of held-out reference prompts, sorted, turning a raw score into a conformal
/// p-value: the fraction of held-out prompts whose raw score is ≤ the prompt's.
public struct CalibrationTable: Sendable, Equatable {
    /// Held-out raw scores in increasing order.
    public let sortedScores: [Double]

    /// Creates a table from held-out raw scores (any order).
    public init(scores: [Double]) {
        sortedScores = scores.sorted()
    }

    /// The fraction of held-out scores ≤ `raw`, in [0, 1]; non-decreasing in `raw`.
    /// An empty table returns 1 (nothing to compare against, so nothing is flagged).
    public func calibrated(_ raw: Double) -> Double {
        guard !sortedScores.isEmpty else { return 1 }
        var low = 0, high = sortedScores.count
        while low < high {  // first position whose score is > raw
            let mid = (low + high) / 2
            if sortedScores[mid] <= raw { low = mid + 1 } else { high = mid }
        }
        return Double(low) / Double(sortedScores.count)
    }
}
