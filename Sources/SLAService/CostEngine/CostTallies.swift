import Core
import CostModel
import Foundation
import Logging
import PostgresNIO
import Storage

/// What a service used over any span, from stored quarter hours (`cost_usage`) plus what is
/// read from the minutes for quarters not stored yet. A quarter is stored once its hour is
/// complete (not in `fold_pending`) and dropped when minutes land in its hour late (the rollup
/// writer says which hours: `forget(lateHours:)`), so a month is priced from 2,976 small rows
/// per measure, long after its minutes are pruned.
package struct CostTallies: Sendable {
    package let reader: UsageReader
    package let tables: CostTables

    package init(query: RollupQuery, postgres: PostgresClient, logger: Logger) {
        reader = UsageReader(query: query)
        tables = CostTables(postgres: postgres, logger: logger)
    }

    /// What to do when the rollup writer folds minutes into hours already complete.
    package static func forget(lateHours hours: [Int64], postgres: PostgresClient, logger: Logger) async throws {
        try await CostTables(postgres: postgres, logger: logger).forget(hours: hours)
    }

    /// Per quarter hour of `span` (which starts on a quarter), what `selectors` used.
    package func usage(_ selectors: UsageReader.Selectors, in span: TimeSpan) async throws -> [Int64: Usage] {
        let quarter = UsageReader.quarter
        let key = selectors.key
        var out = try await tables.usage(key: key, from: span.start, to: span.end).mapValues(Self.usage)
        let missing = stride(from: span.start, to: span.end, by: Int(quarter)).filter { out[$0] == nil }
        guard let first = missing.first, let last = missing.last else { return out }
        let settledBefore = try await reader.query.unfoldedHoursFrom()
        // One read for every quarter missing between the first and the last; those already
        // stored in between are read again but kept as they were.
        let fresh = try await reader.quarters(selectors, in: TimeSpan(start: first, end: min(span.end, last + quarter)))
        var keep: [Int64: [CostTables.Quantity]] = [:]
        for start in missing {
            let usage = fresh[start] ?? Usage()
            out[start] = usage
            if start + quarter <= settledBefore, start + quarter <= span.end { keep[start] = Self.quantities(usage) }
        }
        try await tables.store(key: key, keep)
        return out
    }

    static func usage(_ stored: [CostTables.Quantity]) -> Usage {
        var usage = Usage()
        for value in stored {
            guard let measure = Usage.Measure(rawValue: value.measure) else { continue }
            usage.add(measure, value.quantity, minutes: value.minutes)
        }
        return usage
    }

    static func quantities(_ usage: Usage) -> [CostTables.Quantity] {
        Usage.Measure.allCases.compactMap { measure in
            guard let minutes = usage.minutes[measure] else { return nil }
            return CostTables.Quantity(measure: measure.rawValue, quantity: usage.quantities[measure] ?? 0, minutes: minutes)
        }
    }
}
