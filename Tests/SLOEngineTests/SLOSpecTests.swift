import Foundation
import Testing

@testable import Config
@testable import Core
@testable import Ingest
@testable import SLOEngine

/// The SLO arithmetic, written as the specification's own numbers.
@Suite("SLO specification")
struct SLOSpecTests {
    /// 2026-10-01T00:00:00Z in milliseconds.
    static let t0: Int64 = 1_790_812_800_000
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000

    static func minutes(_ pairs: [(Double, Double)], from start: Int64 = t0) -> [SLISlice] {
        pairs.enumerated().map { SLISlice(start: start + Int64($0.offset) * minute, good: $0.element.0, total: $0.element.1) }
    }

    @Test func objectivesAreExactDecimals() {
        let thirtyDays = TimeSpan(start: Self.t0, end: Self.t0 + 30 * Self.day)
        #expect(Objective(percent: Decimal(string: "99.9")!).budgetMinutes(thirtyDays) == Decimal(string: "43.2")!)
        let week = TimeSpan(start: Self.t0, end: Self.t0 + 7 * Self.day)
        #expect(Objective(percent: Decimal(string: "99.95")!).budgetMinutes(week) == Decimal(string: "5.04")!)
    }

    @Test func theThreeBudgetingMethodsOnTheSameMinutes() {
        // Four minutes of 10 good out of 10, one of 20 out of 40.
        let slices = Self.minutes([(10, 10), (10, 10), (10, 10), (10, 10), (20, 40)])
        let window = TimeSpan(start: Self.t0, end: Self.t0 + Self.day)
        let at = Self.t0 + 5 * Self.minute
        func attainment(_ method: BudgetingMethod) -> Double? {
            let objective = Objective(percent: 99, method: method, sliceTarget: Decimal(string: "0.9"))
            return SLOEvaluator.evaluate(objective, window: window, at: at, slices: slices).attainment
        }
        #expect(attainment(.occurrences) == 0.75)
        #expect(attainment(.timeslices) == 0.8)
        #expect(attainment(.ratioTimeslices) == 0.9)
    }

    @Test func aBurnRateOfTenExhaustsAFullThirtyDayBudgetInThreeDays() {
        let window = TimeSpan(start: Self.t0, end: Self.t0 + 30 * Self.day)
        let now = Self.t0 + 10 * Self.day
        #expect(SLOEvaluator.exhaustion(remaining: 1, window: window, burn: 10, now: now) == now + 3 * Self.day)
        // And through the evaluator: an hour at 1 % errors against 99.9 % is a burn rate of 10.
        let hour = (0..<60).map { SLISlice(start: now - Int64(60 - $0) * Self.minute, good: 990, total: 1000) }
        let status = SLOEvaluator.evaluate(Objective(percent: Decimal(string: "99.9")!), window: window, at: now, slices: hour)
        #expect(abs((status.burnRates[.h1] ?? 0) - 10) < 1e-9)
    }

    @Test func aCounterResetInsideTheWindowNeitherLosesNorInventsEvents() {
        let total = SeriesKey(metric: "claims_total", labels: [], kind: .counter)
        let bad = SeriesKey(metric: "claims_total", labels: [Label("code", "500")], kind: .counter)
        var accumulator = MinuteAccumulator(grace: 0)
        // Every 15 s: 40 more requests, 1 more error; the process restarts at minute 3.
        var truth = (total: 0.0, bad: 0.0)
        var value = (total: 5_000.0, bad: 7.0)
        for step in 0..<24 {
            let at = Self.t0 + Int64(step) * 15_000
            if step == 12 {
                value = (40, 1)  // restarted: counters from zero, this scrape's events already in
            } else if step > 0 {
                value.total += 40
                value.bad += 1
            }
            if step > 0 {
                truth.total += 40
                truth.bad += 1
            }
            accumulator.observe(total, value: value.total, at: at)
            accumulator.observe(bad, value: value.bad, at: at)
        }
        let rows = accumulator.close(now: Self.t0 + 10 * Self.minute)
        var slices: [Int64: SLISlice] = [:]
        for row in rows {
            var slice = slices[row.minute] ?? SLISlice(start: row.minute, good: 0, total: 0)
            if row.series == total { slice.total += row.increase ?? 0 } else { slice.good -= row.increase ?? 0 }
            slices[row.minute] = slice
        }
        let minutes = slices.values.map { SLISlice(start: $0.start, good: $0.total + $0.good, total: $0.total) }
        let window = TimeSpan(start: Self.t0, end: Self.t0 + Self.day)
        let status = SLOEvaluator.evaluate(Objective(percent: 99), window: window, at: Self.t0 + 10 * Self.minute, slices: minutes)
        #expect(minutes.reduce(0) { $0 + $1.total } == truth.total)
        #expect(status.budgetConsumed == truth.bad)
        #expect(status.attainment == 1 - truth.bad / truth.total)
    }

    @Test func calendarMonthsFollowTheZonesClock() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let chicago = try #require(TimeZone(identifier: "America/Chicago"))
        // October 2026 in New York: DST ends on 1 November, so all 31 days are 24 hours.
        #expect(SLOWindow.calendar(.month).span(at: Self.t0 + 15 * Self.day, timeZone: newYork).hours == 744)
        // March 2026 in Chicago: clocks go forward on the 8th.
        #expect(SLOWindow.month("2026-03", timeZone: chicago)?.hours == 743)
        #expect(SLOWindow.month("2026-11", timeZone: chicago)?.hours == 721)
        // Midnight on 1 October in New York is 04:00 UTC: an hour before it is still September.
        #expect(SLOWindow.calendar(.month).span(at: Self.t0 + 4 * 3_600_000, timeZone: newYork).start == Self.t0 + 4 * 3_600_000)
        #expect(SLOWindow.calendar(.month).span(at: Self.t0 + 3 * 3_600_000, timeZone: newYork).hours == 720)
        // A week runs Monday to Monday; a quarter three months.
        let week = SLOWindow.calendar(.week).span(at: Self.t0, timeZone: TimeZone(identifier: "UTC")!)  // a Thursday
        #expect(week.start == Self.t0 - 3 * Self.day && week.hours == 168)
        let quarter = SLOWindow.calendar(.quarter).span(at: Self.t0, timeZone: TimeZone(identifier: "UTC")!)
        #expect(quarter.start == Self.t0 && quarter.hours == 92 * 24)
        #expect(SLOWindow.month("2026-13", timeZone: chicago) == nil && SLOWindow.month("26-01", timeZone: chicago) == nil)
    }

    @Test func burnRateFactorsComeFromTheObjectiveWindow() {
        func factors(_ hours: Double) -> [Double] { BurnCondition.conditions(windowHours: hours).map { ($0.factor * 10_000).rounded() / 10_000 } }
        #expect(factors(720) == [14.4, 6, 3, 1])
        // 28 days: 13.44 / 5.6 / 2.8, and no 0.9333 condition (it would fire at a sustainable burn).
        #expect(factors(672) == [13.44, 5.6, 2.8])
        #expect(factors(744).first == 14.88)
        #expect(
            BurnCondition.conditions(windowHours: 720).map { "\($0.severity) \($0.long)/\($0.short)" } == [
                "page 1h/5m", "page 6h/30m", "ticket 1d/2h", "ticket 3d/6h",
            ])
    }

    @Test func conditionsCompareStrictlyAndNeverFireWithoutData() {
        let window = TimeSpan(start: Self.t0, end: Self.t0 + 30 * Self.day)
        let now = Self.t0 + 10 * Self.day
        let objective = Objective(percent: 99)
        func status(errorShare: Double, minutes: Int) -> SLOStatus {
            let slices = (0..<minutes).map { SLISlice(start: now - Int64(minutes - $0) * Self.minute, good: 1000 * (1 - errorShare), total: 1000) }
            return SLOEvaluator.evaluate(objective, window: window, at: now, slices: slices)
        }
        // A burn of exactly 14.4 over 1 h and 5 m does not page; just above it does.
        #expect(status(errorShare: 0.144, minutes: 60).conditions[0].firing == false)
        #expect(status(errorShare: 0.145, minutes: 60).conditions[0].firing == true)
        // No minutes at all: no burn rate, nothing fires.
        #expect(status(errorShare: 1, minutes: 0).conditions.allSatisfy { !$0.firing })
        #expect(status(errorShare: 1, minutes: 0).burnRates.isEmpty)
    }

    @Test func minutesWithoutTrafficAreNoDataAndUseNoBudget() {
        let window = TimeSpan(start: Self.t0, end: Self.t0 + 30 * Self.day)
        let slices = Self.minutes([(10, 10), (0, 0), (0, 0), (5, 10)])
        for method in BudgetingMethod.allCases {
            let status = SLOEvaluator.evaluate(
                Objective(percent: Decimal(string: "99.9")!, method: method, sliceTarget: Decimal(string: "0.5")), window: window,
                at: Self.t0 + 4 * Self.minute, slices: slices)
            #expect(status.minutesWithData == 2)
            switch method {
            case .occurrences: #expect(status.attainment == 0.75 && status.budgetConsumed == 5)
            // 5/10 is exactly the slice target: a good minute.
            case .timeslices: #expect(status.attainment == 1 && status.budgetConsumed == 0)
            case .ratioTimeslices: #expect(status.attainment == 0.75 && status.budgetConsumed == 0.5)
            }
        }
        let empty = SLOEvaluator.evaluate(Objective(percent: 99), window: window, at: Self.t0 + Self.day, slices: [])
        #expect(empty.attainment == nil && empty.budgetRemaining == nil && empty.exhaustsAt == nil)
    }

    @Test func minutesWithoutDataCountOnlyWhenTheSLOSaysSo() {
        let window = TimeSpan(start: Self.t0, end: Self.t0 + 30 * Self.day)
        // Ten minutes so far: two good, one bad, seven without data.
        let slices = Self.minutes([(10, 10), (0, 0), (0, 0), (0, 0), (0, 0), (1, 10), (0, 0), (0, 0), (0, 0), (10, 10)])
        func status(_ noData: Objective.NoData) -> SLOStatus {
            SLOEvaluator.evaluate(
                Objective(percent: 99, method: .timeslices, sliceTarget: Decimal(string: "0.9"), noData: noData), window: window,
                at: Self.t0 + 10 * Self.minute, slices: slices)
        }
        #expect(status(.ignore).minutesWithData == 3 && status(.ignore).budgetConsumed == 1)
        #expect(status(.bad).budgetConsumed == 8 && abs((status(.bad).attainment ?? 0) - 0.2) < 1e-12)
        #expect(status(.good).budgetConsumed == 1 && status(.good).attainment == 0.9)
        // Burn windows count their own minutes: the last 5 hold 1 bad minute and 3 without data.
        #expect(status(.bad).burnRates[.m5] == (4.0 / 5) / 0.01)
    }

    @Test func timeSliceBudgetsAreMinutesOfTheWholeWindow() {
        let window = TimeSpan(start: Self.t0, end: Self.t0 + 30 * Self.day)
        let slices = Self.minutes([(1, 10), (10, 10)])
        let status = SLOEvaluator.evaluate(
            Objective(percent: Decimal(string: "99.9")!, method: .timeslices), window: window, at: Self.t0 + 2 * Self.minute, slices: slices)
        #expect(status.budgetUnit == .minutes && status.budgetTotal == 43.2 && status.budgetConsumed == 1)
        #expect(abs((status.budgetRemaining ?? 0) - (1 - 1 / 43.2)) < 1e-12)
    }
}
