import Logging
import PostgresNIO
import Testing

@testable import Config
@testable import Core
@testable import Ingest
@testable import SLAService
@testable import Storage

/// Rollups on a real PostgreSQL: minutes land once, hours and days are their sums, replays
/// change nothing, and a restart can resume counter baselines from what was stored.
@Suite("Rollup writer")
struct RollupWriterTests {
    static let claims = SeriesKey(metric: "claims_total", labels: [Label("code", "200"), Label("job", "crop-relief")], kind: .counter)
    static let waiting = SeriesKey(metric: "hitl_tasks_waiting", labels: [Label("job", "crop-relief")], kind: .gauge)
    /// 2026-10-01T23:58:00Z: the samples cross an hour and a day boundary.
    static let t0: Int64 = 1_790_899_080_000

    /// Two minutes before midnight and two after, one sample every 15 s.
    static func rows() -> [MinuteRow] {
        var acc = MinuteAccumulator(grace: 0)
        for step in 0..<16 {
            let at = t0 + Int64(step) * 15_000
            acc.observe(claims, value: Double(100 + step * 10), at: at)
            acc.observe(waiting, value: Double(step % 5), at: at)
        }
        return acc.close(now: t0 + 5 * 60_000)
    }

    /// A migrated database holding `rows()`, every hour and day folded.
    static func writeAndFold(_ client: PostgresClient) async throws {
        try await Migrator().migrate(client, logger: TestDatabase.logger)
        let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
        try await writer.write(rows())
        try await writer.foldDue(now: t0 + 86_400_000)
    }

    func total(_ client: PostgresClient, _ table: String, metric: String) async throws -> (Double, Int) {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT coalesce(sum(r.increase), 0)::float8, count(*)::int8 FROM \(table) r JOIN series s ON s.id = r.series_id
                    WHERE s.metric = $1
                    """,
                binds: {
                    var b = PostgresBindings(); b.append(metric); return b
                }()), logger: TestDatabase.logger)
        for try await (sum, count) in rows.decode((Double, Int64).self) { return (sum, Int(count)) }
        return (0, 0)
    }

    @Test func minutesHoursAndDaysAgreeAndReplaysChangeNothing() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            let rows = Self.rows()
            try await writer.write(rows)
            // Hours are folded once they end; until then queries read their minutes.
            let query = RollupQuery(postgres: client, logger: TestDatabase.logger)
            let all = try Selector(parsing: "claims_total")
            #expect(try await query.increase(all, from: Self.t0 - 86_400_000, to: Self.t0 + 86_400_000) == 150)
            #expect(try await total(client, "rollup_1h", metric: "claims_total") == (0, 0))
            #expect(try await writer.foldDue() == 2)  // 23:00 and its day have ended by the newest minute
            #expect(try await total(client, "rollup_1h", metric: "claims_total") == (70, 1))
            #expect(try await query.increase(all, from: Self.t0 - 86_400_000, to: Self.t0 + 86_400_000) == 150)
            #expect(try await writer.foldDue(now: Self.t0 + 2 * 86_400_000) == 2)  // and, long after, the rest
            #expect(try await query.increase(all, from: Self.t0 - 86_400_000, to: Self.t0 + 86_400_000) == 150)
            // 15 increases of 10 after the baseline sample: 150 events.
            #expect(try await total(client, "rollup_1m", metric: "claims_total") == (150, 4))
            #expect(try await total(client, "rollup_1h", metric: "claims_total") == (150, 2))
            #expect(try await total(client, "rollup_1d", metric: "claims_total") == (150, 2))
            try await writer.write(rows)
            try await writer.write(rows.reversed())
            #expect(try await total(client, "rollup_1m", metric: "claims_total") == (150, 4))
            #expect(try await total(client, "rollup_1d", metric: "claims_total") == (150, 2))
            // A fresh writer (a restarted process) finds the same series instead of adding new ones.
            try await RollupWriter(postgres: client, logger: TestDatabase.logger).write(rows)
            let count = try await client.query("SELECT count(*)::int8 FROM series", logger: TestDatabase.logger)
            for try await n in count.decode(Int64.self) { #expect(n == 2) }
        }
    }

    /// The collector's minutes are blocks of 256 series; imported minutes are rows. Whatever
    /// order they come in, a (series, minute) is stored once, the collector's winning, and a
    /// block written in parts keeps every part.
    @Test func blocksAndImportedRowsNeverCountAMinuteTwice() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            let rows = Self.rows()
            let claims = rows.filter { $0.series == Self.claims }
            let imported = claims.map { row in
                var copy = row
                copy.increase = 1_000
                return copy
            }
            // An import first, then the collector's rows for the same minutes: the collector's win.
            try await writer.write(Array(imported.prefix(2)), mode: .backfill(now: Self.t0))
            #expect(try await total(client, "rollup_1m", metric: "claims_total") == (2_000, 2))
            try await writer.write(claims)
            #expect(try await total(client, "rollup_1m", metric: "claims_total") == (150, 4))
            // An import after the collector's rows: skipped where a block holds the minute.
            try await writer.write(imported, mode: .backfill(now: Self.t0))
            #expect(try await total(client, "rollup_1m", metric: "claims_total") == (150, 4))
            // The gauge's rows written on their own, into the same blocks: both series kept.
            try await writer.write(rows.filter { $0.series == Self.waiting })
            #expect(try await total(client, "rollup_1m", metric: "claims_total") == (150, 4))
            #expect(try await total(client, "rollup_1m", metric: "hitl_tasks_waiting") == (0, 4))
            let stored = try await client.query("SELECT count(*)::int8 FROM minute_block", logger: TestDatabase.logger)
            for try await n in stored.decode(Int64.self) { #expect(n == 4, "one block per minute for both series") }
            // Read back through the query layer, and the gauge's statistics through `minute_rows`.
            let query = RollupQuery(postgres: client, logger: TestDatabase.logger)
            #expect(try await query.increase(Selector(parsing: "claims_total"), from: Self.t0, to: Self.t0 + 240_000) == 150)
            let stats = try await query.gauge(Selector(parsing: "hitl_tasks_waiting"), from: Self.t0, to: Self.t0 + 240_000)
            #expect(stats == .init(min: 0, max: 4, mean: 1.875, count: 16, last: 0))
        }
    }

    /// Hours are folded from their blocks in Swift: the same rows, to the bit, as the SQL
    /// aggregate over `rollup_1m` gives, for series spread over several groups, minutes with and
    /// without increases, and series that come and go within the hour.
    @Test func hoursFoldedFromBlocksEqualTheSQLFoldOfTheirMinutes() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            let hour = RangePlan.floor(Self.t0, 3_600_000)
            var generator = SystemRandomNumberGenerator()
            var rows: [MinuteRow] = []
            for index in 0..<600 {
                let kind: SeriesKind = index % 3 == 0 ? .gauge : (index % 3 == 1 ? .counter : .untyped)
                let series = SeriesKey(metric: "m\(index % 7)", labels: [Label("i", "\(index)")], kind: kind)
                for minute in 0..<60 where (index + minute) % 11 != 0 {
                    let value = Double.random(in: -1e6...1e6, using: &generator)
                    let start = hour + Int64(minute) * 60_000
                    rows.append(
                        .init(
                            series: series, minute: start, increase: kind == .gauge || minute % 5 == 0 ? nil : abs(value) / 3,
                            min: kind == .counter ? nil : value - 1, max: kind == .counter ? nil : value + 1, sum: kind == .counter ? nil : value * 3,
                            count: Int.random(in: 1...4), last: value, lastTimestamp: start + Int64.random(in: 0..<60_000)))
                }
            }
            try await writer.write(rows)
            #expect(try await writer.foldDue(now: hour + 2 * 3_600_000) >= 1)
            let compare = try await client.query(
                """
                WITH expected AS (
                    SELECT r.series_id, \(unescaped: RollupWriter.foldColumns) FROM rollup_1m r
                    WHERE r.bucket >= to_timestamp(\(hour) / 1000.0) AND r.bucket < to_timestamp(\(hour + 3_600_000) / 1000.0)
                    GROUP BY r.series_id),
                     folded AS (SELECT series_id, increase, min, max, sum, count, last, last_at FROM rollup_1h
                                WHERE bucket = to_timestamp(\(hour) / 1000.0))
                SELECT (SELECT count(*) FROM expected)::int8, (SELECT count(*) FROM folded)::int8,
                       (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM folded) AS d)::int8
                """, logger: TestDatabase.logger)
            for try await (expected, folded, differing) in compare.decode((Int64, Int64, Int64).self) {
                #expect(expected == 600 && folded == 600 && differing == 0, "\(expected) expected, \(folded) folded, \(differing) differ")
            }
        }
    }

    @Test func gaugeStatisticsFoldIntoHours() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Self.writeAndFold(client)
            let rows = try await client.query(
                """
                SELECT min(r.min)::float8, max(r.max)::float8, sum(r.count)::int8 FROM rollup_1h r JOIN series s ON s.id = r.series_id
                WHERE s.metric = 'hitl_tasks_waiting'
                """, logger: TestDatabase.logger)
            for try await (low, high, samples) in rows.decode((Double, Double, Int64).self) {
                #expect((low, high, samples) == (0, 4, 16))
            }
        }
    }

    @Test func storedValuesSeedBaselinesAfterARestart() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            try await writer.write(Self.rows())
            let latest = try await writer.latestValues(since: Self.t0 - 3_600_000)
            #expect(latest.count == 1)  // the counter; gauges need no baseline
            let (series, value, at) = try #require(latest.first)
            #expect(series == Self.claims)
            #expect(value == 250 && at == Self.t0 + 15 * 15_000)
            var acc = MinuteAccumulator(grace: 0)
            acc.seed(series, value: value, at: at)
            acc.observe(series, value: 262, at: at + 60_000)
            #expect(acc.close(now: at + 180_000).compactMap(\.increase) == [12])
        }
    }

    /// Later minutes without the counter (its target was down; only the gauge came): the
    /// baseline is still the counter's newest value, through this writer and a fresh one.
    @Test func aBaselineOutlivesMinutesWithoutItsSeries() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            try await writer.write(Self.rows())
            let end = Self.t0 + 4 * 60_000
            let gaugeOnly = (0..<3).map { step in
                MinuteRow(
                    series: Self.waiting, minute: end + Int64(step) * 60_000, increase: nil, min: 1, max: 1, sum: 1, count: 1, last: 1,
                    lastTimestamp: end + Int64(step) * 60_000)
            }
            try await writer.write([gaugeOnly[0]])
            // Restarted, and another minute without the counter written by the restarted writer.
            let restarted = RollupWriter(postgres: client, logger: TestDatabase.logger)
            #expect(try await restarted.latestValues(since: Self.t0 - 3_600_000).map(\.1) == [250])
            try await restarted.write(Array(gaugeOnly.dropFirst()))
            let again = try await RollupWriter(postgres: client, logger: TestDatabase.logger).latestValues(since: Self.t0 - 3_600_000)
            #expect(again.map(\.1) == [250] && again.map(\.2) == [Self.t0 + 15 * 15_000])
        }
    }

    @Test func hostileLabelValuesAreStoredAsTheyAre() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let nasty = SeriesKey(metric: "x", labels: [Label("v", "'); DROP TABLE series; --\"\\\n{}")], kind: .gauge)
            var acc = MinuteAccumulator(grace: 0)
            acc.observe(nasty, value: 1, at: Self.t0)
            try await RollupWriter(postgres: client, logger: TestDatabase.logger).write(acc.close(now: Self.t0 + 120_000))
            let rows = try await client.query("SELECT labels->>'v' FROM series", logger: TestDatabase.logger)
            for try await value in rows.decode(String.self) { #expect(value == "'); DROP TABLE series; --\"\\\n{}") }
        }
    }
}

@Suite("Retention")
struct RetentionTests {
    @Test func rowsOlderThanEachLevelsRetentionGo() async throws {
        try await TestDatabase.withClient { client, _ in
            try await RollupWriterTests.writeAndFold(client)
            var retention = HMSConfig.Retention()
            retention.minute = .days(1)
            let service = RetentionService(postgres: client, retention: retention, logger: TestDatabase.logger)
            // Two days later minutes are past their retention; hours and days are not.
            let deleted = try await service.prune(now: RollupWriterTests.t0 + 2 * 86_400_000)
            #expect(deleted == ["rollup_1m": 8, "rollup_1h": 0, "rollup_1d": 0, "slo_status": 0, "slo_hour_tally": 0, "cost_usage": 0])
            let left = try await client.query("SELECT count(*)::int8 FROM rollup_1h", logger: TestDatabase.logger)
            for try await n in left.decode(Int64.self) { #expect(n == 4) }
        }
    }

    @Test func storedSLOEvaluationsThinOutLikeTheRollups() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let t0 = RollupWriterTests.t0 / 86_400_000 * 86_400_000  // a UTC midnight
            let hour: Int64 = 3_600_000
            // Midnight, half past, one o'clock, and a recent half hour.
            let times = [t0, t0 + hour / 2, t0 + hour, t0 + 36 * hour + hour / 2]
            for at in times {
                try await client.query(
                    "INSERT INTO slo_status (service, slo, at, status) VALUES ('s', 'o', to_timestamp(\(at) / 1000.0), '{}')",
                    logger: TestDatabase.logger)
            }
            var retention = HMSConfig.Retention()
            retention.minute = .days(1)
            retention.hour = .hours(45)
            retention.day = .days(5)
            let deleted = try await RetentionService(postgres: client, retention: retention, logger: TestDatabase.logger).prune(now: t0 + 48 * hour)
            #expect(deleted["slo_status"] == 2)
            let rows = try await client.query("SELECT (extract(epoch FROM at) * 1000)::int8 FROM slo_status ORDER BY at", logger: TestDatabase.logger)
            var left: [Int64] = []
            for try await at in rows.decode(Int64.self) { left.append(at) }
            // Past the minute retention only whole hours stay; past the hour retention only midnights.
            #expect(left == [t0, t0 + 36 * hour + hour / 2])
        }
    }
}
