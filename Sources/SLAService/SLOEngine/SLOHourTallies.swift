import Core
import Crypto
import Foundation
import Logging
import PostgresNIO
import Storage

/// Adds up an SLI over any span from stored per-hour tallies plus the minutes at its edges, so a
/// 30-day window of time slices reads 720 small rows and at most two hours of minutes, however
/// long the history. A tally is stored once its hour is complete (not in `fold_pending`) and
/// forgotten when minutes land in that hour late (a replay or an import: the rollup writer says
/// which hours, `forget(lateHours:)`); it is keyed by the SLO's definition, so changing an SLO
/// starts its tallies afresh.
package struct SLOHourTallies: Sendable {
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

    var tables: SLOTables { SLOTables(postgres: postgres, logger: logger) }

    /// The start of the oldest hour still waiting for its fold: hours from there on may still change.
    func unsettledFrom() async throws -> Int64 { try await reader.query.unfoldedHoursFrom() }

    /// What to do when the rollup writer folds minutes into hours already complete: their tallies
    /// were made without those minutes, so they are made again when next asked for.
    package static func forget(lateHours hours: [Int64], postgres: PostgresClient, logger: Logger) async throws {
        try await SLOTables(postgres: postgres, logger: logger).forgetTallies(hours: hours)
    }

    /// The tally of `span` (whole minutes).
    func tally(_ selectors: SLISelectors, threshold: Double, in span: TimeSpan, unsettledFrom: Int64) async throws -> SLOEvaluator.Tally {
        let firstHour = RangePlan.floor(span.start + Self.hour - 1, Self.hour)
        let lastHour = RangePlan.floor(span.end, Self.hour)
        guard firstHour < lastHour else { return try await minutes(selectors, threshold, span) }
        var total = try await minutes(selectors, threshold, TimeSpan(start: span.start, end: firstHour))
        total = total + (try await minutes(selectors, threshold, TimeSpan(start: lastHour, end: span.end)))
        let key = Self.key(selectors, threshold: threshold)
        var stored = try await tables.tallies(key: key, from: firstHour, to: lastHour).mapValues(SLOEvaluator.Tally.init)
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
        try await tables.store(key: key, tallies.mapValues(\.hourTally))
    }
}

extension SLOEvaluator.Tally {
    init(_ stored: SLOTables.HourTally) {
        self.init(good: stored.good, total: stored.total)
        slices = stored.slices
        goodSlices = stored.goodSlices
        ratioSum = stored.ratioSum
    }

    var hourTally: SLOTables.HourTally {
        SLOTables.HourTally(good: good, total: total, slices: slices, goodSlices: goodSlices, ratioSum: ratioSum)
    }
}
