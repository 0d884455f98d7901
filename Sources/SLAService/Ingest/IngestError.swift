import Core
import Foundation

/// Why ingest could not have what it asked for: an exposition from a target, file or probe, or a
/// remote-write body it could read. Each case carries what happened; `description` says it, with
/// where (`location`: the URL or path) first, as a target's last error and a check's message show.
public enum IngestError: UserFacing, Sendable, Equatable, CustomStringConvertible {
    /// The exchange failed; `failure` in `NetworkFailure`'s few words.
    case network(location: String, failure: String)
    /// The answer was not a 2xx; `status` as the server gave it.
    case httpStatus(location: String, status: String)
    /// The answer was not HTTP as it must be; `detail` says where it went wrong.
    case malformedResponse(location: String, detail: String)
    /// The connection closed before the answer was whole.
    case closedEarly(location: String)
    /// No whole answer within the scrape's timeout.
    case timedOut(location: String, seconds: Double)
    /// The server is stopping.
    case cancelled(location: String)
    /// The answer, or the file, is larger than `limit`, said in words ("64 MB").
    case responseTooLarge(location: String, limit: String)
    case fileTooLarge(path: String, limit: String)
    case noSuchFile(path: String)
    case unreadable(path: String)
    /// A folder where a file was expected.
    case notAFile(path: String)
    /// A remote-write body that is not snappy as Prometheus writes it.
    case invalidSnappy(String)
    /// A remote-write body that is not a `WriteRequest`.
    case invalidWriteRequest(String)

    public var description: String {
        let place = RedactedURL.text
        return switch self {
        case .network(let location, let failure): "\(place(location)): \(failure)"
        case .httpStatus(let location, let status): "\(place(location)): HTTP status \(status)"
        case .malformedResponse(let location, let detail): "\(place(location)): \(detail)"
        case .closedEarly(let location): "\(place(location)): the connection closed before the answer was complete"
        case .timedOut(let location, let seconds): "\(place(location)): no complete answer within \(String(format: "%.1f", seconds)) s"
        case .cancelled(let location): "\(place(location)): the scrape was cancelled"
        case .responseTooLarge(let location, let limit): "\(place(location)): response larger than \(limit)"
        case .fileTooLarge(let path, let limit): "\(place(path)): larger than \(limit)"
        case .noSuchFile(let path): "\(place(path)): no such file"
        case .unreadable(let path): "\(place(path)): cannot be read; check its permissions"
        case .notAFile(let path): "\(place(path)): is a folder; give a file, or an http(s) URL"
        case .invalidSnappy(let detail): detail
        case .invalidWriteRequest(let detail): detail
        }
    }
}
