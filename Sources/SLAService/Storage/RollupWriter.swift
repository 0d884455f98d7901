import Core
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Writes closed minutes to `rollup_1m` and refolds the hours and days they touch, each step one
/// statement per batch (UNNEST of arrays), keyed by (series, bucket) so a replay changes nothing.
public final class RollupWriter: Sendable {
    package let postgres: PostgresClient
    package let logger: Logger
    /// Series ids, so each series is looked up in the database once per process. Keyed by the
    /// series itself: its SHA-256 is computed only for series the cache has not seen.
    private let ids = Mutex<[SeriesKey: Int64]>([:])
    /// Per group of series, the newest value written of each (see `MinuteBlock.Batch.carryLastValues`).
    let carried = Mutex<[Int64: MinuteBlock.Carried]>([:])

    /// This writer's number in the process: the tag of the ids it leaves on series keys.
    let generation: Int64
    private static let generations = Atomic<Int64>(0)
    /// Told the hours (their starts) that minutes landed in after those hours were complete, once
    /// they are refolded: whatever was made of the hours before (the SLO engine's tallies) is
    /// out of date. The composition wires it; the writer knows nothing of what it is for.
    let lateHours: (@Sendable ([Int64]) async throws -> Void)?

    public init(postgres: PostgresClient, logger: Logger, lateHours: (@Sendable ([Int64]) async throws -> Void)? = nil) {
        self.postgres = postgres
        self.logger = logger
        self.lateHours = lateHours
        self.generation = Self.generations.add(1, ordering: .relaxed).newValue
    }

    /// Hours and days marked in `fold_pending`, as this process knows them, and the end of the
    /// newest minute written: hours and days that end by then are complete and can be folded.
    struct FoldState: Sendable {
        var loaded = false
        var frontier: Int64 = .min
        package var pending: Set<Pending> = []
    }

    struct Pending: Hashable, Sendable {
        package var level: FoldLevel
        package var bucket: Int64
        package var end: Int64 { bucket + level.milliseconds }
    }

    private let folds = Mutex(FoldState())

    /// Whose row wins when a minute is already stored.
    public enum WriteMode: Sendable, Equatable {
        /// The collector's own rows: the new row replaces the stored one (a replay writes the
        /// same values).
        case live
        /// Imported history: a minute already stored is kept (what the collector saw itself, or
        /// an earlier import, wins). Hours that ended before `now` (milliseconds) are complete.
        case backfill(now: Int64)
    }

    /// Writes `rows` (any series, any minutes). Rows in hours still in progress mark their hour
    /// pending (folded once it ends, by `foldDue`); rows that land in hours already complete
    /// (late rows, replays, imports) refold those hours and their days for their series at once,
    /// through the series' own rows (an index range per series, never a scan of the table).
    public func write(_ rows: [MinuteRow], mode: WriteMode = .live) async throws {
        guard !rows.isEmpty else { return }
        try await loadPending()
        // The id this writer left on each key object; then one pass over the cache for the
        // rest; only series it lacks go to the database.
        var rowIDs = rows.map { $0.series.storedID(for: generation) }
        if rowIDs.contains(nil) {
            ids.withLock { cache in
                for index in rows.indices where rowIDs[index] == nil { rowIDs[index] = cache[rows[index].series] }
            }
        }
        // In the order the rows come (a target's series together), so a target's series get
        // neighbouring ids and share blocks.
        var seen: Set<SeriesKey> = []
        let missing = zip(rows, rowIDs).compactMap { $1 == nil && seen.insert($0.series).inserted ? $0.series : nil }
        if !missing.isEmpty {
            let fresh = try await ensureSeries(missing)
            for index in rows.indices where rowIDs[index] == nil { rowIDs[index] = fresh[rows[index].series] }
        }
        for (row, id) in zip(rows, rowIDs) {
            if let id, row.series.storedID(for: generation) == nil { row.series.remember(id, for: generation) }
        }
        var before = folds.withLock { $0.frontier }
        if case .backfill(let now) = mode { before = max(before, now) }
        var opened: Set<Pending> = []
        var lateSeries: [Int64] = [], lateMinutes: [Int64] = []
        var newest = Int64.min
        var lastOpened: Pending?
        for (row, id) in zip(rows, rowIDs) {
            guard let id else { continue }
            newest = max(newest, row.minute)
            let hour = Pending(level: .hour, bucket: RangePlan.floor(row.minute, FoldLevel.hour.milliseconds))
            if hour.end > before {
                // Rows come minute by minute: most are in the hour of the row before.
                if hour != lastOpened { opened.insert(hour) }
                lastOpened = hour
            } else {
                lateSeries.append(id)
                lateMinutes.append(row.minute)
            }
        }
        // Marked before the rows land, so no query reads an hour row that lags its minutes.
        try await markPending(opened)
        switch mode {
        case .live: try await writeBlocks(rows, ids: rowIDs)
        case .backfill: try await writeRows(rows, ids: rowIDs)
        }
        if !lateSeries.isEmpty {
            // Many late series (a replay after an outage): whole hours from their blocks, not
            // each series' minutes picked out of them one by one. Counted by series, not rows:
            // an import's batch is a few series over many hours, and refolding each of those
            // hours whole, batch after batch, made a month's import five times slower.
            if Set(lateSeries).count > 1_000 {
                for hour in Set(lateMinutes.map { RangePlan.floor($0, FoldLevel.hour.milliseconds) }).sorted() {
                    try await foldHourFromBlocks(hour)
                }
            } else {
                try await fold(.hour, series: lateSeries, times: lateMinutes)
            }
            // Whatever was made of those hours before was made without these minutes.
            try await lateHours?(Set(lateMinutes.map { RangePlan.floor($0, FoldLevel.hour.milliseconds) }).sorted())
            // Days already complete are refolded now; a day still in progress is folded when it ends.
            let dayMs = FoldLevel.day.milliseconds
            var doneSeries: [Int64] = [], doneTimes: [Int64] = []
            for (id, minute) in zip(lateSeries, lateMinutes) where RangePlan.floor(minute, dayMs) + dayMs <= before {
                doneSeries.append(id)
                doneTimes.append(minute)
            }
            if !doneSeries.isEmpty { try await fold(.day, series: doneSeries, times: doneTimes) }
            try await markPending(Set(lateMinutes.map { Pending(level: .day, bucket: RangePlan.floor($0, dayMs)) }.filter { $0.end > before }))
        }
        folds.withLock { $0.frontier = max($0.frontier, newest == .min ? .min : newest + MinuteTime.length) }
    }

    /// Writes the accumulator's closed minutes straight from their cells, with no row made: the
    /// collector's usual case. Series the slots hold no id for yet are looked up (and stored) as
    /// `write` does; their ids are returned, by slot, for the accumulator to keep. Nil, with
    /// nothing written, when a minute lies in an hour already complete (a late minute: write its
    /// rows, which refolds that hour).
    public func write(_ closed: ClosedMinutes) async throws -> [(slot: Int, id: Int64)]? {
        guard !closed.isEmpty else { return [] }
        try await loadPending()
        let before = folds.withLock { $0.frontier }
        let hours = Set(closed.minutes.map { Pending(level: .hour, bucket: RangePlan.floor($0.start, FoldLevel.hour.milliseconds)) })
        guard hours.allSatisfy({ $0.end > before }) else { return nil }
        var ids = closed.storedIDs
        var missing: [Int] = []
        closed.forEachCell { _, slot, _ in
            if ids[slot] == 0 {
                ids[slot] = -1  // asked once, whatever minutes it has cells in
                missing.append(slot)
            }
        }
        var found: [(slot: Int, id: Int64)] = []
        if !missing.isEmpty {
            let fresh = try await ensureSeries(missing.compactMap { closed.keys[$0] })
            for slot in missing {
                ids[slot] = closed.keys[slot].flatMap { fresh[$0] } ?? 0
                if ids[slot] != 0 { found.append((slot, ids[slot])) }
            }
        }
        // Marked before the rows land, so no query reads an hour row that lags its minutes.
        try await markPending(hours)
        try await writeBlocks(MinuteBlock.Batch(closed, ids: ids))
        let newest = closed.minutes.map(\.start).max() ?? .min
        folds.withLock { $0.frontier = max($0.frontier, newest + MinuteTime.length) }
        return found
    }

    /// Folds every pending hour, then day, that has ended by the newest minute written (or by
    /// `now` minus `settle`, for a collector that stopped writing): whole hours from minutes,
    /// whole days from hours. Returns how many were folded. Idempotent; a failure leaves the
    /// rest pending for the next call.
    @discardableResult
    public func foldDue(now: Int64? = nil, settle: Int64 = 5 * 60_000) async throws -> Int {
        try await loadPending()
        var done = 0
        for level in FoldLevel.allCases {
            let due = folds.withLock { state in
                let limit = max(state.frontier, now.map { $0 - settle } ?? .min)
                return state.pending.filter { $0.level == level && $0.end <= limit }.sorted { $0.bucket < $1.bucket }
            }
            for pending in due {
                try await foldWhole(pending)
                if level == .hour {
                    try await markPending([Pending(level: .day, bucket: RangePlan.floor(pending.bucket, FoldLevel.day.milliseconds))])
                }
                try await postgres.query(
                    "DELETE FROM fold_pending WHERE level = \(level.rawValue) AND bucket = to_timestamp(\(pending.bucket) / 1000.0)",
                    logger: logger)
                _ = folds.withLock { $0.pending.remove(pending) }
                done += 1
            }
        }
        return done
    }

    /// Reads what `fold_pending` holds, once per process (a crash may have left some).
    func loadPending() async throws {
        guard !folds.withLock({ $0.loaded }) else { return }
        var found: Set<Pending> = []
        let rows = try await postgres.query(
            "SELECT level, (extract(epoch FROM bucket) * 1000)::int8 FROM fold_pending", logger: logger)
        for try await (level, bucket) in rows.decode((String, Int64).self) {
            if let level = FoldLevel(rawValue: level) { found.insert(Pending(level: level, bucket: bucket)) }
        }
        folds.withLock { state in
            guard !state.loaded else { return }
            state.pending.formUnion(found)
            state.loaded = true
        }
    }

    func markPending(_ marks: Set<Pending>) async throws {
        let fresh = folds.withLock { state in marks.subtracting(state.pending) }
        guard !fresh.isEmpty else { return }
        let levels = fresh.map(\.level.rawValue), buckets = fresh.map(\.bucket)
        try await postgres.query(
            """
            INSERT INTO fold_pending (level, bucket)
            SELECT l, to_timestamp(b / 1000.0) FROM UNNEST(\(levels)::text[], \(buckets)::int8[]) AS t(l, b)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        folds.withLock { $0.pending.formUnion(fresh) }
    }

    /// A coarser rollup level and the level it is folded from.
    enum FoldLevel: String, CaseIterable, Sendable {
        case hour, day

        package var milliseconds: Int64 { self == .hour ? 3_600_000 : 86_400_000 }
        // Identifiers cannot be bound; these are constants of ours, never input.
        /// The rows of one series `k.s` from `k.start` for the level's length, as `r`: minutes
        /// through `minute_rows` (elements picked out of their blocks), hours by their index.
        var sourceOfSeries: String {
            self == .hour
                ? "CROSS JOIN LATERAL minute_rows(ARRAY[k.s], k.start, k.start + interval '\(interval)') AS r"
                : "JOIN rollup_1h r ON r.series_id = k.s AND r.bucket >= k.start AND r.bucket < k.start + interval '\(interval)'"
        }
        package var target: String { self == .hour ? "rollup_1h" : "rollup_1d" }
        // "24 hours", not "1 day": timestamptz + '1 day' follows the session's time zone over DST.
        package var interval: String { self == .hour ? "1 hour" : "24 hours" }
    }

    /// The aggregate of a level's rows into one row of the level above, and its upsert. Sums
    /// run in time order, so folding the same rows again gives the same bits (floating-point
    /// addition depends on order, and a scan's order is not fixed).
    static let foldColumns = """
        sum(r.increase ORDER BY r.bucket), min(r.min), max(r.max), sum(r.sum ORDER BY r.bucket), sum(r.count),
        (array_agg(r.last ORDER BY r.bucket DESC))[1], max(r.last_at)
        """
    static let foldUpsert = """
        ON CONFLICT (series_id, bucket) DO UPDATE SET
            increase = EXCLUDED.increase, min = EXCLUDED.min, max = EXCLUDED.max, sum = EXCLUDED.sum,
            count = EXCLUDED.count, last = EXCLUDED.last, last_at = EXCLUDED.last_at
        """

    /// Recomputes, for the given series, the rows of `level` containing the given times, from
    /// the level below: an hour is the sum of its minutes, a day the sum of its hours (UTC days;
    /// calendar windows in other zones combine hours at their edges).
    func fold(_ level: FoldLevel, series: [Int64], times: [Int64]) async throws {
        var sql = SQLBuilder()
        let (ids, buckets) = (sql.bind(series), sql.bind(times.map { RangePlan.floor($0, level.milliseconds) }))
        sql.append(
            """
            INSERT INTO \(level.target) (series_id, bucket, increase, min, max, sum, count, last, last_at)
            SELECT r.series_id, k.start, \(Self.foldColumns)
            FROM (SELECT DISTINCT s, to_timestamp(b / 1000.0) AS start FROM UNNEST(\(ids)::int8[], \(buckets)::int8[]) AS u(s, b)) AS k
            \(level.sourceOfSeries)
            GROUP BY r.series_id, k.start
            \(Self.foldUpsert)
            """)
        try await postgres.query(sql.query, logger: logger)
    }

    /// Recomputes one whole hour (from its blocks) or day (from its hours) for every series
    /// with rows in it.
    func foldWhole(_ pending: Pending) async throws {
        guard pending.level == .day else { return try await foldHourFromBlocks(pending.bucket) }
        try await postgres.query(
            """
            INSERT INTO rollup_1d (series_id, bucket, increase, min, max, sum, count, last, last_at)
            SELECT r.series_id, to_timestamp(\(pending.bucket) / 1000.0), \(unescaped: Self.foldColumns)
            FROM rollup_1h r
            WHERE r.bucket >= to_timestamp(\(pending.bucket) / 1000.0) AND r.bucket < to_timestamp(\(pending.bucket) / 1000.0) + interval '24 hours'
            GROUP BY r.series_id
            \(unescaped: Self.foldUpsert)
            """, logger: logger)
    }

    /// Ids of the given series, inserting the ones the database has not seen (one statement).
    func ensureSeries(_ keys: [SeriesKey]) async throws -> [SeriesKey: Int64] {
        var known = ids.withLock { cache in keys.reduce(into: [SeriesKey: Int64]()) { out, key in out[key] = cache[key] } }
        let missing = keys.filter { known[$0] == nil }
        for start in stride(from: 0, to: missing.count, by: 10_000) {
            known.merge(try await insertSeries(Array(missing[start..<min(start + 10_000, missing.count)]))) { $1 }
        }
        return known
    }

    /// Inserts series (one statement) and returns their ids, new or already stored. Keys that
    /// differ only in kind (a pushed gauge and a remote-written untyped series of one name and
    /// labels; a target that changes a TYPE line) are one stored series: they share its id, and
    /// the statement names each hash once (twice would make the upsert fail every time).
    func insertSeries(_ missing: [SeriesKey]) async throws -> [SeriesKey: Int64] {
        let hashes = missing.map(\.hashHex)
        var byHash: [String: [SeriesKey]] = [:]
        var unique: [Int] = []
        for (index, hash) in hashes.enumerated() {
            if byHash[hash] == nil { unique.append(index) }
            byHash[hash, default: []].append(missing[index])
        }
        let metrics = unique.map { missing[$0].metric }
        let labels = unique.map { missing[$0].labelsJSON }
        let kinds = unique.map { missing[$0].kind.rawValue }
        let uniqueHashes = unique.map { hashes[$0] }
        let rows = try await postgres.query(
            """
            INSERT INTO series (metric, labels, kind, hash)
            SELECT m, l::jsonb, k, decode(h, 'hex')
            FROM UNNEST(\(metrics)::text[], \(labels)::text[], \(kinds)::text[], \(uniqueHashes)::text[]) WITH ORDINALITY AS t(m, l, k, h, n)
            ORDER BY n
            ON CONFLICT (hash) DO UPDATE SET metric = EXCLUDED.metric
            RETURNING id, encode(hash, 'hex'), kind
            """, logger: logger)
        var fresh: [SeriesKey: Int64] = [:]
        var mixed: [String] = []
        for try await (id, hex, stored) in rows.decode((Int64, String, String).self) {
            for key in byHash[hex] ?? [] {
                fresh[key] = id
                if key.kind.rawValue != stored, mixed.count < 5 {
                    mixed.append("\(QuotedText.clip(key.metric)) (\(key.kind.rawValue), stored as \(stored))")
                }
            }
        }
        if !mixed.isEmpty {
            logger.warning(
                "a series arrives under another kind than it was stored with; its minutes are kept as one series",
                metadata: ["series": "\(mixed.joined(separator: ", "))"])
        }
        ids.withLock { cache in cache.merge(fresh) { $1 } }
        return fresh
    }

    /// Writes `rows` as `write` does; when the database refuses them for what they hold
    /// (`DataRefusal`), halves the batch until the rows it refuses are found, puts those in
    /// `quarantine` with the reason, and writes the rest. Returns how many were quarantined.
    /// Any other failure (the database away) is thrown, and nothing is quarantined.
    public func writeIsolating(_ rows: [MinuteRow], mode: WriteMode = .live) async throws -> Int {
        do {
            try await write(rows, mode: mode)
            return 0
        } catch {
            guard let reason = DataRefusal.reason(error) else { throw error }
            guard rows.count > 1 else { return try await quarantine(rows, reason: reason) }
            let half = rows.count / 2
            let first = try await writeIsolating(Array(rows[..<half]), mode: mode)
            return try await first + writeIsolating(Array(rows[half...]), mode: mode)
        }
    }

    /// Keeps rows the database refused in `quarantine`, with the reason; the series as escaped
    /// text, so this insert cannot be refused for the same content. Returns how many.
    package func quarantine(_ rows: [MinuteRow], reason: String) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        var columns = RowColumns()
        for row in rows {
            columns.append(
                0, row.minute, increase: row.increase, min: row.min, max: row.max, sum: row.sum, count: Int64(row.count), last: row.last,
                lastAt: row.lastTimestamp)
        }
        let series = rows.map { Self.printable($0.series.canonical) }
        let kinds = rows.map(\.series.kind.rawValue)
        try await postgres.query(
            """
            INSERT INTO quarantine (reason, series, kind, bucket, increase, min, max, sum, count, last, last_at)
            SELECT \(Self.printable(reason)), s, k, to_timestamp(b / 1000.0), NULLIF(i, 'NaN'), NULLIF(mn, 'NaN'), NULLIF(mx, 'NaN'),
                   NULLIF(sm, 'NaN'), c, l, la
            FROM UNNEST(\(series)::text[], \(kinds)::text[], \(columns.buckets)::int8[], \(columns.increase)::float8[], \(columns.min)::float8[],
                        \(columns.max)::float8[], \(columns.sum)::float8[], \(columns.count)::int8[], \(columns.last)::float8[],
                        \(columns.lastAt)::int8[]) AS t(s, k, b, i, mn, mx, sm, c, l, la)
            """, logger: logger)
        logger.error(
            "rows the database refused were put in quarantine; the rest of their batch was written",
            metadata: ["rows": "\(rows.count)", "reason": "\(Self.printable(reason))", "first": "\(series[0].prefix(200))"])
        return rows.count
    }

    /// `text` with every control character (U+0000 among them) written as `\u{XX}`, so any
    /// `text` column takes it and no log line or page shows it raw.
    package static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The newest stored value of every counter-like series, to seed baselines after a restart.
    /// On a database the server has not migrated yet (its first start) nothing is stored: none.
    public func latestValues(since: Int64) async throws -> [(SeriesKey, Double, Int64)] {
        do {
            return try await storedLatestValues(since: since)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P01" {
            return []
        }
    }

    /// Per series, the newest of: its imported minutes, the newest block of its group (of the
    /// two hours before the newest block; blocks carry the newest value of every series of their
    /// group, with or without a row in that minute), and its folded hours. Gauges' values are
    /// kept only to be carried on.
    func storedLatestValues(since: Int64) async throws -> [(SeriesKey, Double, Int64)] {
        let rows = try await postgres.query(
            """
            SELECT DISTINCT ON (x.series_id) x.series_id, s.metric, s.labels::text, s.kind, x.last, x.at
            FROM (
                SELECT r.series_id, r.last, (extract(epoch FROM r.last_at) * 1000)::int8 AS at
                FROM minute_row r WHERE r.bucket >= to_timestamp(\(since) / 1000.0) AND r.last_at IS NOT NULL
                UNION ALL
                SELECT n.grp * 256 + u.k - 1, u.last, u.last_at
                FROM (SELECT DISTINCT ON (grp) grp, count, last, last_at FROM minute_block
                      WHERE bucket >= to_timestamp(\(since) / 1000.0)
                        AND bucket >= (SELECT max(bucket) FROM minute_block) - interval '2 hours'
                      ORDER BY grp, bucket DESC) AS n
                     CROSS JOIN LATERAL unnest(n.count, n.last, n.last_at) WITH ORDINALITY AS u(count, last, last_at, k)
                WHERE u.last_at >= \(since)
                UNION ALL
                SELECT h.series_id, h.last, (extract(epoch FROM h.last_at) * 1000)::int8
                FROM rollup_1h h WHERE h.bucket >= to_timestamp(\(since) / 1000.0) AND h.last_at IS NOT NULL
            ) AS x JOIN series s ON s.id = x.series_id
            ORDER BY x.series_id, x.at DESC
            """, logger: logger)
        var out: [(SeriesKey, Double, Int64)] = []
        var carry: [Int64: MinuteBlock.Carried] = [:]
        for try await (id, metric, labelsText, kindText, last, at) in rows.decode((Int64, String, String, String, Double, Int64).self) {
            // Every series' newest value is carried into the blocks this process writes.
            carry[id >> MinuteBlock.shift, default: .init()].take(position: Int(id & Int64(MinuteBlock.width - 1)), last: last, at: at)
            guard let kind = SeriesKind(rawValue: kindText), kind != .gauge,
                let object = try? JSONSerialization.jsonObject(with: Data(labelsText.utf8)) as? [String: String]
            else { continue }
            out.append((SeriesKey(metric: metric, labels: object.map { Label($0.key, $0.value) }, kind: kind), last, at))
        }
        carried.withLock { known in
            for (group, values) in carry {
                for position in 0..<MinuteBlock.width where values.lastAt[position] != 0 {
                    known[group, default: .init()].take(position: position, last: values.last[position], at: values.lastAt[position])
                }
            }
        }
        return out
    }
}
