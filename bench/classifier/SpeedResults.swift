/// Part 3: index build, memory, latency, cache load, and the candidate search's approximation error.
struct SpeedResults: Codable {
    var referenceCount: Int
    var buildSeconds: Double
    var rssDeltaBytes: Int?
    var indexBytes: Int
    var loadBuildAndCacheWriteSeconds: Double
    var cacheLoadSeconds: Double
    var cacheLoadedFromCache: Bool
    var latencies: [LatencyResult]
    var approximationQueries: Int
    var approximationMeanAbsError: Double
    var approximationMaxAbsError: Double
    var approximationTop1Agreement: Double
}
