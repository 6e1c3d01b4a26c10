import Foundation
import PostgresNIO
import TriageFlywheel
import TriageLog

/// `triage report` computed by PostgreSQL: four `GROUP BY` queries over the range's day
/// partitions (run at once on separate connections) return a few hundred rows whatever the
/// number of records, and fill the same ``ReportAggregates`` a JSONL log fills record by record:
///
/// - per backend and rule: requests, errors, streams, tokens, cost, shadow spend, the savings
///   counters and the first/last timestamp;
/// - per backend: the latency and time-to-first-token histograms (the bucket of each value is
///   `ceil(ln(v) / ln(γ))`, the ``LatencyHistogram`` the JSONL report uses, so the percentiles are
///   the same figures, not `percentile_cont`'s exact ones, which the JSONL report cannot give in
///   bounded memory);
/// - per UTC day and fit bin: the classified fits (the `fit` column, schema version 3);
/// - the records outside the range.
///
/// USD amounts are summed as integer units (``CostSum``), the cost of a record without
/// `cost_usd` is the backend's price times its usage with the same float operations as
/// ``BackendPricing/cost(inputTokens:outputTokens:)``.
enum ReportQueries {
    /// The range condition on `ts` for `options` (binds appended to `binds`); "true" without one.
    static func range(_ options: ReportOptions, _ binds: inout PostgresBindings) -> String {
        var conditions = SQLConditions(binds: binds)
        conditions.add("ts >= $", options.since)
        conditions.add("ts < $", options.until)
        binds = conditions.binds
        return conditions.sql
    }

    static let units = "\(CostSum.unitsPerUSD)::float8"

    /// The prices, bound as `$1`–`$3` (names, input and output USD per million tokens) and the
    /// savings reference as `$4`–`$6` (its name and prices; only when it has a price, else NULL:
    /// no savings section), for ``pricedRows``.
    static func priceBinds(_ options: ReportOptions) -> PostgresBindings {
        var binds = PostgresBindings()
        let names = options.prices.keys.sorted()
        binds.append(names)
        binds.append(names.map { options.prices[$0]?.inputPerMillion ?? 0 })
        binds.append(names.map { options.prices[$0]?.outputPerMillion ?? 0 })
        let reference = options.remoteBackend.flatMap { name in options.prices[name].map { (name, $0) } }
        binds.append(reference?.0)
        binds.append(reference?.1.inputPerMillion ?? 0)
        binds.append(reference?.1.outputPerMillion ?? 0)
        return binds
    }

    /// The columns every priced query reads of a row `t` joined to the prices of ``priceBinds(_:)``
    /// as `p`: tokens, its cost (logged, else priced from usage, else 0) and its cost at the
    /// reference's prices.
    static let pricedColumns = """
        t.prompt_tokens AS pt, t.completion_tokens AS ct,
        coalesce(t.cost_usd, (t.prompt_tokens::float8 * p.pin + t.completion_tokens::float8 * p.pout) / 1000000, 0) AS cost,
        (t.prompt_tokens::float8 * $5 + t.completion_tokens::float8 * $6) / 1000000 AS remote
        """

    /// `FROM` a table `t` joined to its backend's prices `p`.
    static func pricedFrom(_ table: String) -> String {
        "\(table) t LEFT JOIN unnest($1::text[], $2::float8[], $3::float8[]) AS p(name, pin, pout) ON p.name = t.backend"
    }

    /// Per backend and rule.
    static func totals(table: String, options: ReportOptions) -> PostgresQuery {
        var binds = priceBinds(options)
        let condition = range(options, &binds)
        let compared = "cmp AND pt IS NOT NULL"
        let sql = """
            WITH r AS (
                SELECT t.backend, t.rule, t.failed, t.stream, t.ts, t.shadow_cost_usd AS shadow,
                       (t.backend IS NOT NULL AND t.backend <> $4) AS cmp, \(pricedColumns)
                FROM \(pricedFrom(table))
                WHERE \(condition))
            SELECT backend, rule, count(*)::bigint, (count(*) FILTER (WHERE failed))::bigint, (count(*) FILTER (WHERE stream))::bigint,
                   coalesce(sum(pt), 0)::bigint, coalesce(sum(ct), 0)::bigint, coalesce(sum(round(cost * \(units))::bigint), 0)::bigint,
                   coalesce(sum(round(shadow * \(units))::bigint), 0)::bigint,
                   (count(*) FILTER (WHERE \(compared)))::bigint, (count(*) FILTER (WHERE cmp AND pt IS NULL))::bigint,
                   coalesce(sum(pt + ct) FILTER (WHERE \(compared)), 0)::bigint,
                   coalesce(sum(round(remote * \(units))::bigint) FILTER (WHERE \(compared)), 0)::bigint,
                   coalesce(sum(round(cost * \(units))::bigint) FILTER (WHERE \(compared)), 0)::bigint,
                   min(ts), max(ts)
            FROM r GROUP BY backend, rule
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Latency (kind 0) and time-to-first-token of streams (kind 1) histogram buckets per backend (NULL bucket: zero).
    static func latency(table: String, options: ReportOptions) -> PostgresQuery {
        var binds = PostgresBindings()
        let histogram = LatencyHistogram()
        binds.append(LatencyHistogram.zeroBound)
        binds.append(histogram.logGammaValue)
        let condition = range(options, &binds)
        let sql = """
            SELECT coalesce(t.backend, '(rejected)'), v.kind,
                   CASE WHEN v.value <= $1 THEN NULL ELSE ceil(ln(v.value) / $2)::bigint END AS bucket, count(*)::bigint
            FROM \(table) t, LATERAL (VALUES (0, t.latency_ms), (1, CASE WHEN t.stream THEN t.ttft_ms END)) AS v(kind, value)
            WHERE v.value IS NOT NULL AND \(condition)
            GROUP BY 1, 2, 3
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The line with its `\u0000` escapes removed (an escaped backslash before `u0000` is kept):
    /// PostgreSQL's JSON functions refuse to read a document holding one, and prompts may.
    static let withoutNUL = #"CASE WHEN strpos(line, '\u0000') > 0 THEN regexp_replace(line, '(?<!\\)((\\\\)*)\\u0000', '\1', 'g') ELSE line END"#

    /// Classified fits per UTC day and ``FitHistogram`` bin.
    static func fits(table: String, options: ReportOptions) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(FitHistogram.binCount)
        let condition = range(options, &binds)
        let sql = """
            SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), least(greatest(floor(fit * $1), 0), $1 - 1)::bigint, count(*)::bigint
            FROM \(table) WHERE fit IS NOT NULL AND \(condition)
            GROUP BY 1, 2
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The records outside the range; nil without a range.
    static func outside(table: String, options: ReportOptions) -> PostgresQuery? {
        var binds = PostgresBindings()
        let condition = range(options, &binds)
        guard condition != "true" else { return nil }
        return PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table) WHERE NOT (\(condition))", binds: binds)
    }
}

extension PostgresStore {
    /// The report's totals over `options`' range, computed by the database.
    public func reportAggregates(options: ReportOptions) async throws -> ReportAggregates {
        async let totals = readTotals(options)
        async let latency = readLatency(options)
        async let fits = readFits(options)
        async let outside = readOutside(options)
        var aggregates = try await totals
        for (backend, histograms) in try await latency {
            aggregates.backends[backend, default: ReportAggregates.Backend()].latency = histograms.latency
            aggregates.backends[backend, default: ReportAggregates.Backend()].ttft = histograms.ttft
        }
        aggregates.fitsByDay = try await fits
        aggregates.outOfRange = try await outside
        return aggregates
    }

    private func readTotals(_ options: ReportOptions) async throws -> ReportAggregates {
        var aggregates = ReportAggregates()
        let rows = try await client.query(ReportQueries.totals(table: table, options: options), logger: logger)
        typealias Columns = (String?, String?, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Date, Date)
        for try await row in rows.decode(Columns.self) {
            let name = row.0 ?? "(rejected)"
            aggregates.total += row.2
            aggregates.rules[ReportAggregates.ruleName(rule: row.1, backend: row.0), default: 0] += row.2
            var backend = aggregates.backends[name] ?? ReportAggregates.Backend()
            backend.requests += row.2
            backend.errors += row.3
            backend.streams += row.4
            backend.promptTokens += row.5
            backend.completionTokens += row.6
            backend.cost = CostSum(units: backend.cost.units &+ row.7)
            aggregates.backends[name] = backend
            aggregates.shadowCost = CostSum(units: aggregates.shadowCost.units &+ row.8)
            aggregates.compared += row.9
            aggregates.withoutUsage += row.10
            aggregates.comparedTokens += row.11
            aggregates.remoteCost = CostSum(units: aggregates.remoteCost.units &+ row.12)
            aggregates.actualCost = CostSum(units: aggregates.actualCost.units &+ row.13)
            // The instant as the JSONL report has it: the printed (millisecond) timestamp parsed back.
            for date in [row.14, row.15] {
                let text = RoutingLogRecord.timestamp(date)
                aggregates.see(LogTimestamp.parse(text) ?? date, text: text)
            }
        }
        return aggregates
    }

    private func readLatency(_ options: ReportOptions) async throws -> [String: (latency: LatencyHistogram, ttft: LatencyHistogram)] {
        var result: [String: (latency: LatencyHistogram, ttft: LatencyHistogram)] = [:]
        let rows = try await client.query(ReportQueries.latency(table: table, options: options), logger: logger)
        for try await (backend, kind, bucket, count) in rows.decode((String, Int, Int?, Int).self) {
            var histograms = result[backend] ?? (LatencyHistogram(), LatencyHistogram())
            if kind == 0 {
                histograms.latency.add(bucket: bucket, count: UInt64(max(count, 0)))
            } else {
                histograms.ttft.add(bucket: bucket, count: UInt64(max(count, 0)))
            }
            result[backend] = histograms
        }
        return result
    }

    private func readFits(_ options: ReportOptions) async throws -> [String: FitHistogram] {
        var result: [String: FitHistogram] = [:]
        let rows = try await client.query(ReportQueries.fits(table: table, options: options), logger: logger)
        for try await (day, bin, count) in rows.decode((String, Int, Int).self) {
            result[day, default: FitHistogram()].add(bin: bin, count: count)
        }
        return result
    }

    func readOutside(_ options: ReportOptions) async throws -> Int {
        guard let query = ReportQueries.outside(table: table, options: options) else { return 0 }
        let rows = try await client.query(query, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// `AND`-ed conditions with their bound values: ``add(_:_:)`` appends `condition` (ending in `$`,
/// completed with the parameter's number) when `value` is not nil.
struct SQLConditions {
    var binds: PostgresBindings
    private(set) var parts: [String] = []

    init(binds: PostgresBindings = PostgresBindings()) {
        self.binds = binds
    }

    mutating func add<Value: PostgresNonThrowingEncodable & Sendable>(_ condition: String, _ value: Value?) {
        guard let value else { return }
        binds.append(value)
        parts.append(condition + "\(binds.count)")
    }

    /// The conditions joined with `AND`; `true` when there are none.
    var sql: String { parts.isEmpty ? "true" : parts.joined(separator: " AND ") }
}
