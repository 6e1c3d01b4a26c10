/// A two-label key for handle caches: `{from,to}` of fallbacks and `{backend,reason}` of upstream failures.
struct PairKey: Hashable, Sendable {
    /// The first label value.
    var first: String
    /// The second label value.
    var second: String
}
