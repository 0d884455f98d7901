import Hummingbird
import PostgresNIO

/// `GET /healthz`: always 200 while the process serves, saying whether the database answers.
struct HealthRoutes: Sendable {
    let postgres: PostgresClient?
    /// How long the database may take to answer `SELECT 1` before we call it unreachable.
    let databaseTimeout: Duration

    struct Body: Encodable {
        struct DatabaseState: Encodable {
            var reachable: Bool
            var latency_ms: Double?
        }
        var status: String
        var database: DatabaseState
    }

    func register(on router: Router<some RequestContext>) {
        router.get("healthz") { _, context in
            let database = await self.checkDatabase(logger: context.logger)
            return JSONResponse.make(
                Body(status: "ok", database: database), headers: [.cacheControl: "no-store"])
        }
    }

    func checkDatabase(logger: Logger) async -> Body.DatabaseState {
        guard let postgres else { return .init(reachable: false) }
        let clock = ContinuousClock()
        let start = clock.now
        let answered = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await postgres.query("SELECT 1", logger: logger)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: self.databaseTimeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard answered else { return .init(reachable: false) }
        let elapsed = clock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return .init(reachable: true, latency_ms: (ms * 100).rounded() / 100)
    }
}
