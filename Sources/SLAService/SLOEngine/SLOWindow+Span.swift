import Config
import Core
import Foundation

extension SLOWindow {
    /// The window this objective is judged over at `at` (milliseconds): a rolling window ends at
    /// `at` (rounded down to the minute, the last complete one); a calendar window is the week
    /// (Monday to Monday), month or quarter containing `at`, midnight to midnight in `timeZone`,
    /// so its length follows the zone's clock changes (March 2026 in America/Chicago has 743 hours).
    public func span(at: Int64, timeZone: TimeZone) -> TimeSpan {
        let now = RangePlan.floor(at, 60_000)
        switch self {
        case .rolling(let length):
            return TimeSpan(start: now - length.milliseconds, end: now)
        case .calendar(let unit):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            calendar.firstWeekday = 2  // ISO 8601: weeks start on Monday
            calendar.minimumDaysInFirstWeek = 4
            let date = Date(timeIntervalSince1970: Double(at) / 1000)
            let start: Date
            let next: Date
            switch unit {
            case .week:
                start = calendar.dateInterval(of: .weekOfYear, for: date)!.start
                next = calendar.date(byAdding: .day, value: 7, to: start)!
            case .month:
                start = calendar.dateInterval(of: .month, for: date)!.start
                next = calendar.date(byAdding: .month, value: 1, to: start)!
            case .quarter:
                let month = calendar.component(.month, from: date)
                let year = calendar.component(.year, from: date)
                start = calendar.date(from: DateComponents(year: year, month: (month - 1) / 3 * 3 + 1, day: 1))!
                next = calendar.date(byAdding: .month, value: 3, to: start)!
            }
            return TimeSpan(start: Self.milliseconds(start), end: Self.milliseconds(next))
        }
    }

    /// The calendar month named `YYYY-MM` in `timeZone` (a month report, `period=2026-10`).
    public static func month(_ text: String, timeZone: TimeZone) -> TimeSpan? {
        CalendarMonth(parsing: text)?.span(in: timeZone)
    }

    package static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
