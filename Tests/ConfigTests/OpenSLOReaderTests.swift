import Foundation
import TestSupport
import Testing

@testable import Config

/// OpenSLO v1 as hms-ops reads it: what it can evaluate exactly, and file:line for the rest.
@Suite("OpenSLO reader")
struct OpenSLOReaderTests {
    static let example = Fixtures.projectRoot.appendingPathComponent("examples/openslo/crop-relief.yaml").path

    @Test func theExampleReadsAsTwoSLOs() throws {
        let imported = try OpenSLOReader.load(path: Self.example)
        #expect(imported.map(\.service) == ["crop-relief", "crop-relief"])
        let availability = imported[0].slo
        #expect(availability.id == "availability-28d" && availability.window == .rolling(.days(28)) && availability.method == .occurrences)
        #expect(availability.objective == Decimal(string: "99.9")!)
        #expect(availability.sli == .ratio(good: #"claims_total{code!~"5.."}"#, bad: nil, total: "claims_total"))
        let fast = imported[1].slo
        #expect(fast.window == .calendar(.month) && fast.method == .timeslices && fast.sliceTarget == Decimal(string: "0.5"))
        #expect(fast.objective == Decimal(string: "99.9")!, "target 0.999 is 99.9 %, exactly")
        #expect(fast.sli == .ratio(good: #"latency_ms_bucket{le="250"}"#, bad: nil, total: #"latency_ms_bucket{le="+Inf"}"#))
    }

    @Test(arguments: [
        ("rate(x_total[5m])", "x_total"), (#"sum(increase(x_total{code=~"[45].."}[1h]))"#, #"x_total{code=~"[45].."}"#),
        ("sum by (code) (rate(x_total[5m]))", "x_total"), ("x_total", "x_total"),
    ])
    func selectorsComeOutOfSimpleQueries(_ query: String, _ selector: String) {
        #expect(OpenSLOReader.selector(in: query) == selector)
    }

    @Test(arguments: ["histogram_quantile(0.5, rate(x_bucket[5m]))", "x_total / y_total", "sum(rate(x_total[5m])) by (code) + 1", "avg(x)"])
    func otherQueriesAreRefused(_ query: String) {
        #expect(OpenSLOReader.selector(in: query) == nil)
    }

    /// One SLO document whose spec ends with `extra` (indented under spec).
    static func slo(indicator: String = "indicatorRef: s", extra: String = "", objectives: String = "  - targetPercent: 99") -> String {
        """
        apiVersion: openslo/v1
        kind: SLI
        metadata: {name: s}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {type: Prometheus, spec: {query: 'ok_total'}}}
            total: {metricSource: {type: Prometheus, spec: {query: 'all_total'}}}
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: a}
        spec:
          service: svc
          \(indicator)
          budgetingMethod: Occurrences
        \(extra)
          objectives:
        \(objectives.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

        """
    }

    func problems(_ text: String) -> [ConfigIssue] {
        do {
            _ = try OpenSLOReader.parse(text, file: "slo.yaml")
            return []
        } catch {
            return error.issues
        }
    }

    @Test func whatCannotBeEvaluatedIsRefusedWithItsLine() throws {
        #expect(problems(Self.slo()).isEmpty)
        let composite = problems(Self.slo(objectives: "  - targetPercent: 99\n  - targetPercent: 98"))
        #expect(composite.first?.message.contains("composite SLOs are not supported") == true && composite.first?.line == 19, "\(composite)")
        let missing = problems(Self.slo(indicator: "indicatorRef: nope"))
        #expect(missing.first?.message.contains("no kind: SLI named 'nope'") == true && missing.first?.line == 15, "\(missing)")
        let slices = problems(Self.slo(objectives: "  - targetPercent: 99\n    timeSliceWindow: 5m"))
        #expect(slices.contains { $0.message.contains("one-minute slices") && $0.line == 20 }, "\(slices)")
        let threshold = problems(Self.slo().replacingOccurrences(of: "  ratioMetric:", with: "  thresholdMetric: {}\n  ratioMetric:"))
        #expect(threshold.first?.field.hasSuffix("thresholdMetric") == true && threshold.first?.line == 5, "\(threshold)")
        let query = problems(Self.slo().replacingOccurrences(of: "'ok_total'", with: "'ok_total / 2'"))
        #expect(query.first?.message.contains("is not a selector") == true && query.first?.line == 7, "\(query)")
        let version = problems(Self.slo().replacingOccurrences(of: "openslo/v1\nkind: SLO", with: "openslo/v2alpha\nkind: SLO"))
        #expect(version.first?.message.contains("only openslo/v1") == true && version.first?.line == 10, "\(version)")
        let window = problems(Self.slo(extra: "  timeWindow: [{duration: 2y, isRolling: true}]"))
        #expect(window.first?.message.contains("rolling window from 1h to 90d") == true, "\(window)")
    }

    @Test func sloFilesAddToTheServicesTheyName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hms-ops-openslo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.slo().write(toFile: folder + "/slo.yaml", atomically: true, encoding: .utf8)
        let base = "services:\n  - id: svc\n    name: Service\nslo_files: [slo.yaml]\n"
        let config = try ConfigLoader.parse(base, file: "hms.yaml", baseDirectory: folder)
        #expect(config.services[0].slos.map(\.id) == ["a"])
        do {
            _ = try ConfigLoader.parse(base.replacingOccurrences(of: "id: svc", with: "id: other"), file: "hms.yaml", baseDirectory: folder)
            Issue.record("an SLO for an undefined service must be refused")
        } catch {
            #expect(error.issues.first?.message.contains("is for service 'svc', which this file does not define") == true, "\(error)")
            #expect(error.issues.first?.line == 4)
        }
        // A calendar window in another zone than the service's is refused where it is written.
        let calendar = Self.slo(extra: "  timeWindow: [{duration: 1M, calendar: {startTime: 2026-01-01 00:00:00, timeZone: Asia/Tokyo}}]")
        try calendar.write(toFile: folder + "/tokyo.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.parse(base.replacingOccurrences(of: "slo.yaml", with: "tokyo.yaml"), file: "hms.yaml", baseDirectory: folder)
            Issue.record("a calendar window in another zone must be refused")
        } catch {
            let issue = try #require(error.issues.first)
            #expect(issue.file == folder + "/tokyo.yaml" && issue.line == 17, "\(issue)")
            #expect(issue.message.contains("follow the service's time_zone (UTC), not Asia/Tokyo"), "\(issue)")
        }
        try "kind: SLO\n".write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.parse(base.replacingOccurrences(of: "slo.yaml", with: "bad.yaml"), file: "hms.yaml", baseDirectory: folder)
            Issue.record("a bad OpenSLO file must be refused")
        } catch {
            #expect(error.issues.first?.file == folder + "/bad.yaml", "its problems keep its own file name: \(error)")
        }
    }
}

extension OpenSLOReaderTests {
    @Test func slothSpecsReadAsBadOverTotal() throws {
        let path = Fixtures.projectRoot.appendingPathComponent("examples/openslo/sloth-crop-relief.yaml").path
        let imported = try OpenSLOReader.load(path: path)
        #expect(imported.count == 1 && imported[0].service == "crop-relief")
        let slo = imported[0].slo
        #expect(slo.id == "claims-errors" && slo.objective == Decimal(string: "99.5")! && slo.window == .rolling(.days(30)))
        #expect(slo.sli == .ratio(good: nil, bad: #"claims_total{code=~"(5..|429)"}"#, total: "claims_total"))
        do {
            _ = try OpenSLOReader.parse(
                "version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: 99\n    sli: {raw: {error_ratio_query: x}}\n",
                file: "sloth.yaml")
            Issue.record("raw SLIs must be refused")
        } catch {
            #expect(error.issues.first?.line == 6 && error.issues.first?.message.contains("only events SLIs") == true, "\(error)")
        }
    }
}
