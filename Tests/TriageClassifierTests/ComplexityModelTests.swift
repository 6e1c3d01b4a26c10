import Foundation
import Testing
@testable import TriageClassifier

@Suite struct ComplexityModelTests {
    /// A separable set: short greetings and lookups (0) vs long multi-step maths/code tasks (1).
    static let separable: [LabeledPrompt] = {
        let easy = ["hi", "hello there", "what time is it", "thanks a lot", "good morning", "where is the station",
                    "what is the weather", "how are you", "tell me a joke", "who won the game"]
        let topics = ["a binary search tree", "a rate limiter", "an lru cache", "a json parser", "dijkstra's algorithm"]
        let asks = ["implement %@ in python, prove its complexity step by step and write unit tests",
                    "derive the invariants of %@, explain why each holds, and optimize the code for memory",
                    "debug this implementation of %@: def f(x): return x ** 2 + 3 * x - 7 and analyze every edge case"]
        var result: [LabeledPrompt] = []
        for (i, e) in easy.enumerated() {
            result.append(LabeledPrompt(prompt: e, label: 0))
            result.append(LabeledPrompt(prompt: e + "?", label: 0))
            result.append(LabeledPrompt(prompt: "quick one: " + e, label: 0, messageCount: 1 + i % 2))
        }
        for topic in topics {
            for ask in asks { result.append(LabeledPrompt(prompt: ask.replacingOccurrences(of: "%@", with: topic), label: 1)) }
            result.append(LabeledPrompt(prompt: "```swift\nfunc f() {}\n```\nrefactor " + topic + " and prove it terminates", label: 1))
            result.append(LabeledPrompt(prompt: "compare two designs for " + topic + " and analyze trade-offs", label: 1))
        }
        return result
    }()

    @Test func trainOnSeparableSetReachesHighHeldOutAccuracy() throws {
        let (model, metrics) = try ComplexityModel.train(examples: Self.separable)
        let expectedHeldOut = Int((Double(Self.separable.count) * 0.2).rounded())
        #expect(metrics.heldOutCount == expectedHeldOut)
        #expect(metrics.trainCount == Self.separable.count - expectedHeldOut)
        #expect(metrics.accuracy >= 0.9, "\(metrics)")
        #expect(metrics.auroc ?? 0 >= 0.9)
        #expect(model.score(prompt: "hi").probability < 0.5)
        #expect(model.score(prompt: "implement a trie in python, prove its complexity step by step").probability > 0.5)
    }

    @Test func trainingIsDeterministic() throws {
        let a = try ComplexityModel.train(examples: Self.separable).model
        let b = try ComplexityModel.train(examples: Self.separable).model
        #expect(a.denseWeights == b.denseWeights)
        #expect(a.hashedWeights == b.hashedWeights)
        #expect(a.bias == b.bias)
    }

    @Test func saveAndLoadRoundTripToIdenticalProbabilities() throws {
        let (model, metrics) = try ComplexityModel.train(examples: Self.separable)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("weights.json").path
        try model.save(to: path)
        let loaded = try ComplexityModel.load(from: path)
        #expect(loaded.metrics == metrics)
        for example in Self.separable + [LabeledPrompt(prompt: "never seen ∑ x^2 `code`", label: 0, messageCount: 7)] {
            #expect(loaded.score(prompt: example.prompt, messageCount: example.messageCount).probability
                    == model.score(prompt: example.prompt, messageCount: example.messageCount).probability)
        }
        let json = try String(contentsOfFile: path, encoding: .utf8)
        for key in ["\"version\"", "\"featureNames\"", "\"means\"", "\"stds\"", "\"denseWeights\"", "\"hashedWeights\"",
                    "\"bias\"", "\"hashDimension\"", "\"metrics\"", "\"trainedAt\""] {
            #expect(json.contains(key), "weights file lacks \(key)")
        }
    }

    @Test func insufficientLabelsIsAnError() {
        #expect(throws: ComplexityModelError.insufficientLabels(positives: 0, negatives: 2)) {
            try ComplexityModel.train(examples: [LabeledPrompt(prompt: "a", label: 0), LabeledPrompt(prompt: "b", label: 0)])
        }
    }

    @Test func invalidWeightsFilesAreRejectedWithActionableErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let garbage = try Fixtures.write("{}", name: "w.json", in: directory)
        let error = #expect(throws: ComplexityModelError.self) { try ComplexityModel.load(from: garbage) }
        #expect(error?.description.contains("triage train") == true)
        let (model, _) = try ComplexityModel.train(examples: Self.separable)
        let path = directory.appendingPathComponent("ok.json").path
        try model.save(to: path)
        let edited = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"questions\"", with: "\"renamed\"")
        let renamed = try Fixtures.write(edited, name: "renamed.json", in: directory)
        #expect(throws: ComplexityModelError.self) { try ComplexityModel.load(from: renamed) }
    }

    @Test func labeledPromptsLoadWithFileLineErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try Fixtures.write("{\"prompt\": \"a\", \"label\": 0}\n\n{\"prompt\": \"b\", \"label\": 1, \"messages\": 3}\n",
                                      name: "labels.jsonl", in: directory)
        #expect(try LabeledPrompt.load(path: good) == [LabeledPrompt(prompt: "a", label: 0),
                                                       LabeledPrompt(prompt: "b", label: 1, messageCount: 3)])
        let bad = try Fixtures.write("{\"prompt\": \"a\", \"label\": 0}\n{\"prompt\": \"b\", \"label\": 2}\n", name: "bad.jsonl", in: directory)
        #expect(throws: ComplexityModelError.malformedLabel(path: bad, line: 2, reason: "\"label\" must be 0 or 1")) {
            try LabeledPrompt.load(path: bad)
        }
        let missing = try Fixtures.write("{\"label\": 1}\n", name: "missing.jsonl", in: directory)
        #expect(throws: ComplexityModelError.malformedLabel(path: missing, line: 1, reason: "missing \"prompt\" string")) {
            try LabeledPrompt.load(path: missing)
        }
    }

    @Test func defaultWeightsLoadFromTheBundleAndRankHardAboveEasy() throws {
        let model = try ComplexityModel.bundledDefault()
        #expect(model.source.contains("complexity-seed.jsonl"))
        let hard = model.score(prompt: """
        Prove step by step that the sum of the first n odd numbers is n^2, then write a Python function \
        `check(n)` that verifies it for n ≤ 1000 and explain why the proof by induction works.
        """)
        let easy = model.score(prompt: "what time is it in Paris?")
        #expect(hard.probability > easy.probability)
        #expect(hard.probability > 0.5)
        #expect(easy.probability < 0.5)
        let top = hard.topContributions(5)
        #expect(top.count == 5)
        #expect(zip(top, top.dropFirst()).allSatisfy { abs($0.contribution) >= abs($1.contribution) })
    }

    @Test func defaultWeightsAreReproducibleFromTheSeedSet() throws {
        let seedPath = try #require(ComplexityModel.bundledSeedPath)
        let retrained = try ComplexityModel.train(examples: try LabeledPrompt.load(path: seedPath),
                                                  options: DefaultWeights.options).model
        let shipped = try ComplexityModel.bundledDefault()
        #expect(retrained.denseWeights.indices.allSatisfy { abs(retrained.denseWeights[$0] - shipped.denseWeights[$0]) < 1e-9 })
        #expect(abs(retrained.bias - shipped.bias) < 1e-9)
        #expect(retrained.hashedWeights.indices.allSatisfy { abs(retrained.hashedWeights[$0] - shipped.hashedWeights[$0]) < 1e-9 })
    }

    /// Regenerates `Sources/TriageClassifier/Resources/complexity-default.json` when
    /// `TRIAGE_WRITE_DEFAULT_WEIGHTS` names the output path (otherwise does nothing):
    /// `TRIAGE_WRITE_DEFAULT_WEIGHTS=$PWD/Sources/TriageClassifier/Resources/complexity-default.json swift test --filter writeDefaultWeights`
    @Test func writeDefaultWeights() throws {
        guard let output = ProcessInfo.processInfo.environment["TRIAGE_WRITE_DEFAULT_WEIGHTS"] else { return }
        let seedPath = try #require(ComplexityModel.bundledSeedPath)
        let (model, metrics) = try ComplexityModel.train(examples: try LabeledPrompt.load(path: seedPath),
                                                         options: DefaultWeights.options)
        try model.save(to: output)
        print("wrote \(output): \(metrics)")
    }

    @Test func featureExtractionSeesCodeMathAndCues() {
        let tokens = Tokenizer.tokenize("Prove step by step:\n1. x^2 + 3 = 7\n2. ```swift\nfunc f() {}\n``` Must it hold? ∑")
        let features = ComplexityFeatures(prompt: "Prove step by step:\n1. x^2 + 3 = 7\n2. ```swift\nfunc f() {}\n``` Must it hold? ∑",
                                          tokens: tokens, messageCount: 3, hashBits: 14)
        func value(_ name: String) -> Double {
            ComplexityFeatures.names.firstIndex(of: name).map { features.dense[$0] } ?? -1
        }
        #expect(value("questions") == log1p(1))
        #expect(value("lists") == log1p(2))
        #expect(value("code.fences") == log1p(2))
        #expect(value("code.keywords") >= log1p(2))  // swift, func
        #expect(value("code.symbols") >= log1p(2))   // { }
        #expect(value("math.expressions") >= log1p(1))
        #expect(value("math.notation") >= log1p(2))  // ^ ∑
        #expect(value("reasoning.cues") >= log1p(3)) // prove, step by, by step
        #expect(value("constraints") == log1p(1))
        #expect(value("conversation.depth") == log1p(3))
        #expect(value("non_ascii.share") > 0)
        #expect(ComplexityFeatures.names.count == features.dense.count)
    }
}
