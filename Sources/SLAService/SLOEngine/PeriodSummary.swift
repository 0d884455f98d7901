import Config
import Core
import Foundation
import Logging
import PostgresNIO
import Storage

/// What the public page says of one service over one period: uptime, median and p95 latency.
public struct PeriodSummary: Sendable, Equatable {
    /// `24h`, `7d`, `30d`, `90d`, or a month `2026-10`.
    public var name: String
    public var span: TimeSpan
    /// Good share of the service's availability SLI (its first ratio SLO, else its probes); nil without data.
    public var uptime: Double?
    /// Quantiles of its first latency SLO's histogram, in the histogram's unit; nil without data.
    public var p50: Double?
    public var p95: Double?

    /// The rolling periods the public API offers, besides months.
    public static let rolling: [(String, ConfigDuration)] = [("24h", .hours(24)), ("7d", .days(7)), ("30d", .days(30)), ("90d", .days(90))]

    /// Reads the summary of `service` over `span` from the rollups (hours and days read whole).
    package static func read(
        _ service: ServiceDefinition, name: String, span: TimeSpan, postgres: PostgresClient, logger: Logger, latency: Bool = true
    ) async throws -> PeriodSummary {
        try await DataRefusal.unknownIfRefused(PeriodSummary(name: name, span: span), logger: logger, what: "\(service.id) \(name)") {
            try await readFigures(service, name: name, span: span, postgres: postgres, logger: logger, latency: latency)
        }
    }

    static func readFigures(
        _ service: ServiceDefinition, name: String, span: TimeSpan, postgres: PostgresClient, logger: Logger, latency: Bool
    ) async throws -> PeriodSummary {
        var summary = PeriodSummary(name: name, span: span)
        let reader = SLIReader(postgres: postgres, logger: logger)
        let availability = service.slos.first { if case .ratio = $0.sli { true } else { false } }?.sli ?? (service.probes.isEmpty ? nil : .probe)
        if let availability, let selectors = try? SLISelectors(availability, service: service.id) {
            let totals = try await reader.totals(selectors, in: span)
            let share = totals.good / totals.total
            if totals.total > 0, share.isFinite { summary.uptime = min(1, max(0, share)) }
        }
        for slo in service.slos where latency {
            guard case .latency(let histogram, _, _) = slo.sli, let selector = try? SLISelectors.scoped(histogram, service: service.id) else {
                continue
            }
            let buckets = try await reader.query.buckets(selector, from: span.start, to: span.end)
            summary.p50 = HistogramQuantile.quantile(0.5, buckets: buckets)
            summary.p95 = HistogramQuantile.quantile(0.95, buckets: buckets)
            break
        }
        return summary
    }

    /// `YYYY-MM` of the month starting at `start` in `zone`.
    static func monthName(_ start: Int64, _ zone: TimeZone) -> String {
        CalendarMonth.containing(start, in: zone)?.description ?? "month of \(TimeText.rfc3339(start, in: zone))"
    }

    public init(name: String, span: TimeSpan, uptime: Double? = nil, p50: Double? = nil, p95: Double? = nil) {
        self.name = name
        self.span = span
        self.uptime = uptime
        self.p50 = p50
        self.p95 = p95
    }
}
