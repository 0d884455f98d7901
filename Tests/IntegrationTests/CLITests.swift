import Foundation
import SLOEngine
import Testing

/// The CLI's contract: exit 0 for ok, 1 when the input or check failed, 2 for usage errors,
/// and errors in our words (file:line:column), never Swift type names or stack traces.
@Suite("hms-ops check and usage, as a subprocess")
struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func exampleOpenSLOFileIsValid() async throws {
        let (status, output) = try await Subprocess.run(["check", "slo", Self.root + "/examples/openslo/crop-relief.yaml"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("crop-relief/fast-minutes: 99.9 % Timeslices, calendar month"), "\(output)")
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-openslo-\(UUID().uuidString).yaml").path
        try "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, budgetingMethod: Sometimes}\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let (failed, failedOutput) = try await Subprocess.run(["check", "slo", bad])
        #expect(failed == 1, "\(failedOutput)")
        #expect(failedOutput.contains(":4:") && failedOutput.contains("expected Occurrences, Timeslices or RatioTimeslices"), "\(failedOutput)")
    }

    @Test func exampleConfigIsValid() async throws {
        let (status, output) = try await Subprocess.run(["check", "config", Self.root + "/examples/hms-ops.yaml"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("valid (2 services, 5 SLOs)"), "\(output)")
    }

    @Test func badConfigExitsOneWithLocatedErrors() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).yaml").path
        try "scrape_interval: 15x\nservices:\n  - id: a\n    slos: [{id: s, objective: 100, sli: {probe: {}}}]\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (status, output) = try await Subprocess.run(["check", "config", file])
        #expect(status == 1)
        #expect(output.contains("\(file):1:18: scrape_interval: expected a duration"))
        #expect(output.contains("\(file):4:31: services[0].slos[0].objective: expected a percentage between 0 and 100"))
        #expect(output.contains("2 problems found"))
        #expect(!output.contains("Error("))
        #expect(!output.contains("SLAService"))
    }

    @Test func theShippedRateCardIsValidAndABadOneSaysWhereAndWhat() async throws {
        let (status, output) = try await Subprocess.run(["check", "rate-card", Self.root + "/rate-cards/usda-2026.yaml"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("valid (usda-2026, USDA, USD, America/New_York, 2 periods)"), "\(output)")
        #expect(output.contains("cpu_core_hour          0.0450 USD") || output.contains("cpu_core_hour          0.045 USD"), "\(output)")
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-card-\(getpid()).yaml").path
        try """
        id: bad
        agency: A
        currency: USD
        time_zone: UTC
        periods:
          - effective_from: "2026-01-01"
            rates: {cpu_cor_hour: "0,04"}
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let (failed, failedOutput) = try await Subprocess.run(["check", "rate-card", bad])
        #expect(failed == 1, "\(failedOutput)")
        #expect(
            failedOutput.contains("\(bad):7:13: periods[0].rates.cpu_cor_hour: unknown key 'cpu_cor_hour'; did you mean 'cpu_core_hour'?"),
            "\(failedOutput)")
        let (missing, _) = try await Subprocess.run(["check", "rate-card", "/nonexistent/card.yaml"])
        #expect(missing == 1)
    }

    @Test func missingFileIsAnInputError() async throws {
        let (status, output) = try await Subprocess.run(["check", "config", "/nonexistent/hms-ops.yaml"])
        #expect(status == 1)
        #expect(output.contains("/nonexistent/hms-ops.yaml: no such file"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let (status, output) = try await Subprocess.run(["up", "--port", "notaport"])
        #expect(status == 2, "\(output)")
        let (status2, _) = try await Subprocess.run(["check", "config"])
        #expect(status2 == 2)
    }

    /// A first run's slips: --version; an unknown verb suggests the nearest (exit 2); a verb
    /// that only reads, run where no server runs, says where it looked and makes no database.
    @Test func aFirstRunIsToldWhatToDo() async throws {
        let (version, versionOutput) = try await Subprocess.run(["--version"])
        #expect(version == 0 && versionOutput.hasPrefix("hms-ops "), "\(versionOutput)")
        let (verb, verbOutput) = try await Subprocess.run(["sever"])
        #expect(verb == 2 && verbOutput.contains("did you mean 'serve'?"), "\(verbOutput)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-elsewhere-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, output) = try await Subprocess.run(["slo", "status", "--service", "crop-relief"], directory: folder)
        #expect(status == 1 && output.contains("there is no hms-ops database in \(folder)/.hms-ops"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/.hms-ops"), "nothing was made")
        // A folder with a spool or pg of its own (as /var has) is not a data directory.
        try FileManager.default.createDirectory(atPath: folder + "/spool/cron", withIntermediateDirectories: true)
        let (purge, purgeOutput) = try await Subprocess.run(["purge", "--data-dir", folder])
        #expect(purge == 1 && purgeOutput.contains("is not an hms-ops data directory"), "\(purgeOutput)")
        #expect(FileManager.default.fileExists(atPath: folder + "/spool/cron"))
        #expect(FileManager.default.fileExists(atPath: folder))
    }
}
