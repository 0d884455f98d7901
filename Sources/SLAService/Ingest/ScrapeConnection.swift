import Core
import Exposition
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One scrape target's HTTP/1.1 connection, kept open from one scrape to the next: a request
/// made once, written as is, and its answer read straight from the connection's bytes into one
/// array (`HTTPResponseReader`, the only handler on the channel).
/// For plain `http://` targets; `https` (and an answer that redirects) go through
/// AsyncHTTPClient, which does TLS and redirects. Its client costs about a quarter of the
/// collector's CPU at 200 targets; this costs a write and the reads of the answer.
///
/// A scrape is callbacks on the connection's event loop, with no task to suspend and resume
/// (`fetch(deadline:done:)`): `ScrapeCycle` chains a target's scrapes that way. `fetch(timeout:)`
/// is the same for a caller that awaits.
///
/// `@unchecked Sendable`: its mutable state (`channel`, `handler`) is touched only on
/// `eventLoop` (the callback methods say so and assert it; the others hop there first).
public final class ScrapeConnection: @unchecked Sendable {
    public let eventLoop: any EventLoop
    package let url: String
    /// Largest answer taken, unpacked.
    package let limit: Int
    package let host: String
    package let port: Int
    /// The request, made once.
    package let request: ByteBuffer
    /// On `eventLoop` only.
    private var channel: (any Channel)?
    private var handler: ResponseHandler?
    /// `close()` was called: no request goes out any more.
    private var closed = false

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
        var text = "GET \(parts.path) HTTP/1.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        request = ByteBuffer(string: text + "\r\n")
    }

    typealias Outcome = Result<ExpositionSource.Body, IngestError>

    /// Fetches the exposition once, within `timeout` (connecting included).
    public func fetch(timeout: Duration) async throws(IngestError) -> ExpositionSource.Body {
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        let cancelled = CancelMark()
        // A cancelled fetch (the server stopping) ends now, not at its deadline: closing the
        // channel fails the answer it waits for. Cancelled before it began, it does not begin.
        let outcome: Outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                eventLoop.execute {
                    guard !cancelled.isSet else {
                        return continuation.resume(returning: .failure(self.failure(CancellationError(), timeout: timeout)))
                    }
                    self.fetch(deadline: deadline) { continuation.resume(returning: $0) }
                }
            }
        } onCancel: {
            cancelled.set()
            eventLoop.execute { self.abandon() }
        }
        return try outcome.get()
    }

    /// Fetches the exposition once, by `deadline`; `done` is called once, on the event loop.
    /// Call on the event loop.
    func fetch(deadline: NIODeadline, done: @escaping (Outcome) -> Void) {
        eventLoop.assertInEventLoop()
        let timeout = Duration.nanoseconds(max(.zero, deadline - .now()).nanoseconds)
        exchange(deadline: deadline) { result in
            switch result {
            case .success(let response):
                if (300..<400).contains(response.status), response.location != nil {
                    // AsyncHTTPClient follows redirects.
                    let rest = Duration.nanoseconds(max(.zero, deadline - .now()).nanoseconds)
                    let url = self.url, done = NIOLoopBound(done, eventLoop: self.eventLoop)
                    Task {
                        let outcome: Outcome
                        do throws(IngestError) { outcome = .success(try await ExpositionSource.load(url, timeout: rest)) } catch {
                            outcome = .failure(error)
                        }
                        done.eventLoop.execute { done.value(outcome) }
                    }
                    return
                }
                guard (200..<300).contains(response.status) else {
                    return done(.failure(.httpStatus(location: self.url, status: "\(response.status)")))
                }
                done(.success(.init(bytes: response.body, declaredFormat: response.contentType.flatMap(ExpositionFormat.init(contentType:)))))
            case .failure(let error):
                done(.failure(self.failure(error, timeout: timeout)))
            }
        }
    }

    /// What a failed exchange says to the user.
    package func failure(_ error: any Error, timeout: Duration) -> IngestError {
        switch error {
        case is HTTPResponseReader.TooBig: .responseTooLarge(location: url, limit: Self.size(limit))
        case let malformed as HTTPResponseReader.Malformed: .malformedResponse(location: url, detail: malformed.description)
        case is ResponseHandler.Closed: .closedEarly(location: url)
        case is ResponseHandler.TimedOut: .timedOut(location: url, seconds: (Double(timeout.nanoseconds) / 1e8).rounded() / 10)
        case is CancellationError: .cancelled(location: url)
        default: .network(location: url, failure: NetworkFailure.describe(error))
        }
    }

    /// One request and its answer, on the kept connection or a new one. A kept connection the
    /// server closed before answering (an idle timeout) is replaced and asked once more, as any
    /// HTTP client does for a GET. On the event loop.
    func exchange(deadline: NIODeadline, retried: Bool = false, done: @escaping (Result<ResponseHandler.Response, any Error>) -> Void) {
        let reused = channel?.isActive ?? false
        connected(deadline: deadline) { connection in
            switch connection {
            case .failure(let error):
                done(.failure(error))
            case .success(let (channel, handler)):
                let timer = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                    handler.fail(ResponseHandler.TimedOut())
                    channel.close(promise: nil)
                }
                handler.expect(reused: reused) { result in
                    timer.cancel()
                    if case .failure(let error as ResponseHandler.Closed) = result, error.reused, !retried {
                        return self.exchange(deadline: deadline, retried: true, done: done)
                    }
                    done(result)
                }
                channel.writeAndFlush(self.request, promise: nil)
            }
        }
    }

    /// The kept channel if it is open, else a new one. On the event loop.
    func connected(deadline: NIODeadline, done: @escaping (Result<(any Channel, ResponseHandler), any Error>) -> Void) {
        guard !closed else { return done(.failure(CancellationError())) }
        if let channel, let handler, channel.isActive { return done(.success((channel, handler))) }
        channel?.close(promise: nil)
        channel = nil
        handler = nil
        let limit = limit
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(max(.milliseconds(1), deadline - .now()))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // An exposition is tens of kilobytes: read it in one or two reads, not starting from
            // NIO's 2 KB guess and doubling each scrape.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 65_536, maximum: 262_144))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ResponseHandler(limit: limit)) }
            }
        bootstrap.connect(host: host, port: port).assumeIsolated().whenComplete { result in
            done(
                result.flatMap { channel in
                    Result {
                        guard !self.closed else {
                            channel.close(promise: nil)
                            throw CancellationError()
                        }
                        let handler = try channel.pipeline.syncOperations.handler(type: ResponseHandler.self)
                        self.channel = channel
                        self.handler = handler
                        return (channel, handler)
                    }
                })
        }
    }

    package static func size(_ bytes: Int) -> String { bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes) bytes" }

    /// Closes the connection for good (the target is no longer scraped); a fetch under way
    /// fails as cancelled, and later ones at once.
    public func close() {
        eventLoop.execute {
            self.closed = true
            self.abandon()
        }
    }

    /// Fails the fetch under way as cancelled (not as closed by the server, which would ask
    /// again) and closes its channel. On the event loop.
    private func abandon() {
        handler?.fail(CancellationError())
        channel?.close(promise: nil)
        channel = nil
        handler = nil
    }

    /// Reads each answer from the connection's bytes (`HTTPResponseReader`) and tells the fetch
    /// waiting for it, on the event loop.
    final class ResponseHandler: ChannelInboundHandler {
        package typealias InboundIn = ByteBuffer
        package typealias Response = HTTPResponseReader.Response

        struct TimedOut: Error {}
        /// The connection closed before the answer was complete; `reused`: it had served before
        /// and nothing of this answer had come.
        struct Closed: Error { var reused: Bool }

        package var reader: HTTPResponseReader
        /// Told the answer (or why there is none), once.
        package var waiting: ((Result<Response, any Error>) -> Void)?
        var reused = false

        package init(limit: Int) { reader = HTTPResponseReader(limit: limit) }

        package func expect(reused: Bool, _ done: @escaping (Result<Response, any Error>) -> Void) {
            waiting = done
            self.reused = reused
            reader.reset()
        }

        /// Ends the answer awaited with `error` (its deadline passed, or the fetch was given up).
        package func fail(_ error: any Error) {
            let waiting = waiting
            self.waiting = nil
            reader.reset()
            waiting?(.failure(error))
        }

        package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let waiting else {
                context.close(promise: nil)  // an answer nobody asked for
                return
            }
            var bytes = unwrapInboundIn(data)
            do {
                guard let response = try reader.read(&bytes) else { return }
                self.waiting = nil
                // Bytes after the answer were not asked for: the connection is not trusted again.
                if !response.keepAlive || bytes.readableBytes > 0 { context.close(promise: nil) }
                waiting(.success(response))
            } catch {
                fail(error)
                context.close(promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            fail(error)
            context.close(promise: nil)
        }

        package func channelInactive(context: ChannelHandlerContext) {
            if let waiting {
                do {
                    if let response = try reader.closed() {
                        self.waiting = nil
                        waiting(.success(response))  // a body that ran to the close
                    } else {
                        fail(Closed(reused: reused))
                    }
                } catch {
                    fail(Closed(reused: false))
                }
            }
            context.fireChannelInactive()
        }
    }

    /// Set once a fetch is cancelled, read by the fetch when it begins on the event loop.
    final class CancelMark: Sendable {
        private let mark = Atomic(false)
        var isSet: Bool { mark.load(ordering: .acquiring) }
        package func set() { mark.store(true, ordering: .releasing) }
    }

    /// What a request needs of its URL.
    struct URLParts {
        package var host: String
        package var port: Int
        var hostHeader: String
        package var path: String

        package init?(_ url: String) {
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
