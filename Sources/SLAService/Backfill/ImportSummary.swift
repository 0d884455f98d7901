/// What an import read and what it did with it.
public struct ImportSummary: Sendable, Equatable {
    /// Samples read from the source.
    public var samples = 0
    /// Samples folded into rollups.
    public var imported = 0
    /// Samples older than the longest retention: skipped.
    public var tooOld = 0
    /// Samples more than five minutes ahead of the clock: skipped.
    public var inFuture = 0
    /// Samples not newer than their series' previous one (repeated or out of order): skipped.
    public var outOfOrder = 0
    /// Samples of series that cannot be stored (`SeriesLimits`): skipped.
    public var refused = 0
    /// Why the first refused sample was refused.
    public var refusal: String?
    /// What the file seems to be, when that explains why nothing was imported.
    public var hint: String?
    /// Minute rows sent to the database (minutes already stored keep their rows).
    public var rows = 0
    /// Distinct series.
    public var series = 0
    /// The oldest and newest imported sample (milliseconds); nil when none was imported.
    public var oldest: Int64?
    public var newest: Int64?
    /// SLO evaluations stored again for the hours the import changed (`slo_status`).
    public var sloHoursRecomputed = 0

    public init() {}
}
