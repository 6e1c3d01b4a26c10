import Foundation
import TriageJSON

/// Splits JSONL data into lines and parses each non-blank line as a JSON object.
enum JSONLines {
    /// Calls `body(lineNumber, object)` for every non-blank line (1-based numbers); a line that is
    /// not a JSON object is passed to `malformed(lineNumber, reason)`, which decides whether to throw.
    static func forEachObject(
        in data: Data,
        malformed: (Int, String) throws -> Void,
        _ body: (Int, [String: JSONValue]) throws -> Void
    ) throws {
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            lineNumber += 1
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            var line = data[start ..< end]
            start = end < data.endIndex ? data.index(after: end) : end
            while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line = line.dropLast() }
            while let first = line.first, first == 0x20 || first == 0x09 { line = line.dropFirst() }
            if line.isEmpty { continue }
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            let object: JSONValue
            do {
                object = try JSONParser.parse(Array(line))
            } catch {
                try malformed(lineNumber, "not valid JSON")
                continue
            }
            guard case .object(let dictionary) = object else {
                try malformed(lineNumber, "expected a JSON object")
                continue
            }
            try body(lineNumber, dictionary)
        }
    }

    /// Reads a file's bytes, mapping failures through `error`.
    static func read<E: Error>(path: String, error: (String) -> E) throws(E) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch let failure as CocoaError {
            throw error(failure.code == .fileReadNoSuchFile ? "no such file" : failure.localizedDescription)
        } catch let failure {
            throw error(String(describing: failure))
        }
    }
}
