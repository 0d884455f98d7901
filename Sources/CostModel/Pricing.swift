import Core
import Foundation

/// One priced line: a unit of the card, over a span with one rate.
public struct CostLine: Sendable, Equatable {
    public var unit: RateUnit
    /// In the unit's own terms: core-hours, GiB-hours, GiB-months, GiB, millions of requests,
    /// months (fixed_monthly: the share of the month the span covers).
    public var quantity: Decimal
    public var rate: Decimal
    /// quantity × rate, exact (rounded only when shown).
    public var amount: Decimal
    public var span: TimeSpan
    /// Minutes of the span with usage data for what the unit prices (all of them for
    /// fixed_monthly, which needs none).
    public var minutesWithData: Int64

    /// The share of the span's minutes with usage data, 0...1.
    public var coverage: Decimal { span.minutes == 0 ? 0 : Decimal(minutesWithData) / Decimal(span.minutes) }
}

/// What a service cost over a span, priced with one card: its lines, oldest first and in the
/// card's unit order, and how much of the span had data.
public struct CostStatement: Sendable, Equatable {
    public var span: TimeSpan
    public var currency: Currency
    public var lines: [CostLine]

    /// The exact total.
    public var total: Money { Money(lines.reduce(0) { $0 + $1.amount }, currency: currency) }

    /// Each line's amount as shown: the rounded total split by the exact amounts, so the shown
    /// amounts add up to the shown total to the cent (largest remainder).
    public var shownAmounts: [Money] { total.split(lines.map(\.amount)) }

    /// The share of the priced minutes with usage data, for the least covered measure the card
    /// prices (1 when it prices no usage); minutes without data cost nothing and lower this.
    public var coverage: Decimal {
        var minutes: [Usage.Measure: (withData: Int64, all: Int64)] = [:]
        for line in lines {
            guard let measure = line.unit.measure else { continue }
            minutes[measure, default: (0, 0)].withData += line.minutesWithData
            minutes[measure, default: (0, 0)].all += line.span.minutes
        }
        return minutes.values.map { $0.all == 0 ? 0 : Decimal($0.withData) / Decimal($0.all) }.min() ?? 1
    }
}

extension RateUnit {
    /// The usage measure the unit prices; nil for `fixed_monthly`, which prices time.
    public var measure: Usage.Measure? {
        switch self {
        case .cpuCoreHour: .cpu
        case .memoryGibHour: .memory
        case .storageGibMonth: .storage
        case .egressGib: .egress
        case .requestsPerMillion: .requests
        case .fixedMonthly: nil
        }
    }

    /// What the unit is called after a quantity, in tables.
    public var quantityName: String {
        switch self {
        case .cpuCoreHour: "core-hours"
        case .memoryGibHour: "GiB-hours"
        case .storageGibMonth: "GiB-months"
        case .egressGib: "GiB"
        case .requestsPerMillion: "million requests"
        case .fixedMonthly: "months"
        }
    }

    static let gib = Decimal(1 << 30)

    /// The quantity of `usage`, in this unit, over `minutes` minutes of a month of `monthMinutes`.
    func quantity(of usage: Usage, minutes: Int64, monthMinutes: Int64) -> Decimal {
        let summed = measure.flatMap { usage.quantities[$0] } ?? 0
        switch self {
        case .cpuCoreHour: return summed / 60
        case .memoryGibHour: return summed / Self.gib / 60
        case .storageGibMonth: return summed / Self.gib / Decimal(monthMinutes)
        case .egressGib: return summed / Self.gib
        case .requestsPerMillion: return summed / 1_000_000
        case .fixedMonthly: return Decimal(minutes) / Decimal(monthMinutes)
        }
    }
}

/// Usage in, priced lines out: the minutes of a span, each at the rate in force when it starts.
public enum Pricing {
    /// Prices `usage` (per bucket, keyed by the bucket's start in milliseconds) over `span` with
    /// `card`. The span is cut where the card's periods change and where months end in the
    /// card's zone; each piece sums the buckets that start in it (buckets must not straddle a
    /// piece: quarter hours never do, as every zone's midnight falls on one) and prices every
    /// unit its period has. Pieces next to each other with the same rate make one line.
    /// Nothing is priced before the card's first period.
    public static func price(_ usage: [Int64: Usage], over span: TimeSpan, card: RateCard) -> CostStatement {
        var lines: [CostLine] = []
        let starts = usage.keys.sorted()
        for (piece, period) in card.pieces(of: span) {
            guard let period else { continue }
            for (part, month) in monthParts(of: piece, zone: card.timeZone) {
                var used = Usage()
                let first = starts.partitioningIndex { $0 >= part.start }
                for start in starts[first...] {
                    guard start < part.end else { break }
                    used += usage[start]!
                }
                for unit in period.rates.keys.sorted() {
                    let rate = period.rates[unit]!
                    let quantity = unit.quantity(of: used, minutes: part.minutes, monthMinutes: month.minutes)
                    let withData = unit.measure.map { Int64(used.minutes[$0] ?? 0) } ?? part.minutes
                    let line = CostLine(
                        unit: unit, quantity: quantity, rate: rate, amount: quantity * rate, span: part, minutesWithData: withData)
                    if let index = lines.lastIndex(where: { $0.unit == unit }), lines[index].rate == rate, lines[index].span.end == part.start {
                        lines[index].quantity += line.quantity
                        lines[index].amount += line.amount
                        lines[index].span.end = part.end
                        lines[index].minutesWithData += withData
                    } else {
                        lines.append(line)
                    }
                }
            }
        }
        lines.sort { ($0.span.start, $0.unit) < ($1.span.start, $1.unit) }
        return CostStatement(span: span, currency: card.currency, lines: lines)
    }

    /// `span` cut where months end in `zone`, each part with its whole month.
    static func monthParts(of span: TimeSpan, zone: TimeZone) -> [(part: TimeSpan, month: TimeSpan)] {
        var out: [(TimeSpan, TimeSpan)] = []
        var start = span.start
        while start < span.end {
            guard let month = CalendarMonth.containing(start, in: zone)?.span(in: zone) else { break }
            let end = min(span.end, month.end)
            out.append((TimeSpan(start: start, end: end), month))
            start = end
        }
        return out
    }
}

extension Array where Element: Comparable {
    /// The first index whose element satisfies `belongs` (which must be false, then true).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
