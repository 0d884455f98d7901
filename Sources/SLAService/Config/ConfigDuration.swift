/// A span of time written the Prometheus way: `15s`, `5m`, `1h30m`, `30d`, `250ms`.
public struct ConfigDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole milliseconds.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> ConfigDuration { .init(milliseconds: s * 1000) }
    public static func minutes(_ m: Int64) -> ConfigDuration { .seconds(m * 60) }
    public static func hours(_ h: Int64) -> ConfigDuration { .minutes(h * 60) }
    public static func days(_ d: Int64) -> ConfigDuration { .hours(d * 24) }

    /// Swift's `Duration`, for clocks and sleeps.
    public var duration: Duration { .milliseconds(milliseconds) }

    public static func < (a: ConfigDuration, b: ConfigDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// Units in the order they must appear, largest first, as Prometheus requires.
    static let units: [(suffix: String, ms: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses `text`, or returns nil when it is not a duration of at least one unit.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var total: Int64 = 0
        var index = 0
        var lastUnit = -1
        while index < bytes.count {
            var value: Int64 = 0
            let digitsStart = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(bytes[index] - 48))
                guard !o1, !o2 else { return nil }
                value = s
                index += 1
            }
            guard index > digitsStart else { return nil }
            // "ms" must win over "m" followed by garbage.
            var unit = -1
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "m"), bytes[index + 1] == UInt8(ascii: "s") {
                unit = 6
                index += 2
            } else if index < bytes.count {
                unit = Self.units.firstIndex { $0.suffix.utf8.first == bytes[index] && $0.suffix.count == 1 } ?? -1
                if unit >= 0 { index += 1 }
            }
            guard unit > lastUnit else { return nil }
            lastUnit = unit
            let (p, o3) = value.multipliedReportingOverflow(by: Self.units[unit].ms)
            let (t, o4) = total.addingReportingOverflow(p)
            guard !o3, !o4 else { return nil }
            total = t
        }
        self.milliseconds = total
    }

    /// Prometheus's spelling, e.g. `1h30m` or `30d`: years and weeks only when exact.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        for (suffix, ms) in Self.units.prefix(2) where milliseconds % ms == 0 {
            return "\(milliseconds / ms)\(suffix)"
        }
        var rest = milliseconds
        var out = ""
        for (suffix, ms) in Self.units.dropFirst(2) where rest >= ms {
            out += "\(rest / ms)\(suffix)"
            rest %= ms
        }
        return out
    }
}
