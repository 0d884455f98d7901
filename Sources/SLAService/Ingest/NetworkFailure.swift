import AsyncHTTPClient
import Core
import NIOCore
import NIOHTTPCompression
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// A failed HTTP exchange in a few words (refused, timed out, host not found, TLS), from the
/// error's type and code, never from its text: what a target, probe or import says is wrong.
package enum NetworkFailure {
    package static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout: "connection timed out"
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout: "timed out"
            case .remoteConnectionClosed: "the server closed the connection"
            default: "the request failed"
            }
        case let error as NIOConnectionError:
            // Every address tried, and why; with none tried, the name did not resolve.
            if let first = error.connectionErrors.first { describe(first.error) } else { "host not found" }
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: "connection refused"
            case ETIMEDOUT: "connection timed out"
            case ECONNRESET, EPIPE: "the server closed the connection"
            case EHOSTUNREACH, ENETUNREACH: "host unreachable"
            default: "the request failed"
            }
        case ChannelError.connectTimeout: "connection timed out"
        case is SocketAddressError.UnknownHost: "host not found"
        case is NIOSSLError, is BoringSSLError: "TLS failed"
        case is NIOHTTPDecompression.DecompressionError: "the compressed body was invalid or too large"
        default: "the request failed"
        }
    }
}
