/// Minutes as the rollups count them: milliseconds since the epoch, a minute starting at a
/// multiple of 60,000 (before 1970 too: floored, not truncated).
public enum MinuteTime {
    public static let length: Int64 = 60_000

    @inlinable
    public static func start(of ms: Int64) -> Int64 {
        let m = ms / length * length
        return ms < 0 && m != ms ? m - length : m
    }
}
