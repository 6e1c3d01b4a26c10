import Foundation
import Testing
@testable import TriageFlywheel

@Suite struct FeedbackTests {
    @Test func validation() throws {
        let now = Date(timeIntervalSince1970: 1_735_689_600)
        let ok = try Feedback.validate(body: Data(#"{"request_id": " abc ", "score": -1, "label": "wrong", "extra": true}"#.utf8), now: now)
        #expect(ok == Feedback(timestamp: "2025-01-01T00:00:00.000Z", requestID: "abc", score: -1, label: "wrong"))
        #expect(try Feedback.validate(body: Data(#"{"request_id":"a","score":0.25}"#.utf8)).score == 0.25)
        let cases: [(String, FeedbackValidationError)] = [
            ("not json", .invalidJSON),
            ("[1, 2]", .notAnObject),
            (#"{"score": 1}"#, .missingRequestID),
            (#"{"request_id": "  ", "score": 1}"#, .missingRequestID),
            (#"{"request_id": "a"}"#, .missingScore),
            (#"{"request_id": "a", "score": 2}"#, .scoreOutOfRange(2)),
            (#"{"request_id": 5, "score": 1}"#, .wrongType(field: "request_id", expected: "a string")),
            (#"{"request_id": "a", "score": "1"}"#, .wrongType(field: "score", expected: "a number from -1 to 1")),
            (#"{"request_id": "a", "score": true}"#, .wrongType(field: "score", expected: "a number from -1 to 1")),
            (#"{"request_id": "a", "score": 1, "comment": 3}"#, .wrongType(field: "comment", expected: "a string")),
        ]
        for (body, expected) in cases {
            #expect(throws: expected, "\(body)") { try Feedback.validate(body: Data(body.utf8)) }
        }
        #expect(FeedbackValidationError.missingRequestID.description.contains("x-triage-request-id"))
    }

    @Test func concurrentAppendAndLatestWins() async throws {
        let dir = try TemporaryDirectory()
        let path = FeedbackStore.path(besideLog: dir.file("logs/routing.jsonl"))
        #expect(path.hasSuffix("/logs/feedback.jsonl"))
        #expect(try FeedbackStore.load(path: path) == FeedbackIndex())
        let store = try FeedbackStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        try store.append(Feedback(timestamp: "t", requestID: "task\(task)-\(index)", score: index % 2 == 0 ? 1 : -1, comment: String(repeating: "c", count: 500)))
                    }
                }
            }
            try await group.waitForAll()
        }
        try store.append(Feedback(timestamp: "t2", requestID: "task0-0", score: -1, label: "changed my mind"))
        try store.append(Feedback(timestamp: "t2", requestID: "task0-1", score: 0))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 202)
        let index = try FeedbackStore.load(path: path)
        #expect(index.skippedLines == 0)
        #expect(index.latest.count == 200)
        #expect(index.latest["task0-0"]?.label == "changed my mind")
        #expect(index.negativeIDs.contains("task0-0"))
        #expect(!index.negativeIDs.contains("task0-1") && !index.positiveIDs.contains("task0-1"))
        #expect(index.negativeIDs.count == 96) // 8 × 12 odd indices, plus task0-0, minus task0-1
        #expect(index.positiveIDs.count == 103) // 8 × 13 even indices, minus task0-0
        #expect(lines.first?.contains("\"request_id\"") == true)
    }

    @Test func loadSkipsBadLines() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feedback.jsonl")
        try "{\"ts\":\"t\",\"request_id\":\"a\",\"score\":1}\ngarbage\n{\"ts\":\"t\",\"request_id\":\"b\",\"sc".write(toFile: path, atomically: false, encoding: .utf8)
        let index = try FeedbackStore.load(path: path)
        #expect(index.latest.keys.sorted() == ["a"])
        #expect(index.skippedLines == 2)
    }
}
