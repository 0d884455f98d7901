import Core
import Foundation

/// A promise: a target fraction, how it is counted, and (for time slices) when a minute is good.
public struct Objective: Sendable, Equatable {
    /// The target as a fraction, exact: 99.9 % is 0.999.
    public var target: Decimal
    public var method: BudgetingMethod
    /// Timeslices: a minute is good when its ratio is at or above this; the target when not set.
    public var sliceTarget: Decimal?
    /// Time slices: what a minute without data counts as.
    public var noData: NoData

    /// A minute without data: neither good nor bad (the default), or counted as one of them.
    public enum NoData: String, Sendable, CaseIterable, Codable { case ignore, good, bad }

    public init(percent: Decimal, method: BudgetingMethod = .occurrences, sliceTarget: Decimal? = nil, noData: NoData = .ignore) {
        target = percent / 100
        self.method = method
        self.sliceTarget = sliceTarget
        self.noData = noData
    }

    /// The fraction allowed to be bad: the error budget as a share of the window.
    public var allowed: Decimal { 1 - target }

    /// Minutes of budget a span holds, exact: 99.9 % over 30 days allows 43.2 minutes.
    public func budgetMinutes(_ span: TimeSpan) -> Decimal { Decimal(span.minutes) * allowed }

    package var allowedFraction: Double { NSDecimalNumber(decimal: allowed).doubleValue }
    package var sliceThreshold: Double { NSDecimalNumber(decimal: sliceTarget ?? target).doubleValue }
}
