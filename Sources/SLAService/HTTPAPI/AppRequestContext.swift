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
