/// Turns the Prometheus registry's output into the text `GET /metrics` serves.
///
/// The registry emits families in hash order and, for handles made through swift-metrics, without
/// `# HELP` lines. This adds a `# HELP` line before each family's `# TYPE` line and orders the
/// families by name so the output is stable between scrapes. Lines within a family keep their order.
enum ExpositionRenderer {
    /// One metric family: its name and its lines, starting with `# TYPE`.
    private struct Family {
        var name: String
        var lines: [Substring]
    }

    /// `raw` with help lines from `help` added and families sorted by name.
    static func render(_ raw: String, help: [String: String]) -> String {
        var families: [Family] = []
        for line in raw.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst("# TYPE ".count).split(separator: " ").first.map(String.init) ?? ""
                families.append(Family(name: name, lines: [line]))
            } else if line.hasPrefix("# HELP ") {
                continue  // Replaced by the catalogue's text below.
            } else if families.isEmpty {
                families.append(Family(name: "", lines: [line]))
            } else {
                families[families.count - 1].lines.append(line)
            }
        }
        families.sort { $0.name < $1.name }

        var output = ""
        output.reserveCapacity(raw.utf8.count + families.count * 96)
        for family in families {
            if let text = help[family.name] {
                output += "# HELP \(family.name) \(escapedHelp(text))\n"
            }
            for line in family.lines {
                output += line
                output += "\n"
            }
        }
        return output
    }

    /// Help text escaped as the text format requires: backslash as `\\`, line feed as `\n`.
    static func escapedHelp(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
