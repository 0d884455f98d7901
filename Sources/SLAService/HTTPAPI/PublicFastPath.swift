import Foundation
import HTTPTypes
import NIOCore

/// Answers the public API's already-rendered answers from the connection's bytes, before NIO's
/// HTTP/1 parser: `GET /public/v1/services[.xml]` and `GET /public/v1/services/{id}/sla[.xml]
/// [?period=P]` while the snapshot is fresh and that answer is rendered. The status, headers and
/// bytes are the router's own (`PublicRoutes.hit`, the security headers, `Date`, `Server`), so
/// both paths answer alike.
///
/// It reads only a strict, whole request head (`RequestHead.parse`). The first request it does
/// not answer (anything else, a head split across reads, a body, `Connection: close`, a
/// duplicate header) goes to the parser with every byte after it, and so does the rest of that
/// connection: answers never overtake the router's, and a request is never read two ways. The
/// router's path costs the HTTP parser, two header conversions, the response encoder and a task
/// hop per request: most of what a cached answer is worth at high request rates (benchmarks/api).
///
/// A client that sends requests without reading the answers cannot make it buffer without end:
/// while the connection is not writable (NIO's high-water mark of unsent bytes) it asks the
/// socket for nothing more until it is.
final class PublicFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Any  // the router's writes pass through untouched
    typealias OutboundOut = ByteBuffer

    package let routes: PublicRoutes
    package let metrics: RequestMetricHandles
    /// Set at the first request this path does not answer: from then on every byte goes on.
    var passing = false
    var unflushed = false
    /// A read asked for while the connection could not take more answers; made once it can.
    var heldRead = false
    var lastCounted: (route: String, status: HTTPResponse.Status, handles: RequestMetricHandles.Handles)?
    /// The `Date` header line of the current second (made at most once a second per connection).
    package var date: (second: Int, line: [UInt8]) = (-1, [])

    package init(routes: PublicRoutes, metrics: RequestMetricHandles) {
        self.routes = routes
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if passing { return context.fireChannelRead(data) }
        var buffer = unwrapInboundIn(data)
        while buffer.readableBytes > 0, let answer = buffer.withUnsafeReadableBytes({ answer(to: $0, context: context) }) {
            buffer.moveReaderIndex(forwardBy: answer.consumed)
            context.write(wrapOutboundOut(answer.bytes), promise: nil)
            unflushed = true
        }
        guard buffer.readableBytes > 0 else { return }
        passing = true
        flush(context)  // the answers so far go before anything the router answers
        context.fireChannelRead(wrapInboundOut(buffer))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush(context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if !passing, !context.channel.isWritable {
            heldRead = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if heldRead, context.channel.isWritable {
            heldRead = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    package func flush(_ context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    /// The answer to the request at the start of `bytes` and how many bytes it took, if this
    /// path answers it.
    package func answer(to bytes: UnsafeRawBufferPointer, context: ChannelHandlerContext) -> (bytes: ByteBuffer, consumed: Int)? {
        guard let head = RequestHead.parse(bytes), let (route, answer) = routes.fastAnswer(target: head.target, accept: head.accept),
            let wire = answer.wire
        else { return nil }
        let notModified = answer.notModified(head.ifNoneMatch)
        count(route: route, status: notModified ? .notModified : answer.status)
        var out = context.channel.allocator.buffer(capacity: 512 + (notModified ? 0 : answer.body.readableBytes))
        out.writeImmutableBuffer(notModified ? wire.notModified : wire.full)
        out.writeBytes(dateLine())
        out.writeStaticString("Server: hms-ops\r\n\r\n")
        if !notModified { out.writeImmutableBuffer(answer.body) }
        return (out, head.length)
    }

    /// Counts the answer in the request metrics; the handles of the last route and status are
    /// kept, as a connection mostly asks for the same thing (the shared table takes a lock).
    package func count(route: String, status: HTTPResponse.Status) {
        if lastCounted?.route != route || lastCounted?.status != status {
            lastCounted = (route, status, metrics.for(route: route, method: .get, status: status))
        }
        lastCounted?.handles.requests.increment()
    }

    func dateLine() -> [UInt8] {
        let second = Int(time(nil))
        if date.second != second { date = (second, Array("Date: \(HTTPDate.format(second))\r\n".utf8)) }
        return date.line
    }
}
