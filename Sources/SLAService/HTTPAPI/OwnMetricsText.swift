/// What `/metrics` says of hms-ops itself, made from the registry's text (Prometheus 0.0.4):
/// a HELP line for every family (the metrics API gives the registry none), the lines of private
/// services left out unless the admin token came, and OpenMetrics 1.0 when the scraper asks.
struct OwnMetricsText {
    /// Every family hms-ops exposes, and what it means.
    static let help: [String: String] = [
        "hms_samples_ingested_total": "Samples taken into the per-minute rollups, by service (scrapes) or source.",
        "hms_samples_dropped_total": "Samples not kept, by service and reason (ahead_of_clock, out_of_range, invalid_series).",
        "hms_target_up": "1 when the target's last scrape or probe succeeded, else 0.",
        "hms_target_duration_seconds": "How long the target's last scrape or probe took.",
        "hms_rollup_write_failures_total":
            "Rollup writes that failed, by reason: database_unavailable (rows spooled) or refused (rows quarantined).",
        "hms_quarantined_rows_total": "Minute rows the database refused for their content, kept in the quarantine table.",
        "hms_rows_dropped_total": "Minute rows lost: the database away and the spool full or unreadable.",
        "hms_ingest_lag_seconds": "Now minus the end of the newest minute written to PostgreSQL, while minutes wait; 0 when none do.",
        "hms_spool_bytes": "Bytes waiting in the disk spool for the database.",
        "slo_error_budget_remaining_ratio": "Share of the SLO's error budget left in its window (negative: overspent).",
        "slo_attainment_ratio": "Share of good events (or good minutes) in the SLO's window.",
        "slo_burn_rate": "How fast the SLO's error budget burns over the window, 1 being exactly on budget.",
        "hb_requests_total": "HTTP requests answered, by route, method and status.",
        "hb_request_errors_total": "HTTP requests answered with an error status, by route, method and status.",
        "http_server_request_duration_seconds": "Time the handler took to answer, by route, method and status.",
    ]

    /// Service ids whose lines only the admin sees.
    let privateServices: Set<String>

    /// The registry's `text`, for a reader who may (`admin`) or may not see private services,
    /// in OpenMetrics when `openMetrics`.
    func render(_ text: String, admin: Bool, openMetrics: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2048)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { continue }
                var name = parts[2]
                if openMetrics, parts[3] == "counter", name.hasSuffix("_total") { name = name.dropLast(6) }
                out += "# HELP \(name) \(Self.help[String(parts[2])] ?? "hms-ops' \(parts[2]).")\n# TYPE \(name) \(parts[3])\n"
                continue
            }
            if line.hasPrefix("#") { continue }  // the registry writes no other comments; HELP is ours
            if !admin, !privateServices.isEmpty, isPrivate(line) { continue }
            out += line
            out += "\n"
        }
        if openMetrics { out += "# EOF\n" }
        return out
    }

    /// Whether a sample line carries `service="<a private id>"` (ids are plain words: no escape
    /// can hide one).
    func isPrivate(_ line: Substring) -> Bool {
        guard var at = line.firstIndex(of: "{") else { return false }
        while let found = line[at...].range(of: "service=\"") {
            let before = line[line.index(before: found.lowerBound)]
            let value = line[found.upperBound...].prefix { $0 != "\"" }
            if before == "{" || before == ",", privateServices.contains(String(value)) { return true }
            at = found.upperBound
        }
        return false
    }

    /// Whether the scraper's Accept header asks for OpenMetrics (as Prometheus' does, first).
    static func wantsOpenMetrics(_ accept: String?) -> Bool {
        accept?.contains("application/openmetrics-text") == true
    }
}
