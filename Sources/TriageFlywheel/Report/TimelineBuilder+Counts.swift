/// A timeline filled from counts grouped elsewhere (PostgreSQL's `GROUP BY` on time buckets):
/// each method adds what the record-by-record ``TimelineBuilder/add(_:at:backend:cost:savings:)``
/// would have added for the records counted, so both give the same ``ReportTimeline``.
/// A bucket is `floor(seconds since 1970 / bucketSeconds)`.
extension TimelineBuilder {
    /// Requests and failed requests of `backend` (`(rejected)` for none) in `bucket`.
    public mutating func add(bucket: Int, backend: String, requests: Int, errors: Int) {
        buckets[bucket, default: Counters()].requests[backend, default: 0] += requests
        if errors > 0 { buckets[bucket, default: Counters()].errors[backend, default: 0] += errors }
    }

    /// A bucket's fallbacks, tokens, cost and savings (as ``CostSum`` units).
    public mutating func add(bucket: Int, fallbacks: Int, tokens: Int, cost: CostSum, savings: CostSum) {
        buckets[bucket, default: Counters()].fallbacks += fallbacks
        buckets[bucket, default: Counters()].tokens += tokens
        buckets[bucket, default: Counters()].cost.add(units: cost.units)
        buckets[bucket, default: Counters()].savings.add(units: savings.units)
    }

    /// `count` fits of ``FitHistogram`` bin `fitBin` in `bucket` (the bucket's drift).
    public mutating func add(bucket: Int, fitBin: Int, count: Int) {
        buckets[bucket, default: Counters()].fits.add(bin: fitBin, count: count)
    }

    /// `count` scores in the 20-bin histograms: fits in `fitBin`, complexities in `complexityBin`
    /// (`min(max(floor(score * 20), 0), 19)`; nil: not counted).
    public mutating func add(fitBin: Int?, complexityBin: Int?, count: Int) {
        if let fitBin, fitBins.indices.contains(fitBin) { fitBins[fitBin] += count }
        if let complexityBin, complexityBins.indices.contains(complexityBin) { complexityBins[complexityBin] += count }
    }

    /// Requests and failed requests of replica `name`.
    public mutating func add(replica name: String, requests: Int, errors: Int) {
        replicas[name, default: ReplicaCounts()].requests += requests
        replicas[name, default: ReplicaCounts()].errors += errors
    }
}

extension CostSum {
    /// Adds units counted elsewhere.
    public mutating func add(units other: Int) {
        self = CostSum(units: units &+ other)
    }
}
