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
        var records: [RoutingLogRecord] = []
        var lineNumber = 0
        do {
            let reader = try LineReader(path: path)
            while let record = try next(from: reader, lineNumber: &lineNumber) { records.append(record) }
        } catch {
            throw .cannotRead(path: path, reason: error.reason)
        }
        return records
    }

    /// Streams the records that pass `include` as they are appended, starting with the existing ones
    /// (or only the last `lastLines` of them), polling the file every `pollInterval`.
    ///
    /// The sequence ends when the consuming task is cancelled. A line is delivered only once
    /// its newline has been written, so a line being written is never read half-done. When the
    /// file is replaced (rotated) or truncated, what was appended to the old one is read first,
    /// then the new file from its start.
    public func follow(
        lastLines: Int? = nil,
        pollInterval: Duration = .milliseconds(200),
        where include: @escaping @Sendable (RoutingLogRecord) -> Bool = { _ in true }
    ) -> AsyncThrowingStream<RoutingLogRecord, any Error> {
        let reader = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                var file: LineReader?
                var lineNumber = 0
                var first = true
                while !Task.isCancelled {
                    guard let current = file else {
                        // No file yet, or it was replaced or truncated: open it and read it from the start.
                        file = try? LineReader(path: reader.path)
                        file?.following = true
                        lineNumber = 0
                        if file == nil { try? await Task.sleep(for: pollInterval) }
                        continue
                    }
                    // Looked at before reading: what the old file got before it was replaced is read first.
                    let now = FileIdentity.of(path: reader.path)
                    let replaced = now?.identity != current.identity() || (now?.size ?? 0) < current.bytesRead
                    var records: [RoutingLogRecord] = []
                    while let record = try? reader.next(from: current, lineNumber: &lineNumber) {
                        if include(record) { records.append(record) }
                    }
                    if first, let lastLines { records = Array(records.suffix(lastLines)) }
                    for record in records { continuation.yield(record) }
                    first = false
                    if replaced { file = nil } else { try? await Task.sleep(for: pollInterval) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The next record of `reader`, skipping (and reporting) lines that are not records;
    /// `nil` at the end of the file (or, when following, of what is written so far).
    func next(from reader: LineReader, lineNumber: inout Int) throws(FileReadError) -> RoutingLogRecord? {
        while true {
            switch try reader.next() {
            case .line(let line):
                lineNumber += 1
                if let record = decode(line, lineNumber: lineNumber) { return record }
            case .oversized(let length):
                lineNumber += 1
                onSkip("\(path):\(lineNumber): skipped a line of \(Plural.count(length, "byte")) (longer than the \(LineReader.defaultMaxLineBytes >> 20) MiB limit)")
            case .unterminated(let rest):
                lineNumber += 1
                onSkip("\(path):\(lineNumber): skipped an incomplete last line (\(Plural.count(rest.count, "byte")), no newline; the writer may have been killed)")
            case .end:
                return nil
            }
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
