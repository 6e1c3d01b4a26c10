extension CalibrationTable {
    /// The reference's own distribution of calibrated fit: each held-out prompt's fit against the
    /// other held-out prompts (leave-one-out: the fraction of the *other* held-out raw scores ≤
    /// its own), in increasing order.
    ///
    /// This is what live fits look like when live traffic is drawn from the same distribution as
    /// the reference (close to uniform on [0, 1), with the ties of the held-out scores kept), and
    /// the baseline that drift statistics compare live fits with. It is computed from the sorted
    /// held-out scores alone, so an index loaded from the cache has it without a rebuild.
    public var heldOutFits: [Double] {
        let n = sortedScores.count
        guard n > 1 else { return n == 1 ? [1] : [] }
        var fits: [Double] = []
        fits.reserveCapacity(n)
        var start = 0
        while start < n {
            var end = start
            while end + 1 < n, sortedScores[end + 1] == sortedScores[start] { end += 1 }
            // Every member of a tie group scores ≤ all of the group: end + 1 held-out scores,
            // less itself, out of the n − 1 others.
            let fit = Double(end) / Double(n - 1)
            for _ in start...end { fits.append(fit) }
            start = end + 1
        }
        return fits
    }
}
