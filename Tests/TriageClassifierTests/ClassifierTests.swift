import Testing
@testable import TriageClassifier

@Suite struct ClassifierTests {
    @Test(arguments: [
        (0.5 as Double?, 0.2, true, RoutingDecision.DecidedBy.none),
        (0.01, 0.2, false, .fit),
        (0.5, 0.9, false, .complexity),
        (0.01, 0.9, false, .both),
        (nil, 0.2, true, .none),
        (nil, 0.9, false, .complexity),
        (0.05, 0.5, true, .none),  // boundaries are inclusive: fit ≥ min_fit, complexity ≤ max_complexity
    ])
    func decisionTruthTable(fit: Double?, complexity: Double, local: Bool, decidedBy: RoutingDecision.DecidedBy) {
        let decision = Classifier.decide(fit: fit, complexity: complexity, minFit: 0.05, maxComplexity: 0.5)
        #expect(decision == RoutingDecision(local: local, decidedBy: decidedBy))
    }

    @Test func decidedByRawValuesAreWhatTheLogRecords() {
        #expect([RoutingDecision.DecidedBy.fit, .complexity, .both, .none].map(\.rawValue) == ["fit", "complexity", "both", "none"])
    }

    @Test func classifyCombinesBothScoresDeterministically() throws {
        let classifier = Classifier(reference: Fixtures.bankingIndex, complexity: try ComplexityModel.bundledDefault())
        let a = classifier.classify(prompt: "why was my card declined yesterday", messageCount: 1)
        let b = classifier.classify(prompt: "why was my card declined yesterday", messageCount: 1)
        #expect(a.fit == b.fit && a.complexity == b.complexity && a.rawSimilarity == b.rawSimilarity)
        #expect(a.fit ?? 0 >= 0.5)
        #expect(a.fit == Fixtures.bankingIndex.fit(prompt: "why was my card declined yesterday").calibrated)
        #expect(a.fitDuration >= .zero && a.complexityDuration >= .zero)
        let noReference = Classifier(reference: nil, complexity: try ComplexityModel.bundledDefault())
        let c = noReference.classify(prompt: "hello")
        #expect(c.fit == nil && c.rawSimilarity == nil)
        #expect((0 ... 1).contains(c.complexity))
    }
}
