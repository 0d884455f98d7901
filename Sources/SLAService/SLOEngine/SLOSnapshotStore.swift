import Foundation
import Synchronization

/// Holds the current snapshot; readers get it without waiting.
public final class SLOSnapshotStore: Sendable {
    private let current = Mutex<SLOSnapshot?>(nil)
    /// Closed months' summaries, and when they were read.
    package let months = Mutex<(at: Int64?, summaries: [String: [String: PeriodSummary]])>((nil, [:]))
    /// The 90-day strips, and when they were read.
    package let days = Mutex<(at: Int64?, days: [String: [DailyUptime]])>((nil, [:]))
    public init() {}
    public var snapshot: SLOSnapshot? { current.withLock { $0 } }
    /// When the current snapshot was evaluated, if it is not stale (without copying it).
    package var freshStamp: Int64? { current.withLock { $0.flatMap { $0.stale ? nil : $0.evaluatedAt } } }
    func replace(_ snapshot: SLOSnapshot) { current.withLock { $0 = snapshot } }
    func markStale() { current.withLock { $0?.stale = true } }
}
