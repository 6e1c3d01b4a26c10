import Foundation

/// The rotation scheme of the routing log, shared by the writer and every reader.
///
/// The scheme is logrotate's numbered one, plain text only (no compression):
///
/// - `routing.jsonl` is the current file, the only one ever appended to;
/// - `routing.jsonl.1` is the most recently rotated file, `routing.jsonl.2` the one before, ...,
///   `routing.jsonl.N` the oldest. A **higher number is older**.
///
/// Rotating shifts every `.i` to `.i+1` (from the oldest down, so nothing is overwritten),
/// removes files beyond the number to keep, then renames the current file to `.1`. The writer
/// must then reopen the current path (with `O_APPEND | O_CREAT`). Readers in time order read
/// `.N`, ..., `.2`, `.1`, then the current file (``LogFiles/list(path:)``).
public enum LogRotation {
    /// The path of the rotated file number `index` (1 = newest rotated) of the log at `path`.
    ///
    /// - Precondition: `index >= 1`.
    public static func rotatedName(for path: String, index: Int) -> String {
        precondition(index >= 1, "rotated log indices start at 1")
        return "\(path).\(index)"
    }

    /// The rotation index of `fileName` when it is a rotated file of the log named `baseName`
    /// (`routing.jsonl.3` → 3), or `nil` for any other name.
    public static func rotatedIndex(of fileName: String, baseName: String) -> Int? {
        let prefix = baseName + "."
        guard fileName.hasPrefix(prefix) else { return nil }
        let digits = fileName.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let index = Int(digits), index >= 1 else { return nil }
        return index
    }

    /// Rotates the log at `path`: `.i` → `.i+1` for every rotated file, the current file → `.1`,
    /// and removes rotated files whose new index would exceed `keep`.
    ///
    /// The caller (the writer) must hold its own lock and reopen `path` afterwards; readers that
    /// already opened the files are unaffected (they read by descriptor). Does nothing when the
    /// current file does not exist.
    /// - Parameters:
    ///   - path: The current log file.
    ///   - keep: How many rotated files to keep (at least 1).
    /// - Returns: The paths removed because they fell beyond `keep`.
    @discardableResult
    public static func rotate(path: String, keep: Int) throws(RoutingLogError) -> [String] {
        guard keep >= 1 else { throw .cannotRotate(path: path, reason: "keep must be at least 1, got \(keep)") }
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: path) else { return [] }
        let existing = rotatedIndices(path: path).sorted(by: >)
        var removed: [String] = []
        for index in existing {
            let source = rotatedName(for: path, index: index)
            if index + 1 > keep {
                do { try fileManager.removeItem(atPath: source) } catch {
                    throw .cannotRotate(path: source, reason: error.localizedDescription)
                }
                removed.append(source)
            } else {
                try rename(source, to: rotatedName(for: path, index: index + 1))
            }
        }
        try rename(path, to: rotatedName(for: path, index: 1))
        return removed
    }

    private static func rename(_ source: String, to destination: String) throws(RoutingLogError) {
        if Foundation.rename(source, destination) != 0 {
            throw .cannotRotate(path: source, reason: "rename to '\(destination)' failed: \(String(cString: strerror(errno)))")
        }
    }

    /// The indices of the rotated files of `path` present in its directory, unordered.
    public static func rotatedIndices(path: String) -> [Int] {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let baseName = url.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.compactMap { rotatedIndex(of: $0, baseName: baseName) }
    }
}
