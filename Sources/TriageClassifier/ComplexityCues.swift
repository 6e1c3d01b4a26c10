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
