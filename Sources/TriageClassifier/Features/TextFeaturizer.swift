import Foundation
import TriageHashing

/// Turns a tokenized prompt into hashed feature counts: word unigrams and bigrams plus character
/// 3–5-grams taken inside each word padded with one space on either side (so "world" gives
/// " wo", "wor", …, "ld ", " wor", …, " worl", …).
public struct TextFeaturizer: Sendable, Equatable {
    /// The number of hash buckets (a power of two).
    public let dimension: Int
    /// Shortest character n-gram.
    public let minCharGram: Int
    /// Longest character n-gram.
    public let maxCharGram: Int

    /// Creates a featurizer. `dimensionBits` is clamped to 8...26 (256 to 64 M buckets); the
    /// n-gram range to 1...8.
    public init(dimensionBits: Int = 18, minCharGram: Int = 3, maxCharGram: Int = 5) {
        let bits = min(max(dimensionBits, 8), 26)
        dimension = 1 << bits
        let low = min(max(minCharGram, 1), 8)
        self.minCharGram = low
        self.maxCharGram = min(max(maxCharGram, low), 8)
    }

    /// Hashed feature counts of `tokens`, sorted by bucket, one entry per distinct bucket.
    public func counts(_ tokens: TokenizedPrompt) -> (buckets: [UInt32], counts: [Float]) {
        let mask = UInt64(dimension - 1)
        var raw: [UInt32] = []
        let perWord = (maxCharGram - minCharGram + 1)
        raw.reserveCapacity(tokens.scalars.count * perWord + tokens.wordCount * (2 + 2 * perWord) + 4)
        let hashes = tokens.wordHashes
        tokens.scalars.withUnsafeBufferPointer { scalars in
            for w in 0 ..< hashes.count {
                raw.append(FeatureHashing.bucket(FeatureHashing.unigram(hashes[w]), mask: mask))
                if w > 0 {
                    raw.append(FeatureHashing.bucket(FeatureHashing.bigram(hashes[w - 1], hashes[w]), mask: mask))
                }
                // Character n-grams of " word ": position 0 and length + 1 are the padding spaces.
                let start = tokens.wordStarts[w]
                let length = tokens.wordStarts[w + 1] - start
                let padded = length + 2
                @inline(__always) func scalar(_ p: Int) -> UInt32 {
                    (p == 0 || p == padded - 1) ? 0x20 : scalars[start + p - 1]
                }
                for first in 0 ..< padded {
                    guard first + minCharGram <= padded else { break }
                    var hash = FNV1a.offsetBasis64
                    FNV1a.feed(&hash, byte: FeatureHashing.charGramKind)
                    for p in first ..< first + minCharGram - 1 { FNV1a.feed(&hash, scalar: scalar(p)) }
                    var n = minCharGram
                    while n <= maxCharGram && first + n <= padded {
                        FNV1a.feed(&hash, scalar: scalar(first + n - 1))
                        raw.append(FeatureHashing.bucket(FeatureHashing.mix(hash), mask: mask))
                        n += 1
                    }
                }
            }
        }
        Self.sortBuckets(&raw, bits: dimension.trailingZeroBitCount)
        var buckets: [UInt32] = []
        var counts: [Float] = []
        buckets.reserveCapacity(raw.count)
        counts.reserveCapacity(raw.count)
        for bucket in raw {
            if let last = buckets.last, last == bucket {
                counts[counts.count - 1] += 1
            } else {
                buckets.append(bucket)
                counts.append(1)
            }
        }
        return (buckets, counts)
    }

    /// Sorts bucket numbers below `1 << bits` in increasing order: insertion sort for a handful,
    /// otherwise an LSD radix sort (8 bits per pass), several times faster than the standard
    /// library's merge sort here.
    static func sortBuckets(_ values: inout [UInt32], bits: Int) {
        guard values.count > 48 else {
            values.withUnsafeMutableBufferPointer { v in
                for i in v.indices.dropFirst() {
                    let value = v[i]
                    var j = i
                    while j > 0 && v[j - 1] > value {
                        v[j] = v[j - 1]
                        j -= 1
                    }
                    v[j] = value
                }
            }
            return
        }
        let count = values.count
        var scratch = [UInt32](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: 256)
        var shift = 0
        var inValues = true
        values.withUnsafeMutableBufferPointer { first in
            scratch.withUnsafeMutableBufferPointer { second in
                histogram.withUnsafeMutableBufferPointer { histogram in
                    while shift < bits {
                        let source = inValues ? first : second
                        let target = inValues ? second : first
                        for i in 0 ..< 256 { histogram[i] = 0 }
                        for value in source { histogram[Int((value >> UInt32(shift)) & 0xFF)] += 1 }
                        var total = 0
                        for i in 0 ..< 256 {
                            let n = histogram[i]
                            histogram[i] = total
                            total += n
                        }
                        for value in source {
                            let digit = Int((value >> UInt32(shift)) & 0xFF)
                            target[histogram[digit]] = value
                            histogram[digit] += 1
                        }
                        inValues.toggle()
                        shift += 8
                    }
                }
            }
        }
        if !inValues { values = scratch }
    }

    /// The TF-IDF vector of `tokens`: sublinear term frequency `1 + ln(tf)` times `idf[bucket]`,
    /// L2-normalised.
    public func vector(_ tokens: TokenizedPrompt, idf: [Float]) -> SparseVector {
        let (buckets, counts) = self.counts(tokens)
        var values = counts
        idf.withUnsafeBufferPointer { idf in
            for i in values.indices {
                let bucket = Int(buckets[i])
                let weight = bucket < idf.count ? idf[bucket] : 1
                let count = counts[i]
                values[i] = (count == 1 ? 1 : 1 + logf(count)) * weight
            }
        }
        var vector = SparseVector(indices: buckets, values: values)
        vector.normalize()
        return vector
    }
}
