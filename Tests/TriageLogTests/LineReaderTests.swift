import Foundation
import Testing
@testable import TriageLog

/// Appends `text` to the file at `path`.
private func append(_ text: String, to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

/// Every event of `reader` up to its end, as text.
private func events(_ reader: LineReader) throws -> [String] {
    var seen: [String] = []
    while true {
        switch try reader.next() {
        case .line(let bytes): seen.append(String(decoding: bytes, as: UTF8.self))
        case .oversized(let length): seen.append("oversized:\(length)")
        case .unterminated(let tail): seen.append("torn:\(String(decoding: tail, as: UTF8.self))")
        case .end: return seen
        }
    }
}

@Suite("Line reader (the one line splitter of log files)")
struct LineReaderTests {
    @Test("lines across chunk boundaries, an oversized line skipped whole, CRLF kept, a torn last line reported")
    func chunkBoundariesAndOversizedLines() throws {
        let path = temporaryPath("lines.txt")
        defer { removeTemporaryDirectory(of: path) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let long = String(repeating: "x", count: 100)
        let huge = String(repeating: "y", count: 1_000)
        try (["a", long, "", huge, "bc\r", long].joined(separator: "\n") + "\nend").write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, chunkBytes: 16, maxLineBytes: 256)
        #expect(try events(reader) == ["a", long, "", "oversized:1000", "bc\r", long, "torn:end"])
    }

    @Test("following a file: a line being written is held back until its newline, then read")
    func followingHoldsTheTail() throws {
        let path = temporaryPath("lines.txt")
        defer { removeTemporaryDirectory(of: path) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "one\ntw".write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, chunkBytes: 16, maxLineBytes: 64)
        reader.following = true
        #expect(try events(reader) == ["one"])
        try append("o\n" + String(repeating: "z", count: 70), to: path)
        #expect(try events(reader) == ["two"])
        try append("z\nthree\n", to: path)
        #expect(try events(reader) == ["oversized:71", "three"])
        #expect(reader.bytesRead == 6 + 72 + 8)
    }

    @Test("a file that cannot be opened is a FileReadError naming it")
    func missingFile() {
        #expect(throws: FileReadError(path: "/nonexistent/lines.txt", reason: "No such file or directory")) {
            _ = try LineReader(path: "/nonexistent/lines.txt")
        }
        #expect(throws: RoutingLogError.self) { _ = try RoutingLogReader(path: "/nonexistent/routing.jsonl").readAll() }
    }

    @Test("follow reads what the old file got before it was rotated, then the new file from its start")
    func followAcrossRotation() async throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let line = { (id: String) in String(decoding: sampleRecord(id: id).jsonLine(), as: UTF8.self) }
        try line("tr-1").write(toFile: path, atomically: false, encoding: .utf8)
        var iterator = RoutingLogReader(path: path).follow(pollInterval: .milliseconds(10)).makeAsyncIterator()
        #expect(try await iterator.next()?.id == "tr-1")
        // A record appended to the old file just before it is renamed away, then the new file.
        try append(line("tr-2"), to: path)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try (line("tr-3") + line("tr-4")).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try await iterator.next()?.id == "tr-2")
        #expect(try await iterator.next()?.id == "tr-3")
        #expect(try await iterator.next()?.id == "tr-4")
    }
}
