import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing
@testable import TriageServer

/// Where the front's request tasks run: on their connection's event loop, unless the body is large.
@Suite("EventLoopTaskExecutor: request tasks on the connection's event loop")
struct EventLoopTaskExecutorTests {
    @Test("a task preferring the executor runs on the loop, before and after a resume from another thread")
    func runsOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EventLoopTaskExecutor(loop)
        let (before, after) = await Task(executorPreference: executor) { () -> (Bool, Bool) in
            let before = loop.inEventLoop
            // Resumed from a thread that is not the loop's (as the curl thread resumes a request).
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread { continuation.resume() }.start()
            }
            return (before, loop.inEventLoop)
        }.value
        #expect(before)
        #expect(after)
        // Without the preference the same work runs off the loop.
        let plain = await Task { loop.inEventLoop }.value
        #expect(!plain)
        try await group.shutdownGracefully()
    }

    /// Answers at once, telling whether its task ran on the channel's loop.
    final class WhereResponder: ProxyFrontResponder {
        let loop: any EventLoop
        let ranOnLoop: AsyncStream<Bool>
        private let input: AsyncStream<Bool>.Continuation

        init(loop: any EventLoop) {
            self.loop = loop
            (ranOnLoop, input) = AsyncStream.makeStream()
        }

        func check(_ head: HTTPRequestHead, api: ClientAPI) -> ProxyFrontCheck {
            .read(limit: 1 << 20, sendContinue: false)
        }

        func respond(_ request: ProxyFrontRequest, writer: ProxyFrontWriter) async {
            input.yield(loop.inEventLoop)
            writer.whole(status: 200, headers: [], body: ByteBuffer())
        }
    }

    @Test("the front runs a request's task on the connection's loop unless its body is over 64 KiB")
    func frontChoosesTheLoop() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let responder = WhereResponder(loop: loop)
        let channel = try await NIOAsyncTestingChannel(loop: loop) { channel in
            try channel.pipeline.syncOperations.addHandler(ProxyFront(responder: responder, connections: nil))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080))
        var ran = responder.ranOnLoop.makeAsyncIterator()
        let small = ByteBuffer(repeating: UInt8(ascii: "a"), count: 100)
        let large = ByteBuffer(repeating: UInt8(ascii: "a"), count: ProxyFront.largestBodyOnLoop + 1)
        for (body, onLoop) in [(small, true), (large, false)] {
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions")
            try await channel.writeInbound(HTTPServerRequestPart.head(head))
            try await channel.writeInbound(HTTPServerRequestPart.body(body))
            try await channel.writeInbound(HTTPServerRequestPart.end(nil))
            await channel.testingEventLoop.run()
            #expect(await ran.next() == onLoop)
            while try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) != .end(nil) {}
        }
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }
}
