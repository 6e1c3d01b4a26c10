import Foundation

/// The cheap features the complexity model reads from a prompt: a dense vector of named signals
/// (length, questions, constraints, code, maths, reasoning cues, conversation depth, non-ASCII
/// share) and hashed word unigrams/bigrams. Extraction scans the UTF-8 bytes once and reuses the
/// tokenizer's word hashes; no `String` is created per word.
public struct ComplexityFeatures: Sendable, Equatable {
    /// The names of the dense features, in vector order (stored in the weights file and checked on load).
    public static let names: [String] = [
        "length.log_chars", "length.est_tokens", "length.log_words", "length.log_lines",
        "questions", "constraints", "lists", "code.fences", "code.inline", "code.keywords", "code.symbols",
        "math.expressions", "math.notation", "math.digit_share", "reasoning.cues",
        "conversation.depth", "non_ascii.share",
    ]

    /// Raw (unstandardised) dense values, aligned with ``names``.
    public var dense: [Double]
    /// L2-normalised hashed word unigrams and bigrams (sublinear tf).
    public var ngrams: SparseVector

    /// Extracts the features of `prompt` (already tokenized as `tokens`) in a conversation of
    /// `messageCount` messages, hashing n-grams into `1 << hashBits` buckets.
    public init(prompt: String, tokens: TokenizedPrompt, messageCount: Int, hashBits: Int) {
        let scan = ByteScan(prompt)
        var constraints = 0, keywords = 0, reasoning = 0
        let hashes = tokens.wordHashes
        for w in hashes.indices {
            let word = hashes[w]
            if ComplexityCues.constraintWords.contains(word) { constraints += 1 }
            if ComplexityCues.codeWords.contains(word) { keywords += 1 }
            if ComplexityCues.reasoningWords.contains(word) { reasoning += 1 }
            if w > 0 {
                let pair = FeatureHashing.bigram(hashes[w - 1], word)
                if ComplexityCues.constraintPhrases.contains(pair) { constraints += 1 }
                if ComplexityCues.reasoningPhrases.contains(pair) { reasoning += 1 }
            }
        }
        let chars = Double(max(scan.scalars, 1))
        dense = [
            log1p(Double(scan.scalars)),
            min(Double(scan.bytes) / 4, 8000) / 100,
            log1p(Double(tokens.wordCount)),
            log1p(Double(scan.newlines)),
            log1p(Double(scan.questions)),
            log1p(Double(constraints)),
            log1p(Double(scan.listItems)),
            log1p(Double(scan.fences)),
            log1p(Double(scan.inlineCode)),
            log1p(Double(keywords)),
            log1p(Double(scan.codeSymbols)),
            log1p(Double(scan.mathExpressions)),
            log1p(Double(scan.mathNotation)),
            Double(scan.digits) / chars,
            log1p(Double(reasoning)),
            log1p(Double(max(messageCount, 1))),
            Double(scan.nonASCII) / chars,
        ]
        ngrams = Self.hashedNgrams(tokens, hashBits: hashBits)
    }

    /// Hashed word unigrams and bigrams, `1 + ln(tf)`, L2-normalised.
    static func hashedNgrams(_ tokens: TokenizedPrompt, hashBits: Int) -> SparseVector {
        let mask = UInt64((1 << hashBits) - 1)
        let hashes = tokens.wordHashes
        var raw: [UInt32] = []
        raw.reserveCapacity(hashes.count * 2)
        for w in hashes.indices {
            raw.append(FeatureHashing.bucket(FeatureHashing.unigram(hashes[w]), mask: mask))
            if w > 0 { raw.append(FeatureHashing.bucket(FeatureHashing.bigram(hashes[w - 1], hashes[w]), mask: mask)) }
        }
        raw.sort()
        var vector = SparseVector()
        vector.indices.reserveCapacity(raw.count)
        vector.values.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            var j = i + 1
            while j < raw.count && raw[j] == raw[i] { j += 1 }
            vector.indices.append(raw[i])
            vector.values.append(1 + logf(Float(j - i)))
            i = j
        }
        vector.normalize()
        return vector
    }
}
