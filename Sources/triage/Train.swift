import ArgumentParser
import Foundation
import TriageClassifier
import TriageConfig
import TriageLog

/// `triage train`: fit the complexity model on labelled prompts.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the complexity model on labelled prompts and write its weights.",
        discussion: """
        FILE.jsonl holds lines {"prompt": "...", "label": 0|1} (1 = the prompt needed the large \
        model, e.g. the small model answered wrongly). An optional "strong_correct" (bool or 0/1: \
        the large model answered rightly) makes training rank by the large model's expected gain; \
        the probability stays calibrated to "label". Other fields are ignored. A deterministic 20% \
        (--holdout) is held out (by hash of the prompt) and the held-out accuracy, precision, \
        recall, AUROC and log loss are printed. The weights go to --out, or \
        to auto.complexity_weights of routes.yaml, where `triage serve` (and a live reload) picks \
        them up.

        Examples:
          triage train --labels labels.jsonl
          triage train --labels labels.jsonl --out data/complexity.json
          triage train --labels fold1.jsonl --out w1.json --holdout 0   # cross-validation folds
        """
    )

    @Option(help: "Labelled prompts, JSONL {\"prompt\", \"label\"}.")
    var labels: String

    @Option(help: "Where to write the weights (default: auto.complexity_weights in the config).")
    var out: String?

    @Option(name: .shortAndLong, help: "The routing rules file (for auto.complexity_weights).")
    var config: String = "routes.yaml"

    @Option(help: "L2 regularisation strength.")
    var l2: Double?

    @Option(help: "Fraction held out for the printed metrics, by hash of the prompt (0 trains on all but one; default 0.2).")
    var holdout: Double?

    @Option(help: "L2 regularisation of the hashed word n-gram weights (default: --l2).")
    var ngramL2: Double?

    @Option(help: "Passes over the training data (default 200).")
    var epochs: Int?

    @Option(help: "Where the labels came from, recorded in the weights file (default: the labels file name).")
    var source: String?

    func validate() throws {
        if let holdout, !(0...0.9).contains(holdout) { throw ValidationError("--holdout takes a fraction in 0...0.9") }
    }

    func run() throws {
        let destination: String
        if let out {
            destination = out
        } else {
            let routes = try loadRoutesOrExit(config, hint: "(or give --out PATH)")
            guard let path = routes.auto.complexityWeightsPath else {
                throw ValidationError("set auto.complexity_weights in \(config), or give --out PATH")
            }
            destination = path
        }
        do {
            let examples = try LabeledPrompt.load(path: labels)
            var options = TrainingOptions()
            if let l2 { options.l2 = l2 }
            if let holdout { options.heldOutFraction = holdout }
            if let epochs { options.epochs = max(epochs, 1) }
            if let ngramL2 { options.ngramL2 = ngramL2 }
            options.source = source ?? (labels as NSString).lastPathComponent
            let (model, metrics) = try ComplexityModel.train(examples: examples, options: options)
            let directory = (destination as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try model.save(to: destination)
            print("trained on \(Plural.count(metrics.trainCount, "prompt")), held out \(metrics.heldOutCount) (\(metrics.heldOutPositives) labelled 1)")
            print(String(format: "held-out accuracy %.3f  precision %.3f  recall %.3f  AUROC %@  log loss %.3f  (train accuracy %.3f)",
                         metrics.accuracy, metrics.precision, metrics.recall,
                         metrics.auroc.map { String(format: "%.3f", $0) } ?? "-", metrics.logLoss, metrics.trainAccuracy))
            print("weights written to \(destination)")
        } catch {
            FileHandle.standardError.write(Data("triage: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
