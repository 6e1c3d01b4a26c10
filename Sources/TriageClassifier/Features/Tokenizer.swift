import TriageHashing

/// The word tokenizer shared by both scores.
///
/// Rules: text is lowercased (full Unicode lowercase mapping; ASCII on a fast path), and a word is
/// a maximal run of alphanumeric scalars — Unicode letters (`isAlphabetic`, which includes combining
/// vowel signs of Indic scripts) and numerals. Everything else (spaces, punctuation, symbols,
/// emoji) separates words, so "don't" is the two words "don" and "t". Scripts written without
/// spaces (Chinese, Japanese, Thai) come out as long words; the character n-grams still see them.
public enum Tokenizer {
    /// Tokenizes `text` (see the type's documentation for the rules).
    public static func tokenize(_ text: String) -> TokenizedPrompt {
        var result = TokenizedPrompt()
        let estimate = text.utf8.count
        result.scalars.reserveCapacity(estimate)
        result.wordStarts.reserveCapacity(estimate / 4 + 2)
        result.wordHashes.reserveCapacity(estimate / 4 + 1)
        // Local state only (no nested functions capturing it, which would cost a dynamic
        // exclusivity check per access): `hash` is FNV-1a of the current word, `inWord` whether
        // one is open.
        var scalars = result.scalars
        var wordStarts = result.wordStarts
        var wordHashes = result.wordHashes
        result = TokenizedPrompt()
        var hash = FNV1a.offsetBasis64
        var inWord = false
        var lowered = [UInt32]()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            var single: UInt32 = 0
            if value < 0x80 {
                if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) {
                    single = value
                } else if value >= 0x41 && value <= 0x5A {
                    single = value + 0x20
                }
            } else {
                let properties = scalar.properties
                if properties.isAlphabetic || properties.numericType != nil {
                    if properties.changesWhenLowercased {
                        lowered.removeAll(keepingCapacity: true)
                        for lower in properties.lowercaseMapping.unicodeScalars { lowered.append(lower.value) }
                        for lower in lowered {
                            scalars.append(lower)
                            FNV1a.feed(&hash, scalar: lower)
                        }
                        inWord = true
                        continue
                    }
                    single = value
                }
            }
            if single != 0 {
                scalars.append(single)
                FNV1a.feed(&hash, scalar: single)
                inWord = true
            } else if inWord {
                wordHashes.append(hash)
                wordStarts.append(scalars.count)
                hash = FNV1a.offsetBasis64
                inWord = false
            }
        }
        if inWord {
            wordHashes.append(hash)
            wordStarts.append(scalars.count)
        }
        result.scalars = scalars
        result.wordStarts = wordStarts
        result.wordHashes = wordHashes
        return result
    }

    /// The lowercased words of `text` as strings (convenience for training and explanations).
    public static func words(_ text: String) -> [String] {
        let tokens = tokenize(text)
        return (0 ..< tokens.wordCount).map { tokens.word($0) }
    }

    /// The hash the tokenizer gives an (already lowercased) word: FNV-1a 64 of its UTF-8 bytes.
    public static func wordHash(_ word: String) -> UInt64 {
        FNV1a.hash64(word.utf8)
    }
}
