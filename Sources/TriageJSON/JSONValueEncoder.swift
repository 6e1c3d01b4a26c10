/// An `Encoder` that builds a ``JSONValue`` through a type's own `Encodable` conformance, for
/// ``JSONWriter`` to write: the one JSON writer, also for `Codable` types (reports, feedback,
/// model files). Optionals left `nil` are left out, as with Foundation's encoder.
public struct JSONValueEncoder: Encoder {
    let slot: Slot
    public let codingPath: [any CodingKey]
    public var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(slot: Slot, codingPath: [any CodingKey]) {
        self.slot = slot
        self.codingPath = codingPath
    }

    /// `value` as a JSON value.
    /// - Throws: `EncodingError` when a number is not finite (JSON has no NaN or infinity).
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try box(value, path: []).json
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if slot.members == nil { slot.members = [:] }
        return KeyedEncodingContainer(KeyedContainer<Key>(slot: slot, codingPath: codingPath))
    }

    public func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if slot.items == nil { slot.items = [] }
        return UnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    public func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot, codingPath: codingPath)
    }

    /// Where one value is being built: a finished scalar, or an object's or array's slots.
    final class Slot {
        var scalar: JSONValue?
        var members: [String: Slot]?
        var items: [Slot]?

        init(_ scalar: JSONValue? = nil) { self.scalar = scalar }

        var json: JSONValue {
            if let scalar { return scalar }
            if let items { return .array(items.map(\.json)) }
            return .object((members ?? [:]).mapValues(\.json))
        }
    }

    /// A slot holding `value`: scalars and ``JSONValue`` directly, anything else through `encode(to:)`.
    static func box<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> Slot {
        if let json = value as? JSONValue { return Slot(json) }
        if let text = value as? String { return Slot(.string(text)) }
        if let flag = value as? Bool { return Slot(.bool(flag)) }
        if let number = value as? any BinaryFloatingPoint {
            // A `Float` keeps its own shortest form (0.1, not 0.100000001...).
            let double = (value as? Float).flatMap { Double("\($0)") } ?? Double(number)
            guard double.isFinite else {
                throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "\(double) is not a JSON number"))
            }
            return Slot(.number(double))
        }
        if let integer = value as? any BinaryInteger { return Slot(.number(Double(integer))) }
        let slot = Slot()
        try value.encode(to: JSONValueEncoder(slot: slot, codingPath: path))
        return slot
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { slot.members?[key.stringValue] = Slot(.null) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: String, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(value, key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(value, key) }
        private func put<T: Encodable>(_ value: T, _ key: Key) throws {
            slot.members?[key.stringValue] = try JSONValueEncoder.box(value, path: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            superEncoder(forKey: key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            superEncoder(forKey: key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { child(named: "super", path: codingPath) }

        mutating func superEncoder(forKey key: Key) -> any Encoder { child(named: key.stringValue, path: codingPath + [key]) }

        private func child(named name: String, path: [any CodingKey]) -> any Encoder {
            let child = Slot()
            slot.members?[name] = child
            return JSONValueEncoder(slot: child, codingPath: path)
        }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]
        var count: Int { slot.items?.count ?? 0 }

        mutating func encodeNil() throws { slot.items?.append(Slot(.null)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try append(value) }
        mutating func encode(_ value: Bool) throws { try append(value) }
        mutating func encode(_ value: String) throws { try append(value) }
        mutating func encode(_ value: Double) throws { try append(value) }
        mutating func encode(_ value: Float) throws { try append(value) }
        mutating func encode(_ value: Int) throws { try append(value) }
        mutating func encode(_ value: Int8) throws { try append(value) }
        mutating func encode(_ value: Int16) throws { try append(value) }
        mutating func encode(_ value: Int32) throws { try append(value) }
        mutating func encode(_ value: Int64) throws { try append(value) }
        mutating func encode(_ value: UInt) throws { try append(value) }
        mutating func encode(_ value: UInt8) throws { try append(value) }
        mutating func encode(_ value: UInt16) throws { try append(value) }
        mutating func encode(_ value: UInt32) throws { try append(value) }
        mutating func encode(_ value: UInt64) throws { try append(value) }
        private func append<T: Encodable>(_ value: T) throws {
            slot.items?.append(try JSONValueEncoder.box(value, path: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            superEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { superEncoder().unkeyedContainer() }

        mutating func superEncoder() -> any Encoder {
            let child = Slot()
            slot.items?.append(child)
            return JSONValueEncoder(slot: child, codingPath: codingPath)
        }
    }

    private struct SingleValueContainer: SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { slot.scalar = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try set(value) }
        mutating func encode(_ value: Bool) throws { try set(value) }
        mutating func encode(_ value: String) throws { try set(value) }
        mutating func encode(_ value: Double) throws { try set(value) }
        mutating func encode(_ value: Float) throws { try set(value) }
        mutating func encode(_ value: Int) throws { try set(value) }
        mutating func encode(_ value: Int8) throws { try set(value) }
        mutating func encode(_ value: Int16) throws { try set(value) }
        mutating func encode(_ value: Int32) throws { try set(value) }
        mutating func encode(_ value: Int64) throws { try set(value) }
        mutating func encode(_ value: UInt) throws { try set(value) }
        mutating func encode(_ value: UInt8) throws { try set(value) }
        mutating func encode(_ value: UInt16) throws { try set(value) }
        mutating func encode(_ value: UInt32) throws { try set(value) }
        mutating func encode(_ value: UInt64) throws { try set(value) }
        private func set<T: Encodable>(_ value: T) throws {
            let boxed = try JSONValueEncoder.box(value, path: codingPath)
            slot.scalar = boxed.scalar
            slot.members = boxed.members
            slot.items = boxed.items
        }
    }
}
