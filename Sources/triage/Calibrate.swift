import ArgumentParser
import Foundation
import TriageClassifier
import TriageConfig
import TriageFlywheel
import TriagePostgres
import TriageReplay
import TriageRouting

/// `triage calibrate`: min_fit / max_complexity for a target remote share or quality.
struct Calibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Choose auto.min_fit and auto.max_complexity for a target remote share or quality, from labelled prompts.",
        discussion: """
        Scores every labelled prompt with the config's classifier (its reference and complexity \
        weights), tries every pair of thresholds (min_fit: 0 and the 1-50% quantiles of the fits; \
        max_complexity: each prompt's complexity), and picks, for --remote-share X, the best \
        quality with at most X of the prompts remote, or, for --quality Q, the fewest remote \
        prompts keeping at least Q of the all-remote quality (RouteLLM's measure). Prints the \
        curve it chose from, the current thresholds' point, and the expected share, quality and \
        cost.

        Labels come from the routing log (the labelled records of `triage export --labels`: \
        feedback, local failures that fell back, shadow comparisons; the remote answer counts as \
        right) or from --labels FILE in `triage train`'s format ({"prompt", "label": 0|1} with \
        label 1 = the small model answered wrongly, optional "strong_correct" for the large \
        model's outcome).

        --write changes the two lines in the config file in place (comments and layout kept); \
        without it the lines to change are printed.

        Examples:
          triage calibrate --remote-share 0.3
          triage calibrate --quality 0.95 --labels data/labels.jsonl
          triage calibrate --quality 0.95 --write
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (its auto: section; --write edits it).")
    var config: String = "routes.yaml"

    @Option(help: "Labelled prompts ({\"prompt\", \"label\": 0|1, \"strong_correct\"?} lines) instead of the routing log's labels.")
    var labels: String?

    @Option(help: "Read the labels of this log instead of log.path (its rotated files are read too).")
    var log: String?

    @Option(help: "Read the log from file or postgres (default: log.sink of the config).")
    var source: LogSinkKind?

    @Option(help: "Target: at most this share of requests remote (0-1).")
    var remoteShare: Double?

    @Option(help: "Target: keep at least this share of the all-remote quality (0-1].")
    var quality: Double?

    @Flag(help: "Write the chosen values into the config file.")
    var write = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        switch (remoteShare, quality) {
        case (nil, nil), (.some, .some): throw ValidationError("give exactly one target: --remote-share X or --quality Q")
        case (let share?, nil) where !(0...1).contains(share): throw ValidationError("--remote-share is a share in 0...1, got \(share)")
        case (nil, let level?) where !(level > 0 && level <= 1): throw ValidationError("--quality is a share in (0, 1], got \(level)")
        default: break
        }
    }

    func run() async throws {
        let routes = try loadRoutesOrExit(config)
        if labels == nil, log == nil, let store = try DatabaseSource.open(source, routes: routes) {
            try await DatabaseSource.withDump(store) {
                try calibrate(routes: routes, logPath: $0, shownPath: "\(store.location) (table \(store.table))")
            }
            return
        }
        try calibrate(routes: routes, logPath: log ?? routes.log.path, shownPath: nil)
    }

    /// Calibrates on the labels of the JSONL log at `logPath` (`shownPath` names it when it is a dump of the database).
    private func calibrate(routes: RoutesConfig, logPath: String, shownPath: String?) throws {
        let target: CalibrationTarget = remoteShare.map { .remoteShare($0) } ?? .quality(quality ?? 1)
        let warn: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
        let calibration: Calibration
        let source: String
        do {
            guard let auto = try AutoRouting.load(config: routes) else {
                FileHandle.standardError.write(Data("triage: \(config): auto.remote is not set, so the classifier is off and min_fit / max_complexity decide nothing; set auto.remote first\n".utf8))
                throw ExitCode(2)
            }
            let prices = BackendPrices(config: routes)
            let samples: [CalibrationSample]
            if let labels {
                samples = try CalibrationSamples.fromLabels(path: labels, auto: auto, prices: prices)
                source = labels
            } else {
                let labeller = LabelExporter(options: try labelOptions(routes: routes, logPath: logPath, warn: warn))
                let stream = try LogStream(path: logPath, onSkip: warn)
                let read = CalibrationSamples.fromLog(stream, labeller: labeller, auto: auto, prices: prices)
                samples = read.samples
                source = "\(shownPath ?? logPath) (\(read.read) records)"
            }
            guard let result = Calibrator.calibrate(samples, target: target, currentMinFit: auto.minFit, currentMaxComplexity: auto.maxComplexity) else {
                FileHandle.standardError.write(Data("triage: \(source): no labelled prompts to calibrate on (the log labels requests by feedback, local fallbacks and shadow comparisons; or give --labels FILE)\n".utf8))
                throw ExitCode(1)
            }
            calibration = result
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("triage: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            FileHandle.standardOutput.write(calibration.json())
            print("")
        } else {
            print(calibration.render(source: source))
        }
        guard let chosen = calibration.chosen else { throw ExitCode(3) }
        try apply(chosen)
    }

    /// Writes the chosen values into the config (`--write`), or prints the lines to change.
    private func apply(_ chosen: CalibrationPoint) throws {
        let report: (String) -> Void = { json ? FileHandle.standardError.write(Data("\($0)\n".utf8)) : print($0) }
        do {
            if write {
                let changes = try RoutesFileEditor.write(path: config, minFit: chosen.minFit, maxComplexity: chosen.maxComplexity)
                if changes.isEmpty { report("\(config) already has these values; nothing written") }
                for change in changes { report("wrote \(config):\(change.line): \(change.new.trimmingCharacters(in: .whitespacesAndNewlines))") }
            } else {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                let (changes, _) = try RoutesFileEditor.plan(text: text, path: config, minFit: chosen.minFit, maxComplexity: chosen.maxComplexity)
                if changes.isEmpty { report("\(config) already has these values") }
                for change in changes {
                    report("\(config):\(change.line): \(change.old.trimmingCharacters(in: .whitespacesAndNewlines))  ->  \(change.new.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
                if !changes.isEmpty { report("(run again with --write to change them in place)") }
            }
        } catch let error as RoutesFileEditor.EditError {
            FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
