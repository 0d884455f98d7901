extension Migration {
    /// The collector's minutes stored as blocks: one row per minute for 256 consecutive series
    /// ids (`grp` = id >> 8), each column an array indexed by `id & 255` (and ending at the
    /// group's last position in use). A minute of 200,000
    /// series is ~800 rows instead of 200,000, which is what makes the database's share of
    /// ingest small (a row with its index entry costs PostgreSQL about as much as a whole block).
    ///
    /// In a block, a position whose `count` is 0 holds no row, and NaN in `increase`, `min`,
    /// `max` or `sum` means none (NaN samples never reach a row). `last_at` is milliseconds.
    /// Minutes that are not the collector's own (imports) stay rows, in `minute_row` (the old
    /// table). `rollup_1m` becomes a view of both, for reading by hand; the server reads a
    /// selection of series through `minute_rows(ids, from, to)`, which picks array elements
    /// without unnesting whole blocks.
    static let m0008MinuteBlocks = Migration(
        version: 8,
        name: "minute blocks",
        statements: [
            "ALTER TABLE rollup_1m RENAME TO minute_row",
            "ALTER INDEX rollup_1m_pkey RENAME TO minute_row_pkey",
            // Imports only now, read by bucket to find rows a live block supersedes: a btree,
            // which stays exact however out of order history arrives (a BRIN would widen).
            "DROP INDEX rollup_1m_bucket",
            "CREATE INDEX minute_row_bucket ON minute_row (bucket)",
            """
            CREATE TABLE minute_block (
                grp      bigint NOT NULL,
                bucket   timestamptz NOT NULL,
                increase double precision[] NOT NULL,
                min      double precision[] NOT NULL,
                max      double precision[] NOT NULL,
                sum      double precision[] NOT NULL,
                count    integer[] NOT NULL,
                last     double precision[] NOT NULL,
                last_at  bigint[] NOT NULL,
                PRIMARY KEY (grp, bucket)
            )
            """,
            "CREATE INDEX minute_block_bucket ON minute_block (bucket)",
            // Doubles barely compress: storing them out of line uncompressed saves the attempt.
            // No statistics of the arrays' elements: nothing filters on them, and gathering them
            // (every element of every sampled block) was most of autovacuum's work here.
            """
            ALTER TABLE minute_block ALTER increase SET STORAGE EXTERNAL, ALTER min SET STORAGE EXTERNAL,
                ALTER max SET STORAGE EXTERNAL, ALTER sum SET STORAGE EXTERNAL, ALTER count SET STORAGE EXTERNAL,
                ALTER last SET STORAGE EXTERNAL, ALTER last_at SET STORAGE EXTERNAL,
                ALTER increase SET STATISTICS 0, ALTER min SET STATISTICS 0, ALTER max SET STATISTICS 0,
                ALTER sum SET STATISTICS 0, ALTER count SET STATISTICS 0, ALTER last SET STATISTICS 0,
                ALTER last_at SET STATISTICS 0
            """,
            """
            CREATE VIEW rollup_1m AS
            SELECT series_id, bucket, increase, min, max, sum, count, last, last_at FROM minute_row
            UNION ALL
            SELECT b.grp * 256 + u.k - 1, b.bucket, NULLIF(u.increase, 'NaN'), NULLIF(u.min, 'NaN'), NULLIF(u.max, 'NaN'),
                   NULLIF(u.sum, 'NaN'), u.count::bigint, u.last, to_timestamp(u.last_at / 1000.0)
            FROM minute_block b
                 CROSS JOIN LATERAL unnest(b.increase, b.min, b.max, b.sum, b.count, b.last, b.last_at)
                 WITH ORDINALITY AS u(increase, min, max, sum, count, last, last_at, k)
            WHERE u.count > 0
            """,
            """
            CREATE FUNCTION minute_rows(ids bigint[], t0 timestamptz, t1 timestamptz)
            RETURNS TABLE (series_id bigint, bucket timestamptz, increase double precision, min double precision,
                           max double precision, sum double precision, count bigint, last double precision, last_at timestamptz)
            LANGUAGE sql STABLE AS $$
                SELECT r.series_id, r.bucket, r.increase, r.min, r.max, r.sum, r.count, r.last, r.last_at
                FROM minute_row r WHERE r.series_id = ANY(ids) AND r.bucket >= t0 AND r.bucket < t1
                UNION ALL
                SELECT s.id, b.bucket, NULLIF(b.increase[s.k], 'NaN'), NULLIF(b.min[s.k], 'NaN'), NULLIF(b.max[s.k], 'NaN'),
                       NULLIF(b.sum[s.k], 'NaN'), b.count[s.k]::bigint, b.last[s.k], to_timestamp(b.last_at[s.k] / 1000.0)
                FROM (SELECT DISTINCT u.id, u.id >> 8 AS grp, (u.id & 255)::int + 1 AS k FROM unnest(ids) AS u(id)) s
                     JOIN minute_block b ON b.grp = s.grp AND b.bucket >= t0 AND b.bucket < t1
                WHERE b.count[s.k] > 0
            $$
            """,
            // A block written again (a replay, a minute's rows split across writes) takes the new
            // row where the new block has one and keeps the stored one elsewhere. Blocks are as
            // long as their last used position, so the two may differ in length: the result is
            // as long as the longer, with no NULL in it.
            """
            CREATE FUNCTION block_merge(stored anyarray, fresh anyarray, present integer[]) RETURNS anyarray
            LANGUAGE sql IMMUTABLE AS $$
                SELECT array_agg(CASE WHEN u.p > 0 THEN u.f ELSE coalesce(u.s, u.f) END ORDER BY u.k)
                FROM unnest(stored, fresh, present) WITH ORDINALITY AS u(s, f, p, k)
            $$
            """,
        ]
    )
}
