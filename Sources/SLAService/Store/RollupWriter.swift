import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Writes closed minutes to `rollup_1m` and refolds the hours and days they touch, each step one
/// statement per batch (UNNEST of arrays), keyed by (series, bucket) so a replay changes nothing.
public final class RollupWriter: Sendable {
    let postgres: PostgresClient
    let logger: Logger
    /// Series ids, so each series is looked up in the database once per process. Keyed by the
    /// series itself: its SHA-256 is computed only for series the cache has not seen.
    private let ids = Mutex<[SeriesKey: Int64]>([:])

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    /// Writes `rows` (any series, any minutes) and refolds their hours and days.
    public func write(_ rows: [MinuteAccumulator.Row]) async throws {
        guard !rows.isEmpty else { return }
        let seriesIDs = try await ensureSeries(Array(Set(rows.map(\.series))))
        let nan = Double.nan
        var series: [Int64] = [], minutes: [Int64] = [], increases: [Double] = [], mins: [Double] = [], maxes: [Double] = []
        var sums: [Double] = [], counts: [Int64] = [], lasts: [Double] = [], lastAts: [Int64] = []
        for row in rows {
            guard let id = seriesIDs[row.series] else { continue }
            series.append(id)
            minutes.append(row.minute)
            // NULL travels as NaN: samples that are NaN never reach a row, so NaN means "none".
            increases.append(row.increase ?? nan)
            mins.append(row.min ?? nan)
            maxes.append(row.max ?? nan)
            sums.append(row.sum ?? nan)
            counts.append(Int64(row.count))
            lasts.append(row.last)
            lastAts.append(row.lastTimestamp)
        }
        try await postgres.query(
            """
            INSERT INTO rollup_1m (series_id, bucket, increase, min, max, sum, count, last, last_at)
            SELECT s, to_timestamp(b / 1000.0), NULLIF(i, 'NaN'), NULLIF(mn, 'NaN'), NULLIF(mx, 'NaN'), NULLIF(sm, 'NaN'), c, l,
                   to_timestamp(la / 1000.0)
            FROM UNNEST(\(series)::int8[], \(minutes)::int8[], \(increases)::float8[], \(mins)::float8[], \(maxes)::float8[],
                        \(sums)::float8[], \(counts)::int8[], \(lasts)::float8[], \(lastAts)::int8[])
                 AS t(s, b, i, mn, mx, sm, c, l, la)
            ON CONFLICT (series_id, bucket) DO UPDATE SET
                increase = EXCLUDED.increase, min = EXCLUDED.min, max = EXCLUDED.max, sum = EXCLUDED.sum,
                count = EXCLUDED.count, last = EXCLUDED.last, last_at = EXCLUDED.last_at
            """, logger: logger)
        try await fold(series: series, minutes: minutes)
    }

    /// A coarser rollup level and the level it is folded from.
    enum FoldLevel: CaseIterable {
        case hour, day

        var milliseconds: Int64 { self == .hour ? 3_600_000 : 86_400_000 }
        // Identifiers cannot be bound; these are constants of ours, never input.
        var source: String { self == .hour ? "rollup_1m" : "rollup_1h" }
        var target: String { self == .hour ? "rollup_1h" : "rollup_1d" }
        var interval: String { self == .hour ? "1 hour" : "1 day" }
    }

    /// Recomputes the hour rows, then the day rows, that contain the given minutes, from the
    /// level below: an hour is the sum of its minutes, a day the sum of its hours (UTC days;
    /// calendar windows in other zones combine hours at their edges).
    func fold(series: [Int64], minutes: [Int64]) async throws {
        for level in FoldLevel.allCases {
            var binds = PostgresBindings()
            binds.append(series)
            binds.append(minutes.map { $0 / level.milliseconds * level.milliseconds })
            let sql = """
                INSERT INTO \(level.target) (series_id, bucket, increase, min, max, sum, count, last, last_at)
                SELECT r.series_id, k.start, sum(r.increase), min(r.min), max(r.max), sum(r.sum), sum(r.count),
                       (array_agg(r.last ORDER BY r.bucket DESC))[1], max(r.last_at)
                FROM (SELECT DISTINCT s, to_timestamp(b / 1000.0) AS start FROM UNNEST($1::int8[], $2::int8[]) AS u(s, b)) AS k
                JOIN \(level.source) r ON r.series_id = k.s AND r.bucket >= k.start AND r.bucket < k.start + interval '\(level.interval)'
                GROUP BY r.series_id, k.start
                ON CONFLICT (series_id, bucket) DO UPDATE SET
                    increase = EXCLUDED.increase, min = EXCLUDED.min, max = EXCLUDED.max, sum = EXCLUDED.sum,
                    count = EXCLUDED.count, last = EXCLUDED.last, last_at = EXCLUDED.last_at
                """
            try await postgres.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    /// Ids of the given series, inserting the ones the database has not seen (one statement).
    func ensureSeries(_ keys: [SeriesKey]) async throws -> [SeriesKey: Int64] {
        var known = ids.withLock { cache in keys.reduce(into: [SeriesKey: Int64]()) { out, key in out[key] = cache[key] } }
        let missing = keys.filter { known[$0] == nil }
        guard !missing.isEmpty else { return known }
        let hashes = missing.map { $0.hash.map { String(format: "%02x", $0) }.joined() }
        let byHash = Dictionary(zip(hashes, missing), uniquingKeysWith: { first, _ in first })
        let metrics = missing.map(\.metric)
        let labels = missing.map { Self.labelsJSON($0.labels) }
        let kinds = missing.map(\.kind.rawValue)
        let rows = try await postgres.query(
            """
            INSERT INTO series (metric, labels, kind, hash)
            SELECT m, l::jsonb, k, decode(h, 'hex') FROM UNNEST(\(metrics)::text[], \(labels)::text[], \(kinds)::text[], \(hashes)::text[]) AS t(m, l, k, h)
            ON CONFLICT (hash) DO UPDATE SET metric = EXCLUDED.metric
            RETURNING id, encode(hash, 'hex')
            """, logger: logger)
        var fresh: [SeriesKey: Int64] = [:]
        for try await (id, hex) in rows.decode((Int64, String).self) {
            if let key = byHash[hex] { fresh[key] = id }
        }
        ids.withLock { cache in cache.merge(fresh) { $1 } }
        known.merge(fresh) { $1 }
        return known
    }

    /// Labels as a JSON object; JSONSerialization escapes whatever the values hold.
    static func labelsJSON(_ labels: [Label]) -> String {
        let object = Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The newest stored value of every counter-like series, to seed baselines after a restart.
    public func latestValues(since: Int64) async throws -> [(SeriesKey, Double, Int64)] {
        let rows = try await postgres.query(
            """
            SELECT DISTINCT ON (r.series_id) s.metric, s.labels::text, s.kind, r.last, (extract(epoch FROM r.last_at) * 1000)::int8
            FROM rollup_1m r JOIN series s ON s.id = r.series_id
            WHERE r.bucket >= to_timestamp(\(since) / 1000.0) AND r.last_at IS NOT NULL AND s.kind <> 'gauge'
            ORDER BY r.series_id, r.bucket DESC
            """, logger: logger)
        var out: [(SeriesKey, Double, Int64)] = []
        for try await (metric, labelsText, kindText, last, at) in rows.decode((String, String, String, Double, Int64).self) {
            guard let kind = SeriesKind(rawValue: kindText),
                let object = try? JSONSerialization.jsonObject(with: Data(labelsText.utf8)) as? [String: String]
            else { continue }
            out.append((SeriesKey(metric: metric, labels: object.map { Label($0.key, $0.value) }, kind: kind), last, at))
        }
        return out
    }
}
