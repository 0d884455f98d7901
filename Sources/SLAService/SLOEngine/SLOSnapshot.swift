import Config
import Foundation

/// The last evaluation of every SLO of every service: immutable, replaced whole each minute, so
/// whoever reads it (the public API, `/metrics`) never waits on the database.
public struct SLOSnapshot: Sendable {
    public struct Entry: Sendable {
        public var service: String
        public var slo: SLODefinition
        /// Nil when this SLO could not be evaluated (see `problem`).
        public var status: SLOStatus?
        public var problem: String?
    }

    /// When it was evaluated (milliseconds since the epoch).
    public var evaluatedAt: Int64
    public var entries: [Entry]
    /// Public services' summaries by service id and period name (`24h` … `90d`, `2026-10`).
    public var periods: [String: [String: PeriodSummary]] = [:]
    /// The suite's metrics over each rolling period (`24h` … `90d`), public services only.
    public var suite: [String: SuiteFigures] = [:]
    /// Public services' last 90 days of daily uptime, by service id (re-read hourly).
    public var days: [String: [DailyUptime]] = [:]
    /// True when the latest evaluation failed (the database is away) and these are older figures.
    public var stale = false

    public init(evaluatedAt: Int64, entries: [Entry]) {
        self.evaluatedAt = evaluatedAt
        self.entries = entries
    }

    public func entry(service: String, slo: String) -> Entry? { entries.first { $0.service == service && $0.slo.id == slo } }
}
