extension Migration {
    /// Cheaper minute rows, the table every scrape writes to: a BRIN index on `bucket` (rows
    /// arrive in time order, so block ranges summarise them well, at a fraction of a btree's
    /// upkeep) and no foreign-key probe per row (series rows are never deleted).
    static let m0004LeanMinuteRows = Migration(
        version: 4,
        name: "lean minute rows",
        statements: [
            "DROP INDEX rollup_1m_bucket",
            "CREATE INDEX rollup_1m_bucket ON rollup_1m USING brin (bucket) WITH (pages_per_range = 32)",
            "ALTER TABLE rollup_1m DROP CONSTRAINT rollup_1m_series_id_fkey",
        ]
    )
}
