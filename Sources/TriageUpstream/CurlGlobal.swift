import CCurl

/// Process-wide libcurl initialisation, performed exactly once.
enum CurlGlobal {
    /// `curl_global_init(CURL_GLOBAL_DEFAULT)` result; a `static let` is initialised lazily
    /// and thread-safely, so touching it from any thread runs the init exactly once.
    static let initResult: CURLcode = triage_global_init_default()

    /// Ensures libcurl is initialised. Returns `false` if initialisation failed.
    static func ensureInitialized() -> Bool {
        initResult == CURLE_OK
    }
}
