import Core

/// Why the embedded PostgreSQL cluster could not be prepared, started or stopped.
public struct EmbeddedPostgresError: UserFacing, Sendable, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public var message: String
    /// The last lines of the server log or tool output, when they explain it.
    public var detail: String?

    public init(_ message: String, detail: String? = nil) {
        self.message = message
        self.detail = detail
    }

    public var description: String {
        guard let detail, !detail.isEmpty else { return message }
        return message + "\n" + detail
    }
}
