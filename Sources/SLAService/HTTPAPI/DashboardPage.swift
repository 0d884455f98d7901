import Config
import Core
import Foundation
import Hummingbird
import SLOEngine
import Widgets

/// `GET /`: the public dashboard. Server-rendered HTML (everything essential works without
/// JavaScript), charts as inline SVG, read from the SLO snapshot alone and rendered once per
/// snapshot and period. Read-only: nothing under `/` changes anything.
struct DashboardPage: Sendable {
    package let routes: PublicRoutes

    package func register(on router: Router<AppRequestContext>) {
        router.get("/") { request, _ in
            let period = request.uri.queryParameters.get("period").map { String($0) } ?? "24h"
            // A period the page cannot show is a 400 that says which it can, never another period's
            // figures. Months are looked up only for a period that is not a rolling one.
            let months = { Set(routes.store.snapshot?.periods.values.flatMap(\.keys).filter { $0.contains("-") } ?? []) }
            guard PeriodSummary.rolling.contains(where: { $0.0 == period }) || months().contains(period) else {
                let known = PeriodSummary.rolling.map(\.0) + months().sorted()
                let text = "period must be one of \(known.joined(separator: ", ")); got '\(QuotedText.clip(period))'\n"
                return Response(
                    status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            let answer = routes.cached("dashboard \(period)") {
                let html = Self.html(services: routes.services, snapshot: routes.store.snapshot, period: period, now: routes.now())
                var rendered = PublicRoutes.rendered(Array(html.utf8), contentType: "text/html; charset=utf-8", crossOrigin: false)
                rendered.headers[.contentSecurityPolicy] =
                    "default-src 'none'; style-src 'sha256-\(Self.styleHash)'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
                return rendered
            }
            return answer.response(to: request)
        }
    }

    static let periodNames = ["24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days"]

    /// The whole page for `snapshot` (nil: not evaluated yet) over `period`.
    static func html(services: [ServiceDefinition], snapshot: SLOSnapshot?, period: String, now: Int64) -> String {
        // "the last 24 hours", or for a month "2026-10".
        let label = periodNames[period].map { "the last " + $0 } ?? period
        var body = "<header>\n<h1>Service levels</h1>\n"
        if let snapshot {
            body += "<p>Whether these public online services keep their promises, over \(label). Figures evaluated "
            body += "\(Self.time(snapshot.evaluatedAt)) UTC; they change once a minute.</p>\n"
        } else {
            body += "<p>Whether these public online services keep their promises. The first figures are being evaluated; reload in a minute.</p>\n"
        }
        body += "<nav aria-label=\"Period\"><ul class=\"periods\">"
        for (name, _) in PeriodSummary.rolling {
            let current = name == period ? " aria-current=\"page\"" : ""
            body += "<li><a href=\"/?period=\(name)\"\(current)>\(periodNames[name] ?? name)</a></li>"
        }
        body += "</ul></nav>\n</header>\n"
        let suite = snapshot?.suite[period]
        if let incidents = suite?.incidents, incidents > 0 {
            let names = suite?.incidentServices.map(HTMLText.escape).joined(separator: ", ") ?? ""
            body += "<section class=\"incident\" aria-labelledby=\"incident-title\"><h2 id=\"incident-title\">Security incidents reported</h2>"
            body += "<p>\(count(incidents)) security incident\(incidents.rounded() == 1 ? "" : "s") in \(label): \(names).</p></section>\n"
        }
        if let snapshot, snapshot.stale {
            let minutes = max(1, (now - snapshot.evaluatedAt) / 60_000)
            body +=
                "<p class=\"stale\" role=\"status\">These figures may be out of date (evaluated \(minutes) minute\(minutes == 1 ? "" : "s") ago): the server cannot read or write its database right now.</p>\n"
        }
        body += "<main id=\"main\">\n<section aria-labelledby=\"services-title\">\n<h2 id=\"services-title\">Services</h2>\n<ul class=\"cards\">\n"
        let shown = services.filter(\.isPublic)
        for service in shown { body += card(service, snapshot: snapshot, period: period, label: label) }
        if shown.isEmpty { body += "<li>No public services are configured.</li>\n" }
        body += "</ul>\n</section>\n"
        body += suitePanel(suite, label: label)
        body += """
            <section aria-labelledby="embed-title">
            <h2 id="embed-title">Show a card on your portal</h2>
            <p>Add these two lines to a page, with this server's address before <code>/widgets</code>. The card needs no other script and works under a strict Content-Security-Policy; portals that allow no scripts can show the badge image instead.</p>
            <pre><code>&lt;script type="module" src="/widgets/ops-sla-card.js"&gt;&lt;/script&gt;
            &lt;ops-sla-card service="\(HTMLText.escape(shown.first?.id ?? "service-id"))" period="24h"&gt;&lt;/ops-sla-card&gt;</code></pre>
            </section>
            </main>
            <footer><p>Open data: <a href="/public/v1/services">services (JSON)</a> · <a href="/public/v1/services.xml">XML</a> · <a href="/public/v1/schema/sla.json">schemas</a>. Served by hms-ops.</p></footer>

            """
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Service levels</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    static func card(_ service: ServiceDefinition, snapshot: SLOSnapshot?, period: String, label: String) -> String {
        let id = HTMLText.escape(service.id)
        let summary = snapshot?.periods[service.id]?[period]
        let status = PublicRoutes.status(of: service, in: snapshot)
        let targets = PublicRoutes.targets(of: service)
        var out = "<li class=\"card\"><article aria-labelledby=\"s-\(id)\">\n<h3 id=\"s-\(id)\">\(HTMLText.escape(service.name))"
        if let agency = service.agency { out += " <span class=\"agency\">\(HTMLText.escape(agency))</span>" }
        out +=
            "</h3>\n<p class=\"status \(status.rawValue)\"><span aria-hidden=\"true\">\(status.symbol) </span>\(status.label(language: "en"))</p>\n<dl>"
        if let uptime = summary?.uptime {
            out += "<div><dt>Uptime</dt><dd><span class=\"value\">\(String(format: "%.2f", PublicRoutes.floorPercent(uptime))) %</span>"
            if let target = targets.uptimePercent { out += " <span class=\"target\">target \(HTMLText.escape(target)) %</span>" }
            out += "</dd></div>"
        }
        if let p50 = summary?.p50 {
            out += "<div><dt>Median latency</dt><dd><span class=\"value\">\(Self.milliseconds(p50))</span>"
            if let below = targets.latency?.below {
                out += " <span class=\"target\">target below \(Self.milliseconds(below))</span>"
            }
            out += "</dd></div>"
        }
        let budgets = snapshot?.entries.filter { $0.service == service.id }.compactMap(\.status?.budgetRemaining) ?? []
        if let left = budgets.min() {
            let text = left < 0 ? "overspent" : left.isFinite ? String(format: "%.1f %%", (left * 1000).rounded(.down) / 10) : "unknown"
            out += "<div><dt>Error budget left</dt><dd><span class=\"value\">\(text)</span></dd></div>"
        }
        if summary?.uptime == nil && summary?.p50 == nil { out += "<div><dt>Figures</dt><dd>No data for \(label) yet</dd></div>" }
        out += "</dl>\n"
        out += strip(service, days: snapshot?.days[service.id] ?? [], target: targets.uptimePercent)
        out +=
            "<p class=\"links\"><a href=\"/public/v1/services/\(id)/sla?period=\(period)\">JSON<span class=\"sr\"> figures for \(HTMLText.escape(service.name))</span></a>"
        out +=
            " · <a href=\"/public/v1/services/\(id)/sla.xml?period=\(period)\">XML<span class=\"sr\"> figures for \(HTMLText.escape(service.name))</span></a>"
        out +=
            " · <a href=\"/public/v1/services/\(id)/badge.svg?period=\(period)\">badge<span class=\"sr\"> for \(HTMLText.escape(service.name))</span></a></p>\n"
        return out + "</article></li>\n"
    }

    /// The 90-day strip: one bar a day, full height when the day met the target, half when it
    /// did not, a thin line without data (shape, not colour alone), each with its own `<title>`.
    static func strip(_ service: ServiceDefinition, days: [DailyUptime], target: String?) -> String {
        guard !days.isEmpty else { return "" }
        let goal = target.flatMap(Double.init).map { $0 / 100 }
        var met = 0, missed = 0, empty = 0
        var bars = ""
        for (index, day) in days.enumerated() {
            let x = index * 5
            guard let uptime = day.uptime else {
                empty += 1
                bars += "<rect class=\"none\" x=\"\(x)\" y=\"26\" width=\"4\" height=\"4\"><title>\(day.day): no data</title></rect>"
                continue
            }
            let ok = goal.map { uptime >= $0 } ?? true
            if ok { met += 1 } else { missed += 1 }
            let text = "\(day.day): \(String(format: "%.2f", PublicRoutes.floorPercent(uptime))) %\(ok ? "" : " (below target)")"
            bars +=
                "<rect class=\"\(ok ? "met" : "missed")\" x=\"\(x)\" y=\"\(ok ? 0 : 15)\" width=\"4\" height=\"\(ok ? 30 : 15)\"><title>\(text)</title></rect>"
        }
        let summary =
            "Daily uptime, last \(days.count) days: \(met) met the target, \(missed) did not, \(empty) without data."
        let id = "strip-" + HTMLText.escape(service.id)
        return "<figure><figcaption id=\"\(id)\">\(summary)</figcaption><svg class=\"strip\" role=\"img\" aria-labelledby=\"\(id)\" "
            + "viewBox=\"0 0 \(days.count * 5) 30\" preserveAspectRatio=\"none\">\(bars)</svg></figure>\n"
    }

    static func suitePanel(_ suite: SuiteFigures?, label: String) -> String {
        guard let suite else { return "" }
        var rows: [(String, String)] = []
        if suite.governancePass != nil || suite.governanceBlock != nil {
            rows.append(("Governance checks", "\(count(suite.governancePass ?? 0)) passed · \(count(suite.governanceBlock ?? 0)) blocked"))
        }
        if let runs = suite.agentRuns { rows.append(("Agent runs", count(runs))) }
        if let waiting = suite.tasksWaiting { rows.append(("Tasks waiting for human review (now)", count(waiting))) }
        if let p50 = suite.stepP50 {
            rows.append(
                ("Workflow step duration", "median \(Self.milliseconds(p50)) · 95th percentile \(Self.milliseconds(suite.stepP95 ?? p50))"))
        }
        if let incidents = suite.incidents { rows.append(("Security incidents", count(incidents))) }
        guard !rows.isEmpty else { return "" }
        var out = "<section aria-labelledby=\"suite-title\">\n<h2 id=\"suite-title\">Operations suite, \(label)</h2>\n<dl class=\"suite\">"
        for (name, value) in rows { out += "<div><dt>\(name)</dt><dd>\(value)</dd></div>" }
        return out + "</dl>\n</section>\n"
    }

    package static func count(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US")
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        guard value.isFinite else { return "unknown" }
        guard abs(value) < 1e15 else { return String(format: "%.3g", value) }  // not 300 digits of a hostile counter
        return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(value.rounded())"
    }

    /// Whole milliseconds, rounded up (a median of 249.2 ms is not "below 249"); beyond 2^53 in
    /// three figures (1e+300 ms), "unknown" for a figure that is not finite. Never traps.
    package static func milliseconds(_ value: Double) -> String {
        guard value.isFinite else { return "unknown" }
        guard let whole = Int64(exactly: value.rounded(.up)), abs(whole) < 1 << 53 else { return String(format: "%.3g ms", value) }
        return "\(whole) ms"
    }

    static func time(_ ms: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// Light and dark, every text pair at least 4.5:1, bars at least 3:1 against the page.
    static let style = """
        :root{--bg:#fff;--fg:#1b1b1b;--muted:#4a4a4a;--line:#8a8a8a;--card:#f7f7f7;--link:#0b4f9c;--focus:#1a5fb4;\
        --ok:#0b6b2e;--ok-bg:#e6f4ea;--warn:#7a4b00;--warn-bg:#fff4d6;--bad:#a4161a;--bad-bg:#fde8e8;--none:#3d3d3d;--none-bg:#ececec;--empty:#767676;color-scheme:light dark}\
        @media (prefers-color-scheme:dark){:root{--bg:#1b1d21;--fg:#f1f1f1;--muted:#c8c8c8;--line:#6b6f76;--card:#23262b;--link:#8ab8ff;--focus:#8ab8ff;\
        --ok:#8fe0a8;--ok-bg:#173222;--warn:#ffd27a;--warn-bg:#3a2c0c;--bad:#ffb3b3;--bad-bg:#3d1416;--none:#ddd;--none-bg:#2e3136;--empty:#9a9a9a}}\
        body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:64rem;padding:1rem;color:var(--fg);background:var(--bg)}\
        h1{font-size:1.8rem;margin:.5rem 0}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}h3{font-size:1.15rem;margin:0 0 .5rem}\
        a{color:var(--link)}a:focus-visible{outline:3px solid var(--focus);outline-offset:2px}\
        .periods{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0}.periods a[aria-current]{font-weight:700;color:var(--fg)}\
        .incident{border:2px solid var(--bad);background:var(--bad-bg);color:var(--bad);border-radius:6px;padding:.25rem 1rem}.incident h2{margin:.5rem 0 0}\
        .stale{border:2px solid var(--warn);background:var(--warn-bg);color:var(--warn);border-radius:6px;padding:.5rem 1rem}\
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem;list-style:none;padding:0}\
        .card article{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem}\
        .agency{font-weight:400;color:var(--muted)}.status{display:inline-block;font-weight:700;padding:.1rem .6rem;border-radius:1rem;margin:0;color:var(--none);background:var(--none-bg)}\
        .status.operational{color:var(--ok);background:var(--ok-bg)}.status.degraded{color:var(--warn);background:var(--warn-bg)}.status.breaching{color:var(--bad);background:var(--bad-bg)}\
        dl{margin:.75rem 0}dl div{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .5rem;margin:.2rem 0}dt{color:var(--muted)}dd{margin:0}\
        .value{font-weight:700}.target,.links,figcaption,footer{color:var(--muted)}.target{font-size:.9em}\
        figure{margin:.75rem 0}figcaption{font-size:.9em}.strip{display:block;width:100%;height:30px;margin-top:.25rem}\
        .strip .met{fill:var(--ok)}.strip .missed{fill:var(--bad)}.strip .none{fill:var(--empty)}\
        .suite div{max-width:40rem}pre{background:var(--card);border:1px solid var(--line);padding:.75rem;overflow-x:auto}\
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
        """
    /// Base64 SHA-256 of `style`, so the CSP allows exactly this inline style and nothing else.
    static let styleHash = SHA256Base64.digest(style)
}
