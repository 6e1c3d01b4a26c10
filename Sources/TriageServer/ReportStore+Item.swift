import Foundation
import TriageFlywheel
import TriageLog

extension ReportStore {
    /// One record as the store holds it: the ``ReportFacts`` a report reads, packed into numbers
    /// (absent values as NaN / `Int.min`), small flags and indices into ``Names`` (~100 bytes a
    /// record, against ~1.5 KB for a record without its texts).
    struct Item: Sendable {
        private static let failedFlag: UInt8 = 1, streamFlag: UInt8 = 2, fallbackFlag: UInt8 = 4

        let date: Date
        private let latencyMs: Double
        private let ttftMs: Double
        private let costUSD: Double
        private let shadowCostUSD: Double
        private let fit: Double
        private let complexity: Double
        private let promptTokens: Int
        private let completionTokens: Int
        /// The `ts` text when it is not the writer's format of `date` (a log written elsewhere).
        private let timestamp: String?
        private let backend: UInt32
        private let rule: UInt32
        private let replica: UInt32
        private let flags: UInt8

        init(_ facts: ReportFacts, date: Date, names: inout Names) {
            self.date = date
            latencyMs = facts.latencyMs
            ttftMs = facts.ttftMs ?? .nan
            costUSD = facts.costUSD ?? .nan
            shadowCostUSD = facts.shadowCostUSD ?? .nan
            fit = facts.fit ?? .nan
            complexity = facts.complexity ?? .nan
            promptTokens = facts.usage?.prompt ?? .min
            completionTokens = facts.usage?.completion ?? .min
            timestamp = facts.timestamp.flatMap { $0 == RoutingLogRecord.timestamp(date) ? nil : $0 }
            backend = names.index(facts.backend)
            rule = names.index(facts.rule)
            replica = names.index(facts.replica)
            flags = (facts.failed ? Self.failedFlag : 0) | (facts.stream ? Self.streamFlag : 0) | (facts.fallback ? Self.fallbackFlag : 0)
        }

        func facts(names: Names) -> ReportFacts {
            let number = { (value: Double) in value.isNaN ? nil : value }
            return ReportFacts(
                timestamp: timestamp, backend: names[backend], rule: names[rule], failed: flags & Self.failedFlag != 0,
                stream: flags & Self.streamFlag != 0, latencyMs: latencyMs, ttftMs: number(ttftMs),
                usage: promptTokens == .min ? nil : (promptTokens, completionTokens), costUSD: number(costUSD),
                shadowCostUSD: number(shadowCostUSD), fit: number(fit), complexity: number(complexity),
                fallback: flags & Self.fallbackFlag != 0, replica: names[replica])
        }
    }

    /// The backend, rule and replica names the items point to, each stored once (index 0: none).
    struct Names: Sendable {
        private var list: [String] = []
        private var indices: [String: UInt32] = [:]

        mutating func index(_ name: String?) -> UInt32 {
            guard let name else { return 0 }
            if let index = indices[name] { return index }
            list.append(name)
            let index = UInt32(truncatingIfNeeded: list.count)
            indices[name] = index
            return index
        }

        subscript(index: UInt32) -> String? {
            index == 0 || Int(index) > list.count ? nil : list[Int(index) - 1]
        }
    }
}
