import Foundation
import Glibc
import TriageFlywheel
import TriageJSON
import TriageLog

/// The database sink's local spool: a JSONL file (the routing log's own line format, mode 0600)
/// holding, in order, the records that could not go to PostgreSQL yet. Replayed from its start;
/// emptied once every line is in the database. Used by the sink's writer task alone.
final class LogSpool {
    let path: String
    private let fd: Int32
    /// Bytes in the file.
    private(set) var size: Int
    /// Lines in the file not yet replayed.
    private(set) var records: Int
    /// Bytes from the start of the file already replayed into the database.
    private(set) var replayedOffset = 0

    init(path: String, mode: mode_t) throws(PostgresStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .database("cannot open the spool '\(path)': \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
        var info = stat()
        fstat(fd, &info)
        self.size = Int(info.st_size)
        self.records = 0
        if size > 0, let reader = try? LineReader(path: path) {
            while case .line = (try? reader.next()) ?? .end { records += 1 }
        }
    }

    deinit { close(fd) }

    var isEmpty: Bool { size == 0 }

    /// Appends the records' lines; false (nothing counted) when the write failed.
    func append(_ batch: [RoutingLogRecord]) -> String? {
        var out = JSONWriter(capacity: batch.reduce(0) { $0 + $1.estimatedSize })
        for record in batch { record.writeJSONLine(to: &out) }
        let bytes = out.bytes
        let written = bytes.withUnsafeBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var done = 0
            while done < buffer.count {
                let result = write(fd, base + done, buffer.count - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    return -Int(errno)
                }
                done += result
            }
            return done
        }
        if written < 0 {
            // A torn line would break the next replay: cut the file back to where it was.
            _ = ftruncate(fd, off_t(size))
            return "cannot write the spool '\(path)': \(String(cString: strerror(Int32(-written))))"
        }
        size += written
        records += batch.count
        return nil
    }

    /// The next up to `limit` lines after the replayed ones, with the offset just past them.
    func nextLines(limit: Int) -> (lines: [ArraySlice<UInt8>], end: Int) {
        guard replayedOffset < size else { return ([], replayedOffset) }
        let readFD = open(path, O_RDONLY | O_CLOEXEC)
        guard readFD >= 0 else { return ([], replayedOffset) }
        lseek(readFD, off_t(replayedOffset), SEEK_SET)
        let reader = LineReader(fd: readFD, path: path)
        var lines: [ArraySlice<UInt8>] = []
        var end = replayedOffset
        reading: while lines.count < limit {
            switch (try? reader.next()) ?? .end {
            case .line(let bytes):
                end += bytes.count + 1
                lines.append(bytes)
            case .oversized(let length):
                end += length + 1
            case .unterminated, .end:
                break reading
            }
        }
        return (lines, end)
    }

    /// Marks lines up to `offset` as replayed; empties the file once all are.
    func markReplayed(upTo offset: Int, count: Int) {
        replayedOffset = offset
        records = max(0, records - count)
        if replayedOffset >= size {
            _ = ftruncate(fd, 0)
            size = 0
            records = 0
            replayedOffset = 0
        }
    }
}
