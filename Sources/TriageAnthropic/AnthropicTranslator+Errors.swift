import TriageJSON

extension AnthropicTranslator {
    /// Anthropic's error `type` for an HTTP status: 400 `invalid_request_error`, 401
    /// `authentication_error`, 402 `billing_error`, 403 `permission_error`, 404
    /// `not_found_error`, 413 `request_too_large`, 429 `rate_limit_error`, 503 and 529
    /// `overloaded_error`, 504 `timeout_error`, other 4xx `invalid_request_error`, anything
    /// else `api_error`.
    public static func anthropicErrorType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 504: "timeout_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }

    /// An Anthropic error body, `{"type": "error", "error": {"type", "message"}}`, with the type
    /// chosen by ``anthropicErrorType(status:)``. Answer it with the same HTTP status.
    public static func anthropicError(status: Int, message: String) -> JSONValue {
        .object([
            "type": .string("error"),
            "error": .object(["type": .string(anthropicErrorType(status: status)), "message": .string(message)]),
        ])
    }

    /// The message of an Anthropic error body (`error.message`), to put into an OpenAI error;
    /// nil when `body` is not in Anthropic's error shape.
    public static func openAIErrorMessage(fromAnthropic body: JSONValue) -> String? {
        body["error"]?["message"]?.stringValue
    }

    /// The `error.type` of an Anthropic error body, e.g. `overloaded_error`; nil when absent.
    public static func anthropicErrorType(fromAnthropic body: JSONValue) -> String? {
        body["error"]?["type"]?.stringValue
    }

    /// An OpenAI error body, `{"error": {"message", "type", "code": null}}`, translated from an
    /// Anthropic error body (its message and type are kept); nil when `body` is not an error.
    public static func openAIError(fromAnthropic body: JSONValue) -> JSONValue? {
        guard let message = openAIErrorMessage(fromAnthropic: body) else { return nil }
        return .object(["error": .object([
            "message": .string(message),
            "type": .string(anthropicErrorType(fromAnthropic: body) ?? "api_error"),
            "code": .null,
        ])])
    }

    /// An Anthropic error body translated from an OpenAI error body (`{"error": {"message",
    /// "type"}}`) received with HTTP `status`; nil when `body` has no `error.message`.
    public static func anthropicError(fromOpenAI body: JSONValue, status: Int) -> JSONValue? {
        guard let message = body["error"]?["message"]?.stringValue else { return nil }
        return anthropicError(status: status, message: message)
    }
}
