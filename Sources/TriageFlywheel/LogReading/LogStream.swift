import Foundation
import TriageLog

/// Streams the records of a routing log and all its rotated files, oldest first, in bounded memory.
///
/// Files are read in 1 MiB chunks and split into lines; only the current line is decoded, so
/// memory does not grow with the size of the log. A line that is not a complete record (torn by a
/// crash, damaged, longer than 64 MiB) is skipped, counted in ``skippedLines`` and reported
/// through `onSkip`; it never stops the stream.
///
/// All files are opened when the stream is created, so a rotation while reading neither loses nor
/// repeats a line: descriptors follow renamed files. Records appended to the current file before
/// the stream reaches its end are read too.
///
/// A stream is a single-pass sequence; iterate it once, from one task.
public final class LogStream: Sequence, IteratorProtocol {
    /// The files, oldest first.
    public let files: [String]
    /// Number of records delivered so far.
    public private(set) var recordsRead = 0
    /// Number of lines skipped so far because they are not complete records.
    public private(set) var skippedLines = 0
    /// Bytes read so far, over all files.
    public var bytesRead: UInt64 { finishedBytes + (current?.bytesRead ?? 0) }
    /// Problems that ended a file early (a read error); the stream moves on to the next file.
    public private(set) var readErrors: [FlywheelError] = []

    private var readers: [LineReader]
    private var current: LineReader?
    private var lineNumber = 0
    private var finishedBytes: UInt64 = 0
    private let onSkip: (String) -> Void

    /// Opens the log at `path` and its rotated files (``LogFiles/list(path:)``).
    /// - Parameters:
    ///   - path: The current log file, e.g. `logs/routing.jsonl`.
    ///   - onSkip: Called with a warning (`file:line: ...`) for each skipped line.
    public convenience init(path: String, onSkip: @escaping (String) -> Void = { _ in }) throws(FlywheelError) {
        let (files, readers) = try Self.openStable(path: path)
        self.init(files: files, readers: readers, onSkip: onSkip)
    }

    /// Opens exactly `files`, in the order given.
    public convenience init(files: [String], onSkip: @escaping (String) -> Void = { _ in }) throws(FlywheelError) {
        var readers: [LineReader] = []
        for file in files { readers.append(try Self.openFile(file)) }
        self.init(files: files, readers: readers, onSkip: onSkip)
    }

    private init(files: [String], readers: [LineReader], onSkip: @escaping (String) -> Void) {
        self.files = files
        self.readers = readers.reversed()
        self.onSkip = onSkip
    }

    /// Lists and opens the files of `path`, retrying when a rotation renamed them in between
    /// (the open descriptors must be the files now at the listed names).
    private static func openStable(path: String) throws(FlywheelError) -> ([String], [LineReader]) {
        var attempt = 0
        while true {
            attempt += 1
            let files = try LogFiles.list(path: path)
            var readers: [LineReader] = []
            do {
                for file in files { readers.append(try Self.openFile(file)) }
            } catch {
                if attempt >= 5 { throw error }
                continue
            }
            let unchanged = zip(files, readers).allSatisfy { file, reader in
                guard let now = FileIdentity.of(path: file) else { return false }
                return reader.identity() == now.identity
            }
            if (unchanged && (try? LogFiles.list(path: path)) == files) || attempt >= 5 {
                return (files, readers)
            }
        }
    }

    private static func openFile(_ file: String) throws(FlywheelError) -> LineReader {
        do { return try LineReader(path: file) } catch { throw FlywheelError(error) }
    }

    /// The next record, or `nil` when every file has been read.
    public func next() -> LogEntry? {
        while true {
            if current == nil {
                guard let reader = readers.popLast() else { return nil }
                current = reader
                lineNumber = 0
            }
            guard let reader = current else { return nil }
            let event: LineReader.Event
            do {
                event = try reader.next()
            } catch {
                readErrors.append(FlywheelError(error))
                onSkip("\(error.description); continuing with the next file")
                finishFile(reader)
                continue
            }
            switch event {
            case .line(let bytes):
                lineNumber += 1
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                if var entry = LogEntry.parse(line: bytes) {
                    recordsRead += 1
                    entry.file = reader.path
                    entry.line = lineNumber
                    return entry
                }
                skip("\(reader.path):\(lineNumber): skipped a line that is not a complete routing record (\(Plural.count(bytes.count, "byte")))")
            case .oversized(let length):
                lineNumber += 1
                skip("\(reader.path):\(lineNumber): skipped a line of \(length) bytes (longer than the 64 MiB limit)")
            case .unterminated(let tail):
                lineNumber += 1
                skip("\(reader.path):\(lineNumber): skipped an incomplete last line (\(Plural.count(tail.count, "byte")), no newline; the writer may have been killed or is still writing it)")
            case .end:
                finishFile(reader)
            }
        }
    }

    private func finishFile(_ reader: LineReader) {
        finishedBytes += reader.bytesRead
        current = nil
    }

    private func skip(_ message: String) {
        skippedLines += 1
        onSkip(message)
    }
}
