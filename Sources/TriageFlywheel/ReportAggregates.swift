import Foundation
import TriageLog

/// The running totals a ``Report`` is made from: counts, token sums, exact cost sums and latency
/// histograms per backend, counts per rule, the savings totals and the classified fits per day.
/// ``ReportBuilder`` fills them record by record from a JSONL log; the PostgreSQL store fills them
/// with `GROUP BY` queries. Both then call ``report(options:timeline:unreadableLines:)``, so the
/// two sources print the same report for the same records.
public struct ReportAggregates: Sendable {
    /// The totals of one backend.
    public struct Backend: Sendable {
        public var requests = 0
        public var errors = 0
        public var streams = 0
        public var latency = LatencyHistogram()
        public var ttft = LatencyHistogram()
        public var promptTokens = 0
        public var completionTokens = 0
        public var cost = CostSum()

        public init() {}
    }

    /// Per backend name (`(rejected)` for records without a backend).
    public var backends: [String: Backend] = [:]
    /// Requests per rule name (`(default)` / `(rejected)` for records without one).
    public var rules: [String: Int] = [:]
    public var total = 0
    public var outOfRange = 0
    /// The earliest and latest record in range: the instant and the timestamp as printed (nil:
    /// the writer's format of the instant, `RoutingLogRecord.timestamp(date)`).
    public var first: (date: Date, text: String?)?
    public var last: (date: Date, text: String?)?
    /// Requests answered by another backend than the savings reference, with usage.
    public var compared = 0
    /// Requests answered by another backend than the reference, without usage.
    public var withoutUsage = 0
    public var comparedTokens = 0
    /// What the compared requests would have cost at the reference's prices.
    public var remoteCost = CostSum()
    /// What the compared requests cost.
    public var actualCost = CostSum()
    public var shadowCost = CostSum()
    /// Classified fits per UTC day (`YYYY-MM-DD`).
    public var fitsByDay: [String: FitHistogram] = [:]

    public init() {}

    /// Widens the first/last range to include `date` (printed as `text`, nil: in the writer's format).
    public mutating func see(_ date: Date, text: String?) {
        if first.map({ date < $0.date }) ?? true { first = (date, text) }
        if last.map({ date > $0.date }) ?? true { last = (date, text) }
    }

    /// The name a record is counted under in ``rules``.
    public static func ruleName(rule: String?, backend: String?) -> String {
        rule ?? (backend == nil ? "(rejected)" : "(default)")
    }

    /// The report of these totals. `timeline` is the dashboard's (nil when none was asked for).
    public func report(options: ReportOptions, timeline: ReportTimeline?, unreadableLines: Int) -> Report {
        let share = { (count: Int) -> Double in self.total == 0 ? 0 : Double(count) * 100 / Double(self.total) }
        let backendReports = backends.map { name, c in
            BackendReport(name: name, requests: c.requests, sharePercent: share(c.requests), errors: c.errors, streams: c.streams,
                          latencyMs: Percentiles(c.latency), ttftMs: Percentiles(c.ttft),
                          promptTokens: c.promptTokens, completionTokens: c.completionTokens, costUSD: c.cost.usd)
        }.sorted { ($0.requests, $1.name) > ($1.requests, $0.name) }
        let ruleReports = rules.map { RuleReport(name: $0.key, requests: $0.value, sharePercent: share($0.value)) }
            .sorted { ($0.requests, $1.name) > ($1.requests, $0.name) }
        let days: Double
        if let since = options.since, let until = options.until {
            days = until.timeIntervalSince(since) / 86_400
        } else if let first, let last {
            days = last.date.timeIntervalSince(first.date) / 86_400
        } else {
            days = 0
        }
        return Report(
            since: options.since.map(RoutingLogRecord.timestamp), until: options.until.map(RoutingLogRecord.timestamp),
            firstTimestamp: first.map { $0.text ?? RoutingLogRecord.timestamp($0.date) },
            lastTimestamp: last.map { $0.text ?? RoutingLogRecord.timestamp($0.date) }, periodDays: days, totalRequests: total,
            outOfRange: outOfRange, unreadableLines: unreadableLines, backends: backendReports, rules: ruleReports,
            savings: savings(options: options, days: days), classifier: classifierSection(options: options, timeline: timeline))
    }

    private func savings(options: ReportOptions, days: Double) -> SavingsReport? {
        guard let reference = options.remoteBackend, let price = options.prices[reference] else { return nil }
        let saved = remoteCost.usd - actualCost.usd
        let perRequest = compared > 0 ? saved / Double(compared) : nil
        var breakEven: BreakEven?
        if let fixed = options.monthlyFixedCostUSD {
            let requestsPerMonth = perRequest.flatMap { $0 > 0 ? fixed / $0 : nil }
            let tokensPerMonth = (saved > 0 && comparedTokens > 0) ? fixed / (saved / Double(comparedTokens)) : nil
            let observed = days > 0 ? Double(compared) * 30 / days : nil
            let net = observed.flatMap { observed in perRequest.map { observed * $0 - fixed } }
            breakEven = BreakEven(monthlyFixedCostUSD: fixed, requestsPerMonth: requestsPerMonth, tokensPerMonth: tokensPerMonth,
                                  observedRequestsPerMonth: observed, netPerMonthUSD: net)
        }
        return SavingsReport(referenceBackend: reference, referencePrice: price, comparedRequests: compared,
                             requestsWithoutUsage: withoutUsage, comparedTokens: comparedTokens,
                             remoteEquivalentCostUSD: remoteCost.usd, actualCostUSD: actualCost.usd, savingsUSD: saved,
                             savingsPerRequestUSD: perRequest, shadowCostUSD: shadowCost.usd,
                             netSavingsUSD: saved - shadowCost.usd, breakEven: breakEven)
    }

    /// Thresholds, drift per day and the timeline; nil when nothing was classified and no timeline was asked for.
    private func classifierSection(options: ReportOptions, timeline: ReportTimeline?) -> ReportClassifier? {
        guard !fitsByDay.isEmpty || timeline != nil else { return nil }
        let reference = options.driftReference
        let days = fitsByDay.keys.sorted().compactMap { day -> DriftDay? in
            guard let fits = fitsByDay[day] else { return nil }
            let summary = (reference ?? FitDriftReference(heldOutFits: [])).summary(of: fits, minFit: options.minFit)
            return DriftDay(day: day, drift: summary)
        }
        return ReportClassifier(minFit: options.minFit, maxComplexity: options.maxComplexity,
                                referenceHeldOut: reference?.histogram.total, driftByDay: days, timeline: timeline)
    }
}

/// A sum of USD amounts that does not depend on the order they are added in: each amount is
/// rounded (half to even) to 1e-10 USD and the units are added as integers. A report read from
/// the JSONL log and one computed by PostgreSQL (`sum(round(x * 1e10)::bigint)`, in whatever order
/// its scan runs) therefore agree to the last bit. Holds up to ±9.2e8 USD.
public struct CostSum: Sendable, Equatable {
    public static let unitsPerUSD = 1e10
    public private(set) var units: Int = 0

    public init(units: Int = 0) {
        self.units = units
    }

    /// The units of one amount, as PostgreSQL's `round(float8)` (rint) computes them.
    public static func units(_ usd: Double) -> Int {
        let scaled = (usd * unitsPerUSD).rounded(.toNearestOrEven)
        guard scaled.isFinite else { return 0 }
        return Int(min(max(scaled, -9e18), 9e18))
    }

    public mutating func add(_ usd: Double) {
        units &+= Self.units(usd)
    }

    public var usd: Double { Double(units) / Self.unitsPerUSD }
}
