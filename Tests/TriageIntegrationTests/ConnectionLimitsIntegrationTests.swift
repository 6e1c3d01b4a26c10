import Foundation
import Glibc
import Testing
import TriageUpstream

/// A plain TCP connection to the proxy, for clients that misbehave on purpose.
private final class TimedRawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError.startFailed("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            _ = close(fd)
            throw HarnessError.startFailed("connect: \(errno)")
        }
    }

    deinit { _ = close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes (returns the time that took and what was read) or `limit` passes (nil).
    func waitForClose(limit: Duration) async -> (after: Duration, received: String)? {
        let started = ContinuousClock.now
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now - started < limit {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) >= 0 else { return nil }
            if poller.revents != 0 {
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count == 0 || (count < 0 && errno == ECONNRESET) {
                    return (ContinuousClock.now - started, String(decoding: received, as: UTF8.self))
                }
                if count > 0 { received.append(contentsOf: buffer[0..<count]); continue }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

@Suite("Connection limits: idle, slow-header and slow-body timeouts, open-file limit (real processes on 127.0.0.1)", .serialized)
struct ConnectionLimitsIntegrationTests {
    @Test("slow-header, slow-body and idle keep-alive connections are closed after their timeouts; a prompt client is not")
    func connectionTimeouts() async throws {
        try await Environment.with(yaml: { local, remote in
            oneBackendRoutes(local: local, remote: remote, limits: ", idle_timeout: 1, header_timeout: 1.5, body_timeout: 1")
        }) { env in
            defer { try? FileManager.default.removeItem(at: env.triage.directory) }
            // Partial headers, then nothing.
            let slowHeader = try TimedRawConnection(port: env.triage.port)
            slowHeader.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
            let headerClosed = try #require(await slowHeader.waitForClose(limit: .seconds(8)), "slow-header client still connected")
            #expect(headerClosed.after >= .milliseconds(1200) && headerClosed.after < .seconds(5), "\(headerClosed.after)")

            // A head announcing 100 bytes of body, 10 sent, then nothing.
            let slowBody = try TimedRawConnection(port: env.triage.port)
            slowBody.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":")
            let bodyClosed = try #require(await slowBody.waitForClose(limit: .seconds(8)), "slow-body client still connected")
            #expect(bodyClosed.after >= .milliseconds(700) && bodyClosed.after < .seconds(5), "\(bodyClosed.after)")
            // Its log line says what happened (not an internal error).
            let cut = try #require(try await env.triage.logRecords(atLeast: 1).last)
            #expect(cut["status"] as? Int == 408)
            #expect((cut["reason"] as? String) == "rejected: request_body_incomplete")

            // A whole request on a keep-alive connection: answered, then closed once idle.
            let idle = try TimedRawConnection(port: env.triage.port)
            idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let idleClosed = try #require(await idle.waitForClose(limit: .seconds(8)), "idle keep-alive connection still open")
            #expect(idleClosed.received.hasPrefix("HTTP/1.1 200"))
            #expect(idleClosed.after >= .milliseconds(700) && idleClosed.after < .seconds(5), "\(idleClosed.after)")

            // A client that keeps sending requests within the idle timeout keeps its connection, for
            // longer than the timeout in all. Gaps of 250 ms leave 750 ms to a loaded machine (with
            // 600 ms gaps, a full parallel run once stretched one past the 1 s timeout).
            let busy = try TimedRawConnection(port: env.triage.port)
            for _ in 0..<6 {
                busy.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(await busy.waitForClose(limit: .milliseconds(250)) == nil)
            }
            // And a streamed answer that takes longer than every timeout is not cut.
            let slow = try await env.proxy.post(json: chatJSON("[[delay:0.5]] slow stream", stream: true))
            #expect(slow.status == 200)
            #expect(slow.body.contains("data: [DONE]"))
        }
    }

    @Test("the soft open-file limit is raised to the hard limit at start-up, and logged")
    func openFileLimit() async throws {
        let local = try await FakeUpstream.start(name: "local")
        defer { Task { await local.stop() } }
        let triage = try await TriageInstance.start(
            yaml: oneBackendRoutes(local: local.baseURL, remote: local.baseURL), wrapper: ["/usr/bin/prlimit", "--nofile=512:4096"])
        defer { try? FileManager.default.removeItem(at: triage.directory) }
        let limits = try String(contentsOfFile: "/proc/\(triage.child.process.processIdentifier)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let numbers = line.split(separator: " ").compactMap { Int($0) }
        #expect(numbers == [4096, 4096], "\(line)")
        #expect(await triage.stop() == 0)
        #expect(triage.child.stderr.text.contains("open-file limit"))
        #expect(triage.child.stderr.text.contains("soft_before=512"))
        await local.stop()
    }
}
