import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import DemoService
@testable import SLAService
@testable import SLOEngine

@Suite("The demo claim-scoring service")
struct DemoServiceTests {
    func app(_ knobs: DemoKnobs = .init(errorRate: 0, latencyMs: 0)) throws -> some ApplicationProtocol {
        try DemoService.makeApplication(.init(port: 0, knobs: knobs), logger: TestDatabase.logger)
    }

    @Test func scoreAnswersAndIsCounted() async throws {
        try await app().test(.router) { http in
            for method in [HTTPRequest.Method.get, .post] {
                try await http.execute(uri: "/score", method: method) { response in
                    #expect(response.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(body?["approved"] is Bool)
                }
            }
            try await http.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"claims_total{code="200"} 2"#))
                #expect(text.contains(#"latency_ms_bucket{le="250.0"} 2"#))
                #expect(text.contains(#"latency_ms_bucket{le="400.0"} 2"#))
                #expect(text.contains("latency_ms_count 2"))
                for name in [
                    "gov_checks_total{decision=\"PASS\"}", "gov_checks_total{decision=\"BLOCK\"}", "agent_runs_total",
                    "hitl_tasks_waiting", "esq_incidents_total", "act_step_duration_ms_bucket",
                ] {
                    #expect(text.contains(name), "missing \(name)")
                }
            }
        }
    }

    @Test func knobsChangeAtRunTime() async throws {
        try await app().test(.router) { http in
            try await http.execute(uri: "/admin/knobs", method: .put, body: ByteBuffer(string: #"{"error_rate": 1}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""error_rate":1"#))
            }
            try await http.execute(uri: "/score", method: .get) { response in
                #expect(response.status == .internalServerError)
            }
            try await http.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"claims_total{code="500"} 1"#))
            }
        }
    }

    @Test func badKnobsAreRefusedWithAReason() async throws {
        try await app().test(.router) { http in
            try await http.execute(uri: "/admin/knobs", method: .put, body: ByteBuffer(string: #"{"error_rate": 3}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("error_rate must be between 0 and 1"))
            }
            try await http.execute(uri: "/admin/knobs", method: .put, body: ByteBuffer(string: "not json")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func adminNeedsTheTokenWhenOneIsSet() async throws {
        let app = try DemoService.makeApplication(.init(port: 0, adminToken: "0123456789abcdef0123"), logger: TestDatabase.logger)
        try await app.test(.router) { http in
            try await http.execute(uri: "/admin/knobs", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await http.execute(uri: "/admin/knobs", method: .get, headers: [.authorization: "Bearer 0123456789abcdef0123"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func listeningBeyondLoopbackRequiresAToken() {
        #expect(throws: DemoServiceError.self) {
            _ = try DemoService.makeApplication(.init(host: "0.0.0.0", port: 0), logger: TestDatabase.logger)
        }
    }
}
