import Foundation
import Testing

@testable import TriageRouting

@Suite("Auto routing reason text")
struct AutoRoutingTests {
    @Test(arguments: [
        0.0, -0.0, 1.0, 0.5, 0.05, 0.123_4, 0.999_6, 0.000_4, 12.345_678, -0.25, -0.000_1, 1e9 + 0.5, 0.1, 0.7, 0.35,
        0.0045, 0.0125, 0.0005, 2.0005, 1e-300, Double.leastNonzeroMagnitude, 123_456_789.012_5, 1e14 + 0.123,
    ])
    func threeDecimalsMatchesPrintf(value: Double) {
        #expect(AutoRouting.threeDecimals(value) == String(format: "%.3f", value), "\(value)")
    }

    @Test func agreesWithPrintfOverTheScoreRange() {
        // Scores and thresholds live in 0...1: every thousandth and the points between them.
        for step in 0...20000 {
            let value = Double(step) / 20000
            #expect(AutoRouting.threeDecimals(value) == String(format: "%.3f", value), "\(value)")
        }
    }
}
