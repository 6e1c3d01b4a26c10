import Foundation
import Glibc
import TriageUpstream

/// Thrown by `withTimeout` when the operation takes too long.
struct TestTimeout: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "operation did not finish within \(seconds)s" }
}

/// Runs `operation`, failing with `TestTimeout` after `seconds` (guards against deadlocks).
func withTimeout<T: Sendable>(
    _ seconds: Double, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TestTimeout(seconds: seconds)
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TestTimeout(seconds: seconds) }
        return result
    }
}

/// JSON body of a chat completion request whose last user message is `prompt`.
func chatBody(_ prompt: String, stream: Bool = false, model: String = "test-model") -> [UInt8] {
    let object: [String: Any] = [
        "model": model,
        "stream": stream,
        "messages": [["role": "user", "content": prompt]],
    ]
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return Array(data)
}

/// A chat completion request for `prompt` against `upstream`.
func chatRequest(
    _ upstream: FakeUpstream, _ prompt: String, stream: Bool = false, timeouts: UpstreamTimeouts = .init()
) -> UpstreamRequest {
    UpstreamRequest(
        url: upstream.url(),
        headers: [(name: "Content-Type", value: "application/json")],
        body: chatBody(prompt, stream: stream),
        timeouts: timeouts)
}

/// Parses JSON bytes.
func json(_ bytes: [UInt8]) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(bytes))
}

/// `choices[0].message.content` of a chat.completion body.
func replyText(_ bytes: [UInt8]) throws -> String? {
    let object = try json(bytes) as? [String: Any]
    let choices = object?["choices"] as? [[String: Any]]
    let message = choices?.first?["message"] as? [String: Any]
    return message?["content"] as? String
}

/// GETs `path` from the fake upstream and returns the body.
func get(_ client: UpstreamClient, _ url: String) async throws -> [UInt8] {
    let response = try await client.execute(UpstreamRequest(url: url, method: "GET"))
    return try await response.body.collect(upTo: 10 << 20)
}

/// The `/requests` log entries of the fake upstream for chat completions.
func chatRequestLog(_ client: UpstreamClient, _ upstream: FakeUpstream) async throws -> [[String: Any]] {
    let entries = try json(try await get(client, upstream.url("/requests"))) as? [[String: Any]] ?? []
    return entries.filter { ($0["path"] as? String) == "/v1/chat/completions" }
}

/// Runs `body` with a loopback port that refuses connections for as long as `body` runs: the
/// port stays bound (not listening) by this process, so no other test can take it meanwhile.
/// (A port from ``freeLocalPort()`` is free again at once; under a parallel run another test's
/// listener could take it, and a connection to a full listener retries its SYN for seconds.)
func withRefusingPort<T>(_ body: (Int) async throws -> T) async rethrows -> T {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { if fd >= 0 { close(fd) } }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = fd >= 0 && withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    return try await body(ok ? Int(UInt16(bigEndian: address.sin_port)) : 9)
}

/// Measures the wall-clock seconds `operation` takes.
func elapsedSeconds(_ operation: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await operation()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
