import Config
import Core

/// The configured database cannot be used; says which (password redacted) and why.
public struct DatabaseUnavailable: UserFacing, Sendable, CustomStringConvertible {
    public var url: DatabaseURL
    public var reason: String

    public init(url: DatabaseURL, reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String { "cannot use the database at \(url): \(reason); check database_url in the configuration" }
}
