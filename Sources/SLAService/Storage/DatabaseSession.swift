import Config
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// The database a command uses: the configured server, or the embedded cluster started for it.
public struct DatabaseSession: Sendable {
    public let url: DatabaseURL
    /// Set when we run (or share) the embedded cluster.
    public let embedded: EmbeddedPostgres?

    /// Finds the database the way every verb does: `database_url`, else the embedded cluster under `data_dir`.
    /// `attempts` bounds how often a configured server is tried (3 s apart) before giving up.
    public static func open(
        _ config: HMSConfig, options: EmbeddedPostgres.Options = .init(), attempts: Int = 3, logger: Logger
    ) async throws -> DatabaseSession {
        if let text = config.databaseURL {
            guard let url = DatabaseURL(text) else { throw StorageError.notAPostgresURL }
            logger.info("using the configured PostgreSQL", metadata: ["database": "\(url)"])
            try await preflight(url, attempts: attempts, logger: logger)
            return DatabaseSession(url: url, embedded: nil)
        }
        let server = try await EmbeddedPostgres.start(dataDirectory: config.dataDirectory, options: options, logger: logger)
        do {
            try await ensureDatabase(server.url, logger: logger)
        } catch {
            await server.stop()
            throw error
        }
        return DatabaseSession(url: server.url, embedded: server)
    }

    /// One connection, a few tries over about ten seconds: a server that is not there is
    /// reported at once in plain words, not after the pool's minute of retries.
    static func preflight(_ url: DatabaseURL, attempts: Int, logger: Logger) async throws {
        var quiet = logger
        quiet.logLevel = .critical
        var lastError: any Error = StorageError.databaseUnavailable(url: url, reason: "cannot connect")
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { try await Task.sleep(for: .seconds(3)) }
            do {
                let tls: PostgresConnection.Configuration.TLS
                switch url.sslMode {
                case "disable": tls = .disable
                case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
                var configuration = PostgresConnection.Configuration(
                    host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
                configuration.options.connectTimeout = TimeAmount.seconds(3)
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: quiet)
                try await connection.close()
                return
            } catch {
                lastError = error
                logger.notice("database not reachable yet", metadata: ["database": "\(url)", "attempt": "\(attempt + 1)"])
            }
        }
        throw StorageError.databaseUnavailable(url: url, reason: DatabaseErrorText.describe(lastError))
    }

    /// Creates `url.database` if the server does not have it yet (the embedded cluster starts with `postgres` only).
    static func ensureDatabase(_ url: DatabaseURL, logger: Logger) async throws {
        let admin = url.with(database: "postgres")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: admin.host, port: admin.port, username: admin.username, password: admin.password, database: admin.database, tls: .disable),
            id: 1, logger: logger)
        do {
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(url.database)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                // Identifiers cannot be bound; the name is ours (a constant or a test's own), and quoted.
                let quoted = "\"" + url.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(quoted)"), logger: logger)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// For a one-shot command: opens the database as `open` does, runs a client on it, brings the
    /// schema up to date, runs `body`, and closes it all again (stopping an embedded cluster this
    /// process started), whether `body` succeeds or throws.
    /// A command that only reads passes `mayCreate: false`: no embedded cluster is made for it.
    public static func withClient<T: Sendable>(
        _ config: HMSConfig, mayCreate: Bool = true, logger: Logger, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let session = try await open(config, options: .init(mayCreate: mayCreate), logger: logger)
        // A one-shot command reports a database it cannot use as its own error; the driver's
        // warnings (e.g. a lease before `run` has started) would only be noise around it.
        var driverLogger = logger
        if logger.logLevel > .debug { driverLogger.logLevel = .error }
        let postgres = PostgresClient(configuration: session.url.clientConfiguration, backgroundLogger: driverLogger)
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await postgres.run() }
                defer { group.cancelAll() }
                try await Migrator().migrate(postgres, logger: logger)
                return try await body(postgres)
            }
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// Stops the embedded cluster if this process owns it.
    public func close() async {
        await embedded?.stop()
    }
}
