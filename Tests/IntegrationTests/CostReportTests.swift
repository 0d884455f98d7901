import Foundation
import TestSupport
import Testing

/// The cost issue's worked example, end to end as a user runs it: a month of usage imported
/// from an OpenMetrics file, then `hms-ops cost report --month 2026-10 --json`.
@Suite("Cost report")
struct CostReportTests {
    /// A process that uses 2 cores (its CPU counter grows 120 s a minute) and holds 4 GiB, with
    /// 60 s samples from `start` to `end` (Unix seconds), as OpenMetrics.
    static func history(from start: Int, to end: Int) -> String {
        var cpu = "# TYPE process_cpu_seconds counter\n"
        var memory = "# TYPE process_resident_memory_bytes gauge\n"
        for (i, t) in stride(from: start, through: end, by: 60).enumerated() {
            cpu += "process_cpu_seconds_total{job=\"relief\",instance=\"a:9100\"} \(1_000 + 120 * i) \(t)\n"
            memory += "process_resident_memory_bytes{job=\"relief\",instance=\"a:9100\"} 4294967296 \(t)\n"
        }
        return cpu + memory + "# EOF\n"
    }

    @Test(.timeLimit(.minutes(10)))
    func theWorkedExampleCostsExactly8256() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cost-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder + "/cards", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RateCards.workedExample.write(toFile: folder + "/cards/test-2026.yaml", atomically: true, encoding: .utf8)
        // October 2026 in New York is 2026-10-01T04:00Z .. 2026-11-01T04:00Z; one sample before
        // it starts the counter, so the month's first minute has its increase.
        try Self.history(from: 1_790_827_140, to: 1_793_505_600).write(toFile: folder + "/history.om", atomically: true, encoding: .utf8)
        let database = try await TestDatabase.fresh("cost")
        let config = folder + "/hms-ops.yaml"
        try """
        database_url: "\(database.fullText)"
        data_dir: \(folder)/data
        rate_cards_dir: cards
        services:
          - id: relief
            name: Crop-Relief Online
            rate_card: test-2026
            time_zone: America/New_York
            cost: {monthly_budget: "100.00"}

        """.write(toFile: config, atomically: true, encoding: .utf8)
        let (imported, importOutput) = try await Subprocess.run(["import", "openmetrics", folder + "/history.om", "--config", config])
        #expect(imported == 0, "\(importOutput)")

        let (status, output) = try await Subprocess.run(["cost", "report", "--service", "relief", "--month", "2026-10", "--json", "--config", config])
        #expect(status == 0, "\(output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(report["total"] as? String == "82.56", "\(output)")
        #expect(report["currency"] as? String == "USD")
        #expect(report["time_zone"] as? String == "America/New_York")
        #expect(report["coverage"] as? String == "1")
        #expect(report["budget"] as? String == "100.00")
        let lines = try #require(report["lines"] as? [[String: Any]])
        let shown = lines.map { "\($0["component"]!) \($0["quantity"]!) \($0["unit"]!) x \($0["rate"]!) = \($0["amount"]!)" }
        #expect(
            shown == [
                "cpu 672 cpu_core_hour x 0.04 = 26.88", "memory 2976 memory_gib_hour x 0.005 = 14.88", "cpu 816 cpu_core_hour x 0.05 = 40.80",
            ], "\(shown)")
        #expect(lines.map { $0["from"] as? String } == ["2026-10-01T04:00:00Z", "2026-10-01T04:00:00Z", "2026-10-15T04:00:00Z"])

        // The table says the same, and its amounts add up to its total.
        let (tableStatus, table) = try await Subprocess.run(["cost", "report", "--service", "relief", "--month", "2026-10", "--config", config])
        #expect(tableStatus == 0, "\(table)")
        #expect(table.contains("Crop-Relief Online (relief), October 2026, America/New_York, rate card test-2026, USD"), "\(table)")
        #expect(table.contains("82.56"), "\(table)")

        // A month without data, one not begun, and a service not known: a clear error, exit 1.
        for (arguments, expected) in [
            (["--service", "relief", "--month", "2026-08"], "no usage of relief was stored in 2026-08"),
            (["--service", "relief", "--month", "2999-01"], "2999-01 has not begun yet"),
            (["--service", "nobody", "--month", "2026-10"], "no service 'nobody' in the configuration"),
        ] {
            let (failed, message) = try await Subprocess.run(["cost", "report"] + arguments + ["--config", config])
            #expect(failed == 1, "\(message)")
            #expect(message.contains(expected), "\(message)")
        }
    }
}
