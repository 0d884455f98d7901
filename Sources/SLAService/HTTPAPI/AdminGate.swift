import HTTPTypes
import Hummingbird
import NIOCore

/// Admin routes: the bearer token when one is configured, else loopback clients only, and of
/// those only requests that no proxy forwarded (behind a reverse proxy on the same machine every
/// client is a loopback peer: trusting them would open writes to the world).
package struct AdminGate: Sendable {
    package let token: String?

    /// Headers proxies and CDNs add to a request they forward. A proxy that adds none cannot be
    /// told from a local client: behind one, set an admin token (docs/operations.md).
    static let forwardingHeaders: [HTTPField.Name] = [
        "Forwarded", "X-Forwarded-For", "X-Real-IP", "Via", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Server", "True-Client-IP",
        "X-Client-IP", "Client-IP", "CF-Connecting-IP", "X-Cluster-Client-IP", "Fastly-Client-IP", "X-Original-Forwarded-For",
    ].compactMap { HTTPField.Name($0) }

    func check(_ request: Request, _ context: AppRequestContext) throws {
        if let token {
            guard Self.hasToken(request, token) else {
                throw APIError(.unauthorized, "send the admin token as 'Authorization: Bearer <token>'")
            }
        } else if !context.isLoopback {
            throw APIError(.forbidden, "admin routes answer only local clients until an admin_token is configured")
        } else if Self.forwardingHeaders.contains(where: { request.headers[$0] != nil }) {
            throw APIError(
                .forbidden, "this request came through a proxy; without an admin_token only local clients that no proxy forwarded may write")
        }
    }

    /// Whether `request` carries `Authorization: Bearer <token>` (the scheme in any case, as
    /// RFC 9110 says schemes are).
    static func hasToken(_ request: Request, _ token: String) -> Bool {
        guard let header = request.headers[.authorization], let space = header.firstIndex(of: " ") else { return false }
        guard header[..<space].lowercased() == "bearer" else { return false }
        return constantTimeEquals(String(header[header.index(after: space)...].drop { $0 == " " }), token)
    }

    /// Compares without leaking, through timing, how much of the token matched.
    package static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
