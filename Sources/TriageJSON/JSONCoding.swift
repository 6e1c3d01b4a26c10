/// `Codable` types to and from JSON bytes through TriageJSON's own parser and writer (no
/// Foundation `JSONEncoder`/`JSONDecoder`/`JSONSerialization`): object keys sorted, `/` not
/// escaped, whole numbers without a fraction.
public enum JSONCoding {
    /// `value` as compact JSON, or indented two spaces a level (`"key" : value`) when `pretty`.
    /// - Throws: ``JSONCodingError`` when a number is not finite.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws(JSONCodingError) -> [UInt8] {
        let json: JSONValue
        do { json = try JSONValueEncoder.encode(value) } catch {
            throw JSONCodingError(message: "cannot encode \(T.self): \(JSONCodingError.describe(error))")
        }
        var writer = JSONWriter()
        if pretty { writer.pretty(json) } else { writer.value(json) }
        return writer.bytes
    }

    /// Parses `bytes` and decodes a `T` from them.
    /// - Throws: ``JSONCodingError``, saying where the JSON is broken or which member is missing or of the wrong type.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws(JSONCodingError) -> T {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw JSONCodingError(message: "invalid JSON: \(error)") }
        return try decode(type, from: value)
    }

    /// Parses `bytes` and decodes a `T` from them.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(JSONCodingError) -> T {
        try decode(type, from: bytes[...])
    }

    /// Decodes a `T` from an already parsed value.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONCodingError) -> T {
        do { return try T(from: JSONValueDecoder(value)) } catch {
            throw JSONCodingError(message: "not a valid \(T.self): \(JSONCodingError.describe(error))")
        }
    }
}

/// Why a value could not be encoded to or decoded from JSON, in words.
public struct JSONCodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. `invalid JSON: unexpected end of input at byte 12`.
    public let message: String

    public var description: String { message }

    /// A `DecodingError` or `EncodingError` as `member a.b: expected Int, found "x"`.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "" : "member " + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + ": "
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(path(context.codingPath))missing member \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            return path(context.codingPath) + context.debugDescription
        case EncodingError.invalidValue(_, let context):
            return path(context.codingPath) + context.debugDescription
        default:
            return "\(error)"
        }
    }
}
