import Foundation
import Testing
import TriageFlywheel
import TriageJSON
import TriageLog
import TriageRouting

@testable import TriageReplay

@Suite("triage replay on generated logs (rotated file of first-release records, torn last line)")
struct ReplayerTests {
    private func replay(_ fixture: ReplayLogFixture, maxComplexity: Double, dropHardRule: Bool = false, offerFastModel: Bool = true) throws -> ReplayReport {
        let config = try fixture.config(maxComplexity: maxComplexity, dropHardRule: dropHardRule, offerFastModel: offerFastModel)
        let feedback = try FeedbackStore.load(path: FeedbackStore.path(besideLog: fixture.logPath))
        let options = ReplayOptions(examples: 2, labels: LabelOptions(localBackends: ["local"], negativeIDs: feedback.negativeIDs, positiveIDs: feedback.positiveIDs))
        var warnings: [String] = []
        let stream = try LogStream(path: fixture.logPath) { warnings.append($0) }
        let report = Replayer(config: config, auto: try AutoRouting.load(config: config), options: options)
            .replay(stream, configPath: "candidate.yaml", logPath: fixture.logPath)
        #expect(warnings.count == 1 && warnings[0].contains("incomplete last line"), "\(warnings)")
        return report
    }

    @Test func theRecordedDecisionsReplayUnchanged() throws {
        let fixture = try ReplayLogFixture()
        defer { fixture.remove() }
        let report = try replay(fixture, maxComplexity: 1)
        #expect(report.read == 9)
        #expect(report.replayed == 8)
        #expect(report.notReplayable == 1, "the rejected first-release record has no messages")
        #expect(report.unreadableLines == 1)
        #expect(report.headerAssumed == 1)
        #expect(report.moved == 0 && report.ruleChanged == 0 && report.moves.isEmpty && report.examples.isEmpty)
        #expect(report.backends == [.init(name: "local", before: 6, after: 6), .init(name: "remote", before: 2, after: 2)],
                "the fallback counts where it was sent first (local), not where it was answered")
        #expect(abs(report.cost.beforeUSD - report.cost.afterUSD) < 1e-12)
        #expect(report.cost.estimatedTokens == 1)
        #expect(report.quality == .init(labelled: 3, perRule: ["negative_feedback": 1, "fallback_from_local": 1, "shadow_agreed": 1],
                                        knownBad: 2, badNowRemote: 0, badStillLocal: 2, knownGood: 1, goodNowRemote: 0, goodStillLocal: 1))
    }

    @Test func aStricterCandidateMovesTheAutoRequestsAndProjectsCostAndQuality() throws {
        let fixture = try ReplayLogFixture()
        defer { fixture.remove() }
        let report = try replay(fixture, maxComplexity: 0, dropHardRule: true, offerFastModel: false)
        #expect(report.replayed == 8)
        #expect(report.moved == 6)
        #expect(report.moves == [.init(from: "local", to: "remote", count: 5), .init(from: "local", to: Replayer.rejectedName, count: 1)])
        #expect(report.rejectedModel == 1)
        #expect(report.ruleChanged == 2, "hard-prompts -> default, and the rejected triage-fast request")
        #expect(report.rules.contains(.init(name: "hard-prompts", before: 1, after: 0)))
        #expect(report.rules.contains(.init(name: "default", before: 6, after: 6)), "the hard prompt joins, the triage-fast request leaves")
        #expect(report.examples.count == 2)
        #expect(report.examples[0].id == "old-1" && report.examples[0].to == "remote")
        #expect(report.examples[0].reasonAfter.hasPrefix("rule 'default' routed auto -> classifier: no reference, complexity"))
        // Everything but the rejected request now goes to remote: the after cost is the all-remote
        // cost less that request (3 + 3 tokens at $2 / $10 per million).
        let allRemote = try #require(report.cost.allRemoteUSD)
        #expect(abs(report.cost.afterUSD - (allRemote - (3 * 2 + 3 * 10) / 1e6)) < 1e-12)
        #expect(report.cost.beforeUSD < report.cost.afterUSD)
        #expect(report.quality.badNowRemote == 2 && report.quality.goodNowRemote == 1)
        let text = report.render()
        #expect(text.contains("known-bad local answers (label 1):  2 -> 2 would now go remote, 0 stay local"))
        #expect(text.contains("moved: 6 requests (75.0%) change backend; 2 change rule"))
        let decoded = try JSONDecoder().decode(ReplayReport.self, from: report.json())
        #expect(decoded == report)
    }

    @Test func contentPartsAreReadAsTheProxyReadsThem() throws {
        let texts = try #require(ChatTexts(messages: .array([
            .object(["role": .string("system"), "content": .string("sys")]),
            .object(["role": .string("user"), "content": .array([.object(["type": .string("text"), "text": .string("a")]),
                                                                  .object(["type": .string("image_url")]),
                                                                  .object(["type": .string("text"), "text": .string("b")])])]),
            .object(["role": .string("assistant"), "content": .null]),
        ])))
        #expect(texts.texts == ["sys", "a\nb", ""])
        #expect(texts.lastUserMessage == "a\nb")
        #expect(ChatTexts(messages: .array([])) == nil)
        #expect(ChatTexts(messages: .array([.object(["role": .string("user"), "content": .number(3)])])) == nil)
    }

    @Test func sinceAndUntilLimitTheRecords() throws {
        let fixture = try ReplayLogFixture()
        defer { fixture.remove() }
        let config = try fixture.config(maxComplexity: 1)
        let options = ReplayOptions(since: LogTimestamp.parse("2026-11-25"), labels: LabelOptions(localBackends: ["local"]))
        let report = Replayer(config: config, auto: try AutoRouting.load(config: config), options: options)
            .replay(try LogStream(path: fixture.logPath), configPath: "c", logPath: fixture.logPath)
        #expect(report.outsideRange == 3)
        #expect(report.replayed == 6)
    }
}
