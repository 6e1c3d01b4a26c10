import Foundation
import Testing

@testable import TriageUpstream
import TriageTestSupport

/// Failure paths: connect errors, timeouts, cancellation, broken bodies, shutdown.
@Suite struct UpstreamClientFailureTests {
    @Test("shutdown returns only once the loop thread has cleaned up, so a process may exit right after it")
    func shutdownWaitsForTheLoopThread() {
        // A command that sends nothing (`eval --resume`) shut its client down and exited at once,
        // while the loop thread was still in curl's initialisation or cleanup: SIGSEGV now and then.
        for _ in 0..<20 {
            let client = UpstreamClient()
            client.shutdown()
            #expect(client.hasLoopStopped)
            client.shutdown()  // idempotent, and a second caller does not hang
        }
    }

    @Test func connectionRefusedFailsFast() async throws {
        let client = UpstreamClient()
        defer { client.shutdown() }
        var caught: UpstreamError?
        var url = ""
        let seconds = await withRefusingPort { port in
            url = "http://127.0.0.1:\(port)/v1/chat/completions"
            let request = UpstreamRequest(
                url: url, body: chatBody("hi"), timeouts: UpstreamTimeouts(connect: 120, total: 180, idle: 180)
            )
            return await elapsedSeconds {
                do {
                    // A long connect timeout: a refusal must end the attempt long before it.
                    _ = try await client.execute(request)
                } catch let error as UpstreamError {
                    caught = error
                } catch {}
            }
        }
        guard case .connectFailed(let failedURL, _) = caught else {
            Issue.record("expected .connectFailed, got \(String(describing: caught))")
            return
        }
        #expect(failedURL == url)
        // Bounds in this file tell "at once" from "at the timeout" an order of magnitude apart: in
        // a full run every suite shares one process, and CPU-bound tests elsewhere can hold both
        // threads of the concurrency pool (2 cores) for seconds before this task resumes (11 s seen).
        #expect(seconds < 60, "a refused connection fails at once, not at the 120 s connect timeout")
        let text = caught.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("upstream \(url): connection refused (curl: Couldn't connect to server"))
    }

    /// Methods and header names must be RFC 9110 tokens; anything else is refused before a
    /// byte is sent (no request smuggling through a header name).
    @Test(arguments: [
        ("GE T", "X-Ok"), ("POST", "bad name"), ("POST", "x:y"), ("POST", ""), ("POST", "caf\u{E9}"),
        ("POST", "a\u{7F}"), ("POST", "x(y)"), ("POST", "x\"y"), ("", "X-Ok"),
    ])
    func nonTokenMethodsAndHeaderNamesAreRefused(method: String, header: String) async throws {
        let client = UpstreamClient()
        defer { client.shutdown() }
        do {
            _ = try await client.execute(UpstreamRequest(
                url: "http://127.0.0.1:\(freeLocalPort())/v1/x", method: method, headers: [(name: header, value: "v")]))
            Issue.record("expected a refusal for method \"\(method)\", header \"\(header)\"")
        } catch {
            guard case .transferFailed(_, let message) = error as? UpstreamError else {
                Issue.record("expected .transferFailed, got \(error)")
                return
            }
            #expect(message.contains("token"), "\(message)")
        }
    }

    @Test func everyTokenCharacterIsAccepted() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let name = "X-Tok!#$%&'*+-.^_`|~09azAZ"
            let response = try await client.execute(UpstreamRequest(
                url: upstream.url(), method: "POST",
                headers: [(name: "Content-Type", value: "application/json"), (name: name, value: "1")],
                body: chatBody("hi")))
            #expect(response.status == 200)
            _ = try await response.body.collect(upTo: 1 << 20)
        }
    }

    @Test(arguments: ["total", "idle"])
    func hangingUpstreamTimesOut(phase: String) async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let timeouts = phase == "total"
                ? UpstreamTimeouts(connect: 5, total: 1, idle: 60)
                : UpstreamTimeouts(connect: 5, total: 60, idle: 1)
            var caught: UpstreamError?
            let seconds = await elapsedSeconds {
                do {
                    _ = try await client.execute(chatRequest(upstream, "[[hang]]", timeouts: timeouts))
                } catch let error as UpstreamError {
                    caught = error
                } catch {}
            }
            guard case .timedOut(_, let reported, let limit) = caught else {
                Issue.record("expected .timedOut, got \(String(describing: caught))")
                return
            }
            #expect(caught?.isTimeout == true)
            #expect(reported == phase)
            #expect(limit == 1)
            #expect(seconds >= 0.9 && seconds < 40, "took \(seconds)s: the 1 s timeout fires, long before the 120 s hang ends (the bound leaves room for a starved concurrency pool)")
        }
    }

    /// A server that answers bytes that are not HTTP is reported as such, not as a bad URL.
    @Test func nonHTTPReplyIsReportedAsNotHTTP() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            do {
                _ = try await client.execute(chatRequest(upstream, "[[garbage]]"))
                Issue.record("expected a failure")
            } catch {
                guard case .notHTTP(let url, _) = error as? UpstreamError else {
                    Issue.record("expected .notHTTP, got \(error)")
                    return
                }
                #expect(url == upstream.url())
                #expect("\(error)".contains("answered something that is not HTTP"), "\(error)")
                #expect(!"\(error)".contains("invalid upstream URL"), "\(error)")
            }
        }
    }

    @Test func idleTimeoutMidBodyFailsTheIteration() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let request = chatRequest(
                upstream, "a b c [[gate:never]]", stream: true,
                timeouts: UpstreamTimeouts(connect: 5, total: 60, idle: 0.5))
            let response = try await client.execute(request)
            #expect(response.status == 200)
            do {
                for try await _ in response.body {}
                Issue.record("body ended without an error")
            } catch {
                guard case .timedOut(_, let phase, _) = error as? UpstreamError else {
                    Issue.record("expected an idle timeout, got \(error)")
                    return
                }
                #expect(phase == "idle")
            }
        }
    }

    @Test func cancellingExecuteAbortsPromptly() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let request = chatRequest(upstream, "[[hang]]")
            let task = Task { try await client.execute(request) }
            try await Task.sleep(for: .milliseconds(200))
            let start = ContinuousClock.now
            task.cancel()
            let result = await task.result
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(40), "cancellation ends the 120 s hang at once (the bound leaves room for a starved concurrency pool)")
            guard case .failure(let error) = result, case .cancelled = error as? UpstreamError else {
                Issue.record("expected UpstreamError.cancelled, got \(result)")
                return
            }
        }
    }

    @Test func cancellingTheBodyConsumerThrowsCancelled() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let response = try await client.execute(chatRequest(upstream, "a b [[gate:never2]]", stream: true))
            let task = Task {
                for try await _ in response.body {}
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let result = await task.result
            guard case .failure(let error) = result, case .cancelled = error as? UpstreamError else {
                Issue.record("expected UpstreamError.cancelled, got \(result)")
                return
            }
        }
    }

    @Test func breakingOutOfTheBodyAbortsTheTransfer() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            // The last chunk waits at a gate nobody opens (up to 30 s): the transfer cannot have
            // finished on its own when the client breaks out, however slow the machine is (with a
            // timed stream, a loaded machine once let it finish first, and a finished transfer's
            // connection is rightly reused).
            let slow = chatRequest(upstream, "[[big:2000]] [[chunks:40]] [[gate:never-opened-abort]]", stream: true)
            do {
                // Scoped so the response and its body are released here, as a caller's would be.
                let response = try await client.execute(slow)
                for try await chunk in response.body {
                    #expect(!chunk.isEmpty)
                    break
                }
            }
            // The aborted connection must not be reused: the next request opens a new one.
            let next = try await client.execute(chatRequest(upstream, "after"))
            #expect(try replyText(try await next.body.collect(upTo: 1 << 20)) == "local says: after")
            let ports = try await chatRequestLog(client, upstream).compactMap { $0["client_port"] as? Int }
            #expect(ports.count == 2)
            #expect(Set(ports).count == 2, "aborted connection was reused: \(ports)")
        }
    }

    @Test func connectionClosedMidStreamThrowsTransferFailed() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            defer { client.shutdown() }
            let response = try await client.execute(chatRequest(upstream, "a b c d e [[close-mid-stream]]", stream: true))
            #expect(response.status == 200)
            var received: [UInt8] = []
            do {
                for try await chunk in response.body {
                    received += chunk
                }
                Issue.record("body ended without an error")
            } catch {
                guard case .transferFailed = error as? UpstreamError else {
                    Issue.record("expected .transferFailed, got \(error)")
                    return
                }
            }
            #expect(String(decoding: received, as: UTF8.self).contains("data: "))
        }
    }

    @Test(arguments: ["not a url", "ftp://127.0.0.1/x", "http://", "http:///path", "http://exa mple.com/"])
    func invalidURLIsRejected(url: String) async throws {
        let client = UpstreamClient()
        defer { client.shutdown() }
        do {
            _ = try await client.execute(UpstreamRequest(url: url))
            Issue.record("expected .invalidURL")
        } catch let error as UpstreamError {
            guard case .invalidURL(let reported) = error else {
                Issue.record("expected .invalidURL, got \(error)")
                return
            }
            #expect(reported == url)
        }
    }

    @Test func headerInjectionIsRejected() async throws {
        let client = UpstreamClient()
        defer { client.shutdown() }
        let request = UpstreamRequest(
            url: "http://127.0.0.1:\(freeLocalPort())/", headers: [(name: "X-A", value: "1\r\nX-B: 2")])
        await #expect(throws: UpstreamError.self) {
            _ = try await client.execute(request)
        }
    }

    @Test func shutdownIsIdempotentAndAbortsEverything() async throws {
        try await withFakeUpstream { upstream in
            let client = UpstreamClient()
            let request = chatRequest(upstream, "[[hang]]")
            let inFlight = Task { try await client.execute(request) }
            try await Task.sleep(for: .milliseconds(200))
            client.shutdown()
            client.shutdown()
            let result = await inFlight.result
            guard case .failure(let error) = result, case .clientShutDown = error as? UpstreamError else {
                Issue.record("expected .clientShutDown for the in-flight request, got \(result)")
                return
            }
            do {
                _ = try await client.execute(chatRequest(upstream, "late"))
                Issue.record("expected .clientShutDown after shutdown")
            } catch let error as UpstreamError {
                guard case .clientShutDown = error else {
                    Issue.record("expected .clientShutDown, got \(error)")
                    return
                }
            }
            client.shutdown()
        }
    }

    @Test func errorDescriptionsAreActionable() {
        let url = "http://127.0.0.1:9/v1/chat/completions"
        #expect(
            "\(UpstreamError.timedOut(url: url, phase: "idle", seconds: 60))"
                == "upstream \(url): no data received for 60s (idle timeout); the upstream stalled, or raise the idle timeout")
        #expect("\(UpstreamError.timedOut(url: url, phase: "connect", seconds: 0.5))".contains("within 0.5s"))
        #expect(UpstreamError.timedOut(url: url, phase: "total", seconds: 1).isTimeout)
        #expect(!UpstreamError.cancelled.isTimeout)
        #expect("\(UpstreamError.invalidURL("x"))".contains("http://"))
    }
}
