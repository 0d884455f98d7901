import Core
import CostModel
import Foundation
import Testing

@Suite("Rate cards and months")
struct RateCardTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func card() -> RateCard {
        RateCard(
            id: "test-2026", agency: "Test", currency: .usd, timeZone: newYork,
            periods: [
                (CalendarDay(parsing: "2026-01-01")!, [.cpuCoreHour: Decimal(string: "0.04")!, .memoryGibHour: Decimal(string: "0.005")!]),
                (CalendarDay(parsing: "2026-10-15")!, [.cpuCoreHour: Decimal(string: "0.05")!]),
            ])!
    }

    @Test func monthsHaveTheirRealHoursInTheirZone() {
        #expect(CalendarMonth(year: 2026, month: 10)!.span(in: Self.newYork)!.milliseconds == 744 * 3_600_000)
        #expect(CalendarMonth(year: 2026, month: 11)!.span(in: Self.newYork)!.milliseconds == 721 * 3_600_000)
        #expect(CalendarMonth(year: 2026, month: 3)!.span(in: Self.newYork)!.milliseconds == 743 * 3_600_000)
        #expect(CalendarMonth(year: 2026, month: 11)!.span(in: TimeZone(identifier: "UTC")!)!.milliseconds == 720 * 3_600_000)
    }

    @Test func aLaterPeriodKeepsTheRatesItDoesNotList() {
        let card = Self.card()
        let before = CalendarDay(parsing: "2026-10-14")!.start(in: Self.newYork)!
        let after = CalendarDay(parsing: "2026-10-15")!.start(in: Self.newYork)!
        #expect(card.rate(.cpuCoreHour, at: before) == Decimal(string: "0.04"))
        #expect(card.rate(.cpuCoreHour, at: after - 1) == Decimal(string: "0.04"))
        #expect(card.rate(.cpuCoreHour, at: after) == Decimal(string: "0.05"))
        #expect(card.rate(.memoryGibHour, at: after) == Decimal(string: "0.005"))
        #expect(card.rate(.egressGib, at: after) == nil)
        // The change is at local midnight in New York, 04:00 UTC in October.
        #expect(after == 1_792_036_800_000)
    }

    @Test func nothingIsPricedBeforeTheFirstPeriod() {
        let card = Self.card()
        #expect(card.period(at: CalendarDay(parsing: "2026-01-01")!.start(in: Self.newYork)! - 1) == nil)
    }

    @Test func octoberIsCutWhereTheRateChanges() {
        let october = CalendarMonth(year: 2026, month: 10)!.span(in: Self.newYork)!
        let pieces = Self.card().pieces(of: october)
        #expect(pieces.map { $0.span.milliseconds / 3_600_000 } == [336, 408])
        #expect(pieces.map { $0.period?.rates[.cpuCoreHour] } == [Decimal(string: "0.04"), Decimal(string: "0.05")])
    }

    @Test func periodsOutOfOrderOrOnOneDateAreRefused() {
        let day = CalendarDay(parsing: "2026-01-01")!
        #expect(RateCard(id: "x", agency: "x", currency: .usd, timeZone: Self.newYork, periods: [(day, [:]), (day, [:])]) == nil)
        #expect(
            RateCard(
                id: "x", agency: "x", currency: .usd, timeZone: Self.newYork,
                periods: [(CalendarDay(parsing: "2026-02-01")!, [:]), (day, [:])]) == nil)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01T00:00", "２０２６-01-01"])
    func onlyRealDaysParse(_ text: String) {
        #expect(CalendarDay(parsing: text) == nil)
    }
}
