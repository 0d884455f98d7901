import Logging
import PostgresNIO
import Testing

@testable import SLAService
@testable import Storage

@Suite("Migrations on a real PostgreSQL")
struct MigrationTests {
    @Test func secondRunIsANoOp() async throws {
        try await TestDatabase.withClient { client, _ in
            let first = try await Migrator().migrate(client, logger: TestDatabase.logger)
            #expect(first == Migration.all.map(\.version))
            let second = try await Migrator().migrate(client, logger: TestDatabase.logger)
            #expect(second.isEmpty)
            let rows = try await client.query("SELECT count(*) FROM schema_migrations", logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { #expect(count == Migration.all.count) }
        }
    }

    @Test func replicasStartingTogetherApplyEachMigrationOnce() async throws {
        try await TestDatabase.withClient { client, _ in
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await Migrator().migrate(client, logger: TestDatabase.logger) } }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(results.flatMap { $0 }.sorted() == Migration.all.map(\.version))
        }
    }

    @Test func schemaHasTheRollupTables() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            var tables: Set<String> = []
            let rows = try await client.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", logger: TestDatabase.logger)
            for try await name in rows.decode(String.self) { tables.insert(name) }
            #expect(tables.isSuperset(of: ["series", "rollup_1m", "rollup_1h", "rollup_1d", "scrape_targets", "schema_migrations"]))
        }
    }

    @Test func aFailingMigrationLeavesNothingHalfDone() async throws {
        try await TestDatabase.withClient { client, _ in
            let broken = Migrator(
                migrations: Migration.all + [
                    Migration(version: 9999, name: "broken", statements: ["CREATE TABLE half_done (id int)", "SELECT * FROM no_such_table"])
                ])
            await #expect(throws: PSQLError.self) { try await broken.migrate(client, logger: TestDatabase.logger) }
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL", logger: TestDatabase.logger)
            for try await absent in rows.decode(Bool.self) { #expect(absent) }
            // And the lock was released: a correct run still goes through.
            let again = try await Migrator().migrate(client, logger: TestDatabase.logger)
            #expect(again.isEmpty)
        }
    }
}
