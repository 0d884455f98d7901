import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import Core
@testable import Exposition
@testable import Ingest
@testable import SLAService
@testable import Storage

/// Scrape → parse → minutes → PostgreSQL, with an injected clock: no test waits for time.
@Suite("Ingest pipeline")
struct IngestPipelineTests {
    /// 2026-10-01T12:00:00Z.
    static let t0: Int64 = 1_790_856_000_000

    static func exposition(claims: Int) -> Exposition {
        let text = """
            # TYPE claims_total counter
            claims_total{code="200"} \(claims)
            # TYPE latency_ms histogram
            latency_ms_bucket{le="250.0"} \(claims / 2)
            latency_ms_bucket{le="+Inf"} \(claims)
            latency_ms_sum \(claims * 100)
            latency_ms_count \(claims)

            """
        return ExpositionParser.parse(Array(text.utf8), format: .prometheusText)
    }

    func increase(_ client: PostgresClient, metric: String, le: String? = nil) async throws -> Double {
        let rows = try await client.query(
            """
            SELECT coalesce(sum(r.increase), 0)::float8 FROM rollup_1m r JOIN series s ON s.id = r.series_id
            WHERE s.metric = \(metric) AND (\(le ?? "")::text = '' OR s.labels->>'le' = \(le ?? ""))
            """, logger: TestDatabase.logger)
        for try await value in rows.decode(Double.self) { return value }
        return 0
    }

    @Test func scrapedCountersBecomeMinuteIncreasesInPostgres() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let clock = TestClock(Self.t0)
            let pipeline = IngestPipeline(
                writer: RollupWriter(postgres: client, logger: TestDatabase.logger), grace: 0, logger: TestDatabase.logger,
                now: { clock.now })
            let target = [Label("instance", "127.0.0.1:8000"), Label("job", "crop-relief")]
            for (minute, claims) in [(0, 100), (1, 160), (2, 100 + 160)] {  // one scrape a minute
                let at = Self.t0 + Int64(minute) * 60_000 + 5_000
                await pipeline.ingest(SampleMapper.observations(Self.exposition(claims: claims), targetLabels: target, scrapedAt: at))
            }
            clock.set(Self.t0 + 3 * 60_000)
            #expect(await pipeline.flush() > 0)
            #expect(try await increase(client, metric: "claims_total") == 160)
            #expect(try await increase(client, metric: "latency_ms_bucket", le: "250") == 80)
            #expect(try await increase(client, metric: "latency_ms_count") == 160)
        }
    }

    /// Minutes go from the accumulator's cells straight to blocks, and a series' id, once found,
    /// is kept by its slot; a minute of an hour the writer already counts as complete (an import
    /// wrote past it) goes as rows instead, which folds its hour at once.
    @Test func minutesGoStraightToBlocksOrAsRowsWhenTheirHourIsComplete() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter.forService(postgres: client, logger: TestDatabase.logger)
            let clock = TestClock(Self.t0)
            let pipeline = IngestPipeline(writer: writer, grace: 0, logger: TestDatabase.logger, now: { clock.now })
            let target = [Label("instance", "127.0.0.1:8000"), Label("job", "crop-relief")]
            for (minute, claims) in [(0, 100), (1, 130), (2, 190)] {
                await pipeline.ingest(
                    SampleMapper.observations(
                        Self.exposition(claims: claims), targetLabels: target, scrapedAt: Self.t0 + Int64(minute) * 60_000 + 5_000))
                clock.set(Self.t0 + Int64(minute + 1) * 60_000)
                #expect(await pipeline.flush() == 5)
            }
            #expect(pipeline.accumulator.withLock { $0.storedIDs.filter { $0 > 0 }.count } == 5)
            #expect(try await increase(client, metric: "claims_total") == 90)
            // An import writes two days ahead: the hour and day of the next minute are complete.
            let ahead = Self.t0 + 2 * 86_400_000
            try await writer.write(
                [.init(series: SeriesKey(metric: "other_total", labels: [], kind: .counter), minute: ahead, count: 1, last: 1, lastTimestamp: ahead)],
                mode: .backfill(now: ahead))
            // An SLO's tally of that hour, made before the late minute came, must be made again.
            try await client.query(
                "INSERT INTO slo_hour_tally VALUES ('an-slo', to_timestamp(\(Self.t0) / 1000.0), 1, 1, 1, 1, 1)", logger: TestDatabase.logger)
            await pipeline.ingest(
                SampleMapper.observations(Self.exposition(claims: 200), targetLabels: target, scrapedAt: Self.t0 + 3 * 60_000 + 5_000))
            clock.set(Self.t0 + 4 * 60_000)
            #expect(await pipeline.flush() == 5)
            #expect(try await increase(client, metric: "claims_total") == 100)
            for table in ["rollup_1h", "rollup_1d"] {
                let folded = try await client.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT coalesce(sum(r.increase), 0)::float8 FROM \(table) r JOIN series s ON s.id = r.series_id
                            WHERE s.metric = 'claims_total'
                            """), logger: TestDatabase.logger)
                for try await value in folded.decode(Double.self) { #expect(value == 100, "\(table)") }
            }
            for try await tallies in try await client.query("SELECT count(*) FROM slo_hour_tally", logger: TestDatabase.logger).decode(Int.self) {
                #expect(tallies == 0)
            }
        }
    }

    @Test func rowsWaitWhileTheDatabaseCannotTakeThemThenGoOut() async throws {
        try await TestDatabase.withClient { client, _ in
            // No migrations yet: every write fails, as when the database is away.
            let clock = TestClock(Self.t0)
            let pipeline = IngestPipeline(
                writer: RollupWriter(postgres: client, logger: TestDatabase.logger), grace: 0, logger: TestDatabase.logger,
                now: { clock.now })
            let target = [Label("job", "crop-relief")]
            await pipeline.ingest(SampleMapper.observations(Self.exposition(claims: 10), targetLabels: target, scrapedAt: Self.t0))
            await pipeline.ingest(SampleMapper.observations(Self.exposition(claims: 25), targetLabels: target, scrapedAt: Self.t0 + 60_000))
            clock.set(Self.t0 + 2 * 60_000)
            #expect(await pipeline.flush() == 0)
            #expect(await pipeline.pending.count > 0)
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            #expect(await pipeline.flush() > 0)
            #expect(await pipeline.pending.isEmpty)
            #expect(try await increase(client, metric: "claims_total") == 15)
        }
    }

    @Test func aScrapeRacingTheStartStillCountsFromTheStoredBaseline() async throws {
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let clock = TestClock(Self.t0)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            let target = [Label("job", "crop-relief")]
            let first = IngestPipeline(writer: writer, grace: 0, logger: TestDatabase.logger, now: { clock.now })
            for (minute, claims) in [(0, 100), (1, 140)] {
                await first.ingest(
                    SampleMapper.observations(Self.exposition(claims: claims), targetLabels: target, scrapedAt: Self.t0 + Int64(minute) * 60_000))
            }
            clock.set(Self.t0 + 2 * 60_000)
            await first.flush()
            // A new collector whose first scrape arrives before anything asked it to resume.
            let second = IngestPipeline(writer: writer, grace: 0, logger: TestDatabase.logger, now: { clock.now })
            await second.ingest(SampleMapper.observations(Self.exposition(claims: 190), targetLabels: target, scrapedAt: Self.t0 + 5 * 60_000))
            clock.set(Self.t0 + 6 * 60_000)
            await second.flush()
            #expect(try await increase(client, metric: "claims_total") == 90)
        }
    }

    @Test func honorLabelsDecidesWhoseJobWins() {
        let parsed = ExpositionParser.parse(Array("m{job=\"inner\"} 1\n".utf8), format: .prometheusText)
        let target = [Label("job", "outer")]
        let kept = SampleMapper.observations(parsed, targetLabels: target, scrapedAt: 0)[0].series.labels
        #expect(kept == [Label("exported_job", "inner"), Label("job", "outer")])
        let honored = SampleMapper.observations(parsed, targetLabels: target, scrapedAt: 0, honorLabels: true)[0].series.labels
        #expect(honored == [Label("job", "inner")])
    }

    @Test func theSeriesCacheNeverChangesWhatIsMapped() {
        let target = [Label("instance", "a:1"), Label("job", "j")]
        let first = """
            # TYPE c counter
            c_total{code="200"} 1
            c_total{code="500"} 2
            # TYPE h histogram
            h_bucket{le="1.0"} 1
            h_bucket{le="+Inf"} 2
            h_sum 3
            h_count 2
            # TYPE g gauge
            g{job="inner"} 5

            """
        // Inserted and removed series, a changed label value, a family whose type changed.
        let second = """
            # TYPE c counter
            c_total{code="200"} 2
            c_total{code="404"} 1
            c_total{code="500"} 3
            # TYPE h gauge
            h_bucket{le="1.0"} 1
            h_bucket{le="+Inf"} 2
            # TYPE g gauge
            g{job="outer"} 6

            """
        var cache = SampleMapper.SeriesCache()
        for (index, text) in [first, second, first, first].enumerated() {
            let parsed = ExpositionParser.parse(Array(text.utf8), format: .prometheusText)
            let cached = SampleMapper.observations(parsed, targetLabels: target, scrapedAt: 7, cache: &cache)
            let fresh = SampleMapper.observations(parsed, targetLabels: target, scrapedAt: 7)
            #expect(cached == fresh, "scrape \(index)")
            #expect(cached.map { $0.series.hashValue } == fresh.map { $0.series.hashValue })
        }
    }

    @Test func bucketBoundsAreWrittenOneWay() {
        #expect(["250", "250.0", "2.5e2", "+Inf", "0.1"].map(FamilyValidator.canonicalBound) == ["250", "250", "250", "+Inf", "0.1"])
    }
}

extension IngestPipelineTests {
    @Test func absurdTimestampsAreDroppedNotTrapped() {
        let text = "# TYPE a gauge\na{s=\"1\"} 1 12345678901234567890.5\na{s=\"2\"} 2 1700000000\n# EOF\n"
        let parsed = ExpositionParser.parse(Array(text.utf8), format: .openMetrics)
        #expect(parsed.errors.isEmpty)
        let observations = SampleMapper.observations(parsed, targetLabels: [], scrapedAt: 0)
        #expect(observations.map(\.at) == [1_700_000_000_000])
    }
}
