/// One entry of an inverted-index postings list: a reference document and its feature weight.
struct Posting: Sendable, Equatable {
    /// The document's position in the reference.
    var document: UInt32
    /// The document's (L2-normalised TF-IDF) weight for the feature.
    var weight: Float
}
