import Testing
@testable import TriageClassifier

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
