extension Migration {
    /// How far each Prometheus import has come, so an interrupted one resumes where it stopped.
    static let m0005ImportProgress = Migration(
        version: 5,
        name: "import progress",
        statements: [
            """
            CREATE TABLE import_progress (
                key          text PRIMARY KEY,
                source       text NOT NULL,
                done_through timestamptz NOT NULL,
                updated_at   timestamptz NOT NULL DEFAULT now()
            )
            """
        ]
    )
}
