import Foundation
import Testing
@testable import TriageFlywheel

@Suite struct ShadowSamplerTests {
    let noon = Date(timeIntervalSince1970: 1_735_689_600 + 12 * 3_600)

    @Test func rateIsRespectedAndDeterministic() throws {
        for rate in [0.01, 0.1, 0.5] {
            let sampler = try ShadowSampler(rate: rate, dailyCapUSD: nil)
            let sampled = (0..<10_000).filter { sampler.shouldShadow(requestID: "req-\($0)", estimatedCostUSD: 0.001, now: noon).shouldShadow }.count
            let expected = rate * 10_000
            #expect(abs(Double(sampled) - expected) <= max(4 * (expected * (1 - rate)).squareRoot(), 10), "rate \(rate): \(sampled)")
            let again = try ShadowSampler(rate: rate, dailyCapUSD: nil)
            #expect((0..<200).allSatisfy { sampler.isSampled(requestID: "req-\($0)") == again.isSampled(requestID: "req-\($0)") })
        }
        #expect(try !ShadowSampler(rate: 0, dailyCapUSD: nil).isSampled(requestID: "x"))
        #expect(try ShadowSampler(rate: 1, dailyCapUSD: nil).isSampled(requestID: "x"))
        #expect(throws: FlywheelError.self) { try ShadowSampler(rate: 1.5, dailyCapUSD: nil) }
        #expect(throws: FlywheelError.self) { try ShadowSampler(rate: 0.5, dailyCapUSD: -1) }
    }

    @Test func capIsRespectedAndRollsOverAtUTCMidnight() throws {
        let sampler = try ShadowSampler(rate: 1, dailyCapUSD: 1.0)
        var accepted = 0
        for index in 0..<100 {
            let decision = sampler.shouldShadow(requestID: "r\(index)", estimatedCostUSD: 0.3, now: noon)
            if case .shadow(let reserved) = decision {
                accepted += 1
                sampler.recordSpend(0.25, releasing: reserved, now: noon)
            }
        }
        // 0.25 actual each: after 3 (0.75), a 4th reservation of 0.3 would reach 1.05 > 1.0.
        #expect(accepted == 3)
        #expect(abs(sampler.spentToday(now: noon) - 0.75) < 1e-12)
        #expect(sampler.shouldShadow(requestID: "x", estimatedCostUSD: 0.3, now: noon) == .overDailyCap(spentUSD: 0.75, capUSD: 1.0))
        #expect(sampler.shouldShadow(requestID: "y", estimatedCostUSD: 0.25, now: noon).shouldShadow)
        // Unsettled reservations count against the cap too.
        #expect(!sampler.shouldShadow(requestID: "z", estimatedCostUSD: 0.01, now: noon).shouldShadow)
        let tomorrow = noon.addingTimeInterval(12 * 3_600)
        #expect(sampler.spentToday(now: tomorrow) == 0)
        #expect(sampler.shouldShadow(requestID: "r1", estimatedCostUSD: 0.9, now: tomorrow).shouldShadow)
        #expect(!sampler.shouldShadow(requestID: "r2", estimatedCostUSD: 0.2, now: tomorrow).shouldShadow)
    }

    @Test func concurrentDecisionsNeverExceedTheCap() async throws {
        let sampler = try ShadowSampler(rate: 1, dailyCapUSD: 5)
        let now = noon
        let accepted = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    (0..<500).filter { sampler.shouldShadow(requestID: "t\(task)-\($0)", estimatedCostUSD: 0.01, now: now).shouldShadow }.count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(accepted == 500)
    }
}
