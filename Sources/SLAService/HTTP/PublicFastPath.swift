import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Answers the public API's already-rendered answers straight from the connection's event loop,
/// before the router: `GET /public/v1/services[.xml]` and
/// `GET /public/v1/services/{id}/sla[.xml][?period=P]` while the snapshot is fresh and that
/// answer is rendered. The bytes, headers and ETag are the router's own (`PublicRoutes.hit`), so
/// both paths answer alike; everything else (a first request, `at=`, other query strings, an
/// unknown id, `Connection` other than keep-alive) goes on to the router unchanged. The router's
/// path costs a task, an async channel hop and the middleware chain per request, about half of
/// what a cached answer is worth at high request rates (benchmarks/api).
final class PublicFastPath: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    enum State {
        case idle
        /// Parts of a request we answer: its body is ignored; the answer goes out at its end.
        case answering(HTTPResponse, ByteBuffer?)
        case forwarding
    }

    let routes: PublicRoutes
    let metrics: RequestMetricHandles
    var state = State.idle

    init(routes: PublicRoutes, metrics: RequestMetricHandles) {
        self.routes = routes
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let request), .idle):
            if let (route, answer) = routes.fastAnswer(request) {
                // The headers in the router's order: the answer's, its length, the security
                // middleware's, then the server's own.
                let notModified = answer.notModified(request.headerFields[.ifNoneMatch])
                var head = HTTPResponse(status: notModified ? .notModified : answer.status, headerFields: answer.headers)
                if !notModified { head.headerFields[.contentLength] = "\(answer.body.readableBytes)" }
                SecurityHeadersMiddleware<AppRequestContext>.apply(to: &head.headerFields)
                head.headerFields[.date] = HTTPDate.now()
                head.headerFields[.server] = "hms-ops"
                metrics.for(route: route, method: .get, status: head.status).requests.increment()
                state = .answering(head, notModified ? nil : answer.body)
                return
            }
            state = .forwarding
            context.fireChannelRead(data)
        case (.body, .answering):
            return
        case (.end, .answering(let head, let body)):
            state = .idle
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case (.end, _):
            state = .idle
            context.fireChannelRead(data)
        default:
            context.fireChannelRead(data)
        }
    }
}

extension PublicRoutes {
    /// The rendered answer for `request` and its route's name, when the fast path may send it.
    /// Called for every request, so it reads bytes and allocates only for a likely hit.
    func fastAnswer(_ request: HTTPRequest) -> (route: String, answer: Rendered)? {
        guard request.method == .get, let target = request.path?.utf8, target.starts(with: Self.listPath.utf8) else { return nil }
        if let connection = request.headerFields[.connection], connection.lowercased() != "keep-alive" { return nil }
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
        let xml = Self.wantsXML(accept: request.headerFields[.accept], suffix: suffix)
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

/// The `Date` header's text for the current second, made once a second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        let second = Int(Date().timeIntervalSince1970)
        return cache.withLock { cache in
            if cache.second != second { cache = (second, format(second)) }
            return cache.text
        }
    }

    /// RFC 9110's IMF-fixdate: `Wed, 25 Nov 2026 23:39:49 GMT`.
    static func format(_ second: Int) -> String {
        var time = time_t(second)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
