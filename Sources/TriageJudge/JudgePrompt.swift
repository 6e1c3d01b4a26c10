import Foundation
import TriageFlywheel
import TriageHashing

/// The judge prompt: a versioned text file with a system and a user message (see the shipped
/// `Resources/judge-pairwise-v1.txt` for the format), shipped with Triage and replaceable by
/// `shadow.judge.prompt` in routes.yaml.
public struct JudgePrompt: Sendable, Equatable {
    /// The file name of the shipped prompt in this target's resources.
    public static let shippedFileName = "judge-pairwise-v1.txt"

    /// `version#hash`: the file's declared `version:` and an FNV-1a hash of all its bytes.
    public let versionID: String
    /// The rubric used when routes.yaml gives none (`# rubric:` in the file).
    public let defaultRubric: String
    /// The system message template.
    public let system: String
    /// The user message template.
    public let user: String

    /// Parses a prompt file's text.
    /// - Throws: ``JudgePromptError`` when a section or the `version:` line is missing.
    public init(text: String, source: String) throws(JudgePromptError) {
        var version: String?
        var rubric = "helpfulness, relevance, accuracy, depth and level of detail"
        var sections: [String: [Substring]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("=== ") {
                let name = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
                guard name == "system" || name == "user" else { throw .unknownSection(source: source, name: name) }
                current = name
                sections[name] = []
            } else if let current {
                sections[current, default: []].append(line)
            } else if line.hasPrefix("#") {
                let comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
                if comment.hasPrefix("version:") { version = comment.dropFirst(8).trimmingCharacters(in: .whitespaces) }
                if comment.hasPrefix("rubric:") { rubric = comment.dropFirst(7).trimmingCharacters(in: .whitespaces) }
            }
        }
        guard let version, !version.isEmpty else { throw .missingVersion(source: source) }
        guard let system = sections["system"], let user = sections["user"] else { throw .missingSection(source: source) }
        func joined(_ lines: [Substring]) -> String {
            lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        self.system = joined(system)
        self.user = joined(user)
        guard self.user.contains("{{answer_a}}"), self.user.contains("{{answer_b}}") else { throw .missingPlaceholders(source: source) }
        self.defaultRubric = rubric
        let hash = FNV1a.hash64(text)
        self.versionID = version + "#" + String(String(hash, radix: 16).suffix(8))
    }

    /// Loads a prompt file; `nil` loads the shipped one.
    public static func load(path: String?) throws(JudgePromptError) -> JudgePrompt {
        let file: String
        if let path {
            file = path
        } else {
            guard let shipped = shippedPath else { throw .shippedPromptMissing }
            file = shipped
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(path: file) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(path: file) }
        return try JudgePrompt(text: text, source: file)
    }

    /// The shipped prompt's path: `triage_TriageJudge.resources`, which SwiftPM puts beside the
    /// executable (looked up by hand: `Bundle.module` stops the process when it is missing).
    public static var shippedPath: String? {
        let bundle = "triage_TriageJudge.resources"
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let roots = [executable.deletingLastPathComponent(), Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        let candidates = roots.flatMap { root in
            ["Resources/", ""].map { root.appendingPathComponent("\(bundle)/\($0)\(shippedFileName)").path }
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The two messages for one order of the pair, placeholders filled in one pass (text that
    /// itself looks like a placeholder is not expanded again).
    public func messages(question: String, answerA: String, answerB: String, rubric: String?) -> [(role: String, content: String)] {
        let values = ["rubric": rubric ?? defaultRubric, "question": question, "answer_a": answerA, "answer_b": answerB]
        return [("system", Self.fill(system, values)), ("user", Self.fill(user, values))]
    }

    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let close = after.range(of: "}}"), let value = values[String(after[..<close.lowerBound])] {
                out += value
                rest = after[close.upperBound...]
            } else {
                out += "{{"
                rest = after
            }
        }
        return out + rest
    }
}

/// Why a judge prompt file could not be used.
public enum JudgePromptError: Error, Sendable, CustomStringConvertible, Equatable {
    case shippedPromptMissing
    case unreadable(path: String)
    case notUTF8(path: String)
    case missingVersion(source: String)
    case missingSection(source: String)
    case unknownSection(source: String, name: String)
    case missingPlaceholders(source: String)

    public var description: String {
        switch self {
        case .shippedPromptMissing:
            return "shadow.judge: the shipped judge prompt (\(JudgePrompt.shippedFileName) in triage_TriageJudge.resources beside the triage binary) is missing; reinstall Triage or set shadow.judge.prompt to a copy"
        case .unreadable(let path): return "shadow.judge.prompt: cannot read \(path)"
        case .notUTF8(let path): return "shadow.judge.prompt: \(path) is not UTF-8 text"
        case .missingVersion(let source): return "shadow.judge.prompt: \(source) has no '# version: NAME' line before its first '=== ' section"
        case .missingSection(let source): return "shadow.judge.prompt: \(source) needs a '=== system' and a '=== user' section"
        case .unknownSection(let source, let name): return "shadow.judge.prompt: \(source) has a section '=== \(name)'; only 'system' and 'user' exist"
        case .missingPlaceholders(let source): return "shadow.judge.prompt: the user section of \(source) must contain {{answer_a}} and {{answer_b}}"
        }
    }
}
