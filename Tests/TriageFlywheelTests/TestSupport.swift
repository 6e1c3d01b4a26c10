import Foundation
import TriageJSON
import TriageLog
@testable import TriageFlywheel

/// A fresh temporary directory, removed when the value is deinitialised.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "flywheel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Builders of routing records for tests.
enum Fixture {
    static let base = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01T00:00:00Z

    static func messages(_ user: String, system: String? = nil) -> JSONValue {
        var items: [JSONValue] = []
        if let system { items.append(.object(["role": .string("system"), "content": .string(system)])) }
        items.append(.object(["role": .string("user"), "content": .string(user)]))
        return .array(items)
    }

    static func record(
        id: String, minutes: Double = 0, backend: String? = "local", rule: String? = "routine", status: Int = 200,
        error: String? = nil, prompt: String? = "What is the capital of France?", response: String? = "Paris.",
        latencyMs: Double = 100, ttftMs: Double? = nil, stream: Bool = false, usage: (Int, Int)? = nil, cost: Double? = nil
    ) -> RoutingLogRecord {
        RoutingLogRecord(
            id: id, timestamp: RoutingLogRecord.timestamp(base.addingTimeInterval(minutes * 60)), endpoint: "/v1/chat/completions",
            clientModel: "auto", stream: stream, backend: backend, upstreamModel: backend.map { "\($0)-model" }, rule: rule,
            reason: "test", status: status, error: error, latencyMs: latencyMs, ttftMs: ttftMs,
            usage: usage.map { RoutingLogRecord.Usage(promptTokens: $0.0, completionTokens: $0.1, source: "upstream") },
            costUSD: cost, messages: prompt.map { messages($0) }, response: response)
    }

    /// One JSON line for `record`, optionally with a `shadow` member added.
    static func line(_ record: RoutingLogRecord, shadow: [String: Any]? = nil) throws -> String {
        var text = String(decoding: record.jsonLine(), as: UTF8.self).trimmingCharacters(in: .newlines)
        if let shadow {
            let data = try JSONSerialization.data(withJSONObject: shadow, options: [.sortedKeys])
            text.removeLast()
            text += ",\"shadow\":" + String(decoding: data, as: UTF8.self) + "}"
        }
        return text
    }

    /// Writes `lines` (each followed by a newline) to `path`.
    static func write(_ lines: [String], to path: String) throws {
        try (lines.map { $0 + "\n" }.joined()).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func write(records: [RoutingLogRecord], to path: String) throws {
        try write(records.map { try line($0) }, to: path)
    }

    /// Reads a JSONL file into JSON objects.
    static func readObjects(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FixtureError.notAnObject(String(line))
            }
            return object
        }
    }

    enum FixtureError: Error { case notAnObject(String) }
}
