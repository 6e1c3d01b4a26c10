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

/// Accumulates a ``ReportTimeline`` (memory: one small entry per bucket with requests).
struct TimelineBuilder: Sendable {
    private struct Counters: Sendable {
        var requests: [String: Int] = [:]
        var errors: [String: Int] = [:]
        var fallbacks = 0
        var tokens = 0
        var cost = CostSum()
        var savings = CostSum()
        var fits = FitHistogram()

        mutating func add(_ record: RoutingLogRecord, backend: String, cost: Double, savings: Double?) {
            requests[backend, default: 0] += 1
            if record.status >= 400 || record.error != nil { errors[backend, default: 0] += 1 }
            if (record.attempts?.count ?? 0) > 1 { fallbacks += 1 }
            if let usage = record.usage { tokens += usage.promptTokens + usage.completionTokens }
            self.cost.add(cost)
            if let savings { self.savings.add(savings) }
            if let fit = record.scores?.fit { fits.add(fit) }
        }
    }

    let bucketSeconds: Int
    private var buckets: [Int: Counters] = [:]
    private var fitBins = [Int](repeating: 0, count: 20)
    private var complexityBins = [Int](repeating: 0, count: 20)
    private var replicas: [String: ReplicaCounts] = [:]

    init(bucketSeconds: Int) {
        self.bucketSeconds = max(bucketSeconds, 1)
    }

    mutating func add(_ record: RoutingLogRecord, at date: Date, backend: String, cost: Double, savings: Double?) {
        let key = Int((date.timeIntervalSince1970 / Double(bucketSeconds)).rounded(.down))
        // Mutated in place (a copy taken out of the dictionary would copy its histogram per record).
        buckets[key, default: Counters()].add(record, backend: backend, cost: cost, savings: savings)
        if let replica = record.replica {
            replicas[replica, default: ReplicaCounts()].requests += 1
            if record.status >= 400 || record.error != nil { replicas[replica, default: ReplicaCounts()].errors += 1 }
        }
        if let scores = record.scores {
            if let fit = scores.fit, let bin = Self.bin(fit) { fitBins[bin] += 1 }
            if let bin = Self.bin(scores.complexity) { complexityBins[bin] += 1 }
        }
    }

    private static func bin(_ score: Double) -> Int? {
        score.isNaN ? nil : min(max(Int((score * 20).rounded(.down)), 0), 19)
    }

    func timeline(reference: FitDriftReference?, minFit: Double?) -> ReportTimeline {
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
