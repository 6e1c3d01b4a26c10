/// Receives an upstream response on the upstream client's own thread, as it arrives, for a
/// transfer started with `UpstreamClient.start(_:handler:)`: no task, no continuation and no
/// stream in between, so a server built on an event loop can post each delivery straight to
/// the client connection's loop (one thread switch per loop turn of the upstream client).
///
/// `receive` is called once per turn of the client's event loop that brought something for
/// the transfer, in order, and never concurrently for one transfer. It runs on the loop that
/// drives every transfer: it must return quickly (hand the delivery to another thread, never
/// block or wait).
public protocol UpstreamResponseHandler: Sendable {
    /// One loop turn's worth of the response.
    func receive(_ delivery: UpstreamDelivery)
}

/// What one turn of the upstream client's event loop brought for a transfer.
public struct UpstreamDelivery: Sendable {
    /// How a transfer ended.
    public enum End: Sendable {
        /// The whole body was received.
        case completed
        /// The transfer failed: before the head (then no head is ever delivered) or after it.
        case failed(UpstreamError)
    }

    /// The status and headers: in the first delivery of a response that has them, else `nil`.
    public var head: ResponseHead?
    /// Body bytes received in this turn (possibly empty).
    public var body: [UInt8]
    /// Set in the last delivery only.
    public var end: End?
}

/// A transfer started with `UpstreamClient.start(_:handler:)`.
public struct UpstreamTransfer: Sendable {
    let control: TransferControl

    /// Aborts the transfer (its handler then receives `.failed(.cancelled)` unless it already
    /// ended). Safe to call any number of times, from any thread.
    public func cancel() {
        control.cancel()
    }
}
