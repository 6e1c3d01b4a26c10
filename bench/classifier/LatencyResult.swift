/// Latency of both scores together for one prompt length.
struct LatencyResult: Codable {
    var label: String
    var estimatedTokens: Int
    var calls: Int
    /// classify() total (tokenize + fit + complexity), microseconds.
    var p50: Double
    var p99: Double
    var fitP50: Double
    var complexityP50: Double
}
