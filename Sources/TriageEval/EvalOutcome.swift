import TriageJSON

/// What one item of an eval run gave: the candidate's answer scored against the reference.
/// One JSON line each in the progress file, so a resumed run counts finished items again
/// without sending them.
public struct EvalOutcome: Sendable, Equatable {
    public var id: String
    /// What went wrong calling the backend; `nil` when it answered (2xx).
    public var error: String?
    /// Whether the normalised answer equals the normalised reference.
    public var exact: Bool
    /// Token F1 against the reference.
    public var f1: Double
    /// The judge's outcome for the candidate (`win`/`tie`/`loss`), when judged and graded.
    public var judgeOutcome: String?
    /// Why the judge gave no grade, when judged without one.
    public var judgeError: String?
    public var latencyMs: Double
    public var promptTokens: Int
    public var completionTokens: Int
    /// The candidate's answer (kept to audit a run; the progress file is created 0600).
    public var answer: String

    public init(
        id: String, error: String?, exact: Bool, f1: Double, judgeOutcome: String? = nil, judgeError: String? = nil,
        latencyMs: Double, promptTokens: Int, completionTokens: Int, answer: String
    ) {
        self.id = id
        self.error = error
        self.exact = exact
        self.f1 = f1
        self.judgeOutcome = judgeOutcome
        self.judgeError = judgeError
        self.latencyMs = latencyMs
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.answer = answer
    }

    /// The outcome as one JSON object.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "exact": .bool(exact), "f1": .number(f1), "latency_ms": .number(latencyMs),
            "prompt_tokens": .number(Double(promptTokens)), "completion_tokens": .number(Double(completionTokens)),
            "answer": .string(answer),
        ]
        if let error { members["error"] = .string(error) }
        if let judgeOutcome { members["judge"] = .string(judgeOutcome) }
        if let judgeError { members["judge_error"] = .string(judgeError) }
        return .object(members)
    }

    /// Reads an outcome written by ``json``; `nil` for anything else (a torn last line).
    public init?(json value: JSONValue) {
        guard let id = value["id"]?.stringValue, case .bool(let exact)? = value["exact"],
              case .number(let f1)? = value["f1"], case .number(let latency)? = value["latency_ms"] else { return nil }
        func int(_ key: String) -> Int { value[key]?.intValue ?? 0 }
        self.init(
            id: id, error: value["error"]?.stringValue, exact: exact, f1: f1, judgeOutcome: value["judge"]?.stringValue,
            judgeError: value["judge_error"]?.stringValue, latencyMs: latency, promptTokens: int("prompt_tokens"),
            completionTokens: int("completion_tokens"), answer: value["answer"]?.stringValue ?? ""
        )
    }
}
