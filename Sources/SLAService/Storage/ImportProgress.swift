import Logging
import PostgresNIO

/// How far each resumable import got (`import_progress`, by the import's key), so a run stopped
/// midway starts again where it left off.
public struct ImportProgress: Sendable {
    package let postgres: PostgresClient
    package let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// The end (milliseconds) of what the import named `key` finished; nil when it never ran.
    public func doneThrough(key: String) async throws -> Int64? {
        let rows = try await postgres.query(
            "SELECT (extract(epoch FROM done_through) * 1000)::int8 FROM import_progress WHERE key = \(key)", logger: logger)
        for try await done in rows.decode(Int64.self) { return done }
        return nil
    }

    /// Records that the import named `key` (reading `source`) finished everything before `end`.
    public func record(key: String, source: String, doneThrough end: Int64) async throws {
        try await postgres.query(
            """
            INSERT INTO import_progress (key, source, done_through) VALUES (\(key), \(source), to_timestamp(\(end) / 1000.0))
            ON CONFLICT (key) DO UPDATE SET done_through = EXCLUDED.done_through, updated_at = now()
            """, logger: logger)
    }
}
