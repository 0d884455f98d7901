import CostModel
import Foundation
import Testing

@Suite("Money is exact")
struct MoneyTests {
    @Test func tenthsAddUpExactly() {
        var total = Money(0)
        for _ in 0..<10 { total = total + Money(parsing: "0.1")! }
        #expect(total == Money(1))
    }

    @Test(arguments: [("0.125", "0.13 USD"), ("0.124", "0.12 USD"), ("-0.125", "-0.13 USD"), ("2", "2.00 USD")])
    func roundsHalfAwayFromZero(_ text: String, expected: String) {
        #expect(Money(parsing: text)!.rounded().description == expected)
    }

    @Test(arguments: ["1e3", "1,000", "", "--1", "1.2.3", "0x10", " 1"])
    func refusesAnythingButPlainDecimals(_ text: String) {
        #expect(Money(parsing: text) == nil)
    }
}
