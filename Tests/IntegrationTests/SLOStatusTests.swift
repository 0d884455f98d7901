import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Prometheus
import Testing

@testable import Backfill
@testable import Config
@testable import Core
@testable import HTTPAPI
@testable import SLAService
@testable import SLOEngine
@testable import Storage

/// `hms-ops slo status` over imported history, against numbers computed here from the samples.
@Suite("SLO status from rollups")
struct SLOStatusTests {
    /// Three days, one sample a minute, ending at the last midnight (UTC), of the demo's metrics.
    static func history() -> (text: String, end: Int64, minutes: Int, start: Int64, badFrom: Int64) {
        let end = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
        let minutes = 3 * 1440
        let start = end - Int64(minutes) * 60
        // Every minute 100 requests; 2 of them fail during the first 90 minutes of the last day;
        // latency: 80 within 100 ms, 15 more within 250 ms, 5 slower; in the last day's first
        // 30 minutes only 40 within 250 ms (a bad minute for "median below 250 ms").
        let badFrom = Int64(minutes - 1440), badErrorsUntil = badFrom + 90, badLatencyUntil = badFrom + 30
        var ok = "", failed = "", buckets: [String] = ["", "", ""], count = "", sum = ""
        var value = (ok: 0.0, failed: 0.0, b100: 0.0, b250: 0.0, inf: 0.0)
        for m in 0..<Int64(minutes) {
            let t = start + m * 60
            if m > 0 {
                let errors = m >= badFrom && m < badErrorsUntil ? 2.0 : 0
                value.ok += 100 - errors
                value.failed += errors
                let slow = m >= badFrom && m < badLatencyUntil
                value.b100 += slow ? 20 : 80
                value.b250 += slow ? 40 : 95
                value.inf += 100
            }
            ok += "claims_total{code=\"200\"} \(value.ok) \(t)\n"
            failed += "claims_total{code=\"500\"} \(value.failed) \(t)\n"
            buckets[0] += "latency_ms_bucket{le=\"100\"} \(value.b100) \(t)\n"
            buckets[1] += "latency_ms_bucket{le=\"250\"} \(value.b250) \(t)\n"
            buckets[2] += "latency_ms_bucket{le=\"+Inf\"} \(value.inf) \(t)\n"
            count += "latency_ms_count \(value.inf) \(t)\n"
            sum += "latency_ms_sum \(value.inf * 90) \(t)\n"
        }
        // A histogram's point (buckets, count, sum at one time) stays together.
        var histogram = ""
        let lines = [buckets[0], buckets[1], buckets[2], count, sum].map { $0.split(separator: "\n") }
        for i in 0..<minutes { for series in lines { histogram += series[i] + "\n" } }
        let text = "# TYPE claims counter\n" + ok + failed + "# TYPE latency_ms histogram\n" + histogram + "# EOF\n"
        return (text, end, minutes, start, badFrom)

    }

    @Test func statusAsOfAPastTimeMatchesTheHistory() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-slo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let history = Self.history()
        let (end, minutes, start, badFrom) = (history.end, history.minutes, history.start, history.badFrom)
        try history.text.write(toFile: folder + "/history.om", atomically: true, encoding: .utf8)

        let url = try await TestDatabase.fresh("slo_status")
        try """
        database_url: "\(url.fullText)"
        data_dir: \(folder)/data
        services:
          - id: crop-relief
            name: Crop-Relief Online
            time_zone: America/Chicago
            targets: ["http://127.0.0.1:9/metrics"]
            slos:
              - id: availability
                objective: 99.9
                window: 30d
                sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
              - id: median-latency
                objective: 99.9
                window: 30d
                sli: {latency: {histogram: latency_ms, percentile: 50, below: 250}}

        """.write(toFile: folder + "/hms-ops.yaml", atomically: true, encoding: .utf8)
        let (imported, importOutput) = try await Subprocess.run([
            "import", "openmetrics", folder + "/history.om", "--service", "crop-relief", "--config", folder + "/hms-ops.yaml",
        ])
        #expect(imported == 0, "\(importOutput)")
        // The stored SLO history was recomputed at every hour's end from the first imported hour on.
        #expect(importOutput.contains("SLO history (slo_status) recomputed: "), "\(importOutput)")
        let storedAtEnd = try await TestDatabase.withClient(url) { client in
            let rows = try await client.query(
                "SELECT attainment FROM slo_status WHERE slo = 'availability' AND at = to_timestamp(\(end))", logger: TestDatabase.logger)
            var found: Double?
            for try await value in rows.decode(Double?.self) { found = value }
            return found
        }
        #expect(storedAtEnd != nil)

        // As of the end: everything counted.
        let (status, output) = try await Subprocess.run([
            "slo", "status", "--service", "crop-relief", "--at", "\(end)", "--json", "--config", folder + "/hms-ops.yaml",
        ])
        #expect(status == 0, "\(output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]], "\(output)")
        #expect(json.count == 2)
        let availability = json[0], latency = json[1]
        let total = Double(minutes - 1) * 100, errors = 2.0 * 90
        #expect(availability["budgeting_method"] as? String == "Occurrences")
        #expect(abs((availability["attainment"] as? Double ?? 0) - (total - errors) / total) < 1e-12)
        let budget = try #require(availability["error_budget"] as? [String: Any])
        #expect(budget["consumed"] as? Double == errors)
        #expect(abs((budget["total"] as? Double ?? 0) - total * 0.001) < 1e-9)
        #expect(latency["budgeting_method"] as? String == "Timeslices")
        let latencyBudget = try #require(latency["error_budget"] as? [String: Any])
        #expect(latencyBudget["unit"] as? String == "minutes" && latencyBudget["total"] as? Double == 43.2)
        #expect(latencyBudget["consumed"] as? Double == 30)
        #expect(latency["minutes_with_data"] as? Int == minutes - 1)
        // The last day had no errors after its first 90 minutes: the last hour burns nothing.
        let burns = try #require(availability["burn_rates"] as? [String: Any])
        #expect(burns["1h"] as? Double == 0)
        #expect(abs((burns["1d"] as? Double ?? 0) - (errors / (1440 * 100)) / 0.001) < 1e-9)

        // As of 60 minutes into the bad day: 59 minutes of errors counted, the 1 h burn is 20 (2 %
        // errors against a 0.1 % allowance), both page conditions' long windows are burning.
        let at = (start + badFrom * 60 + 3600) * 1000
        let (pastStatus, pastOutput) = try await Subprocess.run([
            "slo", "status", "--service", "crop-relief", "--slo", "availability", "--at", "\(Double(at) / 1000)", "--json", "--config",
            folder + "/hms-ops.yaml",
        ])
        #expect(pastStatus == 0, "\(pastOutput)")
        let past = try #require((try JSONSerialization.jsonObject(with: Data(pastOutput.utf8)) as? [[String: Any]])?.first)
        let pastBurns = try #require(past["burn_rates"] as? [String: Any])
        #expect(abs((pastBurns["1h"] as? Double ?? 0) - 20) < 1e-9, "\(pastBurns)")
        #expect(abs((pastBurns["5m"] as? Double ?? 0) - 20) < 1e-9)
        let conditions = try #require(past["conditions"] as? [[String: Any]])
        #expect(conditions.first?["firing"] as? Bool == true, "\(conditions)")
        #expect((past["error_budget"] as? [String: Any])?["consumed"] as? Double == 120.0)

        // A latency bound that is not a bucket bound is refused, with the bounds there are.
        let config = try String(contentsOfFile: folder + "/hms-ops.yaml", encoding: .utf8).replacingOccurrences(of: "below: 250", with: "below: 240")
        try config.write(toFile: folder + "/off-bound.yaml", atomically: true, encoding: .utf8)
        let (refused, refusedOutput) = try await Subprocess.run([
            "slo", "status", "--service", "crop-relief", "--slo", "median-latency", "--config", folder + "/off-bound.yaml",
        ])
        #expect(refused == 1, "\(refusedOutput)")
        #expect(refusedOutput.contains("240 is not a bucket bound of latency_ms (its bounds: 100, 250, +Inf)"), "\(refusedOutput)")
    }
}

/// The minute-by-minute evaluation the server runs: snapshot, `slo_status` rows, `/metrics` gauges.
@Suite("SLO snapshot")
struct SLOSnapshotTests {
    @Test func evaluatesIntoTheSnapshotTheTableAndTheGaugesAndGoesStaleWithoutADatabase() async throws {
        let history = SLOStatusTests.history()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-snap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try history.text.write(toFile: folder + "/history.om", atomically: true, encoding: .utf8)
        let service = DemoConfig.make(demoPort: 8000).services[0]
        let url = try await TestDatabase.fresh("slo_snapshot")
        let registry = PrometheusCollectorRegistry()
        let store = SLOSnapshotStore()
        try await TestDatabase.withClient(url) { client in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            var sink = BackfillSink(writer: RollupWriter(postgres: client, logger: TestDatabase.logger), retention: HMSConfig.Retention())
            _ = try await OpenMetricsImport(path: folder + "/history.om", service: service.id).run(into: &sink)
            let evaluator = SLOSnapshotService(
                services: [service], postgres: client, store: store, metrics: PrometheusMetricsFactory(registry: registry),
                logger: TestDatabase.logger)
            let snapshot = try await evaluator.evaluateOnce(at: history.end * 1000)
            #expect(snapshot.entries.count == 2 && !snapshot.stale)
            let availability = try #require(snapshot.entry(service: "crop-relief", slo: "availability")?.status)
            let total = Double(history.minutes - 1) * 100
            #expect(abs((availability.attainment ?? 0) - (total - 180) / total) < 1e-12)
            #expect(store.snapshot?.evaluatedAt == history.end * 1000)
            // Stored, a row per SLO for that minute; evaluating the minute again replaces it.
            try await evaluator.evaluateOnce(at: history.end * 1000)
            let rows = try await client.query(
                "SELECT slo, attainment, status->>'budgeting_method' FROM slo_status ORDER BY slo", logger: TestDatabase.logger)
            var stored: [(String, Double?, String?)] = []
            for try await row in rows.decode((String, Double?, String?).self) { stored.append(row) }
            #expect(stored.map(\.0) == ["availability", "median-latency"])
            #expect(stored.map(\.2) == ["Occurrences", "Timeslices"])
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let metrics = String(decoding: buffer, as: UTF8.self)
        #expect(metrics.contains(#"slo_error_budget_remaining_ratio{service="crop-relief",slo="availability"}"#), "\(metrics)")
        #expect(metrics.contains(#"slo_burn_rate{service="crop-relief",slo="availability",window="1d"} 1.25"#), "\(metrics)")
        #expect(metrics.contains(#"slo_attainment_ratio{service="crop-relief",slo="median-latency"}"#))

        // The database away: the service's evaluation gives up, the last figures stay, marked stale.
        let dead = PostgresClient(
            configuration: .init(
                host: "127.0.0.1", port: try #require(PortProbe.freePort()), username: "x", password: nil, database: "x", tls: .disable),
            backgroundLogger: TestDatabase.logger)
        let service2 = SLOSnapshotService(
            services: [service], postgres: dead, store: store, metrics: PrometheusMetricsFactory(registry: registry), logger: TestDatabase.logger,
            firstDelay: .zero, timeout: .seconds(2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await dead.run() }
            group.addTask { try await service2.run() }
            defer { group.cancelAll() }
            for _ in 0..<150 where store.snapshot?.stale != true { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(store.snapshot?.stale == true && store.snapshot?.evaluatedAt == history.end * 1000)
    }
}

/// The public read-only API, answered from a snapshot of imported history.
@Suite("Public API")
struct PublicAPITests {
    /// Validates `body` against the served schema `name` with Python's `jsonschema` (PyPI).
    static func validate(_ body: Data, schema: String) async throws -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-schema-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body.write(to: URL(fileURLWithPath: folder + "/body.json"))
        try schema.write(toFile: folder + "/schema.json", atomically: true, encoding: .utf8)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); body = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = [e.message for e in jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(body)]
            print("\\n".join(errors)); sys.exit(1 if errors else 0)
            """
        let python = try #require(Subprocess.which("python3"))
        let check = try Subprocess(["-c", script, folder + "/schema.json", folder + "/body.json"], executable: python)
        return try await check.waitForExit() == 0 ? nil : check.text
    }

    static func expectValid(_ body: Data, _ schema: String) async throws {
        let problems = try await validate(body, schema: schema)
        #expect(problems == nil, "\(problems ?? "") in \(String(decoding: body, as: UTF8.self))")
    }

    /// Validates an XML answer against an XSD with xmllint (Debian's libxml2-utils).
    static func expectValidXML(_ body: Data, _ xsd: String) async throws {
        let xmllint = try #require(Subprocess.which("xmllint"), "xmllint is not installed: run `make test-tools`")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-xsd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body.write(to: URL(fileURLWithPath: folder + "/body.xml"))
        try xsd.write(toFile: folder + "/schema.xsd", atomically: true, encoding: .utf8)
        let check = try Subprocess(["--noout", "--schema", folder + "/schema.xsd", folder + "/body.xml"], executable: xmllint)
        #expect(try await check.waitForExit() == 0, "\(check.text) in \(String(decoding: body, as: UTF8.self))")
    }

    @Test func answersAreCacheableOpenAndValidAgainstTheirSchemas() async throws {
        let history = SLOStatusTests.history()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-public-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try history.text.write(toFile: folder + "/history.om", atomically: true, encoding: .utf8)
        var settings = DemoConfig.make(demoPort: 8000)
        settings.services.append(ServiceDefinition(id: "internal-batch", name: "Nightly batch", isPublic: false, slos: settings.services[0].slos))
        let config = settings
        let store = SLOSnapshotStore()
        let url = try await TestDatabase.fresh("public_api")
        try await TestDatabase.withClient(url) { client in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            var sink = BackfillSink(writer: RollupWriter(postgres: client, logger: TestDatabase.logger), retention: HMSConfig.Retention())
            _ = try await OpenMetricsImport(path: folder + "/history.om", service: "crop-relief").run(into: &sink)
            try await SLOSnapshotService(
                services: config.services, postgres: client, store: store, metrics: PrometheusMetricsFactory(registry: .init()),
                logger: TestDatabase.logger
            ).evaluateOnce(at: history.end * 1000)
        }
        let app = buildApplication(config, dependencies: .init(snapshots: store), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            var etag = ""
            try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=24h", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "*" && response.headers[.vary] == "Accept")
                #expect(response.headers[.cacheControl] == "public, max-age=15")
                etag = response.headers[.eTag] ?? ""
                let body = Data(buffer: response.body)
                try await Self.expectValid(body, PublicSchemas.sla)
                let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                // The last day: 1440 minutes of 100 requests, 180 failed: 99.875 % shows as 99.87.
                #expect(json["uptime_percent"] as? Double == 99.87, "\(json)")
                #expect(json["status"] as? String == "operational")
                let targets = try #require(json["targets"] as? [String: Any])
                #expect(targets["uptime_percent"] as? String == "99.9")
                #expect((targets["latency_ms"] as? [String: Any])?["below"] as? Double == 250, "\(targets)")
                let latency = try #require(json["latency_ms"] as? [String: Any])
                #expect((latency["p50"] as? Double ?? 0) > 0 && (latency["p50"] as? Double ?? 0) <= 100)
                let period = try #require(json["period"] as? [String: Any])
                #expect(period["start"] as? String == SLOStatus.rfc3339((history.end - 86_400) * 1000))
                #expect((period["end_local"] as? String)?.hasSuffix("-06:00") == true, "\(period)")
            }
            #expect(etag.hasPrefix("\"") && etag.count > 10)
            let cached = try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=24h", method: .get, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            try await http.execute(uri: "/public/v1/services", method: .get) { response in
                #expect(response.status == .ok)
                try await Self.expectValid(Data(buffer: response.body), PublicSchemas.services)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect((json["services"] as? [[String: Any]])?.map { $0["id"] as? String } == ["crop-relief"])
            }
            // A hidden service and an unknown one answer alike.
            var bodies: [Data] = []
            for id in ["internal-batch", "no-such-service"] {
                try await http.execute(uri: "/public/v1/services/\(id)/sla", method: .get) { response in
                    #expect(response.status == .notFound)
                    bodies.append(Data(buffer: response.body))
                }
            }
            #expect(bodies.count == 2 && bodies[0] == bodies[1])
            try await Self.expectValid(bodies[0], PublicSchemas.error)
            try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=1y", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("24h, 7d, 30d, 90d, YYYY-MM"))
            }
            // Months: the current one and the twelve before it.
            let month = PeriodSummary.monthName(history.end * 1000 - 1, TimeZone(identifier: "America/Chicago")!)
            let monthly = try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=\(month)", method: .get)
            #expect(monthly.status == .ok)
            try await Self.expectValid(Data(buffer: monthly.body), PublicSchemas.sla)
            let old = try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=1999-01", method: .get)
            #expect(old.status == .notFound)

            // The same answers as XML, by suffix or by Accept, valid against their XSDs.
            let xml = try await http.execute(uri: "/public/v1/services/crop-relief/sla.xml?period=24h", method: .get)
            #expect(xml.status == .ok && xml.headers[.contentType] == "application/xml; charset=utf-8")
            #expect(String(buffer: xml.body).contains("<uptime_percent>99.87</uptime_percent>"))
            try await Self.expectValidXML(Data(buffer: xml.body), PublicSchemas.slaXSD)
            let accepted = try await http.execute(
                uri: "/public/v1/services/crop-relief/sla?period=7d", method: .get, headers: [.accept: "application/xml"])
            #expect(accepted.headers[.contentType] == "application/xml; charset=utf-8")
            try await Self.expectValidXML(Data(buffer: accepted.body), PublicSchemas.slaXSD)
            let list = try await http.execute(uri: "/public/v1/services.xml", method: .get)
            try await Self.expectValidXML(Data(buffer: list.body), PublicSchemas.servicesXSD)
            let missing = try await http.execute(uri: "/public/v1/services/internal-batch/sla.xml", method: .get)
            #expect(missing.status == .notFound)
            try await Self.expectValidXML(Data(buffer: missing.body), PublicSchemas.errorXSD)
            // The badge: the page's status and uptime, an image even for an unknown service.
            let badge = try await http.execute(uri: "/public/v1/services/crop-relief/badge.svg", method: .get)
            #expect(badge.status == .ok && badge.headers[.contentType] == "image/svg+xml; charset=utf-8")
            #expect(String(buffer: badge.body).contains("Crop-Relief Online: Operational, uptime 99.87 % over the last 24 hours"))
            #expect(badge.headers[.accessControlAllowOrigin] == "*" && badge.headers[.eTag] != nil)
            let spanish = try await http.execute(uri: "/public/v1/services/crop-relief/badge.svg?lang=es&period=7d", method: .get)
            #expect(String(buffer: spanish.body).contains("Operativo"))
            for id in ["internal-batch", "no-such-service"] {
                let unknown = try await http.execute(uri: "/public/v1/services/\(id)/badge.svg", method: .get)
                #expect(unknown.status == .notFound && String(buffer: unknown.body).contains("<title id=\"t\">Service: unknown</title>"))
            }
            // The web component: CORS open, kept a week, revalidated by its ETag.
            let script = try await http.execute(uri: "/widgets/ops-sla-card.js", method: .get)
            #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.accessControlAllowOrigin] == "*" && script.headers[.cacheControl] == "public, max-age=604800")
            #expect(String(buffer: script.body).contains("customElements.define(\"ops-sla-card\""))
            let unchanged = try await http.execute(
                uri: "/widgets/ops-sla-card.js", method: .get, headers: [.ifNoneMatch: script.headers[.eTag] ?? "none"])
            #expect(unchanged.status == .notModified)
            for name in ["sla.json", "services.json", "error.json", "sla.xsd", "services.xsd", "error.xsd"] {
                let schema = try await http.execute(uri: "/public/v1/schema/\(name)", method: .get)
                #expect(schema.status == .ok && String(buffer: schema.body) == PublicSchemas.all[name])
            }
        }
        #expect(PublicRoutes.floorPercent(0.998996) == 99.89 && PublicRoutes.floorPercent(0.9999) == 99.99 && PublicRoutes.floorPercent(1) == 100)
    }
}

extension PublicAPITests {
    @Test func thePageAsOfAPastTimeIsReadFromTheRollups() async throws {
        let history = SLOStatusTests.history()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-past-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try history.text.write(toFile: folder + "/history.om", atomically: true, encoding: .utf8)
        let config = DemoConfig.make(demoPort: 8000)
        let url = try await TestDatabase.fresh("public_past")
        try await TestDatabase.withClient(url) { client in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            var sink = BackfillSink(writer: RollupWriter(postgres: client, logger: TestDatabase.logger), retention: HMSConfig.Retention())
            _ = try await OpenMetricsImport(path: folder + "/history.om", service: "crop-relief").run(into: &sink)
            let app = buildApplication(config, dependencies: .init(postgres: client, snapshots: SLOSnapshotStore()), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                // An hour into the bad day: the last 24 h hold 60 minutes of 2 % errors.
                let at = history.start + history.badFrom * 60 + 3600
                let response = try await http.execute(uri: "/public/v1/services/crop-relief/sla?period=24h&at=\(at)", method: .get)
                #expect(response.status == .ok)
                let body = Data(buffer: response.body)
                try await Self.expectValid(body, PublicSchemas.sla)
                let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                #expect(json["generated_at"] as? String == SLOStatus.rfc3339(at * 1000))
                // 1440 minutes of 100 requests in the window, 120 of them failed: 99.9166 % shows as 99.91.
                #expect(json["uptime_percent"] as? Double == PublicRoutes.floorPercent(1 - 120.0 / (1440 * 100)), "\(json)")
                #expect(json["status"] as? String == "degraded", "the 1 h and 5 m burn rates are 20: the page fires")
                let bad = try await http.execute(uri: "/public/v1/services/crop-relief/sla?at=yesterday", method: .get)
                #expect(bad.status == .badRequest)
                let future = try await http.execute(
                    uri: "/public/v1/services/crop-relief/sla?at=\(Int(Date().timeIntervalSince1970) + 3600)", method: .get)
                #expect(future.status == .badRequest)
                // Many at once: a few are answered from the database at a time, the rest told to come back.
                let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                    for i in 0..<12 {
                        group.addTask {
                            let r = try await http.execute(
                                uri: "/public/v1/services/crop-relief/sla?period=7d&at=\(at - Int64(i) * 60)", method: .get)
                            return (r.status, String(buffer: r.body))
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0.0 == .ok || ($0.0 == .serviceUnavailable && $0.1.contains("too many requests for past pages")) })
                #expect(statuses.filter { $0.0 == .ok }.count >= PublicRoutes.historyLimit, "\(statuses.map(\.0))")
            }
        }
    }
}

/// Per-hour tallies: the same answers as every minute read, kept, and dropped when minutes change.
@Suite("SLO hour tallies")
struct SLOHourTallyTests {
    @Test func talliesAgreeWithMinutesAndLateMinutesRefreshThem() async throws {
        let history = SLOStatusTests.history()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-tally-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try history.text.write(toFile: folder + "/history.om", atomically: true, encoding: .utf8)
        let service = DemoConfig.make(demoPort: 8000).services[0]
        let slo = try #require(service.slos.first { $0.id == "median-latency" })
        let url = try await TestDatabase.fresh("slo_tally")
        try await TestDatabase.withClient(url) { client in
            try await Migrator().migrate(client, logger: TestDatabase.logger)
            let writer = RollupWriter.forService(postgres: client, logger: TestDatabase.logger)
            var sink = BackfillSink(writer: writer, retention: HMSConfig.Retention())
            _ = try await OpenMetricsImport(path: folder + "/history.om", service: service.id).run(into: &sink)
            let reader = SLOStatusReader(postgres: client, logger: TestDatabase.logger)
            let at = history.end * 1000
            let first = try await reader.status(slo, of: service, at: at)
            let stored = try await client.query("SELECT count(*)::int8 FROM slo_hour_tally", logger: TestDatabase.logger)
            for try await n in stored.decode(Int64.self) { #expect(n >= 72, "\(n) hour tallies kept") }
            // Read again from the tallies: the same; and the same as adding up every minute.
            #expect(try await reader.status(slo, of: service, at: at) == first)
            let selectors = try SLISelectors(slo.sli, service: service.id)
            let minutes = try await reader.reader.minutes(selectors, in: TimeSpan(start: first.window.start, end: at))
            let reference = SLOEvaluator.evaluate(slo.objectiveValue, window: first.window, at: at, slices: minutes)
            #expect(first.attainment == reference.attainment && first.budgetConsumed == reference.budgetConsumed && first.budgetConsumed == 30)
            #expect(first.burnRates == reference.burnRates)
            // A late minute (a replay) turns a good minute of an old hour bad: its hour's tally goes.
            let good = SeriesKey(metric: "latency_ms_bucket", labels: [Label("le", "250"), Label("job", service.id)], kind: .histogramBucket)
            let minute = (history.start + 600 * 60) * 1000
            try await writer.write([
                .init(series: good, minute: minute, increase: 0, min: nil, max: nil, sum: nil, count: 1, last: 0, lastTimestamp: minute + 1000)
            ])
            let later = try await reader.status(slo, of: service, at: at)
            #expect(later.budgetConsumed == 31, "the replayed minute counts: \(later.budgetConsumed)")
        }
    }
}
