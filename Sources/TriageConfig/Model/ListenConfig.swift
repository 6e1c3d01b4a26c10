/// Where the proxy listens (`listen: {host: 127.0.0.1, port: 8080}`).
public struct ListenConfig: Sendable, Equatable {
    /// Interface to bind (`host`, default `127.0.0.1`).
    public var host: String
    /// TCP port (`port`, default `8080`), `0...65535`; `0` picks an ephemeral port (used by tests).
    public var port: Int

    /// Creates a listen configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
