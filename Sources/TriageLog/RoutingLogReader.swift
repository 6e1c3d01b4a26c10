import Foundation
import TriageJSON

/// Reads routing log records from a JSONL file, tolerating a partial or corrupt line.
///
/// A line that is not a complete record (the last line after a crash, or a line damaged by
/// hand) is skipped and reported through `onSkip`; it never stops the reader.
public struct RoutingLogReader: Sendable {
    /// Path of the log file.
    public let path: String
    /// Called with a warning for each line that is skipped.
    public let onSkip: @Sendable (String) -> Void

    /// Creates a reader.
    public init(path: String, onSkip: @escaping @Sendable (String) -> Void = { _ in }) {
        self.path = path
        self.onSkip = onSkip
    }

    /// Reads every complete record in the file, in order.
    public func readAll() throws(RoutingLogError) -> [RoutingLogRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        var splitter = LineSplitter()
        var records: [RoutingLogRecord] = []
        var lineNumber = 0
        for line in splitter.push(Array(data)) {
            lineNumber += 1
            if let record = decode(line, lineNumber: lineNumber) { records.append(record) }
        }
        if let rest = splitter.remainder() {
            lineNumber += 1
            onSkip("\(path):\(lineNumber): skipped an incomplete last line (\(Plural.count(rest.count, "byte")), no newline; the writer may have been killed)")
        }
        return records
    }

    /// Streams the records that pass `include` as they are appended, starting with the existing ones
    /// (or only the last `lastLines` of them), polling the file every `pollInterval`.
    ///
    /// The sequence ends when the consuming task is cancelled. A line is delivered only once
    /// its newline has been written, so a line being written is never read half-done.
    public func follow(
        lastLines: Int? = nil,
        pollInterval: Duration = .milliseconds(200),
        where include: @escaping @Sendable (RoutingLogRecord) -> Bool = { _ in true }
    ) -> AsyncThrowingStream<RoutingLogRecord, any Error> {
        let path = self.path
        let reader = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                var offset: UInt64 = 0
                var splitter = LineSplitter()
                var lineNumber = 0
                var first = true
                while !Task.isCancelled {
                    guard let handle = FileHandle(forReadingAtPath: path) else {
                        try? await Task.sleep(for: pollInterval)
                        continue
                    }
                    let size = (try? handle.seekToEnd()) ?? 0
                    if size < offset {
                        // Truncated or replaced: start over.
                        offset = 0
                        splitter = LineSplitter()
                    }
                    if size > offset {
                        try? handle.seek(toOffset: offset)
                        let data = (try? handle.read(upToCount: Int(size - offset))) ?? Data()
                        offset += UInt64(data.count)
                        var records: [RoutingLogRecord] = []
                        for line in splitter.push(Array(data)) {
                            lineNumber += 1
                            if let record = reader.decode(line, lineNumber: lineNumber), include(record) { records.append(record) }
                        }
                        if first, let lastLines { records = Array(records.suffix(lastLines)) }
                        for record in records { continuation.yield(record) }
                    }
                    first = false
                    try? handle.close()
                    try? await Task.sleep(for: pollInterval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func decode(_ line: ArraySlice<UInt8>, lineNumber: Int) -> RoutingLogRecord? {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { return nil }
        do {
            return try JSONCoding.decode(RoutingLogRecord.self, from: line)
        } catch {
            onSkip("\(path):\(lineNumber): skipped a line that is not a complete routing record (\(Plural.count(line.count, "byte")))")
            return nil
        }
    }
}

/// Splits a byte stream into newline-terminated lines, keeping an unterminated tail for later.
struct LineSplitter {
    private var pending: [UInt8] = []

    /// Adds bytes and returns the lines they complete (without their newline).
    mutating func push(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        pending.append(contentsOf: bytes)
        var lines: [ArraySlice<UInt8>] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(pending[start..<newline])
            start = newline + 1
        }
        let complete = lines.map { ArraySlice(Array($0)) }
        pending.removeSubrange(pending.startIndex..<start)
        return complete
    }

    /// The bytes after the last newline, if any.
    func remainder() -> [UInt8]? { pending.isEmpty ? nil : pending }
}
