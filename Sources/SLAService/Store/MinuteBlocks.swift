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

        /// A block: one group of series in one minute.
        struct Key: Hashable {
            var group: Int64
            var minute: Int64
        }

        /// Lays out `rows` (`rowIDs[i]` the series id of `rows[i]`; a row without one is left
        /// out), which may come in any order; a (series, minute) given twice keeps the later row.
        init(_ rows: [MinuteAccumulator.Row], ids rowIDs: [Int64?]) {
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
        init(_ closed: MinuteAccumulator.Closed, ids storedIDs: [Int64]) {
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
            func packed<T: PackedElement>(_ column: [T]) -> PackedArray<T> { PackedArray(used.map { column[$0] }) }
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
    /// `ids[i]` is the series id of `rows[i]` (nil: no id, the row is not written).
    func writeBlocks(_ rows: [MinuteAccumulator.Row], ids: [Int64?]) async throws {
        try await writeBlocks(MinuteBlock.Batch(rows, ids: ids))
    }

    func writeBlocks(_ laidOut: MinuteBlock.Batch) async throws {
        var batch = laidOut
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
    func writeRows(_ rows: [MinuteAccumulator.Row], ids: [Int64?]) async throws {
        var columns = RowColumns()
        for (row, id) in zip(rows, ids) {
            guard let id else { continue }
            columns.append(
                id, row.minute, increase: row.increase, min: row.min, max: row.max, sum: row.sum, count: Int64(row.count), last: row.last,
                lastAt: row.lastTimestamp)
        }
        let query = columns.insert(
            into: "minute_row",
            then: """
                WHERE NOT EXISTS (
                    SELECT 1 FROM minute_block k
                    WHERE k.grp = t.s >> 8 AND k.bucket = to_timestamp(t.b / 1000.0) AND k.count[(t.s & 255)::int + 1] > 0)
                ON CONFLICT (series_id, bucket) DO NOTHING
                """)
        try await postgres.query(query, logger: logger)
    }

    /// Folds one whole hour from its blocks here, not in SQL: the hour's blocks come as arrays,
    /// in order of group and minute, and are summed element by element (in minute order, as the
    /// SQL fold sums, so the result is the same to the bit); unnesting them in the database
    /// costs it more than the rest of ingest. Series with imported rows in the hour are folded
    /// by SQL from both kinds of minutes.
    func foldHourFromBlocks(_ hour: Int64) async throws {
        let end = hour + FoldLevel.hour.milliseconds
        var imported: Set<Int64> = []
        for try await id in try await postgres.query(
            """
            SELECT DISTINCT series_id FROM minute_row
            WHERE bucket >= to_timestamp(\(hour) / 1000.0) AND bucket < to_timestamp(\(end) / 1000.0)
            """, logger: logger
        ).decode(Int64.self) {
            imported.insert(id)
        }
        var folded = RowColumns()
        var group: Int64?
        var sums = HourSums()
        func emit() {
            guard let group else { return }
            sums.append(to: &folded, group: group, hour: hour, skipping: imported)
        }
        let blocks = try await postgres.query(
            """
            SELECT grp, increase, min, max, sum, count, last, last_at FROM minute_block
            WHERE bucket >= to_timestamp(\(hour) / 1000.0) AND bucket < to_timestamp(\(end) / 1000.0)
            ORDER BY grp, bucket
            """, logger: logger)
        for try await (grp, increase, min, max, sum, count, last, lastAt) in blocks.decode(
            (Int64, [Double], [Double], [Double], [Double], [Int32], [Double], [Int64]).self)
        {
            if grp != group {
                emit()
                group = grp
                sums = HourSums()
            }
            sums.add(increase: increase, min: min, max: max, sum: sum, count: count, last: last, lastAt: lastAt)
        }
        emit()
        for start in stride(from: 0, to: folded.series.count, by: 10_000) {
            let part = folded.slice(start..<Swift.min(start + 10_000, folded.series.count))
            try await postgres.query(part.insert(into: "rollup_1h", then: Self.foldUpsert), logger: logger)
        }
        if !imported.isEmpty { try await fold(.hour, series: Array(imported), times: Array(repeating: hour, count: imported.count)) }
    }
}

/// Rollup rows as columns, for one `INSERT ... SELECT FROM UNNEST` (NULL travels as NaN:
/// samples that are NaN never reach a row, so NaN means "none").
struct RowColumns {
    var series: [Int64] = []
    var buckets: [Int64] = []
    var increase: [Double] = []
    var min: [Double] = []
    var max: [Double] = []
    var sum: [Double] = []
    var count: [Int64] = []
    var last: [Double] = []
    var lastAt: [Int64] = []

    mutating func append(
        _ id: Int64, _ bucket: Int64, increase: Double?, min: Double?, max: Double?, sum: Double?, count: Int64, last: Double, lastAt: Int64
    ) {
        series.append(id)
        buckets.append(bucket)
        self.increase.append(increase ?? .nan)
        self.min.append(min ?? .nan)
        self.max.append(max ?? .nan)
        self.sum.append(sum ?? .nan)
        self.count.append(count)
        self.last.append(last)
        self.lastAt.append(lastAt)
    }

    func slice(_ range: Range<Int>) -> RowColumns {
        RowColumns(
            series: Array(series[range]), buckets: Array(buckets[range]), increase: Array(increase[range]), min: Array(min[range]),
            max: Array(max[range]), sum: Array(sum[range]), count: Array(count[range]), last: Array(last[range]),
            lastAt: Array(lastAt[range]))
    }

    /// `INSERT INTO table ... SELECT ... FROM UNNEST(...) AS t(s, b, i, mn, mx, sm, c, l, la)`
    /// followed by `then` (a WHERE and an ON CONFLICT: our constants, never input).
    func insert(into table: String, then tail: String) -> PostgresQuery {
        var binds = PostgresBindings()
        for column in [series, buckets] { binds.append(PackedArray(column)) }
        for column in [increase, min, max, sum] { binds.append(PackedArray(column)) }
        binds.append(PackedArray(count))
        binds.append(PackedArray(last))
        binds.append(PackedArray(lastAt))
        let sql = """
            INSERT INTO \(table) (series_id, bucket, increase, min, max, sum, count, last, last_at)
            SELECT s, to_timestamp(b / 1000.0), NULLIF(i, 'NaN'), NULLIF(mn, 'NaN'), NULLIF(mx, 'NaN'), NULLIF(sm, 'NaN'), c, l,
                   to_timestamp(la / 1000.0)
            FROM UNNEST($1::int8[], $2::int8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int8[], $8::float8[], $9::int8[])
                 AS t(s, b, i, mn, mx, sm, c, l, la)
            \(tail)
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

/// One group's minutes of an hour, summed element by element as the SQL fold would:
/// increases and sums added in minute order (NaN: none yet), min and max, counts, the last
/// value of the newest minute and the newest time.
struct HourSums {
    var increase = [Double](repeating: .nan, count: MinuteBlock.width)
    var min = [Double](repeating: .nan, count: MinuteBlock.width)
    var max = [Double](repeating: .nan, count: MinuteBlock.width)
    var sum = [Double](repeating: .nan, count: MinuteBlock.width)
    var count = [Int64](repeating: 0, count: MinuteBlock.width)
    var last = [Double](repeating: 0, count: MinuteBlock.width)
    var lastAt = [Int64](repeating: .min, count: MinuteBlock.width)

    /// Adds one minute's block (blocks come in minute order).
    mutating func add(
        increase i: [Double], min mn: [Double], max mx: [Double], sum sm: [Double], count c: [Int32], last l: [Double], lastAt la: [Int64]
    ) {
        let used = Swift.min(MinuteBlock.width, c.count, i.count, mn.count, mx.count, sm.count, l.count, la.count)
        for p in 0..<used where c[p] > 0 {
            if !i[p].isNaN { increase[p] = increase[p].isNaN ? i[p] : increase[p] + i[p] }
            if !mn[p].isNaN { min[p] = min[p].isNaN ? mn[p] : Swift.min(min[p], mn[p]) }
            if !mx[p].isNaN { max[p] = max[p].isNaN ? mx[p] : Swift.max(max[p], mx[p]) }
            if !sm[p].isNaN { sum[p] = sum[p].isNaN ? sm[p] : sum[p] + sm[p] }
            count[p] += Int64(c[p])
            last[p] = l[p]
            lastAt[p] = Swift.max(lastAt[p], la[p])
        }
    }

    /// The hour rows of the group's series with minutes, but those in `skipping`.
    func append(to rows: inout RowColumns, group: Int64, hour: Int64, skipping: Set<Int64>) {
        for p in 0..<MinuteBlock.width where count[p] > 0 {
            let id = group << MinuteBlock.shift + Int64(p)
            guard !skipping.contains(id) else { continue }
            rows.append(
                id, hour, increase: increase[p].isNaN ? nil : increase[p], min: min[p].isNaN ? nil : min[p], max: max[p].isNaN ? nil : max[p],
                sum: sum[p].isNaN ? nil : sum[p], count: count[p], last: last[p], lastAt: lastAt[p])
        }
    }
}
