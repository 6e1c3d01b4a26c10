import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a JSONL file through a 1 MiB buffer, to a temporary name renamed into place by ``finish()``,
/// so an interrupted export never leaves a half-written file under the final name.
final class JSONLFileWriter {
    let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    /// Lines written.
    private(set) var lines = 0

    /// Creates (truncating) `path + ".partial"`, and its directory if needed, readable by its
    /// owner only (`mode`, default `0600`): exported files hold the prompts of the routing log.
    init(path: String, mode: mode_t = 0o600) throws(FlywheelError) {
        self.path = path
        self.temporaryPath = path + ".partial"
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: error.localizedDescription)
        }
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .cannotWrite(path: temporaryPath, reason: String(cString: strerror(errno))) }
        _ = fchmod(fd, mode)  // an existing .partial file keeps its old mode otherwise
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if fd >= 0 {
            _ = close(fd)
            unlink(temporaryPath)
        }
    }

    /// Appends `line` and a newline.
    func write(line: [UInt8]) throws(FlywheelError) {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= capacity { try flush() }
    }

    /// Flushes, syncs and renames the file into place.
    func finish() throws(FlywheelError) {
        try flush()
        fsync(fd)
        _ = close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotWrite(path: path, reason: reason)
        }
    }

    private func flush() throws(FlywheelError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: temporaryPath, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
