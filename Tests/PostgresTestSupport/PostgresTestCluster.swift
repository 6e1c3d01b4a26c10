import Foundation
import Glibc
import TriageTestSupport

/// A throwaway PostgreSQL cluster for tests: `initdb` in a temporary directory, `postgres` on a
/// free port of 127.0.0.1 (its unix socket in the same directory), one database, stopped by PID
/// and removed by ``destroy()``.
///
/// PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the
/// `postgres` user (`runuser -u postgres --`, the user Debian's package creates) and the
/// directory is handed to that user. Authentication is `trust` on loopback only.
public final class PostgresTestCluster: Sendable {
    /// The cluster's directory (data, socket, server log).
    public let directory: String
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The database created for the test.
    public let database: String
    /// The role every connection uses.
    public let user = "triage"
    private let bin: String
    private let asUser: [String]

    /// A `postgres://` URL of the database.
    public var url: String { "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    private var dataDirectory: String { directory + "/data" }

    private init(directory: String, port: Int, database: String, bin: String, asUser: [String]) {
        self.directory = directory
        self.port = port
        self.database = database
        self.bin = bin
        self.asUser = asUser
    }

    /// Creates, starts and prepares a cluster with one database, `database`.
    public static func start(database: String = "triage") async throws -> PostgresTestCluster {
        guard let bin = binDirectory() else {
            throw PostgresTestError("no PostgreSQL server binaries (initdb) found; install Debian's postgresql package (make deps)")
        }
        var template = Array("/tmp/triage-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw PostgresTestError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        let directory = String(cString: made)
        var asUser: [String] = []
        if getuid() == 0 {
            guard let account = getpwnam("postgres") else {
                try? FileManager.default.removeItem(atPath: directory)
                throw PostgresTestError("running as root and no 'postgres' user to run PostgreSQL as (install Debian's postgresql package)")
            }
            chmod(directory, 0o700)
            chown(directory, account.pointee.pw_uid, account.pointee.pw_gid)
            asUser = ["runuser", "-u", "postgres", "--"]
        }
        var cluster: PostgresTestCluster?
        do {
            let probe = PostgresTestCluster(directory: directory, port: 0, database: database, bin: bin, asUser: asUser)
            try probe.run(bin + "/initdb", ["-D", probe.dataDirectory, "-A", "trust", "-U", "triage", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
            // A port picked free can be taken before the server binds it: try a few.
            var lastError: Error?
            for _ in 0..<5 {
                let candidate = PostgresTestCluster(directory: directory, port: freeLocalPort(), database: database, bin: bin, asUser: asUser)
                do {
                    try await candidate.startServer()
                    cluster = candidate
                    break
                } catch {
                    lastError = error
                }
            }
            guard let cluster else { throw lastError ?? PostgresTestError("postgres did not start") }
            try cluster.run(bin + "/createdb", ["-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", "triage", database])
            return cluster
        } catch {
            if let cluster { await cluster.stopServer() }
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Starts the server on this cluster's port (again, after ``stopServer()``), waiting until it accepts connections.
    public func startServer() async throws {
        let log = directory + "/server.log"
        // Only what this start writes counts (a previous stop leaves FATAL lines of its own).
        let logStart = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        let arguments = [
            bin + "/pg_ctl", "-D", dataDirectory, "-l", log, "-W", "start", "-o",
            "-p \(port) -h 127.0.0.1 -k \(directory) -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=16MB",
        ]
        try run(arguments[0], Array(arguments.dropFirst()))
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let pid = serverPID(), kill(pid, 0) == 0, serverReady() { return }
            if serverPID() == nil, let data = FileManager.default.contents(atPath: log), data.count > logStart,
               case let text = String(decoding: data.dropFirst(logStart), as: UTF8.self), text.contains("FATAL") {
                throw PostgresTestError("postgres failed to start:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await stopServer()
        throw PostgresTestError("postgres did not become ready on port \(port) within 30 s:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Stops the server by its PID (SIGINT, a fast shutdown; SIGKILL after 15 s) and waits for it to exit.
    public func stopServer() async {
        guard let pid = serverPID() else { return }
        kill(pid, SIGINT)
        let deadline = ContinuousClock.now + .seconds(15)
        while kill(pid, 0) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                try? await Task.sleep(for: .milliseconds(200))
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // A killed postmaster leaves its pid file: remove it so a restart does not see it.
        if kill(pid, 0) != 0 { try? FileManager.default.removeItem(atPath: dataDirectory + "/postmaster.pid") }
    }

    /// Stops the server and removes the whole directory.
    public func destroy() async {
        await stopServer()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `sql` with psql and returns its unaligned, tuples-only output (fields split by `|`).
    @discardableResult
    public func psql(_ sql: String) throws -> String {
        try run(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-c", sql])
    }

    /// The postmaster's PID from `postmaster.pid`, when the file is there.
    public func serverPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let pid = pid_t(first) else { return nil }
        return pid
    }

    /// Whether `postmaster.pid` says the server is ready (its 8th line, `ready`).
    private func serverReady() -> Bool {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return false }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(7).first?.hasPrefix("ready") == true
    }

    /// Runs a command (as the `postgres` user when this process is root) and returns its output.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid` here, its output in temporary files:
    /// Foundation's `Process` left `runuser` unreaped (a zombie) while its caller waited.
    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> String {
        // From `/`: the postgres user may not be allowed into this process's working directory.
        let command = ["env", "-C", "/"] + asUser + [executable] + arguments
        let outputPath = NSTemporaryDirectory() + "triage-pg-out-\(UUID().uuidString)"
        let errorPath = outputPath + ".err"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["PGCONNECT_TIMEOUT"] = "10"
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw PostgresTestError("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw PostgresTestError("\(executable.split(separator: "/").last ?? "") failed (\(exitCode)): \(errors)\(output)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The newest PostgreSQL's server binaries: `/usr/lib/postgresql/<version>/bin` (Debian), or the PATH's `initdb`.
    static func binDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(directory)/initdb") && FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") {
            return String(directory)
        }
        return nil
    }
}

/// Why the test cluster could not be set up.
public struct PostgresTestError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
