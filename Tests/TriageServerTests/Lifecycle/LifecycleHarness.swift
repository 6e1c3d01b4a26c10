import Foundation
import Logging
import NIOCore
import Synchronization
import TriageConfig
import TriageLog
import TriageMetrics
import TriageUpstream
@testable import TriageServer

/// An upstream in memory: each backend (the host of its URL) answers through a scripted
/// handler, given the request and how many times that backend was called before.
final class MemoryTransport: UpstreamTransport {
    typealias Handler = @Sendable (UpstreamRequest, Int) async throws -> UpstreamResponse

    private let handlers: [String: Handler]
    private let sent = Mutex<[UpstreamRequest]>([])

    init(_ handlers: [String: Handler]) {
        self.handlers = handlers
    }

    func execute(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let host = Self.host(request.url)
        let index = sent.withLock { sent in
            defer { sent.append(request) }
            return sent.filter { Self.host($0.url) == host }.count
        }
        guard let handler = handlers[host] else {
            throw UpstreamError.connectFailed(url: request.url, message: "connection refused")
        }
        return try await handler(request, index)
    }

    /// The requests sent so far, in order.
    var requests: [UpstreamRequest] { sent.withLock { $0 } }
    /// The backends called so far, in order.
    var calls: [String] { requests.map { Self.host($0.url) } }

    static func host(_ url: String) -> String {
        let rest = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first ?? ""
        return String(rest.split(separator: ".").first ?? "")
    }

    // MARK: Answers

    /// A whole chat completion saying `text`.
    static func answer(_ text: String, status: Int = 200) -> UpstreamResponse {
        let body = #"{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#
        return response(status: status, contentType: "application/json", chunks: [Array(body.utf8)])
    }

    /// An error status with a small JSON body.
    static func failure(_ status: Int) -> UpstreamResponse {
        response(status: status, contentType: "application/json", chunks: [Array(#"{"error":{"message":"down"}}"#.utf8)])
    }

    /// A streamed answer: one `data:` event per word, then `[DONE]`; with `failAfter`, the body
    /// breaks off after that many events instead of ending.
    static func stream(_ words: [String], failAfter: Int? = nil) -> UpstreamResponse {
        var chunks = words.map { word in
            Array(#"data: {"id":"s1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\#(word)"},"finish_reason":null}]}"#.utf8) + Array("\n\n".utf8)
        }
        if let failAfter {
            chunks = Array(chunks.prefix(failAfter))
            return response(status: 200, contentType: "text/event-stream", chunks: chunks, failure: UpstreamError.transferFailed(url: "http://local.test", message: "connection reset"))
        }
        chunks.append(Array("data: [DONE]\n\n".utf8))
        return response(status: 200, contentType: "text/event-stream", chunks: chunks)
    }

    static func response(status: Int, contentType: String, chunks: [[UInt8]], failure: (any Error)? = nil) -> UpstreamResponse {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        for chunk in chunks { continuation.yield(chunk) }
        continuation.finish(throwing: failure)
        return UpstreamResponse(status: status, headers: [("Content-Type", contentType)], body: UpstreamBody(chunks: stream))
    }

    /// A head whose body never comes (a stream held open), ending when `cancellation` fires.
    static func hangingStream(until cancellation: UpstreamCancellation?) -> UpstreamResponse {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let task = Task {
            while !(cancellation?.isCancelled ?? false) { try? await Task.sleep(for: .milliseconds(2)) }
            continuation.finish(throwing: UpstreamError.cancelled)
        }
        continuation.onTermination = { _ in task.cancel() }
        return UpstreamResponse(status: 200, headers: [("Content-Type", "text/event-stream")], body: UpstreamBody(chunks: stream))
    }

    /// Waits until `request` is cancelled (the client went away), then fails like curl does.
    static func waitForCancellation(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        while !(request.cancellation?.isCancelled ?? false) { try await Task.sleep(for: .milliseconds(2)) }
        throw UpstreamError.cancelled
    }
}

/// A routing log in memory.
final class MemoryLogSink: RoutingLogSink {
    private let stored = Mutex<[RoutingLogRecord]>([])
    /// In a struct: a bare closure in a generic `Mutex` is re-thunked at every access.
    private struct Observer: Sendable { let tell: @Sendable (RoutingLogRecord) -> Void }
    private let observer = Mutex<Observer?>(nil)

    func commit(_ outcome: any RoutingLogOutcome) async -> Bool {
        append(outcome)
        return true
    }

    func append(_ outcome: any RoutingLogOutcome) {
        let record = outcome.rendered()
        observer.withLock { $0 }?.tell(record)
        stored.withLock { $0.append(record) }
    }

    func observe(_ observer: @escaping @Sendable (RoutingLogRecord) -> Void) { self.observer.withLock { $0 = Observer(tell: observer) } }
    func waitForRoom() async {}
    var pendingCount: Int { 0 }
    var status: RoutingLogWriter.Status { RoutingLogWriter.Status(written: stored.withLock { $0.count }) }
    func close() {}

    var records: [RoutingLogRecord] { stored.withLock { $0 } }

    /// Waits (up to two seconds) for the record `id`, written in the background (a shadowed one).
    func record(_ id: String) async -> RoutingLogRecord? {
        for _ in 0..<1000 {
            if let record = records.first(where: { $0.id == id }) { return record }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }
}

/// A lifecycle over `transport` with the routes of `yaml`, recording into a memory log.
struct LifecycleHarness {
    let lifecycle: RequestLifecycle
    let transport: MemoryTransport
    let log = MemoryLogSink()

    init(_ yaml: String, transport: MemoryTransport) throws {
        let config = try ConfigLoader.parse(yaml: yaml, sourceName: "lifecycle.yaml")
        let routes = RoutesStore(try ActiveRoutes(config: config, environment: [:]))
        let recorder = RequestRecorder(
            log: log, metrics: ProxyMetrics(), known: KnownRequestIDs(), onWriteError: .failClosed,
            recent: RecentRequests(logPath: "/nonexistent/lifecycle.jsonl"), store: nil
        )
        self.transport = transport
        var logger = Logger(label: "lifecycle-test")
        logger.logLevel = .critical
        lifecycle = RequestLifecycle(
            routes: routes, transport: transport, recorder: recorder, health: BackendHealth(),
            logger: logger, shutdown: ShutdownCutoff(graceSeconds: 1))
    }

    /// Runs one chat request (streamed with `stream`), the client watched by `hangUp`.
    func run(_ text: String = "hello", stream: Bool = false, hangUp: ClientHangUp? = nil) async -> RequestLifecycle.Reply {
        let body = #"{"model":"triage","stream":\#(stream),"messages":[{"role":"user","content":"\#(text)"}]}"#
        return await lifecycle.run(.openAIChat, headers: [:], watch: ClientWatch(hangUp)) { _ in Array(body.utf8) }
    }

    /// Relays a streamed reply to the end: what the client got, and how the relay ended.
    func relay(_ reply: RequestLifecycle.Reply, clientLeavesAfter events: Int? = nil) async -> (text: String, outcome: RequestLifecycle.StreamOutcome)? {
        guard case .stream(let answer) = reply else { return nil }
        var received = ""
        var writes = 0
        let outcome = await answer.relay { buffer in
            if let events, writes >= events { throw CancellationError() }
            writes += 1
            received += String(buffer: buffer)
        }
        return (received, outcome)
    }
}

extension RequestLifecycle.Reply {
    /// The status the client gets (200 for a stream's head).
    var status: Int {
        switch self {
        case .answer(let status, _, _, _): status
        case .stream(let answer): answer.status
        case .error(let error, _): Int(error.status.code)
        }
    }

    var tags: ReplyTags {
        switch self {
        case .answer(_, _, _, let tags): tags
        case .stream(let answer): answer.tags
        case .error(_, let tags): tags
        }
    }

    var error: APIError? {
        if case .error(let error, _) = self { return error }
        return nil
    }

    var text: String? {
        if case .answer(_, _, let body, _) = self { return String(decoding: body, as: UTF8.self) }
        return nil
    }
}

/// routes.yaml for the tests: backends `local` (the default), `remote` and `spare`, each with
/// its extra lines; `extra` is appended at the top level.
func lifecycleRoutes(local: String = "", remote: String = "", extra: String = "") -> String {
    """
    backends:
      - name: local
        base_url: http://local.test/v1
        model: small
    \(local.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
      - name: remote
        base_url: http://remote.test/v1
        model: big
    \(remote.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
      - name: spare
        base_url: http://spare.test/v1
        model: spare
    auto: {default_backend: local}
    \(extra)
    """
}
