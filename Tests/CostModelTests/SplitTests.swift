import CostModel
import Foundation
import Testing

/// Parts of a whole add up to the whole, to the cent, once rounded.
@Suite("Largest-remainder split")
struct SplitTests {
    static func texts(_ parts: [Money]) -> [String] { parts.map(\.decimalText) }

    @Test func thirtyFiveDollarsSplitThreeThreeOne() {
        #expect(Self.texts(Money(parsing: "35.00")!.split([3, 3, 1])) == ["15.00", "15.00", "5.00"])
    }

    @Test func tenDollarsSplitThreeWaysGivesTheOddCentToTheFirst() {
        #expect(Self.texts(Money(parsing: "10.00")!.split([1, 1, 1])) == ["3.34", "3.33", "3.33"])
    }

    @Test func theCentGoesToThePartThatLostMostInRounding() {
        // 1.00 by 1:2 is 0.333.. and 0.666..: the second lost more, so it gets the cent.
        #expect(Self.texts(Money(parsing: "1.00")!.split([1, 2])) == ["0.33", "0.67"])
    }

    @Test(arguments: [
        ("82.56", [Decimal(31), 30, 31]), ("0.01", [1, 1, 1]), ("1234567.89", [7, 0, 3, 11, 5]), ("-10.00", [1, 1, 1]),
        ("99.99", [0, 0]), ("4210.33", [Decimal(string: "0.1")!, Decimal(string: "0.2")!, Decimal(string: "0.7")!]),
    ])
    func partsAlwaysAddUpToTheRoundedWhole(_ text: String, _ weights: [Decimal]) {
        let whole = Money(parsing: text)!
        let parts = whole.split(weights)
        #expect(parts.count == weights.count)
        #expect(parts.reduce(Money.zero(.usd), +) == whole.rounded())
        #expect(parts.allSatisfy { $0 == $0.rounded() })
    }

    @Test func aZeroWeightGetsNothingWhenOthersWeigh() {
        #expect(Self.texts(Money(parsing: "5.00")!.split([0, 1])) == ["0.00", "5.00"])
    }

    @Test func currenciesRoundToTheirOwnMinorUnit() {
        let yen = Currency(code: "JPY")!
        #expect(Money(parsing: "100", currency: yen)!.split([1, 1, 1]).map(\.decimalText) == ["34", "33", "33"])
        let dinar = Currency(code: "KWD")!
        #expect(Money(parsing: "1.0005", currency: dinar)!.decimalText == "1.001")
        #expect(Currency(code: "XAU") == nil)
        #expect(Currency(code: "usd") == nil)
    }
}
