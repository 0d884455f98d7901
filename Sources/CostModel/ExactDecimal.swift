import Foundation

/// Reads numbers written by people (rates, objectives) as exact decimals.
public enum ExactDecimal {
    /// Plain decimal notation only: an optional sign, digits, at most one point, at most 38
    /// digits. Exponents, grouping separators and spaces give nil, so nothing is guessed.
    public static func parse(_ text: String) -> Decimal? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 40 else { return nil }
        var digits = 0
        var points = 0
        for (i, b) in bytes.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "-"), UInt8(ascii: "+"): if i != 0 { return nil }
            default: return nil
            }
        }
        guard digits > 0, digits <= 38, points <= 1 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// `value` in plain decimal notation (`0.001`, never `1e-3`); nil past 38 digits.
    public static func plainText(_ value: Decimal) -> String? {
        parse(text(value)) == nil ? nil : text(value)
    }

    /// `value` rounded to `places` decimals: `.plain` half away from zero, `.down` toward zero.
    public static func rounded(_ value: Decimal, places: Int, _ mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var exact = value
        var result = Decimal()
        NSDecimalRound(&result, &exact, places, mode)
        return result
    }

    /// `value` as plain decimal text (`0.001`, never `1e-3`), for any finite decimal.
    public static func text(_ value: Decimal) -> String { NSDecimalNumber(decimal: value).stringValue }
}
