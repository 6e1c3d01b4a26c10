import Foundation
import TriageConfig
import TriageFlywheel
import TriageJSON
import TriageLog

/// A temporary directory with a routing log (a rotated file of records in the field set of the
/// first release, and a current file ending in a torn line), feedback beside it, and configs.
struct ReplayLogFixture {
    let directory: URL
    var logPath: String { directory.appendingPathComponent("routing.jsonl").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (Self.oldRecords.joined(separator: "\n") + "\n").write(toFile: logPath + ".1", atomically: true, encoding: .utf8)
        try (Self.currentRecords().joined(separator: "\n") + "\n" + #"{"id":"torn","ts":"2026-11-30T10:0"#)
            .write(toFile: logPath, atomically: true, encoding: .utf8)
        try #"{"ts":"2026-11-30T11:00:00.000Z","request_id":"cur-neg","score":-1}"#.appending("\n")
            .write(toFile: FeedbackStore.path(besideLog: logPath), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// A config with the recorded rules; `maxComplexity` 1 keeps every auto request local, 0 sends
    /// every one remote (whatever the complexity weights say); `dropHardRule` and `modelsFastToo`
    /// change the rules and the models offered.
    func config(maxComplexity: Double, dropHardRule: Bool = false, offerFastModel: Bool = true) throws -> RoutesConfig {
        let hardRule = dropHardRule ? "" : """
          - name: hard-prompts
            match: {last_user_message: "(?i)prove"}
            route: remote

        """
        let yaml = """
        models: [triage\(offerFastModel ? ", triage-fast" : "")]
        log: {path: \(logPath)}
        backends:
          - {name: local, base_url: "http://127.0.0.1:8000/v1", model: small, price: {input_per_million: 0.1, output_per_million: 0.2}}
          - {name: remote, base_url: "https://api.example.com/v1", model: big, price: {input_per_million: 2, output_per_million: 10}}
        rules:
          - name: header-remote
            match: {header: {name: X-Triage-Backend, value: remote}}
            route: remote
        \(hardRule)  - name: default
            match: {always: true}
            route: auto
        auto: {default_backend: local, remote: remote, max_complexity: \(maxComplexity), cache_dir: \(directory.path)/cache}
        """
        let path = directory.appendingPathComponent("routes-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try ConfigLoader.load(path: path)
    }

    /// Records with exactly the members the first release wrote (no attempts, scores or shadow).
    static let oldRecords = [
        #"{"backend":"local","client_model":"triage","cost_usd":0.000005,"endpoint":"/v1/chat/completions","finish_reason":"stop","id":"old-1","latency_ms":12.5,"messages":[{"role":"user","content":"what is my balance"}],"reason":"rule 'default' routed auto -> default backend 'local' (classifier not enabled)","response":"your balance is 10","rule":"default","status":200,"stream":false,"ts":"2026-11-20T10:00:00.000Z","upstream_model":"small","usage":{"completion_tokens":20,"prompt_tokens":10,"source":"upstream","total_tokens":30}}"#,
        #"{"backend":"remote","client_model":"triage","endpoint":"/v1/chat/completions","id":"old-2","latency_ms":80,"messages":[{"role":"user","content":"hello there"}],"reason":"rule 'header-remote' matched (header)","response":"hi","rule":"header-remote","status":200,"stream":true,"ts":"2026-11-20T10:00:01.000Z","ttft_ms":40,"usage":{"completion_tokens":100,"prompt_tokens":100,"source":"estimated","total_tokens":200}}"#,
        #"{"endpoint":"/v1/chat/completions","error":"Invalid JSON","id":"old-3","latency_ms":0.2,"reason":"rejected: invalid JSON","status":400,"stream":false,"ts":"2026-11-20T10:00:02.000Z"}"#,
    ]

    /// Records as the current writer writes them.
    static func currentRecords() throws -> [String] {
        func record(_ id: String, backend: String, rule: String, prompt: JSONValue, model: String = "triage", usage: (Int, Int)? = (5, 5)) -> RoutingLogRecord {
            RoutingLogRecord(
                id: id, timestamp: "2026-11-30T10:00:00.000Z", endpoint: "/v1/chat/completions", clientModel: model, backend: backend,
                rule: rule, reason: "recorded reason of \(id)", status: 200, latencyMs: 3,
                usage: usage.map { RoutingLogRecord.Usage(promptTokens: $0.0, completionTokens: $0.1, source: "upstream") },
                messages: .array([.object(["role": .string("user"), "content": prompt])]), response: "answer to \(id)"
            )
        }
        var negative = record("cur-neg", backend: "local", rule: "default", prompt: .string("how do I reset my pin"))
        negative.scores = .init(fit: nil, similarity: nil, complexity: 0.1, decidedBy: "none", micros: 20)
        var fallback = record("cur-fallback", backend: "remote", rule: "default", prompt: .string("summarise this contract"), usage: (8, 12))
        fallback.attempts = [
            .init(backend: "local", outcome: "failed", status: 500, error: "upstream 500", latencyMs: 4),
            .init(backend: "remote", outcome: "ok", status: 200, latencyMs: 30),
        ]
        var shadowed = record("cur-shadow", backend: "local", rule: "default", prompt: .string("card arrival time"), usage: (6, 6))
        shadowed.shadow = .init(backend: "remote", status: 200, response: "answer to cur-shadow", error: nil, latencyMs: 20, agreement: 0.9, costUSD: 0.0001)
        let hard = record("cur-hard", backend: "remote", rule: "hard-prompts", prompt: .string("Prove that sqrt 2 is irrational"), usage: nil)
        let fast = record("cur-fast", backend: "local", rule: "default", prompt: .string("hi"), model: "triage-fast", usage: (3, 3))
        let parts = record("cur-parts", backend: "local", rule: "default",
                           prompt: .array([.object(["type": .string("text"), "text": .string("part one")]),
                                           .object(["type": .string("text"), "text": .string("part two")])]), usage: (4, 4))
        return [negative, fallback, shadowed, hard, fast, parts].map { String(decoding: $0.jsonLine().dropLast(), as: UTF8.self) }
    }
}
