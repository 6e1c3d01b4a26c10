import Foundation
import Testing
import TriageConfig
import TriageRouting

@testable import TriageReplay

@Suite("triage calibrate: thresholds for a target")
struct CalibratorTests {
    /// Ten prompts of rising complexity; the local model is right on the six easiest.
    private let ladder = (0..<10).map { index in
        CalibrationSample(fit: nil, complexity: (Double(index) + 0.5) / 16, localCorrect: index < 6, remoteCorrect: true, localCost: 0, remoteCost: 1)
    }

    @Test func remoteShareTargetTakesTheBestQualityUnderIt() throws {
        let result = try #require(Calibrator.calibrate(ladder, target: .remoteShare(0.4), currentMinFit: 0.05, currentMaxComplexity: 0.5))
        let chosen = try #require(result.chosen)
        #expect(chosen.remoteShare == 0.4)
        #expect(chosen.quality == 1)
        #expect(chosen.gapRecovered == 1)
        #expect(chosen.minFit == 0.05, "no fit scores: min_fit stays as configured")
        #expect(chosen.maxComplexity >= 5.5 / 16 && chosen.maxComplexity < 6.5 / 16)
        #expect(chosen.relativeCost == 0.4)
        #expect(result.allLocal.quality == 0.6 && result.allRemote.quality == 1)
        #expect(!result.fitScored)
        #expect(result.curve.contains(chosen))
    }

    @Test func qualityTargetTakesTheFewestRemote() throws {
        let result = try #require(Calibrator.calibrate(ladder, target: .quality(0.9), currentMinFit: 0.05, currentMaxComplexity: 0.5))
        let chosen = try #require(result.chosen)
        #expect(chosen.remoteShare == 0.3)
        #expect(chosen.quality == 0.9)
        #expect(result.cpt50 == 0.2, "two of the four hard prompts remote recover half the gap")
        // The current thresholds (0.5) keep eight local: two wrong.
        #expect(result.current.remoteShare == 0.2 && result.current.quality == 0.8)
    }

    @Test func fitThresholdIsChosenWhenLowFitPromptsAreTheBadOnes() throws {
        let samples = (0..<20).map { index in
            CalibrationSample(fit: Double(index) / 20, complexity: 0.1, localCorrect: index >= 5, remoteCorrect: true, localCost: 0, remoteCost: 1)
        }
        let result = try #require(Calibrator.calibrate(samples, target: .quality(1), currentMinFit: 0.05, currentMaxComplexity: 0.5))
        let chosen = try #require(result.chosen)
        #expect(result.fitScored)
        #expect(chosen.quality == 1)
        #expect(chosen.minFit == 0.285, "the 30% quantile of the fits, the first candidate that escalates all five")
        #expect(chosen.remoteShare == 0.3)
        #expect(chosen.maxComplexity >= 0.1)
    }

    @Test func everyCurvePointDecidesAsTheProxyWouldWithTheWrittenValues() throws {
        let samples = (0..<200).map { index in
            let complexity = Double((index * 7919) % 1000) / 997
            return CalibrationSample(fit: Double((index * 104_729) % 1000) / 1000, complexity: complexity,
                                     localCorrect: complexity < 0.6, remoteCorrect: index % 9 != 0, localCost: 0.1, remoteCost: 1)
        }
        let result = try #require(Calibrator.calibrate(samples, target: .remoteShare(0.3), currentMinFit: 0.05, currentMaxComplexity: 0.5))
        for point in result.curve {
            let written = (Double(Calibration.decimals(point.minFit)) ?? -1, Double(Calibration.decimals(point.maxComplexity)) ?? -1)
            let direct = Calibrator.evaluate(samples, totals: .init(samples), minFit: written.0, maxComplexity: written.1)
            #expect(direct.remoteShare == point.remoteShare && direct.quality == point.quality, "\(point)")
            #expect(abs(direct.costUSD - point.costUSD) < 1e-9)
        }
        #expect(try #require(result.chosen).remoteShare <= 0.3)
    }

    @Test func labelsFileWithStrongOutcomes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-calibrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let labels = directory.appendingPathComponent("labels.jsonl").path
        try """
        {"prompt": "what is my balance", "label": 0}
        {"prompt": "Prove that there are infinitely many primes.", "label": 1, "strong_correct": true}
        {"prompt": "Integrate x^2 sin x dx and explain each step.", "label": 1, "strong_correct": false}

        """.write(toFile: labels, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.parse(yaml: """
        backends:
          - {name: local, base_url: "http://127.0.0.1:8000/v1", model: small, price: {input_per_million: 0, output_per_million: 0}}
          - {name: remote, base_url: "https://api.example.com/v1", model: big, price: {input_per_million: 1000000, output_per_million: 0}}
        auto: {default_backend: local, remote: remote}
        """, sourceName: "routes.yaml")
        let auto = try #require(try AutoRouting.load(config: config))
        let samples = try CalibrationSamples.fromLabels(path: labels, auto: auto, prices: BackendPrices(config: config))
        #expect(samples.map(\.localCorrect) == [true, false, false])
        #expect(samples.map(\.remoteCorrect) == [true, true, false])
        #expect(samples[0].remoteCost == Double(4 + 5), "estimated prompt tokens (18 bytes -> 5, plus 4 per message) at $1 a token")
        let result = try #require(Calibrator.calibrate(samples, target: .quality(1), currentMinFit: 0.05, currentMaxComplexity: 0.5))
        #expect(result.allRemote.quality == 2.0 / 3)
        #expect(try #require(result.chosen).quality == 2.0 / 3)
    }
}
