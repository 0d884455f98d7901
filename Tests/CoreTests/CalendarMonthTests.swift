import Core
import Testing

@Suite("Calendar months")
struct CalendarMonthTests {
    @Test func parsesAndPrints() {
        #expect(CalendarMonth(parsing: "2026-10")?.description == "2026-10")
        #expect(CalendarMonth(parsing: "2026-12")?.next?.description == "2027-01")
        #expect(CalendarMonth(parsing: "9999-12")?.next == nil)
    }

    @Test(arguments: ["2026-13", "2026-00", "26-10", "2026-1", "2026/10", "abcd-ef", "2026-10-01"])
    func refusesOtherShapes(_ text: String) {
        #expect(CalendarMonth(parsing: text) == nil)
    }
}
