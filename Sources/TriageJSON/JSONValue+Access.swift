/// Typed accessors, and JSON text in and out through ``JSONParser`` and ``JSONWriter``.
extension JSONValue {
    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The number, if this is a number.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an `Int`, if this is a finite whole number in `Int`'s range.
    public var intValue: Int? {
        guard case .number(let value) = self, value.isFinite, value.rounded() == value,
              abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A number value from an `Int`.
    public static func int(_ value: Int) -> JSONValue { .number(Double(value)) }

    /// Parses JSON text; nil when it is not valid JSON.
    public static func parse(_ text: String) -> JSONValue? {
        try? JSONParser.parse(Array(text.utf8))
    }

    /// Compact JSON text with sorted keys (deterministic output).
    public var serialized: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }
}
