import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and times them per route, method and status (`hb_requests_total`,
/// `http_server_request_duration_seconds`, `hb_request_errors_total`: the names Hummingbird's
/// own middleware uses). Unlike that middleware it leaves the response body as it is: wrapping it
/// to time the write makes every answer three socket writes instead of one, which costs a
/// cached public answer about a third of its throughput. The time recorded is the handler's.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let handles: RequestMetricHandles

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            let metrics = handles.for(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            metrics.requests.increment()
            metrics.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? APIError)?.status ?? (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = handles.for(route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            metrics.requests.increment()
            metrics.errors?.increment()
            throw error
        }
    }
}

/// The metric handles of each route, method and status, made once: the metrics factory's own
/// lookup takes a lock and hashes the labels on every call.
final class RequestMetricHandles: Sendable {
    struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    struct Handles: Sendable {
        let requests: Counter
        let duration: Timer
        /// Only for error statuses (4xx, 5xx).
        let errors: Counter?
    }

    private let made = Mutex<[Key: Handles]>([:])
    /// Where the handles are made (the server's registry).
    let factory: any MetricsFactory

    init(factory: any MetricsFactory = MetricsSystem.factory) {
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
