/// A prompt split into lowercased word tokens, stored as Unicode scalar values in one flat buffer
/// (no `String` per word), with each word's deterministic hash.
///
/// Produced by ``Tokenizer/tokenize(_:)``; consumed by both scores so a prompt is tokenized once.
public struct TokenizedPrompt: Sendable, Equatable {
    /// The lowercased scalar values of all words, concatenated without separators.
    public internal(set) var scalars: [UInt32] = []
    /// Word `i` spans `scalars[wordStarts[i] ..< wordStarts[i + 1]]`; holds `wordCount + 1` entries.
    public internal(set) var wordStarts: [Int] = [0]
    /// FNV-1a 64 of each word's UTF-8 bytes (see ``Tokenizer/wordHash(_:)``).
    public internal(set) var wordHashes: [UInt64] = []

    /// The number of word tokens.
    public var wordCount: Int { wordHashes.count }

    /// Word `i` as a `String` (for explanations and training name maps; not used on the hot path).
    public func word(_ i: Int) -> String {
        var text = String.UnicodeScalarView()
        for value in scalars[wordStarts[i] ..< wordStarts[i + 1]] {
            if let scalar = Unicode.Scalar(value) { text.append(scalar) }
        }
        return String(text)
    }
}
