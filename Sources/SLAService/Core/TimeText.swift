import Foundation

/// Times people write: on the command line (`--at`, `--from`) and in query strings (`at=`).
public enum TimeText {
    /// Milliseconds since the epoch from RFC 3339 (`2026-10-31T23:59:00Z`, fractions allowed) or
    /// (fractional) Unix seconds; nil for anything else, or beyond ±3,000 years.
    public static func milliseconds(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 40 else { return nil }
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 { return Int64((seconds * 1000).rounded()) }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        return nil
    }

    /// `2026-10-31T23:59:00Z`: an instant (milliseconds since the epoch) as RFC 3339, in UTC or
    /// in `zone` (`2026-10-31T19:59:00-04:00`).
    public static func rfc3339(_ ms: Int64, in zone: TimeZone? = nil) -> String {
        let formatter = ISO8601DateFormatter()
        if let zone { formatter.timeZone = zone }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
