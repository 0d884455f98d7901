import Foundation

/// The time samples are stamped with and minutes close by, in milliseconds since the epoch.
///
/// For tests of the whole binary only: `HMS_OPS_TEST_CLOCK=REAL_MS:VIRTUAL_MS:FACTOR` makes the
/// server's clock read `VIRTUAL_MS + (real − REAL_MS) × FACTOR`, so a test can watch minutes close
/// (and kill and restart the server across them) in seconds. Sleeps between scrapes are not
/// warped; flushes run `FACTOR` times as often. Unset, it is the system clock.
public enum WallClock {
    public struct Warp: Sendable, Equatable {
        public var realAnchor: Int64
        public var virtualAnchor: Int64
        public var factor: Double

        /// Parses `REAL_MS:VIRTUAL_MS:FACTOR`; nil if it is not that (factor 1...10,000).
        public init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 3, let real = Int64(parts[0]), let virtual = Int64(parts[1]), let speed = Double(parts[2]),
                speed >= 1, speed <= 10_000
            else { return nil }
            (realAnchor, virtualAnchor, factor) = (real, virtual, speed)
        }

        package func apply(_ real: Int64) -> Int64 { virtualAnchor + Int64((Double(real - realAnchor) * factor).rounded()) }
    }

    /// The warp from the environment, read once.
    public static let warp: Warp? = ProcessInfo.processInfo.environment["HMS_OPS_TEST_CLOCK"].flatMap(Warp.init)

    /// The system clock, in milliseconds since the epoch.
    public static func system() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Now: the system clock, or its warped reading under `HMS_OPS_TEST_CLOCK`.
    public static func now() -> Int64 {
        guard let warp else { return system() }
        return warp.apply(system())
    }

    /// `interval` shortened by the warp factor (at least 20 ms), for loops that close minutes.
    public static func scaled(_ interval: Duration) -> Duration {
        guard let warp else { return interval }
        let ms = Double(interval.components.seconds) * 1000 / warp.factor
        return .milliseconds(Int64(max(20, ms)))
    }
}
