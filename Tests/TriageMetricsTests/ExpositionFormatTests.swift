import Testing
import TriageMetrics

@Suite("exposition format")
struct ExpositionFormatTests {
    /// An instance with every kind of series recorded.
    private func populated() -> ProxyMetrics {
        let metrics = ProxyMetrics()
        metrics.request(ttft: 0.1, prompt: 10, completion: 5, cost: 0.01)
        metrics.request(backend: nil, rule: nil, status: 404)
        metrics.recordFallback(from: "fast", to: "smart")
        metrics.recordAttemptFailure(backend: "fast", reason: "status_5xx")
        metrics.setBreakerState(backend: "fast", state: .halfOpen)
        metrics.recordClassifierScores(complexity: 0.3, fit: 0.7)
        metrics.setLogQueueDepth(2)
        metrics.setInFlight(backend: "fast", count: 1)
        metrics.recordConfigReload(success: false)
        return metrics
    }

    @Test("every line is a HELP, TYPE or sample line; every family has HELP and TYPE before its samples")
    func validExposition() throws {
        let text = populated().render()
        #expect(text.hasSuffix("\n"))
        let out = Exposition(text)
        #expect(out.malformed.isEmpty, "malformed: \(out.malformed)")
        #expect(out.types.count == 20)  // 15, the four fit drift gauges, and the inline-write fallbacks
        #expect(Set(out.types.keys) == Set(out.help.keys))
        #expect(out.types.keys.allSatisfy { $0.hasPrefix("triage_") })

        var declared: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") {
                let name = String(line.split(separator: " ")[2])
                declared.append(name)
                continue
            }
            if line.hasPrefix("# TYPE ") {
                let name = String(line.split(separator: " ")[2])
                #expect(declared.last == name, "TYPE \(name) not directly after its HELP")
                continue
            }
            let sample = try #require(Exposition.parseSample(line))
            let family = try #require(declared.last)
            let suffixes = out.types[family] == "histogram" ? ["_bucket", "_sum", "_count"] : [""]
            #expect(suffixes.contains { sample.name == family + $0 }, "\(sample.name) outside its family \(family)")
        }
        #expect(declared == declared.sorted(), "families are sorted by name")
        #expect(Set(declared).count == declared.count, "each family appears once")
    }

    @Test("histogram buckets are cumulative and +Inf equals _count")
    func histogramShape() {
        let out = populated().exposition
        for family in out.types.filter({ $0.value == "histogram" }).keys {
            let buckets = out.samples(named: family + "_bucket")
            let series = Set(buckets.map { $0.labels.filter { $0.key != "le" } })
            for labels in series {
                let values = buckets.filter { $0.labels.filter { $0.key != "le" } == labels }.map(\.value)
                #expect(values == values.sorted(), "\(family) buckets not cumulative")
                #expect(buckets.last { $0.labels.filter { $0.key != "le" } == labels }?.labels["le"] == "+Inf")
                #expect(values.last == out.value(family + "_count", labels))
                #expect(out.value(family + "_sum", labels) != nil)
            }
        }
    }

    @Test("content type is the Prometheus text format 0.0.4")
    func contentType() {
        #expect(ProxyMetrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test("label values with quotes and backslashes are escaped")
    func escaping() {
        let metrics = ProxyMetrics()
        metrics.recordFallback(from: #"a"b"#, to: #"c\d"#)
        let out = metrics.exposition
        #expect(out.malformed.isEmpty)
        #expect(out.value("triage_fallbacks_total", ["from": #"a"b"#, "to": #"c\d"#]) == 1)
    }
}
