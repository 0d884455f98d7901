import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with `PublicFastPath` in front of NIO's HTTP/1 parser.
struct PublicHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let routes: PublicRoutes
    let metrics: RequestMetricHandles
    let limits: HMSConfig.Limits

    /// The server builder `Application` takes: connections idle for `limits.idleTimeout` are
    /// closed, and so are those whose request head takes longer than `limits.headerTimeout`.
    static func builder(routes: PublicRoutes, metrics: RequestMetricHandles, limits: HMSConfig.Limits = .init()) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            PublicHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .milliseconds(limits.idleTimeout.milliseconds))),
                routes: routes, metrics: metrics, limits: limits)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(PublicFastPath(routes: routes, metrics: metrics), position: .first)
            try channel.pipeline.syncOperations.addHandler(
                RequestHeadDeadline(timeout: .milliseconds(limits.headerTimeout.milliseconds)), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

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

    let routes: PublicRoutes
    let metrics: RequestMetricHandles
    /// Set at the first request this path does not answer: from then on every byte goes on.
    var passing = false
    var unflushed = false
    /// A read asked for while the connection could not take more answers; made once it can.
    var heldRead = false
    var lastCounted: (route: String, status: HTTPResponse.Status, handles: RequestMetricHandles.Handles)?
    /// The `Date` header line of the current second (made at most once a second per connection).
    var date: (second: Int, line: [UInt8]) = (-1, [])

    init(routes: PublicRoutes, metrics: RequestMetricHandles) {
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

    func flush(_ context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    /// The answer to the request at the start of `bytes` and how many bytes it took, if this
    /// path answers it.
    func answer(to bytes: UnsafeRawBufferPointer, context: ChannelHandlerContext) -> (bytes: ByteBuffer, consumed: Int)? {
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
    func count(route: String, status: HTTPResponse.Status) {
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

/// The head of a plain `GET` the fast path may answer, read strictly from raw bytes: the whole
/// head present, `GET <target> HTTP/1.1`, well-formed header lines of visible ASCII, no body
/// (`Content-Length`, `Transfer-Encoding`), no `Upgrade` or `Expect`, `Connection` absent or
/// keep-alive, `Accept` and `If-None-Match` at most once each. Anything else is nil and goes to
/// NIO's parser, which knows the whole protocol.
struct RequestHead: Equatable {
    var target: String
    var accept: String?
    var ifNoneMatch: String?
    /// Bytes of the head, its blank line included.
    var length: Int

    static let maximumLength = 8192
    static let maximumFields = 64

    static func parse(_ bytes: UnsafeRawBufferPointer) -> RequestHead? {
        let count = min(bytes.count, maximumLength)
        guard count > 16, bytes.starts(with: "GET /".utf8) else { return nil }
        // The request line.
        var i = 4
        while i < count, bytes[i] > 0x20, bytes[i] < 0x7F { i += 1 }
        let targetEnd = i
        guard targetEnd > 4, i + 11 <= count, bytes[i..<(i + 10)].elementsEqual(" HTTP/1.1\r".utf8), bytes[i + 10] == 10 else { return nil }
        var head = RequestHead(target: String(decoding: bytes[4..<targetEnd], as: UTF8.self), length: 0)
        i += 11
        var fields = 0
        while true {
            guard i + 1 < count else { return nil }  // the head goes on past what is here
            if bytes[i] == 13 {
                guard bytes[i + 1] == 10 else { return nil }
                head.length = i + 2
                return head
            }
            fields += 1
            guard fields <= maximumFields else { return nil }
            // name ":" OWS value OWS CRLF
            let nameStart = i
            while i < count, isToken(bytes[i]) { i += 1 }
            guard i > nameStart, i < count, bytes[i] == UInt8(ascii: ":") else { return nil }
            let name = bytes[nameStart..<i]
            i += 1
            while i < count, bytes[i] == 32 || bytes[i] == 9 { i += 1 }
            let valueStart = i
            while i < count, (bytes[i] >= 0x20 && bytes[i] < 0x7F) || bytes[i] == 9 { i += 1 }
            guard i + 1 < count, bytes[i] == 13, bytes[i + 1] == 10 else { return nil }
            var valueEnd = i
            while valueEnd > valueStart, bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = bytes[valueStart..<valueEnd]
            i += 2
            if equalsIgnoringCase(name, "accept") {
                guard head.accept == nil else { return nil }
                head.accept = String(decoding: value, as: UTF8.self)
            } else if equalsIgnoringCase(name, "if-none-match") {
                guard head.ifNoneMatch == nil else { return nil }
                head.ifNoneMatch = String(decoding: value, as: UTF8.self)
            } else if equalsIgnoringCase(name, "connection") {
                guard equalsIgnoringCase(value, "keep-alive") else { return nil }
            } else if equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "transfer-encoding")
                || equalsIgnoringCase(name, "upgrade") || equalsIgnoringCase(name, "expect")
            {
                return nil
            }
        }
    }

    /// RFC 9110 token characters.
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func equalsIgnoringCase(_ bytes: Slice<UnsafeRawBufferPointer>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var k = 0
        for byte in bytes {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard folded == expected[k] else { return false }
            k += 1
        }
        return true
    }
}

extension PublicRoutes {
    /// The rendered answer for a GET of `target` (path and query, as sent) and its route's
    /// name, when the fast path may send it. Called for every request, so it reads bytes and
    /// allocates only for a likely hit.
    func fastAnswer(target: String, accept: String?) -> (route: String, answer: Rendered)? {
        let target = target.utf8
        guard target.starts(with: Self.listPath.utf8) else { return nil }
        let query = target.firstIndex(of: UInt8(ascii: "?"))
        var period: String?
        if let query {
            // Only `period=P` with a plain value; anything else is the router's to read.
            let value = target[target.index(after: query)...]
            guard value.starts(with: "period=".utf8), value.count <= 16 else { return nil }
            let text = value.dropFirst("period=".count)
            guard !text.isEmpty, text.allSatisfy({ Self.plain($0) }) else { return nil }
            period = String(Substring(text))
        }
        var path = target[..<(query ?? target.endIndex)]
        let suffix = path.elementsEqual(Self.listPath.utf8) ? false : path.reversed().starts(with: ".xml".utf8.reversed())
        if suffix { path = path.dropLast(4) }
        let xml = Self.wantsXML(accept: accept, suffix: suffix)
        let rest = path.dropFirst(Self.listPath.utf8.count)
        if rest.isEmpty {
            guard period == nil else { return nil }
            return hit(Self.key(service: nil, period: nil, xml: xml)).map { ("/public/v1/services", $0) }
        }
        // "/{id}/sla", the id plain
        guard rest.first == UInt8(ascii: "/"), rest.reversed().starts(with: "/sla".utf8.reversed()) else { return nil }
        let id = rest.dropFirst().dropLast(4)
        guard !id.isEmpty, id.count <= 128, id.allSatisfy({ Self.plain($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) else {
            return nil
        }
        return hit(Self.key(service: String(Substring(id)), period: period, xml: xml)).map { ("/public/v1/services/{id}/sla", $0) }
    }

    static let listPath = "/public/v1/services"

    /// Letters, digits and `-`: what periods and most ids are made of.
    static func plain(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
    }
}

/// RFC 9110's IMF-fixdate for the `Date` header.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Wed, 25 Nov 2026 23:39:49 GMT`.
    static func format(_ second: Int) -> String {
        var time = time_t(second)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

/// A cached answer's status line and headers as the router writes them (the answer's own, its
/// length, the security middleware's, in NIO's order), without `Date` and `Server`, which
/// follow: for the full answer and for 304.
struct WireHeads: Sendable {
    let full: ByteBuffer
    let notModified: ByteBuffer

    init(_ answer: PublicRoutes.Rendered) {
        full = Self.head(answer, notModified: false)
        notModified = Self.head(answer, notModified: true)
    }

    static func head(_ answer: PublicRoutes.Rendered, notModified: Bool) -> ByteBuffer {
        let status: HTTPResponse.Status = notModified ? .notModified : answer.status
        var fields = answer.headers
        if !notModified { fields[.contentLength] = "\(answer.body.readableBytes)" }
        SecurityHeadersMiddleware<AppRequestContext>.apply(to: &fields)
        var out = ByteBuffer()
        out.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        for field in fields {
            out.writeString(field.name.rawName)
            out.writeStaticString(": ")
            out.writeString(field.value)
            out.writeStaticString("\r\n")
        }
        return out
    }
}
