import Logging
import PostgresNIO
import Testing

@testable import Core
@testable import Ingest
@testable import SLAService
@testable import Storage

/// Queries over real rollups agree with the minute-by-minute truth, whatever the range.
@Suite("Rollup queries")
struct RollupQueryTests {
    static let d0: Int64 = 1_790_812_800_000  // 2026-10-01T00:00Z
    static let minute: Int64 = 60_000
    static let minutes = 2 * 1440 + 200

    /// Two counters and a histogram sampled every minute for two days and a bit; returns the
    /// truth: per-minute increases of good and all claims.
    static func load(_ client: PostgresClient) async throws -> (good: [Int64: Double], all: [Int64: Double]) {
        var acc = MinuteAccumulator(grace: 0)
        var ok = 0.0, failed = 0.0, fast = 0.0
        var truthGood: [Int64: Double] = [:], truthAll: [Int64: Double] = [:]
        for m in 0..<minutes {
            let at = d0 + Int64(m) * minute + 7_000
            let okStep = Double(m % 7 + 3), failedStep = Double(m % 13 == 0 ? 2 : 0)
            if m > 0 {
                ok += okStep
                failed += failedStep
                fast += okStep - 1
                truthGood[d0 + Int64(m) * minute] = okStep
                truthAll[d0 + Int64(m) * minute] = okStep + failedStep
            }
            if m == 1500 { ok = okStep }  // a restart: the counter starts again
            let job = Label("job", "crop-relief")
            acc.observe(SeriesKey(metric: "claims_total", labels: [Label("code", "200"), job], kind: .counter), value: ok, at: at)
            acc.observe(SeriesKey(metric: "claims_total", labels: [Label("code", "503"), job], kind: .counter), value: failed, at: at)
            acc.observe(SeriesKey(metric: "latency_ms_bucket", labels: [Label("le", "250"), job], kind: .histogramBucket), value: fast, at: at)
            acc.observe(
                SeriesKey(metric: "latency_ms_bucket", labels: [Label("le", "+Inf"), job], kind: .histogramBucket), value: ok + failed, at: at)
        }
        let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
        let rows = acc.close(now: d0 + Int64(minutes + 1) * minute)
        for start in stride(from: 0, to: rows.count, by: 4000) { try await writer.write(Array(rows[start..<min(start + 4000, rows.count)])) }
        return (truthGood, truthAll)
    }

    static func sum(_ truth: [Int64: Double], _ from: Int64, _ to: Int64) -> Double {
        truth.filter { $0.key >= from && $0.key < to }.values.reduce(0, +)
    }

    @Test func increasesAndRatiosMatchTheMinuteTruthOverAnyRange() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let truth = try await Self.load(client)
            let query = RollupQuery(postgres: client, logger: TestDatabase.logger)
            let good = try Selector(parsing: #"claims_total{code!~"5.."}"#), all = try Selector(parsing: "claims_total")
            let ranges: [(Int64, Int64)] = [
                (0, Int64(Self.minutes)), (5, 47), (59, 61), (90, 1530), (1439, 2881), (1000, 3000), (17, 17 + 1440),
            ]
            for (a, b) in ranges {
                let from = Self.d0 + a * Self.minute, to = Self.d0 + b * Self.minute
                #expect(try await query.increase(good, from: from, to: to) == Self.sum(truth.good, from, to), "\(a)..<\(b)")
                #expect(try await query.increase(all, from: from, to: to) == Self.sum(truth.all, from, to), "\(a)..<\(b)")
            }
            let ratio = try #require(try await query.ratio(good, over: all, from: Self.d0, to: Self.d0 + 2 * 86_400_000))
            #expect(
                abs(ratio - Self.sum(truth.good, Self.d0, Self.d0 + 2 * 86_400_000) / Self.sum(truth.all, Self.d0, Self.d0 + 2 * 86_400_000)) < 1e-12)
            #expect(try await query.increase(Selector(parsing: #"claims_total{code="404"}"#), from: Self.d0, to: Self.d0 + 86_400_000) == nil)
        }
    }

    @Test func histogramBucketsAndQuantilesComeFromBucketIncreases() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            _ = try await Self.load(client)
            let query = RollupQuery(postgres: client, logger: TestDatabase.logger)
            let buckets = try await query.buckets(Selector(parsing: #"latency_ms{job="crop-relief"}"#), from: Self.d0, to: Self.d0 + 3_600_000)
            #expect(buckets.map(\.le) == [250, .infinity])
            let median = try await query.quantile(0.5, of: Selector(parsing: "latency_ms"), from: Self.d0, to: Self.d0 + 3_600_000)
            #expect(median.map { $0 > 0 && $0 <= 250 } == true)
            // A bound matches however it is written: clients write 250, 250.0 or 2.5e2.
            let stored = try await query.increase(Selector(parsing: #"latency_ms_bucket{le="250"}"#), from: Self.d0, to: Self.d0 + 3_600_000)
            #expect(stored != nil)
            for spelling in ["250.0", "2.5e2"] {
                let other = try await query.increase(
                    Selector(parsing: "latency_ms_bucket{le=\"\(spelling)\"}"), from: Self.d0, to: Self.d0 + 3_600_000)
                #expect(other == stored, "le=\(spelling)")
            }
        }
    }

    @Test func aBadRegularExpressionIsAnErrorInOurWords() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let query = RollupQuery(postgres: client, logger: TestDatabase.logger)
            await #expect(throws: StorageError.self) {
                _ = try await query.increase(Selector(parsing: #"x{a=~"(unclosed"}"#), from: 0, to: 60_000)
            }
        }
    }
}

@Suite("Gauge queries")
struct GaugeQueryTests {
    @Test func statisticsCoverMinutesHoursAndDays() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            var acc = MinuteAccumulator(grace: 0)
            let queue = SeriesKey(metric: "hitl_tasks_waiting", labels: [Label("job", "crop-relief")], kind: .gauge)
            // 26 hours, one sample a minute: 0, 1, ..., 9, 0, 1, ...
            let minutes = 26 * 60
            for m in 0..<minutes { acc.observe(queue, value: Double(m % 10), at: RollupQueryTests.d0 + Int64(m) * 60_000 + 1_000) }
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            let rows = acc.close(now: RollupQueryTests.d0 + Int64(minutes + 1) * 60_000)
            for start in stride(from: 0, to: rows.count, by: 4000) { try await writer.write(Array(rows[start..<min(start + 4000, rows.count)])) }
            let query = RollupQuery(postgres: client, logger: TestDatabase.logger)
            let stats = try #require(
                try await query.gauge(
                    Selector(parsing: "hitl_tasks_waiting"), from: RollupQueryTests.d0 + 30 * 60_000,
                    to: RollupQueryTests.d0 + Int64(minutes) * 60_000))
            #expect(stats.count == minutes - 30)
            #expect((stats.min, stats.max) == (0, 9))
            #expect(stats.last == Double((minutes - 1) % 10))
            let expectedMean = Double((30..<minutes).reduce(0) { $0 + $1 % 10 }) / Double(minutes - 30)
            #expect(abs(stats.mean - expectedMean) < 1e-9)
            #expect(try await query.gauge(Selector(parsing: "nothing_here"), from: RollupQueryTests.d0, to: RollupQueryTests.d0 + 60_000) == nil)
        }
    }
}
