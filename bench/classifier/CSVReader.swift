import Foundation

/// A minimal RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes).
enum CSVReader {
    /// The values of column `name` (from the header row) of the CSV file at `path`.
    static func column(_ name: String, path: String) throws -> [String] {
        let rows = parse(try String(contentsOfFile: path, encoding: .utf8))
        guard let header = rows.first, let column = header.firstIndex(of: name) else {
            throw DatasetError.unexpected(path, "no \"\(name)\" column in the header")
        }
        return rows.dropFirst().compactMap { column < $0.count ? $0[column] : nil }
    }

    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n":
                row.append(field); field = ""
                rows.append(row); row = []
            case "\r": break
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
