import NIOCore
import PostgresNIO

/// One sentence for any error that ends a command: ours say what to do; others are mapped
/// to plain words, never a type name, stack trace or secret.
public enum UserFacingError {
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as LaunchError: return error.description
        case let error as EmbeddedPostgresError: return error.description
        case let error as DemoServiceError: return error.description
        case let error as DatabaseUnavailable: return error.description
        case let error as ConfigErrors: return error.description
        case let error as SLISelectors.Problem: return error.description
        case let error as RollupQuery.Failure: return error.description
        case let error as ImportError: return error.description
        case let error as PSQLError: return "the database failed: \(DatabaseErrorText.describe(error))"
        case let error as IOError where error.errnoCode == 98:
            return "the address to listen on is already in use; choose another port"
        case let error as IOError where error.errnoCode == 13:
            return "not allowed to listen on that address or port (ports below 1024 need privileges)"
        default:
            if String(reflecting: type(of: error)).contains("ConnectionPool") {
                return "the database could not be reached; check that it runs and that database_url is right"
            }
            return "an unexpected error stopped hms-ops; run again with --log-level debug for details"
        }
    }

    /// A failed HTTP request in a few words: refused, timed out, unresolvable, TLS.
    public static func describeNetwork(_ error: any Error) -> String {
        let text = String(describing: error)
        for (needle, words) in [
            ("Connection refused", "connection refused"), ("connectTimeout", "connection timed out"),
            ("deadlineExceeded", "timed out"), ("readTimeout", "timed out"), ("timeout", "timed out"),
            ("NXDOMAIN", "host not found"), ("not known", "host not found"), ("SSL", "TLS failed"), ("TLS", "TLS failed"),
            ("remoteConnectionClosed", "the server closed the connection"), ("decompression", "the compressed body was invalid or too large"),
        ] where text.contains(needle) {
            return words
        }
        return "the request failed"
    }
}
