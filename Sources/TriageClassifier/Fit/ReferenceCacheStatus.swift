/// What happened with the on-disk cache when a ``ReferenceIndex`` was loaded.
public enum ReferenceCacheStatus: Sendable, Equatable {
    /// No cache directory was given (or the index was built in memory).
    case notUsed
    /// The index was read from this cache file instead of being rebuilt.
    case loaded(path: String)
    /// The index was built and saved to this cache file.
    case written(path: String)
    /// The index was built but could not be cached; serving is unaffected, the next start rebuilds.
    case writeFailed(path: String, reason: String)
}
