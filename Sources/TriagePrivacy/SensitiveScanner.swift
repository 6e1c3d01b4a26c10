import Foundation
import TriageConfig

/// Finds sensitive values in text: e-mail addresses, phone numbers, payment cards, IBANs, US SSNs
/// and other national ids, IP addresses, API keys and secrets, and user-defined patterns.
///
/// The built-in detectors scan the UTF-8 bytes directly (no regular expressions): a few linear
/// passes, microseconds for a typical prompt. Checksums (Luhn, mod 97, ...) keep false positives
/// low; findings below ``minConfidence`` are dropped, and overlapping findings resolve to the
/// more confident (then the longer) one.
public struct SensitiveScanner: Sendable {
    /// User-defined detectors (`privacy.patterns`), run after the built-in ones.
    public let patterns: [PrivacyConfig.Pattern]
    /// Findings below this confidence are not reported.
    public let minConfidence: Double

    public init(patterns: [PrivacyConfig.Pattern] = [], minConfidence: Double = 0.5) {
        self.patterns = patterns
        self.minConfidence = minConfidence
    }

    /// A scanner for the `privacy:` section.
    public init(config: PrivacyConfig) {
        self.init(patterns: config.patterns, minConfidence: config.minConfidence)
    }

    /// Every finding in `text`, in order, without overlaps.
    public func scan(_ text: String) -> [Finding] {
        var found: [Finding] = []
        var copy = text
        copy.withUTF8 { buffer in
            TokenDetectors.scan(buffer, into: &found)
            NumberDetectors.scan(buffer, into: &found)
        }
        for pattern in patterns {
            for range in pattern.regex.matchRanges(in: text) {
                let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
                let end = start + text.utf8.distance(from: range.lowerBound, to: range.upperBound)
                guard end > start else { continue }
                found.append(Finding(type: SensitiveType(rawValue: pattern.name), range: start..<end, confidence: 1, detail: "pattern"))
            }
        }
        guard !found.isEmpty else { return found }
        return Self.resolve(found.filter { $0.confidence >= minConfidence })
    }

    /// Orders findings by position and keeps, of overlapping ones, the most confident (then longest).
    static func resolve(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        let ranked = findings.sorted {
            ($0.confidence, $0.range.count, -$0.range.lowerBound) > ($1.confidence, $1.range.count, -$1.range.lowerBound)
        }
        var kept: [Finding] = []
        for finding in ranked where !kept.contains(where: { $0.range.overlaps(finding.range) }) {
            kept.append(finding)
        }
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
