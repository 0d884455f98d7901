import Hummingbird
import Widgets

/// `GET /`: a server-rendered overview of what this server watches. Read-only, no scripts.
struct IndexPage: Sendable {
    let services: [ServiceDefinition]

    func register(on router: Router<some RequestContext>) {
        let html = render()
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    .contentSecurityPolicy:
                        "default-src 'none'; style-src 'self' 'sha256-\(IndexPage.styleHash)'; img-src 'self'; frame-ancestors 'none'",
                    .cacheControl: "public, max-age=15",
                ],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    static let style =
        "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1b1b1b;background:#fff}h1{font-size:1.6rem}li{margin:.5rem 0}a{color:#0b4f9c}.meta{color:#454545}"
    /// Base64 SHA-256 of `style`, so the CSP allows exactly this inline style and nothing else.
    static let styleHash = SHA256Base64.digest(style)

    func render() -> String {
        var items = ""
        for service in services where service.isPublic {
            let agency = service.agency.map { " <span class=\"meta\">(\(HTMLText.escape($0)))</span>" } ?? ""
            let slos = service.slos.map { HTMLText.escape("\($0.id): \($0.objective)%") }.joined(separator: ", ")
            items += "<li><strong>\(HTMLText.escape(service.name))</strong>\(agency)"
            if !slos.isEmpty { items += "<br><span class=\"meta\">Objectives: \(slos)</span>" }
            items += "</li>\n"
        }
        if items.isEmpty { items = "<li>No public services are configured.</li>\n" }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>hms-ops: service levels</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <main>
            <h1>Service levels</h1>
            <p>Services watched by this hms-ops server:</p>
            <ul>
            \(items)</ul>
            <p class="meta">Health: <a href="/healthz">/healthz</a> · Metrics: <a href="/metrics">/metrics</a></p>
            </main>
            </body>
            </html>

            """
    }
}
