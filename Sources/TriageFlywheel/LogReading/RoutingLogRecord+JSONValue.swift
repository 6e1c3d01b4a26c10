import TriageJSON
import TriageLog

extension RoutingLogRecord {
    /// Decodes a record from a line already parsed by TriageJSON's `JSONParser` (no second parse),
    /// through the record's own `Codable` conformance.
    /// - Throws: `DecodingError` when `value` is not a routing log record.
    public init(json value: JSONValue) throws {
        self = try RoutingLogRecord(from: JSONValueDecoder(value))
    }
}
