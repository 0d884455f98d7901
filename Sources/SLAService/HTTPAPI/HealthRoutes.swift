import Foundation
import Hummingbird
import Ingest
import Storage

/// `GET /healthz`: always 200 while the process serves, saying whether the database answers
/// and how far ingest is behind (`degraded` past `IngestPipeline.behindAfter`). It reads the
/// health monitor's last answer and the pipeline's counters, so it never waits on PostgreSQL.
struct HealthRoutes: Sendable {
    package let health: DatabaseHealth
    package let pipeline: IngestPipeline?

    struct Body: Encodable {
        struct DatabaseState: Encodable {
            var reachable: Bool
            package var latency_ms: Double?
            var checked_at: Date?
        }
        struct IngestState: Encodable {
            var lag_seconds: Double
            package var status: String
        }
        package var status: String
        package var database: DatabaseState
        package var ingest: IngestState?
    }

    package func register(on router: Router<some RequestContext>) {
        router.get("healthz") { _, _ in
            let state = self.health.current
            let ingest = self.pipeline?.health()
            return JSONResponse.make(
                Body(
                    status: ingest?.isBehind == true ? "degraded" : "ok",
                    database: .init(reachable: state.reachable, latency_ms: state.latencyMilliseconds, checked_at: state.checkedAt),
                    ingest: ingest.map { .init(lag_seconds: ($0.lagSeconds * 1000).rounded() / 1000, status: $0.isBehind ? "behind" : "ok") }),
                headers: [.cacheControl: "no-store"])
        }
    }
}
