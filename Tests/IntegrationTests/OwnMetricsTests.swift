import CoreMetrics
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@testable import Config
@testable import Exposition
@testable import HTTPAPI
@testable import Ingest
@testable import SLAService

/// hms-ops' own `/metrics`: valid for promtool (HELP on every family, `_total` on counters),
/// OpenMetrics when asked, private services only with the admin token, and a 4xx counted as
/// what it was.
@Suite("Own metrics")
struct OwnMetricsTests {
    static let token = "metrics-token-0123456789"

    static func app(_ registry: PrometheusCollectorRegistry) -> some ApplicationProtocol {
        var config = DemoConfig.make(demoPort: 8000)
        config.adminToken = token
        var hidden = ServiceDefinition(id: "internal-tool", name: "Internal tool")
        hidden.isPublic = false
        config.services.append(hidden)
        let factory = PrometheusMetricsFactory(registry: registry)
        for service in ["crop-relief", "internal-tool"] {
            Gauge(
                label: "hms_target_up", dimensions: [("service", service), ("kind", "scrape"), ("instance", "\(service).internal:9100")],
                factory: factory
            )
            .record(1)
            Counter(label: "hms_samples_dropped_total", dimensions: [("service", service), ("reason", "out_of_range")], factory: factory)
                .increment()
        }
        let pipeline = IngestPipeline(writer: nil, metrics: factory, logger: TestDatabase.logger)
        return buildApplication(
            config, dependencies: .init(pushStore: PushStore(), pipeline: pipeline, registry: registry), logger: TestDatabase.logger)
    }

    @Test func metricsPassPromtoolAndHidePrivateServicesWithoutTheToken() async throws {
        let registry = PrometheusCollectorRegistry()
        try await Self.app(registry).test(.router) { http in
            // A push refused for its content: a 400, and counted as one.
            try await http.execute(
                uri: "/metrics/job/j", method: .put, headers: [.authorization: "Bearer \(Self.token)"], body: ByteBuffer(string: "bad{ 1\n")
            ) { #expect($0.status == .badRequest) }
            var open = ""
            try await http.execute(uri: "/metrics", method: .get) { response in
                open = String(buffer: response.body)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            }
            #expect(!open.contains("internal-tool"))
            #expect(open.contains(#"hms_target_up{service="crop-relief""#))
            #expect(
                open.contains(#"hb_requests_total{http_route="/metrics/job/**",http_request_method="PUT",http_response_status_code="400"} 1"#),
                "\(open)")
            #expect(open.contains(#"hb_request_errors_total{http_route="/metrics/job/**",http_request_method="PUT",error_type="400"} 1"#))
            #expect(!open.contains(#"status_code="500""#) && !open.contains(#"error_type="200""#))
            try await http.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { response in
                #expect(
                    String(buffer: response.body).contains(
                        #"hms_target_up{service="internal-tool",kind="scrape",instance="internal-tool.internal:9100"} 1"#))
            }
            let promtool = try #require(Subprocess.which("promtool"), "Debian's prometheus (promtool) is not installed: run `make test-tools`")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("own-metrics-\(UUID().uuidString).prom").path
            try open.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let child = try Subprocess(["-c", "\(promtool) check metrics < \(file)"], executable: "/bin/sh")
            #expect(try await child.waitForExit(seconds: 60) == 0, "promtool check metrics: \(child.text)")

            try await http.execute(
                uri: "/metrics", method: .get, headers: [.accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"]
            ) { response in
                #expect(response.headers[.contentType] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
                let text = String(buffer: response.body)
                #expect(text.hasSuffix("# EOF\n"))
                #expect(text.contains("# TYPE hms_samples_dropped counter\nhms_samples_dropped_total{"))
                let parsed = ExpositionParser.parse(Array(text.utf8), format: .openMetrics)
                #expect(parsed.errors.isEmpty, "\(parsed.errors.prefix(3))")
                #expect(parsed.families.allSatisfy { $0.help?.isEmpty == false })
            }
        }
    }
}
