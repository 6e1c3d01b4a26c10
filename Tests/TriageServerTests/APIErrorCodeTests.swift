import Testing
@testable import TriageServer

@Suite("API error codes")
struct APIErrorCodeTests {
    @Test("a code goes on the wire as its snake_case raw value; every raw value is distinct")
    func wireFormat() {
        let error = APIError(status: .tooManyRequests, message: "full", type: "rate_limit_error", code: .backendSaturated)
        #expect(String(decoding: error.body, as: UTF8.self) == #"{"error":{"code":"backend_saturated","message":"full","param":null,"type":"rate_limit_error"}}"#)
        let none = APIError(status: .internalServerError, message: "x", type: "server_error", code: nil)
        #expect(String(decoding: none.body, as: UTF8.self).contains(#""code":null"#))
        let raw = APIError.Code.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(raw.allSatisfy { $0.allSatisfy { $0 == "_" || ($0.isLetter && $0.isLowercase) } })
    }

    @Test("an error with a param and characters to escape keeps its bytes")
    func errorBytes() {
        let error = APIError.unknownModel("gpt-\"5\"\n", known: ["triage"])
        #expect(String(decoding: error.body, as: UTF8.self) == #"{"error":{"code":"model_not_found","message":"The model 'gpt-\"5\"\n' does not exist on this Triage proxy (known: triage); see GET /v1/models.","param":"model","type":"invalid_request_error"}}"#)
    }
}
