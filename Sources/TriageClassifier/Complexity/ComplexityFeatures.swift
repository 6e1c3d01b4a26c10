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
        // Version 2: question structure and cues that transfer across subjects.
        "mcq.present", "stem.log_words", "mcq.choice_log_words", "mcq.choice_spread", "mcq.numeric", "mcq.overlap",
        "mcq.pairs", "mcq.truefalse", "mcq.allnone", "mcq.choice_share", "neg.caps", "neg.words",
        "numbers.count", "numbers.distinct", "numbers.in_stem", "numbers.decimal", "numbers.percent", "numbers.fraction",
        "money", "sentences.log", "sentence.mean_words", "word.mean_len", "word.long_share",
        "cue.math", "cue.logic", "cue.law", "cue.moral", "pronoun.i", "statement.marker", "caps.share",
        "paren.count", "quote.count", "which.following", "question.how_many",
    ]

    /// Raw (unstandardised) dense values, aligned with ``names``.
    public var dense: [Double]
    /// L2-normalised hashed word unigrams and bigrams (sublinear tf).
    public var ngrams: SparseVector

    /// Extracts the features of `prompt` (already tokenized as `tokens`) in a conversation of
    /// `messageCount` messages, hashing n-grams into `1 << hashBits` buckets.
    public init(prompt: String, tokens: TokenizedPrompt, messageCount: Int, hashBits: Int) {
        let scan = ByteScan(prompt)
        let structure = PromptStructure(prompt)
        var constraints = 0, keywords = 0, reasoning = 0
        var percentWords = 0, fractionWords = 0, math = 0, logic = 0, law = 0, moral = 0
        var statementMarker = false, howMany = false, whichFollowing = false
        var longWords = 0
        let hashes = tokens.wordHashes
        for w in hashes.indices {
            let word = hashes[w]
            if let kinds = ComplexityCues.wordKinds[word] {
                if kinds & ComplexityCues.constraint != 0 { constraints += 1 }
                if kinds & ComplexityCues.code != 0 { keywords += 1 }
                if kinds & ComplexityCues.reasoning != 0 { reasoning += 1 }
                if kinds & ComplexityCues.percent != 0 { percentWords += 1 }
                if kinds & ComplexityCues.fraction != 0 { fractionWords += 1 }
                if kinds & ComplexityCues.math != 0 { math += 1 }
                if kinds & ComplexityCues.logic != 0 { logic += 1 }
                if kinds & ComplexityCues.law != 0 { law += 1 }
                if kinds & ComplexityCues.moral != 0 { moral += 1 }
            }
            if tokens.wordStarts[w + 1] - tokens.wordStarts[w] >= 9 { longWords += 1 }
            if w > 0, let kinds = ComplexityCues.phraseKinds[FeatureHashing.bigram(hashes[w - 1], word)] {
                if kinds & ComplexityCues.constraint != 0 { constraints += 1 }
                if kinds & ComplexityCues.reasoning != 0 { reasoning += 1 }
                if kinds & ComplexityCues.statement != 0 { statementMarker = true }
                if kinds & ComplexityCues.howMuch != 0 { howMany = true }
                if kinds & ComplexityCues.theFollowingPair != 0 && w >= 3
                    && FeatureHashing.bigram(hashes[w - 3], hashes[w - 2]) == ComplexityCues.whichOf { whichFollowing = true }
            }
        }
        let chars = Double(max(scan.scalars, 1))
        let words = Double(max(tokens.wordCount, 1))
        let isChoice = structure.choiceCount >= 2
        var choiceMean = 0.0, choiceSpread = 0.0, choiceTotal = 0
        if isChoice {
            choiceTotal = structure.choiceWords.reduce(0, +)
            choiceMean = log1p(Double(choiceTotal) / Double(structure.choiceCount))
            choiceSpread = log1p(Double(structure.choiceWords.max() ?? 0)) - log1p(Double(structure.choiceWords.min() ?? 0))
        }
        let choices = Double(max(structure.choiceCount, 1))
        let stemWords = Double(structure.stemWords)
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
            isChoice ? 1 : 0,
            log1p(stemWords),
            choiceMean,
            choiceSpread,
            isChoice ? Double(structure.numericChoices) / choices : 0,
            isChoice ? structure.choiceOverlap : 0,
            isChoice ? Double(structure.pairChoices) / choices : 0,
            isChoice ? Double(structure.truthChoices) / choices : 0,
            isChoice && structure.allOrNone ? 1 : 0,
            isChoice ? Double(choiceTotal) / words : 0,
            log1p(Double(structure.capitalNegations)),
            log1p(Double(structure.stemNegations)),
            log1p(Double(structure.numbers)),
            log1p(Double(structure.distinctNumbers)),
            log1p(Double(structure.stemNumbers)),
            log1p(Double(structure.decimals)),
            log1p(Double(structure.percents + percentWords)),
            log1p(Double(structure.fractions + fractionWords)),
            log1p(Double(structure.dollars)),
            log1p(Double(structure.stemSentences)),
            log1p(stemWords / Double(max(structure.stemSentences, 1))),
            tokens.wordCount > 0 ? Double(tokens.scalars.count) / words : 0,
            Double(longWords) / words,
            log1p(Double(math)),
            log1p(Double(logic)),
            log1p(Double(law)),
            log1p(Double(moral)),
            Double(structure.stemFirstPerson) / max(stemWords, 1),
            statementMarker ? 1 : 0,
            Double(structure.capitals) / chars,
            log1p(Double(structure.parentheses)),
            log1p(Double(structure.quotes)),
            whichFollowing ? 1 : 0,
            howMany ? 1 : 0,
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
