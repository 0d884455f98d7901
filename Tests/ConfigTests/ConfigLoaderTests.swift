import Foundation
import TestSupport
import Testing

@testable import Config
@testable import Core

/// Problems in `hms-ops.yaml` are reported with the exact line and column of the offending
/// key or value, the field path, and what is expected.
@Suite("Config loader")
struct ConfigLoaderTests {
    /// A rate cards folder with one card, so `rate_card` references can resolve.
    static let rateCards: String = {
        let dir = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/hms-ops-config-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(
            atPath: dir + "/usda-2026.yaml",
            contents: Data(try! String(contentsOfFile: Fixtures.projectRoot.path + "/rate-cards/usda-2026.yaml", encoding: .utf8).utf8))
        // Plain C calls at exit: Foundation may be half torn down by then (FileManager hung here).
        atexit {
            let dir = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/hms-ops-config-tests-\(getpid())"
            unlink(dir + "/usda-2026.yaml")
            rmdir(dir)
        }
        return dir
    }()

    func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try ConfigLoader.parse("rate_cards_dir: \(Self.rateCards)\n" + yaml, file: "hms.yaml", baseDirectory: "/")
            return []
        } catch {
            return error.issues
        }
    }

    func only(_ yaml: String) throws -> ConfigIssue {
        let found = issues(yaml)
        try #require(found.count == 1, "expected one issue, got \(found)")
        return found[0]
    }

    @Test func validConfigurationLoadsWithExactObjective() throws {
        let config = try ConfigLoader.parse(
            """
            rate_cards_dir: \(Self.rateCards)
            scrape_interval: 30s
            listen: {port: 9191}
            services:
              - id: crop-relief
                name: Crop-Relief Online
                agency: USDA
                rate_card: usda-2026
                time_zone: America/Chicago
                targets: [http://127.0.0.1:8000/metrics]
                probes: [{url: http://127.0.0.1:8000/healthz, interval: 15s, timeout: 2s}]
                slos:
                  - id: availability
                    objective: 99.9
                    window: 30d
                    sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
                  - id: median-latency
                    objective: 99.95
                    calendar: month
                    sli: {latency: {histogram: latency_ms, percentile: 50, below: 250}}
            """, file: "hms.yaml", baseDirectory: "/")
        #expect(config.scrapeInterval == .seconds(30))
        #expect(config.listen.port == 9191)
        let service = try #require(config.services.first)
        #expect(service.rateCard == "usda-2026")
        #expect(service.slos[0].objective == Decimal(string: "99.9"))
        #expect(service.slos[0].window == .rolling(.days(30)))
        #expect(service.slos[1].window == .calendar(.month))
        #expect(service.slos[1].sli == .latency(histogram: "latency_ms", percentile: 50, below: 250))
    }

    @Test func limitsAreReadAndBounded() throws {
        let config = try ConfigLoader.parse(
            """
            limits:
              label_name_bytes: 128
              label_value_bytes: 1024
              labels_per_series: 20
              new_series_per_request: 5000
              new_series_per_minute: 50000
              header_timeout: 5s
              idle_timeout: 30s
            services: []
            """, file: "hms.yaml", baseDirectory: "/")
        #expect(config.limits.series == SeriesLimits(maximumNameBytes: 128, maximumValueBytes: 1024, maximumLabels: 20))
        #expect(config.limits.newSeries == .init(perRequest: 5000, perMinute: 50000))
        #expect(config.limits.headerTimeout == .seconds(5) && config.limits.idleTimeout == .seconds(30))
        let issue = try only("limits:\n  header_timeout: 2h\nservices: []\n")
        #expect(issue.description.contains("limits.header_timeout") && issue.description.contains("expected between 1s and 1h"))
    }

    @Test func unknownKeyIsLocatedAndAGuessOffered() throws {
        let issue = try only("scrape_intervall: 15s\nservices: []\n")
        #expect(issue.line == 2)
        #expect(issue.column == 1)
        #expect(issue.field == "scrape_intervall")
        #expect(issue.message.contains("did you mean 'scrape_interval'"))
        #expect(issue.description.hasPrefix("hms.yaml:2:1: scrape_intervall: unknown key"))
    }

    /// One service with one SLO whose extra lines are `slo`.
    static func sloConfig(_ slo: String) -> String {
        """
        services:
          - id: claims
            name: Claims
            slos:
              - id: availability
                objective: 99.9
                sli: {ratio: {good: 'claims_total{code!~"5.."}', total: claims_total}}
        \(slo.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))

        """
    }

    @Test func budgetingMethodAndSliceTargetAreOpenSLOs() throws {
        let config = try ConfigLoader.parse(
            "rate_cards_dir: \(Self.rateCards)\n" + Self.sloConfig("budgeting_method: Timeslices\nslice_target: 0.95"), file: "hms.yaml",
            baseDirectory: "/")
        let slo = try #require(config.services.first?.slos.first)
        #expect(slo.method == .timeslices && slo.sliceTarget == Decimal(string: "0.95"))
        #expect(slo.objectiveValue == Objective(percent: Decimal(string: "99.9")!, method: .timeslices, sliceTarget: Decimal(string: "0.95")))
        let typo = try only(Self.sloConfig("budgeting_method: Timeslice"))
        #expect(typo.field == "services[0].slos[0].budgeting_method" && typo.line == 9)
        #expect(typo.message.contains("did you mean 'Timeslices'"), "\(typo)")
        let wrong = try only(Self.sloConfig("budgeting_method: Occurrences\nslice_target: 0.9"))
        #expect(wrong.field == "services[0].slos[0].slice_target" && wrong.message.contains("only a Timeslices SLO"), "\(wrong)")
        let range = try only(Self.sloConfig("slice_target: 1.5"))
        #expect(range.message.contains("at most 1"), "\(range)")
        let noData = try ConfigLoader.parse(
            "rate_cards_dir: \(Self.rateCards)\n" + Self.sloConfig("budgeting_method: Timeslices\nno_data: bad"), file: "hms.yaml", baseDirectory: "/"
        )
        #expect(noData.services[0].slos[0].objectiveValue.noData == .bad)
        let events = try only(Self.sloConfig("no_data: good"))
        #expect(events.message.contains("only time slices"), "\(events)")
    }

    @Test func badDurationNamesTheValue() throws {
        let issue = try only("scrape_interval: 15x\nservices: []\n")
        #expect((issue.line, issue.column) == (2, 18))
        #expect(issue.field == "scrape_interval")
        #expect(issue.message.contains("expected a duration such as 15s"))
        #expect(issue.message.contains("'15x'"))
    }

    @Test func wrongTypeSaysWhatIsExpected() throws {
        let issue = try only("services:\n  - id: a\n    public: maybe\n")
        #expect((issue.line, issue.column) == (4, 13))
        #expect(issue.field == "services[0].public")
        #expect(issue.message == "expected true or false, got 'maybe'")
    }

    @Test(arguments: ["100", "0", "-1", "100.5"])
    func objectiveOutsideZeroToHundredIsRefused(_ objective: String) throws {
        let issue = try only(
            """
            services:
              - id: a
                slos:
                  - id: s
                    objective: \(objective)
                    sli: {probe: {}}
            """)
        #expect((issue.line, issue.column) == (6, 20))
        #expect(issue.field == "services[0].slos[0].objective")
        #expect(issue.message.contains("between 0 and 100"))
    }

    @Test func duplicateServiceIdPointsAtTheSecond() throws {
        let issue = try only("services:\n  - id: a\n  - id: b\n  - id: a\n")
        #expect((issue.line, issue.column) == (5, 9))
        #expect(issue.field == "services[2].id")
        #expect(issue.message.contains("already used by services[0]"))
    }

    @Test func missingRateCardFileIsReported() throws {
        let issue = try only("services:\n  - id: a\n    rate_card: nowhere-2026\n")
        #expect((issue.line, issue.column) == (4, 16))
        #expect(issue.field == "services[0].rate_card")
        #expect(issue.message.contains("rate card 'nowhere-2026' not found"))
    }

    @Test func rateCardNameCannotEscapeItsFolder() throws {
        let issue = try only("services:\n  - id: a\n    rate_card: ../../etc/passwd\n")
        #expect(issue.message.contains("is not a rate card name"))
    }

    @Test func yamlSyntaxErrorsKeepTheirPosition() throws {
        let issue = try only("services:\n  - id: [unclosed\n")
        #expect(issue.line >= 3)
        #expect(issue.message.hasPrefix("YAML syntax:"))
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let found = issues(
            """
            scrape_interval: 15x
            listen: {port: 70000}
            services:
              - id: Bad_Id
                targets: [ftp://example.org]
            """)
        #expect(found.map(\.field) == ["scrape_interval", "listen.port", "services[0].id", "services[0].targets[0]"])
    }

    @Test func calendarAndWindowTogetherAreRefused() throws {
        let issue = try only(
            """
            services:
              - id: a
                slos:
                  - {id: s, objective: 99, window: 7d, calendar: month, sli: {probe: {}}}
            """)
        #expect(issue.field == "services[0].slos[0].calendar")
    }

    @Test func messagesCarryNoSwiftTypeNames() {
        let found = issues("services: 12\nlisten: [1]\nscrape_timeout: {a: 1}\n")
        #expect(found.count == 3)
        for issue in found {
            #expect(!issue.message.contains("Node"))
            #expect(!issue.message.contains("Optional"))
            #expect(!issue.message.contains("Swift"))
        }
    }

    @Test func aliasBombIsBounded() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 {
            yaml += "a\(i): &a\(i) [*a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1), *a\(i-1)]\n"
        }
        yaml += "services: [*a8]\n"
        // Nine levels of tenfold aliasing would be 10^9 nodes; the reader stops long before.
        #expect(!issues(yaml).isEmpty)
    }

    @Test func exampleConfigurationIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try ConfigLoader.load(path: root.appendingPathComponent("examples/hms-ops.yaml").path)
        #expect(config.services.contains { $0.id == "crop-relief" })
    }
}

extension ConfigLoaderTests {
    @Test func retentionIsReadAndBoundedBelow() throws {
        let config = try ConfigLoader.parse("retention: {minute: 14d, day: 10y}\nservices: []\n", file: "hms.yaml", baseDirectory: "/")
        #expect(config.retention.minute == .days(14))
        #expect(config.retention.day == .days(3650))
        let issue = try only("retention: {hour: 2d}\nservices: []\n")
        #expect(issue.field == "retention.hour")
        #expect(issue.message.contains("at least 5w"))
    }
}
