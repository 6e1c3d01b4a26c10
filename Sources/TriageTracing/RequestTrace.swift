import Synchronization
import Tracing
import TriageLog

/// The spans of one proxied request: the server span, and a client span per upstream attempt
/// whose context goes to the backend as its `traceparent`.
///
/// The request's routing log record is the one account of how it ended, so ``finish(_:)``
/// takes its attributes (route, scores, tokens, cost, status) from the record and ends every
/// span still open. Only the first call counts.
public final class RequestTrace: Sendable {
    /// The trace of the request the current task serves, when tracing is on.
    @TaskLocal public static var current: RequestTrace?

    private struct State: Sendable {
        var attempt: (any Span)?
        var attempts = 0
        var finished = false
    }

    private let tracer: any Tracer
    private let span: any Span
    private let operation: String
    private let state = Mutex(State())

    init(tracer: any Tracer, span: any Span, endpoint: String) {
        self.tracer = tracer
        self.span = span
        self.operation = TraceAttributes.operation(endpoint: endpoint)
    }

    /// Starts the span of the next upstream attempt (ending one left open).
    ///
    /// - Parameters:
    ///   - backend: The backend's name in routes.yaml.
    ///   - model: The model sent to it.
    ///   - kind: The API it speaks (`openai`, `anthropic`).
    ///   - url: Its base URL (`server.address` and `server.port` come from it).
    public func startAttempt(backend: String, model: String, kind: String, url: String) {
        let attempt = tracer.startSpan("\(operation) \(model)", context: span.context, ofKind: .client)
        var attributes = TraceAttributes.attempt(backend: backend, model: model, kind: kind, url: url, operation: operation)
        let previous = state.withLock { state -> (any Span)? in
            defer { state.attempt = attempt }
            state.attempts += 1
            attributes["triage.attempt"] = state.attempts
            return state.attempt
        }
        attempt.attributes = attributes
        previous?.end()
    }

    /// Ends the open attempt span: `status` is the backend's HTTP status when it answered,
    /// `error` what went wrong (an error status on the span).
    public func endAttempt(status: Int?, error: String?) {
        guard let attempt = state.withLock({ state -> (any Span)? in
            defer { state.attempt = nil }
            return state.attempt
        }) else { return }
        Self.end(attempt, status: status, error: error)
    }

    /// Headers that carry this request's trace to a backend: the W3C `traceparent` (and
    /// `tracestate`) of the open attempt span, or of the request's span between attempts.
    public func propagationHeaders() -> [(name: String, value: String)] {
        let context = state.withLock { $0.attempt?.context } ?? span.context
        var headers: [(name: String, value: String)] = []
        tracer.inject(context, into: &headers, using: HeaderInjector())
        return headers
    }

    /// Ends the request's spans with what its routing log record says.
    public func finish(_ record: RoutingLogRecord) {
        let (attempt, first) = state.withLock { state -> ((any Span)?, Bool) in
            defer {
                state.attempt = nil
                state.finished = true
            }
            return (state.attempt, !state.finished)
        }
        guard first else { return }
        if let attempt {
            // Still open: a streamed answer, which ends with the request.
            Self.end(attempt, status: record.status, error: record.error)
        }
        span.attributes.merge(TraceAttributes.request(record))
        for skipped in record.attempts ?? [] where skipped.outcome == "skipped" {
            span.addEvent(SpanEvent(name: "backend skipped", attributes: [
                "triage.backend": .string(skipped.backend), "triage.skip_reason": .string(skipped.error ?? ""),
            ]))
        }
        if record.status >= 500 {
            span.attributes["error.type"] = String(record.status)
            span.setStatus(SpanStatus(code: .error, message: record.error))
        }
        span.end()
    }

    private static func end(_ attempt: any Span, status: Int?, error: String?) {
        if let status { attempt.attributes["http.response.status_code"] = status }
        if let error {
            attempt.attributes["error.type"] = status.map { String($0) } ?? "upstream_error"
            attempt.setStatus(SpanStatus(code: .error, message: error))
        }
        attempt.end()
    }
}
