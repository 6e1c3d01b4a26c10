/// How close an answer is to a reference answer, as in SQuAD's evaluation: both are normalised
/// (lowercased, punctuation and the articles a/an/the removed, whitespace collapsed), then
/// compared whole (exact match) and as bags of tokens (F1).
public enum AnswerMatch {
    /// The normalised tokens of `text`.
    public static func tokens(_ text: String) -> [Substring] {
        let lowered = text.lowercased()
        var cleaned = ""
        cleaned.reserveCapacity(lowered.utf8.count)
        for character in lowered {
            cleaned.append(character.isLetter || character.isNumber || character.isWhitespace ? character : " ")
        }
        return cleaned.split(whereSeparator: \.isWhitespace).filter { $0 != "a" && $0 != "an" && $0 != "the" }
    }

    /// Whether the normalised texts are equal.
    public static func exact(_ answer: String, _ reference: String) -> Bool {
        tokens(answer) == tokens(reference)
    }

    /// Token F1: the harmonic mean of precision and recall of the answer's tokens against the
    /// reference's, counting repeated tokens (1 when both are empty, 0 when only one is).
    public static func f1(_ answer: String, _ reference: String) -> Double {
        let predicted = tokens(answer), expected = tokens(reference)
        if predicted.isEmpty || expected.isEmpty { return predicted.isEmpty && expected.isEmpty ? 1 : 0 }
        var counts: [Substring: Int] = [:]
        for token in expected { counts[token, default: 0] += 1 }
        var common = 0
        for token in predicted {
            if let left = counts[token], left > 0 {
                counts[token] = left - 1
                common += 1
            }
        }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(predicted.count)
        let recall = Double(common) / Double(expected.count)
        return 2 * precision * recall / (precision + recall)
    }
}
