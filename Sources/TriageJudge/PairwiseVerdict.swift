import TriageLog

/// What the judge said about one order of the pair: which position won.
public enum PairwiseVerdict: String, Sendable, Equatable {
    case a = "A"
    case b = "B"
    case tie = "C"

    /// Reads the verdict from the judge's reply: exactly one kind of `[[A]]`, `[[B]]`, `[[C]]`
    /// (repeated is fine). Returns the reason when there is none or the reply names two.
    public static func parse(_ reply: String) -> Result<PairwiseVerdict, VerdictParseFailure> {
        let found = [PairwiseVerdict.a, .b, .tie].filter { reply.contains("[[\($0.rawValue)]]") }
        if found.count == 1, let verdict = found.first { return .success(verdict) }
        let excerpt = String(reply.trimmingCharacters(in: .whitespacesAndNewlines).prefix(80))
        if found.isEmpty { return .failure(VerdictParseFailure(reason: "no [[A]], [[B]] or [[C]] in the judge's reply \"\(excerpt)\"")) }
        let names = found.map { "[[\($0.rawValue)]]" }.joined(separator: " and ")
        return .failure(VerdictParseFailure(reason: "the judge's reply names both \(names): \"\(excerpt)\""))
    }
}

/// Why a judge reply gave no verdict.
public struct VerdictParseFailure: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// Combines the two orders of a pairwise comparison into one grade for the local answer.
///
/// Order 1 shows the reference (remote) answer as A and the local one as B; order 2 swaps them.
/// Each verdict is turned into the local answer's side (`local`, `remote`, `tie`); the same
/// side both times is the outcome (`win`, `loss`, `tie`), different sides are a tie (the judge
/// followed the position, not the answer). A missing verdict in either order is no grade.
public enum PairwiseGrade {
    /// One order's result: the judge's reply parsed, or why there is none.
    public typealias OrderResult = Result<PairwiseVerdict, VerdictParseFailure>

    /// The local answer's side of a verdict, given whether local was shown as A.
    public static func side(_ verdict: PairwiseVerdict, localIsA: Bool) -> String {
        switch verdict {
        case .tie: return "tie"
        case .a: return localIsA ? "local" : "remote"
        case .b: return localIsA ? "remote" : "local"
        }
    }

    /// The outcome for the two orders: (`win`/`tie`/`loss` or `nil`, per-order verdicts, reason for no grade).
    public static func combine(remoteFirst: OrderResult, localFirst: OrderResult) -> (outcome: String?, verdicts: [String], error: String?) {
        var verdicts: [String] = []
        var reasons: [String] = []
        var sides: [String] = []
        for (result, localIsA, label) in [(remoteFirst, false, "remote shown first"), (localFirst, true, "local shown first")] {
            switch result {
            case .success(let verdict):
                let side = side(verdict, localIsA: localIsA)
                verdicts.append(side)
                sides.append(side)
            case .failure(let failure):
                verdicts.append("none")
                reasons.append("\(label): \(failure.reason)")
            }
        }
        guard reasons.isEmpty, sides.count == 2 else { return (nil, verdicts, "no grade: " + reasons.joined(separator: "; ")) }
        guard sides[0] == sides[1] else { return ("tie", verdicts, nil) }
        switch sides[0] {
        case "local": return ("win", verdicts, nil)
        case "remote": return ("loss", verdicts, nil)
        default: return ("tie", verdicts, nil)
        }
    }
}
