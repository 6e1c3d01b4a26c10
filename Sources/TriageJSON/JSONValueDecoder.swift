/// A `Decoder` over an already parsed ``JSONValue``, so JSON is parsed by the fast ``JSONParser``
/// and still decoded through the types' own `Codable` conformances (new fields of
/// `RoutingLogRecord` decode here without changes). ``JSONCoding`` wraps it for bytes.
///
/// Foundation's `JSONDecoder` was measured at ~8k records/s on 1.6 KB records, most of it spent
/// in errors thrown while `JSONValue` probes for the type of each message member; here a
/// `JSONValue` member is handed over as it is.
public struct JSONValueDecoder: Decoder {
    let value: JSONValue
    public let codingPath: [any CodingKey]
    public var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// A decoder of `value`, found at `codingPath` of the document.
    public init(_ value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw Self.mismatch([String: JSONValue].self, value, codingPath) }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    public func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw Self.mismatch([JSONValue].self, value, codingPath) }
        return UnkeyedContainer(items: items, codingPath: codingPath)
    }

    public func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }

    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found \(value)"))
    }

    /// Decodes a `T` from `value`: a `JSONValue` as is, scalars directly, anything else through its `init(from:)`.
    static func unbox<T: Decodable>(_ type: T.Type, from value: JSONValue, path: [any CodingKey]) throws -> T {
        if let same = value as? T { return same }
        if let scalar: T = scalar(value) { return scalar }
        if T.self is any BinaryInteger.Type || T.self is any BinaryFloatingPoint.Type || T.self == String.self || T.self == Bool.self {
            throw mismatch(type, value, path)
        }
        return try T(from: JSONValueDecoder(value, codingPath: path))
    }

    /// `value` as a `T` when `T` is a string, boolean or number type it can be represented in exactly.
    static func scalar<T>(_ value: JSONValue) -> T? {
        switch value {
        case .string(let text): return text as? T
        case .bool(let flag): return flag as? T
        case .number(let number):
            if let result = number as? T { return result }
            if let integer = T.self as? any BinaryInteger.Type { return integer.init(exactly: number) as? T }
            if T.self == Float.self { return Float(number) as? T }
            return nil
        default: return nil
        }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let member = members[key.stringValue] else { return true }
            return member == .null
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, key) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, key) }
        private func value<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
            guard let member = members[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member '\(key.stringValue)'"))
            }
            return try JSONValueDecoder.unbox(type, from: member, path: codingPath + [key])
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let member = members[key.stringValue], member != .null else { return nil }
            return try JSONValueDecoder.unbox(type, from: member, path: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONValueDecoder(members[key.stringValue] ?? .null, codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoder(members[key.stringValue] ?? .null, codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { JSONValueDecoder(.object(members), codingPath: codingPath) }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoder(members[key.stringValue] ?? .null, codingPath: codingPath + [key])
        }
    }

    private struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        init(items: [JSONValue], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        private func current() throws -> JSONValue {
            guard currentIndex < items.count else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "array ended"))
            }
            return items[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard try current() == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) }
        private mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
            let value = try JSONValueDecoder.unbox(type, from: try current(), path: codingPath + [IndexKey(currentIndex)])
            currentIndex += 1
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let container = try JSONValueDecoder(try current(), codingPath: codingPath + [IndexKey(currentIndex)]).container(keyedBy: type)
            currentIndex += 1
            return container
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let container = try JSONValueDecoder(try current(), codingPath: codingPath + [IndexKey(currentIndex)]).unkeyedContainer()
            currentIndex += 1
            return container
        }

        mutating func superDecoder() throws -> any Decoder {
            let decoder = JSONValueDecoder(try current(), codingPath: codingPath)
            currentIndex += 1
            return decoder
        }
    }

    private struct SingleValueContainer: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value == .null }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONValueDecoder.unbox(type, from: value, path: codingPath)
        }
        func decode(_ type: Bool.Type) throws -> Bool { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: String.Type) throws -> String { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Float.Type) throws -> Float { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Int.Type) throws -> Int { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try JSONValueDecoder.unbox(type, from: value, path: codingPath) }
    }
}

/// The position of an array item in a coding path (`[3]` in error messages).
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
