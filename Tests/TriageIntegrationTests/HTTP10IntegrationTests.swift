import Foundation
import Testing

/// HTTP/1.0 and `Connection: close` clients on a real socket, against `triage serve` and a fake upstream.
@Suite("HTTP/1.0 clients and Connection: close (real processes on 127.0.0.1)", .serialized)
struct HTTP10IntegrationTests {
    static func request(_ json: String, version: String = "1.0", connection: String?) -> String {
        var head = "POST /v1/chat/completions HTTP/\(version)\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(json.utf8.count)\r\n"
        if let connection { head += "Connection: \(connection)\r\n" }
        return head + "\r\n" + json
    }

    @Test("HTTP/1.0 with Connection: keep-alive: two answers on one connection, each with its length and connection: keep-alive")
    func keepAlive() async throws {
        try await Environment.with { env in
            let connection = try RawConnection(port: env.triage.port)
            for prompt in ["first question", "second question"] {
                await connection.send(Self.request(chatJSON(prompt), connection: "keep-alive"))
                let response = await connection.readResponse()
                #expect(response.text.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(response.text.prefix(300))")
                #expect(response.header("connection")?.lowercased() == "keep-alive")
                #expect(response.header("content-length") == String(response.body.utf8.count))
                #expect(response.body.contains("local says:"))
            }
        }
    }

    @Test("HTTP/1.0 without keep-alive and HTTP/1.1 with Connection: close: connection: close, then closed", arguments: ["1.0", "1.1"])
    func closes(version: String) async throws {
        try await Environment.with { env in
            let connection = try RawConnection(port: env.triage.port)
            await connection.send(Self.request(chatJSON("hello"), version: version, connection: version == "1.0" ? nil : "close"))
            let started = ContinuousClock.now
            // Reads to the close of the connection (or 10 s).
            let response = RawResponse(await connection.read(timeout: .seconds(10)))
            #expect(ContinuousClock.now - started < .seconds(8), "the connection was not closed after the answer")
            #expect(response.text.hasPrefix("HTTP/\(version) 200 OK\r\n"), "\(response.text.prefix(300))")
            #expect(response.header("connection")?.lowercased() == "close")
            #expect(response.header("content-length") == String(response.body.utf8.count))
        }
    }

    @Test("a stream to an HTTP/1.0 client is not chunked: the events as they come, ended by the close of the connection")
    func stream() async throws {
        try await Environment.with { env in
            let connection = try RawConnection(port: env.triage.port)
            let json = #"{"model":"triage","stream":true,"messages":[{"role":"user","content":"[[delay:0.05]] one two three"}]}"#
            await connection.send(Self.request(json, connection: "keep-alive"))
            let started = ContinuousClock.now
            let response = RawResponse(await connection.read(timeout: .seconds(10)))
            #expect(ContinuousClock.now - started < .seconds(8), "the stream was not ended by a close")
            #expect(response.text.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(response.text.prefix(300))")
            #expect(response.header("transfer-encoding") == nil)
            #expect(response.header("content-length") == nil)
            #expect(response.header("connection")?.lowercased() == "close")
            #expect(response.body.hasPrefix("data: {"), "no chunk size before the first event: \(response.body.prefix(40))")
            #expect(response.body.hasSuffix("data: [DONE]\n\n"), "\(response.body.suffix(40))")
            let record = try #require(try await env.triage.logRecords(atLeast: 1).first)
            #expect(record["status"] as? Int == 200)
        }
    }
}
