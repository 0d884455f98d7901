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
@testable import SLAService
@testable import SLOEngine
@testable import Storage

/// Every public page and document, from a store whose every series holds NaN, ±Inf, ±1e308, 0
/// and negative values (written straight to the database, past every entry's check): each
/// answers, none traps, none is empty, and no figure reads "nan" or "inf": what cannot be
/// computed is unknown (JSON null, XML absent, "unknown" on the page).
@Suite("Hostile values")
struct HostileValuesTests {
    /// 2026-10-01T12:00:00Z.
    static let t0: Int64 = 1_790_856_000_000
    static let values: [Double] = [.nan, .infinity, -.infinity, 1e308, -1e308, 0, -5, 1e300]

    /// Each series: one value a day, on days before `t0` (one extreme value per day, so a fold
    /// of finite values never overflows: PostgreSQL refuses such a sum, as it should).
    static func rows() -> [MinuteRow] {
        let job = Label("job", "crop-relief")
        var series: [SeriesKey] = [
            SeriesKey(metric: "claims_total", labels: [Label("code", "200"), job], kind: .counter),
            SeriesKey(metric: "claims_total", labels: [Label("code", "500"), job], kind: .counter),
            SeriesKey(metric: "probe_success", labels: [job], kind: .gauge),
            SeriesKey(metric: "hitl_tasks_waiting", labels: [job], kind: .gauge),
            SeriesKey(metric: "agent_runs_total", labels: [job], kind: .counter),
            SeriesKey(metric: "esq_incidents_total", labels: [job], kind: .counter),
            SeriesKey(metric: "gov_checks_total", labels: [Label("decision", "PASS"), job], kind: .counter),
        ]
        for histogram in ["latency_ms", "act_step_duration_ms"] {
            for le in ["100", "250", "1e300", "+Inf", "NaN", "-Inf"] {
                series.append(SeriesKey(metric: histogram + "_bucket", labels: [job, Label("le", le)], kind: .histogramBucket))
            }
        }
        var rows: [MinuteRow] = []
        for (day, value) in values.enumerated() {
            for key in series {
                let minute = t0 - Int64(day + 1) * 86_400_000 + 3_600_000
                let gauge = key.kind == .gauge
                rows.append(
                    .init(
                        series: key, minute: minute, increase: gauge ? nil : value, min: gauge ? value : nil, max: gauge ? value : nil,
                        sum: gauge ? value : nil, count: 1, last: value, lastTimestamp: minute + 1_000))
            }
        }
        return rows
    }

    @Test func everyPublicAnswerStaysWholeWhateverTheStoreHolds() async throws {
        let config = DemoConfig.make(demoPort: 8000)
        let registry = PrometheusCollectorRegistry()
        let store = SLOSnapshotStore()
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            do {
                try await writer.write(Self.rows(), mode: .backfill(now: Self.t0))
                try await writer.foldDue(now: Self.t0)
            } catch {
                Issue.record("writing: \(String(reflecting: error))")
            }
            let evaluator = SLOSnapshotService(
                services: config.services, postgres: client, store: store, metrics: PrometheusMetricsFactory(registry: registry),
                logger: TestDatabase.logger)
            do { try await evaluator.evaluateOnce(at: Self.t0) } catch { Issue.record("evaluating: \(String(reflecting: error))") }
            let app = buildApplication(
                config, dependencies: .init(postgres: client, snapshots: store, registry: registry), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                var paths = ["/", "/?period=7d", "/?period=30d", "/?period=90d", "/public/v1/services", "/public/v1/services.xml", "/metrics"]
                for period in ["24h", "7d", "30d", "90d"] {
                    paths += [
                        "/public/v1/services/crop-relief/sla?period=\(period)", "/public/v1/services/crop-relief/sla.xml?period=\(period)",
                        "/public/v1/services/crop-relief/badge.svg?period=\(period)",
                        "/public/v1/services/crop-relief/sla?period=\(period)&at=2026-10-01T11:00:00Z",
                    ]
                }
                for path in paths {
                    try await http.execute(uri: path, method: .get) { response in
                        let body = String(buffer: response.body)
                        #expect(response.status == .ok, "\(path): \(response.status) \(body.prefix(300))")
                        #expect(!body.isEmpty, "\(path) is empty")
                        if path.contains("/sla?") || path.hasSuffix("/services") {
                            #expect(
                                (try? JSONSerialization.jsonObject(with: Data(body.utf8))) != nil, "\(path) is not JSON: \(body.prefix(300))")
                        }
                        guard path != "/metrics" else { return }  // Prometheus' own format writes +Inf and NaN
                        // Words, not parts of words ("Governance"); +Inf is a bucket bound, a label.
                        let figures = body.replacingOccurrences(of: "+Inf", with: "").lowercased()
                        for word in ["nan", "inf", "infinity"] {
                            let found = figures.range(of: "(?<![a-z])\(word)(?![a-z])", options: .regularExpression)
                            let context = found.map { String(figures[..<$0.upperBound].suffix(120)) } ?? ""
                            #expect(found == nil, "\(path) shows \(word): \(context)")
                        }
                    }
                }
            }
        }
    }

    /// The issue's report: a histogram with a bucket `le="1e300"` holding the median. Its
    /// interpolation overflowed to +Inf, and `GET /` trapped converting it to whole milliseconds
    /// (every anonymous visit killed the process); the SLA JSON was a 200 with an empty body.
    @Test func aMedianBeyondAnyWholeNumberIsUnknownNotACrash() async throws {
        let config = DemoConfig.make(demoPort: 8000)
        let store = SLOSnapshotStore()
        try await TestDatabase.withClient { client, _ in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let job = Label("job", "crop-relief")
            let minute = Self.t0 - 3_600_000
            let rows = [("100", 0.0), ("1e300", 4e8), ("+Inf", 4e8)].map { le, increase in
                MinuteRow(
                    series: SeriesKey(metric: "latency_ms_bucket", labels: [job, Label("le", le)], kind: .histogramBucket), minute: minute,
                    increase: increase, min: nil, max: nil, sum: nil, count: 1, last: increase, lastTimestamp: minute + 1_000)
            }
            let writer = RollupWriter(postgres: client, logger: TestDatabase.logger)
            try await writer.write(rows, mode: .backfill(now: Self.t0))
            try await writer.foldDue(now: Self.t0)
            try await SLOSnapshotService(
                services: config.services, postgres: client, store: store, metrics: NOOPMetricsHandler.instance, logger: TestDatabase.logger
            ).evaluateOnce(at: Self.t0)
            // Interpolated as a share of the bucket first: 5e299, finite, where the old order overflowed.
            #expect(store.snapshot?.periods["crop-relief"]?["24h"]?.p50 == 5e299)
            let app = buildApplication(config, dependencies: .init(postgres: client, snapshots: store), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                try await http.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#"<dt>Median latency</dt><dd><span class="value">5e+299 ms</span>"#))
                }
                try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=24h", method: .get) { response in
                    #expect(String(buffer: response.body).contains(#""latency_ms":{"p50":5e+299,"p95":9.5e+299}"#))
                }
            }
        }
    }
}
