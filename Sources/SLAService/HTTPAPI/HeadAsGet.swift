import HTTPTypes
import Hummingbird

/// `HEAD` on every `GET` route (uptime checkers send it): the router's responder asked for the
/// `GET`, its status and headers (Content-Length among them) kept, its body left out. It wraps
/// the whole responder, since routes are looked up by method before any middleware runs.
struct HeadAsGet<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context
    package let inner: Inner

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
        let length = response.headers[.contentLength] ?? response.body.contentLength.map { String($0) }
        response.body = .init()  // which drops Content-Length: set again below
        if let length { response.headers[.contentLength] = length }
        return response
    }
}
