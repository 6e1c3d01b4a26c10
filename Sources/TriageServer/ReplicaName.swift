import Foundation

/// The name a replica writes in each record's `replica` field: `TRIAGE_REPLICA` when set (a pod
/// or container name), else `<hostname>:<pid>`. With `log.sink: postgres` the dashboard counts
/// each replica's requests by it.
enum ReplicaName {
    static let environmentVariable = "TRIAGE_REPLICA"

    static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let name = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            return String(name.prefix(128))
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0 ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return "\(host):\(getpid())"
    }

    static let current = resolve()
}
