import Config
import Core
import Foundation

/// Where one SLO stands at one moment.
public struct SLOStatus: Sendable, Equatable {
    public enum BudgetUnit: String, Sendable, Codable { case events, minutes }

    public var window: TimeSpan
    /// When this was evaluated (milliseconds); slices from `at` on are not counted.
    public var at: Int64
    public var method: BudgetingMethod
    /// Good share in the window so far; nil when the window has no data.
    public var attainment: Double?
    public var budgetUnit: BudgetUnit
    /// Events (Occurrences) or minutes (time slices) of budget in the window.
    public var budgetTotal: Double
    public var budgetConsumed: Double
    /// 1 − consumed / total; below 0 when overspent; nil when there is no budget to speak of.
    public var budgetRemaining: Double?
    /// Burn rate per window, nil where the window has no data.
    public var burnRates: [BurnWindow: Double]
    /// When the remaining budget runs out at the last hour's burn; nil when it is not burning.
    public var exhaustsAt: Int64?
    public var conditions: [BurnCondition]
    /// Minutes with data, and minutes with none, in the window so far.
    public var minutesWithData: Int
}
