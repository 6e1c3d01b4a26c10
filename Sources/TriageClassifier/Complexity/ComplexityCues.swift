/// Word and phrase cues counted by ``ComplexityFeatures``, as tokenizer hashes (phrases as bigram hashes).
enum ComplexityCues {
    static func words(_ list: [String]) -> Set<UInt64> {
        Set(list.map(Tokenizer.wordHash))
    }

    static func phrases(_ list: [String]) -> Set<UInt64> {
        Set(list.compactMap { phrase -> UInt64? in
            let parts = Tokenizer.words(phrase)
            guard parts.count == 2 else { return nil }
            return FeatureHashing.bigram(Tokenizer.wordHash(parts[0]), Tokenizer.wordHash(parts[1]))
        })
    }

    static let constraintWords = words([
        "must", "exactly", "without", "never", "ensure", "require", "requires", "required", "requirement",
        "requirements", "constraint", "constraints", "mandatory", "strictly", "precisely", "only",
    ])
    static let constraintPhrases = phrases([
        "at least", "at most", "do not", "don't", "must not", "no more", "no less", "less than", "more than",
        "should not", "make sure",
    ])
    static let codeWords = words([
        "def", "func", "function", "class", "select", "include", "return", "import", "struct", "enum", "const",
        "var", "void", "int", "lambda", "async", "await", "println", "printf", "console", "null", "nil", "elif",
        "fn", "impl", "pub", "sql", "regex", "python", "javascript", "typescript", "rust", "swift", "java",
        "golang", "kotlin", "bash", "compile", "compiler", "segfault", "stacktrace", "exception", "debug",
        "refactor", "api", "json", "query", "algorithm", "recursion", "recursive", "thread", "threads",
    ])
    static let reasoningWords = words([
        "prove", "proof", "derive", "derivation", "analyze", "analyse", "analysis", "optimize", "optimise",
        "optimization", "compare", "contrast", "evaluate", "justify", "reasoning", "theorem", "lemma",
        "rigorous", "rigorously", "tradeoff", "tradeoffs", "implications", "complexity", "design",
        "architecture", "implement", "calculate", "solve", "estimate", "integral", "derivative", "induction",
    ])
    static let reasoningPhrases = phrases([
        "step by", "by step", "explain why", "trade off", "edge cases", "time complexity", "show that",
        "walk through", "pros and", "root cause",
    ])
}

extension ComplexityCues {
    /// Negations and "pick the odd one" cues, counted in the stem of a question.
    static let negationWords = words(["not", "except", "least", "false", "incorrect", "never", "cannot", "unlikely", "exception"])
    /// Negations that count when written in capitals ("Which is NOT …", "… EXCEPT").
    static let capitalNegations = words(["not", "except", "least", "false", "incorrect", "never"])
    static let firstPersonWords = words(["i", "my", "me"])
    static let truthWords = words(["true", "false", "wrong"])
    static let allNoneBoth = words(["all", "none", "both"])
    static let choiceLetters = words(["a", "b", "c", "d"])
    static let above = Tokenizer.wordHash("above")
    static let these = Tokenizer.wordHash("these")
    static let the = Tokenizer.wordHash("the")
    static let of = Tokenizer.wordHash("of")
    static let both = Tokenizer.wordHash("both")
    static let and = Tokenizer.wordHash("and")
    static let percentWords = words(["percent", "percentage"])
    static let fractionWords = words(["half", "third", "quarter", "twice", "double", "triple"])
    /// Domain cues that transfer across subjects: quantitative, formal-logic, legal, moral-judgement.
    static let mathWords = words([
        "equation", "equations", "solve", "value", "integer", "integers", "sum", "product", "probability", "function",
        "polynomial", "root", "roots", "prime", "divisible", "ratio", "percent", "percentage", "area", "volume", "radius",
        "matrix", "vector", "derivative", "integral", "limit", "mean", "median", "variance", "expected", "remainder",
        "digits", "number", "numbers", "total", "average",
    ])
    static let logicWords = words([
        "statement", "statements", "true", "false", "valid", "invalid", "argument", "premise", "premises", "conclusion",
        "implies", "if", "then", "therefore", "entails", "necessarily",
    ])
    static let lawWords = words([
        "plaintiff", "defendant", "court", "statute", "contract", "jurisdiction", "tort", "negligence", "liable",
        "liability", "constitutional", "evidence", "motion", "trial", "jury", "appeal", "damages", "breach", "lawsuit",
        "testimony", "hearsay", "prosecution", "convicted", "testify",
    ])
    static let moralWords = words(["morally", "wrong", "ordinary", "standards", "scenario"])
    static let statementMarkers = phrases(["statement 1", "scenario 1"])
    static let howMany = phrases(["how many", "how much"])
    static let whichOf = FeatureHashing.bigram(Tokenizer.wordHash("which"), Tokenizer.wordHash("of"))
    static let theFollowing = FeatureHashing.bigram(Tokenizer.wordHash("the"), Tokenizer.wordHash("following"))
}

extension ComplexityCues {
    /// Bits of ``wordKinds`` / ``phraseKinds``: one hash lookup per word and per word pair.
    static let constraint: UInt16 = 1, code: UInt16 = 2, reasoning: UInt16 = 4, percent: UInt16 = 8,
               fraction: UInt16 = 16, math: UInt16 = 32, logic: UInt16 = 64, law: UInt16 = 128, moral: UInt16 = 256,
               statement: UInt16 = 512, howMuch: UInt16 = 1024, theFollowingPair: UInt16 = 2048,
               negation: UInt16 = 4096, firstPerson: UInt16 = 8192

    /// Every word cue set merged: word hash → the bits of the sets holding it.
    static let wordKinds: [UInt64: UInt16] = {
        var kinds: [UInt64: UInt16] = [:]
        for (set, bit) in [(constraintWords, constraint), (codeWords, code), (reasoningWords, reasoning),
                           (percentWords, percent), (fractionWords, fraction), (mathWords, math), (logicWords, logic),
                           (lawWords, law), (moralWords, moral), (negationWords, negation),
                           (firstPersonWords, firstPerson)] {
            for word in set { kinds[word, default: 0] |= bit }
        }
        return kinds
    }()

    /// Every phrase cue set merged: bigram hash → bits.
    static let phraseKinds: [UInt64: UInt16] = {
        var kinds: [UInt64: UInt16] = [:]
        for (set, bit) in [(constraintPhrases, constraint), (reasoningPhrases, reasoning), (statementMarkers, statement),
                           (howMany, howMuch), (Set([theFollowing]), theFollowingPair)] {
            for pair in set { kinds[pair, default: 0] |= bit }
        }
        return kinds
    }()
}
