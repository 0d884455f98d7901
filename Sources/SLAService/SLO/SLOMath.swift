import Foundation

/// How an objective counts, as OpenSLO names it.
public enum BudgetingMethod: String, Sendable, CaseIterable, Codable {
    /// Good events over all events in the window.
    case occurrences = "Occurrences"
    /// Good minutes over minutes with data: a minute is good when its ratio is at or above the slice target.
    case timeslices = "Timeslices"
    /// The mean of the minutes' ratios.
    case ratioTimeslices = "RatioTimeslices"
}

/// One minute of an SLI: good and total events in it (requests, probe checks). A minute with no
/// events is no-data: neither good nor bad, and it uses no budget.
public struct SLISlice: Sendable, Equatable {
    /// Start of the minute, milliseconds since the epoch.
    public var start: Int64
    public var good: Double
    public var total: Double

    public init(start: Int64, good: Double, total: Double) {
        self.start = start
        self.good = good
        self.total = total
    }

    /// Good over total; nil for no-data.
    public var ratio: Double? { total > 0 ? min(1, max(0, good / total)) : nil }
}

/// A promise: a target fraction, how it is counted, and (for time slices) when a minute is good.
public struct Objective: Sendable, Equatable {
    /// The target as a fraction, exact: 99.9 % is 0.999.
    public var target: Decimal
    public var method: BudgetingMethod
    /// Timeslices: a minute is good when its ratio is at or above this; the target when not set.
    public var sliceTarget: Decimal?
    /// Time slices: what a minute without data counts as.
    public var noData: NoData

    /// A minute without data: neither good nor bad (the default), or counted as one of them.
    public enum NoData: String, Sendable, CaseIterable, Codable { case ignore, good, bad }

    public init(percent: Decimal, method: BudgetingMethod = .occurrences, sliceTarget: Decimal? = nil, noData: NoData = .ignore) {
        target = percent / 100
        self.method = method
        self.sliceTarget = sliceTarget
        self.noData = noData
    }

    /// The fraction allowed to be bad: the error budget as a share of the window.
    public var allowed: Decimal { 1 - target }

    /// Minutes of budget a span holds, exact: 99.9 % over 30 days allows 43.2 minutes.
    public func budgetMinutes(_ span: TimeSpan) -> Decimal { Decimal(span.minutes) * allowed }

    var allowedFraction: Double { NSDecimalNumber(decimal: allowed).doubleValue }
    var sliceThreshold: Double { NSDecimalNumber(decimal: sliceTarget ?? target).doubleValue }
}

/// The short and long windows burn rates are reported over.
public enum BurnWindow: Int64, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case m5 = 5, m30 = 30, h1 = 60, h2 = 120, h6 = 360, d1 = 1440, d3 = 4320

    public var minutes: Int64 { rawValue }
    public var description: String {
        switch self {
        case .m5: "5m"
        case .m30: "30m"
        case .h1: "1h"
        case .h2: "2h"
        case .h6: "6h"
        case .d1: "1d"
        case .d3: "3d"
        }
    }
}

/// A multi-window, multi-burn-rate condition (SRE workbook): it fires when the burn rate over
/// both windows is above `factor`.
public struct BurnCondition: Sendable, Equatable {
    public enum Severity: String, Sendable, Codable { case page, ticket }
    public var severity: Severity
    public var long: BurnWindow
    public var short: BurnWindow
    /// The share of the window's budget this condition guards against spending in `long`.
    public var budgetShare: Double
    /// Burn rate above which it fires: share × window hours / long-window hours (14.4 for 2 %
    /// in 1 h of 30 days; 14.88 for a 744-hour month).
    public var factor: Double
    public var firing: Bool

    /// The workbook's four conditions for a window of `hours`, without those whose factor is
    /// below 1 (they would fire at a sustainable burn).
    public static func conditions(windowHours: Double) -> [BurnCondition] {
        let table: [(Severity, BurnWindow, BurnWindow, Double)] = [
            (.page, .h1, .m5, 0.02), (.page, .h6, .m30, 0.05), (.ticket, .d1, .h2, 0.10), (.ticket, .d3, .h6, 0.10),
        ]
        return table.compactMap { severity, long, short, share in
            let factor = share * windowHours / (Double(long.minutes) / 60)
            guard factor >= 1 else { return nil }
            return BurnCondition(severity: severity, long: long, short: short, budgetShare: share, factor: factor, firing: false)
        }
    }
}

/// Where one SLO stands at one moment.
public struct SLOStatus: Sendable, Equatable {
    public enum BudgetUnit: String, Sendable, Codable { case events, minutes }

    public var window: TimeSpan
    /// When this was evaluated (milliseconds); slices from `at` on are not counted.
    public var at: Int64
    public var method: BudgetingMethod
    /// Good share in the window so far; nil when the window has no data.
    public var attainment: Double?
    public var budgetUnit: BudgetUnit
    /// Events (Occurrences) or minutes (time slices) of budget in the window.
    public var budgetTotal: Double
    public var budgetConsumed: Double
    /// 1 − consumed / total; below 0 when overspent; nil when there is no budget to speak of.
    public var budgetRemaining: Double?
    /// Burn rate per window, nil where the window has no data.
    public var burnRates: [BurnWindow: Double]
    /// When the remaining budget runs out at the last hour's burn; nil when it is not burning.
    public var exhaustsAt: Int64?
    public var conditions: [BurnCondition]
    /// Minutes with data, and minutes with none, in the window so far.
    public var minutesWithData: Int
}

/// Turns an SLI's minutes into attainment, budget, burn rates, exhaustion and alert conditions.
/// Pure: the same slices and moment always give the same answer.
public enum SLOEvaluator {
    /// What a set of minutes adds up to. Every part adds, so an hour's tally plus the next
    /// hour's is the two hours' tally.
    public struct Tally: Sendable, Equatable {
        public var good = 0.0, total = 0.0
        public var slices = 0, goodSlices = 0
        public var ratioSum = 0.0

        public init() {}

        /// Event totals alone (an Occurrences window read from hour and day rows).
        public init(good: Double, total: Double) {
            self.good = good
            self.total = total
        }

        /// Two tallies together.
        public static func + (a: Tally, b: Tally) -> Tally {
            var sum = a
            sum.good += b.good
            sum.total += b.total
            sum.slices += b.slices
            sum.goodSlices += b.goodSlices
            sum.ratioSum += b.ratioSum
            return sum
        }

        mutating func add(_ slice: SLISlice, threshold: Double) {
            guard let ratio = slice.ratio else { return }
            good += min(slice.good, slice.total)
            total += slice.total
            slices += 1
            if ratio >= threshold { goodSlices += 1 }
            ratioSum += ratio
        }

        /// The bad share by `method`; nil without data.
        func badShare(_ method: BudgetingMethod) -> Double? {
            guard slices > 0 else { return nil }
            switch method {
            case .occurrences: return (total - good) / total
            case .timeslices: return Double(slices - goodSlices) / Double(slices)
            case .ratioTimeslices: return 1 - ratioSum / Double(slices)
            }
        }
    }

    /// When a budget with `remaining` (a share of the whole) runs out at burn rate `burn`: at
    /// burn rate b a whole budget lasts window / b, and what remains lasts its share of that.
    /// Now when nothing remains; nil when it is not burning.
    public static func exhaustion(remaining: Double, window: TimeSpan, burn: Double?, now: Int64) -> Int64? {
        if remaining <= 0 { return now }
        guard let burn, burn > 0 else { return nil }
        let lasts = remaining * Double(window.milliseconds) / burn
        guard lasts < 1e15 else { return nil }
        return now + Int64(lasts.rounded())
    }

    /// Evaluates `objective` over `window` at `at` from `slices` (any order; those outside the
    /// window or from `at` on are ignored; burn windows may reach back before the window).
    public static func evaluate(_ objective: Objective, window: TimeSpan, at: Int64, slices: [SLISlice]) -> SLOStatus {
        let now = min(RangePlan.floor(at, 60_000), window.end)
        let threshold = objective.sliceThreshold
        var inWindow = Tally()
        var burns: [BurnWindow: Tally] = [:]
        for slice in slices where slice.start < now {
            if window.contains(slice.start) { inWindow.add(slice, threshold: threshold) }
            for burn in BurnWindow.allCases where slice.start >= now - burn.minutes * 60_000 {
                burns[burn, default: Tally()].add(slice, threshold: threshold)
            }
        }
        return evaluate(objective, window: window, at: at, windowTally: inWindow, burnTallies: burns)
    }

    /// The same from tallies already added up: the window's (so far) and each burn window's.
    public static func evaluate(
        _ objective: Objective, window: TimeSpan, at: Int64, windowTally inWindow: Tally, burnTallies burns: [BurnWindow: Tally]
    )
        -> SLOStatus
    {
        let now = min(RangePlan.floor(at, 60_000), window.end)
        let allowed = objective.allowedFraction
        var inWindow = inWindow
        var burns = burns
        if objective.method != .occurrences, objective.noData != .ignore {
            // Minutes without data count as good or bad minutes (ratio 1 or 0).
            func filled(_ tally: Tally, minutes: Int64) -> Tally {
                var tally = tally
                let missing = max(0, Int(minutes) - tally.slices)
                tally.slices += missing
                if objective.noData == .good {
                    tally.goodSlices += missing
                    tally.ratioSum += Double(missing)
                }
                return tally
            }
            inWindow = filled(inWindow, minutes: max(0, now - window.start) / 60_000)
            for burn in BurnWindow.allCases { burns[burn] = filled(burns[burn] ?? Tally(), minutes: burn.minutes) }
        }
        var status = SLOStatus(
            window: window, at: at, method: objective.method, attainment: inWindow.badShare(objective.method).map { 1 - $0 },
            budgetUnit: objective.method == .occurrences ? .events : .minutes, budgetTotal: 0, budgetConsumed: 0, budgetRemaining: nil,
            burnRates: [:], exhaustsAt: nil, conditions: [], minutesWithData: inWindow.slices)
        switch objective.method {
        case .occurrences:
            status.budgetTotal = inWindow.total * allowed
            status.budgetConsumed = inWindow.total - inWindow.good
        case .timeslices:
            status.budgetTotal = NSDecimalNumber(decimal: objective.budgetMinutes(window)).doubleValue
            status.budgetConsumed = Double(inWindow.slices - inWindow.goodSlices)
        case .ratioTimeslices:
            status.budgetTotal = NSDecimalNumber(decimal: objective.budgetMinutes(window)).doubleValue
            status.budgetConsumed = Double(inWindow.slices) - inWindow.ratioSum
        }
        if status.budgetTotal > 0 {
            status.budgetRemaining = 1 - status.budgetConsumed / status.budgetTotal
        } else if inWindow.slices > 0 {
            // A 100 % objective, or no events yet: any bad event spends everything.
            status.budgetRemaining = status.budgetConsumed > 0 ? -.infinity : 1
        }
        for (burn, tally) in burns {
            if let bad = tally.badShare(objective.method), allowed > 0 { status.burnRates[burn] = bad / allowed }
        }
        if let remaining = status.budgetRemaining {
            status.exhaustsAt = exhaustion(remaining: remaining, window: window, burn: status.burnRates[.h1], now: now)
        }
        status.conditions = BurnCondition.conditions(windowHours: window.hours).map { condition in
            var condition = condition
            // Strictly above (a burn equal to the factor but for floating-point rounding is
            // equal), and never on a window without data.
            let limit = condition.factor * (1 + 1e-9)
            if let long = status.burnRates[condition.long], let short = status.burnRates[condition.short] {
                condition.firing = long > limit && short > limit
            }
            return condition
        }
        return status
    }
}
