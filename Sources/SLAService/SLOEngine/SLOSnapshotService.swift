import Config
import Core
import CoreMetrics
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage
import Synchronization

/// Evaluates every SLO once a minute into the snapshot, keeps each result in `slo_status` (so
/// history can be read back), and sets the `slo_*` gauges on `/metrics`.
public struct SLOSnapshotService: Service {
    package let services: [ServiceDefinition]
    package let postgres: PostgresClient
    package let store: SLOSnapshotStore
    package let metrics: any MetricsFactory
    package let logger: Logger
    package let interval: Duration
    /// Before the first evaluation: the server migrates the schema as it starts.
    package let firstDelay: Duration
    /// One evaluation may take this long before the database counts as away.
    package let timeout: Duration
    /// Whether to read the public periods' summaries too (the server does; history does not).
    let summarizePeriods: Bool
    /// Whether ingest is behind (minutes not yet written): while it is, the figures read from
    /// the database miss the newest minutes, and are served as stale.
    package let ingestIsBehind: (@Sendable () -> Bool)?

    public init(
        services: [ServiceDefinition], postgres: PostgresClient, store: SLOSnapshotStore, metrics: any MetricsFactory, logger: Logger,
        interval: Duration = .seconds(60), firstDelay: Duration = .seconds(5), timeout: Duration = .seconds(30), summarizePeriods: Bool = true,
        ingestIsBehind: (@Sendable () -> Bool)? = nil
    ) {
        self.summarizePeriods = summarizePeriods
        self.ingestIsBehind = ingestIsBehind
        self.services = services
        self.postgres = postgres
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.interval = interval
        self.firstDelay = firstDelay
        self.timeout = timeout
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: firstDelay)
            var failing = false
            while !Task.isCancelled {
                do {
                    // The driver waits a long time for a server that is gone; the page must not.
                    _ = try await withDeadline(timeout) { try await evaluateOnce(at: WallClock.now()) }
                    if failing { logger.info("SLOs evaluated again") }
                    failing = false
                    if ingestIsBehind?() == true { store.markStale() }
                } catch {
                    store.markStale()
                    if !failing {
                        let reason = error is CancellationError ? "the database did not answer within \(timeout)" : UserFacingError.describe(error)
                        logger.warning("SLO evaluation failed; the last figures are served as stale", metadata: ["error": "\(reason)"])
                    }
                    failing = true
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Evaluates every SLO at `at`, replaces the snapshot, stores the results, sets the gauges.
    /// Throws when the database cannot be read (an SLO that is wrong in itself is reported in
    /// its entry instead).
    @discardableResult
    public func evaluateOnce(at: Int64) async throws -> SLOSnapshot {
        let snapshot = try await evaluate(at: at)
        store.replace(snapshot)
        publish(snapshot)
        try await persist(snapshot)
        return snapshot
    }

    /// Every SLO at `at`, nothing stored or published.
    func evaluate(at: Int64) async throws -> SLOSnapshot {
        let reader = SLOStatusReader(postgres: postgres, logger: logger)
        var entries: [SLOSnapshot.Entry] = []
        for service in services { entries += try await reader.entries(of: service, at: at) }
        var snapshot = SLOSnapshot(evaluatedAt: at, entries: entries)
        if summarizePeriods {
            snapshot.periods = try await periods(at: at)
            snapshot.days = try await days(at: at)
            let now = RangePlan.floor(at, 60_000)
            for (name, length) in PeriodSummary.rolling {
                snapshot.suite[name] = try await DataRefusal.unknownIfRefused(SuiteFigures(), logger: logger, what: "suite \(name)") {
                    try await SuiteFigures.read(
                        services, span: TimeSpan(start: now - length.milliseconds, end: now), postgres: postgres, logger: logger)
                }
            }
        }
        return snapshot
    }

    /// The public periods of every public service at `at`: the rolling ones and the current
    /// month each time; the twelve months before it once an hour (they change only by imports).
    package func periods(at: Int64) async throws -> [String: [String: PeriodSummary]] {
        var out: [String: [String: PeriodSummary]] = [:]
        let now = RangePlan.floor(at, 60_000)
        let refreshMonths: Bool = store.months.withLock { cache in
            guard let read = cache.at else { return true }
            return now - read >= 3_600_000 || now < read
        }
        var closed: [String: [String: PeriodSummary]] = refreshMonths ? [:] : store.months.withLock { $0.summaries }
        for service in services where service.isPublic {
            let zone = service.zone
            var summaries: [String: PeriodSummary] = [:]
            for (name, length) in PeriodSummary.rolling {
                summaries[name] = try await PeriodSummary.read(
                    service, name: name, span: TimeSpan(start: now - length.milliseconds, end: now), postgres: postgres, logger: logger)
            }
            let month = SLOWindow.calendar(.month).span(at: now, timeZone: zone)
            let current = PeriodSummary.monthName(month.start, zone)
            summaries[current] = try await PeriodSummary.read(
                service, name: current, span: TimeSpan(start: month.start, end: now), postgres: postgres, logger: logger)
            if refreshMonths {
                var start = month.start
                for _ in 0..<12 {
                    let previous = SLOWindow.calendar(.month).span(at: start - 1, timeZone: zone)
                    let name = PeriodSummary.monthName(previous.start, zone)
                    closed[service.id, default: [:]][name] = try await PeriodSummary.read(
                        service, name: name, span: previous, postgres: postgres, logger: logger)
                    start = previous.start
                }
            }
            out[service.id] = summaries.merging(closed[service.id] ?? [:]) { live, _ in live }
        }
        if refreshMonths { store.months.withLock { $0 = (now, closed) } }
        return out
    }

    /// The public services' 90-day strips, re-read once an hour (a day's square changes slowly).
    package func days(at: Int64) async throws -> [String: [DailyUptime]] {
        let now = RangePlan.floor(at, 60_000)
        if let cached = store.days.withLock({ cache in cache.at.map { now - $0 < 3_600_000 && now >= $0 } == true ? cache.days : nil }) {
            return cached
        }
        var out: [String: [DailyUptime]] = [:]
        for service in services where service.isPublic {
            out[service.id] = try await DailyUptime.read(service, days: 90, at: now, postgres: postgres, logger: logger)
        }
        store.days.withLock { $0 = (now, out) }
        return out
    }

    func publish(_ snapshot: SLOSnapshot) {
        for entry in snapshot.entries {
            guard let status = entry.status else { continue }
            let dimensions = [("service", entry.service), ("slo", entry.slo.id)]
            if let remaining = status.budgetRemaining, remaining.isFinite {
                Gauge(label: "slo_error_budget_remaining_ratio", dimensions: dimensions, factory: metrics).record(remaining)
            }
            if let attainment = status.attainment {
                Gauge(label: "slo_attainment_ratio", dimensions: dimensions, factory: metrics).record(attainment)
            }
            for (window, rate) in status.burnRates {
                Gauge(label: "slo_burn_rate", dimensions: dimensions + [("window", window.description)], factory: metrics).record(rate)
            }
        }
    }

    /// One row per SLO and evaluation minute; evaluating a minute again replaces its row.
    func persist(_ snapshot: SLOSnapshot) async throws {
        var evaluations: [SLOTables.Evaluation] = []
        for entry in snapshot.entries {
            guard let status = entry.status else { continue }
            let json = String(decoding: try FiniteJSON.data(status.jsonObject(service: entry.service, slo: entry.slo)), as: UTF8.self)
            evaluations.append(
                .init(service: entry.service, slo: entry.slo.id, attainment: status.attainment, budgetRemaining: status.budgetRemaining, json: json))
        }
        try await SLOTables(postgres: postgres, logger: logger).storeEvaluations(evaluations, at: RangePlan.floor(snapshot.evaluatedAt, 60_000))
    }
}
