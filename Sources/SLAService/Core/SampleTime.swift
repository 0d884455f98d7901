/// The times a sample may carry, in milliseconds since the epoch. Anything outside cannot be a
/// real measurement (before 1970, or past year 9999), and near Int64's ends the minute and
/// grace arithmetic would overflow: every entry refuses such a sample, with a message.
public enum SampleTime {
    /// 1970-01-01T00:00:00Z.
    public static let earliest: Int64 = 0
    /// 9999-12-31T23:59:59.999Z.
    public static let latest: Int64 = 253_402_300_799_999

    /// Whether `ms` is a time a sample may carry.
    public static func allows(_ ms: Int64) -> Bool { ms >= earliest && ms <= latest }
}
