import Yams

/// Typed scalar readers. Each reports a problem and returns `nil` on failure.
extension ConfigParser {
    /// A non-empty string from a scalar.
    mutating func string(_ node: Node, field: String) -> String? {
        guard case let .scalar(scalar) = node else {
            report(line: node.line, field: field, "expected a string, got \(node.shortDescription)")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(line: node.line, field: field, "must not be empty")
            return nil
        }
        return scalar.string
    }

    /// An integer.
    mutating func int(_ node: Node, field: String) -> Int? {
        guard let value = node.int else {
            report(line: node.line, field: field, "expected an integer, got \(node.shortDescription)")
            return nil
        }
        return value
    }

    /// A finite number (integers are accepted).
    mutating func number(_ node: Node, field: String) -> Double? {
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            report(line: node.line, field: field, "expected a number, got \(node.shortDescription)")
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func bool(_ node: Node, field: String) -> Bool? {
        guard let value = node.bool else {
            report(line: node.line, field: field, "expected true or false, got \(node.shortDescription)")
            return nil
        }
        return value
    }

    /// A single string or a list of strings, as a list.
    mutating func stringList(_ node: Node, field: String) -> [String]? {
        switch node {
        case .scalar:
            return string(node, field: field).map { [$0] }
        case let .sequence(sequence):
            var values: [String] = []
            var ok = true
            for (index, item) in sequence.enumerated() {
                if let value = string(item, field: "\(field)[\(index)]") {
                    values.append(value)
                } else {
                    ok = false
                }
            }
            return ok ? values : nil
        case .mapping, .alias:
            report(line: node.line, field: field, "expected a string or a list of strings, got \(node.shortDescription)")
            return nil
        }
    }

    /// A number `> 0`.
    mutating func positiveNumber(_ node: Node, field: String) -> Double? {
        guard let value = number(node, field: field) else { return nil }
        guard value > 0 else {
            report(line: node.line, field: field, "must be greater than 0, got \(node.rawText)")
            return nil
        }
        return value
    }

    /// A number `>= 0`.
    mutating func nonNegativeNumber(_ node: Node, field: String) -> Double? {
        guard let value = number(node, field: field) else { return nil }
        guard value >= 0 else {
            report(line: node.line, field: field, "must not be negative, got \(node.rawText)")
            return nil
        }
        return value
    }

    /// An integer `> 0`.
    mutating func positiveInt(_ node: Node, field: String) -> Int? {
        guard let value = int(node, field: field) else { return nil }
        guard value > 0 else {
            report(line: node.line, field: field, "must be greater than 0, got \(node.rawText)")
            return nil
        }
        return value
    }

    /// An integer `>= 0`.
    mutating func nonNegativeInt(_ node: Node, field: String) -> Int? {
        guard let value = int(node, field: field) else { return nil }
        guard value >= 0 else {
            report(line: node.line, field: field, "must not be negative, got \(node.rawText)")
            return nil
        }
        return value
    }
}

extension Node {
    /// The scalar text as written (for echoing numbers back in messages).
    var rawText: String { scalar?.string ?? shortDescription }
}
