import Foundation

/// A `postgres://user:password@host:port/dbname?sslmode=...` address, parsed once.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` (default) or `require`.
    public var sslMode: String

    public init?(_ text: String) {
        guard text.utf8.count <= 2048, let url = URLComponents(string: text),
            let scheme = url.scheme, scheme == "postgres" || scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else { return nil }
        self.host = host
        self.port = url.port ?? 5432
        self.username = url.user ?? "postgres"
        self.password = url.password
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        self.database = path.isEmpty ? self.username : path
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(mode), (1...65535).contains(port) else { return nil }
        self.sslMode = mode
    }

    public init(host: String, port: Int, username: String, password: String?, database: String, sslMode: String = "disable") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }

    /// True for addresses on this machine; tests refuse anything else.
    public var isLocal: Bool { ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host) }

    /// The URL with the password replaced, safe for logs.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(sslMode)"
    }

    /// The same address with another database name.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }
}
