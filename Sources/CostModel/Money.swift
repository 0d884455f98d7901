import Foundation

/// An exact amount of money in one currency. Never `Double`: a cent is a cent.
///
/// Amounts are kept exact through every sum and product (`Decimal`, 38 digits) and rounded once,
/// when shown, to the currency's minor unit, half away from zero (how invoices round:
/// 0.125 USD is 0.13, -0.125 is -0.13). Parts of a whole that must add up to it are rounded
/// together (`split(_:)`), never one by one.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount, exact.
    public var amount: Decimal
    public var currency: Currency

    public init(_ amount: Decimal, currency: Currency = .usd) {
        self.amount = amount
        self.currency = currency
    }

    /// Parses plain decimal text such as `0.0425` or `-12.50` (see ``ExactDecimal/parse(_:)``).
    public init?(parsing text: String, currency: Currency = .usd) {
        guard let value = ExactDecimal.parse(text) else { return nil }
        self.init(value, currency: currency)
    }

    public static func zero(_ currency: Currency) -> Money { Money(0, currency: currency) }

    /// Rounded to the currency's minor unit (or `scale` places), half away from zero.
    public func rounded(scale: Int? = nil) -> Money {
        Money(ExactDecimal.rounded(amount, places: scale ?? currency.minorUnits), currency: currency)
    }

    /// The amount in whole minor units (cents), rounded as `rounded()` does.
    public var minorUnits: Decimal {
        ExactDecimal.rounded(amount * Self.power(currency.minorUnits), places: 0)
    }

    /// Splits the amount, rounded to the minor unit, into parts proportional to `weights`, so
    /// that the rounded parts add up to the rounded whole exactly (largest remainder: every part
    /// gets its share rounded down, then the cents left over go one each to the parts whose
    /// shares lost most in rounding, the earliest first on a tie). $10.00 split 1:1:1 is 3.34,
    /// 3.33, 3.33. Weights are not negative; all zero splits evenly.
    public func split(_ weights: [Decimal]) -> [Money] {
        guard !weights.isEmpty else { return [] }
        precondition(weights.allSatisfy { $0 >= 0 }, "negative weight in a split")
        let total = weights.reduce(0, +)
        let shares = total == 0 ? weights.map { _ in Decimal(1) / Decimal(weights.count) } : weights.map { $0 / total }
        let cents = minorUnits
        let sign: Decimal = cents < 0 ? -1 : 1
        let whole = cents * sign
        var parts = shares.map { share -> (floor: Decimal, remainder: Decimal) in
            let exact = whole * share
            let floor = ExactDecimal.rounded(exact, places: 0, .down)
            return (floor, exact - floor)
        }
        var left = whole - parts.reduce(0) { $0 + $1.floor }
        let order = parts.indices.sorted { parts[$0].remainder > parts[$1].remainder || (parts[$0].remainder == parts[$1].remainder && $0 < $1) }
        for index in order where left > 0 {
            parts[index].floor += 1
            left -= 1
        }
        let unit = Self.power(currency.minorUnits)
        return parts.map { Money(sign * $0.floor / unit, currency: currency) }
    }

    static func power(_ digits: Int) -> Decimal {
        var value = Decimal(1)
        for _ in 0..<digits { value *= 10 }
        return value
    }

    public static func + (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "adding \(a.currency) to \(b.currency)")
        return Money(a.amount + b.amount, currency: a.currency)
    }

    public static func += (a: inout Money, b: Money) { a = a + b }

    public static func - (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "subtracting \(b.currency) from \(a.currency)")
        return Money(a.amount - b.amount, currency: a.currency)
    }

    public static func * (a: Money, factor: Decimal) -> Money { Money(a.amount * factor, currency: a.currency) }

    public static func < (a: Money, b: Money) -> Bool {
        precondition(a.currency == b.currency, "comparing \(a.currency) with \(b.currency)")
        return a.amount < b.amount
    }

    /// The exact amount, never rounded, with at least the minor unit's digits: a rate such as
    /// `0.0425`, or `0.10` and `150.00` as a card writes them.
    public var exactText: String { Self.padded(ExactDecimal.text(amount), to: currency.minorUnits) }

    /// `text` with at least `digits` decimals (zeros added; never cut).
    public static func padded(_ text: String, to digits: Int) -> String {
        guard digits > 0 else { return text }
        guard let dot = text.firstIndex(of: ".") else { return text + "." + String(repeating: "0", count: digits) }
        let places = text.distance(from: dot, to: text.endIndex) - 1
        return places < digits ? text + String(repeating: "0", count: digits - places) : text
    }

    /// The rounded amount with exactly the minor unit's digits, `82.56` (`-0.13`, `1200`
    /// for JPY): what JSON, CSV and reports print.
    public var decimalText: String {
        let rounded = rounded().amount
        let negative = rounded < 0
        let text = Self.padded(ExactDecimal.text(negative ? -rounded : rounded), to: currency.minorUnits)
        return negative ? "-" + text : text
    }

    /// `12.50 USD`.
    public var description: String { "\(decimalText) \(currency)" }
}
