import Foundation

/// An exact amount of money in one currency. Never `Double`: a cent is a cent.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount, exact.
    public var amount: Decimal
    /// ISO 4217 code, e.g. `USD`.
    public var currency: String

    public init(_ amount: Decimal, currency: String = "USD") {
        self.amount = amount
        self.currency = currency
    }

    /// Parses plain decimal text such as `0.0425` or `-12.50` (see ``ExactDecimal/parse(_:)``).
    public init?(parsing text: String, currency: String = "USD") {
        guard let value = ExactDecimal.parse(text) else { return nil }
        self.init(value, currency: currency)
    }

    /// Rounded to `scale` decimal places, half away from zero (how invoices round).
    public func rounded(scale: Int = 2) -> Money {
        var value = amount
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return Money(result, currency: currency)
    }

    public static func + (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "adding \(a.currency) to \(b.currency)")
        return Money(a.amount + b.amount, currency: a.currency)
    }

    public static func * (a: Money, factor: Decimal) -> Money { Money(a.amount * factor, currency: a.currency) }

    public static func < (a: Money, b: Money) -> Bool {
        precondition(a.currency == b.currency, "comparing \(a.currency) with \(b.currency)")
        return a.amount < b.amount
    }

    /// `12.50 USD`: two places at least, more when the amount has them.
    public var description: String {
        var text = NSDecimalNumber(decimal: amount).stringValue
        if let dot = text.firstIndex(of: ".") {
            let places = text.distance(from: dot, to: text.endIndex) - 1
            if places < 2 { text += String(repeating: "0", count: 2 - places) }
        } else {
            text += ".00"
        }
        return "\(text) \(currency)"
    }
}
