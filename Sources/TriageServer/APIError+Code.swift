extension APIError {
    /// Every machine-readable `code` Triage answers with, spelled on the wire as its raw value
    /// (`{"error": {"code": "backend_saturated", ...}}`). Compared as cases, never as strings.
    public enum Code: String, Sendable, CaseIterable, CustomStringConvertible {
        // The client's request.
        case invalidRequest = "invalid_request"
        case invalidJSON = "invalid_json"
        case invalidType = "invalid_type"
        case emptyArray = "empty_array"
        case missingRequiredParameter = "missing_required_parameter"
        case tooManyMessages = "too_many_messages"
        case requestTooLarge = "request_too_large"
        case headersTooLarge = "headers_too_large"
        case invalidBodyFraming = "invalid_body_framing"
        case requestBodyIncomplete = "request_body_incomplete"
        case unsupportedTransferEncoding = "unsupported_transfer_encoding"
        case expectationFailed = "expectation_failed"
        case unsupportedTranslation = "unsupported_translation"
        case modelNotFound = "model_not_found"
        case unknownURL = "unknown_url"
        case invalidAPIKey = "invalid_api_key"
        case rateLimitExceeded = "rate_limit_exceeded"
        case clientClosedRequest = "client_closed_request"
        // Backends.
        case backendUnavailable = "backend_unavailable"
        case backendSaturated = "backend_saturated"
        case backendConnectionsBusy = "backend_connections_busy"
        case backendAPIKeyMissing = "backend_api_key_missing"
        case upstreamTimeout = "upstream_timeout"
        case upstreamUnavailable = "upstream_unavailable"
        case upstreamError = "upstream_error"
        case upstreamInvalidResponse = "upstream_invalid_response"
        case upstreamRateLimited = "upstream_rate_limited"
        case upstreamRejected = "upstream_rejected"
        case sensitiveDataNoLocalBackend = "sensitive_data_no_local_backend"
        // Triage itself.
        case internalError = "internal_error"
        case serverShuttingDown = "server_shutting_down"
        case routingLogUnavailable = "routing_log_unavailable"
        case routingLogDatabaseUnavailable = "routing_log_database_unavailable"
        // Feedback and the dashboard's reports.
        case feedbackIndexLoading = "feedback_index_loading"
        case feedbackNotStored = "feedback_not_stored"
        case requestNotFound = "request_not_found"
        case invalidBucket = "invalid_bucket"
        case invalidTime = "invalid_time"
        case reportFailed = "report_failed"
        case requestsFailed = "requests_failed"
        case requestFailed = "request_failed"

        public var description: String { rawValue }
    }
}
