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
}
