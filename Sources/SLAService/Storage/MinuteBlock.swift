import Core
import PostgresNIO

/// How minutes are laid out in `minute_block` (migration 8): one row per minute for each group
/// of 256 consecutive series ids, every column an array with one element per series.
enum MinuteBlock {
    /// Series per block; `grp` is `id >> shift`, the element `id & (width - 1)` (0-based).
    package static let width = 256
    package static let shift: Int64 = 8

    /// The newest value written for each series of one group (`lastAt` 0: none known).
    struct Carried: Sendable {
        package var last = [Double](repeating: 0, count: MinuteBlock.width)
        var lastAt = [Int64](repeating: 0, count: MinuteBlock.width)

        /// Takes a value if it is newer than the one known.
        package mutating func take(position: Int, last value: Double, at: Int64) {
            guard at > lastAt[position] else { return }
            last[position] = value
            lastAt[position] = at
        }
    }

    /// Rows of minutes laid out as blocks, ready to bind: block `n`'s elements are
    /// `n * width ..< (n + 1) * width` of each column.
    struct Batch {
        package var groups: [Int64] = []
        package var minutes: [Int64] = []
        package var increase: [Double] = []
        package var min: [Double] = []
        package var max: [Double] = []
        package var sum: [Double] = []
        package var count: [Int32] = []
        package var last: [Double] = []
        var lastAt: [Int64] = []
        /// Every series id with a row here, and its minute (to find superseded imported rows).
        package var ids: [Int64] = []
        var idMinutes: [Int64] = []

        package var isEmpty: Bool { groups.isEmpty }

        /// Fills the positions of each block that hold no row with the newest `last` known for
        /// that series (count stays 0, so no reader sees a row there), and moves `carry` on to
        /// the newest values written. So a group's newest block names every series' newest value,
        /// which is what a restarted collector resumes counter baselines from, even for series
        /// that had no sample in that minute (a target down, a series that comes and goes).
        mutating func carryLastValues(_ carry: inout [Int64: Carried]) {
            for block in groups.indices.sorted(by: { (groups[$0], minutes[$0]) < (groups[$1], minutes[$1]) }) {
                var known = carry[groups[block]] ?? Carried()
                let base = block * MinuteBlock.width
                for position in 0..<MinuteBlock.width {
                    let at = base + position
                    if count[at] == 0 {
                        guard known.lastAt[position] != 0 else { continue }
                        last[at] = known.last[position]
                        lastAt[at] = known.lastAt[position]
                    } else if lastAt[at] >= known.lastAt[position] {
                        known.last[position] = last[at]
                        known.lastAt[position] = lastAt[at]
                    }
                }
                carry[groups[block]] = known
            }
        }

        /// A block: one group of series in one minute.
        package struct Key: Hashable {
            package var group: Int64
            package var minute: Int64
        }

        /// Lays out `rows` (`rowIDs[i]` the series id of `rows[i]`; a row without one is left
        /// out), which may come in any order; a (series, minute) given twice keeps the later row.
        package init(_ rows: [MinuteRow], ids rowIDs: [Int64?]) {
            ids.reserveCapacity(rows.count)
            idMinutes.reserveCapacity(rows.count)
            for (row, id) in zip(rows, rowIDs) {
                guard let id else { continue }
                place(
                    id: id, minute: row.minute, increase: row.increase, min: row.min, max: row.max, sum: row.sum, count: row.count,
                    last: row.last, lastAt: row.lastTimestamp)
            }
        }

        /// Lays out the accumulator's closed minutes straight from their cells; `storedIDs[slot]`
        /// is the id of each slot's series (0: none, the cell is left out).
        package init(_ closed: ClosedMinutes, ids storedIDs: [Int64]) {
            closed.forEachCell { minute, slot, cell in
                guard storedIDs[slot] != 0, let series = closed.keys[slot] else { return }
                let kept = cell.kept(series.kind)
                place(
                    id: storedIDs[slot], minute: minute, increase: kept.increase, min: kept.min, max: kept.max, sum: kept.sum,
                    count: cell.count, last: cell.last, lastAt: cell.lastTimestamp)
            }
        }

        /// Where each block is, and the block the last element went to.
        private var blocks: [Key: Int] = [:]
        private var previous: (key: Key, block: Int)?

        /// Puts one series' minute in its block, opened if it is new.
        private mutating func place(
            id: Int64, minute: Int64, increase: Double?, min: Double?, max: Double?, sum: Double?, count: Int, last: Double, lastAt: Int64
        ) {
            let key = Key(group: id >> MinuteBlock.shift, minute: minute)
            let block: Int
            // Rows come mostly grouped (a target's series have neighbouring ids): the block
            // of the row before is the likeliest, and needs no hashing.
            if let previous, previous.key == key {
                block = previous.block
            } else if let known = blocks[key] {
                block = known
            } else {
                block = groups.count
                blocks[key] = block
                groups.append(key.group)
                minutes.append(key.minute)
                for column in [\Batch.increase, \.min, \.max, \.sum, \.last] {
                    self[keyPath: column].append(contentsOf: repeatElement(.nan, count: MinuteBlock.width))
                }
                self.count.append(contentsOf: repeatElement(0, count: MinuteBlock.width))
                self.lastAt.append(contentsOf: repeatElement(0, count: MinuteBlock.width))
            }
            previous = (key, block)
            let at = block * MinuteBlock.width + Int(id & Int64(MinuteBlock.width - 1))
            // NULL travels as NaN: samples that are NaN never reach a row, so NaN means "none".
            self.increase[at] = increase ?? .nan
            self.min[at] = min ?? .nan
            self.max[at] = max ?? .nan
            self.sum[at] = sum ?? .nan
            // A stored row is one with a count: a row always holds at least one sample.
            self.count[at] = Int32(clamping: Swift.max(1, count))
            self.last[at] = last
            self.lastAt[at] = lastAt
            ids.append(id)
            idMinutes.append(minute)
        }

        /// How many elements block `n` needs: up to its last position with a row or a carried
        /// value. A group's series ids are handed out in order, so a group with a few series
        /// (a small installation, a test) stores short arrays, not 256 elements of nothing.
        package func length(of block: Int) -> Int {
            let base = block * MinuteBlock.width
            var end = MinuteBlock.width
            while end > 1, count[base + end - 1] == 0, lastAt[base + end - 1] == 0 { end -= 1 }
            return end
        }

        /// One upsert of blocks `range`, each sent as its used elements only (sliced out of the
        /// bound columns). A block already stored keeps its elements where the new one has no row.
        func upsert(_ range: Range<Int>) -> PostgresQuery {
            var starts: [Int32] = [], ends: [Int32] = []
            var used: [Range<Int>] = []
            var total: Int32 = 0
            for block in range {
                let length = length(of: block)
                used.append(block * MinuteBlock.width..<block * MinuteBlock.width + length)
                starts.append(total + 1)
                total += Int32(length)
                ends.append(total)
            }
            func packed<T: PackedElement>(_ column: [T]) -> PackedArray<T> { PackedArray(used.map { column[$0] }) }
            var sql = SQLBuilder()
            let (g, m, a, b) = (sql.bind(Array(groups[range])), sql.bind(Array(minutes[range])), sql.bind(starts), sql.bind(ends))
            let columns = [
                sql.bind(packed(increase)), sql.bind(packed(min)), sql.bind(packed(max)), sql.bind(packed(sum)), sql.bind(packed(count)),
                sql.bind(packed(last)), sql.bind(packed(lastAt)),
            ]
            let merged = ["increase", "min", "max", "sum", "last", "last_at", "count"].map {
                "\($0) = block_merge(minute_block.\($0), EXCLUDED.\($0), EXCLUDED.count)"
            }
            sql.append(
                """
                INSERT INTO minute_block (grp, bucket, increase, min, max, sum, count, last, last_at)
                SELECT t.g, to_timestamp(t.m / 1000.0), \(columns.map { "\($0)[t.a:t.b]" }.joined(separator: ", "))
                FROM UNNEST(\(g)::int8[], \(m)::int8[], \(a)::int4[], \(b)::int4[]) AS t(g, m, a, b)
                ON CONFLICT (grp, bucket) DO UPDATE SET \(merged.joined(separator: ", "))
                """)
            return sql.query
        }
    }
}
