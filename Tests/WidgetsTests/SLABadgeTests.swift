import Foundation
import Testing

@testable import Widgets

/// The badge is golden-tested: the same model always gives the checked-in SVG (look at them in
/// `Tests/WidgetsTests/Golden/`). Set `HMS_OPS_UPDATE_GOLDEN=1` to write them anew.
@Suite("SVG badge")
struct SLABadgeTests {
    static let cases: [(String, SLABadge)] = [
        ("operational-en", SLABadge(name: "Crop-Relief Online", status: .operational, uptimePercent: 99.87, period: "last 24 hours")),
        (
            "breaching-es",
            SLABadge(name: "Crop-Relief Online", status: .breaching, uptimePercent: 98.5, period: "las últimas 24 horas", language: "es")
        ),
        (
            "degraded-hostile-name",
            SLABadge(name: "<script>alert(1)</script> & \"quotes\"", status: .degraded, uptimePercent: 99.9, period: "last 7 days")
        ),
        ("unknown-service", SLABadge.unknownService(language: "en")),
    ]

    @Test(arguments: cases.map(\.0))
    func badgeMatchesItsGoldenFile(_ name: String) throws {
        let badge = try #require(Self.cases.first { $0.0 == name }?.1)
        let svg = badge.svg()
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        if ProcessInfo.processInfo.environment["HMS_OPS_UPDATE_GOLDEN"] == "1" {
            try svg.write(to: folder.appendingPathComponent("badge-\(name).svg"), atomically: true, encoding: .utf8)
        }
        #expect(svg == (try String(contentsOf: folder.appendingPathComponent("badge-\(name).svg"), encoding: .utf8)))
    }

    @Test func theTitleSaysEverythingTheColoursDo() {
        let badge = SLABadge(name: "Crop-Relief Online", status: .operational, uptimePercent: 99.87, period: "last 24 hours")
        #expect(badge.svg().contains("<title id=\"t\">Crop-Relief Online: Operational, uptime 99.87 % over the last 24 hours</title>"))
        #expect(badge.svg().contains("role=\"img\" aria-labelledby=\"t\""))
        let hostile = SLABadge(name: "<b>x</b>\u{0}", status: .unknown, uptimePercent: nil, period: "")
        #expect(!hostile.svg().contains("<b>") && !hostile.svg().contains("\u{0}"))
        let long = SLABadge(name: String(repeating: "a", count: 80), status: .unknown, uptimePercent: nil, period: "")
        #expect(long.shownName.count == 40 && long.shownName.hasSuffix("…"))
    }

    /// White text on every fill: WCAG AA asks 4.5:1 for text this small.
    @Test(arguments: SLACardStatus.allCases)
    func everyFillKeepsWhiteTextReadable(_ status: SLACardStatus) {
        #expect(Self.contrast("#ffffff", SLABadge.fill(status)) >= 4.5)
        #expect(Self.contrast("#ffffff", "#2b2b2b") >= 4.5)
    }

    static func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let value = Int(hex.dropFirst(), radix: 16) ?? 0
            let channels = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map { Double($0) / 255 }
            let linear = channels.map { $0 <= 0.03928 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
}
