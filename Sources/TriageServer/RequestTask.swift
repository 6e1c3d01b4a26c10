import Hummingbird

/// Runs one request's handling in a child task of its connection's task.
///
/// Swift's task allocator keeps, for reuse, every slab a task's `await` chain ever grew, until
/// the task ends; Hummingbird runs each connection as one task, so after one proxied request an
/// idle keep-alive connection held the proxy's deepest async frames for as long as it stayed
/// open (about 45 KB per connection: 10,000 idle connections took 800 MB). A child task's slabs
/// go back when the request ends. The price is one task and one hop on the cooperative pool per
/// request (see bench/README.md for both measured).
///
/// Task-local values (the request's trace) and cancellation are inherited by the child.
enum RequestTask {
    static func run(_ work: @escaping @Sendable () async -> Response) async -> Response {
        await withTaskGroup(of: Response.self) { group in
            group.addTask(operation: work)
            // The group holds exactly one child, so `next()` returns its response.
            return await group.next() ?? Response(status: .internalServerError)
        }
    }
}
