import Hummingbird
import Ingest
import Prometheus

/// `GET /metrics`: the service's own metrics, in the Prometheus text format 0.0.4 or, when the
/// scraper's Accept asks for it, OpenMetrics 1.0; every family with HELP and TYPE. Series of
/// private services are shown only to a request with the admin token.
package struct MetricsRoutes: Sendable {
    package let registry: PrometheusCollectorRegistry
    /// Its lag and spool size are gauges of now: read as `/metrics` is.
    package let pipeline: IngestPipeline?
    var text: OwnMetricsText
    package var token: String?

    /// `privateServices`: ids whose series only a request with `token` sees.
    package init(registry: PrometheusCollectorRegistry, pipeline: IngestPipeline?, privateServices: Set<String> = [], token: String? = nil) {
        self.registry = registry
        self.pipeline = pipeline
        self.text = OwnMetricsText(privateServices: privateServices)
        self.token = token
    }

    package func register(on router: Router<some RequestContext>) {
        router.get("metrics") { request, _ in
            _ = self.pipeline?.health()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            self.registry.emit(into: &buffer)
            let openMetrics = OwnMetricsText.wantsOpenMetrics(request.headers[.accept])
            let admin = token.map { AdminGate.hasToken(request, $0) } ?? false
            let body = text.render(String(decoding: buffer, as: UTF8.self), admin: admin, openMetrics: openMetrics)
            let type = openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "no-store", .vary: "Accept, Authorization"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}
