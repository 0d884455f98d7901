import AsyncHTTPClient
import NIOCore
import NIOHTTPCompression
import NIOSSL
import Testing

@testable import Ingest

#if canImport(Glibc)
    import Glibc
#endif

/// What a failed exchange says comes from the error's type and code, not from its text.
@Suite("Network failures in words")
struct NetworkFailureTests {
    @Test func eachKindOfFailureHasItsWords() {
        let cases: [(any Error, String)] = [
            (IOError(errnoCode: ECONNREFUSED, reason: "connect"), "connection refused"),
            (IOError(errnoCode: ETIMEDOUT, reason: "connect"), "connection timed out"),
            (IOError(errnoCode: ECONNRESET, reason: "read"), "the server closed the connection"),
            (IOError(errnoCode: EHOSTUNREACH, reason: "connect"), "host unreachable"),
            (IOError(errnoCode: EACCES, reason: "connect"), "the request failed"),
            (HTTPClientError.connectTimeout, "connection timed out"),
            (HTTPClientError.deadlineExceeded, "timed out"),
            (HTTPClientError.readTimeout, "timed out"),
            (HTTPClientError.remoteConnectionClosed, "the server closed the connection"),
            (HTTPClientError.invalidURL, "the request failed"),
            (ChannelError.connectTimeout(.seconds(1)), "connection timed out"),
            (NIOSSLError.handshakeFailed(.sslError([])), "TLS failed"),
            (NIOHTTPDecompression.DecompressionError.limit, "the compressed body was invalid or too large"),
            (CancellationError(), "the request failed"),
        ]
        for (error, words) in cases {
            #expect(NetworkFailure.describe(error) == words, "\(error)")
        }
    }
}
