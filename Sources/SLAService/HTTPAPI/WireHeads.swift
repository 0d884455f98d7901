import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A cached answer's status line and headers as the router writes them (the answer's own, its
/// length, the security middleware's, in NIO's order), without `Date` and `Server`, which
/// follow: for the full answer and for 304.
struct WireHeads: Sendable {
    let full: ByteBuffer
    let notModified: ByteBuffer

    package init(_ answer: PublicRoutes.Rendered) {
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
