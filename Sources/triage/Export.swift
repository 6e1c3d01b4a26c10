import ArgumentParser
import Foundation
import TriageConfig
import TriageFlywheel

/// `triage export`: the routing log as fine-tuning data (or labels for `triage train`).
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn the routing log into fine-tuning files for the local model (or complexity labels).",
        discussion: """
        Reads the routing log and its rotated files (oldest first, in bounded memory), keeps \
        successful answers by default, drops answers with negative feedback, removes exact and \
        near duplicates, and splits train/validation/test by a hash of the prompt, so the same \
        prompt always lands in the same split. Prints what was kept and dropped, per reason.

        Formats: chat ({"messages": [...]}, for OpenAI fine-tuning, Hugging Face TRL, Axolotl, \
        Unsloth) or prompt-completion ({"prompt", "completion"}).

        With --labels FILE it writes {"prompt", "label"} lines for `triage train` instead, from \
        the evidence in the log: feedback on local answers, local failures that fell back to \
        the remote model, and shadow comparisons.

        Examples:
          triage export --out data/ft --backend remote --since 30d
          triage export --out data/ft.jsonl --no-split --format prompt-completion
          triage export --labels data/labels.jsonl
          triage export --source postgres --out data/ft   # every replica's records (log.sink: postgres)
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (for log.path and backend names).")
    var config: String = "routes.yaml"

    @Option(help: "Read this log instead of log.path (its rotated files are read too).")
    var log: String?

    @Option(help: "Read the log from file or postgres (default: log.sink of the config).")
    var source: LogSinkKind?

    @Option(help: "Output directory (train/validation/test.jsonl), or file with --no-split.")
    var out: String?

    @Option(help: "Write complexity labels for `triage train` to this file instead of fine-tuning data.")
    var labels: String?

    @Option(help: "chat or prompt-completion.")
    var format: String = "chat"

    @Option(help: "Only requests answered by this backend (repeatable).")
    var backend: [String] = []

    @Option(help: "Only requests decided by this rule (repeatable).")
    var rule: [String] = []

    @Option(help: "Only requests since this time: ISO 8601 (2026-11-01, 2026-11-01T12:00:00Z) or ago (90s, 30m, 24h, 7d, 2w).")
    var since: String?

    @Option(help: "Only requests before this time (same forms as --since).")
    var until: String?

    @Option(help: "Drop conversations shorter than this many characters (prompt + answer).")
    var minLength: Int?

    @Option(help: "Drop conversations longer than this many characters.")
    var maxLength: Int?

    @Option(help: "Near-duplicate similarity threshold (0-1); 1 keeps near duplicates.")
    var nearDuplicate: Double = 0.9

    @Flag(help: "Write one file (--out FILE) instead of train/validation/test.")
    var noSplit = false

    @Flag(help: "Keep answers that got negative feedback.")
    var includeNegative = false

    func run() async throws {
        let routes = try? ConfigLoader.load(path: config)
        if log == nil, let store = try DatabaseSource.open(source, routes: routes) {
            try await DatabaseSource.withDump(store) { try export(logPath: $0, routes: routes) }
            return
        }
        guard let logPath = log ?? routes?.log.path else {
            throw ValidationError("cannot read \(config) to find log.path; give --log FILE")
        }
        try export(logPath: logPath, routes: routes)
    }

    private func export(logPath: String, routes: RoutesConfig?) throws {
        let onSkip: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
        do {
            let since = try self.since.map { text throws(FlywheelError) in try TimeBound.parse(text) }
            let until = try self.until.map { text throws(FlywheelError) in try TimeBound.parse(text) }
            let feedbackPath = FeedbackStore.path(besideLog: logPath)
            let feedback = FileManager.default.fileExists(atPath: feedbackPath)
                ? try FeedbackStore.load(path: feedbackPath, onSkip: onSkip) : nil
            if let labels {
                let local = Set([routes?.auto.routineBackend ?? "local"])
                let exporter = LabelExporter(options: LabelOptions(
                    localBackends: local, negativeIDs: feedback?.negativeIDs ?? [], positiveIDs: feedback?.positiveIDs ?? [],
                    since: since, until: until
                ))
                let summary = try exporter.export(logPath: logPath, to: labels, onSkip: onSkip)
                print(summary)
                return
            }
            guard let out else { throw ValidationError("give --out DIR (or --labels FILE)") }
            let exportFormat: ExportFormat
            switch format {
            case "chat": exportFormat = .chat
            case "prompt-completion": exportFormat = .promptCompletion
            default: throw ValidationError("--format is chat or prompt-completion, got '\(format)'")
            }
            let options = ExportOptions(
                format: exportFormat, backends: backend.isEmpty ? nil : Set(backend), since: since, until: until,
                rules: rule.isEmpty ? nil : Set(rule),
                excludedIDs: includeNegative ? [] : (feedback?.negativeIDs ?? []),
                minLength: minLength, maxLength: maxLength,
                nearDuplicateThreshold: nearDuplicate >= 1 ? nil : nearDuplicate
            )
            let summary = try Exporter(options: options).export(
                logPath: logPath, to: noSplit ? .singleFile(out) : .splitDirectory(out), onSkip: onSkip
            )
            print(summary)
        } catch let error as FlywheelError {
            FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
