import TriageUpstream

/// One relay: the upstream client and the upstream's base URL (the request path is appended).
struct RelayServer {
    let client: UpstreamClient
    let upstream: String
}
