import Foundation
import TriageLog

/// Finds the files of a routing log, rotated ones included (see ``LogRotation``).
public enum LogFiles {
    /// The files of the log at `path` in time order, oldest first: `path.N`, ..., `path.1`, `path`.
    ///
    /// Only files that exist are listed; names that are not `<base>.<number>` are ignored.
    /// - Throws: ``FlywheelError/logNotFound(path:)`` when neither the log nor a rotated file exists.
    public static func list(path: String) throws(FlywheelError) -> [String] {
        var files = LogRotation.rotatedIndices(path: path).sorted(by: >).map { LogRotation.rotatedName(for: path, index: $0) }
        if FileManager.default.fileExists(atPath: path) { files.append(path) }
        guard !files.isEmpty else { throw .logNotFound(path: path) }
        return files
    }
}
