import PostgresNIO

/// How minutes are laid out in `minute_block` (migration 8): one row per minute for each group
/// of 256 consecutive series ids, every column an array with one element per series.
enum MinuteBlock {
    /// Series per block; `grp` is `id >> shift`, the element `id & (width - 1)` (0-based).
    static let width = 256
    static let shift: Int64 = 8

    /// The newest value written for each series of one group (`lastAt` 0: none known).
    struct Carried: Sendable {
        var last = [Double](repeating: 0, count: MinuteBlock.width)
        var lastAt = [Int64](repeating: 0, count: MinuteBlock.width)

        /// Takes a value if it is newer than the one known.
        mutating func take(position: Int, last value: Double, at: Int64) {
            guard at > lastAt[position] else { return }
            last[position] = value
            lastAt[position] = at
        }
    }

    /// Rows of minutes laid out as blocks, ready to bind: block `n`'s elements are
    /// `n * width ..< (n + 1) * width` of each column.
    struct Batch {
        var groups: [Int64] = []
        var minutes: [Int64] = []
        var increase: [Double] = []
        var min: [Double] = []
        var max: [Double] = []
        var sum: [Double] = []
        var count: [Int32] = []
        var last: [Double] = []
        var lastAt: [Int64] = []
        /// Every series id with a row here, and its minute (to find superseded imported rows).
        var ids: [Int64] = []
        var idMinutes: [Int64] = []

        var isEmpty: Bool { groups.isEmpty }

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

        /// Lays out `rows`, which may come in any order; a (series, minute) given twice keeps the later row.
        struct Key: Hashable {
            var group: Int64
            var minute: Int64
        }

        init(_ rows: [(row: MinuteAccumulator.Row, id: Int64)]) {
            var blocks: [Key: Int] = [:]
            ids.reserveCapacity(rows.count)
            idMinutes.reserveCapacity(rows.count)
            for (row, id) in rows {
                let key = Key(group: id >> MinuteBlock.shift, minute: row.minute)
                let block: Int
                if let known = blocks[key] {
                    block = known
                } else {
                    block = groups.count
                    blocks[key] = block
                    groups.append(key.group)
                    minutes.append(key.minute)
                    for column in [\Batch.increase, \.min, \.max, \.sum, \.last] {
                        self[keyPath: column].append(contentsOf: repeatElement(.nan, count: MinuteBlock.width))
                    }
                    count.append(contentsOf: repeatElement(0, count: MinuteBlock.width))
                    lastAt.append(contentsOf: repeatElement(0, count: MinuteBlock.width))
                }
                let at = block * MinuteBlock.width + Int(id & Int64(MinuteBlock.width - 1))
                // NULL travels as NaN: samples that are NaN never reach a row, so NaN means "none".
                increase[at] = row.increase ?? .nan
                min[at] = row.min ?? .nan
                max[at] = row.max ?? .nan
                sum[at] = row.sum ?? .nan
                // A stored row is one with a count: a row always holds at least one sample.
                count[at] = Int32(clamping: Swift.max(1, row.count))
                last[at] = row.last
                lastAt[at] = row.lastTimestamp
                ids.append(id)
                idMinutes.append(row.minute)
            }
        }

        /// How many elements block `n` needs: up to its last position with a row or a carried
        /// value. A group's series ids are handed out in order, so a group with a few series
        /// (a small installation, a test) stores short arrays, not 256 elements of nothing.
        func length(of block: Int) -> Int {
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
            func packed<T>(_ column: [T]) -> [T] { used.flatMap { column[$0] } }
            var binds = PostgresBindings()
            binds.append(Array(groups[range]))
            binds.append(Array(minutes[range]))
            binds.append(starts)
            binds.append(ends)
            binds.append(packed(increase))
            binds.append(packed(min))
            binds.append(packed(max))
            binds.append(packed(sum))
            binds.append(packed(count))
            binds.append(packed(last))
            binds.append(packed(lastAt))
            let merged = ["increase", "min", "max", "sum", "last", "last_at", "count"].map {
                "\($0) = block_merge(minute_block.\($0), EXCLUDED.\($0), EXCLUDED.count)"
            }
            let sql = """
                INSERT INTO minute_block (grp, bucket, increase, min, max, sum, count, last, last_at)
                SELECT t.g, to_timestamp(t.m / 1000.0), $5[t.a:t.b], $6[t.a:t.b], $7[t.a:t.b], $8[t.a:t.b], $9[t.a:t.b], $10[t.a:t.b],
                       $11[t.a:t.b]
                FROM UNNEST($1::int8[], $2::int8[], $3::int4[], $4::int4[]) AS t(g, m, a, b)
                ON CONFLICT (grp, bucket) DO UPDATE SET \(merged.joined(separator: ", "))
                """
            return PostgresQuery(unsafeSQL: sql, binds: binds)
        }
    }
}

extension RollupWriter {
    /// Blocks per statement: ~64,000 elements, ~3.5 MB of bound arrays.
    static let blocksPerStatement = 250

    /// The collector's own minutes, as blocks. An imported row for the same series and minute
    /// is deleted first: the collector's row wins, and the two are never both counted.
    func writeBlocks(_ rows: [(row: MinuteAccumulator.Row, id: Int64)]) async throws {
        var batch = MinuteBlock.Batch(rows)
        carried.withLock { batch.carryLastValues(&$0) }
        guard !batch.isEmpty, let first = batch.minutes.min(), let final = batch.minutes.max() else { return }
        if try await hasImportedRows(from: first, through: final) {
            try await postgres.query(
                """
                DELETE FROM minute_row r USING UNNEST(\(batch.ids)::int8[], \(batch.idMinutes)::int8[]) AS u(s, b)
                WHERE r.series_id = u.s AND r.bucket = to_timestamp(u.b / 1000.0)
                """, logger: logger)
        }
        for start in stride(from: 0, to: batch.groups.count, by: Self.blocksPerStatement) {
            try await postgres.query(batch.upsert(start..<min(start + Self.blocksPerStatement, batch.groups.count)), logger: logger)
        }
    }

    /// Whether `minute_row` holds any minute in `[first, final]` (one index probe; almost always no).
    func hasImportedRows(from first: Int64, through final: Int64) async throws -> Bool {
        let rows = try await postgres.query(
            """
            SELECT EXISTS (SELECT 1 FROM minute_row WHERE bucket >= to_timestamp(\(first) / 1000.0)
                                                       AND bucket <= to_timestamp(\(final) / 1000.0))
            """, logger: logger)
        for try await found in rows.decode(Bool.self) { return found }
        return false
    }

    /// Imported minutes, as rows: a minute already stored (a block of the collector's, or an
    /// earlier import's row) is kept.
    func writeRows(_ rows: [(row: MinuteAccumulator.Row, id: Int64)]) async throws {
        let nan = Double.nan
        let series = rows.map(\.id), minutes = rows.map(\.row.minute)
        let increases = rows.map { $0.row.increase ?? nan }, mins = rows.map { $0.row.min ?? nan }
        let maxes = rows.map { $0.row.max ?? nan }, sums = rows.map { $0.row.sum ?? nan }
        let counts = rows.map { Int64($0.row.count) }, lasts = rows.map(\.row.last), lastAts = rows.map(\.row.lastTimestamp)
        try await postgres.query(
            """
            INSERT INTO minute_row (series_id, bucket, increase, min, max, sum, count, last, last_at)
            SELECT s, to_timestamp(b / 1000.0), NULLIF(i, 'NaN'), NULLIF(mn, 'NaN'), NULLIF(mx, 'NaN'), NULLIF(sm, 'NaN'), c, l,
                   to_timestamp(la / 1000.0)
            FROM UNNEST(\(series)::int8[], \(minutes)::int8[], \(increases)::float8[], \(mins)::float8[], \(maxes)::float8[],
                        \(sums)::float8[], \(counts)::int8[], \(lasts)::float8[], \(lastAts)::int8[])
                 AS t(s, b, i, mn, mx, sm, c, l, la)
            WHERE NOT EXISTS (
                SELECT 1 FROM minute_block k
                WHERE k.grp = t.s >> 8 AND k.bucket = to_timestamp(t.b / 1000.0) AND k.count[(t.s & 255)::int + 1] > 0)
            ON CONFLICT (series_id, bucket) DO NOTHING
            """, logger: logger)
    }
}
