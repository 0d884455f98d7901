import Core
import Foundation

/// An agency's prices, as they change over time: `rate-cards/*.yaml` read by Config.
///
/// Each period is in force from its `effective_from` local midnight in the card's zone until
/// the next period's; a period lists the rates that change and keeps the others (`rates` here
/// holds them all, inherited ones included). Before the first period nothing is priced.
public struct RateCard: Sendable, Equatable {
    public struct Period: Sendable, Equatable {
        /// The local date the period starts on.
        public var effectiveFrom: CalendarDay
        /// Its first instant, milliseconds since the epoch (local midnight in the card's zone).
        public var start: Int64
        /// Every rate in force, per unit (inherited ones included).
        public var rates: [RateUnit: Decimal]
    }

    public var id: String
    public var agency: String
    public var currency: Currency
    public var timeZone: TimeZone
    /// Oldest first, starts strictly increasing.
    public private(set) var periods: [Period]

    /// A card from its periods as written (each listing only what changes), oldest first; nil
    /// when they are not in strictly increasing order or a date has no midnight in `timeZone`.
    public init?(
        id: String, agency: String, currency: Currency, timeZone: TimeZone, periods written: [(CalendarDay, [RateUnit: Decimal])]
    ) {
        self.id = id
        self.agency = agency
        self.currency = currency
        self.timeZone = timeZone
        var periods: [Period] = []
        var rates: [RateUnit: Decimal] = [:]
        for (day, changes) in written {
            guard let start = day.start(in: timeZone) else { return nil }
            if let last = periods.last, last.start >= start { return nil }
            rates.merge(changes) { _, new in new }
            periods.append(Period(effectiveFrom: day, start: start, rates: rates))
        }
        self.periods = periods
    }

    /// The period in force at `instant` (milliseconds since the epoch); nil before the first.
    public func period(at instant: Int64) -> Period? {
        var low = 0
        var high = periods.count
        while low < high {
            let middle = (low + high) / 2
            if periods[middle].start <= instant { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : periods[low - 1]
    }

    /// The rate of `unit` in force at `instant`; nil when none is (before the first period, or a
    /// unit the card never prices).
    public func rate(_ unit: RateUnit, at instant: Int64) -> Decimal? { period(at: instant)?.rates[unit] }

    /// `span` cut where the card's periods change, each piece with its period (nil where no
    /// period is in force): what priced lines are split by, so a line has one rate.
    public func pieces(of span: TimeSpan) -> [(span: TimeSpan, period: Period?)] {
        var out: [(TimeSpan, Period?)] = []
        var start = span.start
        while start < span.end {
            let current = period(at: start)
            let nextStart = periods.first { $0.start > start }?.start ?? span.end
            let end = min(span.end, nextStart)
            out.append((TimeSpan(start: start, end: end), current))
            start = end
        }
        return out
    }
}
