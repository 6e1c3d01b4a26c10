import Foundation
import TriageLog

/// The dashboard's view of a report period: counts per time bucket and backend, the classifier's
/// score histograms, and the fit drift per bucket.
public struct ReportTimeline: Sendable, Codable, Equatable {
    /// Length of a bucket, seconds.
    public var bucketSeconds: Int
    /// Buckets in time order (only those with requests).
    public var buckets: [TimelineBucket]
    /// Fit scores in 20 bins of 0.05 (`fit_histogram[i]` counts fits in `[i/20, (i+1)/20)`).
    public var fitHistogram: [Int]
    /// Complexity scores in 20 bins of 0.05.
    public var complexityHistogram: [Int]
    /// Requests and errors per replica (the record's `replica`), when records name one: with
    /// `log.sink: postgres` every replica's share of the period.
    public var replicas: [String: ReplicaCounts]?

    enum CodingKeys: String, CodingKey {
        case bucketSeconds = "bucket_seconds"
        case buckets
        case fitHistogram = "fit_histogram"
        case complexityHistogram = "complexity_histogram"
        case replicas
    }
}

/// One replica's requests and errors in a ``ReportTimeline``.
public struct ReplicaCounts: Sendable, Codable, Equatable {
    public var requests = 0
    public var errors = 0
}

/// One time bucket of a ``ReportTimeline``.
public struct TimelineBucket: Sendable, Codable, Equatable {
    /// Start of the bucket (ISO 8601, UTC).
    public var start: String
    /// Requests per backend name (`(rejected)` for requests refused before routing).
    public var requests: [String: Int]
    /// Requests with status ≥ 400 or an error, per backend.
    public var errors: [String: Int]
    /// Requests that needed more than one attempt (a fallback).
    public var fallbacks: Int
    /// Tokens (prompt + completion).
    public var tokens: Int
    /// Actual cost, USD.
    public var costUSD: Double
    /// Savings versus the comparison backend, USD (0 without one).
    public var savingsUSD: Double
    /// Fit drift of the bucket's classified requests against the reference (nil without fits).
    public var drift: FitDriftSummary?

    enum CodingKeys: String, CodingKey {
        case start, requests, errors, fallbacks, tokens, drift
        case costUSD = "cost_usd"
        case savingsUSD = "savings_usd"
    }
}

/// Accumulates a ``ReportTimeline`` (memory: one small entry per bucket with requests), record by
/// record (``ReportBuilder``) or from counts a database grouped (``TimelineBuilder+Counts``).
public struct TimelineBuilder: Sendable {
    struct Counters: Sendable {
        var requests: [String: Int] = [:]
        var errors: [String: Int] = [:]
        var fallbacks = 0
        var tokens = 0
        var cost = CostSum()
        var savings = CostSum()
        var fits = FitHistogram()

        mutating func add(_ facts: ReportFacts, backend: String, cost: Double, savings: Double?) {
            requests[backend, default: 0] += 1
            if facts.failed { errors[backend, default: 0] += 1 }
            if facts.fallback { fallbacks += 1 }
            if let usage = facts.usage { tokens += usage.prompt + usage.completion }
            self.cost.add(cost)
            if let savings { self.savings.add(savings) }
            if let fit = facts.fit { fits.add(fit) }
        }
    }

    public let bucketSeconds: Int
    var buckets: [Int: Counters] = [:]
    var fitBins = [Int](repeating: 0, count: 20)
    var complexityBins = [Int](repeating: 0, count: 20)
    var replicas: [String: ReplicaCounts] = [:]

    /// An empty timeline of buckets of `bucketSeconds` (at least 1).
    public init(bucketSeconds: Int) {
        self.bucketSeconds = max(bucketSeconds, 1)
    }

    mutating func add(_ facts: ReportFacts, at date: Date, backend: String, cost: Double, savings: Double?) {
        let key = Int((date.timeIntervalSince1970 / Double(bucketSeconds)).rounded(.down))
        // Mutated in place (a copy taken out of the dictionary would copy its histogram per record).
        buckets[key, default: Counters()].add(facts, backend: backend, cost: cost, savings: savings)
        if let replica = facts.replica {
            replicas[replica, default: ReplicaCounts()].requests += 1
            if facts.failed { replicas[replica, default: ReplicaCounts()].errors += 1 }
        }
        if let fit = facts.fit, let bin = Self.bin(fit) { fitBins[bin] += 1 }
        if let complexity = facts.complexity, let bin = Self.bin(complexity) { complexityBins[bin] += 1 }
    }

    /// The bin (of 20) of a fit or complexity score; nil for NaN.
    static func bin(_ score: Double) -> Int? {
        score.isNaN ? nil : min(max(Int((score * 20).rounded(.down)), 0), 19)
    }

    /// The timeline of what was added; each bucket's drift against `reference` (none: no PSI/KS).
    public func timeline(reference: FitDriftReference?, minFit: Double?) -> ReportTimeline {
        let rows = buckets.keys.sorted().compactMap { key -> TimelineBucket? in
            guard let c = buckets[key] else { return nil }
            let start = Date(timeIntervalSince1970: Double(key * bucketSeconds))
            let drift = c.fits.total == 0 ? nil
                : (reference ?? FitDriftReference(heldOutFits: [])).summary(of: c.fits, minFit: minFit)
            return TimelineBucket(start: RoutingLogRecord.timestamp(start), requests: c.requests, errors: c.errors,
                                  fallbacks: c.fallbacks, tokens: c.tokens, costUSD: c.cost.usd, savingsUSD: c.savings.usd, drift: drift)
        }
        return ReportTimeline(bucketSeconds: bucketSeconds, buckets: rows, fitHistogram: fitBins, complexityHistogram: complexityBins,
                              replicas: replicas.isEmpty ? nil : replicas)
    }
}
