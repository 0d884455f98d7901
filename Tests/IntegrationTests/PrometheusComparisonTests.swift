import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

@testable import Config
@testable import Core
@testable import DemoService
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService
@testable import SLOEngine
@testable import Storage

/// Our collector and a real Prometheus (Debian's `prometheus`, installed by `make test-tools`)
/// scrape the same demo service every second; over the same closed minute, our exact increases
/// and Prometheus' `increase()` agree to within one scrape interval's worth.
///
/// This is the one test that waits for the wall clock (until a whole minute has closed, 65–125 s):
/// the comparison is with a peer that scrapes in real time, so there is no clock to inject.
@Suite("Against a real Prometheus")
struct PrometheusComparisonTests {
    static let interval: Int64 = 1_000

    @Test(.timeLimit(.minutes(4)))
    func closedMinuteIncreasesAgreeWithPrometheus() async throws {
        let logger = TestDatabase.logger
        let demoPort = try #require(PortProbe.freePort())
        let promPort = try #require(PortProbe.freePort())

        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: logger)
            let demo = try DemoService.makeApplication(.init(port: demoPort, knobs: .init(errorRate: 0.1, latencyMs: 3)), logger: logger)
            let load = LoadGenerator(baseURL: "http://127.0.0.1:\(demoPort)", workers: 4, pause: .milliseconds(20), logger: logger)
            let pipeline = IngestPipeline(writer: RollupWriter(postgres: client, logger: logger), grace: 2_000, logger: logger)
            var checker = TargetChecker(
                config: DemoConfig.make(demoPort: demoPort), metrics: NOOPMetricsHandler.instance, pipeline: pipeline, logger: logger)
            checker.checks = [
                .init(
                    service: "demo", kind: "scrape", url: "http://127.0.0.1:\(demoPort)/metrics", interval: .init(milliseconds: Self.interval),
                    timeout: .init(milliseconds: 900), expectStatus: [], bodyContains: nil)
            ]
            let flusher = IngestFlusher(pipeline: pipeline, interval: .milliseconds(500))

            let yaml = """
                global: {scrape_interval: 1s, scrape_timeout: 900ms}
                scrape_configs:
                  - job_name: demo
                    static_configs: [{targets: ["127.0.0.1:\(demoPort)"]}]

                """
            try await Self.withPrometheus(yaml, port: promPort) { _ in
                let group = ServiceGroup(configuration: .init(services: [demo, load, checker, flusher], logger: logger))
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    defer { Task { await group.triggerGracefulShutdown() } }

                    // The first whole minute that starts after both scrapers have a baseline.
                    let start = WallClock.system() + 3_000
                    let minute = (start / 60_000 + 1) * 60_000
                    let closed = minute + 60_000 + 2_000 + 1_500  // end + our grace + a flush
                    try await Task.sleep(for: .milliseconds(closed - WallClock.system()))
                    await pipeline.flush()

                    let query = RollupQuery(postgres: client, logger: logger)
                    // Our increase is exact between our last scrapes at or before each end of the
                    // minute: how far that span is from the minute (a scrape late on a busy machine
                    // moves an edge) is ours to allow, as Prometheus' longest gap is its.
                    let span = try await Self.ourSpan(endingIn: minute, client: client)
                    let edges = abs(span - 60_000)
                    var compared = 0
                    for selector in [
                        #"claims_total{code="200"}"#, #"claims_total{code="500"}"#, "latency_ms_count", #"latency_ms_bucket{le="10.0"}"#,
                        #"latency_ms_bucket{le="+Inf"}"#, #"gov_checks_total{decision="PASS"}"#,
                    ] {
                        let ours = try #require(
                            try await query.increase(Selector(parsing: selector), from: minute, to: minute + 60_000), "\(selector)")
                        let theirs = try await Self.prometheusIncrease(selector, at: minute + 60_000, port: promPort)
                        // One scrape interval's worth at this minute's rate, and one count of slack;
                        // the interval as it really was (on a busy machine a scrape comes late, and
                        // Prometheus extrapolates over the longer gap).
                        let gap = max(Self.interval, try await Self.prometheusLongestGap(selector, at: minute + 60_000, port: promPort))
                        let allowed = max(ours, theirs) / 60 * Double(gap + edges) / 1000 + 1
                        #expect(abs(ours - theirs) <= allowed, "\(selector): ours \(ours), Prometheus \(theirs), allowed ±\(allowed)")
                        if ours > 0 { compared += 1 }
                        print(
                            "compared \(selector): ours \(ours), Prometheus \(theirs), allowed ±\(allowed) (longest gap \(gap) ms, our span \(span) ms)"
                        )
                    }
                    #expect(compared >= 4, "the demo's counters barely moved; nothing was really compared")
                    await group.triggerGracefulShutdown()
                }
            }
        }
    }

    /// Prometheus sends what it scrapes of itself to our `/api/v1/write` (snappy + protobuf, the
    /// real sender): the samples arrive with Prometheus' labels and become minute rows.
    @Test(.timeLimit(.minutes(2)))
    func prometheusRemoteWriteIsIngested() async throws {
        let logger = TestDatabase.logger
        let ourPort = try #require(PortProbe.freePort())
        let promPort = try #require(PortProbe.freePort())
        var config = DemoConfig.make(demoPort: 8000)
        config.listen.port = ourPort
        let clock = TestClock(WallClock.system())
        let pipeline = IngestPipeline(writer: nil, grace: 0, logger: logger, now: { clock.now })
        let registry = PrometheusCollectorRegistry()
        let app = buildApplication(config, dependencies: .init(pipeline: pipeline, registry: registry), logger: logger)
        let yaml = """
            global: {scrape_interval: 1s}
            scrape_configs:
              - job_name: prom
                static_configs: [{targets: ["127.0.0.1:\(promPort)"]}]
            remote_write:
              - url: http://127.0.0.1:\(ourPort)/api/v1/write
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}

            """
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do { try await group.run() } catch { Issue.record("the server stopped: \(error)") }
            }
            for _ in 0..<100 where PortProbe.isFree(host: "127.0.0.1", port: ourPort) { try await Task.sleep(for: .milliseconds(50)) }
            try await Self.withPrometheus(yaml, port: promPort) { prometheus in
                // Until a few scrapes' worth has arrived (samples, not minutes: nothing closes meanwhile).
                for _ in 0..<300 {
                    try await Task.sleep(for: .milliseconds(200))
                    let counts = pipeline.accumulator.withLock { $0.states }.filter { $0.key.metric == "prometheus_http_requests_total" }
                        .map { $0.value.cells.reduce(0) { $0 + $1.cell.count } }
                    if counts.reduce(0, +) >= 3 { break }
                }
                clock.set(WallClock.system() + 600_000)
                await pipeline.flush()
                let rows = await pipeline.pending
                let requests = rows.filter { $0.series.metric == "prometheus_http_requests_total" }
                #expect(!requests.isEmpty, "no remote-written samples arrived: \(prometheus.text)")
                #expect(requests.allSatisfy { $0.series.kind == .counter })
                #expect(requests.allSatisfy { $0.series.labels.contains(Label("job", "prom")) })
                #expect(rows.contains { $0.series.metric == "up" && $0.series.kind == .untyped && $0.last == 1 })
                let buckets = rows.filter { $0.series.metric == "prometheus_http_request_duration_seconds_bucket" }
                #expect(!buckets.isEmpty && buckets.allSatisfy { $0.series.kind == .histogramBucket })
                // Counted per source on our own /metrics.
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                    .first { $0.hasPrefix(#"hms_samples_ingested_total{source="remote_write"} "#) }
                #expect((line?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 0, "\(line ?? "no line")")
            }
            await group.triggerGracefulShutdown()
        }
    }

    /// Runs Debian's Prometheus with `yaml` on `port`, in a throwaway folder, around `body`.
    /// Runs Debian's Prometheus with `yaml` on `port` (its TSDB in `tsdb`, or a throwaway folder).
    static func withPrometheus<T: Sendable>(
        _ yaml: String, port: Int, tsdb: String? = nil, arguments: [String] = [], _ body: (Subprocess) async throws -> T
    ) async throws -> T {
        let binary = try #require(Subprocess.which("prometheus"), "Debian's prometheus is not installed: run `make test-tools`")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-prom-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try yaml.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try Subprocess(
            [
                "--config.file=\(folder)/prometheus.yml", "--storage.tsdb.path=\(tsdb ?? folder + "/tsdb")",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ] + arguments, executable: binary)
        defer {
            prometheus.signal(SIGTERM)
            prometheus.process.waitUntilExit()
        }
        return try await body(prometheus)
    }

    /// The longest time, in milliseconds, between Prometheus' samples of `selector` in the
    /// minute before `at`, counting the minute's edges.
    static func prometheusLongestGap(_ selector: String, at: Int64, port: Int) async throws -> Int64 {
        var longest: Int64 = 0
        for series in try await PrometheusAPI.result("query", "\(selector)[1m]", "time=\(Double(at) / 1000)", port: port) {
            let times = ((series["values"] as? [[Any]]) ?? []).compactMap { ($0.first as? Double).map { Int64($0 * 1000) } }
            let edges = [at - 60_000] + times + [at]
            for (earlier, later) in zip(edges, edges.dropFirst()) { longest = max(longest, later - earlier) }
        }
        return longest
    }

    /// Milliseconds between our last scrape of the demo in the minute before `minute` and our
    /// last one in `minute` (its stored `last_at`; every series of one scrape has the scrape's time).
    static func ourSpan(endingIn minute: Int64, client: PostgresClient) async throws -> Int64 {
        var ends: [Int64] = []
        for start in [minute - 60_000, minute] {
            let rows = try await client.query(
                """
                SELECT (extract(epoch FROM max(r.last_at)) * 1000)::bigint FROM rollup_1m r JOIN series s ON s.id = r.series_id
                WHERE s.metric = 'claims_total' AND r.bucket = to_timestamp(\(start) / 1000.0)
                """)
            for try await end in rows.decode(Int64?.self) { if let end { ends.append(end) } }
        }
        try #require(ends.count == 2, "no scrape of the demo stored in the minute before \(minute) or in it")
        return ends[1] - ends[0]
    }

    /// `increase(selector[1m])` evaluated at `at` (milliseconds): the minute before it; 0 when
    /// the window holds no samples.
    static func prometheusIncrease(_ selector: String, at: Int64, port: Int) async throws -> Double {
        try await PrometheusAPI.value("sum(increase(\(selector)[1m]))", at: Double(at) / 1000, port: port) ?? 0
    }
}
