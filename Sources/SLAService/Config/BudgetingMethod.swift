import Foundation

/// How an objective counts, as OpenSLO names it.
public enum BudgetingMethod: String, Sendable, CaseIterable, Codable {
    /// Good events over all events in the window.
    case occurrences = "Occurrences"
    /// Good minutes over minutes with data: a minute is good when its ratio is at or above the slice target.
    case timeslices = "Timeslices"
    /// The mean of the minutes' ratios.
    case ratioTimeslices = "RatioTimeslices"
}
