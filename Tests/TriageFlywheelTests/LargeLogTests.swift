import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel
import TriageHashing
import TriageConfig

/// Streams a generated ~50 MB log and checks that peak memory barely grows.
///
/// Set `FLYWHEEL_BENCH=1` to also time export and report on it and print the numbers.
@Suite(.serialized) struct LargeLogTests {
    /// Writes about `megabytes` MB of varied records to `path`, in 1 MB batches; returns the record count.
    static func generate(_ path: String, megabytes: Int) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        let words = ["route", "model", "latency", "token", "answer", "python", "swift", "database", "index", "cache", "cost", "remote", "local", "prompt", "user", "server"]
            .flatMap { word in (0..<16).map { "\(word)\($0)" } }
        var seed: UInt64 = 42
        var written = 0
        var count = 0
        var batch = Data()
        while written < megabytes << 20 {
            let sentence = (0..<120).map { _ in
                seed = SplitMix64.mix(seed)
                return words[Int(seed % UInt64(words.count))]
            }.joined(separator: " ")
            let backend = ["local", "local", "local", "remote", "mini"][count % 5]
            let record = Fixture.record(
                id: "req-\(count)", minutes: Double(count) / 100, backend: backend, rule: backend == "remote" ? "hard" : "routine",
                status: count % 50 == 0 ? 502 : 200, prompt: "question \(count): \(sentence.prefix(300))",
                response: "answer \(count): \(sentence)", latencyMs: Double(50 + count % 900), ttftMs: Double(10 + count % 90),
                stream: count % 2 == 0, usage: (200 + count % 300, 100 + count % 200), cost: backend == "remote" ? 0.002 : 0)
            batch.append(contentsOf: record.jsonLine())
            count += 1
            if batch.count >= 1 << 20 {
                handle.write(batch)
                written += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
        handle.write(batch)
        return count
    }

    /// `VmHWM` (peak resident set) of this process in kB, from /proc/self/status.
    static func peakRSSKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// Resets VmHWM to the current RSS (Linux ≥ 4.0); returns whether it worked.
    static func resetPeakRSS() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    @Test func streamingFiftyMegabytesInBoundedMemory() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("routing.jsonl")
        let generated = try Self.generate(path, megabytes: 50)
        let reset = Self.resetPeakRSS()
        let before = try #require(Self.peakRSSKilobytes())
        let started = ContinuousClock.now
        let stream = try LogStream(path: path)
        var builder = ReportBuilder(options: ReportOptions(prices: ["remote": BackendPricing(inputPerMillion: 3, outputPerMillion: 15)], remoteBackend: "remote", monthlyFixedCostUSD: 500))
        var count = 0
        for entry in stream {
            builder.add(entry)
            count += 1
        }
        let report = builder.report(unreadableLines: stream.skippedLines)
        let elapsed = ContinuousClock.now - started
        let after = try #require(Self.peakRSSKilobytes())
        let growthMB = Double(after - before) / 1024
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("[flywheel] stream+report: \(count) records, \(stream.bytesRead >> 20) MiB in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / seconds)) records/s); peak RSS growth \(String(format: "%.1f", growthMB)) MB (VmHWM reset: \(reset))")
        #expect(count == generated)
        #expect(report.totalRequests == generated)
        #expect(stream.skippedLines == 0)
        #expect(growthMB < 64)

        if ProcessInfo.processInfo.environment["FLYWHEEL_BENCH"] == "1" {
            _ = Self.resetPeakRSS()
            let exportBefore = Self.peakRSSKilobytes() ?? 0
            let exportStart = ContinuousClock.now
            let summary = try Exporter().export(logPath: path, to: .splitDirectory(dir.file("out")))
            let exportElapsed = ContinuousClock.now - exportStart
            let exportSeconds = Double(exportElapsed.components.seconds) + Double(exportElapsed.components.attoseconds) / 1e18
            let exportGrowth = Double((Self.peakRSSKilobytes() ?? 0) - exportBefore) / 1024
            print("[flywheel] export: \(summary.read) records in \(String(format: "%.2f", exportSeconds)) s (\(Int(Double(summary.read) / exportSeconds)) records/s); kept \(summary.keptTotal); peak RSS growth \(String(format: "%.1f", exportGrowth)) MB")
            print(summary.description)
            print(report.render())
        }
    }
}
