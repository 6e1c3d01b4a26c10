import Foundation
import TriageConfig
import TriageFlywheel
import TriageLog
import TriageRouting

/// Re-decides the recorded requests of a routing log under a candidate config, with the proxy's
/// own decision (``Router/route(_:auto:messageCount:)``: rules, then the classifier), and no
/// upstream calls.
///
/// Reads the log as a ``LogStream`` (rotated files, oldest first, torn lines skipped), so memory
/// holds one record at a time plus counters per backend, rule and move and `examples` examples.
public struct Replayer: Sendable {
    /// The candidate configuration.
    public let config: RoutesConfig
    /// The candidate's classifier, when its `auto.remote` turns it on.
    public let auto: AutoRouting?
    /// The options.
    public let options: ReplayOptions
    private let router: Router
    private let prices: BackendPrices
    private let labeller: LabelExporter

    /// Name under which requests the candidate would reject (model not offered) are counted.
    public static let rejectedName = "(404 model_not_found)"
    /// Name under which requests no rule matched are counted.
    public static let noRuleName = "(no rule)"

    /// Creates a replayer for `config`, with its classifier already loaded (``AutoRouting/load(config:)``).
    public init(config: RoutesConfig, auto: AutoRouting?, options: ReplayOptions) {
        self.config = config
        self.auto = auto
        self.options = options
        self.router = Router(config: config)
        self.prices = BackendPrices(config: config)
        var labels = options.labels
        labels.since = nil
        labels.until = nil
        self.labeller = LabelExporter(options: labels)
    }

    /// One record re-decided.
    public struct Outcome: Sendable, Equatable {
        /// The backend the record went to first (before any fallback).
        public var before: String
        /// The backend the candidate chooses, or ``Replayer/rejectedName``.
        public var after: String
        /// The recorded rule.
        public var ruleBefore: String?
        /// The candidate's rule.
        public var ruleAfter: String?
        /// The candidate's reason, in the log's words.
        public var reasonAfter: String
        /// Whether a header condition was taken to hold (headers are not logged).
        public var headerAssumed: Bool
        /// The tokens, as logged or estimated.
        public var tokens: TokenCount
    }

    /// Re-decides one record; `nil` when it has nothing to re-decide (no messages, or it was
    /// rejected before routing).
    public func replay(_ record: RoutingLogRecord) -> Outcome? {
        guard let messages = record.messages, let texts = ChatTexts(messages: messages),
              let before = record.attempts?.first?.backend ?? record.backend else { return nil }
        let model = record.clientModel ?? config.models.first ?? ""
        let headers = Self.assumedHeaders(recordedRule: record.rule, config: config)
        let tokens = TokenCount(record: record, texts: texts)
        guard config.models.contains(model) else {
            return Outcome(before: before, after: Self.rejectedName, ruleBefore: record.rule, ruleAfter: nil,
                           reasonAfter: "model '\(model)' is not in the candidate's models", headerAssumed: false, tokens: tokens)
        }
        let input = RoutingInput(model: model, headers: headers, lastUserMessage: texts.lastUserMessage,
                                 estimatedPromptTokens: texts.estimatedPromptTokens)
        let routed = router.route(input, auto: auto, messageCount: texts.texts.count)
        return Outcome(before: before, after: routed.backend.name, ruleBefore: record.rule, ruleAfter: routed.rule,
                       reasonAfter: routed.reason, headerAssumed: !headers.isEmpty, tokens: tokens)
    }

    /// The headers a record is replayed with. The log does not keep request headers, so a
    /// record decided by a rule with a `header` condition is replayed with that header present
    /// (with the rule's value, if it names one) when the candidate has a rule of that name;
    /// every other record with none.
    static func assumedHeaders(recordedRule: String?, config: RoutesConfig) -> [String: String] {
        guard let name = recordedRule, let rule = config.rules.first(where: { $0.name == name }),
              let header = rule.match.header else { return [:] }
        return [header.name.lowercased(): header.value ?? ""]
    }

    /// Replays every record of `stream`.
    public func replay(_ stream: LogStream, configPath: String, logPath: String) -> ReplayReport {
        var tally = ReplayTally(
            report: ReplayReport(config: configPath, log: logPath, localBackends: options.labels.localBackends.sorted(),
                                 cost: .init(compareTo: prices.comparisonBackend, recordedUSD: 0, beforeUSD: 0, afterUSD: 0,
                                             allRemoteUSD: prices.comparisonBackend.map { _ in 0 }, estimatedTokens: 0)),
            examples: options.examples
        )
        for entry in stream {
            tally.report.read += 1
            let record = entry.record
            if options.since != nil || options.until != nil {
                guard let date = LogTimestamp.parse(record.timestamp),
                      options.since.map({ date >= $0 }) ?? true, options.until.map({ date < $0 }) ?? true else {
                    tally.report.outsideRange += 1
                    continue
                }
            }
            guard let outcome = replay(record) else {
                tally.report.notReplayable += 1
                continue
            }
            let label = labeller.label(entry)?.rule
            tally.add(outcome, record: record, label: label, prices: prices, local: options.labels.localBackends)
        }
        tally.report.unreadableLines = stream.skippedLines
        return tally.finished()
    }
}
