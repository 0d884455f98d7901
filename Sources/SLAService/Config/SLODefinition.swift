import Foundation

/// A service level objective: a target percentage of good events or minutes over a window.
public struct SLODefinition: Sendable, Equatable {
    public var id: String
    /// Percent, exact: 99.9 is 99.9, not 99.899999.
    public var objective: Decimal
    public var window: SLOWindow
    public var sli: SLIDefinition
    /// How it counts; nil: Timeslices for a latency SLI with a percentile, else Occurrences.
    public var method: BudgetingMethod?
    /// Timeslices: a minute is good when its ratio is at or above this (a fraction).
    public var sliceTarget: Decimal?
    /// Time slices: what a minute without data counts as (neither, by default).
    public var noData: Objective.NoData = .ignore

    public init(
        id: String, objective: Decimal, window: SLOWindow = .rolling(.days(30)), sli: SLIDefinition, method: BudgetingMethod? = nil,
        sliceTarget: Decimal? = nil
    ) {
        self.id = id
        self.objective = objective
        self.window = window
        self.sli = sli
        self.method = method
        self.sliceTarget = sliceTarget
    }
}

extension SLODefinition {
    /// How this SLO counts: `budgeting_method` and `slice_target` when configured. Otherwise a
    /// latency SLI with a percentile ("median below 250 ms") is judged
    /// minute by minute: a minute is good when at least that share of its requests is at or
    /// below the bound (so its percentile is), i.e. Timeslices with the percentile as slice
    /// target. Everything else counts events (Occurrences).
    public var objectiveValue: Objective {
        var percentileTarget: Decimal?
        if case .latency(_, let percentile?, _) = sli { percentileTarget = percentile / 100 }
        if let method { return Objective(percent: objective, method: method, sliceTarget: sliceTarget ?? percentileTarget, noData: noData) }
        if let percentileTarget {
            return Objective(percent: objective, method: .timeslices, sliceTarget: sliceTarget ?? percentileTarget, noData: noData)
        }
        return Objective(percent: objective, method: .occurrences)
    }
}
