import Synchronization
import TriageConfig

/// Backends found to reject `stream_options` (older Azure OpenAI API versions, strict
/// OpenAI-compatible servers): Triage stops asking them for streamed usage, so one failed try
/// per backend is the whole cost of `stream_usage` defaulting to on.
final class StreamOptionsSupport: Sendable {
    private let rejecting = Mutex<Set<String>>([])

    /// Whether Triage should ask `backend` for the usage chunk of this request.
    func shouldAsk(_ request: ProxyRequest, backend: BackendConfig) -> Bool {
        BackendExchange.requestsStreamUsage(request, backend: backend)
            && !rejecting.withLock { $0.contains(Self.key(backend)) }
    }

    /// Remembers that `backend` rejected the option; true the first time (to log it once).
    func markRejected(_ backend: BackendConfig) -> Bool {
        rejecting.withLock { $0.insert(Self.key(backend)).inserted }
    }

    /// Whether an error answer is the backend refusing `stream_options`.
    static func isRejection(status: Int, body: [UInt8]) -> Bool {
        guard status == 400 || status == 422 else { return false }
        let text = String(decoding: body.prefix(8192), as: UTF8.self)
        return text.contains("stream_options")
    }

    private static func key(_ backend: BackendConfig) -> String {
        backend.name + "\u{0}" + backend.baseURL
    }
}
