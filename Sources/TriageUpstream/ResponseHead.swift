/// Status and headers of a response, handed from the event-loop thread to `execute`.
struct ResponseHead: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
}
