import PostgresNIO

/// Turns driver errors into short, safe sentences: no SQL, no credentials, no type names.
public enum DatabaseErrorText {
    public static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] { return message }
        switch error.code {
        case .connectionError: return "cannot connect (is the server running and reachable?)"
        case .serverClosedConnection: return "the server closed the connection"
        case .queryCancelled: return "the query was cancelled"
        default: return "the database reported an error (\(error.code))"
        }
    }
}
