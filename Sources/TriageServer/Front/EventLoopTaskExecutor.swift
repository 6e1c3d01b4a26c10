import NIOCore

/// Runs a task's jobs on one event loop: a request the ``ProxyFront`` took runs on its
/// connection's event loop, so parsing, the decision, the answer and its write need no thread
/// switch; only the upstream's deliveries cross over (from the curl thread, one `execute` each).
/// A job queued from the loop itself runs on that loop's next turn without a wake-up.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
