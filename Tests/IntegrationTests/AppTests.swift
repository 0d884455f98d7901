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

@Suite("The application, in process")
struct AppTests {
    static let config = DemoConfig.make(demoPort: 8000)

    struct Health: Decodable {
        struct Database: Decodable { var reachable: Bool }
        var status: String
        var database: Database
    }

    @Test func healthzReportsAReachableDatabase() async throws {
        try await TestDatabase.withClient { client, _ in
            let health = DatabaseHealth(postgres: client, logger: TestDatabase.logger)
            #expect(await health.check().reachable)
            let app = buildApplication(Self.config, dependencies: .init(postgres: client, health: health), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                try await http.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    let body = try JSONDecoder().decode(Health.self, from: Data(buffer: response.body))
                    #expect(body.status == "ok")
                    #expect(body.database.reachable)
                }
            }
        }
    }

    @Test func healthzSaysSoWhenTheDatabaseIsDown() async throws {
        // A client pointed at a port nobody listens on, running, as in production when the server dies.
        let port = try #require(PortProbe.freePort())
        let url = DatabaseURL(host: "127.0.0.1", port: port, username: "nobody", password: "x", database: "none")
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let health = DatabaseHealth(postgres: client, timeout: .milliseconds(500), logger: TestDatabase.logger)
            // The check gives up after its timeout instead of waiting on the driver.
            #expect(await !health.check().reachable)
            // No client for the app itself: its start-up migrations would (rightly) fail first.
            let app = buildApplication(Self.config, dependencies: .init(health: health), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                try await http.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try JSONDecoder().decode(Health.self, from: Data(buffer: response.body))
                    #expect(!body.database.reachable)
                }
            }
        }
    }

    @Test func metricsAreInThePrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "hms_test_marker_total").increment()
        let app = buildApplication(Self.config, dependencies: .init(registry: registry), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            try await http.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE hms_test_marker_total counter\nhms_test_marker_total 1\n"))
            }
        }
    }

    /// Uptime checkers send HEAD: every GET route answers it, with the GET's status and length.
    @Test func headIsAnsweredOnEveryGetRoute() async throws {
        var config = Self.config
        config.listen.port = 0
        let app = buildApplication(config, dependencies: .init(), logger: TestDatabase.logger)
        try await app.test(.live) { http in
            for path in ["/", "/healthz", "/metrics", "/public/v1/services", "/public/v1/services/crop-relief/sla", "/widgets/ops-sla-card.js"] {
                try await http.execute(uri: path, method: .head) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.body.readableBytes == 0, "\(path)")
                    #expect(Int(response.headers[.contentLength] ?? "") ?? 0 > 0, "\(path)")
                }
            }
            try await http.execute(uri: "/no/such/page", method: .head) { #expect($0.status == .notFound) }
        }
    }

    /// A period the page cannot show is a 400 naming the ones it can, never silently 24 hours;
    /// before the first evaluation the API says it is starting, not stale.
    @Test func unknownPeriodsAre400AndAFreshServerIsStarting() async throws {
        let app = buildApplication(Self.config, dependencies: .init(), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            for period in ["2026-13", "1y", "2026-10"] {
                try await http.execute(uri: "/?period=\(period)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(period)")
                    #expect(String(buffer: response.body).contains("period must be one of 24h, 7d, 30d, 90d"))
                }
            }
            try await http.execute(uri: "/public/v1/services", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#""stale":false"#) && body.contains(#""starting":true"#) && body.contains(#""generated_at":null"#))
            }
        }
    }

    @Test func unknownPathsAre404InOurErrorShape() async throws {
        let app = buildApplication(Self.config, dependencies: .init(), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            try await http.execute(uri: "/no/such/thing", method: .get) { response in
                #expect(response.status == .notFound)
                let text = String(buffer: response.body)
                #expect(text.contains(#""error":{"#))
                #expect(text.contains(#""status":404"#))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func indexPageEscapesServiceNamesAndHidesPrivateServices() async throws {
        var config = Self.config
        config.services[0].name = #"<script>alert("x")</script> & Co"#
        config.services.append(ServiceDefinition(id: "secret", name: "Secret Internal", isPublic: false))
        let app = buildApplication(config, dependencies: .init(), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            try await http.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>"))
                #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"))
                #expect(!html.contains("Secret Internal"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
        }
    }
}
