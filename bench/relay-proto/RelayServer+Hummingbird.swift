import Hummingbird
import NIOCore
import TriageUpstream

extension RelayServer {
    /// The relay as a Hummingbird 2 route: the request body collected on the connection's
    /// task, `UpstreamClient.execute` awaited, the body relayed through `UpstreamBody` — the
    /// same hops as Triage's ProxyHandler, without its routing, logging and metrics.
    func runHummingbird(announce: @escaping @Sendable (Int) -> Void) async throws {
        let client = self.client
        let upstream = self.upstream
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 8 << 20)
            let response = try await client.execute(UpstreamRequest(
                url: upstream + request.uri.path, method: "POST",
                headers: [(name: "Content-Type", value: "application/json")], body: Array(buffer: bytes)))
            var headers = HTTPFields()
            headers[.contentType] = response.header("content-type") ?? "application/json"
            let status = HTTPResponse.Status(code: response.status)
            if response.body.isComplete {
                let all = try await response.body.collect(upTo: 8 << 20)
                return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: all)))
            }
            let body = response.body
            return Response(status: status, headers: headers, body: ResponseBody { writer in
                for try await chunk in body {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "relay-proto"),
            onServerRunning: { channel in announce(channel.localAddress?.port ?? 0) })
        try await app.runService()
    }
}
