extension Migration {
    /// When each row's `last` value was sampled, so a restarted collector resumes counter
    /// baselines from the database instead of losing the increase across the restart.
    static let m0002RollupLastAt = Migration(
        version: 2,
        name: "rollup last_at",
        statements: [
            "ALTER TABLE rollup_1m ADD COLUMN last_at timestamptz",
            "ALTER TABLE rollup_1h ADD COLUMN last_at timestamptz",
            "ALTER TABLE rollup_1d ADD COLUMN last_at timestamptz",
            "CREATE INDEX rollup_1m_bucket ON rollup_1m (bucket)",
        ]
    )
}
