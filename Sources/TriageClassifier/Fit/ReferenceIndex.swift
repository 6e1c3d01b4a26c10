import Foundation
import TriageHashing

/// The distribution-fit index: how close a prompt is to what the local model was fine-tuned on.
///
/// Built from the reference prompts (the local model's fine-tuning data): TF-IDF over hashed word
/// unigrams/bigrams and character 3–5-grams, an inverted index for top-k cosine similarity, and a
/// raw score = mean of the top-k similarities minus `unseenWordPenalty` × the share of the
/// prompt's words that no reference prompt contains (floored at 0). Calibration: a deterministic ~10% of the prompts
/// (smallest FNV-1a hashes of their text) is held out, the index is built from the rest, and the
/// held-out raw scores become a ``CalibrationTable``; the served index is then rebuilt from all
/// prompts, keeping that table. The calibrated fit is therefore a conformal p-value.
///
/// Immutable after construction and `Sendable`: share one instance between requests and swap the
/// whole instance when the reference file changes.
public final class ReferenceIndex: Sendable {
    /// The smallest reference that can be built and calibrated.
    public static let minimumPrompts = 2

    /// The parameters the index was built with.
    public let options: ReferenceIndexOptions
    /// The held-out raw scores that calibrate ``fit(prompt:)``.
    public let calibration: CalibrationTable
    /// Whether the index came from, or was written to, the on-disk cache.
    public let cacheStatus: ReferenceCacheStatus
    let index: PostingsIndex
    let examples: [String]

    init(options: ReferenceIndexOptions, calibration: CalibrationTable, index: PostingsIndex,
         examples: [String], cacheStatus: ReferenceCacheStatus) {
        self.options = options
        self.calibration = calibration
        self.index = index
        self.examples = examples
        self.cacheStatus = cacheStatus
    }

    /// Builds and calibrates an index over `prompts` in memory (no cache).
    /// - Throws: ``ReferenceIndexError/tooFewPrompts(path:count:minimum:)`` for fewer than two prompts.
    public convenience init(prompts: [String], options: ReferenceIndexOptions = ReferenceIndexOptions()) throws(ReferenceIndexError) {
        try self.init(prompts: prompts, options: options, source: "<in-memory reference>", cacheStatus: .notUsed)
    }

    convenience init(prompts: [String], options: ReferenceIndexOptions, source: String,
                     cacheStatus: ReferenceCacheStatus) throws(ReferenceIndexError) {
        guard prompts.count >= Self.minimumPrompts else {
            throw ReferenceIndexError.tooFewPrompts(path: source, count: prompts.count, minimum: Self.minimumPrompts)
        }
        let k = max(options.k, 1)
        let featurizer = TextFeaturizer(dimensionBits: options.dimensionBits)
        let tokens = prompts.map(Tokenizer.tokenize)
        let heldOut = Self.heldOutSet(prompts, fraction: options.heldOutFraction)
        var fitTokens: [TokenizedPrompt] = []
        fitTokens.reserveCapacity(prompts.count - heldOut.count)
        for i in tokens.indices where !heldOut.contains(i) { fitTokens.append(tokens[i]) }
        let calibrationIndex = PostingsIndex(documents: fitTokens, featurizer: featurizer)
        let penalty = options.unseenWordPenalty.isFinite ? max(options.unseenWordPenalty, 0) : 0
        let scores = heldOut.sorted().map { calibrationIndex.rawScore(tokens[$0], k: k, unseenWordPenalty: penalty) }
        var normalized = options
        normalized.k = k
        normalized.unseenWordPenalty = penalty
        normalized.dimensionBits = Int(log2(Double(featurizer.dimension)))
        self.init(options: normalized, calibration: CalibrationTable(scores: scores),
                  index: PostingsIndex(documents: tokens, featurizer: featurizer),
                  examples: prompts, cacheStatus: cacheStatus)
    }

    /// The held-out positions: the `max(1, round(n × fraction))` prompts (at most n − 1) with the
    /// smallest FNV-1a hash of their text, ties broken by position. Deterministic and independent
    /// of file order for distinct texts.
    static func heldOutSet(_ prompts: [String], fraction: Double) -> Set<Int> {
        let wanted = Int((Double(prompts.count) * min(max(fraction, 0), 0.5)).rounded())
        let count = min(max(wanted, 1), prompts.count - 1)
        let ranked = prompts.enumerated().map { (hash: FNV1a.hash64($0.element), position: $0.offset) }
            .sorted { $0.hash != $1.hash ? $0.hash < $1.hash : $0.position < $1.position }
        return Set(ranked.prefix(count).map(\.position))
    }

    /// The number of reference prompts.
    public var count: Int { examples.count }

    /// True when this instance was read from the on-disk cache rather than rebuilt.
    public var loadedFromCache: Bool {
        if case .loaded = cacheStatus { return true }
        return false
    }

    /// The distribution fit of `prompt`: raw score (top-k mean similarity less the unseen-word
    /// penalty) and its calibrated p-value.
    public func fit(prompt: String) -> FitScore {
        fit(tokens: Tokenizer.tokenize(prompt))
    }

    /// The distribution fit of an already tokenized prompt.
    public func fit(tokens: TokenizedPrompt) -> FitScore {
        let raw = index.rawScore(tokens, k: options.k, unseenWordPenalty: options.unseenWordPenalty)
        return FitScore(raw: raw, calibrated: calibration.calibrated(raw))
    }

    /// The `k` reference prompts most similar to `prompt`, best first (for `triage explain`).
    public func nearest(_ prompt: String, k: Int) -> [ReferenceMatch] {
        index.nearest(index.vector(Tokenizer.tokenize(prompt)), k: k)
    }

    /// `nearest(_:k:)` by brute force (every reference prompt rescored exactly). Slow; for checking
    /// the candidate search's approximation in tests and the benchmark.
    public func nearestExhaustive(_ prompt: String, k: Int) -> [ReferenceMatch] {
        index.nearest(index.vector(Tokenizer.tokenize(prompt)), k: k, exhaustive: true)
    }

    /// The text of reference prompt `index`, or nil when out of range.
    public func example(at index: Int) -> String? {
        examples.indices.contains(index) ? examples[index] : nil
    }

    /// Approximate bytes held by the index (postings, IDF, offsets, calibration and example texts).
    public var byteCount: Int {
        index.byteCount + calibration.sortedScores.count * MemoryLayout<Double>.stride
            + examples.reduce(0) { $0 + $1.utf8.count + MemoryLayout<String>.stride }
    }
}
