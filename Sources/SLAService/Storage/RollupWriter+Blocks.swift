import Core

extension RollupWriter {
    /// Blocks per statement: ~64,000 elements, ~3.5 MB of bound arrays.
    static let blocksPerStatement = 250

    /// The collector's own minutes, as blocks. An imported row for the same series and minute
    /// is deleted first: the collector's row wins, and the two are never both counted.
    /// `ids[i]` is the series id of `rows[i]` (nil: no id, the row is not written).
    func writeBlocks(_ rows: [MinuteRow], ids: [Int64?]) async throws {
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
    func writeRows(_ rows: [MinuteRow], ids: [Int64?]) async throws {
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
