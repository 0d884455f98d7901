import Config
import Core
import Foundation

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

        package mutating func add(_ slice: SLISlice, threshold: Double) {
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
