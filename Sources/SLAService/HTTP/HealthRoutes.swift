import Foundation
import Hummingbird

/// `GET /healthz`: always 200 while the process serves, saying whether the database answers.
/// It reads the health monitor's last answer, so it never waits on PostgreSQL.
struct HealthRoutes: Sendable {
    let health: DatabaseHealth

    struct Body: Encodable {
        struct DatabaseState: Encodable {
            var reachable: Bool
            var latency_ms: Double?
            var checked_at: Date?
        }
        var status: String
        var database: DatabaseState
    }

    func register(on router: Router<some RequestContext>) {
        router.get("healthz") { _, _ in
            let state = self.health.current
            return JSONResponse.make(
                Body(status: "ok", database: .init(reachable: state.reachable, latency_ms: state.latencyMilliseconds, checked_at: state.checkedAt)),
                headers: [.cacheControl: "no-store"])
        }
    }
}
