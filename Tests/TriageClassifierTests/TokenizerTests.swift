import Testing
@testable import TriageClassifier
import TriageHashing

@Suite struct TokenizerTests {
    @Test func lowercasesAndSplitsOnNonAlphanumerics() {
        #expect(Tokenizer.words("Hello, World! It's 2024-05-01.") == ["hello", "world", "it", "s", "2024", "05", "01"])
    }

    @Test func isUnicodeAware() {
        #expect(Tokenizer.words("ÉCOLE Straße — Ünïcode…naïve") == ["école", "straße", "ünïcode", "naïve"])
        #expect(Tokenizer.words("Как дела? 東京タワー") == ["как", "дела", "東京タワー"])
        #expect(Tokenizer.words("emoji 🎉 splits") == ["emoji", "splits"])
        #expect(Tokenizer.words("") == [])
    }

    @Test func wordHashesMatchTheStringPath() {
        let tokens = Tokenizer.tokenize("Über COOL cafés")
        #expect(tokens.wordHashes == ["über", "cool", "cafés"].map(Tokenizer.wordHash))
    }

    @Test func fnvMatchesPublishedVectors() {
        #expect(FNV1a.hash64("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash64("foobar") == 0x8594_4171_f739_67e8)
        #expect(FNV1a.hex128([UInt8]()) == "6c62272e07bb014262b821756295c58d")
        #expect(FNV1a.hex128(Array("a".utf8)) == "d228cb696f1a8caf78912b704e4a8964")
    }

    @Test func featuresAreDeterministicAndIncludeCharGramsWithBoundaries() {
        let featurizer = TextFeaturizer(dimensionBits: 18)
        let first = featurizer.counts(Tokenizer.tokenize("Hello world"))
        let second = featurizer.counts(Tokenizer.tokenize("hello   WORLD"))
        #expect(first.buckets == second.buckets)
        #expect(first.counts == second.counts)
        #expect(zip(first.buckets, first.buckets.dropFirst()).allSatisfy { $0 < $1 })
        let mask = UInt64(featurizer.dimension - 1)
        for gram in [" wor", "orl", "ld ", " worl", "world"] {
            let bucket = FeatureHashing.bucket(FeatureHashing.charGram(gram.unicodeScalars.map(\.value)), mask: mask)
            #expect(first.buckets.contains(bucket), "missing char n-gram \"\(gram)\"")
        }
        let bigram = FeatureHashing.bucket(
            FeatureHashing.bigram(Tokenizer.wordHash("hello"), Tokenizer.wordHash("world")), mask: mask)
        #expect(first.buckets.contains(bigram))
    }

    @Test func vectorsAreUnitLength() {
        let index = Fixtures.bankingIndex.index
        let vector = index.vector(Tokenizer.tokenize("my card was declined"))
        let norm = vector.values.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        #expect(index.vector(Tokenizer.tokenize("!!!")).count == 0)
    }

    @Test func seededShuffleIsReproducible() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        var x = Array(0 ..< 20), y = Array(0 ..< 20)
        a.shuffle(&x)
        b.shuffle(&y)
        #expect(x == y)
        #expect(x != Array(0 ..< 20))
    }
}

@Suite struct BucketSortTests {
    @Test(arguments: [0, 1, 7, 512, 513, 5_000])
    func sortBucketsMatchesTheStandardSort(count: Int) {
        var random = SplitMix64(seed: UInt64(count) &+ 11)
        for bits in [8, 18, 26] {
            let values = (0 ..< count).map { _ in UInt32(truncatingIfNeeded: random.next()) & UInt32((1 << bits) - 1) }
            var sorted = values
            TextFeaturizer.sortBuckets(&sorted, bits: bits)
            #expect(sorted == values.sorted())
        }
    }
}

@Suite struct TopKTests {
    @Test(arguments: [1, 3, 16])
    func keepsTheBestKWithTiesToTheLowerIndex(k: Int) {
        var random = SplitMix64(seed: UInt64(k))
        // Few distinct scores, so ties are common.
        let offers = (0 ..< 300).map { i in (index: Int(random.next() % 1000), score: Float(random.next() % 8) / 8, order: i) }
        var top = TopK(k: k)
        for offer in offers { top.offer(offer.index, offer.score) }
        let expected = offers.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }.prefix(k)
        #expect(top.entries.map(\.index) == expected.map(\.index))
        #expect(top.entries.map(\.score) == expected.map(\.score))
        #expect(!top.admits(1000, -1))
    }
}
