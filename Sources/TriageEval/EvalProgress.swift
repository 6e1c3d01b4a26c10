import Foundation
import TriageFlywheel
import TriageJSON
import TriageLog
#if canImport(Glibc)
import Glibc
#endif

/// The progress file of an eval run: one ``EvalOutcome`` JSON line per finished item, appended
/// (and flushed to the kernel) as each finishes, so an interrupted run resumes where it was.
/// Created readable by its owner only: it holds the candidate's answers.
public final class EvalProgress: Sendable {
    public let path: String
    private let fd: Int32

    /// Opens `path` for appending; without `resume` an existing file is emptied first.
    public init(path: String, resume: Bool) throws(EvalDataError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (resume ? 0 : O_TRUNC)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        _ = fchmod(fd, 0o600)
        self.fd = fd
        // A run killed mid-write leaves a torn last line: end it, so the next line stands alone.
        if resume, let data = FileManager.default.contents(atPath: path), let last = data.last, last != 0x0A {
            append(raw: [0x0A])
        }
    }

    deinit { _ = close(fd) }

    /// The outcomes already in the file (the last one per id; unreadable lines ignored).
    public static func finished(path: String) -> [String: EvalOutcome] {
        guard FileManager.default.fileExists(atPath: path), let reader = try? LineReader(path: path) else { return [:] }
        var outcomes: [String: EvalOutcome] = [:]
        while let event = try? reader.next() {
            switch event {
            case .end:
                return outcomes
            case .line(let bytes):
                if let value = try? JSONParser.parse(Array(bytes)), let outcome = EvalOutcome(json: value) { outcomes[outcome.id] = outcome }
            case .oversized, .unterminated:
                continue
            }
        }
        return outcomes
    }

    /// Appends one outcome as a whole line (one `write`, so lines from concurrent items never interleave).
    public func append(_ outcome: EvalOutcome) {
        var line = outcome.json.jsonBytes
        line.append(0x0A)
        append(raw: line)
    }

    private func append(raw line: [UInt8]) {
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(fd, base + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
