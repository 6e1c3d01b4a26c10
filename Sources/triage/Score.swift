import ArgumentParser
import Foundation
import TriageClassifier
import TriageConfig
import TriagePrivacy
import TriageFlywheel
import TriageLog
import TriageScoring

/// `triage score`: batch scoring of prompts, conversations or routing log lines.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score many prompts at once: fit, complexity and the decision, one JSON line each.",
        discussion: """
        Reads JSONL (a file, or standard input when FILE is absent or -): lines {"prompt": ...},
        OpenAI chat {"messages": [...]} (the last user message is the prompt; the number of
        messages counts for complexity), or routing log lines. Writes one JSON line per input
        line, in order: {"line", "id" (when the input has one), "fit", "similarity",
        "complexity", "decision": "local"|"remote", "decided_by"}. A line that cannot be scored
        gets {"line", "error"} and a message on stderr; the others are still scored. Streams:
        memory does not grow with the input. A summary goes to stderr at the end.

        The classifier is the one routes.yaml's auto: section configures; the options replace a
        field for this run without editing the file.

        Exit codes: 0 every line scored; 3 some lines could not be scored (see their error
        lines); 1 the input, a reference or weights file cannot be read; 2 invalid config.

        Examples:
          triage score prompts.jsonl > scores.jsonl
          triage score --reference data/ft/train.jsonl --min-fit 0.1 logs/routing.jsonl
          cat chats.jsonl | triage score --complexity-weights w.json --max-complexity 0.4
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file (its auto: section).")
    var config: String = "routes.yaml"

    @Option(help: "Reference JSONL for the fit score (instead of auto.reference).")
    var reference: String?

    @Option(help: "Complexity weights written by `triage train` (instead of auto.complexity_weights).")
    var complexityWeights: String?

    @Option(help: "Threshold on fit (instead of auto.min_fit).")
    var minFit: Double?

    @Option(help: "Threshold on complexity (instead of auto.max_complexity).")
    var maxComplexity: Double?

    @Argument(help: "Input JSONL file (default: standard input).")
    var file: String?

    func run() throws {
        let routes = try loadRoutesOrExit(config)
        let clock = ContinuousClock()
        let loadStart = clock.now
        var scorer: BatchScorer
        let reader: LineReader
        let inputName = file.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        do {
            scorer = try BatchScorer.load(auto: routes.auto, reference: reference, complexityWeights: complexityWeights,
                                          minFit: minFit, maxComplexity: maxComplexity)
            scorer.privacy = (PrivacyGuard(config: routes.privacy), routes.auto.remoteBackend.flatMap(routes.backend(named:)))
            if let path = file, path != "-" {
                reader = try LineReader(path: path)
            } else {
                reader = LineReader(fd: dup(0), path: inputName)
            }
        } catch {
            FileHandle.standardError.write(Data("triage: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let loaded = clock.now - loadStart
        let output = OutputFile(fd: 1)
        let started = clock.now
        let summary: BatchSummary
        do {
            summary = try scorer.run(reader: reader, sink: { try output.writeAll($0) }, report: { line, reason in
                FileHandle.standardError.write(Data("triage score: \(inputName):\(line): \(reason)\n".utf8))
            })
        } catch {
            FileHandle.standardError.write(Data("triage: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let seconds = Self.seconds(clock.now - started)
        let perPrompt = summary.scored > 0 ? seconds * 1e6 / Double(summary.scored) : 0
        FileHandle.standardError.write(Data(String(
            format: "triage score: %d scored, %d failed, in %.3f s (%.1f us per prompt; classifier loaded in %.3f s)\n",
            summary.scored, summary.failed, seconds, perPrompt, Self.seconds(loaded)
        ).utf8))
        if summary.failed > 0 { throw ExitCode(3) }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
