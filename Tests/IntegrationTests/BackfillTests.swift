import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import Config
@testable import Core
@testable import SLAService
@testable import SLOEngine

/// A month of generated history (counters with resets, a histogram, gauges) imported two ways,
/// each through the real CLI: (a) the OpenMetrics file itself; (b) the same file turned into
/// Prometheus blocks by `promtool tsdb create-blocks-from openmetrics`, served by Debian's
/// Prometheus and pulled over its HTTP API (killed once midway and resumed). Both give the same
/// hourly rows, and those agree with PromQL's `increase()` over the same closed hours to within
/// its extrapolation.
@Suite("Backfill")
struct BackfillTests {
    /// One sample every five minutes keeps the month small enough for a debug build.
    static let step = 300

    /// An hour row: increase for counters and buckets, gauge statistics for the rest.
    struct HourRow: Equatable, CustomStringConvertible {
        var increase: Double?
        var min: Double?, max: Double?, sum: Double?
        var count: Int64
        var description: String { "increase \(increase.map { "\($0)" } ?? "nil") min \(min ?? .nan) max \(max ?? .nan) count \(count)" }
    }

    /// The key both sides use: "metric{k=v,...} @ bucket-ms", labels sorted by name.
    static func key(_ metric: String, _ labels: [String: String], _ bucket: Int64) -> String {
        metric + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "} @ \(bucket)"
    }

    /// Every hour row, by `key`.
    static func hours(_ url: DatabaseURL) async throws -> [String: HourRow] {
        try await TestDatabase.withClient(url) { client in
            let rows = try await client.query(
                """
                SELECT s.metric, s.labels::text, (extract(epoch FROM r.bucket) * 1000)::int8, r.increase, r.min, r.max, r.sum, r.count
                FROM rollup_1h r JOIN series s ON s.id = r.series_id
                """, logger: TestDatabase.logger)
            var out: [String: HourRow] = [:]
            for try await (metric, labels, bucket, increase, min, max, sum, count) in rows.decode(
                (String, String, Int64, Double?, Double?, Double?, Double?, Int64).self)
            {
                let object = try JSONSerialization.jsonObject(with: Data(labels.utf8)) as? [String: String] ?? [:]
                out[key(metric, object, bucket)] = HourRow(increase: increase, min: min, max: max, sum: sum, count: count)
            }
            return out
        }
    }

    /// A fingerprint of everything stored at every level, to see that a second import changes nothing.
    static func fingerprint(_ url: DatabaseURL) async throws -> String {
        try await TestDatabase.withClient(url) { client in
            var parts: [String] = []
            for table in ["rollup_1m", "rollup_1h", "rollup_1d"] {
                let rows = try await client.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT count(*)::int8, coalesce(md5(string_agg(concat_ws(',', series_id, bucket, increase, min, max, sum, count, last, last_at),
                                                                  ';' ORDER BY series_id, bucket)), '')
                            FROM \(table)
                            """), logger: TestDatabase.logger)
                for try await (n, digest) in rows.decode((Int64, String).self) { parts.append("\(table): \(n) rows, md5 \(digest)") }
            }
            let pending = try await client.query("SELECT count(*)::int8 FROM fold_pending", logger: TestDatabase.logger)
            for try await n in pending.decode(Int64.self) { parts.append("pending \(n)") }
            return parts.joined(separator: "; ")
        }
    }

    static func config(_ folder: String, _ name: String, _ url: DatabaseURL) throws -> String {
        let path = "\(folder)/\(name).yaml"
        try """
        database_url: "\(url.fullText)"
        data_dir: \(folder)/\(name)-data
        services:
          - id: claims
            name: Claims
            targets: ["http://127.0.0.1:9/metrics"]

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(.timeLimit(.minutes(10)))
    func aMonthImportedFromTheFileAndFromPrometheusAgreeWithEachOtherAndWithPromQL() async throws {
        let promtool = try #require(Subprocess.which("promtool"), "Debian's prometheus (promtool) is not installed: run `make test-tools`")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-backfill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // The month ends at the last midnight: every hour in it has closed.
        let end = Int(Date().timeIntervalSince1970) / 86_400 * 86_400
        let start = end - 30 * 86_400
        let file = try await Self.generate(folder, days: 30, end: end)

        // (a) The file, imported twice: the second time changes nothing.
        let fileDB = try await TestDatabase.fresh("backfill_file")
        let fileConfig = try Self.config(folder, "file", fileDB)
        let (status, output) = try await Subprocess.run(["import", "openmetrics", file, "--config", fileConfig])
        #expect(status == 0, "\(output)")
        let samples = 17 * 30 * 86_400 / Self.step
        #expect(output.contains("imported \(samples) of \(samples) samples (17 series)"), "\(output)")
        let first = try await Self.fingerprint(fileDB)
        #expect(first.contains("pending 0"), "\(first)")
        let (again, againOutput) = try await Subprocess.run(["import", "openmetrics", file, "--config", fileConfig])
        #expect(again == 0, "\(againOutput)")
        let second = try await Self.fingerprint(fileDB)
        #expect(second == first, "a second import of the same file changed what is stored: \(first) then \(second)")
        let fileHours = try await Self.hours(fileDB)
        #expect(fileHours.count > 17 * 700, "\(fileHours.count) hour rows")
        // A minute the collector wrote itself wins over the import (its hour is refolded with it).
        let minutes = try await TestDatabase.withClient(fileDB) { client in
            try await client.query(
                """
                UPDATE minute_row SET increase = 424242 WHERE (series_id, bucket) =
                  (SELECT r.series_id, r.bucket FROM minute_row r JOIN series s ON s.id = r.series_id
                   WHERE s.metric = 'requests_total' ORDER BY r.bucket DESC LIMIT 1)
                """, logger: TestDatabase.logger)
            return try await Self.fingerprint(fileDB).split(separator: ";").first
        }
        let (third, thirdOutput) = try await Subprocess.run(["import", "openmetrics", file, "--config", fileConfig])
        #expect(third == 0, "\(thirdOutput)")
        #expect(try await Self.fingerprint(fileDB).split(separator: ";").first == minutes, "the stored minute must win over the imported one")
        #expect(try await Self.hours(fileDB).values.contains { ($0.increase ?? 0) > 424242 }, "its hour is folded with it")

        // (b) The same file as Prometheus blocks, pulled over the HTTP API, killed once and resumed.
        let tsdb = folder + "/tsdb"
        let blocks = try Subprocess(
            ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=744h", "--quiet", file, tsdb], executable: promtool)
        #expect(try await blocks.waitForExit(seconds: 120) == 0, "\(blocks.text)")
        let port = try #require(PortProbe.freePort())
        let promDB = try await TestDatabase.fresh("backfill_prom")
        let promConfig = try Self.config(folder, "prom", promDB)
        try await PrometheusComparisonTests.withPrometheus(
            "global: {}\n", port: port, tsdb: tsdb, arguments: ["--storage.tsdb.retention.time=100y"]
        ) { prometheus in
            #expect(try await Self.ready(port), "Prometheus did not start: \(prometheus.text)")
            let arguments = [
                "import", "prometheus", "--url", "http://127.0.0.1:\(port)", "--from", "\(start)", "--to", "\(end)", "--chunk", "6h",
                "--config", promConfig,
            ]
            let interrupted = try Subprocess(arguments)
            #expect(try await interrupted.waitFor("chunk "), "\(interrupted.text)")
            interrupted.signal(SIGKILL)
            _ = try await interrupted.waitForExit()
            let (resumed, resumedOutput) = try await Subprocess.run(arguments)
            #expect(resumed == 0, "\(resumedOutput)")
            #expect(resumedOutput.contains("resuming: chunks through"), "\(resumedOutput)")

            // Both paths: the same hours. Prometheus keeps no types for backfilled blocks, so its
            // gauges arrive untyped (increases and statistics both kept); compare what both have.
            let promHours = try await Self.hours(promDB)
            #expect(promHours.count == fileHours.count)
            var compared = 0
            for (key, row) in fileHours {
                guard let other = promHours[key] else {
                    Issue.record("hour \(key) is missing from the Prometheus import")
                    continue
                }
                if row.increase != nil {
                    // Equal but for the order PostgreSQL added the minutes in.
                    let difference = abs((row.increase ?? 0) - (other.increase ?? .nan))
                    #expect(
                        difference <= 1e-9 * max(1, abs(row.increase ?? 0)) && row.count == other.count, "\(key): file \(row), prometheus \(other)")
                } else {
                    #expect(row.min == other.min && row.max == other.max && row.count == other.count, "\(key): file \(row), prometheus \(other)")
                }
                compared += 1
            }
            #expect(compared > 17 * 700)

            // PromQL's increase() over each closed hour (its range ends 1 ms before the next hour).
            let promql = try await Self.promqlHourlyIncreases("requests_total", from: start + 3600, to: end, port: port)
            #expect(promql.count == 6 * 720, "\(promql.count) PromQL hours")
            var total = (ours: 0.0, theirs: 0.0)
            for (key, theirs) in promql {
                let ours = try #require(fileHours[key]?.increase, "no hour row for \(key)")
                // PromQL extrapolates the 11 intervals inside the hour to the whole hour; we count
                // the 12 increases whose later sample is in the hour (11 in the first hour, whose
                // first sample is the baseline), exactly. They differ by about one interval's increase.
                #expect(abs(ours - theirs) <= ours / 11 + 41, "\(key): ours \(ours), PromQL \(theirs)")
                total.ours += ours
                total.theirs += theirs
            }
            #expect(abs(total.ours - total.theirs) <= total.ours * 0.01, "month: ours \(total.ours), PromQL \(total.theirs)")

            // Availability and latency as the public page states them, per closed hour (two days
            // of them), per closed UTC day and over 28 days, against PromQL over the same windows (ranges ending 1 ms
            // before the next day). Over a day PromQL extrapolates 287 intervals to 288; the
            // ratio and the quantiles barely move, so they agree closely.
            let service = ServiceDefinition(
                id: "history", name: "History",
                slos: [
                    SLODefinition(
                        id: "availability", objective: 99,
                        sli: .ratio(good: #"requests_total{code!~"5..",job=""}"#, bad: nil, total: #"requests_total{job=""}"#)),
                    SLODefinition(id: "latency", objective: 99, sli: .latency(histogram: #"latency_seconds{job=""}"#, percentile: 50, below: 0.25)),
                ])
            let days = try await TestDatabase.withClient(fileDB) { client in
                var days = 0
                // Day 29 holds the minute marked above (the stored minute that won over the import).
                for day in 1...28 {
                    let span = TimeSpan(start: Int64(start + day * 86_400) * 1000, end: Int64(start + (day + 1) * 86_400) * 1000)
                    let ours = try await PeriodSummary.read(service, name: "day", span: span, postgres: client, logger: TestDatabase.logger)
                    let at = Double(span.end) / 1000 - 0.001
                    let uptime = try await Self.promql(
                        #"sum(increase(requests_total{code!~"5.."}[1d])) / sum(increase(requests_total[1d]))"#, at: at, port: port)
                    let p50 = try await Self.promql("histogram_quantile(0.5, sum by (le) (increase(latency_seconds_bucket[1d])))", at: at, port: port)
                    let p95 = try await Self.promql(
                        "histogram_quantile(0.95, sum by (le) (increase(latency_seconds_bucket[1d])))", at: at, port: port)
                    #expect(abs((ours.uptime ?? 0) - uptime) < 0.001, "day \(day): uptime ours \(ours.uptime ?? .nan), PromQL \(uptime)")
                    #expect(abs((ours.p50 ?? 0) - p50) <= p50 * 0.02, "day \(day): p50 ours \(ours.p50 ?? .nan), PromQL \(p50)")
                    #expect(abs((ours.p95 ?? 0) - p95) <= p95 * 0.02, "day \(day): p95 ours \(ours.p95 ?? .nan), PromQL \(p95)")
                    days += 1
                }
                // Hour by hour over two days: PromQL's increase() sees 11 of the hour's 12
                // intervals (scaled alike for every series, so a ratio cancels the scaling); ours
                // all 12. One interval of about average traffic moves an hour's ratio by at most
                // about 1/12 (the seeded data stays within it), and a quantile stays within the
                // bucket that holds it, or moves to the next.
                let bounds: [Double] = [0, 0.05, 0.1, 0.25, 0.5, 1]
                for hour in 24..<72 {
                    let span = TimeSpan(start: Int64(start + hour * 3600) * 1000, end: Int64(start + (hour + 1) * 3600) * 1000)
                    let ours = try await PeriodSummary.read(service, name: "hour", span: span, postgres: client, logger: TestDatabase.logger)
                    let at = Double(span.end) / 1000 - 0.001
                    let uptime = try await Self.promql(
                        #"sum(increase(requests_total{code!~"5.."}[1h])) / sum(increase(requests_total[1h]))"#, at: at, port: port)
                    #expect(abs((ours.uptime ?? 0) - uptime) <= 1.0 / 12, "hour \(hour): uptime ours \(ours.uptime ?? .nan), PromQL \(uptime)")
                    let p50 = try await Self.promql("histogram_quantile(0.5, sum by (le) (increase(latency_seconds_bucket[1h])))", at: at, port: port)
                    if let mine = ours.p50, let index = bounds.lastIndex(where: { $0 < mine }) {
                        let low = bounds[max(0, index - 1)], high = bounds[min(bounds.count - 1, index + 2)]
                        #expect(p50 >= low && p50 <= high, "hour \(hour): p50 ours \(mine), PromQL \(p50)")
                    }
                }
                // Days 1 to 28 together (day 0's first sample is the baseline).
                let month = TimeSpan(start: Int64(start + 86_400) * 1000, end: Int64(end - 86_400) * 1000)
                let ours = try await PeriodSummary.read(service, name: "month", span: month, postgres: client, logger: TestDatabase.logger)
                let at = Double(end - 86_400) - 0.001
                let uptime = try await Self.promql(
                    #"sum(increase(requests_total{code!~"5.."}[28d])) / sum(increase(requests_total[28d]))"#, at: at, port: port)
                let p95 = try await Self.promql("histogram_quantile(0.95, sum by (le) (increase(latency_seconds_bucket[28d])))", at: at, port: port)
                #expect(abs((ours.uptime ?? 0) - uptime) < 0.0001, "month: uptime ours \(ours.uptime ?? .nan), PromQL \(uptime)")
                #expect(abs((ours.p95 ?? 0) - p95) <= p95 * 0.005, "month: p95 ours \(ours.p95 ?? .nan), PromQL \(p95)")
                return days
            }
            #expect(days == 28)
        }
    }

    /// The last closed calendar month in America/Chicago (a month in a zone with DST, so not
    /// 30×24 h in general), imported from a file into hms-ops and as promtool blocks into
    /// Prometheus. Uptime and p50/p95 as the public page states them for `period=YYYY-MM`, and the
    /// attainment of a calendar-month SLO, agree with PromQL over the same month.
    @Test(.timeLimit(.minutes(10)))
    func aClosedCalendarMonthInChicagoAgreesWithPromQL() async throws {
        let promtool = try #require(Subprocess.which("promtool"), "Debian's prometheus (promtool) is not installed: run `make test-tools`")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-month-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let zone = try #require(TimeZone(identifier: "America/Chicago"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let thisMonth = try #require(calendar.dateInterval(of: .month, for: Date())?.start)
        let lastMonth = try #require(calendar.date(byAdding: .month, value: -1, to: thisMonth))
        let name = String(format: "%04d-%02d", calendar.component(.year, from: lastMonth), calendar.component(.month, from: lastMonth))
        let span = try #require(SLOWindow.month(name, timeZone: zone))
        #expect(span.start == Int64(lastMonth.timeIntervalSince1970) * 1000 && span.end == Int64(thisMonth.timeIntervalSince1970) * 1000)
        // A day before the month (the first sample is a baseline) to an hour after it.
        let end = Int(span.end / 1000) + 3600
        let days = Double(end - Int(span.start / 1000) + 86_400) / 86_400
        let file = try await Self.generate(folder, days: days, end: end)

        let database = try await TestDatabase.fresh("backfill_month")
        let (status, output) = try await Subprocess.run(["import", "openmetrics", file, "--config", try Self.config(folder, "file", database)])
        #expect(status == 0, "\(output)")
        let tsdb = folder + "/tsdb"
        let blocks = try Subprocess(
            ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=840h", "--quiet", file, tsdb], executable: promtool)
        #expect(try await blocks.waitForExit(seconds: 120) == 0, "\(blocks.text)")

        let service = ServiceDefinition(
            id: "history", name: "History", timeZone: "America/Chicago",
            slos: [
                SLODefinition(
                    id: "availability", objective: 99, window: .calendar(.month),
                    sli: .ratio(good: #"requests_total{code!~"5..",job=""}"#, bad: nil, total: #"requests_total{job=""}"#)),
                SLODefinition(id: "latency", objective: 99, sli: .latency(histogram: #"latency_seconds{job=""}"#, percentile: 50, below: 0.25)),
            ])
        let (ours, attainment) = try await TestDatabase.withClient(database) { client in
            let summary = try await PeriodSummary.read(service, name: name, span: span, postgres: client, logger: TestDatabase.logger)
            // The SLO as it stood in the month's last millisecond: every complete minute of it.
            let slo = try await SLOStatusReader(postgres: client, logger: TestDatabase.logger)
                .status(service.slos[0], of: service, at: span.end - 1)
            #expect(slo.window == span)
            return (summary, slo.attainment)
        }

        let port = try #require(PortProbe.freePort())
        try await PrometheusComparisonTests.withPrometheus(
            "global: {}\n", port: port, tsdb: tsdb, arguments: ["--storage.tsdb.retention.time=100y"]
        ) { prometheus in
            #expect(try await Self.ready(port), "Prometheus did not start: \(prometheus.text)")
            // The month's real length (743, 744, 720 or 721 hours...), ending 1 ms before the next month.
            let range = "\((span.end - span.start) / 1000)s"
            let at = Double(span.end) / 1000 - 0.001
            let uptime = try await Self.promql(
                #"sum(increase(requests_total{code!~"5.."}[\#(range)])) / sum(increase(requests_total[\#(range)]))"#, at: at, port: port)
            let p50 = try await Self.promql(
                "histogram_quantile(0.5, sum by (le) (increase(latency_seconds_bucket[\(range)])))", at: at, port: port)
            let p95 = try await Self.promql(
                "histogram_quantile(0.95, sum by (le) (increase(latency_seconds_bucket[\(range)])))", at: at, port: port)
            // PromQL extrapolates the month's intervals but one to the whole month, alike for good
            // and total, so ratios and quantiles agree closely. The SLO counts complete minutes
            // before its moment, which here are all of the month's samples.
            #expect(abs((ours.uptime ?? 0) - uptime) < 0.0001, "\(name): uptime ours \(ours.uptime ?? .nan), PromQL \(uptime)")
            #expect(abs((attainment ?? 0) - uptime) < 0.0001, "\(name): SLO attainment \(attainment ?? .nan), PromQL \(uptime)")
            #expect(abs((ours.p50 ?? 0) - p50) <= p50 * 0.005, "\(name): p50 ours \(ours.p50 ?? .nan), PromQL \(p50)")
            #expect(abs((ours.p95 ?? 0) - p95) <= p95 * 0.005, "\(name): p95 ours \(ours.p95 ?? .nan), PromQL \(p95)")
        }
    }

    /// Writes `days` of generated history ending at `end` (Unix seconds) to `folder/month.om`.
    static func generate(_ folder: String, days: Double, end: Int) async throws -> String {
        let file = folder + "/month.om"
        let generator = CLITests.root + "/benchmarks/import/generate.py"
        let generated = try Subprocess(
            ["-c", "python3 '\(generator)' --days \(days) --step \(step) --end \(end) > '\(file)'"], executable: "/bin/sh")
        #expect(try await generated.waitForExit() == 0, "\(generated.text)")
        return file
    }

    /// One instant PromQL query's single value at `at` (Unix seconds).
    static func promql(_ query: String, at: Double, port: Int) async throws -> Double {
        guard let number = try await PrometheusAPI.value(query, at: at, port: port) else {
            Issue.record("no value for \(query) at \(at)")
            return .nan
        }
        return number
    }

    @Test func badInputIsRefusedWithWhereAndWhatToDo() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-backfill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try Self.config(folder, "bad", try await TestDatabase.fresh("backfill_bad"))
        let now = Int(Date().timeIntervalSince1970) / 60 * 60 - 3600
        let cases: [(String, String)] = [
            ("# TYPE a counter\na_total 1 \(now)\na_total 2 \(now + 15)\na_total{x=\"1\",x=\"2\"} 3 \(now + 30)\n# EOF\n", ":4: duplicate label x"),
            ("# TYPE a gauge\na 1\n# EOF\n", ":2: a has no timestamp; every imported sample needs one"),
            ("# TYPE h histogram\nh_bucket{le=\"1\"} 1 \(now)\nh_count 1 \(now)\nh_sum 1 \(now)\n# EOF\n", "has no le=\"+Inf\" bucket"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let file = "\(folder)/bad\(index).om"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let (status, output) = try await Subprocess.run(["import", "openmetrics", file, "--config", config])
            #expect(status == 1, "\(output)")
            #expect(output.contains(expected) && output.contains("fix the file and import it again"), "\(output)")
            #expect(!output.contains("PostgresNIO"), "\(output)")
        }
        // Every sample skipped is a failed import: exit 1, and why. A file in seconds without its
        // `# EOF` (read as 0.0.4, milliseconds, so in 1970) is named for what it is.
        let nothing: [(String, String)] = [
            ("# TYPE a counter\na_total 1 \(now)\na_total 2 \(now + 15)\n", "looks like OpenMetrics without its closing '# EOF' line"),
            ("# TYPE a counter\na_total 1 \(now + 86_400)\n# EOF\n", "none of the 1 samples was imported"),
            ("", "no samples were found"),
        ]
        for (index, (text, expected)) in nothing.enumerated() {
            let file = "\(folder)/nothing\(index).txt"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let (status, output) = try await Subprocess.run(["import", "openmetrics", file, "--config", config])
            #expect(status == 1 && output.contains(expected), "\(output)")
            #expect(!output.contains("unexpected error"), "one error, not a second false one: \(output)")
        }
        let (missing, missingOutput) = try await Subprocess.run(["import", "openmetrics", folder + "/none.om", "--config", config])
        #expect(missing == 1 && missingOutput.contains("none.om: No such file or directory"), "\(missingOutput)")
        let (usage, usageOutput) = try await Subprocess.run([
            "import", "prometheus", "--url", "http://127.0.0.1:1", "--from", "yesterday", "--to", "2026-11-02T00:00:00Z",
        ])
        #expect(usage == 2 && usageOutput.contains("--from must be RFC 3339 or Unix seconds"), "\(usageOutput)")
        let (refused, refusedOutput) = try await Subprocess.run([
            "import", "prometheus", "--url", "http://127.0.0.1:1", "--from", "2026-11-01T00:00:00Z", "--to", "2026-11-02T00:00:00Z",
            "--config", config,
        ])
        #expect(refused == 1 && refusedOutput.contains("http://127.0.0.1:1/api/v1/metadata: connection refused"), "\(refusedOutput)")
    }

    /// Waits for Prometheus' readiness endpoint.
    static func ready(_ port: Int) async throws -> Bool {
        for _ in 0..<100 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/-/ready"), timeout: .seconds(2)),
                response.status == .ok
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// `increase(metric[1h])` at every hour end minus 1 ms from `from` to `to` (Unix seconds), by
    /// the same "metric{labels} @ bucket-ms" keys as `hours`.
    static func promqlHourlyIncreases(_ metric: String, from: Int, to: Int, port: Int) async throws -> [String: Double] {
        let result = try await PrometheusAPI.result(
            "query_range", "increase(\(metric)[1h])", "start=\(from - 1).999&end=\(to - 1).999&step=3600", port: port, timeout: .seconds(60),
            limit: 64 << 20)
        var out: [String: Double] = [:]
        for series in result {
            let labels = series["metric"] as? [String: String] ?? [:]
            for case let pair as [Any] in series["values"] as? [Any] ?? [] {
                guard let at = pair.first as? Double, let text = pair.last as? String, let value = Double(text) else { continue }
                // The value at H+1h-1ms is the increase over hour H.
                let hour = (Int64((at * 1000).rounded()) + 1) - 3_600_000
                out[key(metric, labels, hour)] = value
            }
        }
        return out
    }
}
