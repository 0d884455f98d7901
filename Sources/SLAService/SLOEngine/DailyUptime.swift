import Config
import Core
import Foundation
import Logging
import PostgresNIO

/// A public service's uptime day by day, in its own time zone, for the dashboard's 90-day strip.
public struct DailyUptime: Sendable, Equatable {
    /// `yyyy-mm-dd` in the service's zone.
    public var day: String
    public var span: TimeSpan
    /// Good share of the day's events; nil without data.
    public var uptime: Double?

    /// The last `count` days of `service` up to `at` (today, so far, last).
    package static func read(_ service: ServiceDefinition, days count: Int, at: Int64, postgres: PostgresClient, logger: Logger) async throws
        -> [DailyUptime]
    {
        let zone = service.zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = zone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        var start = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(at) / 1000))
        var end = Date(timeIntervalSince1970: Double(at) / 1000)
        var out: [DailyUptime] = []
        for _ in 0..<count {
            let span = TimeSpan(start: Int64(start.timeIntervalSince1970 * 1000), end: Int64(end.timeIntervalSince1970 * 1000))
            let summary = try await PeriodSummary.read(service, name: "day", span: span, postgres: postgres, logger: logger, latency: false)
            out.append(DailyUptime(day: formatter.string(from: start), span: span, uptime: summary.uptime))
            end = start
            guard let previous = calendar.date(byAdding: .day, value: -1, to: start) else { break }
            start = previous
        }
        return out.reversed()
    }
}
