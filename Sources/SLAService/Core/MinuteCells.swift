/// One open minute's cells, by series slot. A minute with few series (a late push, a
/// timestamp far ahead) keeps them in a dictionary; one that most series reach keeps an array
/// as long as the slots, so a sample is folded in place and closing the minute takes the
/// array out whole, with nothing allocated or freed per series.
public struct MinuteCells: Sendable {
    public let start: Int64
    public var dense: [MinuteCell] = []
    public var sparse: [Int: MinuteCell] = [:]
    public var isDense = false

    /// Cells a minute keeps in its dictionary before it takes an array.
    public static let denseFrom = 512

    public init(start: Int64) { self.start = start }

    @inlinable
    public mutating func fold(slot: Int, slots: Int, _ value: Double, increase: Double?, at ms: Int64, gauge: Bool) {
        if isDense {
            if slot >= dense.count { dense.append(contentsOf: repeatElement(MinuteCell(), count: Swift.max(slots, slot + 1) - dense.count)) }
            dense[slot].fold(value, increase: increase, at: ms, gauge: gauge)
            return
        }
        sparse[slot, default: MinuteCell()].fold(value, increase: increase, at: ms, gauge: gauge)
        if sparse.count >= Self.denseFrom {
            dense = Array(repeating: MinuteCell(), count: Swift.max(slots, slot + 1))
            for (at, cell) in sparse { dense[at] = cell }
            sparse = [:]
            isDense = true
        }
    }

    public func holds(_ slot: Int) -> Bool {
        isDense ? slot < dense.count && dense[slot].count > 0 : sparse[slot] != nil
    }

    /// Every cell with a sample, in slot order (a target's series together).
    public func forEachCell(_ body: (Int, MinuteCell) -> Void) {
        if isDense {
            for slot in dense.indices where dense[slot].count > 0 { body(slot, dense[slot]) }
        } else {
            for slot in sparse.keys.sorted() { body(slot, sparse[slot]!) }
        }
    }
}
