import Core
import Foundation
import HTTPAPI
import Hummingbird
import Logging

/// The seed's claim-scoring service in Swift: `GET|POST /score` answers `{"approved": bool}`,
/// instrumented with `claims_total{code}` and the `latency_ms` histogram at `/metrics`.
public enum DemoService {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var knobs: DemoKnobs
        /// Bearer token for `/admin/knobs`; without one, the demo must listen on loopback.
        public var adminToken: String?

        public init(host: String = "127.0.0.1", port: Int = 8000, knobs: DemoKnobs = .init(), adminToken: String? = nil) {
            self.host = host
            self.port = port
            self.knobs = knobs
            self.adminToken = adminToken
        }
    }

    struct Decision: Encodable { var approved: Bool }

    /// Builds the demo as a Hummingbird application; run it in a service group.
    public static func makeApplication(
        _ options: Options, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        if let problem = options.knobs.problem { throw APIError(.badRequest, problem) }
        if options.adminToken == nil, !["127.0.0.1", "localhost", "::1"].contains(options.host) {
            throw DemoServiceError.adminTokenNeeded(host: options.host)
        }
        let metrics = DemoMetrics()
        let knobs = DemoKnobsBox(options.knobs)
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        let score: @Sendable (Request, BasicRequestContext) async throws -> Response = { _, _ in
            var random = SystemRandomNumberGenerator()
            let current = knobs.current
            let clock = ContinuousClock()
            let start = clock.now
            if current.latencyMs > 0 {
                try await Task.sleep(for: .microseconds(Int64(logNormal(median: current.latencyMs, sigma: 0.35, using: &random) * 1000)))
            }
            let failed = Double.random(in: 0..<1, using: &random) < current.errorRate
            metrics.recordSuiteActivity(using: &random)
            let elapsed = clock.now - start
            metrics.latency.record(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            metrics.claims(code: failed ? 500 : 200).increment()
            if failed { return APIError(.internalServerError, "scoring failed (injected by the demo's error rate)").response }
            return JSONResponse.make(Decision(approved: Bool.random(using: &random)))
        }
        router.get("score", use: score)
        router.post("score", use: score)
        MetricsRoutes(registry: metrics.registry, pipeline: nil).register(on: router)
        router.get("healthz") { _, _ in JSONResponse.make(["status": "ok"]) }
        let token = options.adminToken
        router.get("admin/knobs") { request, _ in
            try authorize(request, token: token)
            return JSONResponse.make(knobs.current)
        }
        let update: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            try authorize(request, token: token)
            let patch: DemoKnobsPatch
            do {
                patch = try await request.decode(as: DemoKnobsPatch.self, context: context)
            } catch {
                throw APIError(.badRequest, "expected a JSON object such as {\"error_rate\": 0.1, \"latency_ms\": 300}")
            }
            var next = knobs.current
            if let value = patch.error_rate { next.errorRate = value }
            if let value = patch.latency_ms { next.latencyMs = value }
            if let problem = next.problem { throw APIError(.badRequest, problem) }
            knobs.set(next)
            context.logger.notice("demo knobs changed", metadata: ["error_rate": "\(next.errorRate)", "latency_ms": "\(next.latencyMs)"])
            return JSONResponse.make(next)
        }
        router.put("admin/knobs", use: update)
        router.post("admin/knobs", use: update)
        return Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "hms-ops-demo"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }

    static func authorize(_ request: Request, token: String?) throws {
        guard let token else { return }  // loopback-only listener, checked at start
        guard let header = request.headers[.authorization], AdminGate.constantTimeEquals(header, "Bearer \(token)") else {
            throw APIError(.unauthorized, "send the admin token as 'Authorization: Bearer <token>'")
        }
    }

    /// A log-normal draw whose median is `median`: latency-like, skewed to the right.
    static func logNormal<R: RandomNumberGenerator>(median: Double, sigma: Double, using random: inout R) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let u2 = Double.random(in: 0..<1, using: &random)
        let normal = (-2 * Foundation.log(u1)).squareRoot() * cos(2 * .pi * u2)
        return median * Foundation.exp(sigma * normal)
    }
}
