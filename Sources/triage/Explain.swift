import ArgumentParser
import Foundation
import TriageClassifier
import TriageConfig
import TriageLog
import TriageRouting

/// `triage explain`: why a prompt goes where it goes.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how a prompt would be routed: the rule, both classifier scores, the decision and why.",
        discussion: """
        Prints the rule that matches, the distribution fit (with the nearest reference prompts) \
        and the complexity (with the features that pushed it most), and the backend chosen under \
        the current routes.yaml. The first thing to run when a route surprises you.

        Examples:
          triage explain "What is my card's daily limit?"
          triage explain --file prompt.txt --config /etc/triage/routes.yaml
          triage explain --header x-team=search "Summarise this"
        """
    )

    @Option(name: .shortAndLong, help: "The routing rules file.")
    var config: String = "routes.yaml"

    @Option(help: "Read the prompt from this file instead of the argument.")
    var file: String?

    @Option(help: "The model the client asks for (default: the first of `models`).")
    var model: String?

    @Option(help: "A request header as name=value (repeatable), for rules that match headers.")
    var header: [String] = []

    @Option(help: "How many nearest reference prompts and complexity features to show.")
    var top: Int = 5

    @Argument(help: "The prompt (the last user message).")
    var prompt: String?

    func run() throws {
        let text: String
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            text = String(decoding: contents, as: UTF8.self)
        } else if let prompt {
            text = prompt
        } else {
            throw ValidationError("give a prompt, or --file FILE")
        }
        let routes = try loadRoutesOrExit(config)
        var headers: [String: String] = [:]
        for pair in header {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--header takes name=value, got '\(pair)'") }
            headers[parts[0].lowercased()] = String(parts[1])
        }
        let tokens = TokenEstimator.estimate(messages: [text])
        let decision = Router(config: routes).decide(RoutingInput(
            model: model ?? routes.models.first ?? "triage", headers: headers, lastUserMessage: text, estimatedPromptTokens: tokens,
            sensitiveTypes: Self.sensitiveTypes(text, routes: routes)
        ))
        print("prompt: \(Self.quote(text, 100)) (\(Plural.count(text.utf8.count, "byte")), ~\(Plural.count(tokens, "token")))")
        if decision.viaAuto && routes.auto.classifierEnabled {
            print("rule:   rule '\(decision.rule ?? "-")' routed auto -> the classifier decides")
        } else {
            print("rule:   \(decision.reason)")
        }

        let auto = routes.auto
        let classifier: Classifier
        do {
            classifier = try Classifier.load(
                referencePath: auto.referencePath, cacheDirectory: auto.cacheDirectory, complexityWeightsPath: auto.complexityWeightsPath
            )
        } catch {
            FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        let reference = classifier.reference
        let classification = classifier.classify(prompt: text)
        let verdict = Classifier.decide(
            fit: classification.fit, complexity: classification.complexity, minFit: auto.minFit, maxComplexity: auto.maxComplexity
        )
        if let fit = classification.fit, let raw = classification.rawSimilarity {
            print(String(format: "fit:        %.3f (raw similarity %.3f; min_fit %.3f) -> %@", fit, raw, auto.minFit,
                         fit >= auto.minFit ? "typical enough for the local model" : "atypical: escalate"))
        } else {
            print("fit:        - (no auto.reference: only complexity decides)")
        }
        print(String(format: "complexity: %.3f (max_complexity %.3f) -> %@", classification.complexity, auto.maxComplexity,
                     classification.complexity <= auto.maxComplexity ? "simple enough" : "too hard: escalate"))
        var decided = decision.backend.name
        if decision.viaAuto {
            if auto.classifierEnabled, let remote = auto.remoteBackend {
                decided = verdict.local ? auto.routineBackend : remote
                print("decision:   \(decided) (decided by: \(verdict.decidedBy.rawValue))")
            } else {
                print("decision:   \(decision.backend.name) (auto.remote is not set: the classifier is off, auto goes to default_backend)")
            }
        } else {
            print("decision:   \(decision.backend.name) (a rule decided before the classifier; scores shown for information)")
        }
        Self.privacyLines(text, routes: routes, backendName: decided).forEach { print($0) }
        print("\ncomplexity features that pushed most (signed contribution to the log-odds):")
        for feature in classification.complexityScore.topContributions(top) {
            print(String(format: "  %+7.3f  %@", feature.contribution, feature.name))
        }
        if let reference {
            print("\nnearest reference prompts (\(reference.count) in \(auto.referencePath ?? "")):")
            for match in reference.nearest(text, k: top) {
                print(String(format: "  %.3f  %@", match.similarity, Self.quote(reference.example(at: match.referenceIndex) ?? "", 90)))
            }
        }
    }

    private static func quote(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return "\"" + (flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat) + "\""
    }
}
