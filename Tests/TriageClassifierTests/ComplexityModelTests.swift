import Foundation
import Testing
@testable import TriageClassifier
import TriageHashing

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
        // Trained by `make weights` on RouteLLM's MMLU + GSM8K outcome labels (see Resources/ATTRIBUTION.md).
        #expect(model.source.contains("RouteLLM"))
        #expect(model.calibrationSlope > 0)
        // In distribution (MMLU-style): a moral-scenarios question (Mixtral-8x7B wrong on 57% of
        // that subject) against plain trivia. Chat prompts unlike MMLU/GSM8K score near the base rate.
        let hard = model.score(prompt: """
        For which of these two scenarios does the main character (who uses I/me/my) do something clearly \
        morally wrong, according to ordinary moral standards in the US as of 2020? Scenario 1 | I took his \
        wallet after he dropped it. Scenario 2 | I helped my neighbour carry groceries.
        A. Wrong, Wrong
        B. Wrong, Not wrong
        C. Not wrong, Wrong
        D. Not wrong, Not wrong
        Answer:
        """)
        let easy = model.score(prompt: "What is the capital of France?\nA. Paris\nB. London\nC. Rome\nD. Berlin\nAnswer:")
        #expect(hard.probability > easy.probability)
        #expect(hard.probability > 0.5)
        #expect(easy.probability < 0.5)
        #expect(model.score(prompt: "what time is it in Paris?").probability < 0.5)
        let top = hard.topContributions(5)
        #expect(top.count == 5)
        #expect(zip(top, top.dropFirst()).allSatisfy { abs($0.contribution) >= abs($1.contribution) })
    }

    @Test func theSeedSetStillTrainsDeterministically() throws {
        let seedPath = try #require(ComplexityModel.bundledSeedPath)
        let examples = try LabeledPrompt.load(path: seedPath)
        let a = try ComplexityModel.train(examples: examples, options: DefaultWeights.options)
        let b = try ComplexityModel.train(examples: examples, options: DefaultWeights.options)
        #expect(a.model.denseWeights == b.model.denseWeights && a.model.hashedWeights == b.model.hashedWeights)
        #expect(a.metrics.auroc ?? 0 >= 0.8, "\(a.metrics)")
    }

    @Test func outcomeFieldsSetTheTrainingTarget() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write("""
        {"prompt": "a", "label": 1, "strong_correct": true, "subject": "x"}
        {"prompt": "b", "label": 1, "strong_correct": false}
        {"prompt": "c", "label": 0, "strong_correct": true}
        {"prompt": "d", "label": 0, "strong_correct": false}
        {"prompt": "e", "label": 1, "strong_wins": 0, "benchmark": "mmlu"}
        {"prompt": "f", "label": 1, "strong_wins": 1}
        {"prompt": "g", "label": 0, "strong_wins": 0}
        {"prompt": "h", "label": 1}
        """, name: "outcomes.jsonl", in: directory)
        let loaded = try LabeledPrompt.load(path: path)
        #expect(loaded.map(\.target) == [1, 0.5, 0.5, 0, 1, 1, 0, 1])  // strong_wins alone keeps the label
        #expect(loaded.map(\.label) == [1, 1, 0, 0, 1, 1, 0, 1])
    }

    @Test func plattScalingCalibratesToTheLabels() {
        // Logits twice as confident as the labels warrant: the slope comes out near 1/2.
        var logits: [Double] = [], labels: [Int] = []
        var random = SplitMix64(seed: 7)
        for _ in 0 ..< 4000 {
            let z = Double(random.next() % 2001) / 250 - 4
            let p = 1 / (1 + exp(-z / 2))
            logits.append(z)
            labels.append(Double(random.next() % 1_000_000) / 1_000_000 < p ? 1 : 0)
        }
        let (slope, intercept) = ComplexityModel.plattScaling(logits: logits, labels: labels)
        #expect(abs(slope - 0.5) < 0.1, "slope \(slope)")
        #expect(abs(intercept) < 0.15, "intercept \(intercept)")
        #expect(ComplexityModel.plattScaling(logits: [1, 2], labels: [1, 1]) == (1, 0))
    }

    @Test func versionOneWeightsAreRejectedWithAHintToRetrain() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (model, _) = try ComplexityModel.train(examples: Self.separable)
        let path = directory.appendingPathComponent("v2.json").path
        try model.save(to: path)
        let old = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"version\" : 2", with: "\"version\" : 1")
        let oldPath = try Fixtures.write(old, name: "v1.json", in: directory)
        let error = #expect(throws: ComplexityModelError.self) { try ComplexityModel.load(from: oldPath) }
        #expect(error?.description.contains("version 1, expected 2") == true)
        #expect(error?.description.contains("retrain") == true)
    }

    @Test func multipleChoiceStructureIsRead() {
        let prompt = """
        Which of the following is NOT true of 3 apples and 2.5 pears?
        A. 12, 14
        B. Wrong, Not wrong
        C. All of the above
        D. $4 each
        Answer:
        """
        let features = ComplexityFeatures(prompt: prompt, tokens: Tokenizer.tokenize(prompt), messageCount: 1, hashBits: 14)
        func value(_ name: String) -> Double {
            ComplexityFeatures.names.firstIndex(of: name).map { features.dense[$0] } ?? -1
        }
        let structure = PromptStructure(prompt)
        #expect(structure.choiceCount == 4)
        #expect(structure.choiceWords == [2, 3, 4, 2])
        #expect(structure.stemWords == 14)             // "2.5" is two words
        #expect(structure.stemSentences == 1)
        #expect(structure.numericChoices == 2)       // "12, 14", "$4 each"
        #expect(structure.pairChoices == 2)          // "12, 14", "Wrong, Not wrong"
        #expect(structure.truthChoices == 1)
        #expect(structure.allOrNone)
        #expect(structure.capitalNegations == 1)
        #expect(structure.stemNegations == 1)
        #expect(structure.numbers == 5)              // 3, 2.5, 12, 14, 4
        #expect(structure.distinctNumbers == 5)
        #expect(structure.stemNumbers == 2)
        #expect(structure.decimals == 1)
        #expect(structure.dollars == 1)
        #expect(value("mcq.present") == 1)
        #expect(value("which.following") == 1)
        #expect(value("mcq.numeric") == 0.5)
        #expect(value("mcq.overlap") >= 0 && value("mcq.overlap") < 0.2)
        #expect(ComplexityFeatures.names.count == features.dense.count)

        let plain = PromptStructure("Tom has 3 apples. He buys 4 more! How many now?")
        #expect(plain.choiceCount == 0)
        #expect(plain.stemSentences == 3)
        #expect(plain.stemWords == 11)
        #expect(plain.numbers == 2)
        // Out-of-order letters are not choices ("A." after "B." starts the list).
        #expect(PromptStructure("B. first\nA. second").choiceCount == 1)
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
