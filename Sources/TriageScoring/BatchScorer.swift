import TriageClassifier
import TriageFlywheel
import TriageConfig
import TriageJSON
import TriageLog
import TriagePrivacy

/// Scores a stream of input lines with one classifier, writing one JSON line per input line.
///
/// Output lines, in input order:
/// `{"line": N, "id": ..., "fit": F|null, "similarity": S|null, "complexity": C, "decision": "local"|"remote", "decided_by": "none"|"fit"|"complexity"|"both"}`
/// (`id` only when the input has one; `fit`/`similarity` null without a reference), or for a line
/// that cannot be scored `{"line": N, "error": "..."}`. Blank lines are skipped (no output line).
/// Memory is bounded by the reader's chunk and longest line plus the output buffer.
public struct BatchScorer: Sendable {
    /// The classifier both scores come from.
    public let classifier: Classifier
    /// `auto.min_fit`: local needs fit ≥ this.
    public let minFit: Double
    /// `auto.max_complexity`: local needs complexity ≤ this.
    public let maxComplexity: Double
    /// The privacy scan and policy, and the backend a `remote` decision goes to: when set,
    /// lines with sensitive data say which types and what the guard does with a remote decision.
    public var privacy: (policy: PrivacyGuard, remote: BackendConfig?)?

    /// Longest prompt text scored, in bytes: like the proxy (`AutoRouting.maxScoredBytes`), a
    /// longer prompt is scored on its last 8 KiB, so `triage score` decides as `triage serve` does.
    public static let maxScoredBytes = 8 * 1024

    /// Output is handed to the sink in pieces of about this many bytes.
    static let flushBytes = 1 << 16

    /// Creates a scorer.
    public init(classifier: Classifier, minFit: Double, maxComplexity: Double) {
        self.classifier = classifier
        self.minFit = minFit
        self.maxComplexity = maxComplexity
    }

    /// Both scores and the decision for one input.
    public func score(_ input: ScoreInput) -> ScoreResult {
        let utf8 = input.prompt.utf8
        let text = utf8.count > Self.maxScoredBytes ? String(decoding: utf8.suffix(Self.maxScoredBytes), as: UTF8.self) : input.prompt
        let classification = classifier.classify(prompt: text, messageCount: max(input.messageCount, 1))
        let decision = Classifier.decide(
            fit: classification.fit, complexity: classification.complexity, minFit: minFit, maxComplexity: maxComplexity
        )
        var result = ScoreResult(fit: classification.fit, similarity: classification.rawSimilarity,
                                 complexity: classification.complexity, decision: decision)
        if let privacy {
            let findings = privacy.policy.scanner.scan(input.prompt)
            result.sensitive = Array(Set(findings.map(\.type.rawValue))).sorted()
            if !decision.local, let remote = privacy.remote, !privacy.policy.allows(backend: remote, findings: findings) {
                result.privacyGuard = privacy.policy.masks(backend: remote, findings: findings) ? "masked" : "kept_local"
            }
        }
        return result
    }

    /// Reads every line of `reader`, scores it, and passes the output bytes to `sink` (in pieces);
    /// each line that fails is also reported to `report` as "LINE: REASON".
    /// - Throws: the reader's error when the input cannot be read (what was scored is flushed first).
    public func run(
        reader: LineReader,
        sink: (ArraySlice<UInt8>) throws -> Void,
        report: (Int, String) -> Void
    ) throws -> BatchSummary {
        var out = JSONWriter(capacity: Self.flushBytes + 4096)
        var summary = BatchSummary()
        var lineNumber = 0
        func flush(force: Bool) throws {
            if out.count >= Self.flushBytes || (force && out.count > 0) {
                try sink(out.bytes[...])
                out.removeAll()
            }
        }
        func handle(_ bytes: ArraySlice<UInt8>) {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return }
            do {
                let input = try ScoreInput.parse(bytes)
                Self.write(line: lineNumber, input: input, result: score(input), to: &out)
                summary.scored += 1
            } catch {
                fail(error.reason)
            }
        }
        func fail(_ reason: String) {
            Self.writeError(line: lineNumber, reason: reason, to: &out)
            summary.failed += 1
            report(lineNumber, reason)
        }
        while true {
            let event: LineReader.Event
            do {
                event = try reader.next()
            } catch {
                try flush(force: true)
                throw error
            }
            switch event {
            case .line(let bytes), .unterminated(let bytes):
                lineNumber += 1
                handle(bytes)
            case .oversized(let length):
                lineNumber += 1
                fail("line of \(length) bytes is longer than the 64 MiB limit")
            case .end:
                try flush(force: true)
                summary.lines = lineNumber
                return summary
            }
            try flush(force: false)
        }
    }

    /// The members of an output line, in the order they are written.
    enum OutputKey: String, CodingKey {
        case line, id, fit, similarity, complexity, decision, sensitive, error
        case decidedBy = "decided_by"
        case privacyGuard = "privacy_guard"
    }

    /// Appends the output line for a scored input.
    public static func write(line: Int, input: ScoreInput, result: ScoreResult, to out: inout JSONWriter) {
        out.beginObject()
        out.key(OutputKey.line); out.number(line)
        if let id = input.id { out.key(OutputKey.id); out.value(id) }
        out.key(OutputKey.fit); optional(result.fit, to: &out)
        out.key(OutputKey.similarity); optional(result.similarity, to: &out)
        out.key(OutputKey.complexity); out.number(result.complexity)
        out.key(OutputKey.decision); out.string(result.decision.local ? "local" : "remote")
        out.key(OutputKey.decidedBy); out.string(result.decision.decidedBy.rawValue)
        if !result.sensitive.isEmpty { out.key(OutputKey.sensitive); out.strings(result.sensitive) }
        if let action = result.privacyGuard { out.key(OutputKey.privacyGuard); out.string(action) }
        out.endObject()
        out.raw("\n")
    }

    /// Appends the output line for an input line that could not be scored.
    public static func writeError(line: Int, reason: String, to out: inout JSONWriter) {
        out.beginObject()
        out.key(OutputKey.line); out.number(line)
        out.key(OutputKey.error); out.string(reason)
        out.endObject()
        out.raw("\n")
    }

    private static func optional(_ value: Double?, to out: inout JSONWriter) {
        if let value { out.number(value) } else { out.raw("null") }
    }
}

/// The scores and decision of one input.
public struct ScoreResult: Sendable, Equatable {
    /// Calibrated fit in [0, 1]; nil without a reference.
    public var fit: Double?
    /// Raw similarity behind `fit`; nil without a reference.
    public var similarity: Double?
    /// Complexity in [0, 1].
    public var complexity: Double
    /// Local or remote, and which score decided.
    public var decision: RoutingDecision
    /// Types of sensitive data in the prompt (when the scorer has a privacy guard).
    public var sensitive: [String] = []
    /// `kept_local` or `masked` when the privacy policy changes a remote decision.
    public var privacyGuard: String?
}

/// What a run scored.
public struct BatchSummary: Sendable, Equatable {
    /// Input lines read (blank ones included).
    public var lines = 0
    /// Lines scored.
    public var scored = 0
    /// Lines that could not be scored (each has an error output line).
    public var failed = 0

    /// Creates an empty summary.
    public init() {}
}
