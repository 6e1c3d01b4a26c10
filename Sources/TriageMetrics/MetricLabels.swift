/// Label values that ``ProxyMetrics`` derives itself, kept to small fixed sets so cardinality stays bounded.
enum MetricLabels {
    /// The backend or rule label of a request rejected before routing.
    static let none = "none"

    /// The upstream failure reasons accepted as label values; anything else is recorded as `other`.
    static let failureReasons: Set<String> = [
        "connect", "timeout", "status_5xx", "status_429", "status_4xx", "stream_interrupted", "other",
    ]

    /// A failure reason from the fixed set, or `other`.
    static func failureReason(_ reason: String) -> String {
        failureReasons.contains(reason) ? reason : "other"
    }

    /// An HTTP status code kept to the valid range; anything outside 100...599 becomes 0 (`"unknown"`).
    static func statusCode(_ status: Int) -> Int {
        (100...599).contains(status) ? status : 0
    }

    /// The label value of a status code returned by ``statusCode(_:)``.
    static func statusLabel(_ code: Int) -> String {
        code == 0 ? "unknown" : String(code)
    }

    /// Seconds as whole nanoseconds for a swift-metrics `Timer`: nil when not finite, negative values clamp to 0.
    static func nanoseconds(_ seconds: Double) -> Int64? {
        guard seconds.isFinite else { return nil }
        let nanos = (max(seconds, 0) * 1_000_000_000).rounded()
        return nanos < Double(Int64.max) ? Int64(nanos) : Int64.max
    }
}
