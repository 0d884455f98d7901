/// One numbered, forward-only schema change. Each statement runs on its own (the extended
/// protocol takes one statement at a time), all inside one transaction.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// Every migration, in order. Append new ones; never edit one that has shipped.
    public static let all: [Migration] = [
        .m0001Foundation,
        .m0002RollupLastAt,
        .m0003FoldPending,
        .m0004LeanMinuteRows,
        .m0005ImportProgress,
        .m0006SLOStatus,
        .m0007SLOHourTally,
        .m0008MinuteBlocks,
        .m0009Quarantine,
        .m0010CostUsage,
    ]
}
