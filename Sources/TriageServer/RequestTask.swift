import Hummingbird

/// Answers each request — the middleware chain and the route — in a child task of its
/// connection's task.
///
/// Swift's task allocator keeps, for reuse, every slab a task's `await` chain ever grew, until
/// the task ends; Hummingbird runs each connection as one task, so after one proxied request an
/// idle keep-alive connection held the proxy's deepest async frames for as long as it stayed
/// open (76 KB per connection after one chat completion: 10,000 idle connections took 800 MB).
/// A child task's slabs go back when its request ends. The price is one task and one hop on the
/// cooperative pool per request (bench/README.md has both measured). A streamed answer's body
/// is still written on the connection's task, after the response is returned.
///
/// Task-local values and cancellation are inherited by the child.
struct RequestTaskResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: Sendable {
    typealias Context = Inner.Context
    let inner: Inner

    @Sendable func respond(to request: Request, context: Context) async throws -> Response {
        let inner = self.inner
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await inner.respond(to: request, context: context) }
            // The group holds exactly one child, so `next()` returns its response or error.
            return try await group.next() ?? Response(status: .internalServerError)
        }
    }
}
