extension Migration {
    /// Hours and days whose rollup rows may lag the level below: an hour is folded once, when it
    /// has ended, not on every minute written; until then queries read the finer rows for it.
    static let m0003FoldPending = Migration(
        version: 3,
        name: "fold pending",
        statements: [
            """
            CREATE TABLE fold_pending (
                level  text NOT NULL CHECK (level IN ('hour', 'day')),
                bucket timestamptz NOT NULL,
                PRIMARY KEY (level, bucket)
            )
            """,
            "CREATE INDEX rollup_1h_bucket ON rollup_1h (bucket)",
            // Hours written before this migration were folded on every write: nothing is pending.
        ]
    )
}
