import Yams

/// Turns YAML text into a ``RoutesConfig``, collecting every problem as a
/// ``ConfigIssue`` instead of stopping at the first.
struct ConfigParser {
    /// File name used in issues.
    let sourceName: String
    /// Problems in the order they were found.
    private(set) var issues: [ConfigIssue] = []
    /// Finding types a rule or `log.redact` may name: the built-in ones and `privacy.patterns`.
    var knownSensitiveTypes = Set(SensitiveType.builtIn)

    init(sourceName: String) {
        self.sourceName = sourceName
    }

    /// Issues sorted by line; issues on the same line keep their discovery order.
    var sortedIssues: [ConfigIssue] {
        issues.enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }

    /// Records a problem.
    mutating func report(line: Int, field: String, _ message: String) {
        issues.append(ConfigIssue(file: sourceName, line: line, field: field, message: message))
    }

    /// Parses `yaml`; returns `nil` if any issue was reported.
    mutating func parse(_ yaml: String) -> RoutesConfig? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            reportSyntax(error, in: yaml)
            return nil
        } catch {
            report(line: 1, field: "", "invalid YAML: \(error)")
            return nil
        }
        guard let root, !root.isNull else {
            report(line: 1, field: "", "the file is empty; expected at least 'backends' and 'auto'")
            return nil
        }
        guard case .mapping = root else {
            report(
                line: root.line, field: "",
                "the top level must be a mapping of fields (\(Self.topLevelKeys.joined(separator: ", "))), got \(root.shortDescription)"
            )
            return nil
        }
        guard let top = fields(of: root, path: "", known: Self.topLevelKeys) else { return nil }
        let telemetry = top.node("telemetry").flatMap { parseTelemetry($0, path: top.path("telemetry")) }
        guard var config = parseTopLevel(top) else { return nil }
        config.telemetry = telemetry
        return config
    }

    static let topLevelKeys = ["listen", "limits", "log", "models", "backends", "rules", "auto", "auth", "shutdown", "shadow", "report", "eval", "privacy", "ui", "telemetry"]

    // MARK: - Mappings

    /// Reads a mapping, reporting a non-mapping value and every unknown key.
    ///
    /// - Parameter handledElsewhere: Keys the caller reports itself with a
    ///   specific message (not listed as known, not reported as unknown).
    mutating func fields(
        of node: Node, path: String, known: [String], handledElsewhere: [String] = []
    ) -> YAMLFields? {
        guard case let .mapping(mapping) = node else {
            report(line: node.line, field: path, "expected a mapping (key: value pairs), got \(node.shortDescription)")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        var hadUnknownKeys = false
        for (key, value) in mapping {
            guard case let .scalar(scalar) = key else {
                report(line: key.line, field: path, "keys must be plain names, got \(key.shortDescription)")
                hadUnknownKeys = true
                continue
            }
            let name = scalar.string
            guard known.contains(name) || handledElsewhere.contains(name) else {
                hadUnknownKeys = true
                let unknownPath = path.isEmpty ? name : "\(path).\(name)"
                report(
                    line: key.line, field: unknownPath,
                    "unknown field '\(name)' (known: \(known.joined(separator: ", ")))"
                )
                continue
            }
            entries[name] = (key, value)
        }
        return YAMLFields(path: path, line: node.line, entries: entries, hadUnknownKeys: hadUnknownKeys)
    }

    /// Reports `key` as missing from `fields`; a key written with no value is reported at its own line.
    mutating func reportMissing(_ key: String, in fields: YAMLFields) {
        report(line: fields.line(of: key), field: fields.path, "missing required field '\(key)'")
    }

    // MARK: - Syntax errors

    private mutating func reportSyntax(_ error: YamlError, in yaml: String) {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let where_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            report(line: mark.line, field: "", "invalid YAML: \(problem)\(where_)")
        case let .reader(problem, offset, _, _):
            let line = offset.map { offset in
                yaml.utf8.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            } ?? 1
            report(line: line, field: "", "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report(
                line: context.mark.line, field: "",
                "duplicate key \(keys) in the same mapping; each key may appear only once"
            )
        default:
            report(line: 1, field: "", "invalid YAML: \(error)")
        }
    }
}
