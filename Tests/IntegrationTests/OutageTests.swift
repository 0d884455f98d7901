import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import Core
@testable import Ingest
@testable import SLAService
@testable import Storage

/// Nothing lost: a real PostgreSQL is stopped and started again under the pipeline; the minutes
/// closed meanwhile wait in the disk spool and arrive once, in order.
@Suite("Database outage")
struct OutageTests {
    /// 2026-10-01T12:00:00Z.
    static let t0: Int64 = 1_790_856_000_000

    static let claims = SeriesKey(metric: "claims_total", labels: [Label("job", "crop-relief")], kind: .counter)

    func total(_ client: PostgresClient) async throws -> (Double, Int) {
        let rows = try await client.query(
            "SELECT coalesce(sum(increase), 0)::float8, count(*)::int8 FROM rollup_1m", logger: TestDatabase.logger)
        for try await (sum, count) in rows.decode((Double, Int64).self) { return (sum, Int(count)) }
        return (0, 0)
    }

    @Test func minutesClosedWhileTheDatabaseIsDownArriveOnceItIsBack() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-outage-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = try #require(PortProbe.freePort())
        let options = EmbeddedPostgres.Options(unsafeFast: true, port: port)
        var server = try await EmbeddedPostgres.start(dataDirectory: folder + "/data", options: options, logger: TestDatabase.logger)
        try await DatabaseSession.ensureDatabase(server.url, logger: TestDatabase.logger)
        var configuration = server.url.clientConfiguration
        configuration.options.connectTimeout = .seconds(1)
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let clock = TestClock(Self.t0)
            let spool = Spool(path: folder + "/rollups.spool")
            let pipeline = IngestPipeline(
                writer: RollupWriter(postgres: client, logger: TestDatabase.logger), spool: spool, grace: 0,
                writeTimeout: .seconds(3), logger: TestDatabase.logger, now: { clock.now })
            // Minute 0-1 written normally: baseline 0, then +10.
            for (minute, value) in [(0, 0.0), (1, 10)] {
                await pipeline.ingest([.init(series: Self.claims, value: value, at: Self.t0 + Int64(minute) * 60_000)])
            }
            clock.set(Self.t0 + 2 * 60_000)
            #expect(await pipeline.flush() == 2)

            await server.stop()
            // Minutes 2-4 close while the database is down: +5 each, into the spool.
            for minute in 2...4 {
                await pipeline.ingest([.init(series: Self.claims, value: Double(10 + (minute - 1) * 5), at: Self.t0 + Int64(minute) * 60_000)])
                clock.set(Self.t0 + Int64(minute + 1) * 60_000)
                #expect(await pipeline.flush() == 0)
            }
            #expect(!spool.isEmpty)
            #expect(await pipeline.pending.isEmpty)

            server = try await EmbeddedPostgres.start(dataDirectory: folder + "/data", options: options, logger: TestDatabase.logger)
            await pipeline.ingest([.init(series: Self.claims, value: 30, at: Self.t0 + 5 * 60_000)])
            clock.set(Self.t0 + 6 * 60_000)
            var written = 0
            for _ in 0..<20 where written == 0 {  // the client reconnects on its own schedule
                written = await pipeline.flush()
            }
            #expect(written == 4)
            #expect(spool.isEmpty)
            #expect(try await total(client) == (30, 6))
            // Replaying again changes nothing.
            await pipeline.flush()
            #expect(try await total(client) == (30, 6))
        }
        await server.stop()
    }
}
