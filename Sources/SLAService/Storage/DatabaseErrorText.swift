import Config
import Core
import PostgresNIO

/// Turns driver errors into short, safe sentences: no SQL, no credentials, no type names.
public enum DatabaseErrorText {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else {
            return "the database connection failed"
        }
        if let message = error.serverInfo?[.message] { return message }
        switch error.code {
        case .connectionError:
            let underlying = error.underlying.map { String(describing: $0) } ?? ""
            for (needle, text) in [
                ("Connection refused", "connection refused (is the server running, and on that port?)"),
                ("timed out", "the connection timed out"), ("Timeout", "the connection timed out"),
                ("No route to host", "no route to the host"), ("not known", "the host name could not be resolved"),
                ("SSL", "the TLS handshake failed (check sslmode)"), ("TLS", "the TLS handshake failed (check sslmode)"),
            ] where underlying.contains(needle) {
                return text
            }
            return "cannot connect"
        case .serverClosedConnection: return "the server closed the connection"
        case .queryCancelled: return "the query was cancelled"
        case .sslUnsupported: return "the server does not offer TLS (use sslmode=disable or prefer)"
        default: return "the database reported an error"
        }
    }
}
