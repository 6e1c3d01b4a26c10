import Foundation
import PostgresTestSupport
import Testing
import TriageJSON
import TriageLog

@Suite("triage replay and calibrate with --source postgres (the built binary and a real database)", .serialized)
struct ReplayDatabaseIntegrationTests {
    /// The classifier on (banking reference); the log in a file, and a database table to copy it to.
    static func routes(log: String) -> String {
        testRoutes(local: "http://127.0.0.1:1/v1", remote: "http://127.0.0.1:1/v1")
            .replacingOccurrences(of: #"log: {path: "{LOG}"}"#, with: #"log: {path: "\#(log)", url_env: TRIAGE_TEST_DATABASE_URL, table: replayed}"#)
            .replacingOccurrences(of: "auto: {default_backend: local}", with: """
            auto: {default_backend: local, remote: remote, min_fit: 0.05, max_complexity: 0.5, cache_dir: "\(log).cache", \
            reference: \(Repo.fixtures.appendingPathComponent("reference-banking.jsonl").path)}
            """)
    }

    /// Requests answered locally, each with a shadow copy that agrees or not (the log's labels).
    static func records() -> [RoutingLogRecord] {
        let prompts = ["Why was my card declined?", "How do I check my loan balance?", "My card is not working, what should I do?",
                       "Where can I see my loan history?", "what is the weather like on mars in july", "Write a haiku about the sea",
                       "Prove that sqrt(2) is irrational", "My loan is not working, what should I do?"]
        let start = Date().addingTimeInterval(-3_600)
        return prompts.enumerated().map { index, prompt in
            var record = RoutingLogRecord(
                id: "tr-replay-\(index)", timestamp: RoutingLogRecord.timestamp(start.addingTimeInterval(Double(index))),
                endpoint: "/v1/chat/completions", clientModel: "triage", backend: "local", upstreamModel: "small-ft", rule: "default",
                reason: "auto", status: 200, latencyMs: 20, usage: RoutingLogRecord.Usage(promptTokens: 12, completionTokens: 8, source: "upstream"),
                costUSD: 0.00001, messages: .array([.object(["role": .string("user"), "content": .string(prompt)])]), response: "answer \(index)")
            record.shadow = RoutingLogRecord.Shadow(
                backend: "remote", status: 200, response: "reference \(index)", error: nil, latencyMs: 30,
                agreement: index % 3 == 0 ? 0.1 : 0.9, costUSD: 0.001)
            return record
        }
    }

    /// The output with the lines that name where the log was read removed.
    static func withoutSource(_ json: String) -> NSDictionary {
        guard let object = jsonObject(json) else { return [:] }
        return object.filter { $0.key != "log" && $0.key != "source" } as NSDictionary
    }

    @Test("replay and calibrate print the same from the database as from the JSONL file it was copied from")
    func sameOutputFromDatabase() async throws {
        let database = try await PostgresTestCluster.start()
        let directory = NSTemporaryDirectory() + "triage-replay-db-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let log = directory + "/routing.jsonl"
            let config = directory + "/routes.yaml"
            try Self.routes(log: log).write(toFile: config, atomically: true, encoding: .utf8)
            let lines = Self.records().map { String(decoding: $0.jsonLine(), as: UTF8.self) }.joined()
            try lines.write(toFile: log, atomically: true, encoding: .utf8)
            try (#"{"request_id":"tr-replay-1","score":-1,"ts":"2026-12-01T10:00:00.000Z"}"# + "\n")
                .write(toFile: directory + "/feedback.jsonl", atomically: true, encoding: .utf8)
            let environment = ["TRIAGE_TEST_DATABASE_URL": database.url]
            let migrated = try await ProgramRun.run(Repo.triageBinary, ["migrate-log", "--config", config], environment: environment)
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(try database.psql("SELECT count(*) FROM replayed") == "8")

            for arguments in [["replay", "--json"], ["calibrate", "--quality", "0.9", "--json"]] {
                let fromFile = try await ProgramRun.run(Repo.triageBinary, arguments + ["--config", config], environment: environment)
                let fromDatabase = try await ProgramRun.run(
                    Repo.triageBinary, arguments + ["--config", config, "--source", "postgres"], environment: environment)
                #expect(fromFile.status == fromDatabase.status, "\(arguments[0]): \(fromDatabase.stderr)")
                let file = Self.withoutSource(fromFile.stdout)
                #expect(file.count > 0, "\(arguments[0]): \(fromFile.stdout) \(fromFile.stderr)")
                #expect(file.isEqual(to: Self.withoutSource(fromDatabase.stdout) as? [AnyHashable: Any] ?? [:]), "\(arguments[0])")
                // The candidate config is a file in `directory`; nothing else the database run names may be.
                let named = (jsonObject(fromDatabase.stdout) ?? [:]).filter { $0.key != "config" }.map { "\($0.value)" }.joined()
                #expect(!named.contains(directory), "the database run read no file of the log")
            }
            let replay = try #require(jsonObject(try await ProgramRun.run(
                Repo.triageBinary, ["replay", "--json", "--config", config, "--source", "postgres"], environment: environment).stdout))
            #expect(replay["read"] as? Int == 8)
            #expect((replay["log"] as? String)?.contains("table replayed") == true)
        } catch {
            Issue.record(error)
        }
        try? FileManager.default.removeItem(atPath: directory)
        await database.destroy()
    }
}
