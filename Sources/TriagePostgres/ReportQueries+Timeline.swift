import Foundation
import PostgresNIO
import TriageFlywheel
import TriageLog

/// The dashboard's timeline (`ReportOptions.bucketSeconds`) computed by PostgreSQL, with the same
/// `GROUP BY`s as the rest of the report (``ReportQueries``): per time bucket and backend the
/// requests, errors, fallbacks, tokens, cost and savings; per bucket the fits in ``FitHistogram``
/// bins (the bucket's drift); the 20-bin fit and complexity histograms; per replica the requests
/// and errors. A bucket is `floor(epoch / bucketSeconds)`, as ``TimelineBuilder`` computes it, and
/// the columns `fit`, `complexity`, `fallback` and `replica` (schema version 3) hold the rest.
extension ReportQueries {
    /// `floor(seconds since 1970 / $n)`, `n` the bound bucket length. In `float8` as Swift divides
    /// (`extract` gives `numeric`, four times slower here): a millisecond timestamp is at least
    /// 1 ms / n away from a bucket edge unless exactly on it, far more than the rounding.
    static func bucket(_ parameter: Int) -> String {
        "floor(date_part('epoch', ts) / $\(parameter))::bigint"
    }

    /// Per bucket and backend: requests, errors, fallbacks, tokens, cost units, savings units
    /// (the savings of a compared record rounded as ``CostSum`` rounds `remote - cost`).
    static func timeline(table: String, options: ReportOptions, bucketSeconds: Int) -> PostgresQuery {
        var binds = priceBinds(options)
        binds.append(bucketSeconds)
        let condition = range(options, &binds)
        let sql = """
            WITH r AS (
                SELECT \(bucket(7)) AS b, t.backend, t.failed, t.fallback,
                       (t.backend IS NOT NULL AND t.backend <> $4 AND t.prompt_tokens IS NOT NULL) AS compared, \(pricedColumns)
                FROM \(pricedFrom(table))
                WHERE \(condition))
            SELECT b, coalesce(backend, '(rejected)'), count(*)::bigint, (count(*) FILTER (WHERE failed))::bigint,
                   (count(*) FILTER (WHERE fallback))::bigint, coalesce(sum(pt + ct), 0)::bigint,
                   coalesce(sum(round(cost * \(units))::bigint), 0)::bigint,
                   coalesce(sum(round((remote - cost) * \(units))::bigint) FILTER (WHERE compared AND $4 IS NOT NULL), 0)::bigint
            FROM r GROUP BY 1, 2
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Per bucket, the classified fits in ``FitHistogram`` bins. Without a drift reference a
    /// bucket's drift is only its count and the count below `min_fit` (whole bins below it, as
    /// ``FitHistogram/count(below:)`` counts), so then each bucket's fits come as at most two
    /// rows: those in bins below `min_fit`'s (reported in bin 0) and the others (in its bin).
    static func timelineFits(table: String, options: ReportOptions, bucketSeconds: Int) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(bucketSeconds)
        binds.append(FitHistogram.binCount)
        binds.append(belowEdge(options))
        let condition = range(options, &binds)
        let bin = "least(greatest(floor(fit * $2), 0), $2 - 1)::bigint"
        let grouped = options.driftReference == nil ? "CASE WHEN \(bin) < $3 THEN 0 ELSE $3 END" : bin
        let sql = """
            SELECT \(bucket(1)), \(grouped), count(*)::bigint
            FROM \(table) WHERE fit IS NOT NULL AND \(condition) GROUP BY 1, 2
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The first ``FitHistogram`` bin not below `min_fit` (0 without one), as ``FitHistogram/count(below:)`` finds it.
    static func belowEdge(_ options: ReportOptions) -> Int {
        guard let minFit = options.minFit else { return 0 }
        return min(max(Int((minFit * Double(FitHistogram.binCount)).rounded(.down)), 0), FitHistogram.binCount)
    }

    /// The 20-bin fit and complexity histograms (NULL bin: no score), and per replica the requests
    /// and errors (kind 0: scores, kind 1: replicas).
    static func scoresAndReplicas(table: String, options: ReportOptions) -> PostgresQuery {
        var binds = PostgresBindings()
        let condition = range(options, &binds)
        // (greatest/least skip NULLs: without the CASE a missing score would count in bin 0)
        let bin = { (column: String) in "CASE WHEN \(column) IS NOT NULL THEN least(greatest(floor(\(column) * 20), 0), 19)::bigint END" }
        let sql = """
            SELECT 0, \(bin("fit")), \(bin("complexity")), NULL::text, count(*)::bigint, 0::bigint
            FROM \(table) WHERE (fit IS NOT NULL OR complexity IS NOT NULL) AND \(condition) GROUP BY 2, 3
            UNION ALL
            SELECT 1, NULL::bigint, NULL::bigint, replica, count(*)::bigint, (count(*) FILTER (WHERE failed))::bigint
            FROM \(table) WHERE replica IS NOT NULL AND \(condition) GROUP BY 4
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

extension PostgresStore {
    /// The timeline of `options`' range in buckets of `bucketSeconds`, computed by the database.
    func readTimeline(_ options: ReportOptions, bucketSeconds: Int) async throws -> TimelineBuilder {
        async let counts = client.query(ReportQueries.timeline(table: table, options: options, bucketSeconds: bucketSeconds), logger: logger)
        async let fits = client.query(ReportQueries.timelineFits(table: table, options: options, bucketSeconds: bucketSeconds), logger: logger)
        async let scores = client.query(ReportQueries.scoresAndReplicas(table: table, options: options), logger: logger)
        var timeline = TimelineBuilder(bucketSeconds: bucketSeconds)
        for try await row in try await counts.decode((Int, String, Int, Int, Int, Int, Int, Int).self) {
            timeline.add(bucket: row.0, backend: row.1, requests: row.2, errors: row.3)
            timeline.add(bucket: row.0, fallbacks: row.4, tokens: row.5, cost: CostSum(units: row.6), savings: CostSum(units: row.7))
        }
        for try await (bucket, bin, count) in try await fits.decode((Int, Int, Int).self) {
            timeline.add(bucket: bucket, fitBin: bin, count: count)
        }
        for try await row in try await scores.decode((Int, Int?, Int?, String?, Int, Int).self) {
            if row.0 == 0 {
                timeline.add(fitBin: row.1, complexityBin: row.2, count: row.4)
            } else if let replica = row.3 {
                timeline.add(replica: replica, requests: row.4, errors: row.5)
            }
        }
        return timeline
    }
}
