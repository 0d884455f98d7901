import Config
import Core
import Exposition
import Foundation
import Logging
import PostgresNIO
import Storage

/// Reads an SLI's events from the rollups: per minute (for time slices and burn rates), or as
/// totals over any span (for Occurrences windows, from day, hour and minute rows).
public struct SLIReader: Sendable {
    package let query: RollupQuery
    package let postgres: PostgresClient
    package let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
        query = RollupQuery(postgres: postgres, logger: logger)
    }

    /// Good and total events per minute of `span` that has any (minutes with none are absent: no-data).
    public func minutes(_ sli: SLISelectors, in span: TimeSpan) async throws -> [SLISlice] {
        let total = try await perMinute(sli.total, span, column: sli.fromGauge ? .count : .increase)
        var good: [Int64: Double] = [:]
        if sli.fromGauge {
            good = try await perMinute(sli.total, span, column: .sum)
        } else if let selector = sli.good {
            good = try await perMinute(selector, span, column: .increase)
        } else if let selector = sli.bad {
            let bad = try await perMinute(selector, span, column: .increase)
            for (minute, all) in total { good[minute] = all - (bad[minute] ?? 0) }
        }
        return total.keys.sorted().map { minute in
            SLISlice(start: minute, good: max(0, good[minute] ?? 0), total: total[minute] ?? 0)
        }
    }

    /// Good and total events over all of `span` (exact sums; hours and days read whole).
    public func totals(_ sli: SLISelectors, in span: TimeSpan) async throws -> (good: Double, total: Double) {
        if sli.fromGauge {
            let stats = try await query.gauge(sli.total, from: span.start, to: span.end)
            return (stats.map { $0.mean * Double($0.count) } ?? 0, Double(stats?.count ?? 0))
        }
        let total = try await query.increase(sli.total, from: span.start, to: span.end) ?? 0
        if let good = sli.good { return (try await query.increase(good, from: span.start, to: span.end) ?? 0, total) }
        var bad = 0.0
        if let selector = sli.bad { bad = try await query.increase(selector, from: span.start, to: span.end) ?? 0 }
        return (max(0, total - bad), total)
    }

    /// A latency SLI is exact only when its bound is one of the histogram's bucket bounds; any
    /// other bound is refused (interpolating inside a bucket would guess), naming the bounds there are.
    public func checkBound(_ sli: SLIDefinition, _ selectors: SLISelectors) async throws {
        guard case .latency(let histogram, _, let below) = sli, let good = selectors.good else { return }
        if !(try await query.series(good)).isEmpty { return }
        var all = selectors.total
        all.matchers.removeAll { $0.label == "le" }
        let bounds = Set(try await query.series(all).compactMap { $0.labels["le"] })
        guard !bounds.isEmpty else { return }  // no data yet: nothing to judge
        let sorted = bounds.sorted { (FamilyValidator.goNumber($0) ?? .infinity) < (FamilyValidator.goNumber($1) ?? .infinity) }
        throw SLOError.thresholdNotABound(
            threshold: FamilyValidator.canonicalBound(String(below)), histogram: histogram, bounds: Array(sorted.prefix(30)))
    }

    /// One column summed per minute across the selected series.
    func perMinute(_ selector: Selector, _ span: TimeSpan, column: RollupQuery.MinuteColumn) async throws -> [Int64: Double] {
        try await query.perMinute(query.series(selector).map(\.id), span, column: column)
    }
}
