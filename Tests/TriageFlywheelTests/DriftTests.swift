import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel
import TriageHashing
import TriageConfig

/// Drift statistics on known distributions. The reference is what a conformal p-value looks like
/// under no drift (uniform on [0, 1]); "shifted" live traffic is u³ (mass pushed toward low fit,
/// as when prompts stop resembling the fine-tuning data).
@Suite struct DriftTests {
    /// Deterministic uniform numbers in [0, 1) (SplitMix64).
    struct Uniform {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    static let reference = FitDriftReference(heldOutFits: (0..<500).map { Double($0) / 499 })

    static func sample(_ count: Int, seed: UInt64, _ transform: (Double) -> Double = { $0 }) -> [Double] {
        var random = Uniform(state: seed)
        return (0..<count).map { _ in transform(random.next()) }
    }

    @Test("the same distribution stays under every threshold")
    func identicalDoesNotDrift() {
        for seed: UInt64 in [1, 2, 3, 4, 5] {
            let live = FitHistogram(Self.sample(1000, seed: seed))
            let summary = Self.reference.summary(of: live, minFit: 0.05)
            #expect((summary.psi ?? 1) < 0.1, "seed \(seed): PSI \(summary.psi ?? -1)")
            #expect((summary.ks ?? 1) < DriftStatistics.ksCritical(500, 1000), "seed \(seed): KS \(summary.ks ?? -1)")
            #expect(!summary.drifting)
            #expect(abs((summary.belowMinFitShare ?? 0) - 0.05) < 0.03)
        }
    }

    @Test("a shifted distribution raises PSI past 0.25 and KS past 0.2, significantly")
    func shiftedDrifts() {
        let live = FitHistogram(Self.sample(1000, seed: 7) { $0 * $0 * $0 })
        let summary = Self.reference.summary(of: live, minFit: 0.05)
        #expect((summary.psi ?? 0) >= DriftStatistics.psiDrift, "PSI \(summary.psi ?? -1)")
        #expect((summary.ks ?? 0) > DriftStatistics.ksDrift, "KS \(summary.ks ?? -1)")
        #expect(summary.drifting)
        // P(u³ < 0.05) = 0.05^(1/3) ≈ 0.368.
        #expect(abs((summary.belowMinFitShare ?? 0) - 0.368) < 0.04)
    }

    @Test("a small window of the same distribution is not called drift by chance")
    func smallSampleNoFalseAlarm() {
        for seed: UInt64 in 10..<30 {
            let summary = Self.reference.summary(of: FitHistogram(Self.sample(60, seed: seed)), minFit: 0.05)
            #expect(!(summary.ks.map { $0 > DriftStatistics.ksDrift && $0 > DriftStatistics.ksCritical(500, 60) } ?? false), "seed \(seed)")
        }
    }

    @Test("PSI and KS on hand-computed inputs")
    func formulas() {
        // Half the mass moved from the first bin to the second: 2 × (0.5 − 0.25)·ln 2 ... per bin.
        let psi = DriftStatistics.psi(expected: [0.5, 0.5], actual: [0.25, 0.75])
        #expect(abs(psi - ((0.25 - 0.5) * log(0.25 / 0.5) + (0.75 - 0.5) * log(0.75 / 0.5))) < 1e-12)
        #expect(DriftStatistics.psi(expected: [0.2, 0.8], actual: [0.2, 0.8]) == 0)
        let a = FitHistogram([0.1, 0.1, 0.9, 0.9]), b = FitHistogram([0.1, 0.9, 0.9, 0.9])
        #expect(abs(DriftStatistics.ks(a, b) - 0.25) < 1e-12)
        #expect(DriftStatistics.ks(a, FitHistogram()) == 0)
    }

    @Test("the window holds the last N fits only")
    func slidingWindow() {
        let window = FitDriftWindow(reference: Self.reference, minFit: 0.05, capacity: 500)
        for fit in Self.sample(500, seed: 3, { $0 * $0 * $0 }) { window.record(fit) }
        #expect(window.summary.drifting)
        for fit in Self.sample(500, seed: 4) { window.record(fit) }
        let summary = window.summary
        #expect(summary.requests == 500)
        #expect(!summary.drifting, "PSI \(summary.psi ?? -1), KS \(summary.ks ?? -1)")
        window.record(.nan)
        #expect(window.summary.requests == 500)
    }

    @Test("triage report: drift per day, the shifted day flagged, the other not")
    func reportPerDay() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        let day1 = Self.sample(400, seed: 21), day2 = Self.sample(400, seed: 22) { $0 * $0 * $0 }
        var records: [RoutingLogRecord] = []
        for (index, fit) in (day1 + day2).enumerated() {
            var record = Fixture.record(id: "r\(index)", minutes: index < 400 ? Double(index) : 1440 + Double(index - 400))
            record.scores = RoutingLogRecord.Scores(fit: fit, similarity: fit, complexity: 0.2, decidedBy: "none", micros: 10)
            records.append(record)
        }
        try Fixture.write(records: records, to: path)
        var options = ReportOptions()
        options.minFit = 0.05
        options.driftReference = Self.reference
        let report = try ReportBuilder.build(logPath: path, options: options)
        let days = try #require(report.classifier?.driftByDay)
        #expect(days.map(\.day) == ["2025-01-01", "2025-01-02"])
        #expect(days.map(\.drift.requests) == [400, 400])
        #expect(!days[0].drift.drifting)
        #expect(days[1].drift.drifting)
        #expect(report.classifier?.referenceHeldOut == 500)
        let text = report.render()
        #expect(text.contains("Fit drift per day, against the reference's 500 held-out prompts"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("2025-01-02") && $0.hasSuffix("DRIFT") })
        #expect(try Report.decode(json: try report.json()) == report)
    }

    @Test("timeline: buckets per backend, score histograms, drift per bucket")
    func timeline() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        var a = Fixture.record(id: "a", minutes: 0, backend: "local", usage: (10, 5), cost: 0)
        a.scores = RoutingLogRecord.Scores(fit: 0.5, similarity: 0.5, complexity: 0.96, decidedBy: "none", micros: 1)
        var b = Fixture.record(id: "b", minutes: 1.5, backend: "remote", status: 502, error: "boom", usage: (10, 5), cost: 0.001)
        b.attempts = [.init(backend: "local", outcome: "failed", latencyMs: 1), .init(backend: "remote", outcome: "failed", latencyMs: 1)]
        try Fixture.write(records: [a, b], to: path)
        var options = ReportOptions(prices: ["remote": BackendPricing(inputPerMillion: 1000, outputPerMillion: 1000)], remoteBackend: "remote")
        options.bucketSeconds = 60
        let timeline = try #require(try ReportBuilder.build(logPath: path, options: options).classifier?.timeline)
        #expect(timeline.buckets.count == 2)
        #expect(timeline.buckets[0].requests == ["local": 1])
        #expect(abs(timeline.buckets[0].savingsUSD - 0.015) < 1e-12)
        #expect(timeline.buckets[1].errors == ["remote": 1])
        #expect(timeline.buckets[1].fallbacks == 1)
        #expect(timeline.fitHistogram[10] == 1 && timeline.fitHistogram.reduce(0, +) == 1)
        #expect(timeline.complexityHistogram[19] == 1)
        #expect(timeline.buckets[0].drift?.requests == 1 && timeline.buckets[0].drift?.psi == nil)
    }
}
