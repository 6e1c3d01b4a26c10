/// A parsed Prometheus text exposition, for assertions on ``TriageMetrics/ProxyMetrics/render()`` output.
struct Exposition {
    /// One sample line: `name{labels} value`.
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Every sample, in output order.
    var samples: [Sample] = []
    /// The `# TYPE` of each family.
    var types: [String: String] = [:]
    /// The `# HELP` text of each family.
    var help: [String: String] = [:]
    /// Lines that could not be parsed as a sample, HELP or TYPE line.
    var malformed: [String] = []

    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst("# HELP ".count)
                let parts = rest.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { malformed.append(String(line)); continue }
                help[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst("# TYPE ".count).split(separator: " ")
                guard parts.count == 2 else { malformed.append(String(line)); continue }
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("#") {
                continue
            } else if let sample = Self.parseSample(line) {
                samples.append(sample)
            } else {
                malformed.append(String(line))
            }
        }
    }

    /// The value of the sample `name` whose labels are exactly `labels`, or nil.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// All samples named `name`.
    func samples(named name: String) -> [Sample] {
        samples.filter { $0.name == name }
    }

    /// Parses `name{k="v",...} value` or `name value`; nil when the line is not of that shape.
    static func parseSample(_ line: Substring) -> Sample? {
        var index = line.startIndex
        while index < line.endIndex, isNameCharacter(line[index], first: index == line.startIndex) {
            index = line.index(after: index)
        }
        let name = String(line[line.startIndex..<index])
        guard !name.isEmpty, index < line.endIndex else { return nil }

        var labels: [String: String] = [:]
        if line[index] == "{" {
            index = line.index(after: index)
            while index < line.endIndex, line[index] != "}" {
                let keyStart = index
                while index < line.endIndex, isNameCharacter(line[index], first: index == keyStart),
                    line[index] != ":"
                {
                    index = line.index(after: index)
                }
                let key = String(line[keyStart..<index])
                guard !key.isEmpty, index < line.endIndex, line[index] == "=" else { return nil }
                index = line.index(after: index)
                guard index < line.endIndex, line[index] == "\"" else { return nil }
                index = line.index(after: index)
                var value = ""
                var closed = false
                while index < line.endIndex {
                    let character = line[index]
                    index = line.index(after: index)
                    if character == "\\" {
                        guard index < line.endIndex else { return nil }
                        let escaped = line[index]
                        index = line.index(after: index)
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: return nil
                        }
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed, labels[key] == nil else { return nil }
                labels[key] = value
                if index < line.endIndex, line[index] == "," {
                    index = line.index(after: index)
                }
            }
            guard index < line.endIndex else { return nil }
            index = line.index(after: index)  // "}"
        }
        guard index < line.endIndex, line[index] == " " else { return nil }
        let valueText = line[line.index(after: index)...]
        guard let value = Double(valueText) ?? specialValue(valueText) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func specialValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return nil
        }
    }

    private static func isNameCharacter(_ character: Character, first: Bool) -> Bool {
        guard character.isASCII else { return false }
        if character.isLetter || character == "_" || character == ":" { return true }
        return !first && character.isNumber
    }
}
