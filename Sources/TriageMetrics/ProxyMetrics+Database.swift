import CoreMetrics

extension ProxyMetrics {
    /// Sets the database sink's gauges: records and bytes in the spool, records the database
    /// refused (in the dead-letter file), and whether records go straight to the database.
    public func setLogDatabase(spoolRecords: Int, spoolBytes: Int, deadLettered: Int = 0, up: Bool) {
        let factory = self.factory
        for (name, value) in [
            (MetricName.routingLogSpoolRecords, spoolRecords), (MetricName.routingLogSpoolBytes, spoolBytes),
            (MetricName.routingLogDatabaseUp, up ? 1 : 0), (MetricName.routingLogDeadLetterRecords, deadLettered),
        ] {
            databaseGauges.handle(for: name) { CoreMetrics.Gauge(label: $0, factory: factory) }.record(value)
        }
    }
}
