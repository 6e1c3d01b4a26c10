import Foundation
import Testing

/// `triage explain` and `triage score` show what the detectors find and what the guard does.
@Suite("Privacy in explain and score (real processes)")
struct PrivacyCLIIntegrationTests {
    private func workspace() throws -> URL {
        try bankingWorkspace("privacy-cli", extra: "privacy: {sensitive: local_only}")
    }

    static let hard = "Prove that sqrt(2) is irrational, step by step, rigorously."

    @Test("explain lists the findings (type, detector, confidence, span) and the guard keeping a remote decision local")
    func explain() async throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("routes.yaml").path
        let run = try await ProgramRun.run(Repo.triageBinary, ["explain", "--config", config, Self.hard + " Card 4111 1111 1111 1111."])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("decision:   remote"), "\(run.stdout)")
        #expect(run.stdout.contains("privacy:   1 finding(s), policy local_only:"), "\(run.stdout)")
        #expect(run.stdout.contains("card (visa, confidence 0.95) at bytes 65..<84"), "\(run.stdout)")
        #expect(run.stdout.contains("guard:     'remote' is remote: kept local -> 'local'"), "\(run.stdout)")
        let clean = try await ProgramRun.run(Repo.triageBinary, ["explain", "--config", config, "Why was my card declined?"])
        #expect(clean.stdout.contains("privacy:   no sensitive data found"), "\(clean.stdout)")
    }

    @Test("score adds the sensitive types and the guard's effect to the lines that have them")
    func score() async throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.jsonl").path
        try [
            #"{"id":"a","prompt":"\#(Self.hard) My IBAN is DE89370400440532013000."}"#,
            #"{"id":"b","prompt":"Why was my card declined? Mail me at a.b@example.org"}"#,
            #"{"id":"c","prompt":"\#(Self.hard)"}"#,
        ].joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let run = try await ProgramRun.run(Repo.triageBinary, ["score", "--config", directory.appendingPathComponent("routes.yaml").path, input])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").compactMap { jsonObject(String($0)) }
        #expect(lines.count == 3)
        #expect(lines[0]["decision"] as? String == "remote")
        #expect(lines[0]["sensitive"] as? [String] == ["iban"])
        #expect(lines[0]["privacy_guard"] as? String == "kept_local")
        #expect(lines[1]["sensitive"] as? [String] == ["email"])
        let decidedRemote = lines[1]["decision"] as? String == "remote"
        #expect(lines[1]["privacy_guard"] as? String == (decidedRemote ? "kept_local" : nil), "only a remote decision needs the guard")
        #expect(lines[2]["sensitive"] == nil && lines[2]["privacy_guard"] == nil)
    }
}
