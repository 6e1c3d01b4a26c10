import Foundation
import TriageConfig
import TriageFlywheel

/// The ``ReportOptions`` routes.yaml implies, shared by `triage report` and `/v1/triage/report`.
public enum ReportSettings {
    /// Prices of every backend, the comparison backend (`report.compare_to`, else `auto.remote`,
    /// else a backend named `remote`), the fixed cost and the classifier's thresholds.
    public static func options(
        config: RoutesConfig, since: Date?, until: Date?, driftReference: FitDriftReference?, bucketSeconds: Int? = nil
    ) -> ReportOptions {
        var options = ReportOptions(since: since, until: until, prices: config.prices, remoteBackend: config.comparisonBackend,
                                    monthlyFixedCostUSD: config.report.monthlyFixedCostUSD)
        if config.auto.classifierEnabled {
            options.minFit = config.auto.minFit
            options.maxComplexity = config.auto.maxComplexity
        }
        options.driftReference = driftReference
        options.bucketSeconds = bucketSeconds
        return options
    }
}
