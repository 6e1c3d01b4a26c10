import TriageMetrics

extension ProxyMetrics {
    /// The rendered output, parsed.
    var exposition: Exposition { Exposition(render()) }

    /// `recordRequest` with test defaults for everything but what a test cares about.
    func request(
        endpoint: String = "/v1/chat/completions", backend: String? = "fast", rule: String? = "default",
        status: Int = 200, latency: Double = 0.2, ttft: Double? = nil, prompt: Int? = nil,
        completion: Int? = nil, cost: Double? = nil
    ) {
        recordRequest(
            endpoint: endpoint, backend: backend, rule: rule, status: status, latencySeconds: latency,
            ttftSeconds: ttft, promptTokens: prompt, completionTokens: completion, costUSD: cost)
    }
}
