import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// The metric handles of each route, method and status, made once: the metrics factory's own
/// lookup takes a lock and hashes the labels on every call.
final class RequestMetricHandles: Sendable {
    struct Key: Hashable {
        var route: String
        package var method: HTTPRequest.Method
        package var status: HTTPResponse.Status
    }

    struct Handles: Sendable {
        package let requests: Counter
        package let duration: Timer
        /// Only for error statuses (4xx, 5xx).
        package let errors: Counter?
    }

    private let made = Mutex<[Key: Handles]>([:])
    /// Where the handles are made (the server's registry).
    package let factory: any MetricsFactory

    package init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Methods outside these are counted as `_OTHER` (OpenTelemetry's word), so a client
    /// inventing methods cannot grow the label set.
    static let methods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .options, .patch, .connect, .trace]

    func `for`(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Handles {
        let method = Self.methods.contains(method) ? method : HTTPRequest.Method("_OTHER")!
        let key = Key(route: route, method: method, status: status)
        return made.withLock { made in
            if let handles = made[key] { return handles }
            let labels = [("http.route", route), ("http.request.method", method.rawValue), ("http.response.status_code", "\(status.code)")]
            let handles = Handles(
                requests: Counter(label: "hb_requests_total", dimensions: labels, factory: factory),
                duration: Timer(label: "http_server_request_duration_seconds", dimensions: labels, preferredDisplayUnit: .seconds, factory: factory),
                errors: status.code >= 400
                    ? Counter(
                        label: "hb_request_errors_total",
                        dimensions: [("http.route", route), ("http.request.method", method.rawValue), ("error.type", "\(status.code)")],
                        factory: factory) : nil)
            made[key] = handles
            return handles
        }
    }
}
