import Hummingbird
import Prometheus

/// `GET /metrics`: the service's own metrics in the Prometheus text format 0.0.4.
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry
    /// Its lag and spool size are gauges of now: read as `/metrics` is.
    let pipeline: IngestPipeline?

    func register(on router: Router<some RequestContext>) {
        router.get("metrics") { _, _ in
            _ = self.pipeline?.health()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            self.registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
