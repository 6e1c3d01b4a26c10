import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TriageAnthropic
import TriageJSON
import TriageUpstream

/// An error answered to the client in OpenAI's error shape:
/// `{"error": {"message": ..., "type": ..., "code": ...}}`.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// HTTP status of the answer.
    public var status: HTTPResponse.Status
    /// What went wrong and, where possible, what to do about it.
    public var message: String
    /// OpenAI's error type, e.g. `invalid_request_error`.
    public var type: String
    /// A short machine-readable code, e.g. `model_not_found`.
    public var code: Code?
    /// The parameter at fault, when there is one.
    public var param: String?
    /// Seconds after which a retry may succeed, sent as `retry-after` (429 and 503).
    public var retryAfter: Double?
    /// The backend's own HTTP status, when this error reports a backend's answer.
    public var upstreamStatus: Int?
    /// Whether the connection must close after this answer (`Connection: close`): the rest of
    /// the request's bytes were not, or could not be, read.
    public var closesConnection = false

    public init(status: HTTPResponse.Status, message: String, type: String, code: Code?, param: String? = nil, retryAfter: Double? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    /// 400 for a body that is not what the API expects.
    static func invalidRequest(_ message: String, code: Code = .invalidRequest, param: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", code: code, param: param)
    }

    /// 413 for a body over `limits.max_body_bytes`.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge,
            message: "Request body is larger than the limit of \(limit) bytes (limits.max_body_bytes in routes.yaml).",
            type: "invalid_request_error", code: .requestTooLarge
        )
    }

    /// 503 instead of an answer whose routing log record could not be written (`log.on_write_error: fail_closed`).
    static let routingLogUnavailable = APIError(
        status: .serviceUnavailable,
        message: "Triage cannot write its routing log (disk full or not writable), and log.on_write_error is fail_closed, so it answers nothing it cannot log. Retry shortly.",
        type: "server_error", code: .routingLogUnavailable, retryAfter: 1
    )

    /// 404 for a model the proxy does not offer.
    static func unknownModel(_ model: String, known: [String]) -> APIError {
        APIError(
            status: .notFound,
            message: "The model '\(model)' does not exist on this Triage proxy (known: \(known.joined(separator: ", "))); see GET /v1/models.",
            type: "invalid_request_error", code: .modelNotFound, param: "model"
        )
    }

    /// 499 (nginx's "client closed request") for a request whose client hung up before the
    /// answer: never seen by the client, it is what the routing log records.
    static let clientClosedRequest = APIError(
        status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"),
        message: "client disconnected before the answer; upstream transfer aborted",
        type: "client_closed_request", code: .clientClosedRequest
    )

    /// 502/504 for a failure to reach or hear from a backend.
    static func upstream(_ error: UpstreamError, backend: String) -> APIError {
        if error.isTimeout {
            return APIError(
                status: .gatewayTimeout,
                message: "Backend '\(backend)' timed out: \(error.description)",
                type: "upstream_error", code: .upstreamTimeout
            )
        }
        if case .connectionsBusy = error {
            return APIError(
                status: .serviceUnavailable,
                message: "Backend '\(backend)' is busy: \(error.description)",
                type: "upstream_error", code: .backendConnectionsBusy, retryAfter: 1
            )
        }
        if case .notHTTP = error {
            return APIError(
                status: .badGateway,
                message: "Backend '\(backend)' answered something that is not HTTP: \(error.description)",
                type: "upstream_error", code: .upstreamError
            )
        }
        return APIError(
            status: .badGateway,
            message: "Backend '\(backend)' failed: \(error.description)",
            type: "upstream_error", code: .upstreamUnavailable
        )
    }

    /// The JSON body of this error in Anthropic's shape: `{"type":"error","error":{"type","message"}}`.
    var anthropicBody: [UInt8] {
        AnthropicTranslator.anthropicError(status: Int(status.code), message: message).jsonBytes
    }

    /// The JSON body of this error.
    var body: [UInt8] {
        let error: [String: JSONValue] = [
            "message": .string(message),
            "type": .string(type),
            "code": code.map { .string($0.rawValue) } ?? .null,
            "param": param.map(JSONValue.string) ?? .null,
        ]
        return JSONValue.object(["error": .object(error)]).jsonBytes
    }

    /// The headers of this error's answer: content type, the request id, `retry-after` and
    /// `connection: close` when they apply.
    func headerPairs(requestID: String?) -> [(name: String, value: String)] {
        var headers = [(name: "content-type", value: "application/json")]
        if let requestID { headers.append(("x-triage-request-id", requestID)) }
        if let retryAfter { headers.append(("retry-after", String(max(1, Int(retryAfter.rounded(.up)))))) }
        if closesConnection { headers.append(("connection", "close")) }
        return headers
    }

    /// The response carrying this error, in OpenAI's shape or, for Anthropic clients, Anthropic's.
    func response(requestID: String?, anthropic: Bool = false) -> Response {
        Response(
            status: status, headers: HTTPFields(pairs: headerPairs(requestID: requestID)),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: anthropic ? anthropicBody : body)))
    }
}

extension HTTPFields {
    /// Fields from (lowercased name, value) pairs; a name that is not a valid field name is left out.
    init(pairs: [(name: String, value: String)]) {
        self.init()
        for (name, value) in pairs {
            if let name = HTTPField.Name(name) { append(HTTPField(name: name, value: value)) }
        }
    }
}
