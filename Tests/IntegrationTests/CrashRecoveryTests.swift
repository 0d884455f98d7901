import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@testable import Config
@testable import Core
@testable import SLAService
@testable import SLOEngine

/// `kill -9` of the real `hms-ops serve`, again and again, at random moments, while it scrapes a
/// target whose counter steps on every scrape. The clock is warped (`HMS_OPS_TEST_CLOCK`, 60×)
/// so a minute passes every second: nobody waits for real minutes.
@Suite("kill -9 of the collector")
struct CrashRecoveryTests {
    /// What the target served, in order: the counter and the gauge (the scrape's number); and
    /// whoever waits for a scrape (`scraped(atLeast:)`) is woken by it.
    final class Served: Sendable {
        struct State {
            var values: [Double] = []
            var waiting: [(count: Int, wake: CheckedContinuation<Void, Never>)] = []
        }
        let state = Mutex(State())
        var values: [Double] { state.withLock { $0.values } }

        func next() -> (counter: Double, gauge: Int) {
            state.withLock { state in
                state.values.append((state.values.last ?? 1_000) + Double(Int.random(in: 1...9)))
                let count = state.values.count
                for waiter in state.waiting where waiter.count <= count { waiter.wake.resume() }
                state.waiting.removeAll { $0.count <= count }
                return (state.values.last!, count)
            }
        }

        /// Returns once the target has served `count` scrapes in all.
        func scraped(atLeast count: Int) async {
            await withCheckedContinuation { wake in
                state.withLock { state in
                    if state.values.count >= count { wake.resume() } else { state.waiting.append((count, wake)) }
                }
            }
        }
    }

    /// 2026-10-01T11:50:00Z.
    static let elevenFifty: Int64 = 1_790_855_400_000

    @Test(.timeLimit(.minutes(3)))
    func killedCollectorsLoseNoCounterIncreaseAndDoubleCountNothing() async throws {
        let logger = TestDatabase.logger
        let url = try await TestDatabase.fresh("crash")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let targetPort = try #require(PortProbe.freePort())
        let serverPort = try #require(PortProbe.freePort())

        let served = Served()
        let router = Router()
        router.get("metrics") { _, _ in
            let (counter, gauge) = served.next()
            return "# TYPE jobs_total counter\njobs_total \(counter)\n# TYPE queue_depth gauge\nqueue_depth \(gauge)\n"
        }
        let target = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: targetPort)), logger: logger)
        let config = """
            database_url: "\(url.fullText)"
            data_dir: \(folder)/data
            listen: {host: 127.0.0.1, port: \(serverPort)}
            scrape_interval: 1s
            scrape_timeout: 900ms
            services:
              - id: batch
                name: Batch
                targets: ["http://127.0.0.1:\(targetPort)/metrics"]

            """
        try config.write(toFile: folder + "/hms-ops.yaml", atomically: true, encoding: .utf8)
        // 60× faster: a minute, and one scrape, every real second; from 11:50 so an hour ends.
        let clock = "\(WallClock.system()):\(Self.elevenFifty):60"

        let kills = 5
        let group = ServiceGroup(configuration: .init(services: [target], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { Task { await group.triggerGracefulShutdown() } }
            for round in 0...kills {
                let server = try Subprocess(["serve", "--config", folder + "/hms-ops.yaml"], environment: ["HMS_OPS_TEST_CLOCK": clock])
                #expect(try await server.waitFor("Dashboard running at"), "round \(round): \(server.text)")
                // Anywhere in a minute, and across closes and flushes: while the 3rd to 9th scrape of
                // this round is answered (each a minute of the warped clock), not after a set time.
                let goal = served.values.count + Int.random(in: 3...9)
                try await withDeadline(.seconds(60)) { await served.scraped(atLeast: goal) }
                if round < kills {
                    server.signal(SIGKILL)
                } else {
                    server.signal(SIGTERM)
                }
                _ = try await server.waitForExit(seconds: 30)
            }
            await group.triggerGracefulShutdown()
        }

        let values = served.values
        try await TestDatabase.withClient(url) { client in
            let rows = try await client.query(
                """
                SELECT coalesce(sum(r.increase), 0)::float8, count(*)::int8,
                       (array_agg(r.last ORDER BY r.last_at DESC))[1]::float8,
                       (array_agg(r.last - coalesce(r.increase, 0) ORDER BY r.bucket))[1]::float8
                FROM rollup_1m r JOIN series s ON s.id = r.series_id WHERE s.metric = 'jobs_total'
                """, logger: logger)
            var found = false
            for try await (total, minutes, last, baseline) in rows.decode((Double, Int64, Double, Double).self) {
                found = true
                // From the first stored baseline (a collector killed before it wrote anything leaves
                // none) to the last stored sample, every increase is there, once: the increase of the
                // minutes a killed collector had open lands in the first minute after its restart.
                #expect(total == last - baseline, "stored \(total) over \(minutes) minutes; truth \(last - baseline)")
                #expect(minutes >= 5, "too few minutes closed to say anything")
                #expect(values.contains(last) && values.contains(baseline))
            }
            #expect(found)
            // The hour that ended was folded once it had, from every minute written in it.
            let hour = try await client.query(
                """
                SELECT (SELECT sum(r.increase) FROM rollup_1m r JOIN series s ON s.id = r.series_id
                        WHERE s.metric = 'jobs_total' AND r.bucket >= to_timestamp(\(Self.elevenFifty) / 1000.0) - interval '50 minutes'
                          AND r.bucket < to_timestamp(\(Self.elevenFifty) / 1000.0) + interval '10 minutes')::float8,
                       (SELECT sum(r.increase) FROM rollup_1h r JOIN series s ON s.id = r.series_id
                        WHERE s.metric = 'jobs_total' AND r.bucket = to_timestamp(\(Self.elevenFifty) / 1000.0) - interval '50 minutes')::float8
                """, logger: logger)
            for try await (minutes, folded) in hour.decode((Double?, Double?).self) {
                #expect(minutes != nil && minutes == folded, "minutes \(String(describing: minutes)), hour row \(String(describing: folded))")
            }
            let gauges = try await client.query(
                "SELECT coalesce(sum(r.count), 0)::int8 FROM rollup_1m r JOIN series s ON s.id = r.series_id WHERE s.metric = 'queue_depth'",
                logger: logger)
            for try await stored in gauges.decode(Int64.self) {
                // Gauge samples of the open minutes die with the process: at most two minutes (one
                // in its grace period, one current) of one scrape each, and one in flight, per stop.
                let lostAtMost = (kills + 1) * 3
                #expect(Int(stored) >= values.count - lostAtMost, "stored \(stored) of \(values.count) gauge samples")
                #expect(Int(stored) <= values.count)
            }
        }
    }
}

extension DatabaseURL {
    /// The URL with its password, for a test's own config file.
    var fullText: String {
        let secret = password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0) } ?? ""
        return "postgres://\(username)\(secret)@\(host):\(port)/\(database)?sslmode=\(sslMode)"
    }
}
