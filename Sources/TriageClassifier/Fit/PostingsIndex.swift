import Foundation
import TriageHashing

/// The TF-IDF index behind ``ReferenceIndex``, built for exact top-k cosine in microseconds.
///
/// Buckets are split by document frequency. **Short** buckets (df ≤ `longThreshold`) keep an
/// inverted postings list (CSR: `offsets` + `postings`). **Long** buckets (frequent features such
/// as " th" or, in a narrow domain, "card") would make the postings walk cost most of the
/// reference per query, so they are stored per document instead (`forwardOffsets` +
/// `forwardEntries`, with compact feature ids) together with each document's long-part norm.
///
/// Scoring a query q = q_short + q_long: the short part is accumulated exactly through the
/// postings (recording which documents it touches, so the per-query work does not grow with the
/// reference size). Candidates are then the ``boundCandidateCount`` documents with the highest
/// upper bound `partial + ‖q_long‖‖d_long‖` (≤ 1 by Cauchy–Schwarz), the ``candidateCount`` with the highest
/// short-part score (those sharing the query's distinctive features), and any document whose
/// bucket set equals the query's (so a copied reference prompt always finds itself). Candidates
/// are rescored exactly with their long entries and the top k returned. This approximates
/// brute-force top-k (a document sharing mostly frequent features can be missed); it is exact
/// when the query has no long features or the reference is small. The calibration prompts are
/// scored by the same procedure, so the calibrated p-value stays consistent; the benchmark
/// reports the measured error against brute force (`exhaustive: true`).
struct PostingsIndex: Sendable {
    let featurizer: TextFeaturizer
    let documentCount: Int
    /// Smoothed IDF per bucket: `ln((1 + N) / (1 + df)) + 1`; unseen buckets get the largest value.
    let idf: [Float]
    /// Per bucket: the compact id of a long bucket, or -1 for a short one.
    let longIds: [Int32]
    /// Postings of short bucket `b` are `postings[offsets[b] ..< offsets[b + 1]]`, by increasing document.
    let offsets: [UInt32]
    let postings: [Posting]
    /// Long entries of document `d` are `forwardEntries[forwardOffsets[d] ..< forwardOffsets[d + 1]]`
    /// (`Posting.document` holds the compact long-feature id there).
    let forwardOffsets: [UInt32]
    let forwardEntries: [Posting]
    /// ‖d_long‖ per document.
    let longNorms: [Float]
    /// Number of long buckets.
    let longCount: Int
    /// Sorted keys (``featureSetKey(_:)``) of every document, and the document of each key: a
    /// query identical to a reference prompt always gets that prompt as a candidate.
    let duplicateKeys: [UInt64]
    let duplicateDocuments: [UInt32]
    /// Documents by decreasing ‖d_long‖ (ties by increasing index); derived, not cached. Documents
    /// that share no short feature with a query are candidates in this order.
    let documentsByLongNorm: [UInt32]
    /// The distinct words of the reference (their ``Tokenizer`` hashes), sorted: exact, unlike a
    /// word's hashed unigram bucket, which another feature may share.
    let vocabulary: [UInt64]

    /// A key of a vector's set of buckets (equal for identical prompts).
    static func featureSetKey(_ buckets: [UInt32]) -> UInt64 {
        var hash = FNV1a.offsetBasis64
        for bucket in buckets {
            withUnsafeBytes(of: bucket.littleEndian) { for byte in $0 { FNV1a.feed(&hash, byte: byte) } }
        }
        return hash
    }

    /// Documents whose bucket set has `key` (binary search in ``duplicateKeys``).
    func duplicates(of key: UInt64) -> ArraySlice<UInt32> {
        var low = 0, high = duplicateKeys.count
        while low < high {
            let mid = (low + high) / 2
            if duplicateKeys[mid] < key { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < duplicateKeys.count && duplicateKeys[end] == key { end += 1 }
        return duplicateDocuments[low ..< end]
    }

    /// The document frequency above which a bucket is stored per document rather than inverted.
    static func longThreshold(documentCount: Int) -> Int {
        max(32, documentCount / 64)
    }

    /// How many documents are rescored exactly when the query has long features: the
    /// ``candidateCount`` best by short-part score plus the ``boundCandidateCount`` best by upper
    /// bound (the lists overlap; fewer bound candidates made ~20-token queries about 30% faster at
    /// no measured cost on CLINC150/banking77).
    static let candidateCount = 32
    static let boundCandidateCount = 16

    /// Builds the index of `documents` (already tokenized).
    init(documents: [TokenizedPrompt], featurizer: TextFeaturizer) {
        let dimension = featurizer.dimension
        let counted = documents.map { featurizer.counts($0) }
        var documentFrequency = [UInt32](repeating: 0, count: dimension)
        for doc in counted {
            for bucket in doc.buckets { documentFrequency[Int(bucket)] += 1 }
        }
        let n = Float(documents.count)
        let idf = documentFrequency.map { logf((1 + n) / (1 + Float($0))) + 1 }
        let threshold = UInt32(Self.longThreshold(documentCount: documents.count))
        var longIds = [Int32](repeating: -1, count: dimension)
        var longCount: Int32 = 0
        var offsets = [UInt32](repeating: 0, count: dimension + 1)
        for b in 0 ..< dimension {
            let isLong = documentFrequency[b] > threshold
            if isLong {
                longIds[b] = longCount
                longCount += 1
            }
            offsets[b + 1] = offsets[b] + (isLong ? 0 : documentFrequency[b])
        }
        var cursor = offsets
        var postings = [Posting](repeating: Posting(document: 0, weight: 0), count: Int(offsets[dimension]))
        var forwardOffsets = [UInt32](repeating: 0, count: documents.count + 1)
        var forwardEntries: [Posting] = []
        var longNorms = [Float](repeating: 0, count: documents.count)
        for (d, doc) in counted.enumerated() {
            var weights = [Float](repeating: 0, count: doc.buckets.count)
            var squares: Float = 0
            for i in doc.buckets.indices {
                let w = (1 + logf(doc.counts[i])) * idf[Int(doc.buckets[i])]
                weights[i] = w
                squares += w * w
            }
            let scale: Float = squares > 0 ? 1 / squares.squareRoot() : 0
            var longSquares: Float = 0
            for i in doc.buckets.indices {
                let b = Int(doc.buckets[i])
                let weight = weights[i] * scale
                if longIds[b] >= 0 {
                    forwardEntries.append(Posting(document: UInt32(longIds[b]), weight: weight))
                    longSquares += weight * weight
                } else {
                    postings[Int(cursor[b])] = Posting(document: UInt32(d), weight: weight)
                    cursor[b] += 1
                }
            }
            forwardOffsets[d + 1] = UInt32(forwardEntries.count)
            longNorms[d] = longSquares.squareRoot()
        }
        let keyed = counted.enumerated().map { (key: Self.featureSetKey($0.element.buckets), document: UInt32($0.offset)) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : $0.document < $1.document }
        self.init(featurizer: featurizer, documentCount: documents.count, idf: idf, longIds: longIds, offsets: offsets,
                  postings: postings, forwardOffsets: forwardOffsets, forwardEntries: forwardEntries, longNorms: longNorms,
                  duplicateKeys: keyed.map(\.key), duplicateDocuments: keyed.map(\.document),
                  vocabulary: Array(Set(documents.lazy.flatMap(\.wordHashes))).sorted())
    }

    static func orderByLongNorm(_ longNorms: [Float]) -> [UInt32] {
        longNorms.indices.sorted { longNorms[$0] != longNorms[$1] ? longNorms[$0] > longNorms[$1] : $0 < $1 }
            .map { UInt32($0) }
    }

    /// Restores an index from its parts (cache loading; the caller validates them with ``isConsistent``).
    init(featurizer: TextFeaturizer, documentCount: Int, idf: [Float], longIds: [Int32], offsets: [UInt32],
         postings: [Posting], forwardOffsets: [UInt32], forwardEntries: [Posting], longNorms: [Float],
         duplicateKeys: [UInt64], duplicateDocuments: [UInt32], vocabulary: [UInt64]) {
        self.vocabulary = vocabulary
        self.duplicateKeys = duplicateKeys
        self.duplicateDocuments = duplicateDocuments
        self.featurizer = featurizer
        self.documentCount = documentCount
        self.idf = idf
        self.longIds = longIds
        self.offsets = offsets
        self.postings = postings
        self.forwardOffsets = forwardOffsets
        self.forwardEntries = forwardEntries
        self.longNorms = longNorms
        longCount = longIds.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        documentsByLongNorm = Self.orderByLongNorm(longNorms)
    }

    /// Whether every array has the size and bounds the unchecked scoring loops rely on.
    var isConsistent: Bool {
        let dimension = featurizer.dimension
        guard idf.count == dimension, longIds.count == dimension, offsets.count == dimension + 1,
              offsets.first == 0, Int(offsets[dimension]) == postings.count,
              forwardOffsets.count == documentCount + 1, forwardOffsets.first == 0,
              Int(forwardOffsets[documentCount]) == forwardEntries.count, longNorms.count == documentCount
        else { return false }
        var nextLong: Int32 = 0
        for b in 0 ..< dimension {
            if offsets[b] > offsets[b + 1] { return false }
            if longIds[b] >= 0 {
                if longIds[b] != nextLong || offsets[b] != offsets[b + 1] { return false }
                nextLong += 1
            }
        }
        for d in 0 ..< documentCount where forwardOffsets[d] > forwardOffsets[d + 1] { return false }
        guard duplicateKeys.count == duplicateDocuments.count,
              duplicateDocuments.allSatisfy({ Int($0) < documentCount }),
              zip(duplicateKeys, duplicateKeys.dropFirst()).allSatisfy({ $0 <= $1 }),
              zip(vocabulary, vocabulary.dropFirst()).allSatisfy({ $0 < $1 }) else { return false }
        return postings.allSatisfy { Int($0.document) < documentCount }
            && forwardEntries.allSatisfy { Int($0.document) < Int(nextLong) }
    }

    /// The TF-IDF query vector of `tokens` under this index's IDF.
    func vector(_ tokens: TokenizedPrompt) -> SparseVector {
        featurizer.vector(tokens, idf: idf)
    }

    /// The `k` most similar documents (exact cosine), best first; ties go to the lower document index.
    func nearest(_ query: SparseVector, k: Int) -> [ReferenceMatch] {
        nearest(query, k: k, exhaustive: false)
    }

    /// `nearest(_:k:)`; with `exhaustive`, every document is rescored exactly (brute-force cosine,
    /// for tests and the benchmark's approximation check).
    ///
    /// Per query the work is proportional to the postings walked and the documents they touch, not
    /// to the reference size: touched documents are recorded as the postings are walked, and the
    /// untouched ones (partial score 0) are considered in the precomputed ``documentsByLongNorm``
    /// order, which gives the same candidates as a scan of every document.
    func nearest(_ query: SparseVector, k: Int, exhaustive: Bool) -> [ReferenceMatch] {
        guard k > 0, documentCount > 0, query.count > 0 else { return [] }
        let partial = UnsafeMutableBufferPointer<Float>.allocate(capacity: documentCount)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        let touched = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: documentCount)
        defer { touched.deallocate() }
        let queryLong = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(longCount, 1))
        queryLong.initialize(repeating: 0)
        defer { queryLong.deallocate() }
        var touchedCount = 0
        let queryLongNorm = accumulateShort(query, partial: partial, queryLong: queryLong,
                                            touched: touched, touchedCount: &touchedCount).squareRoot()
        if queryLongNorm == 0 {
            // Only short features: the partial scores are exact.
            var top = TopK(k: k)
            for t in 0 ..< touchedCount {
                let d = Int(touched[t])
                if partial[d] > 0 && top.admits(d, partial[d]) { top.offer(d, partial[d]) }
            }
            return top.matches
        }
        var candidates: [Int]
        if exhaustive {
            candidates = Array(0 ..< documentCount)
        } else {
            candidates = selectCandidates(partial: UnsafeBufferPointer(partial),
                                          touched: UnsafeBufferPointer(rebasing: touched[0 ..< touchedCount]),
                                          queryLongNorm: queryLongNorm, count: max(k, Self.candidateCount),
                                          boundCount: max(k, Self.boundCandidateCount))
            candidates += duplicates(of: Self.featureSetKey(query.indices)).map { Int($0) }
            candidates.sort()
        }
        var top = TopK(k: k)
        var previous = -1
        forwardOffsets.withUnsafeBufferPointer { forwardOffsets in
            forwardEntries.withUnsafeBufferPointer { entries in
                for d in candidates where d != previous {
                    previous = d
                    var score = partial[d]
                    var e = Int(forwardOffsets[d])
                    let end = Int(forwardOffsets[d + 1])
                    while e < end {
                        let entry = entries[e]
                        score += queryLong[Int(entry.document)] * entry.weight
                        e += 1
                    }
                    if score > 0 { top.offer(d, score) }
                }
            }
        }
        return top.matches
    }

    /// Adds the short features' contributions to `partial` through the postings (recording each
    /// document the first time it is reached in `touched`), scatters the long features into
    /// `queryLong` (by compact id), and returns ‖q_long‖².
    private func accumulateShort(_ query: SparseVector, partial: UnsafeMutableBufferPointer<Float>,
                                 queryLong: UnsafeMutableBufferPointer<Float>,
                                 touched: UnsafeMutableBufferPointer<UInt32>, touchedCount: inout Int) -> Float {
        offsets.withUnsafeBufferPointer { offsets in
            postings.withUnsafeBufferPointer { postings in
                longIds.withUnsafeBufferPointer { longIds in
                    var longSquares: Float = 0
                    var count = touchedCount
                    for i in 0 ..< query.count {
                        let bucket = Int(query.indices[i])
                        let weight = query.values[i]
                        let longId = longIds[bucket]
                        if longId >= 0 {
                            queryLong[Int(longId)] = weight
                            longSquares += weight * weight
                            continue
                        }
                        var p = Int(offsets[bucket])
                        let end = Int(offsets[bucket + 1])
                        while p < end {
                            let posting = postings[p]
                            let d = Int(posting.document)
                            let before = partial[d]
                            if before == 0 {
                                touched[count] = posting.document
                                count &+= 1
                            }
                            partial[d] = before + weight * posting.weight
                            p += 1
                        }
                    }
                    touchedCount = count
                    return longSquares
                }
            }
        }
    }

    /// The `boundCount` documents with the highest upper bound `partial + ‖q_long‖‖d_long‖` (≤ 1 by
    /// Cauchy–Schwarz) and the `count` with the highest short-part score (documents sharing the
    /// query's distinctive features); may contain duplicates. Touched documents are scanned; among
    /// the rest (partial 0) the bound is ‖q_long‖‖d_long‖, so they are taken in
    /// ``documentsByLongNorm`` order until one no longer enters the list.
    private func selectCandidates(partial: UnsafeBufferPointer<Float>, touched: UnsafeBufferPointer<UInt32>,
                                  queryLongNorm: Float, count: Int, boundCount: Int) -> [Int] {
        longNorms.withUnsafeBufferPointer { longNorms in
            var byBound = TopK(k: boundCount)
            var byPartial = TopK(k: count)
            for t in touched {
                let d = Int(t)
                let value = partial[d]
                let bound = value + queryLongNorm * longNorms[d]
                if bound > 0 && byBound.admits(d, bound) { byBound.offer(d, bound) }
                if value > 0 && byPartial.admits(d, value) { byPartial.offer(d, value) }
            }
            documentsByLongNorm.withUnsafeBufferPointer { order in
                for t in order {
                    let d = Int(t)
                    if partial[d] != 0 { continue }
                    let bound = queryLongNorm * longNorms[d]
                    guard bound > 0, byBound.admits(d, bound) else { break }
                    byBound.offer(d, bound)
                }
            }
            return byBound.entries.map(\.index) + byPartial.entries.map(\.index)
        }
    }

    /// The raw fit of a query: the mean of its top-`k` cosine similarities (missing neighbours
    /// count as 0, so an index smaller than `k` cannot inflate the score), minus
    /// `unseenWordPenalty` times the share of its words that no reference document contains
    /// (``unseenWordShare(_:)``), floored at 0.
    func rawScore(_ tokens: TokenizedPrompt, k: Int, unseenWordPenalty: Double) -> Double {
        guard k > 0 else { return 0 }
        let matches = nearest(vector(tokens), k: k)
        let similarity = matches.reduce(0) { $0 + $1.similarity } / Double(k)
        guard unseenWordPenalty != 0 else { return similarity }
        return max(0, similarity - unseenWordPenalty * unseenWordShare(tokens))
    }

    /// The share of the prompt's words that no reference document contains (0 for a prompt
    /// without words). A word the fine-tuning data never used is direct evidence that the prompt
    /// is about something else; the similarity alone only sees it through the query norm.
    func unseenWordShare(_ tokens: TokenizedPrompt) -> Double {
        guard tokens.wordCount > 0 else { return 0 }
        var unseen = 0
        vocabulary.withUnsafeBufferPointer { vocabulary in
            for hash in tokens.wordHashes {
                var low = 0, high = vocabulary.count
                while low < high {
                    let mid = (low + high) / 2
                    if vocabulary[mid] < hash { low = mid + 1 } else { high = mid }
                }
                if low == vocabulary.count || vocabulary[low] != hash { unseen += 1 }
            }
        }
        return Double(unseen) / Double(tokens.wordCount)
    }

    /// Bytes held by the index's arrays.
    var byteCount: Int {
        idf.count * 4 + longIds.count * 4 + offsets.count * 4 + postings.count * MemoryLayout<Posting>.stride
            + forwardOffsets.count * 4 + forwardEntries.count * MemoryLayout<Posting>.stride + longNorms.count * 4
            + duplicateKeys.count * 8 + duplicateDocuments.count * 4 + vocabulary.count * 8
            + documentsByLongNorm.count * 4
    }
}
