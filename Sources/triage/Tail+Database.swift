import ArgumentParser
import Foundation
import TriageJSON
import TriageLog
import TriagePostgres

extension Tail {
    /// `tail` over the database: the last `-n` records in the order they were stored, then, with
    /// `--follow`, new ones as PostgreSQL notifies their inserts (LISTEN/NOTIFY; polling every
    /// 200 ms while it cannot listen). Records are printed as from the file.
    func tailDatabase(_ store: PostgresStore) async throws {
        let formatter = TailFormatter()
        let backend = self.backend
        func show(_ line: String) {
            guard let record = try? JSONCoding.decode(RoutingLogRecord.self, from: Array(line.utf8)) else { return }
            if let backend, record.backend != backend { return }
            if json {
                FileHandle.standardOutput.write(Data(record.jsonLine()))
            } else {
                FileHandle.standardOutput.write(Data((formatter.format(record) + "\n").utf8))
            }
        }
        do {
            let initial = try await store.lastLogLines(lines, backend: backend)
            for entry in initial { show(entry.line) }
            if !follow { return }
            // Rows commit out of `seq` order across replicas: each poll looks back `lookBack`
            // sequence numbers and prints only rows it has not seen; the first poll only marks.
            let lookBack: Int64 = 10_000
            var last = max(initial.last?.seq ?? 0, try await store.lastSeq())
            var seen: Set<Int64> = []
            var first = true
            let follower = LogFollower(store: store)
            defer { follower.stop() }
            while !Task.isCancelled {
                let page = try await store.logLines(after: max(0, last - lookBack), limit: 50_000)
                for entry in page where seen.insert(entry.seq).inserted {
                    if !first || entry.seq > last { show(entry.line) }
                }
                first = false
                if let newest = page.last?.seq, newest > last { last = newest }
                seen = seen.filter { $0 > last - lookBack }
                await follower.wait()
            }
        } catch is CancellationError {
            return
        } catch {
            FileHandle.standardError.write(Data("triage: \(PostgresStoreError.describe(error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
