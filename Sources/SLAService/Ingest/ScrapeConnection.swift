import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// One scrape target's HTTP/1.1 connection, kept open from one scrape to the next: a request
/// made once, written as is, and its answer gathered into one buffer by the connection's handler.
/// For plain `http://` targets; `https` (and an answer that redirects) go through
/// AsyncHTTPClient, which does TLS and redirects. Its client costs about a quarter of the
/// collector's CPU at 200 targets; this costs a write and the reads of the answer.
///
/// The connection is an actor on its channel's event loop, and a target's scrape loop runs
/// isolated to it: waiting for a scrape's answer, reading it and sleeping until the next one
/// happen on that one thread, with no hop to another.
public actor ScrapeConnection {
    public nonisolated let eventLoop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    let url: String
    /// Largest answer taken, unpacked.
    let limit: Int
    let host: String
    let port: Int
    let head: HTTPRequestHead
    /// `head` as bytes, made once.
    let request: ByteBuffer
    var channel: (any Channel)?
    var handler: NIOLoopBound<ResponseHandler>?

    /// For `url` (an `http://` URL with a host); nil for anything else.
    public init?(
        url: String, limit: Int = ExpositionSource.maximumBytes, eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) {
        guard url.hasPrefix("http://"), let parts = URLParts(url) else { return nil }
        self.url = url
        self.limit = limit
        self.host = parts.host
        self.port = parts.port
        self.eventLoop = eventLoop
        var headers: HTTPHeaders = ["Host": parts.hostHeader]
        headers.add(contentsOf: ExpositionSource.requestHeaders)
        head = HTTPRequestHead(version: .http1_1, method: .GET, uri: parts.path, headers: headers)
        var text = "GET \(parts.path) HTTP/1.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        request = ByteBuffer(string: text + "\r\n")
    }

    /// Fetches the exposition once, within `timeout` (connecting included).
    public func fetch(timeout: Duration) async throws(ExpositionSource.Failure) -> ExpositionSource.Body {
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        do {
            var response: ResponseHandler.Response
            do {
                response = try await exchange(deadline: deadline)
            } catch let error as ResponseHandler.Closed where error.reused {
                // The server closed a kept connection before answering (an idle timeout): once more
                // on a new one, as any HTTP client does for a GET.
                response = try await exchange(deadline: deadline)
            }
            if (300..<400).contains(response.status), response.location != nil {
                let rest = Duration.nanoseconds(max(.zero, deadline - .now()).nanoseconds)
                return try await ExpositionSource.load(url, timeout: rest)  // AsyncHTTPClient follows redirects
            }
            guard (200..<300).contains(response.status) else { throw ExpositionSource.Failure(description: "\(url): HTTP status \(response.status)") }
            return ExpositionSource.Body(
                bytes: response.body, declaredFormat: response.contentType.flatMap(ExpositionFormat.init(contentType:)))
        } catch let failure as ExpositionSource.Failure {
            throw failure
        } catch is ResponseHandler.TooBig {
            throw ExpositionSource.Failure(description: "\(url): response larger than \(Self.size(limit))")
        } catch is NIOHTTPDecompression.DecompressionError {
            throw ExpositionSource.Failure(description: "\(url): response larger than \(Self.size(limit)) once unpacked")
        } catch is ResponseHandler.Closed {
            throw ExpositionSource.Failure(description: "\(url): the connection closed before the answer was complete")
        } catch is ResponseHandler.TimedOut {
            throw ExpositionSource.Failure(description: "\(url): no complete answer within \(timeout)")
        } catch {
            throw ExpositionSource.Failure(description: "\(url): \(UserFacingError.describeNetwork(error))")
        }
    }

    /// One request and its answer, on the kept connection or a new one.
    func exchange(deadline: NIODeadline) async throws -> ResponseHandler.Response {
        let reused = channel?.isActive ?? false
        let (channel, handler) = try await connected(deadline: deadline)
        let promise = eventLoop.makePromise(of: ResponseHandler.Response.self)
        handler.value.expect(promise, reused: reused)
        // The head alone: `RequestWriter` sends the whole request for it (a GET has no body).
        channel.writeAndFlush(HTTPClientRequestPart.head(head), promise: nil)
        let timer = eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(ResponseHandler.TimedOut())
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        // A cancelled scrape (the server stopping) ends now, not at its deadline: closing the
        // channel fails the answer it waits for.
        return try await withTaskCancellationHandler {
            try await value(of: promise.futureResult)
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Waits for `future` here, on the event loop (`EventLoopFuture.get()` would wait on the
    /// concurrency pool and come back).
    func value<T: Sendable>(of future: EventLoopFuture<T>) async throws -> T {
        try await withUnsafeThrowingContinuation { continuation in
            future.whenComplete { continuation.resume(with: $0) }
        }
    }

    func connected(deadline: NIODeadline) async throws -> (any Channel, NIOLoopBound<ResponseHandler>) {
        if let channel, let handler, channel.isActive { return (channel, handler) }
        channel?.close(promise: nil)
        let limit = limit, request = request
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(max(.milliseconds(1), deadline - .now()))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // An exposition is tens of kilobytes: read it in one or two reads, not starting from
            // NIO's 2 KB guess and doubling each scrape.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 65_536, maximum: 262_144))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    // The response decoder must see each request's head (it tells a HEAD's answer from
                    // a GET's); the bytes on the wire are the ones made once.
                    try sync.addHandler(RequestWriter(bytes: request))
                    try sync.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(NIOHTTPResponseDecompressor(limit: .size(limit)))
                    try sync.addHandler(ResponseHandler(limit: limit))
                }
            }
        let channel = try await value(of: bootstrap.connect(host: host, port: port))
        let handler = NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ResponseHandler.self), eventLoop: eventLoop)
        self.channel = channel
        self.handler = handler
        return (channel, handler)
    }

    static func size(_ bytes: Int) -> String { bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes) bytes" }

    /// Closes the connection (the target is no longer scraped).
    public func close() {
        channel?.close(promise: nil)
        channel = nil
        handler = nil
    }

    /// Waits `duration` on the event loop (not on the concurrency pool's timer, which would wake
    /// another thread to hand the task back here). Returns early when the task is cancelled.
    public func pause(_ duration: Duration) async {
        let promise = eventLoop.makePromise(of: Void.self)
        let timer = eventLoop.scheduleTask(in: .nanoseconds(duration.nanoseconds)) { promise.succeed() }
        await withTaskCancellationHandler {
            _ = try? await value(of: promise.futureResult)
        } onCancel: {
            timer.cancel()
            promise.succeed()
        }
    }

    /// Sends the request, made once as bytes, for each request head written (instead of encoding
    /// the head's fields every scrape).
    final class RequestWriter: ChannelOutboundHandler {
        typealias OutboundIn = HTTPClientRequestPart
        typealias OutboundOut = ByteBuffer
        let bytes: ByteBuffer

        init(bytes: ByteBuffer) { self.bytes = bytes }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            switch unwrapOutboundIn(data) {
            case .head: context.write(wrapOutboundOut(bytes), promise: promise)
            case .body, .end: promise?.succeed()
            }
        }
    }

    /// Gathers each answer on the event loop and completes the scrape waiting for it.
    final class ResponseHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart

        struct Response: Sendable {
            var status: Int
            var contentType: String?
            var location: String?
            var body: [UInt8]
        }
        struct TooBig: Error {}
        struct TimedOut: Error {}
        /// The connection closed before the answer was complete; `reused`: it had served before
        /// and nothing of this answer had come.
        struct Closed: Error { var reused: Bool }

        let limit: Int
        var waiting: EventLoopPromise<Response>?
        var reused = false
        var head: HTTPResponseHead?
        /// The answer's bytes so far, copied once out of the reads (the parser takes an array).
        var body: [UInt8] = []

        init(limit: Int) { self.limit = limit }

        func expect(_ promise: EventLoopPromise<Response>, reused: Bool) {
            waiting = promise
            self.reused = reused
            head = nil
            body = []
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let received):
                head = received
                body = []
                if let length = received.headers.first(name: "Content-Length").flatMap(Int.init), length > 0 {
                    body.reserveCapacity(Swift.min(length, limit))
                }
            case .body(let part):
                guard body.count + part.readableBytes <= limit else { return fail(TooBig(), context) }
                body.append(contentsOf: part.readableBytesView)
            case .end:
                guard let head, let waiting else {
                    context.close(promise: nil)  // an answer nobody asked for
                    return
                }
                self.waiting = nil
                self.head = nil
                let response = Response(
                    status: Int(head.status.code), contentType: head.headers.first(name: "Content-Type"),
                    location: head.headers.first(name: "Location"), body: body)
                body = []
                if !head.isKeepAlive { context.close(promise: nil) }
                waiting.succeed(response)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            fail(error, context)
        }

        func channelInactive(context: ChannelHandlerContext) {
            waiting?.fail(Closed(reused: reused && head == nil))
            waiting = nil
            context.fireChannelInactive()
        }

        private func fail(_ error: any Error, _ context: ChannelHandlerContext) {
            waiting?.fail(error)
            waiting = nil
            body = []
            context.close(promise: nil)
        }
    }

    /// What a request needs of its URL.
    struct URLParts {
        var host: String
        var port: Int
        var hostHeader: String
        var path: String

        init?(_ url: String) {
            // Credentials in the URL are AsyncHTTPClient's to send.
            guard let parts = URLComponents(string: url), parts.user == nil, let host = parts.host, !host.isEmpty else { return nil }
            self.host = host
            port = parts.port ?? 80
            let named = host.contains(":") ? "[\(host)]" : host  // an IPv6 address
            hostHeader = parts.port.map { "\(named):\($0)" } ?? named
            let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
            self.path = parts.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
            // Written into the request as they are: nothing that could end a line or a field.
            guard (self.path + host).utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
