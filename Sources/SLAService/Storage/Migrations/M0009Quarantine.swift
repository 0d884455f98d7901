extension Migration {
    /// Rows the database refused for their content (a label it cannot store, one that slipped
    /// past every entry's check): kept here with the reason, so the rest of their batch is
    /// written and nobody has to clear a stuck spool by hand. The series is stored as text with
    /// every control character escaped, so the row itself can always be written.
    static let m0009Quarantine = Migration(
        version: 9,
        name: "quarantine",
        statements: [
            """
            CREATE TABLE quarantine (
                id          bigserial PRIMARY KEY,
                at          timestamptz NOT NULL DEFAULT now(),
                reason      text NOT NULL,
                series      text NOT NULL,
                kind        text NOT NULL,
                bucket      timestamptz NOT NULL,
                increase    double precision,
                min         double precision,
                max         double precision,
                sum         double precision,
                count       bigint NOT NULL,
                last        double precision NOT NULL,
                last_at     bigint NOT NULL
            )
            """,
            "CREATE INDEX quarantine_at ON quarantine (at)",
        ]
    )
}
