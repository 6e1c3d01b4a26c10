import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-terminated lines from a file descriptor in fixed-size chunks: the one line
/// splitter of log and JSONL files (the routing log and its rotated files, `tail --follow`,
/// feedback, spools, eval and scoring inputs).
///
/// Memory is bounded by the chunk size plus the longest line accepted (`maxLineBytes`); a longer
/// line is skipped whole (its bytes are discarded as they are read) and reported as oversized.
/// A line keeps a `\r` before its newline (JSON parsers read it as whitespace).
/// The descriptor is closed when the reader is deinitialised.
public final class LineReader {
    /// What one call to ``next()`` found.
    public enum Event {
        /// A complete line, without its newline.
        case line(ArraySlice<UInt8>)
        /// A line longer than `maxLineBytes`, skipped; its length in bytes.
        case oversized(Int)
        /// Bytes after the last newline at the end of the file (a torn log line, or the last line
        /// of a file written without a final newline).
        case unterminated(ArraySlice<UInt8>)
        /// End of file.
        case end
    }

    /// Default read size: 1 MiB.
    public static let defaultChunkBytes = 1 << 20
    /// Default longest accepted line: 64 MiB.
    public static let defaultMaxLineBytes = 64 << 20

    public let path: String
    /// Whether the file is still being appended to (`tail --follow`): at its end, bytes after the
    /// last newline are kept for a later call instead of being returned as ``Event/unterminated(_:)``,
    /// ``Event/end`` is returned, and the next call reads what was appended since.
    public var following = false
    private let fd: Int32
    private let chunkBytes: Int
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var discarding = 0
    /// Bytes read from the file so far.
    public private(set) var bytesRead: UInt64 = 0

    /// Wraps an open descriptor (taking ownership of it).
    public init(fd: Int32, path: String, chunkBytes: Int = LineReader.defaultChunkBytes, maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.fd = fd
        self.path = path
        self.chunkBytes = max(chunkBytes, 16)
        self.maxLineBytes = max(maxLineBytes, self.chunkBytes)
        self.buffer = [UInt8](repeating: 0, count: self.chunkBytes)
    }

    /// Opens `path` for reading.
    public convenience init(path: String, chunkBytes: Int = LineReader.defaultChunkBytes, maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws(FileReadError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        self.init(fd: fd, path: path, chunkBytes: chunkBytes, maxLineBytes: maxLineBytes)
    }

    deinit { _ = close(fd) }

    /// The device and inode of the open file, to detect a rename race.
    public func identity() -> FileIdentity? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return FileIdentity(info)
    }

    /// The next line, oversized line, torn tail or end of file.
    public func next() throws(FileReadError) -> Event {
        while true {
            if let newline = findNewline() {
                if discarding > 0 {
                    let length = discarding + (newline - start)
                    discarding = 0
                    start = newline + 1
                    return .oversized(length)
                }
                let line = buffer[start..<newline]
                start = newline + 1
                return .line(line)
            }
            if eof {
                if following {
                    // The rest of the pending line may still be written: keep it, read again next time.
                    eof = false
                    return .end
                }
                if discarding > 0 {
                    let length = discarding + (end - start)
                    discarding = 0
                    start = end
                    return .oversized(length)
                }
                if end > start {
                    let tail = buffer[start..<end]
                    start = end
                    return .unterminated(tail)
                }
                return .end
            }
            try fill()
        }
    }

    private func findNewline() -> Int? {
        guard end > start else { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard let base = pointer.baseAddress else { return nil }
            guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Makes room and reads one chunk.
    private func fill() throws(FileReadError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    guard let base = pointer.baseAddress else { return }
                    memmove(base, base + start, pending)
                }
            }
            start = 0
            end = pending
        }
        if discarding > 0 || end >= maxLineBytes {
            // The pending line is longer than `maxLineBytes`: drop what we have and keep discarding to its end.
            discarding += end
            end = 0
        }
        if buffer.count - end < chunkBytes {
            let grown = min(max(buffer.count * 2, end + chunkBytes), maxLineBytes + chunkBytes)
            buffer.append(contentsOf: repeatElement(0, count: grown - buffer.count))
        }
        let room = min(chunkBytes, buffer.count - end)
        let count = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
            guard let base = pointer.baseAddress else { return 0 }
            while true {
                let result = read(fd, base + end, room)
                if result < 0, errno == EINTR { continue }
                return result
            }
        }
        if count < 0 {
            throw FileReadError(path: path, reason: String(cString: strerror(errno)))
        }
        if count == 0 {
            eof = true
        } else {
            end += count
            bytesRead += UInt64(count)
        }
    }
}

/// Device and inode of a file.
public struct FileIdentity: Equatable, Sendable {
    /// The device the file is on.
    public let device: UInt64
    /// The file's inode on that device.
    public let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The identity and size of the file now at `path`, or `nil` when there is none.
    public static func of(path: String) -> (identity: FileIdentity, size: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (FileIdentity(info), UInt64(max(info.st_size, 0)))
    }
}

/// A file that could not be opened or read.
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// The system's reason, e.g. `No such file or directory`.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read '\(path)': \(reason)" }
}
