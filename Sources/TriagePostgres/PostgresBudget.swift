import Foundation
import PostgresNIO
import TriageLog

/// Daily spend caps shared by every replica: one counter row per UTC day, budget (`shadow`,
/// `judge`) and backend in `<table>_budget`, changed only by single atomic statements, so N
/// replicas together spend one cap.
public struct PostgresBudget: Sendable {
    public let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    /// Adds `amount` to today's spend of `budget`/`backend` if the total stays within `cap`;
    /// returns whether it did (false: over the cap, nothing added).
    public func reserve(_ budget: String, backend: String, amount: Double, cap: Double, now: Date = Date()) async throws -> Bool {
        let amount = amount.isFinite ? max(0, amount) : 0
        guard amount <= cap else { return false }
        var binds = PostgresBindings()
        binds.append(Self.day(now))
        binds.append(budget)
        binds.append(backend)
        binds.append(amount)
        binds.append(cap)
        let table = store.budgetTable
        // A new row starts at `amount` (within the cap, checked above); an existing one grows only
        // while it is under the cap and stays within it with `amount` added.
        let rows = try await store.client.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) AS b (day, budget, backend, spent_usd) VALUES ($1::date, $2, $3, $4)
            ON CONFLICT (day, budget, backend) DO UPDATE SET spent_usd = b.spent_usd + EXCLUDED.spent_usd
            WHERE b.spent_usd < $5 AND b.spent_usd + EXCLUDED.spent_usd <= $5
            RETURNING spent_usd
            """, binds: binds), logger: store.logger)
        for try await _ in rows { return true }
        return false
    }

    /// Adds `delta` (the actual cost less the reservation; may be negative) to today's spend.
    public func adjust(_ budget: String, backend: String, delta: Double, now: Date = Date()) async throws {
        guard delta.isFinite, delta != 0 else { return }
        var binds = PostgresBindings()
        binds.append(Self.day(now))
        binds.append(budget)
        binds.append(backend)
        binds.append(delta)
        try await store.execute("""
            INSERT INTO \(store.budgetTable) AS b (day, budget, backend, spent_usd) VALUES ($1::date, $2, $3, greatest($4, 0))
            ON CONFLICT (day, budget, backend) DO UPDATE SET spent_usd = greatest(0, b.spent_usd + $4)
            """, binds)
    }

    /// Today's spend of `budget`/`backend` across replicas.
    public func spent(_ budget: String, backend: String, now: Date = Date()) async throws -> Double {
        var binds = PostgresBindings()
        binds.append(Self.day(now))
        binds.append(budget)
        binds.append(backend)
        let rows = try await store.client.query(PostgresQuery(unsafeSQL: """
            SELECT spent_usd FROM \(store.budgetTable) WHERE day = $1::date AND budget = $2 AND backend = $3
            """, binds: binds), logger: store.logger)
        for try await value in rows.decode(Double.self) { return value }
        return 0
    }

    /// `YYYY-MM-DD` (UTC) of `date`.
    static func day(_ date: Date) -> String {
        LogRow.dayString(LogRotationPolicy.utcDay(date))
    }
}
