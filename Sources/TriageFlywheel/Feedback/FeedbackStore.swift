import Foundation
import TriageJSON
import TriageLog
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The append-only feedback file, `feedback.jsonl` next to the routing log.
///
/// ``append(_:)`` may be called from any task: each feedback is encoded to one line and written
/// with a single `write(2)` loop under a lock, to a descriptor opened with `O_APPEND`, then
/// `fsync`ed, so lines never interleave and an acknowledged feedback survives a crash. The
/// latest line for a request id wins when loading.
public final class FeedbackStore: Sendable {
    /// The file's path.
    public let path: String
    private let fd: Mutex<Int32>

    /// The feedback file that belongs to the routing log at `logPath`: `feedback.jsonl` in its directory.
    public static func path(besideLog logPath: String) -> String {
        URL(fileURLWithPath: logPath).deletingLastPathComponent().appendingPathComponent("feedback.jsonl").path
    }

    /// Opens (creating it and its directory if needed) the feedback file for appending, with
    /// permission bits `mode` (default `0600`: feedback names requests and may quote them),
    /// applied to an existing file too.
    public init(path: String, mode: mode_t = 0o600) throws(FlywheelError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: error.localizedDescription)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        guard fchmod(fd, mode) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = close(fd)
            throw .cannotWrite(path: path, reason: "cannot set its mode to \(String(mode, radix: 8)): \(reason)")
        }
        self.path = path
        self.fd = Mutex(fd)
    }

    deinit {
        fd.withLock { fd in
            if fd >= 0 { _ = close(fd) }
        }
    }

    /// Appends one feedback line durably (written and synced before returning).
    public func append(_ feedback: Feedback) throws(FlywheelError) {
        let line = try feedback.jsonLine()
        let path = self.path
        let failure: String? = fd.withLock { fd in
            var offset = 0
            while offset < line.count {
                let written = line.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    return write(fd, base + offset, raw.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
        }
        if let failure { throw .cannotWrite(path: path, reason: failure) }
    }

    /// Loads the latest feedback per request id. A missing file is no feedback yet (an empty index);
    /// lines that are not valid feedback are skipped and reported through `onSkip`.
    public static func load(path: String, onSkip: (String) -> Void = { _ in }) throws(FlywheelError) -> FeedbackIndex {
        guard FileManager.default.fileExists(atPath: path) else { return FeedbackIndex() }
        var index = FeedbackIndex()
        var lineNumber = 0
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch { throw FlywheelError(error) }
        while true {
            let event: LineReader.Event
            do { event = try reader.next() } catch { throw FlywheelError(error) }
            switch event {
            case .end:
                return index
            case .line(let bytes):
                lineNumber += 1
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                if let feedback = try? JSONCoding.decode(Feedback.self, from: bytes) {
                    index.latest[feedback.requestID] = feedback
                } else {
                    index.skippedLines += 1
                    onSkip("\(path):\(lineNumber): skipped a line that is not valid feedback")
                }
            case .oversized, .unterminated:
                lineNumber += 1
                index.skippedLines += 1
                onSkip("\(path):\(lineNumber): skipped an incomplete or oversized line")
            }
        }
    }
}
