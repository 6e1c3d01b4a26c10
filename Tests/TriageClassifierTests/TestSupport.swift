import Foundation
@testable import TriageClassifier

/// Small deterministic fixtures shared by the tests.
enum Fixtures {
    /// 96 banking-support prompts from a template product (no randomness).
    static let bankingPrompts: [String] = {
        let subjects = ["card", "transfer", "pin", "account", "direct debit", "refund"]
        let templates = [
            "how do i cancel my %@",
            "why was my %@ declined yesterday",
            "my %@ is not working, what should i do",
            "can you help me with my %@ please",
            "is there a fee to change my %@",
            "how long does a %@ take to process",
            "i think someone used my %@ without permission",
            "where can i see the status of my %@",
            "the %@ was charged twice this week",
            "what happens to my %@ when i move abroad",
            "can i get a new %@ sent to my home address",
            "why is my %@ still pending after three days",
            "how do i verify my identity for the %@",
            "the app shows an error when i open my %@",
            "what is the daily limit for my %@",
            "please unblock my %@ it was frozen by mistake",
        ]
        return templates.flatMap { template in subjects.map { template.replacingOccurrences(of: "%@", with: $0) } }
    }()

    static let bankingIndex: ReferenceIndex = {
        do {
            return try ReferenceIndex(prompts: bankingPrompts)
        } catch {
            fatalError("fixture index: \(error)")
        }
    }()

    /// A fresh empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("triage-classifier-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` in `directory` and returns the path.
    static func write(_ text: String, name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
