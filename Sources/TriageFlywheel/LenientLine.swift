import TriageLog

/// Decodes one log line as a ``RoutingLogRecord`` plus the members it does not model, in one parse.
struct LenientLine: Decodable {
    var record: RoutingLogRecord
    var shadow: ShadowComparison?

    private enum ExtraKeys: String, CodingKey {
        case shadow
    }

    init(from decoder: any Decoder) throws {
        record = try RoutingLogRecord(from: decoder)
        let extra = try decoder.container(keyedBy: ExtraKeys.self)
        shadow = try? extra.decodeIfPresent(ShadowComparison.self, forKey: .shadow)
    }
}
