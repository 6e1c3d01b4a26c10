import Testing
import TriageJSON
import TriageLog
@testable import TriageServer

/// Small steps every request passes: the client's headers by lowercased name, and the dashboard's
/// preview of the prompt.
@Suite("Request path helpers")
struct RequestPathHelpersTests {
    @Test("headers: repeated names joined with ', ' in order, others kept as sent")
    func headers() {
        let fields: [(name: String, value: String)] = [
            ("accept", "a"), ("x-tag", "one"), ("authorization", "Bearer k"), ("x-tag", "two"), ("x-tag", "three"),
        ]
        let headers = ProxyHandler.lowercasedHeaders(fields)
        #expect(headers == ["accept": "a", "x-tag": "one, two, three", "authorization": "Bearer k"])
        #expect(ProxyHandler.lowercasedHeaders([(name: String, value: String)]()).isEmpty)
    }

    private func preview(_ prompt: String) -> String {
        let messages = JSONValue.array([.object(["role": .string("user"), "content": .string(prompt)])])
        let record = RoutingLogRecord(
            id: "r1", timestamp: "2026-12-02T06:00:00.000Z", endpoint: "/v1/chat/completions", reason: "", status: 200, latencyMs: 1,
            messages: messages)
        return RecentRequests.entry(record).preview
    }

    @Test("the preview is the prompt's first characters: a short prompt whole, a long one cut by characters, not bytes")
    func previewLength() {
        let limit = DashboardData.previewLength
        #expect(preview("hello") == "hello")
        #expect(preview(String(repeating: "a", count: limit)) == String(repeating: "a", count: limit))
        #expect(preview(String(repeating: "a", count: limit + 1)) == String(repeating: "a", count: limit))
        // More bytes than the limit, fewer characters: kept whole.
        let accented = String(repeating: "é", count: limit - 10)
        #expect(preview(accented) == accented)
        let flags = String(repeating: "🇫🇷", count: limit + 5)
        #expect(preview(flags) == String(repeating: "🇫🇷", count: limit))
        #expect(preview("") == "")
    }
}
