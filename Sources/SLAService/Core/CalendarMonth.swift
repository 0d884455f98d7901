import Foundation

/// A calendar month, written `YYYY-MM`: a report's month, a dashboard or API period.
public struct CalendarMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1...12.
    public var month: Int

    public init?(year: Int, month: Int) {
        guard (1970...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM`, as in report URLs, `--month` and `period=`.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
            let month = Int(String(decoding: bytes[5..<7], as: UTF8.self)),
            bytes[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }), bytes[5..<7].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month after this one; nil after 9999-12, the last month there is.
    public var next: CalendarMonth? {
        month == 12 ? CalendarMonth(year: year + 1, month: 1) : CalendarMonth(year: year, month: month + 1)
    }

    public static func < (a: CalendarMonth, b: CalendarMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }
}

extension CalendarMonth {
    /// The month from its first local midnight in `zone` to the next month's: 744 hours for
    /// October 2026 in New York, 721 for November (the clocks go back on the 1st).
    public func span(in zone: TimeZone) -> TimeSpan? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let next = calendar.date(byAdding: .month, value: 1, to: start)
        else { return nil }
        func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return TimeSpan(start: milliseconds(start), end: milliseconds(next))
    }
}

extension CalendarMonth {
    /// The month `instant` (milliseconds since the epoch) falls in, in `zone`.
    public static func containing(_ instant: Int64, in zone: TimeZone) -> CalendarMonth? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(instant) / 1000))
        return CalendarMonth(year: parts.year ?? 0, month: parts.month ?? 0)
    }
}
