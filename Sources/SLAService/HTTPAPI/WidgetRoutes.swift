import Hummingbird
import Widgets

/// `GET /widgets/ops-sla-card.js`: the web component, for any portal to load (CORS open, kept a
/// week by caches and revalidated by ETag).
struct WidgetRoutes: Sendable {
    let script: PublicRoutes.Rendered?

    package init() {
        script = WidgetScript.source().map {
            PublicRoutes.rendered($0, contentType: "text/javascript; charset=utf-8", cacheControl: "public, max-age=604800")
        }
    }

    package func register(on router: Router<AppRequestContext>) {
        router.get("widgets/ops-sla-card.js") { request, _ in
            guard let script else {
                throw APIError(.internalServerError, "ops-sla-card.js is missing from this installation; reinstall hms-ops")
            }
            return script.response(to: request)
        }
    }
}
