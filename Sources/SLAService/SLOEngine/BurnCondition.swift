import Foundation

/// A multi-window, multi-burn-rate condition (SRE workbook): it fires when the burn rate over
/// both windows is above `factor`.
public struct BurnCondition: Sendable, Equatable {
    public enum Severity: String, Sendable, Codable { case page, ticket }
    public var severity: Severity
    public var long: BurnWindow
    public var short: BurnWindow
    /// The share of the window's budget this condition guards against spending in `long`.
    public var budgetShare: Double
    /// Burn rate above which it fires: share × window hours / long-window hours (14.4 for 2 %
    /// in 1 h of 30 days; 14.88 for a 744-hour month).
    public var factor: Double
    public var firing: Bool

    /// The workbook's four conditions for a window of `hours`, without those whose factor is
    /// below 1 (they would fire at a sustainable burn).
    public static func conditions(windowHours: Double) -> [BurnCondition] {
        let table: [(Severity, BurnWindow, BurnWindow, Double)] = [
            (.page, .h1, .m5, 0.02), (.page, .h6, .m30, 0.05), (.ticket, .d1, .h2, 0.10), (.ticket, .d3, .h6, 0.10),
        ]
        return table.compactMap { severity, long, short, share in
            let factor = share * windowHours / (Double(long.minutes) / 60)
            guard factor >= 1 else { return nil }
            return BurnCondition(severity: severity, long: long, short: short, budgetShare: share, factor: factor, firing: false)
        }
    }
}
