import Core
import Exposition
import Foundation
import Logging
import PostgresNIO

/// Reads rollups: counter increases over any range, ratios, histogram buckets and quantiles,
/// gauge statistics. Every range is planned over day, hour and minute rows (`RangePlan`), so the
/// cost does not grow with history. Increases are exact sums, not PromQL's extrapolation.
public struct RollupQuery: Sendable {
    package let postgres: PostgresClient
    package let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// The series a selector picks, with their labels. A missing label matches as "" (as in PromQL).
    public func series(_ selector: Selector) async throws -> [(id: Int64, labels: [String: String])] {
        var sql = SQLBuilder()
        let metric = sql.bind(selector.metric)
        sql.append("SELECT id, labels::text FROM series WHERE metric = \(metric)")
        for matcher in selector.matchers {
            let name = sql.bind(matcher.label)
            switch matcher.op {
            case .equal, .notEqual:
                // Bucket bounds are stored one way ("10.0" and "1e1" are "10"), so match them that way.
                let value = sql.bind(matcher.label == "le" ? FamilyValidator.canonicalBound(matcher.value) : matcher.value)
                sql.append(" AND coalesce(labels->>\(name), '') \(matcher.op == .equal ? "=" : "<>") \(value)")
            case .matches, .notMatches:
                // PromQL regexes are anchored at both ends.
                let pattern = sql.bind("^(?:" + matcher.value + ")$")
                sql.append(" AND coalesce(labels->>\(name), '') \(matcher.op == .matches ? "~" : "!~") \(pattern)")
            }
        }
        var out: [(Int64, [String: String])] = []
        do {
            for try await (id, text) in try await postgres.query(sql.query, logger: logger)
                .decode((Int64, String).self)
            {
                let labels = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
                out.append((id, labels))
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "2201B" {
            throw StorageError.invalidRegularExpression(selector: "\(selector)")
        }
        return out
    }

    /// Sum of increases per series over `[from, to)` (milliseconds); series without rows are absent.
    public func increases(_ ids: [Int64], from: Int64, to: Int64) async throws -> [Int64: Double] {
        guard !ids.isEmpty else { return [:] }
        var sql = SQLBuilder()
        guard
            let rows = Self.rowsInRange(
                try await plan(from: from, to: to), of: ids, columns: "series_id, increase", condition: "increase IS NOT NULL", into: &sql)
        else { return [:] }
        sql.append("SELECT series_id, sum(increase)::float8 FROM (\(rows)) AS x GROUP BY series_id")
        var out: [Int64: Double] = [:]
        for try await (id, sum) in try await postgres.query(sql.query, logger: logger)
            .decode((Int64, Double).self)
        {
            out[id] = sum
        }
        return out
    }

    /// The rows to read for `[from, to)`: hours and days still pending a fold are read from the
    /// level below, so a query never sees an hour row that lags its minutes.
    public func plan(from: Int64, to: Int64) async throws -> RangePlan {
        var before: [String: Int64] = [:]
        let rows = try await postgres.query(
            "SELECT level, (extract(epoch FROM min(bucket)) * 1000)::int8 FROM fold_pending GROUP BY level", logger: logger)
        for try await (level, bucket) in rows.decode((String, Int64).self) { before[level] = bucket }
        return RangePlan(from: from, to: to, hoursBefore: before["hour"] ?? .max, daysBefore: before["day"] ?? .max)
    }

    /// `SELECT columns` from the day, hour and minute rows the plan names, for the series `ids`;
    /// nil for an empty range. Only our constants go into the text; the ids and times are bound.
    static func rowsInRange(_ plan: RangePlan, of ids: [Int64], columns: String, condition: String, into sql: inout SQLBuilder) -> String? {
        guard !plan.minutes.isEmpty || !plan.hours.isEmpty || !plan.days.isEmpty else { return nil }
        let series = sql.bind(ids)
        var parts: [String] = []
        // Minutes through `minute_rows`, which picks the series' elements out of their blocks.
        for range in plan.minutes {
            let (from, to) = (sql.bind(range.lowerBound), sql.bind(range.upperBound))
            parts.append(
                "SELECT \(columns) FROM minute_rows(\(series), to_timestamp(\(from) / 1000.0), to_timestamp(\(to) / 1000.0)) WHERE \(condition)")
        }
        for (table, ranges) in [("rollup_1h", plan.hours), ("rollup_1d", plan.days)] where !ranges.isEmpty {
            var clauses: [String] = []
            for range in ranges {
                let (from, to) = (sql.bind(range.lowerBound), sql.bind(range.upperBound))
                clauses.append("(bucket >= to_timestamp(\(from) / 1000.0) AND bucket < to_timestamp(\(to) / 1000.0))")
            }
            parts.append(
                "SELECT \(columns) FROM \(table) WHERE series_id = ANY(\(series)) AND \(condition) AND (\(clauses.joined(separator: " OR ")))")
        }
        return parts.joined(separator: " UNION ALL ")
    }

    /// A column of minute rows, summed per minute across series.
    public enum MinuteColumn: String, Sendable {
        case increase, sum, count
    }

    /// `column` summed per minute (its start, milliseconds) across the series `ids` over `span`;
    /// minutes where no series has a value are absent.
    public func perMinute(_ ids: [Int64], _ span: TimeSpan, column: MinuteColumn) async throws -> [Int64: Double] {
        guard !ids.isEmpty else { return [:] }
        var sql = SQLBuilder()
        let (series, from, to) = (sql.bind(ids), sql.bind(span.start), sql.bind(span.end))
        // The column's name is one of ours (`MinuteColumn`); every value is bound.
        sql.append(
            """
            SELECT (extract(epoch FROM bucket) * 1000)::int8, sum(\(column.rawValue))::float8
            FROM minute_rows(\(series), to_timestamp(\(from) / 1000.0), to_timestamp(\(to) / 1000.0))
            WHERE \(column.rawValue) IS NOT NULL
            GROUP BY bucket
            """)
        var out: [Int64: Double] = [:]
        for try await (minute, value) in try await postgres.query(sql.query, logger: logger).decode((Int64, Double).self) { out[minute] = value }
        return out
    }

    /// The start of the oldest hour still waiting for its fold (`.max` when none): hours from
    /// there on may still change.
    public func unfoldedHoursFrom() async throws -> Int64 {
        let rows = try await postgres.query(
            "SELECT (extract(epoch FROM min(bucket)) * 1000)::int8 FROM fold_pending WHERE level = 'hour'", logger: logger)
        for try await first in rows.decode(Int64?.self) { return first ?? .max }
        return .max
    }

    /// Per minute (its start, milliseconds) across the series `ids` over `span`: the sum of each
    /// series' mean in that minute (a gauge of several targets, such as their memory, added up);
    /// minutes where no series has a sample are absent.
    public func perMinuteMeans(_ ids: [Int64], _ span: TimeSpan) async throws -> [Int64: Double] {
        guard !ids.isEmpty else { return [:] }
        var out: [Int64: Double] = [:]
        let rows = try await postgres.query(
            """
            SELECT (extract(epoch FROM bucket) * 1000)::int8, sum(sum / count)::float8
            FROM minute_rows(\(ids), to_timestamp(\(span.start) / 1000.0), to_timestamp(\(span.end) / 1000.0))
            WHERE count > 0 AND sum IS NOT NULL
            GROUP BY bucket
            """, logger: logger)
        for try await (minute, value) in rows.decode((Int64, Double).self) { out[minute] = value }
        return out
    }

    /// Total increase of the selected counters over `[from, to)`; nil when no series has data there.
    public func increase(_ selector: Selector, from: Int64, to: Int64) async throws -> Double? {
        let found = try await increases(series(selector).map(\.id), from: from, to: to)
        return found.isEmpty ? nil : found.values.reduce(0, +)
    }

    /// `good / total` over the range; nil when total has no data or is zero.
    public func ratio(_ good: Selector, over total: Selector, from: Int64, to: Int64) async throws -> Double? {
        guard let all = try await increase(total, from: from, to: to), all > 0 else { return nil }
        return (try await increase(good, from: from, to: to) ?? 0) / all
    }

    /// Cumulative bucket counts of a histogram over the range, summed across series by `le`.
    /// `histogram` selects the base name (`latency_ms`); its `_bucket` series are read.
    public func buckets(_ histogram: Selector, from: Int64, to: Int64) async throws -> [(le: Double, count: Double)] {
        var selector = histogram
        selector.metric += "_bucket"
        let found = try await series(selector)
        let sums = try await increases(found.map(\.id), from: from, to: to)
        var byBound: [Double: Double] = [:]
        for (id, labels) in found {
            guard let text = labels["le"], let le = FamilyValidator.goNumber(text), let sum = sums[id] else { continue }
            byBound[le, default: 0] += sum
        }
        return byBound.map { ($0.key, $0.value) }.sorted { $0.le < $1.le }
    }

    /// The q-quantile (0...1) of a histogram over the range, interpolated as `histogram_quantile` does.
    public func quantile(_ q: Double, of histogram: Selector, from: Int64, to: Int64) async throws -> Double? {
        HistogramQuantile.quantile(q, buckets: try await buckets(histogram, from: from, to: to))
    }

    /// Gauge statistics over the range: min, max, mean of samples, sample count, last value.
    public struct GaugeStats: Sendable, Equatable {
        public var min: Double
        public var max: Double
        public var mean: Double
        public var count: Int
        public var last: Double
    }

    public func gauge(_ selector: Selector, from: Int64, to: Int64) async throws -> GaugeStats? {
        let ids = try await series(selector).map(\.id)
        guard !ids.isEmpty else { return nil }
        var sql = SQLBuilder()
        guard
            let rows = Self.rowsInRange(
                try await plan(from: from, to: to), of: ids, columns: "min, max, sum, count, last, last_at", condition: "min IS NOT NULL",
                into: &sql)
        else { return nil }
        sql.append(
            """
            SELECT min(min)::float8, max(max)::float8, sum(sum)::float8, sum(count)::int8, (array_agg(last ORDER BY last_at DESC))[1]::float8
            FROM (\(rows)) AS x HAVING count(*) > 0
            """)
        for try await (low, high, sum, count, last) in try await postgres.query(sql.query, logger: logger)
            .decode((Double, Double, Double, Int64, Double).self)
        {
            return GaugeStats(min: low, max: high, mean: count > 0 ? sum / Double(count) : 0, count: Int(count), last: last)
        }
        return nil
    }
}
