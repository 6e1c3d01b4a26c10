// triage-relay-proto: the proxy's hot path alone — read a chat completion request, send it to
// one upstream through TriageUpstream's libcurl client, relay the answer (JSON or SSE) — on two
// server stacks, to measure what the server stack costs (issue 19, item 4). Bench only: no
// routing, no log, no metrics.
//
//   triage-relay-proto nio URL          SwiftNIO NIOHTTP1 pipeline; curl's deliveries posted
//                                       straight to the connection's event loop
//   triage-relay-proto hummingbird URL  Hummingbird 2 route; `execute` + `UpstreamBody` on the
//                                       cooperative pool, as Triage's ProxyHandler does
//
// URL is the upstream base (e.g. http://127.0.0.1:8080); the request path is appended. Listens
// on 127.0.0.1, a free port, printed as `relay-proto listening on http://127.0.0.1:PORT`.
import Foundation
import TriageUpstream

let arguments = CommandLine.arguments
guard arguments.count == 3, ["nio", "hummingbird"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: triage-relay-proto nio|hummingbird UPSTREAM_BASE_URL\n".utf8))
    exit(2)
}
let client = UpstreamClient()
let upstream = arguments[2]
let announce: @Sendable (Int) -> Void = { port in
    FileHandle.standardOutput.write(Data("relay-proto listening on http://127.0.0.1:\(port)\n".utf8))
}
do {
    let server = RelayServer(client: client, upstream: upstream)
    if arguments[1] == "nio" {
        try await server.runNIO(announce: announce)
    } else {
        try await server.runHummingbird(announce: announce)
    }
} catch {
    FileHandle.standardError.write(Data("triage-relay-proto: \(error)\n".utf8))
    exit(1)
}
