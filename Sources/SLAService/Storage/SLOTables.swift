import Logging
import PostgresNIO

/// The SLO engine's own tables: per-hour tallies (`slo_hour_tally`) and stored evaluations
/// (`slo_status`). The statements live here; what they mean (when a tally may be kept, which
/// evaluations an import makes wrong) is the SLO engine's to decide.
public struct SLOTables: Sendable {
    package let postgres: PostgresClient
    package let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// One SLI's events and slices in one hour.
    public struct HourTally: Sendable, Equatable {
        public var good: Double
        public var total: Double
        public var slices: Int
        public var goodSlices: Int
        public var ratioSum: Double

        public init(good: Double, total: Double, slices: Int, goodSlices: Int, ratioSum: Double) {
            self.good = good
            self.total = total
            self.slices = slices
            self.goodSlices = goodSlices
            self.ratioSum = ratioSum
        }
    }

    /// The stored tallies of `key` for the hours in `[from, to)`, by hour start.
    public func tallies(key: String, from: Int64, to: Int64) async throws -> [Int64: HourTally] {
        var stored: [Int64: HourTally] = [:]
        let rows = try await postgres.query(
            """
            SELECT (extract(epoch FROM hour) * 1000)::int8, good, total, slices, good_slices, ratio_sum FROM slo_hour_tally
            WHERE key = \(key) AND hour >= to_timestamp(\(from) / 1000.0) AND hour < to_timestamp(\(to) / 1000.0)
            """, logger: logger)
        for try await (hour, good, total, slices, goodSlices, ratioSum) in rows.decode((Int64, Double, Double, Int64, Int64, Double).self) {
            stored[hour] = HourTally(good: good, total: total, slices: Int(slices), goodSlices: Int(goodSlices), ratioSum: ratioSum)
        }
        return stored
    }

    /// Keeps `tallies` of `key`; an hour already kept stays as it is.
    public func store(key: String, _ tallies: [Int64: HourTally]) async throws {
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

    /// Drops every SLI's tallies of the hours starting at `hours`.
    public func forgetTallies(hours: [Int64]) async throws {
        guard !hours.isEmpty else { return }
        try await postgres.query(
            "DELETE FROM slo_hour_tally WHERE hour = ANY(ARRAY(SELECT to_timestamp(h / 1000.0) FROM UNNEST(\(hours)::int8[]) AS u(h)))",
            logger: logger)
    }

    /// One stored evaluation of one SLO.
    public struct Evaluation: Sendable {
        public var service: String
        public var slo: String
        /// Nil when there was nothing to judge; infinite values are stored as they can be.
        public var attainment: Double?
        public var budgetRemaining: Double?
        /// The evaluation as the API shows it (JSON, finite numbers only).
        public var json: String

        public init(service: String, slo: String, attainment: Double?, budgetRemaining: Double?, json: String) {
            self.service = service
            self.slo = slo
            self.attainment = attainment
            self.budgetRemaining = budgetRemaining
            self.json = json
        }
    }

    /// Stores the evaluations made at `minute` (its start); evaluating a minute again replaces its rows.
    public func storeEvaluations(_ evaluations: [Evaluation], at minute: Int64) async throws {
        guard !evaluations.isEmpty else { return }
        let services = evaluations.map(\.service), slos = evaluations.map(\.slo), payloads = evaluations.map(\.json)
        let attainments = evaluations.map { $0.attainment.flatMap { $0.isFinite ? $0 : nil } ?? .nan }
        let remainings = evaluations.map { $0.budgetRemaining.map { $0.isFinite ? $0 : -1e308 } ?? .nan }
        try await postgres.query(
            """
            INSERT INTO slo_status (service, slo, at, attainment, budget_remaining, status)
            SELECT s, o, to_timestamp(\(minute) / 1000.0), NULLIF(a, 'NaN'), NULLIF(r, 'NaN'), p::jsonb
            FROM UNNEST(\(services)::text[], \(slos)::text[], \(attainments)::float8[], \(remainings)::float8[], \(payloads)::text[]) AS t(s, o, a, r, p)
            ON CONFLICT (service, slo, at) DO UPDATE SET
                attainment = EXCLUDED.attainment, budget_remaining = EXCLUDED.budget_remaining, status = EXCLUDED.status
            """, logger: logger)
    }

    /// Drops the evaluations stored for moments at or after `from`.
    public func forgetEvaluations(from: Int64) async throws {
        try await postgres.query("DELETE FROM slo_status WHERE at >= to_timestamp(\(from) / 1000.0)", logger: logger)
    }
}
