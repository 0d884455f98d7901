import Foundation

/// A half-open span of time, [start, end), in milliseconds since the epoch.
public struct TimeSpan: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var milliseconds: Int64 { end - start }
    /// Whole minutes in the span (spans here start and end on minutes).
    public var minutes: Int64 { milliseconds / 60_000 }
    public var hours: Double { Double(milliseconds) / 3_600_000 }
    public func contains(_ ms: Int64) -> Bool { ms >= start && ms < end }
    public var description: String { "[\(start), \(end))" }
}
