import Foundation

/// A date on a wall calendar, written `YYYY-MM-DD`, with no time and no zone: a rate card's
/// `effective_from`, a report's worst day. It becomes an instant only in a zone (`start(in:)`).
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1...12.
    public var month: Int
    /// 1...31, and a day the month has.
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1970...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.days(year: year, month: month) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ISO 8601's calendar date), and only days that exist.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            [0..<4, 5..<7, 8..<10].allSatisfy({ bytes[$0].allSatisfy { $0 >= 48 && $0 <= 57 } })
        else { return nil }
        func number(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) } }
        self.init(year: number(0..<4), month: number(5..<7), day: number(8..<10))
    }

    /// Days in a month of the Gregorian calendar.
    public static func days(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The day's first instant in `zone`, in milliseconds since the epoch: its local midnight, or
    /// where a zone skips midnight (clocks that go forward at 00:00), the first time it has.
    public func start(in zone: TimeZone) -> Int64? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}
