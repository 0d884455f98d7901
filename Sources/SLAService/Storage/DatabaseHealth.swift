import Core
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Knows whether the database answers, without making anyone wait for it: a service checks
/// `SELECT 1` every few seconds and readers get the last answer at once.
public final class DatabaseHealth: Service, Sendable {
    /// The last check's outcome.
    public struct State: Sendable, Equatable {
        public var reachable: Bool
        public var latencyMilliseconds: Double?
        public var checkedAt: Date?
    }

    private let postgres: PostgresClient?
    private let interval: Duration
    private let timeout: Duration
    private let logger: Logger
    /// The last outcome and the number of the check that gave it. Checks are numbered as they
    /// start (`started`): an answer that comes after a newer check's (a slow check started
    /// while the database was still starting) does not overwrite it. One lock for both, so two
    /// answers cannot interleave between the comparison and the write.
    private let state = Mutex((outcome: State(reachable: false), ticket: 0))
    private let started = Atomic(0)
    /// True while a check's query is still out; a hung database must not pile queries up.
    private let inFlight = Mutex(false)

    public init(postgres: PostgresClient?, interval: Duration = .seconds(5), timeout: Duration = .seconds(2), logger: Logger) {
        self.postgres = postgres
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
    }

    /// The most recent answer; `reachable: false` before the first check.
    public var current: State { state.withLock { $0.outcome } }

    public func run() async throws {
        guard postgres != nil else {
            // Nothing to watch, but a service that returns early would stop the whole group.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.check()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Runs one check, waiting at most `timeout`; returns and records the outcome.
    @discardableResult
    public func check() async -> State {
        guard let postgres else { return current }
        let ticket = started.add(1, ordering: .relaxed).newValue
        let alreadyOut = inFlight.withLock { busy -> Bool in
            defer { busy = true }
            return busy
        }
        guard !alreadyOut else {
            let unreachable = State(reachable: false, latencyMilliseconds: nil, checkedAt: Date())
            record(unreachable, ticket: ticket)
            return unreachable
        }
        let clock = ContinuousClock()
        let start = clock.now
        let answer = Once<Bool>()
        // The query runs unstructured: a driver waiting on a dead server may ignore cancellation
        // for a long time, and the check must not wait with it.
        let logger = self.logger
        Task {
            let ok = (try? await postgres.query("SELECT 1", logger: logger)) != nil
            self.inFlight.withLock { $0 = false }
            answer.resume(with: .success(ok))
        }
        let timeout = self.timeout
        Task {
            try? await Task.sleep(for: timeout)
            answer.resume(with: .success(false))
        }
        let reachable = (try? await answer.value()) ?? false
        let elapsed = clock.now - start
        let outcome = State(reachable: reachable, latencyMilliseconds: reachable ? Self.milliseconds(elapsed) : nil, checkedAt: Date())
        record(outcome, ticket: ticket)
        return outcome
    }

    /// The database has just answered a query that took `latency` (the migrations, before the
    /// listener opens): recorded as a check's outcome, so the first `/healthz` says so.
    public func answered(in latency: Duration) {
        record(
            State(reachable: true, latencyMilliseconds: Self.milliseconds(latency), checkedAt: Date()),
            ticket: started.add(1, ordering: .relaxed).newValue)
    }

    /// A duration in milliseconds, to the hundredth.
    package static func milliseconds(_ duration: Duration) -> Double {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return (ms * 100).rounded() / 100
    }

    private func record(_ outcome: State, ticket: Int) {
        let was = state.withLock { state -> Bool? in
            guard ticket > state.ticket else { return nil }
            defer { state = (outcome, ticket) }
            return state.outcome.reachable
        }
        if let was, was != outcome.reachable {
            if outcome.reachable {
                logger.info("database reachable")
            } else {
                logger.warning("database unreachable")
            }
        }
    }
}
