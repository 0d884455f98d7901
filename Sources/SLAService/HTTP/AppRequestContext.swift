import Hummingbird
import NIOCore

/// Our request context: Hummingbird's core storage plus the client's address, which admin and
/// push routes check when no admin token is configured.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer, when the transport knows it (in-process tests do not).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        switch remoteAddress {
        case .v4(let address): return address.host.hasPrefix("127.")
        case .v6(let address): return address.host == "::1" || address.host.hasPrefix("::ffff:127.")
        default: return false
        }
    }
}

/// Admin routes: the bearer token when one is configured, else loopback clients only.
struct AdminGate: Sendable {
    let token: String?

    func check(_ request: Request, _ context: AppRequestContext) throws {
        if let token {
            guard let header = request.headers[.authorization], Self.constantTimeEquals(header, "Bearer " + token) else {
                throw APIError(.unauthorized, "send the admin token as 'Authorization: Bearer <token>'")
            }
        } else if !context.isLoopback {
            throw APIError(.forbidden, "admin routes answer only local clients until an admin_token is configured")
        }
    }

    /// Compares without leaking, through timing, how much of the token matched.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
