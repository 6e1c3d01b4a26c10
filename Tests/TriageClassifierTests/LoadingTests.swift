import Foundation
import Testing
@testable import TriageClassifier
import TriageHashing

@Suite struct LoadingTests {
    @Test func readsBothFormatsAndUsesTheLastUserMessage() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write("""
        {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "first"}, {"role": "assistant", "content": "a"}, {"role": "user", "content": "second question"}, {"role": "assistant", "content": "b"}]}

        {"prompt": "plain prompt"}
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "part one"}, {"type": "text", "text": "part two"}]}]}
        """, name: "ref.jsonl", in: directory)
        #expect(try ReferencePromptReader.prompts(path: path) == ["second question", "plain prompt", "part one\npart two"])
    }

    @Test(arguments: [
        ("{\"prompt\": \"ok\"}\nnot json\n", 2, "not valid JSON"),
        ("{\"prompt\": \"ok\"}\n[1, 2]\n", 2, "expected a JSON object"),
        ("{\"text\": \"ok\"}\n", 1, "no \"messages\" list and no \"prompt\" string"),
        ("\n{\"prompt\": \"ok\"}\n{\"messages\": [{\"role\": \"system\", \"content\": \"x\"}]}\n", 3, "\"messages\" holds no message with role \"user\""),
    ])
    func malformedLinesAreErrorsNamingFileAndLine(text: String, line: Int, reason: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write(text, name: "bad.jsonl", in: directory)
        let error = #expect(throws: ReferenceIndexError.self) { try ReferencePromptReader.prompts(path: path) }
        #expect(error == .malformedLine(path: path, line: line, reason: reason))
        #expect(error?.description.hasPrefix("\(path):\(line): ") == true)
    }

    @Test func missingFileIsAnActionableError() {
        let error = #expect(throws: ReferenceIndexError.self) { try ReferenceIndex.load(path: "/nonexistent/ref.jsonl") }
        #expect(error == .cannotRead(path: "/nonexistent/ref.jsonl", reason: "no such file"))
    }

    @Test func cacheRoundTripGivesIdenticalScores() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = Fixtures.bankingPrompts.map { "{\"prompt\": \"\($0)\"}" }.joined(separator: "\n")
        let path = try Fixtures.write(lines, name: "ref.jsonl", in: directory)
        let cache = directory.appendingPathComponent("cache").path
        let first = try ReferenceIndex.load(path: path, cacheDirectory: cache)
        #expect(!first.loadedFromCache)
        guard case .written(let cachePath) = first.cacheStatus else {
            Issue.record("cache not written: \(first.cacheStatus)")
            return
        }
        #expect(cachePath.hasSuffix(FNV1a.hex128(try Data(contentsOf: URL(fileURLWithPath: path))) + ".idx"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
        let second = try ReferenceIndex.load(path: path, cacheDirectory: cache)
        #expect(second.loadedFromCache)
        #expect(second.calibration == first.calibration)
        #expect(second.count == first.count)
        for prompt in ["my card was declined", "bonjour", Fixtures.bankingPrompts[5]] {
            #expect(second.fit(prompt: prompt) == first.fit(prompt: prompt))
            #expect(second.nearest(prompt, k: 5) == first.nearest(prompt, k: 5))
        }
        #expect(second.example(at: 7) == first.example(at: 7))
        // Other options: the cache is not reused.
        let otherK = try ReferenceIndex.load(path: path, cacheDirectory: cache, options: ReferenceIndexOptions(k: 1))
        #expect(!otherK.loadedFromCache)
        let otherPenalty = try ReferenceIndex.load(path: path, cacheDirectory: cache,
                                                   options: ReferenceIndexOptions(unseenWordPenalty: 0))
        #expect(!otherPenalty.loadedFromCache)
    }

    /// Writes a cache, changes its bytes with `damage`, and checks the next load rebuilds it
    /// (the same answers) and the one after reads the rebuilt cache.
    private func cacheIsRebuilt(after damage: (inout Data) -> Void) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write("{\"prompt\": \"a b c\"}\n{\"prompt\": \"d e f\"}\n", name: "ref.jsonl", in: directory)
        let cache = directory.appendingPathComponent("cache").path
        let first = try ReferenceIndex.load(path: path, cacheDirectory: cache)
        guard case .written(let cachePath) = first.cacheStatus else {
            Issue.record("cache not written")
            return
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        damage(&bytes)
        try bytes.write(to: URL(fileURLWithPath: cachePath))
        let second = try ReferenceIndex.load(path: path, cacheDirectory: cache)
        #expect(!second.loadedFromCache)
        #expect(second.fit(prompt: "a b c") == first.fit(prompt: "a b c"))
        #expect(try ReferenceIndex.load(path: path, cacheDirectory: cache).loadedFromCache)
    }

    @Test func cacheOfAnotherFormatVersionIsRebuilt() throws {
        // The version follows the 8-byte magic; an older (or newer) layout must not be misread.
        try cacheIsRebuilt { $0[8] = UInt8(truncatingIfNeeded: ReferenceIndex.cacheFormatVersion &- 1) }
    }

    @Test func corruptCacheIsRebuilt() throws {
        try cacheIsRebuilt { $0 = $0.prefix($0.count / 2) }
    }

    @Test func unwritableCacheDirectoryDoesNotFailTheLoad() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write("{\"prompt\": \"a b c\"}\n{\"prompt\": \"d e f\"}\n", name: "ref.jsonl", in: directory)
        let blocker = try Fixtures.write("not a directory", name: "blocker", in: directory)
        let index = try ReferenceIndex.load(path: path, cacheDirectory: blocker + "/cache")
        guard case .writeFailed = index.cacheStatus else {
            Issue.record("expected writeFailed, got \(index.cacheStatus)")
            return
        }
        #expect(index.count == 2)
    }
}
