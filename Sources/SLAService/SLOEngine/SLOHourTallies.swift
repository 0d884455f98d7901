import Core
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Adds up an SLI over any span from stored per-hour tallies plus the minutes at its edges, so a
/// 30-day window of time slices reads 720 small rows and at most two hours of minutes, however
/// long the history. A tally is stored once its hour is complete (not in `fold_pending`) and
/// deleted by the rollup writer when minutes land in that hour late (a replay or an import);
/// it is keyed by the SLO's definition, so changing an SLO starts its tallies afresh.
struct SLOHourTallies: Sendable {
    package let reader: SLIReader
    package let postgres: PostgresClient
    package let logger: Logger
    static let hour: Int64 = 3_600_000

    /// What identifies the tallies of one SLI judged one way.
    package static func key(_ selectors: SLISelectors, threshold: Double) -> String {
        let text =
            "\(selectors.good.map(\.description) ?? "")|\(selectors.bad.map(\.description) ?? "")|\(selectors.total)|\(selectors.fromGauge)|\(threshold)"
        return Hex.sha256(Data(text.utf8), bytes: 16)
    }

    /// The start of the oldest hour still waiting for its fold: hours from there on may still change.
    func unsettledFrom() async throws -> Int64 {
        let rows = try await postgres.query(
            "SELECT (extract(epoch FROM min(bucket)) * 1000)::int8 FROM fold_pending WHERE level = 'hour'", logger: logger)
        for try await first in rows.decode(Int64?.self) { return first ?? .max }
        return .max
    }

    /// The tally of `span` (whole minutes).
    func tally(_ selectors: SLISelectors, threshold: Double, in span: TimeSpan, unsettledFrom: Int64) async throws -> SLOEvaluator.Tally {
        let firstHour = RangePlan.floor(span.start + Self.hour - 1, Self.hour)
        let lastHour = RangePlan.floor(span.end, Self.hour)
        guard firstHour < lastHour else { return try await minutes(selectors, threshold, span) }
        var total = try await minutes(selectors, threshold, TimeSpan(start: span.start, end: firstHour))
        total = total + (try await minutes(selectors, threshold, TimeSpan(start: lastHour, end: span.end)))
        let key = Self.key(selectors, threshold: threshold)
        var stored: [Int64: SLOEvaluator.Tally] = [:]
        let rows = try await postgres.query(
            """
            SELECT (extract(epoch FROM hour) * 1000)::int8, good, total, slices, good_slices, ratio_sum FROM slo_hour_tally
            WHERE key = \(key) AND hour >= to_timestamp(\(firstHour) / 1000.0) AND hour < to_timestamp(\(lastHour) / 1000.0)
            """, logger: logger)
        for try await (hour, good, all, slices, goodSlices, ratioSum) in rows.decode((Int64, Double, Double, Int64, Int64, Double).self) {
            var tally = SLOEvaluator.Tally(good: good, total: all)
            tally.slices = Int(slices)
            tally.goodSlices = Int(goodSlices)
            tally.ratioSum = ratioSum
            stored[hour] = tally
        }
        let missing = stride(from: firstHour, to: lastHour, by: Int(Self.hour)).filter { stored[$0] == nil }
        if let from = missing.first, let to = missing.last.map({ $0 + Self.hour }) {
            // One read for every missing hour, tallied per hour; complete hours are kept.
            var fresh: [Int64: SLOEvaluator.Tally] = Dictionary(uniqueKeysWithValues: missing.map { ($0, SLOEvaluator.Tally()) })
            for slice in try await reader.minutes(selectors, in: TimeSpan(start: from, end: to)) {
                let hour = RangePlan.floor(slice.start, Self.hour)
                if fresh[hour] != nil { fresh[hour]!.add(slice, threshold: threshold) }
            }
            for (hour, tally) in fresh { stored[hour] = tally }
            try await store(key, fresh.filter { $0.key + Self.hour <= unsettledFrom })
        }
        return stored.values.reduce(total, +)
    }

    package func minutes(_ selectors: SLISelectors, _ threshold: Double, _ span: TimeSpan) async throws -> SLOEvaluator.Tally {
        guard span.end > span.start else { return SLOEvaluator.Tally() }
        var tally = SLOEvaluator.Tally()
        for slice in try await reader.minutes(selectors, in: span) { tally.add(slice, threshold: threshold) }
        return tally
    }

    package func store(_ key: String, _ tallies: [Int64: SLOEvaluator.Tally]) async throws {
        guard !tallies.isEmpty else { return }
        let hours = Array(tallies.keys), values = hours.map { tallies[$0]! }
        let goods = values.map(\.good), totals = values.map(\.total), slices = values.map { Int64($0.slices) }
        let goodSlices = values.map { Int64($0.goodSlices) }, ratioSums = values.map(\.ratioSum)
        try await postgres.query(
            """
            INSERT INTO slo_hour_tally (key, hour, good, total, slices, good_slices, ratio_sum)
            SELECT \(key), to_timestamp(h / 1000.0), g, t, s, gs, r
            FROM UNNEST(\(hours)::int8[], \(goods)::float8[], \(totals)::float8[], \(slices)::int8[], \(goodSlices)::int8[], \(ratioSums)::float8[])
                 AS x(h, g, t, s, gs, r)
            ON CONFLICT (key, hour) DO NOTHING
            """, logger: logger)
    }
}
