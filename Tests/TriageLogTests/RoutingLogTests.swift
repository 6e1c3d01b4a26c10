import Foundation
import TriageJSON
import Synchronization
import Testing
@testable import TriageLog

func temporaryPath(_ name: String = "routing.jsonl") -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("triage-log-tests-\(UUID().uuidString)")
    return directory.appendingPathComponent("nested").appendingPathComponent(name).path
}

/// Removes the directory ``temporaryPath(_:)`` made for `path`, with everything in it.
func removeTemporaryDirectory(of path: String) {
    try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent())
}

func sampleRecord(id: String = "tr-1", backend: String? = "local") -> RoutingLogRecord {
    RoutingLogRecord(
        id: id, timestamp: "2026-11-29T10:00:00.123Z", endpoint: "/v1/chat/completions",
        clientModel: "triage", stream: true, backend: backend, upstreamModel: "small-ft", rule: "default",
        reason: "rule 'default' matched (always)", status: 200, latencyMs: 12.75, ttftMs: 3.25,
        usage: .init(promptTokens: 10, completionTokens: 5, source: "upstream"), costUSD: 0.000015,
        messages: .array([.object(["role": .string("user"), "content": .string("Hello \"there\"\nfriend")])]),
        response: "Hi!", finishReason: "stop"
    )
}

/// Collects warnings from a reader.
final class Warnings: Sendable {
    let list = Mutex<[String]>([])
    func add(_ message: String) { list.withLock { $0.append(message) } }
    var all: [String] { list.withLock { $0 } }
}

@Suite("Routing log record encoding")
struct RoutingLogRecordTests {
    @Test("a record is one line of JSON with snake_case keys and a trailing newline")
    func encodesOneLine() throws {
        let line = sampleRecord().jsonLine()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(Set(object.keys) == [
            "id", "ts", "endpoint", "client_model", "stream", "backend", "upstream_model", "rule", "reason",
            "status", "latency_ms", "ttft_ms", "usage", "cost_usd", "messages", "response", "finish_reason",
        ])
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["total_tokens"] as? Int == 15)
        #expect(usage["source"] as? String == "upstream")
    }

    @Test("a record decodes back to itself")
    func roundTrips() throws {
        let record = sampleRecord()
        let decoded = try JSONDecoder().decode(RoutingLogRecord.self, from: Data(record.jsonLine()))
        #expect(decoded == record)
    }

    @Test("failed requests omit the fields they do not have")
    func omitsAbsentFields() throws {
        let record = RoutingLogRecord(id: "tr-2", timestamp: "t", endpoint: "/v1/chat/completions", reason: "rejected: invalid_json",
                                      status: 400, error: "bad json", latencyMs: 0.1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(record.jsonLine())) as? [String: Any])
        #expect(object["backend"] == nil)
        #expect(object["error"] as? String == "bad json")
        #expect(object["status"] as? Int == 400)
    }

    @Test("timestamps are ISO 8601 UTC with milliseconds")
    func timestampFormat() {
        let stamp = RoutingLogRecord.timestamp(Date(timeIntervalSince1970: 1_800_000_000.25))
        #expect(stamp == "2027-01-15T08:00:00.250Z")
        #expect(RoutingLogRecord.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RoutingLogRecord.timestamp(Date(timeIntervalSince1970: 59.9996)) == "1970-01-01T00:01:00.000Z")
        #expect(RoutingLogRecord.timestamp(Date(timeIntervalSince1970: 1_835_481_599.007)) == "2028-02-29T23:59:59.007Z")
        #expect(RoutingLogRecord.timestamp(Date(timeIntervalSince1970: 253_402_300_799.5)) == "9999-12-31T23:59:59.500Z")
        // Every millisecond of a second, against Foundation's own formatter.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for millis in stride(from: 0, to: 1000, by: 7) {
            let date = Date(timeIntervalSince1970: 1_764_000_000 + Double(millis) / 1000)
            #expect(RoutingLogRecord.timestamp(date) == formatter.string(from: date), "\(millis)")
        }
    }
}

@Suite("Routing log writer and reader")
struct RoutingLogWriterTests {
    @Test("concurrent appends are all written, each on its own line, after close")
    func concurrentAppends() async throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let writer = try RoutingLogWriter(path: path)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<250 { writer.append(sampleRecord(id: "tr-\(task)-\(index)")) }
                }
            }
        }
        writer.close()
        #expect(writer.writtenCount == 2000)
        let records = try RoutingLogReader(path: path).readAll()
        #expect(records.count == 2000)
        #expect(Set(records.map(\.id)).count == 2000)
        // Per producer, order is kept.
        let fromTask3 = records.filter { $0.id.hasPrefix("tr-3-") }.map(\.id)
        #expect(fromTask3 == (0..<250).map { "tr-3-\($0)" })
    }

    @Test("large records, in batches bigger than the writer's buffer, come out whole and in order")
    func largeRecordsInBigBatches() async throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let writer = try RoutingLogWriter(path: path)
        // 40 records of 100 KB to 300 KB (escapes included) queued at once: several flushes per
        // batch, and a buffer reused from batch to batch at different sizes.
        var expected: [String: String] = [:]
        for index in 0..<40 {
            var record = sampleRecord(id: "tr-big-\(index)")
            let text = String(repeating: "line \(index) \"quoted\" \\ tab\t é\n", count: 4_000 + 1_000 * (index % 5))
            record.response = text
            expected[record.id] = text
            writer.append(record)
        }
        writer.close()
        #expect(writer.writtenCount == 40)
        let records = try RoutingLogReader(path: path).readAll()
        #expect(records.map(\.id) == (0..<40).map { "tr-big-\($0)" })
        for record in records {
            #expect(record.response == expected[record.id], "\(record.id)")
        }
    }

    @Test("close is idempotent and later appends are reported, not written")
    func appendAfterClose() throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let errors = Warnings()
        let writer = try RoutingLogWriter(path: path) { errors.add($0) }
        writer.append(sampleRecord(id: "tr-a"))
        writer.close()
        writer.close()
        writer.append(sampleRecord(id: "tr-b"))
        #expect(try RoutingLogReader(path: path).readAll().map(\.id) == ["tr-a"])
        #expect(errors.all.count == 1)
        #expect(errors.all.first?.contains("tr-b") == true)
    }

    @Test("an unwritable path is a clear error")
    func unwritablePath() {
        #expect(throws: RoutingLogError.self) {
            _ = try RoutingLogWriter(path: "/proc/triage-cannot-write-here/routing.jsonl")
        }
    }

    @Test("a partial last line is skipped with a warning, and the next writer starts a fresh line")
    func partialLastLine() throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let first = try RoutingLogWriter(path: path)
        first.append(sampleRecord(id: "tr-before"))
        first.close()
        // Simulate a crash in the middle of writing a line.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"id\":\"tr-torn\",\"ts\":".utf8))
        try handle.close()

        let warnings = Warnings()
        let reader = RoutingLogReader(path: path) { warnings.add($0) }
        #expect(try reader.readAll().map(\.id) == ["tr-before"])
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("incomplete last line") == true)

        let second = try RoutingLogWriter(path: path)
        second.append(sampleRecord(id: "tr-after"))
        second.close()
        let warningsAfter = Warnings()
        let records = try RoutingLogReader(path: path) { warningsAfter.add($0) }.readAll()
        #expect(records.map(\.id) == ["tr-before", "tr-after"])
        #expect(warningsAfter.all.count == 1)
        #expect(warningsAfter.all.first?.contains(":2:") == true)
    }

    @Test("follow delivers existing and newly appended records, filtered")
    func follows() async throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let writer = try RoutingLogWriter(path: path)
        writer.append(sampleRecord(id: "tr-old-1"))
        writer.append(sampleRecord(id: "tr-old-2", backend: "remote"))
        writer.append(sampleRecord(id: "tr-old-3"))
        // Wait until the writer thread has written the first three, then follow: the follower
        // starts reading when it is made, so made earlier it could see a part of them as new lines.
        for _ in 0..<200 where writer.writtenCount < 3 { try await Task.sleep(for: .milliseconds(5)) }
        let reader = RoutingLogReader(path: path)
        let stream = reader.follow(lastLines: 1, pollInterval: .milliseconds(20)) { $0.backend == "local" }
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next()?.id == "tr-old-3")
        writer.append(sampleRecord(id: "tr-new-remote", backend: "remote"))
        writer.append(sampleRecord(id: "tr-new-local"))
        #expect(try await iterator.next()?.id == "tr-new-local")
        writer.close()
    }
}

@Suite("Routing log back-pressure")
struct RoutingLogBackPressureTests {
    @Test("a writer stuck on a slow sink holds new requests in waitForRoom, loses nothing, and lets them go once it drains")
    func boundedQueueWaitsInsteadOfGrowing() async throws {
        try await withFIFO { fifo, reader in
            let writer = try RoutingLogWriter(path: fifo, maxPendingBytes: 256 * 1024)
            #expect(await roomIsImmediate(writer))
            // Four 200 KB answers: far more than the pipe's buffer, so the writer blocks in write(2).
            let big = String(repeating: "x", count: 200_000)
            for index in 0..<4 {
                var record = sampleRecord(id: "tr-big-\(index)")
                record.response = big
                writer.append(record)
            }
            #expect(writer.pendingBytes >= 800_000)

            let released = Mutex(false)
            let waiter = Task {
                await writer.waitForRoom()
                released.withLock { $0 = true }
            }
            // It must still be waiting while nobody reads the pipe.
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(10))
                #expect(released.withLock { $0 } == false)
            }
            #expect(writer.roomWaiterCount == 1)

            // Drain the pipe: the writer finishes, the waiter is let go, and every line arrived whole.
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            let deadline = ContinuousClock.now + .seconds(20)
            while received.filter({ $0 == UInt8(ascii: "\n") }).count < 4, ContinuousClock.now < deadline {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count > 0 { received.append(contentsOf: buffer[0..<count]) } else { try await Task.sleep(for: .milliseconds(2)) }
            }
            await waiter.value
            #expect(released.withLock { $0 })
            let lines = received.split(separator: UInt8(ascii: "\n"))
            #expect(lines.count == 4)
            for (index, line) in lines.enumerated() {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                #expect(object["id"] as? String == "tr-big-\(index)")
                #expect((object["response"] as? String)?.count == 200_000)
            }
            #expect(writer.pendingBytes == 0)
            writer.close()
        }
    }

    /// Runs `body` with a FIFO (and the non-blocking read end of it): a log "file" whose reader
    /// the test controls, standing in for a disk that cannot keep up.
    private func withFIFO(_ body: (String, Int32) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("triage-log-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("routing.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try await body(fifo, reader)
    }

    private func roomIsImmediate(_ writer: RoutingLogWriter) async -> Bool {
        await writer.waitForRoom()
        return writer.roomWaiterCount == 0
    }

    @Test("close lets waiting requests go")
    func closeReleasesWaiters() async throws {
        try await withFIFO { fifo, reader in
            let writer = try RoutingLogWriter(path: fifo, maxPendingBytes: 1024)
            var record = sampleRecord()
            record.response = String(repeating: "y", count: 300_000)
            writer.append(record)
            let released = Mutex(false)
            let waiter = Task {
                await writer.waitForRoom()
                released.withLock { $0 = true }
            }
            while writer.roomWaiterCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            // close() waits for the stuck write; waiters must be let go at once, not after it.
            let closed = Mutex(false)
            let closer = Thread {
                writer.close()
                closed.withLock { $0 = true }
            }
            closer.start()
            let deadline = ContinuousClock.now + .seconds(10)
            while !released.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(released.withLock { $0 })
            #expect(closed.withLock { $0 } == false)
            // Now read the pipe so that close() can finish writing the record.
            var buffer = [UInt8](repeating: 0, count: 65536)
            var total = 0
            while !closed.withLock({ $0 }), ContinuousClock.now < deadline + .seconds(10) {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count > 0 { total += count } else { try await Task.sleep(for: .milliseconds(2)) }
            }
            // What the pipe still buffers after close() returned.
            while true {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                total += count
            }
            await waiter.value
            #expect(closed.withLock { $0 })
            #expect(total > 300_000)
            #expect(writer.roomWaiterCount == 0)
        }
    }
}

@Suite("Routing log rotation")
struct RoutingLogRotationTests {
    @Test("rotation by size under concurrent writes loses and duplicates no line")
    func rotatesWithoutLoss() async throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let writer = try RoutingLogWriter(path: path, rotation: LogRotationPolicy(maxBytes: 64 * 1024, keep: 1000))
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<400 {
                        writer.append(sampleRecord(id: "tr-\(task)-\(index)"))
                        if index % 50 == 0 { try? await Task.sleep(for: .milliseconds(2)) }
                    }
                }
            }
        }
        writer.close()
        let rotated = LogRotation.rotatedIndices(path: path).sorted(by: >)
        #expect(rotated.count >= 5, "3200 records of ~450 bytes rotate at 64 KiB many times")
        #expect(rotated == Array((1...rotated.count).reversed()), "indices are contiguous")
        var ids: [String] = []
        for file in rotated.map({ LogRotation.rotatedName(for: path, index: $0) }) + [path] {
            let warnings = Warnings()
            let records = try RoutingLogReader(path: file) { warnings.add($0) }.readAll()
            #expect(warnings.all.isEmpty, "no torn lines in \(file)")
            ids += records.map(\.id)
        }
        #expect(ids.count == 3200)
        #expect(Set(ids).count == 3200)
        // Oldest file first: each producer's records stay in order across files.
        let fromTask5 = ids.filter { $0.hasPrefix("tr-5-") }
        #expect(fromTask5 == (0..<400).map { "tr-5-\($0)" })
    }

    @Test("keep bounds the number of rotated files")
    func keepBound() throws {
        let path = temporaryPath()
        defer { removeTemporaryDirectory(of: path) }
        let writer = try RoutingLogWriter(path: path, rotation: LogRotationPolicy(maxBytes: 2048, keep: 3))
        for index in 0..<200 {
            writer.append(sampleRecord(id: "tr-\(index)"))
            if index % 10 == 0 { Thread.sleep(forTimeInterval: 0.01) }
        }
        writer.close()
        #expect(LogRotation.rotatedIndices(path: path).sorted() == [1, 2, 3])
    }
}
