import Foundation
import Logging
import PostgresNIO

/// The cost engine's table: per quarter hour, what a service used (`cost_usage`). The
/// statements live here; which quarters may be kept, and what the measures mean, is the cost
/// engine's to decide.
public struct CostTables: Sendable {
    package let postgres: PostgresClient
    package let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// One measure of one quarter hour: the quantity summed over its minutes with data.
    public struct Quantity: Sendable, Equatable {
        public var measure: String
        public var quantity: Decimal
        public var minutes: Int

        public init(measure: String, quantity: Decimal, minutes: Int) {
            self.measure = measure
            self.quantity = quantity
            self.minutes = minutes
        }
    }

    /// The stored quarters of `key` in `[from, to)`, by their start; a quarter with no usage is
    /// stored as a `none` measure, so it reads back as present and empty.
    public func usage(key: String, from: Int64, to: Int64) async throws -> [Int64: [Quantity]] {
        var stored: [Int64: [Quantity]] = [:]
        let rows = try await postgres.query(
            """
            SELECT (extract(epoch FROM bucket) * 1000)::int8, measure, quantity, minutes FROM cost_usage
            WHERE key = \(key) AND bucket >= to_timestamp(\(from) / 1000.0) AND bucket < to_timestamp(\(to) / 1000.0)
            """, logger: logger)
        for try await (bucket, measure, quantity, minutes) in rows.decode((Int64, String, Decimal, Int32).self) {
            stored[bucket, default: []].append(Quantity(measure: measure, quantity: quantity, minutes: Int(minutes)))
        }
        return stored
    }

    /// Keeps the quarters of `key`; a quarter already kept stays as it is.
    public func store(key: String, _ quarters: [Int64: [Quantity]]) async throws {
        var buckets: [Int64] = [], measures: [String] = [], quantities: [String] = [], minutes: [Int32] = []
        for (bucket, values) in quarters {
            for value in values.isEmpty ? [Quantity(measure: "none", quantity: 0, minutes: 0)] : values {
                buckets.append(bucket)
                measures.append(value.measure)
                // As text: PostgreSQL reads it into numeric exactly.
                quantities.append(NSDecimalNumber(decimal: value.quantity).stringValue)
                minutes.append(Int32(value.minutes))
            }
        }
        guard !buckets.isEmpty else { return }
        try await postgres.query(
            """
            INSERT INTO cost_usage (key, bucket, measure, quantity, minutes)
            SELECT \(key), to_timestamp(b / 1000.0), m, q::numeric, n
            FROM UNNEST(\(buckets)::int8[], \(measures)::text[], \(quantities)::text[], \(minutes)::int4[]) AS x(b, m, q, n)
            ON CONFLICT (key, bucket, measure) DO NOTHING
            """, logger: logger)
    }

    /// Drops every key's quarters in `[from, to)`.
    public func forget(from: Int64, to: Int64) async throws {
        try await postgres.query(
            "DELETE FROM cost_usage WHERE bucket >= to_timestamp(\(from) / 1000.0) AND bucket < to_timestamp(\(to) / 1000.0)", logger: logger)
    }

    /// Drops every key's quarters in the hours starting at `hours` (minutes landed there late).
    public func forget(hours: [Int64]) async throws {
        guard !hours.isEmpty else { return }
        try await postgres.query(
            """
            DELETE FROM cost_usage c USING UNNEST(\(hours)::int8[]) AS u(h)
            WHERE c.bucket >= to_timestamp(u.h / 1000.0) AND c.bucket < to_timestamp(u.h / 1000.0) + interval '1 hour'
            """, logger: logger)
    }
}
