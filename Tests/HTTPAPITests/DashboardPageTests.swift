import Foundation
import Testing

@testable import Config
@testable import Core
@testable import HTTPAPI
@testable import SLOEngine

/// The dashboard is golden-tested: a fixed snapshot always renders the checked-in page
/// (`Tests/HTTPAPITests/Golden/dashboard.html`; `HMS_OPS_UPDATE_GOLDEN=1` writes it anew).
@Suite("Dashboard page")
struct DashboardPageTests {
    static let at: Int64 = 1_795_651_200_000  // 2026-11-26 00:00 UTC

    static func services() -> [ServiceDefinition] {
        var services = DemoConfig.make(demoPort: 8000).services
        services.append(ServiceDefinition(id: "hostile", name: #"<img src=x onerror="alert(1)"> & Co"#, agency: "<b>Agency</b>"))
        services.append(ServiceDefinition(id: "internal-batch", name: "Nightly batch", isPublic: false))
        return services
    }

    static func snapshot() -> SLOSnapshot {
        let service = services()[0]
        var entries: [SLOSnapshot.Entry] = []
        for slo in service.slos {
            let window = slo.window.span(at: at, timeZone: TimeZone(identifier: service.timeZone)!)
            // A day of minutes: 1000 requests each, one failed in every tenth minute.
            let slices = (0..<1440).map { SLISlice(start: at - Int64(1440 - $0) * 60_000, good: $0 % 10 == 0 ? 999 : 1000, total: 1000) }
            entries.append(
                .init(service: service.id, slo: slo, status: SLOEvaluator.evaluate(slo.objectiveValue, window: window, at: at, slices: slices)))
        }
        var snapshot = SLOSnapshot(evaluatedAt: at, entries: entries)
        let day = TimeSpan(start: at - 86_400_000, end: at)
        snapshot.periods = [service.id: ["24h": PeriodSummary(name: "24h", span: day, uptime: 0.99989, p50: 117.2, p95: 240)]]
        snapshot.days[service.id] = (0..<90).map { index in
            let start = at - Int64(90 - index) * 86_400_000
            let uptime: Double? = index < 5 ? nil : index % 30 == 7 ? 0.9962 : 0.99995
            return DailyUptime(day: "day-\(index)", span: TimeSpan(start: start, end: start + 86_400_000), uptime: uptime)
        }
        var suite = SuiteFigures()
        suite.governancePass = 15330
        suite.governanceBlock = 596
        suite.agentRuns = 9978
        suite.incidents = 2
        suite.incidentServices = [service.name]
        suite.tasksWaiting = 10
        suite.stepP50 = 39.2
        suite.stepP95 = 106.1
        snapshot.suite["24h"] = suite
        return snapshot
    }

    @Test func pageMatchesItsGoldenFile() throws {
        let html = DashboardPage.html(services: Self.services(), snapshot: Self.snapshot(), period: "24h", now: Self.at)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/dashboard.html")
        if ProcessInfo.processInfo.environment["HMS_OPS_UPDATE_GOLDEN"] == "1" { try html.write(to: file, atomically: true, encoding: .utf8) }
        #expect(html == (try String(contentsOf: file, encoding: .utf8)))
    }

    @Test func thePageSaysWhatTheSnapshotSaysAndNothingHidden() {
        let html = DashboardPage.html(services: Self.services(), snapshot: Self.snapshot(), period: "24h", now: Self.at)
        #expect(html.contains("99.98 %"), "uptime floored: 0.99989 shows as 99.98")
        #expect(html.contains("118 ms"), "median latency rounded up")
        #expect(html.contains("2 security incidents in the last 24 hours: Crop-Relief Online."))
        #expect(html.contains("Daily uptime, last 90 days: 82 met the target, 3 did not, 5 without data."))
        #expect(html.contains("15,330 passed · 596 blocked"))
        #expect(!html.contains("Nightly batch") && !html.contains("<img") && !html.contains("<b>"))
        #expect(html.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co"))
        #expect(!html.contains("<script"), "the page needs no script")
        var stale = Self.snapshot()
        stale.stale = true
        let old = DashboardPage.html(services: Self.services(), snapshot: stale, period: "24h", now: Self.at + 7 * 60_000)
        #expect(old.contains("These figures may be out of date (evaluated 7 minutes ago)"))
        let recent = DashboardPage.html(services: Self.services(), snapshot: stale, period: "24h", now: Self.at + 60_000)
        #expect(recent.contains("(evaluated 1 minute ago)"))
        let none = DashboardPage.html(services: Self.services(), snapshot: nil, period: "24h", now: Self.at)
        #expect(none.contains("The first figures are being evaluated") && !none.contains("Security incidents"))
    }
}
