import Testing
@testable import TriageServer

@Suite("Secret redaction")
struct SecretRedactorTests {
    let redactor = SecretRedactor(secrets: ["opaque-Key-91f3e2d7c6", "client-key-1", "abc"])

    @Test("configured secret values are masked wherever they appear")
    func configuredValues() {
        #expect(redactor.redact("Incorrect API key provided: opaque-Key-91f3e2d7c6.") == "Incorrect API key provided: [redacted].")
        #expect(redactor.redact("k=client-key-1&k2=client-key-1") == "k=[redacted]&k2=[redacted]")
        // Secrets shorter than 4 characters are not configured values worth masking everywhere.
        #expect(redactor.redact("abcdef") == "abcdef")
    }

    @Test("Bearer tokens and sk- tokens from upstream text are masked")
    func tokenShapes() {
        #expect(redactor.redact("header was 'Authorization: Bearer xyz123.abc_def'") == "header was 'Authorization: Bearer [redacted]'")
        #expect(redactor.redact("authorization: bearer   tok") == "authorization: bearer   [redacted]")
        #expect(redactor.redact("Incorrect API key provided: sk-proj-AbC123xyz789. See docs.") == "Incorrect API key provided: sk-[redacted]. See docs.")
        #expect(redactor.redact("sk-test-SECRET-do-not-log-4f9a2c") == "sk-[redacted]")
        // Not credentials: short sk- words, sk- inside a word, a bare "Bearer".
        #expect(redactor.redact("task-runner sk-short Bearer") == "task-runner sk-short Bearer")
        #expect(redactor.redact("risk-assessment-document") == "risk-assessment-document")
        #expect(redactor.redact("plain text, nothing secret") == "plain text, nothing secret")
    }

    @Test("an upstream error body quoting the key: JSON message and plain text, masked before being shortened")
    func upstreamErrors() {
        let key = "opaque-Key-91f3e2d7c6"
        let json = Array(#"{"error":{"message":"Incorrect API key provided: \#(key) (Authorization: Bearer \#(key))"}}"#.utf8)
        let error = UpstreamErrors.statusError(status: 401, body: json, backend: "remote", redactor: redactor)
        #expect(!error.message.contains(key))
        #expect(!error.message.contains("91f3"))
        #expect(error.message.contains("[redacted]"))
        // A plain-text body whose key straddles the 300-character cut: nothing of it is left.
        let plain = Array((String(repeating: "x", count: 290) + " " + key + " trailing").utf8)
        let cut = UpstreamErrors.statusError(status: 502, body: plain, backend: "remote", redactor: redactor)
        #expect(!cut.message.contains("opaque"))
        #expect(!cut.message.contains("91f3"))
    }
}

@Suite("Per-client rate limit")
struct ClientRateLimiterTests {
    @Test("a burst of perMinute passes, the next waits for a token, clients are independent, tokens refill")
    func tokenBucket() {
        let limiter = ClientRateLimiter()
        let start = ContinuousClock.now
        for _ in 0..<6 { #expect(limiter.take(client: "a", perMinute: 6, now: start) == nil) }
        let wait = limiter.take(client: "a", perMinute: 6, now: start)
        #expect(wait.map { abs($0 - 10) < 0.01 } == true, "one token per 10 s at 6 a minute: \(String(describing: wait))")
        #expect(limiter.take(client: "b", perMinute: 6, now: start) == nil)
        #expect(limiter.take(client: "a", perMinute: 6, now: start + .seconds(5)) != nil)
        #expect(limiter.take(client: "a", perMinute: 6, now: start + .seconds(11)) == nil)
    }

    @Test("at most maxClients are kept; refilled ones are forgotten first")
    func bounded() {
        let limiter = ClientRateLimiter(maxClients: 3)
        let start = ContinuousClock.now
        for client in ["a", "b", "c", "d", "e"] { #expect(limiter.take(client: client, perMinute: 1, now: start) == nil) }
        // "e" is kept (it was just seen): a second request in the same instant is limited.
        #expect(limiter.take(client: "e", perMinute: 1, now: start) != nil)
    }
}
