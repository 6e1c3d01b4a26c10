import NIOHTTP1

/// How the front frames its answer to one request, and whether the connection stays open after
/// it, from the request's HTTP version and `Connection` header.
///
/// HTTP/1.1 clients get HTTP/1.1 answers: a whole answer with `content-length`, a stream chunked;
/// the connection stays open unless the request said `Connection: close` (then the answer says
/// so too). HTTP/1.0 has no chunked coding and closes after each answer unless both sides say
/// `Connection: keep-alive` (RFC 9112 §9.3, §6.3): a 1.0 client gets HTTP/1.0 answers, a whole
/// answer with its length and `connection: keep-alive` when it asked for it, and a stream
/// delimited by the close of the connection (`connection: close`, no `transfer-encoding`).
struct ResponseFraming: Sendable, Equatable {
    /// The client spoke HTTP/1.0 (or older).
    let http10: Bool
    /// The client asked for the connection to stay open (HTTP/1.1's default, HTTP/1.0's `Connection: keep-alive`).
    let keepAlive: Bool

    init(http10: Bool, keepAlive: Bool) {
        self.http10 = http10
        self.keepAlive = keepAlive
    }

    init(_ head: HTTPRequestHead) {
        self.init(http10: head.version.major < 1 || (head.version.major == 1 && head.version.minor == 0), keepAlive: head.isKeepAlive)
    }

    /// The version of the answer's status line. NIO's encoder chunks a body without a length
    /// only in an HTTP/1.1 answer, so a stream to a 1.0 client goes out as HTTP/1.0, close-delimited.
    var version: HTTPVersion { http10 ? .http1_0 : .http1_1 }

    /// Whether the connection closes after a whole answer (`close`: the answer itself requires it).
    func closesAfterWhole(close: Bool) -> Bool {
        close || !keepAlive
    }

    /// Whether the connection closes after a stream: always for a 1.0 client (its end is the close).
    var closesAfterStream: Bool {
        http10 || !keepAlive
    }

    /// The `connection` header of an answer after which the connection closes (`closes`) or stays
    /// open: HTTP/1.1 keeps it open by default, HTTP/1.0 only when the answer says `keep-alive`.
    func connectionHeader(closes: Bool) -> (name: String, value: String)? {
        if closes { return ("connection", "close") }
        return http10 ? ("connection", "keep-alive") : nil
    }
}
