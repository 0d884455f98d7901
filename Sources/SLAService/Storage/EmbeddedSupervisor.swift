import Core
import Logging
import ServiceLifecycle

/// Keeps the embedded PostgreSQL of `hms-ops up` running: if it dies (killed, out of memory),
/// it is started again on the same port, with backoff between failed tries, and said in the log.
/// Meanwhile closed minutes go to the spool, which is replayed once the database answers.
public struct EmbeddedSupervisor: Service {
    package let server: EmbeddedPostgres
    package let interval: Duration
    package let logger: Logger

    public init(server: EmbeddedPostgres, interval: Duration = .seconds(2), logger: Logger) {
        self.server = server
        self.interval = interval
        self.logger = logger
    }

    /// Backoff after the n-th failed restart in a row: 1, 2, 4 ... 30 seconds.
    static func backoff(after failures: Int) -> Duration { .seconds(min(30, 1 << min(failures, 5))) }

    public func run() async throws {
        guard server.isOwner else { return try await gracefulShutdown() }
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: failures == 0 ? interval : Self.backoff(after: failures))
                guard !Task.isCancelled, !server.isRunning else { continue }
                if failures == 0 {
                    logger.error("the embedded PostgreSQL stopped unexpectedly; restarting it", metadata: ["cluster": "\(server.clusterDirectory)"])
                }
                do {
                    try await server.restart()
                    logger.notice(
                        "the embedded PostgreSQL is running again; spooled minutes are replayed",
                        metadata: ["cluster": "\(server.clusterDirectory)", "port": "\(server.url.port)"])
                    failures = 0
                } catch {
                    failures += 1
                    logger.error(
                        "the embedded PostgreSQL could not be restarted; trying again",
                        metadata: ["in": "\(Self.backoff(after: failures))", "error": "\(UserFacingError.describe(error))"])
                }
            }
        }
    }
}
