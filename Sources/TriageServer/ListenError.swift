import Foundation
import NIOCore

/// The server could not listen on its address: a message that names the address and what to do,
/// instead of the socket call's own error text.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// The `errno` of the failed `bind(2)`/`listen(2)`.
    public let errno: Int32

    public var description: String {
        let address = "\(host):\(port)"
        let advice = "Stop it or choose another port with --port or listen.port in routes.yaml."
        switch errno {
        case EADDRINUSE:
            return "cannot listen on \(address): the address is already in use (another triage or server?). \(advice)"
        case EACCES:
            return "cannot listen on \(address): permission denied (ports below 1024 need root). Choose a port of 1024 or above with --port or listen.port in routes.yaml."
        case EADDRNOTAVAIL:
            return "cannot listen on \(address): \(host) is not an address of this machine. Choose another with --host or listen.host in routes.yaml."
        default:
            return "cannot listen on \(address): \(String(cString: strerror(errno))) (errno \(errno))."
        }
    }

    /// The listen error `error` stands for, if it is a failure to bind or listen.
    static func from(_ error: any Error, host: String, port: Int) -> ListenError? {
        guard let io = error as? IOError, [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(io.errnoCode) else { return nil }
        return ListenError(host: host, port: port, errno: io.errnoCode)
    }
}
