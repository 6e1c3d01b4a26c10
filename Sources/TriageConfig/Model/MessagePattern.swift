import Foundation

/// A regular expression matched against the last user message (`last_user_message:`).
///
/// The pattern uses ICU syntax (as `NSRegularExpression`), is compiled once at
/// load time and is searched, not anchored: `"proof"` matches `"a proof of ..."`.
/// Use `(?i)` for case-insensitive matching. Sendable because
/// `NSRegularExpression` is immutable and thread-safe once compiled.
public struct MessagePattern: Sendable, Equatable, CustomStringConvertible {
    /// The regular expression exactly as written in the configuration.
    public let pattern: String
    fileprivate let regex: NSRegularExpression

    /// An invalid regular expression.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The rejected pattern.
        public let pattern: String
        /// What is wrong with it, e.g. `expected ')'`.
        public let reason: String
        /// `invalid regular expression '(abc': expected ')'`
        public var description: String { "invalid regular expression '\(pattern)': \(reason)" }
    }

    /// Compiles `pattern`.
    /// - Throws: ``SyntaxError`` describing the problem when the pattern is invalid.
    public init(_ pattern: String) throws(SyntaxError) {
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw SyntaxError(pattern: pattern, reason: Self.explain(pattern))
        }
        self.pattern = pattern
    }

    /// True if the pattern occurs anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return regex.firstMatch(in: text, range: range) != nil
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// Two patterns are equal when written identically.
    public static func == (lhs: MessagePattern, rhs: MessagePattern) -> Bool {
        lhs.pattern == rhs.pattern
    }

    /// `NSRegularExpression`'s errors carry no detail; Swift's regex parser
    /// explains most syntax mistakes (e.g. "expected ')'"), so ask it for the reason.
    private static func explain(_ pattern: String) -> String {
        do {
            _ = try Regex(pattern)
            return "not a valid ICU regular expression"
        } catch {
            return String(describing: error)
        }
    }
}

extension MessagePattern {
    /// Every non-overlapping match of the pattern in `text`, in order.
    public func matchRanges(in text: String) -> [Range<String.Index>] {
        let range = NSRange(location: 0, length: text.utf16.count)
        return regex.matches(in: text, range: range).compactMap { Range($0.range, in: text) }
    }
}
