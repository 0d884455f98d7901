import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import Config
@testable import SLAService
@testable import Storage

/// One real PostgreSQL per test run: the embedded cluster in a throwaway folder (started on first
/// use, stopped when the test process exits), or `HMS_TEST_DATABASE_URL` if set, which must be
/// local. Each suite gets its own fresh database. Failing to get one fails the test; never skips.
enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "test-db")
        logger.logLevel = .warning
        return logger
    }()

    private static let server = Task<DatabaseURL, any Error> {
        if let text = ProcessInfo.processInfo.environment["HMS_TEST_DATABASE_URL"] {
            guard let url = DatabaseURL(text) else { throw TestDatabaseError("HMS_TEST_DATABASE_URL is not a postgres:// URL") }
            guard url.isLocal else { throw TestDatabaseError("refusing to run tests against a non-local database: \(url)") }
            return url
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-test-db-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        let embedded = try await EmbeddedPostgres.start(dataDirectory: folder, options: .init(unsafeFast: true), logger: logger)
        cleanup.withLock { $0 = (embedded.clusterDirectory, folder, geteuid() == 0) }
        atexit {
            guard let (cluster, folder, asRoot) = TestDatabase.cleanup.withLock({ $0 }) else { return }
            let pgctl = (try? EmbeddedPostgres.Tools.find().pgctl) ?? "pg_ctl"
            let stop = "\(asRoot ? "runuser -u postgres -- " : "")'\(pgctl)' -D '\(cluster)' -m immediate -w stop >/dev/null 2>&1; rm -rf '\(folder)'"
            _ = system(stop)
        }
        return embedded.url
    }

    /// What to stop at exit: cluster folder, data folder, whether pg_ctl runs as postgres.
    private static let cleanup = Mutex<(String, String, Bool)?>(nil)

    /// The address of a new, empty database on the test server.
    static func fresh(_ prefix: String = "t") async throws -> DatabaseURL {
        let base = try await server.value
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try await DatabaseSession.ensureDatabase(base.with(database: name), logger: logger)
        return base.with(database: name)
    }

    /// Runs `body` with a running client for a fresh database.
    static func withClient<T: Sendable>(_ body: @Sendable (PostgresClient, DatabaseURL) async throws -> T) async throws -> T {
        let url = try await fresh()
        return try await withClient(url) { try await body($0, url) }
    }

    /// Runs `body` with a running client for `url`.
    static func withClient<T: Sendable>(_ url: DatabaseURL, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

/// Why the tests' database cannot be used.
struct TestDatabaseError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
