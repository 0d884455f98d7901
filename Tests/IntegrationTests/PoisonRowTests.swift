import CoreMetrics
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Prometheus
import Testing

@testable import Config
@testable import Core
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService
@testable import Storage

/// No row can stop ingest: what the database refuses for its content is found, quarantined with
/// its reason, and everything around it is written; series that differ only in kind are one
/// stored series; a spool record that cannot be read back is moved aside. Each of these once
/// stopped every write for good (issue 17).
@Suite("Poison rows")
struct PoisonRowTests {
    /// 2026-10-01T12:00:00Z.
    static let t0: Int64 = 1_790_856_000_000

    static func row(_ series: SeriesKey, minute: Int64, value: Double) -> MinuteRow {
        .init(
            series: series, minute: t0 + minute * 60_000, increase: value, min: nil, max: nil, sum: nil, count: 1, last: value,
            lastTimestamp: t0 + minute * 60_000 + 1_000)
    }

    static func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(sql, logger: TestDatabase.logger).decode(Int64.self) { return Int(value) }
        return 0
    }

    /// A label storage refuses (U+0000, which `jsonb` and `text` cannot hold), slipped past every
    /// entry's check: its row goes to `quarantine` with the reason; the 99 rows beside it land.
    @Test func aRowTheDatabaseRefusesIsQuarantinedAndTheRestWritten() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            let poison = SeriesKey(metric: "c", labels: [Label("v", "a\u{0}b")], kind: .counter)
            var rows = (0..<99).map { Self.row(SeriesKey(metric: "ok_total", labels: [Label("n", "\($0)")], kind: .counter), minute: 0, value: 1) }
            rows.insert(Self.row(poison, minute: 0, value: 5), at: 42)
            await #expect(throws: (any Error).self) { try await writer.write(rows) }  // as it was: the whole batch failed
            #expect(try await writer.writeIsolating(rows) == 1)
            #expect(try await Self.count(client, "SELECT count(*) FROM rollup_1m WHERE increase = 1") == 99)
            let stored = try await client.query("SELECT reason, series, increase FROM quarantine", logger: TestDatabase.logger)
            var found: [(String, String, Double?)] = []
            for try await row in stored.decode((String, String, Double?).self) { found.append(row) }
            #expect(found.count == 1)
            #expect(found.first?.0.hasPrefix("22") == true, "a data exception: \(found.first?.0 ?? "")")
            #expect(found.first?.1 == #"c{v="a\u{0}b"}"#)
            #expect(found.first?.2 == 5)
        }
    }

    /// A pushed gauge and a remote-written untyped series of one name and labels, in one minute:
    /// one stored series (the upsert once named its hash twice and failed every time after).
    @Test func seriesThatDifferOnlyInKindAreOneStoredSeries() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let clock = TestClock(Self.t0)
            let pipeline = IngestPipeline(
                writer: RollupWriter(postgres: client, logger: TestDatabase.logger), grace: 0, logger: TestDatabase.logger, now: { clock.now })
            let labels = [Label("job", "j")]
            await pipeline.ingest([
                .init(series: SeriesKey(metric: "queue", labels: labels, kind: .gauge), value: 3, at: Self.t0 + 1_000),
                .init(series: SeriesKey(metric: "queue", labels: labels, kind: .untyped), value: 4, at: Self.t0 + 2_000),
            ])
            clock.set(Self.t0 + 60_000)
            #expect(await pipeline.flush() == 2)
            #expect(try await Self.count(client, "SELECT count(*) FROM series WHERE metric = 'queue'") == 1)
            #expect(try await Self.count(client, "SELECT count(*) FROM rollup_1m") == 1)
            await pipeline.ingest([.init(series: SeriesKey(metric: "queue", labels: labels, kind: .untyped), value: 5, at: Self.t0 + 61_000)])
            clock.set(Self.t0 + 120_000)
            #expect(await pipeline.flush() == 1, "the next minute is written too")
            #expect(pipeline.health().lagSeconds == 0)
        }
    }

    /// A spool holding a record that cannot be decoded and a batch with +Inf, NaN-free rows: the
    /// bad record is moved beside the spool, the rest replayed exactly, the spool emptied, and
    /// what came after is written: nothing in the spool holds back newer minutes.
    @Test func aSpoolRecordThatCannotBeReadIsMovedAsideAndTheRestReplayed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-poison-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let spool = Spool(path: folder + "/rollups.spool")
            let gauge = SeriesKey(metric: "temperature", labels: [], kind: .gauge)
            let inf = MinuteRow(
                series: gauge, minute: Self.t0, increase: nil, min: 1, max: .infinity, sum: .infinity, count: 2, last: .infinity,
                lastTimestamp: Self.t0 + 2_000)
            try spool.append(Array("not rows".utf8))
            try spool.append(try SpoolPayload.encode([inf]))
            let clock = TestClock(Self.t0 + 60_000)
            let pipeline = IngestPipeline(
                writer: RollupWriter(postgres: client, logger: TestDatabase.logger), spool: spool, grace: 0, logger: TestDatabase.logger,
                now: { clock.now })
            await pipeline.ingest([.init(series: gauge, value: 7, at: Self.t0 + 61_000)])
            clock.set(Self.t0 + 120_000)
            #expect(await pipeline.flush() == 2)
            #expect(spool.isEmpty)
            #expect(try Spool(path: spool.path + ".undecodable").read().records == [Array("not rows".utf8)])
            let rows = try await client.query("SELECT max, last FROM rollup_1m ORDER BY bucket", logger: TestDatabase.logger)
            var found: [(Double?, Double)] = []
            for try await row in rows.decode((Double?, Double).self) { found.append(row) }
            #expect(found.count == 2)
            #expect(found.first?.0 == .infinity && found.first?.1 == .infinity)
            #expect(found.last?.1 == 7)
        }
    }

    /// `health()` says how far ingest is behind from the injected clock: nothing waiting is no
    /// lag; minutes waiting while writes fail is lag, and past three minutes, behind.
    @Test func ingestLagGrowsWhileMinutesWaitAndIsBehindPastThreeMinutes() async throws {
        let clock = TestClock(Self.t0)
        let pipeline = IngestPipeline(writer: nil, grace: 0, logger: TestDatabase.logger, now: { clock.now })
        #expect(pipeline.health() == .init(lagSeconds: 0, spoolBytes: 0))
        await pipeline.ingest([.init(series: SeriesKey(metric: "g", labels: [], kind: .gauge), value: 1, at: Self.t0 + 1_000)])
        clock.set(Self.t0 + 90_000)
        #expect(pipeline.health().lagSeconds == 90)
        #expect(!pipeline.health().isBehind)
        await pipeline.flush()  // no writer: the rows wait in memory
        clock.set(Self.t0 + 181_000)
        #expect(pipeline.health().lagSeconds == 181)
        #expect(pipeline.health().isBehind)
    }

    /// `/healthz` says `degraded` and `/metrics` the lag once ingest is three minutes behind.
    @Test func healthAndMetricsShowIngestBehind() async throws {
        let clock = TestClock(Self.t0)
        let registry = PrometheusCollectorRegistry()
        let pipeline = IngestPipeline(
            writer: nil, grace: 0, metrics: PrometheusMetricsFactory(registry: registry), logger: TestDatabase.logger, now: { clock.now })
        let app = buildApplication(
            DemoConfig.make(demoPort: 8000), dependencies: .init(pipeline: pipeline, registry: registry), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            try await http.execute(uri: "/healthz", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#""status":"ok""#) && body.contains(#""ingest":{"lag_seconds":0,"status":"ok"}"#), "\(body)")
            }
            await pipeline.ingest([.init(series: SeriesKey(metric: "g", labels: [], kind: .gauge), value: 1, at: Self.t0 + 1_000)])
            clock.set(Self.t0 + 200_000)
            try await http.execute(uri: "/healthz", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#""status":"degraded""#) && body.contains(#""ingest":{"lag_seconds":200,"status":"behind"}"#), "\(body)")
            }
            try await http.execute(uri: "/metrics", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("hms_ingest_lag_seconds 200"), "\(body)")
                #expect(body.contains("hms_spool_bytes 0"))
            }
        }
    }
}
