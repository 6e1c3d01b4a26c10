import Yams

/// The `privacy:` section, `match: {sensitive: ...}`, `log.redact` and a backend's `remote`.
extension ConfigParser {
    static let privacyKeys = ["sensitive", "types", "min_confidence", "patterns"]

    /// Parses `privacy:`; also records the pattern names as known finding types.
    mutating func parsePrivacy(_ node: Node, path: String) -> PrivacyConfig {
        var privacy = PrivacyConfig()
        guard let fields = fields(of: node, path: path, known: Self.privacyKeys) else { return privacy }
        if let value = fields.node("sensitive"), let text = string(value, field: fields.path("sensitive")) {
            if let policy = PrivacyConfig.Policy(rawValue: text) {
                privacy.policy = policy
            } else {
                report(line: value.line, field: fields.path("sensitive"), "must be local_only, mask or off, got '\(text)'")
            }
        }
        if let value = fields.node("min_confidence"), let number = number(value, field: fields.path("min_confidence")) {
            if (0...1).contains(number) {
                privacy.minConfidence = number
            } else {
                report(line: value.line, field: fields.path("min_confidence"), "must be between 0 and 1, got \(value.rawText)")
            }
        }
        if let value = fields.node("patterns") {
            privacy.patterns = parsePatterns(value, path: fields.path("patterns"))
        }
        knownSensitiveTypes = Set(privacy.knownTypes)
        if let value = fields.node("types") {
            privacy.types = sensitiveTypes(value, field: fields.path("types"))
        }
        return privacy
    }

    private mutating func parsePatterns(_ node: Node, path: String) -> [PrivacyConfig.Pattern] {
        guard case let .sequence(sequence) = node else {
            report(line: node.line, field: path, "expected a list of {name, regex}, got \(node.shortDescription)")
            return []
        }
        var patterns: [PrivacyConfig.Pattern] = []
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let fields = fields(of: item, path: itemPath, known: ["name", "regex"]) else { continue }
            guard let nameNode = fields.node("name"), let regexNode = fields.node("regex") else {
                reportMissing(fields.node("name") == nil ? "name" : "regex", in: fields)
                continue
            }
            guard let name = string(nameNode, field: fields.path("name")), let text = string(regexNode, field: fields.path("regex")) else { continue }
            let builtIn = SensitiveType.builtIn.map(\.rawValue)
            guard !builtIn.contains(name), name != "any", Self.isPatternName(name) else {
                report(line: nameNode.line, field: fields.path("name"), "must be a new name of lowercase letters, digits and '_' (not any or a built-in type: \(builtIn.joined(separator: ", ")))")
                continue
            }
            guard !patterns.contains(where: { $0.name == name }) else {
                report(line: nameNode.line, field: fields.path("name"), "duplicate pattern name '\(name)'")
                continue
            }
            do {
                patterns.append(.init(name: name, regex: try MessagePattern(text)))
            } catch {
                report(line: regexNode.line, field: fields.path("regex"), error.description)
            }
        }
        return patterns
    }

    static func isPatternName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// A list of known finding types (built-in or `privacy.patterns` names).
    mutating func sensitiveTypes(_ node: Node, field: String) -> Set<SensitiveType>? {
        guard let names = stringList(node, field: field) else { return nil }
        guard !names.isEmpty else {
            report(line: node.line, field: field, "must list at least one type")
            return nil
        }
        var types: Set<SensitiveType> = []
        for name in names {
            let type = SensitiveType(rawValue: name)
            guard knownSensitiveTypes.contains(type) else {
                let known = SensitiveType.builtIn.map(\.rawValue) + knownSensitiveTypes.subtracting(SensitiveType.builtIn).map(\.rawValue).sorted()
                report(line: node.line, field: field, "unknown sensitive type '\(name)' (known: \(known.joined(separator: ", ")))")
                return nil
            }
            types.insert(type)
        }
        return types
    }

    /// `match: {sensitive: any}` or `match: {sensitive: [card, iban]}`.
    mutating func sensitiveMatch(_ node: Node, field: String) -> SensitiveMatch? {
        if case let .scalar(scalar) = node, scalar.string == "any" { return .any }
        return sensitiveTypes(node, field: field).map(SensitiveMatch.types)
    }
}
