/// Why the index cache could not be written (reported through ``ReferenceCacheStatus``).
struct CacheWriteFailure: Error {
    let reason: String
}
