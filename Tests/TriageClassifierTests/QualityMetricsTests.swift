import Testing
@testable import TriageClassifier

@Suite struct QualityMetricsTests {
    @Test func aurocOnKnownCases() {
        #expect(QualityMetrics.auroc(positives: [0.9, 0.8], negatives: [0.1, 0.2]) == 1)
        #expect(QualityMetrics.auroc(positives: [0.1, 0.2], negatives: [0.9, 0.8]) == 0)
        #expect(QualityMetrics.auroc(positives: [0.5], negatives: [0.5]) == 0.5)
        // 3 positives × 2 negatives: pairs won 0.8>0.6, 0.8>0.3, 0.4>0.3, 0.2 loses both, 0.4<0.6 → 3/6 + ...
        #expect(QualityMetrics.auroc(positives: [0.8, 0.4, 0.2], negatives: [0.6, 0.3]) == 3.0 / 6)
        #expect(QualityMetrics.auroc(positives: [0.8, 0.6], negatives: [0.6, 0.1]) == 3.5 / 4)
        #expect(QualityMetrics.auroc(positives: [], negatives: [0.1]) == nil)
    }

    @Test func fprAtNinetyFivePercentTPROnKnownCases() {
        let positives = (1 ... 20).map { Double($0) / 20 }  // 0.05 ... 1.0; 95% of 20 = 19 → threshold 0.10
        #expect(QualityMetrics.fprAtTPR(positives: positives, negatives: [0.0, 0.05, 0.1, 0.2]) == 0.5)
        #expect(QualityMetrics.fprAtTPR(positives: positives, negatives: [0.0, 0.01]) == 0)
        #expect(QualityMetrics.fprAtTPR(positives: [1], negatives: [2, 0]) == 0.5)
        #expect(QualityMetrics.fprAtTPR(positives: [1, 2], negatives: []) == nil)
    }
}
