import CCurl

/// Applies an `UpstreamRequest` to an easy handle: options, headers, body and the C callbacks
/// that feed the transfer's `TransferContext`. Runs on the event-loop thread.
///
/// A pooled handle that kept its options from a POST (`EasyHandle/keepsPostOptions`) gets
/// only what differs per transfer; any other gets every option.
enum EasyHandleSetup {
    /// Configures `context.handle` (its header list from `headerLists`). Returns the error to
    /// fail the transfer with, or `nil`.
    static func configure(
        _ context: TransferContext, request: UpstreamRequest, verifyTLS: Bool, headerLists: HeaderListCache,
        proxies: ProxyEnvironment = .none
    ) -> UpstreamError? {
        let handle = context.handle
        let easy = handle.easy
        let url = request.url
        var failures: [(option: String, code: CURLcode)] = []
        func check(_ option: String, _ code: CURLcode) {
            if code != CURLE_OK { failures.append((option, code)) }
        }

        guard isToken(request.method) else {
            return .transferFailed(
                url: url, message: "invalid HTTP method \"\(request.method)\"; use a token such as POST or GET")
        }
        let headers: HeaderListCache.Entry
        switch headerLists.entry(for: request.headers, build: makeHeaderList) {
        case .success(let entry): headers = entry
        case .failure(let error): return .transferFailed(url: url, message: error.message)
        }
        context.adopt(headers: headers)

        let isPost = request.method == "POST"
        if !(isPost && handle.keepsPostOptions) {
            if handle.keepsPostOptions {
                curl_easy_reset(easy)
                handle.keepsPostOptions = false
            }
            handle.proxy = nil
            setSharedOptions(easy, errorBuffer: handle.errorBuffer, verifyTLS: verifyTLS, noProxy: proxies.noProxy, check: check)
            setMethod(easy, method: request.method, body: request.body, check: check)
        }
        handle.errorBuffer[0] = 0
        check("URL", triage_easy_setopt_string(easy, CURLOPT_URL, url))
        // Set, curl no longer reads the proxy variables of the environment for each transfer.
        let proxy = proxies.proxy(for: url)
        if handle.proxy != proxy {
            check("PROXY", triage_easy_setopt_string(easy, CURLOPT_PROXY, proxy))
            handle.proxy = proxy
        }
        check("CONNECTTIMEOUT_MS", triage_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.timeouts.connect)))
        check("TIMEOUT_MS", triage_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds(request.timeouts.total)))
        check("HTTPHEADER", triage_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers.list))
        if usesBody(method: request.method, body: request.body) {
            check("POSTFIELDSIZE_LARGE", triage_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // A small body goes from memory, in one write with the head; NULL: read callback.
            check("POSTFIELDS", triage_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, context.postFields?.baseAddress))
        }
        setCallbackData(context, check: check)

        guard let failure = failures.first else { return nil }
        return .transferFailed(
            url: url,
            message: "could not configure the request: option \(failure.option) rejected "
                + "(\(UpstreamError.curlDescription(code: failure.code, detail: "")))")
    }

    /// Options every transfer shares: kept by a pooled handle between POSTs.
    private static func setSharedOptions(
        _ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>, verifyTLS: Bool, noProxy: String,
        check: (String, CURLcode) -> Void
    ) {
        check("PROTOCOLS_STR", triage_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check("NOSIGNAL", triage_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check("ERRORBUFFER", triage_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
        check("HTTP_VERSION", triage_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        check("TCP_KEEPALIVE", triage_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        check("NOPROXY", triage_easy_setopt_string(easy, CURLOPT_NOPROXY, noProxy))
        if !verifyTLS {
            check("SSL_VERIFYPEER", triage_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            check("SSL_VERIFYHOST", triage_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        installCallbacks(easy, check: check)
    }

    /// Milliseconds for a curl timeout option; non-positive or non-finite means no limit (0).
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min((seconds * 1000).rounded(.up), Double(Int32.max)))
    }

    /// Whether `method` sends `body` (with a Content-Length, through the read callback).
    private static func usesBody(method: String, body: [UInt8]) -> Bool {
        switch method {
        case "GET", "HEAD": return !body.isEmpty
        case "POST", "PUT", "PATCH": return true
        default: return !body.isEmpty
        }
    }

    /// The method, and that a body is sent (its size and source are set per transfer). A small
    /// body is sent from a copy in memory with the head; a larger one is read through the read
    /// callback from the transfer's own bytes (shared with the request, not copied), which the
    /// seek callback can rewind to send it again.
    private static func setMethod(
        _ easy: UnsafeMutableRawPointer, method: String, body: [UInt8], check: (String, CURLcode) -> Void
    ) {
        switch method {
        case "GET" where body.isEmpty:
            check("HTTPGET", triage_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case "HEAD" where body.isEmpty:
            check("NOBODY", triage_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        case "POST":
            check("POST", triage_easy_setopt_long(easy, CURLOPT_POST, 1))
        default:
            if usesBody(method: method, body: body) {
                check("POST", triage_easy_setopt_long(easy, CURLOPT_POST, 1))
            }
            check("CUSTOMREQUEST", triage_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
        }
    }

    /// Builds the curl header list, adding an empty `Expect:` to disable 100-continue.
    static func makeHeaderList(
        _ headers: [(name: String, value: String)]
    ) -> Result<UnsafeMutablePointer<curl_slist>?, HeaderListError> {
        var list: UnsafeMutablePointer<curl_slist>?
        var lines: [String] = []
        for header in headers {
            guard isToken(header.name) else {
                return .failure(HeaderListError(message: "request header name \"\(header.name)\" is not a valid HTTP token; refusing to send it"))
            }
            guard !header.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                return .failure(HeaderListError(message: "request header \"\(header.name)\" contains a line break or NUL; refusing to send it"))
            }
            // "Name;" is curl's syntax for a header with an empty value ("Name:" would remove it).
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if !headers.contains(where: { $0.name.lowercased() == "expect" }) {
            lines.append("Expect:")
        }
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                if let list { curl_slist_free_all(list) }
                return .failure(HeaderListError(message: "could not build the request headers (out of memory)"))
            }
            list = appended
        }
        return .success(list)
    }

    /// Error text for an unusable request header.
    struct HeaderListError: Error {
        var message: String
    }

    /// RFC 9110 token: non-empty, visible ASCII except separators.
    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { tokenBytes[Int($0)] }
    }

    /// `tokenBytes[b]`: byte `b` may appear in a token (built once, not per header).
    private static let tokenBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in 33..<127 { table[byte] = true }
        for separator in "()<>@,;:\\\"/[]?={}".utf8 { table[Int(separator)] = false }
        return table
    }()

    /// The per-transfer user data of curl's C callbacks: `context`, as an unretained pointer
    /// (the registry keeps the context alive until its easy handle is detached).
    private static func setCallbackData(_ context: TransferContext, check: (String, CURLcode) -> Void) {
        let easy = context.handle.easy
        let userData = Unmanaged.passUnretained(context).toOpaque()
        check("WRITEDATA", triage_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, userData))
        check("HEADERDATA", triage_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, userData))
        check("PREREQDATA", triage_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, userData))
        check("READDATA", triage_easy_setopt_pointer(easy, CURLOPT_READDATA, userData))
        check("SEEKDATA", triage_easy_setopt_pointer(easy, CURLOPT_SEEKDATA, userData))
    }

    /// Wires curl's C callbacks (the same functions for every transfer) to their context.
    private static func installCallbacks(_ easy: UnsafeMutableRawPointer, check: (String, CURLcode) -> Void) {
        check("READFUNCTION", triage_easy_setopt_read_function(easy) { buffer, size, count, userData in
            guard let userData, let buffer else { return 0 }
            let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
            return context.readBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        })
        check("SEEKFUNCTION", triage_easy_setopt_seek_function(easy) { userData, offset, origin in
            guard let userData else { return 2 }  // CURL_SEEKFUNC_CANTSEEK
            let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
            return context.seekBody(to: Int(offset), origin: origin) ? 0 : 1  // CURL_SEEKFUNC_OK / _FAIL
        })
        check("WRITEFUNCTION", triage_easy_setopt_write_function(easy) { data, size, count, userData in
            guard let userData else { return 0 }
            let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
            let length = size * count
            let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length)
            return context.receiveBody(bytes) ?? triage_writefunc_pause()
        })
        check("HEADERFUNCTION", triage_easy_setopt_header_function(easy) { data, size, count, userData in
            guard let userData else { return 0 }
            let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
            let length = size * count
            context.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
            return length
        })
        check("PREREQFUNCTION", triage_easy_setopt_prereq_function(easy) { userData, _, _, _, _ in
            if let userData {
                Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue().didConnect()
            }
            return 0  // CURL_PREREQFUNC_OK
        })
    }
}
