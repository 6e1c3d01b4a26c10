import Foundation
import TriageConfig

/// Changes `auto.min_fit` and `auto.max_complexity` in a routes.yaml file by editing their two
/// lines only, so comments, blank lines, key order and layout stay as they were.
public enum RoutesFileEditor {
    /// One line to change.
    public struct Change: Sendable, Equatable {
        /// The key, `min_fit` or `max_complexity`.
        public var key: String
        /// 1-based line number.
        public var line: Int
        /// The line as it is.
        public var old: String
        /// The line as it will be.
        public var new: String
    }

    /// Why the file could not be edited.
    public struct EditError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The changes that set the two values in `text` (the file's content), and the new text.
    /// - Throws: ``EditError`` when there is no block-style top-level `auto:` holding both keys
    ///   on lines of their own (say, `auto: {...}` in flow style, or a key missing).
    public static func plan(text: String, path: String, minFit: Double, maxComplexity: Double) throws(EditError) -> (changes: [Change], text: String) {
        // Split on the scalar: a "\r\n" pair is one Character, which a Character split would not cut.
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        guard let autoLine = lines.firstIndex(where: { $0.hasPrefix("auto:") }) else {
            throw EditError(description: "\(path): no top-level 'auto:' block; add one with min_fit and max_complexity (see docs/routes-yaml.md), or set them by hand")
        }
        let afterKey = lines[autoLine].dropFirst("auto:".count)
        guard Self.isBlank(afterKey) else {
            throw EditError(description: "\(path):\(autoLine + 1): 'auto:' is not a block of its own lines (flow style?); change min_fit and max_complexity there by hand")
        }
        var end = autoLine + 1
        while end < lines.count {
            let line = lines[end]
            if let first = line.first, first != " ", first != "\t", first != "#", !Self.isBlank(line[...]) { break }
            end += 1
        }
        var changes: [Change] = []
        for (key, value) in [("min_fit", minFit), ("max_complexity", maxComplexity)] {
            let matches = (autoLine + 1..<end).filter { Self.key(of: lines[$0]) == key }
            guard matches.count == 1, let index = matches.first else {
                let what = matches.isEmpty ? "has no '\(key):' line" : "has \(matches.count) '\(key):' lines"
                throw EditError(description: "\(path):\(autoLine + 1): the 'auto:' block \(what); add 'min_fit:' and 'max_complexity:' under auto: (one line each), or set them by hand")
            }
            guard let edited = replaceValue(in: lines[index], with: Calibration.decimals(value)) else {
                throw EditError(description: "\(path):\(index + 1): cannot read the value of '\(key):' (expected 'key: number'); set it by hand")
            }
            if edited != lines[index] { changes.append(Change(key: key, line: index + 1, old: lines[index], new: edited)) }
            lines[index] = edited
        }
        return (changes, lines.joined(separator: "\n"))
    }

    /// Applies ``plan(text:path:minFit:maxComplexity:)`` to the file at `path`: the new content
    /// goes to a temporary file beside it (same permission bits), which replaces it once it loads
    /// as a valid config with the new values.
    public static func write(path: String, minFit: Double, maxComplexity: Double) throws(EditError) -> [Change] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EditError(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        let (changes, edited) = try plan(text: text, path: path, minFit: minFit, maxComplexity: maxComplexity)
        guard !changes.isEmpty else { return [] }
        let temporary = path + ".calibrate.tmp"
        do {
            let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0o644
            try Data(edited.utf8).write(to: URL(fileURLWithPath: temporary))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
            try check(temporary, path: path, minFit: minFit, maxComplexity: maxComplexity)
            guard rename(temporary, path) == 0 else { throw EditError(description: "\(path): cannot replace: \(String(cString: strerror(errno)))") }
        } catch let error as EditError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw EditError(description: "\(path): cannot write: \(error.localizedDescription)")
        }
        return changes
    }

    /// Loads the edited copy before it replaces the file: it must be a valid config whose
    /// `auto.min_fit` and `auto.max_complexity` are the new values (so the right lines changed).
    private static func check(_ temporary: String, path: String, minFit: Double, maxComplexity: Double) throws(EditError) {
        let config: RoutesConfig
        do {
            config = try ConfigLoader.load(path: temporary)
        } catch {
            throw EditError(description: "\(path): the edited file would not load, left unchanged: \(error.description)")
        }
        guard config.auto.minFit == minFit, config.auto.maxComplexity == maxComplexity else {
            throw EditError(description: "\(path): after the edit auto.min_fit / auto.max_complexity read \(config.auto.minFit) / \(config.auto.maxComplexity), not the new values; left unchanged, set them by hand")
        }
    }

    /// The key of a `  key: value` line (indented, not a comment), else `nil`.
    static func key(of line: String) -> String? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count < line.count, !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { return nil }
        return String(trimmed[..<colon])
    }

    /// `line` with its scalar value replaced by `value`, the indentation and any trailing
    /// comment kept (the comment stays in its column when the new value fits before it).
    static func replaceValue(in line: String, with value: String) -> String? {
        if line.hasSuffix("\r") { return replaceValue(in: String(line.dropLast()), with: value).map { $0 + "\r" } }
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let head = line[...colon]
        let rest = line[line.index(after: colon)...]
        let valueStart = rest.firstIndex { $0 != " " && $0 != "\t" } ?? rest.endIndex
        let comment = rest.range(of: " #").map { rest[$0.lowerBound...] } ?? rest[rest.endIndex...]
        let oldValue = rest[valueStart..<comment.startIndex].trimmingCharacters(in: .whitespaces)
        guard !oldValue.isEmpty, Double(oldValue) != nil else { return nil }
        let gap = String(rest[rest.startIndex..<valueStart])
        var edited = String(head) + (gap.isEmpty ? " " : gap) + value
        if !comment.isEmpty {
            let column = line.distance(from: line.startIndex, to: comment.startIndex)
            let padding = max(column - edited.count, 0)
            edited += String(repeating: " ", count: padding) + comment
        }
        return edited
    }

    private static func isBlank(_ text: Substring) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }
}
