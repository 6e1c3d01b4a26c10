/// The label set of one `triage_requests_total` series.
struct RequestSeriesKey: Hashable, Sendable {
    /// The inbound endpoint, from config (for example `/v1/chat/completions`).
    var endpoint: String
    /// The backend name, or `none`.
    var backend: String
    /// The routing rule name, or `none`.
    var rule: String
    /// The HTTP status code, 0 when out of range.
    var status: Int
}
