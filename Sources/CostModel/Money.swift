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

    /// Parses plain decimal text such as `0.0425` or `-12.50`; nil for anything else
    /// (exponents, grouping separators, or more than 38 significant digits).
    public init?(parsing text: String, currency: String = "USD") {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 40 else { return nil }
        var digits = 0
        var points = 0
        for (i, b) in bytes.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "-"): if i != 0 { return nil }
            default: return nil
            }
        }
        guard digits > 0, digits <= 38, points <= 1,
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
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
