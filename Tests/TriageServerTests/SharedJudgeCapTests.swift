import Foundation
import PostgresTestSupport
import Testing
import TriageConfig
import TriageJSON
import TriagePostgres
import TriageUpstream
@testable import TriageServer
import TriageTestSupport

@Suite("The judge's daily cap shared by replicas through the database", .serialized)
struct SharedJudgeCapTests {
    /// A judge whose backend listens nowhere (a grade that is asked fails at once, costing nothing),
    /// with a $5 daily cap: far above what this process alone has spent.
    static let yaml = RoutesFixture.yaml(
        backends: [RoutesFixture.backend(), RoutesFixture.backend("judge", model: "big", more: "price: {input_per_million: 1000, output_per_million: 1000}")],
        extra: "shadow: {rate: 1.0, backend: judge, judge: {backend: judge, daily_cap_usd: 5}}"
    )

    @Test("another replica's spend in the shared counter row refuses a grade this replica's own count would allow; a grade settles its reservation")
    func sharedCap() async throws {
        let cluster = try await PostgresTestCluster.start()
        let client = UpstreamClient()
        do {
            let config = try ConfigLoader.parse(yaml: Self.yaml, sourceName: "routes.yaml")
            let judge = try #require(try ShadowJudge.make(config: config, environment: [:]))
            let store = try PostgresStore(url: cluster.url, table: "shared")
            try await store.migrate()
            let budget = PostgresBudget(store: store)
            let request = JudgeRequest(id: "tr-judge-1", messages: .array([.object(["role": .string("user"), "content": .string("hi")])]),
                                       localAnswer: "a", referenceAnswer: "b")
            // Room in the shared row: the judge is asked (and fails: nobody listens), the
            // reservation is settled to the actual cost.
            let asked = try #require(await judge.grade(request, transport: client, sharedBudget: budget))
            #expect(asked.error?.contains("daily cap") != true, "\(asked.error ?? "nil")")
            // (The prompt tokens the failed call is charged stay: below the estimate reserved,
            // which counts 1,024 answer tokens at $1000/M, over $1, on top of them.)
            let settled = try await budget.spent(ShadowJudge.budgetName, backend: "judge")
            #expect(settled < 1, "\(settled)")
            // Other replicas spent the rest up to $4.5 today: a grade's estimate (over $1: 1,024 answer tokens at $1000/M) no longer fits in $5.
            #expect(try await budget.reserve(ShadowJudge.budgetName, backend: "judge", amount: 4.5 - settled, cap: 5))
            let refused = try #require(await judge.grade(request, transport: client, sharedBudget: budget))
            #expect(refused.error?.contains("daily cap of 5.0 USD is reached across replicas") == true, "\(refused.error ?? "nil")")
            #expect(refused.verdicts.isEmpty)
            #expect(abs(try await budget.spent(ShadowJudge.budgetName, backend: "judge") - 4.5) < 1e-9, "nothing reserved by the refused grade")
            // Alone (no shared row) this process would still grade: its own count is far from the cap.
            let alone = try #require(await judge.grade(request, transport: client))
            #expect(alone.error?.contains("daily cap") != true)
            store.close()
        } catch {
            Issue.record(error)
        }
        client.shutdown()
        await cluster.destroy()
    }
}
