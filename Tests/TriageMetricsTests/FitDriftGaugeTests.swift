import Testing
import TriageMetrics

@Suite("fit drift gauges")
struct FitDriftGaugeTests {
    @Test("the four drift gauges carry the values set, with help; nothing to compare reads 0")
    func gauges() {
        let metrics = ProxyMetrics()
        metrics.setFitDrift(requests: 840, belowMinShare: 0.125, psi: 0.31, ks: 0.22)
        var out = metrics.exposition
        #expect(out.types["triage_fit_drift_psi"] == "gauge")
        #expect(out.value("triage_fit_drift_window_requests") == 840)
        #expect(out.value("triage_fit_below_min_share") == 0.125)
        #expect(out.value("triage_fit_drift_psi") == 0.31)
        #expect(out.value("triage_fit_drift_ks") == 0.22)
        #expect(out.help["triage_fit_drift_psi"]?.contains("0.25") == true)
        metrics.setFitDrift(requests: 0, belowMinShare: nil, psi: .nan, ks: nil)
        out = metrics.exposition
        #expect(out.value("triage_fit_drift_psi") == 0 && out.value("triage_fit_drift_window_requests") == 0)
        #expect(out.malformed.isEmpty)
    }
}
