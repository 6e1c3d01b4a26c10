import TriageJSON

extension RoutingLogRecord {
    /// An LLM judge's pairwise grade of the local answer against the shadow (remote) answer,
    /// kept in `shadow.judge` beside the word-set `agreement`.
    ///
    /// The judge sees both answers twice, once in each order; ``verdicts`` holds what it said
    /// each time, from the local answer's side (`local` better, `remote` better, `tie`, or
    /// `none` when its answer could not be read). ``outcome`` combines the two: the same
    /// verdict both times is that verdict; different verdicts (position bias) are a tie. When
    /// an order has no verdict there is no grade: ``outcome`` is `nil` and ``error`` says why.
    public struct Judgement: Sendable, Codable, Equatable {
        /// The judge backend.
        public var backend: String
        /// The judge prompt's version id (`name#hash` of the prompt file).
        public var promptVersion: String
        /// `win`, `tie` or `loss` for the local answer; `nil`: no grade (see ``error``).
        public var outcome: String?
        /// The verdict of each order (remote shown first, then local first).
        public var verdicts: [String]
        /// Why there is no grade, or what went wrong.
        public var error: String?
        /// Time spent judging (both orders), in milliseconds.
        public var latencyMs: Double
        /// What the judge calls cost, in USD, when known.
        public var costUSD: Double?

        public init(backend: String, promptVersion: String, outcome: String?, verdicts: [String], error: String?, latencyMs: Double, costUSD: Double?) {
            self.backend = backend
            self.promptVersion = promptVersion
            self.outcome = outcome
            self.verdicts = verdicts
            self.error = error
            self.latencyMs = latencyMs
            self.costUSD = costUSD
        }

        /// The outcome as a number for the local answer: win 1, tie 0.5, loss 0; `nil` without a grade.
        public var score: Double? {
            switch outcome {
            case "win": return 1
            case "tie": return 0.5
            case "loss": return 0
            default: return nil
            }
        }

        enum CodingKeys: String, CodingKey {
            case backend, outcome, verdicts, error
            case promptVersion = "prompt_version"
            case latencyMs = "latency_ms"
            case costUSD = "cost_usd"
        }

        /// Decodes leniently: a malformed member is left out rather than losing the record.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            backend = (try? container.decodeIfPresent(String.self, forKey: .backend)) ?? nil ?? ""
            promptVersion = (try? container.decodeIfPresent(String.self, forKey: .promptVersion)) ?? nil ?? ""
            outcome = (try? container.decodeIfPresent(String.self, forKey: .outcome)) ?? nil
            verdicts = (try? container.decodeIfPresent([String].self, forKey: .verdicts)) ?? nil ?? []
            error = (try? container.decodeIfPresent(String.self, forKey: .error)) ?? nil
            latencyMs = (try? container.decodeIfPresent(Double.self, forKey: .latencyMs)) ?? nil ?? 0
            costUSD = (try? container.decodeIfPresent(Double.self, forKey: .costUSD)) ?? nil
        }

        /// Writes the grade as a JSON object (keys sorted, absent members left out).
        public func write(to out: inout JSONWriter) {
            out.beginObject()
            out.key(CodingKeys.backend); out.string(backend)
            if let costUSD { out.key(CodingKeys.costUSD); out.number(costUSD) }
            if let error { out.key(CodingKeys.error); out.string(error) }
            out.key(CodingKeys.latencyMs); out.number(latencyMs)
            if let outcome { out.key(CodingKeys.outcome); out.string(outcome) }
            out.key(CodingKeys.promptVersion); out.string(promptVersion)
            out.key(CodingKeys.verdicts); out.strings(verdicts)
            out.endObject()
        }
    }
}
