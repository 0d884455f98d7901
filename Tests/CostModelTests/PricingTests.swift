import Core
import CostModel
import Foundation
import Testing

/// The worked example of the cost issue, priced from quarter-hour usage without a database.
@Suite("Pricing")
struct PricingTests {
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let october = CalendarMonth(year: 2026, month: 10)!.span(in: newYork)!
    static let quarter: Int64 = 15 * 60_000

    /// 2 cores and 4 GiB in every minute of `span`, in quarter hours.
    static func steady(_ span: TimeSpan, skipping skipped: Set<Int64> = []) -> [Int64: Usage] {
        var out: [Int64: Usage] = [:]
        for start in stride(from: span.start, to: span.end, by: Int(quarter)) {
            var usage = Usage()
            for minute in stride(from: start, to: start + quarter, by: 60_000) where !skipped.contains(minute) {
                usage.add(.cpu, 2.0)
                usage.add(.memory, 4.0 * 1_073_741_824)
            }
            out[start] = usage
        }
        return out
    }

    @Test func theWorkedExampleCostsExactly8256() {
        let statement = Pricing.price(Self.steady(Self.october), over: Self.october, card: RateCardTests.card())
        #expect(statement.total.decimalText == "82.56")
        #expect(statement.total.amount == Decimal(string: "82.56"))
        let lines = statement.lines.map { "\($0.unit.rawValue) \($0.quantity) x \($0.rate) = \($0.amount)" }
        #expect(
            lines == [
                "cpu_core_hour 672 x 0.04 = 26.88", "memory_gib_hour 2976 x 0.005 = 14.88", "cpu_core_hour 816 x 0.05 = 40.8",
            ], "\(lines)")
        #expect(statement.shownAmounts.map(\.decimalText) == ["26.88", "14.88", "40.80"])
        #expect(statement.coverage == 1)
    }

    @Test func minutesWithoutDataCostNothingAndLowerTheCoverage() {
        // One hour of October without any data.
        let gap = Set(stride(from: Self.october.start, to: Self.october.start + 3_600_000, by: 60_000))
        let statement = Pricing.price(Self.steady(Self.october, skipping: gap), over: Self.october, card: RateCardTests.card())
        // That hour would have cost 2 x 0.04 + 4 x 0.005 = 0.10.
        #expect(statement.total.decimalText == "82.46")
        #expect(statement.coverage == Decimal(744 * 60 - 60) / Decimal(744 * 60))
    }

    @Test func aFixedMonthlyFeeIsSpreadOverTheMonthsRealMinutes() throws {
        let card = try #require(
            RateCard(
                id: "f", agency: "f", currency: .usd, timeZone: Self.newYork,
                periods: [(CalendarDay(parsing: "2026-01-01")!, [.fixedMonthly: 100])]))
        let november = CalendarMonth(year: 2026, month: 11)!.span(in: Self.newYork)!
        #expect(Pricing.price([:], over: november, card: card).total.decimalText == "100.00")
        // The first day of November has 25 hours of the month's 721.
        let first = TimeSpan(start: november.start, end: CalendarDay(parsing: "2026-11-02")!.start(in: Self.newYork)!)
        #expect(first.milliseconds == 25 * 3_600_000)
        let share = Pricing.price([:], over: first, card: card)
        #expect(share.lines.map(\.quantity) == [Decimal(25 * 60) / Decimal(721 * 60)])
        #expect(share.total.decimalText == "3.47")
    }

    @Test func nothingIsPricedBeforeTheCardsFirstPeriod() {
        let december2025 = CalendarMonth(year: 2025, month: 12)!.span(in: Self.newYork)!
        let statement = Pricing.price(Self.steady(december2025), over: december2025, card: RateCardTests.card())
        #expect(statement.lines.isEmpty)
        #expect(statement.total.decimalText == "0.00")
    }

    @Test func floatsBecomeTheDecimalsTheyPrint() {
        var usage = Usage()
        for _ in 0..<10 { usage.add(.cpu, 0.1) }
        #expect(usage.quantities[.cpu] == 1)
        for nonsense in [Double.nan, .infinity, -1, 1e300, 1.1e18] { usage.add(.cpu, nonsense) }
        #expect(usage.minutes[.cpu] == 10)
        #expect(usage.quantities[.cpu] == 1)
    }
}
